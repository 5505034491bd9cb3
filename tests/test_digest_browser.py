"""The HTML digest in a real browser: headless Chromium renders it (screenshot saved) and
the rendered DOM holds no executable content even with a hostile item in the database.

Needs Debian's `chromium` (apt-get install -y chromium); skips without it, fails instead
under NEWSAGG_REQUIRE_SERVICES=1. The screenshot is also copied to bench/results/digest.png.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest

from conftest import ROOT, missing, run_cli
from test_digest import HOSTILE_TITLE, build_sample_db


def _chromium() -> str:
    for name in (os.environ.get("NEWSAGG_CHROMIUM", ""), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)  # type: ignore[return-value]
    missing("NEWSAGG_REQUIRE_SERVICES", "headless Chromium not found (apt-get install -y chromium)")
    raise AssertionError("unreachable")


def _run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
           f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    binary = _chromium()
    tmp = tmp_path_factory.mktemp("browser")
    db = build_sample_db(tmp / "hostile.db", hostile=True).removeprefix("sqlite:///")
    page = tmp / "digest.html"
    proc = run_cli("digest", "--db", db, "--date", "2016-01-18", "--format", "html", "--out", str(page))
    assert proc.returncode == 0, proc.stderr
    shot = tmp / "digest.png"
    snap = _run_chromium(binary, tmp / "profile-shot", f"--screenshot={shot}", "--window-size=1000,2000",
                         page.as_uri())
    assert shot.is_file() and shot.stat().st_size > 10_000, snap.stderr[-2000:]
    dom = _run_chromium(binary, tmp / "profile-dom", "--dump-dom", page.as_uri())
    assert dom.returncode == 0 and "<html" in dom.stdout, dom.stderr[-2000:]
    results = ROOT / "bench" / "results"
    if not os.environ.get("CI"):  # locally: keep a copy to look at
        results.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, results / "digest.png")
    return {"shot": shot, "dom": lxml.html.document_fromstring(dom.stdout), "source": page.read_text("utf-8")}


def test_screenshot_is_a_real_page(rendered: dict[str, object]) -> None:
    shot = rendered["shot"]
    assert isinstance(shot, Path) and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_rendered_dom_has_sections_and_charts(rendered: dict[str, object]) -> None:
    dom = rendered["dom"]
    headings = [h.text_content().strip() for h in dom.iter("h2")]
    assert headings[0].startswith("Jessica Jones") and headings[-1] == "Other"
    assert any(h.startswith("The X-Files") for h in headings)
    charts = dom.xpath("//*[local-name()='svg']")
    assert len(charts) == len(headings) - 1  # one per show, none for Other
    assert all(len(c.xpath(".//*[local-name()='rect']")) == 30 for c in charts)


def test_hostile_item_yields_no_executable_content(rendered: dict[str, object]) -> None:
    dom = rendered["dom"]
    assert dom.xpath("//script") == [] and dom.xpath("//iframe|//object|//embed|//img") == []
    handlers = [(el.tag, name) for el in dom.iter() if isinstance(el.tag, str)
                for name in el.attrib if name.lower().startswith("on")]
    assert handlers == []
    bad_urls = [value for el in dom.iter() if isinstance(el.tag, str) for name, value in el.attrib.items()
                if name.lower() in ("href", "src", "action", "formaction", "xlink:href")
                and not value.strip().lower().startswith(("http://", "https://"))]
    assert bad_urls == []
    # The hostile title is there, as inert text in a heading that links nowhere.
    [heading] = [h for h in dom.iter("h3") if "alert(1)" in h.text_content()]
    assert heading.text_content().strip() == HOSTILE_TITLE and heading.xpath(".//a") == []
    summary = heading.getparent().xpath(".//p")[0].text_content()
    assert 'onerror="alert(2)"' in summary  # shown as text, not parsed as an attribute
