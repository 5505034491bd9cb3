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
    return {"shot": shot, "dom": lxml.html.document_fromstring(dom.stdout), "source": page.read_text("utf-8"),
            "page": page}


def test_screenshot_is_a_real_page(rendered: dict[str, object]) -> None:
    shot = rendered["shot"]
    assert isinstance(shot, Path) and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_rendered_dom_has_top_stories_sections_and_one_table_chart(rendered: dict[str, object]) -> None:
    dom = rendered["dom"]
    headings = [h.text_content().strip() for h in dom.iter("h2")]
    assert headings[0] == "Top stories" and headings[1] == "Coverage today" and headings[-1] == "Other"
    assert headings[2].startswith("Jessica Jones") and any(h.startswith("The X-Files") for h in headings)
    assert dom.xpath("//*[local-name()='svg']") == []  # email clients drop SVG
    [chart] = dom.xpath("//table[@class='bar-chart']")
    assert len(chart.xpath("./tr|./tbody/tr")) == 4  # one bar per show with news that day


def _page_width(binary: str, profile: Path, page: Path, width: int) -> int:
    """The digest's scroll width inside a `width`-px frame, measured by a script in a wrapper page
    (the digest itself runs no script: its CSP forbids it)."""
    wrapper = page.with_name(f"measure-{width}.html")
    wrapper.write_text(
        f'<!DOCTYPE html><html><body style="margin:0"><iframe id="f" src="{page.name}" '
        f'style="width:{width}px;height:800px;border:0"></iframe><pre id="out">pending</pre><script>'
        "document.getElementById('f').onload = function () {"
        " var d = this.contentDocument.documentElement;"
        " document.getElementById('out').textContent = 'width=' + Math.max(d.scrollWidth, this.contentDocument.body.scrollWidth);"
        "};</script></body></html>", "utf-8")
    proc = _run_chromium(binary, profile, "--allow-file-access-from-files", "--virtual-time-budget=5000",
                         "--dump-dom", wrapper.as_uri())
    out = lxml.html.document_fromstring(proc.stdout).get_element_by_id("out").text_content()
    assert out.startswith("width="), (out, proc.stderr[-1000:])
    return int(out.removeprefix("width="))


def test_fits_a_400px_phone_without_horizontal_overflow(rendered: dict[str, object]) -> None:
    page = rendered["page"]
    assert isinstance(page, Path)
    assert _page_width(_chromium(), page.parent / "profile-400", page, 400) <= 400
    assert _page_width(_chromium(), page.parent / "profile-320", page, 320) <= 320


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
    # The hostile title is there, as inert text that links nowhere (its URL is javascript:).
    [row] = [td for td in dom.xpath("//td[contains(@class, 'story')]") if "alert(1)" in td.text_content()]
    assert HOSTILE_TITLE in row.text_content() and row.xpath(".//a") == []
