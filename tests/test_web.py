"""`newsagg serve` as users meet it: a real uvicorn server in a subprocess on 127.0.0.1, real HTTP
requests, SQLite and PostgreSQL, and headless Chromium for what a browser makes of the pages."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import httpx
import lxml.html
import pytest

from conftest import ROOT
from test_digest import HOSTILE_TITLE, build_sample_db, copy_sample_db
from test_digest_browser import _chromium, _run_chromium


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str, *extra: str) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "newsagg.cli", "serve", "--db", db, "--port", str(port), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=str(ROOT))
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(base + "/style.css", timeout=1)
            return proc, base
        except httpx.TransportError:
            if proc.poll() is not None:
                raise AssertionError(proc.stderr.read() if proc.stderr else "server exited")
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not start")


def stop_server(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    try:
        _, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err


@pytest.fixture(scope="module")
def served_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_sample_db(tmp_path_factory.mktemp("web") / "hostile.db", hostile=True).removeprefix("sqlite:///")


@pytest.fixture(scope="module")
def server(served_db: str) -> Iterator[str]:
    proc, base = start_server(served_db)
    yield base
    err = stop_server(proc)
    assert "Traceback" not in err, err


def _json(base: str, path: str) -> dict:
    r = httpx.get(base + path + ("&" if "?" in path else "?") + "format=json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json"), r.text
    return r.json()


def test_river_newest_day_first_and_paging_by_day(server: str) -> None:
    newest = _json(server, "/")
    assert newest["day"] == "2016-01-19" and newest["newer"] is None and newest["older"] == "2016-01-18"
    day = _json(server, "/?day=2016-01-18")
    assert day["newer"] == "2016-01-19" and day["older"] == "2016-01-17"
    jj = next(s for s in day["stories"] if s["headline"] == "Netflix renews Jessica Jones for a second season")
    assert jj["first"]["name"] == "Variety" and [o["behind"] for o in jj["outlets"]] == ["first", "+2 h 25 min",
                                                                                        "+10 h 50 min"]
    times = [max(o["time"] for o in s["outlets"]) for s in day["stories"]]
    assert times == sorted(times, reverse=True)  # newest first
    assert day["page"] == 1 and day["next_page"] is None  # a quiet day fits one page
    assert _json(server, "/?day=2016-01-18&page=2")["stories"] == []
    assert httpx.get(server + "/?day=2016-01-18&page=0").status_code == 400
    html = httpx.get(server + "/?day=2016-01-18").text
    assert 'href="/?day=2016-01-17"' in html and 'href="/?day=2016-01-19"' in html


def test_day_page_is_the_digest(server: str, served_db: str) -> None:
    from conftest import run_here

    r = httpx.get(server + "/day/2016-01-18")
    cli = run_here("digest", "--db", served_db, "--date", "2016-01-18", "--format", "html")
    assert r.status_code == 200 and cli.returncode == 0 and r.text == cli.stdout
    as_json = _json(server, "/day/2016-01-18")
    assert as_json["schema"] == "newsagg-digest/2" and as_json["top_stories"][0]["headline"].startswith("Netflix renews")


def test_show_page_timeline_seasons_chart_and_feed(server: str) -> None:
    river = _json(server, "/?day=2016-01-18")
    jj_id = next(s["id"] for s in river["shows"] if s["title"] == "Jessica Jones")
    show = _json(server, f"/show/{jj_id}")
    assert show["show"]["title"] == "Jessica Jones" and len(show["coverage"]["counts"]) == 30
    assert any(t["headline"] == "Netflix renews Jessica Jones for a second season" for t in show["timeline"])
    assert show["events"] == []  # the sample articles were stored without event extraction
    feed = httpx.get(server + f"/show/{jj_id}/feed.atom?day=2016-01-18")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    import feedparser

    parsed = feedparser.parse(feed.text)
    assert not parsed.bozo and parsed.entries[0].title == "Netflix renews Jessica Jones for a second season"
    page = httpx.get(server + f"/show/{jj_id}").text
    assert f'href="/show/{jj_id}/feed.atom"' in page and "<meter" in page


def test_every_page_is_read_only_escaped_and_under_a_strict_csp(server: str) -> None:
    for path in ("/", "/?day=2016-01-18", "/shows", "/show/1", "/search?q=jessica", "/day/2016-01-18"):
        r = httpx.get(server + path)
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp, path
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "<script" not in r.text.lower(), path
        assert not re.search(r"""href=["'](?!https?://|/|#)""", r.text), path
        assert httpx.post(server + path.split("?")[0]).status_code == 405
    river = httpx.get(server + "/?day=2016-01-18").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in river and "javascript:" not in river
    assert httpx.get(server + "/show/999999").status_code == 404
    assert httpx.get(server + "/?day=yesterday").status_code == 400
    assert httpx.get(server + "/day/2016-99-99").status_code == 404


def test_search(server: str) -> None:
    hits = _json(server, "/search?q=jessica")["results"]
    assert hits and all("jessica" in h["title"].lower() for h in hits)
    assert _json(server, "/search?q=zzzznothing")["results"] == []


def test_binds_to_loopback_by_default(tmp_path: Path) -> None:
    db = build_sample_db(tmp_path / "s.db").removeprefix("sqlite:///")
    proc, base = start_server(db)
    try:
        with socket.socket() as s:  # bound to 127.0.0.1 only: the wildcard address of this host is not served
            s.settimeout(1)
            addresses = {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
            others = [a for a in addresses if not a.startswith("127.")]
            if others:
                assert s.connect_ex((others[0], int(base.rsplit(":", 1)[1]))) != 0
        from conftest import run_cli

        taken = run_cli("serve", "--db", db, "--port", base.rsplit(":", 1)[1], timeout=30)
        lines = [ln for ln in taken.stderr.splitlines() if ln.strip()]
        assert taken.returncode == 2 and len(lines) == 1 and "cannot listen on 127.0.0.1:" in lines[0], taken.stderr
    finally:
        err = stop_server(proc)
    assert "http://127.0.0.1:" in err


def test_postgresql_serves_the_same_river(postgres_url: str, tmp_path: Path) -> None:
    copy_sample_db(tmp_path / "s.db", postgres_url).dispose()
    pg, pg_base = start_server(postgres_url)
    lite, lite_base = start_server(str(tmp_path / "s.db"))
    try:
        assert _json(pg_base, "/?day=2016-01-18") == _json(lite_base, "/?day=2016-01-18")
        assert _json(pg_base, "/search?q=jessica")["results"]
        assert _json(pg_base, "/show/1")["coverage"] == _json(lite_base, "/show/1")["coverage"]
    finally:
        stop_server(pg)
        stop_server(lite)


def test_in_chromium_pages_render_links_work_no_script_runs(server: str, tmp_path: Path) -> None:
    binary = _chromium()
    url = server + "/?day=2016-01-18"
    proc = _run_chromium(binary, tmp_path / "profile", "--virtual-time-budget=3000", "--dump-dom", url)
    dom = lxml.html.document_fromstring(proc.stdout)
    stories = dom.xpath("//li[contains(@class, 'story')]")
    assert len(stories) == len(_json(server, "/?day=2016-01-18")["stories"]) > 3
    assert dom.xpath("//script") == []  # the hostile title stayed text
    assert any(HOSTILE_TITLE in s.text_content() for s in stories)
    # Keyboard: every story has a focusable element (a link, or tabindex=0 when it has no safe link),
    # and nothing is taken out of the tab order.
    for s in stories:
        assert s.xpath(".//h2//a[@href] | .//h2//*[@tabindex='0']"), lxml.html.tostring(s)[:200]
    assert not [el for el in dom.iter() if isinstance(el.tag, str) and el.get("tabindex", "0").startswith("-")]
    # Every internal link answers.
    internal = {urljoin(url, a.get("href")) for a in dom.xpath("//a[@href]") if a.get("href").startswith(("/", "?"))}
    for link in sorted(internal):
        assert httpx.get(link).status_code == 200, link
    shot = tmp_path / "river.png"
    _run_chromium(binary, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1000,1400", url)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_keyboard_tab_reaches_every_story(server: str, tmp_path: Path) -> None:
    from cdp import Browser

    stories = len(_json(server, "/?day=2016-01-18")["stories"])
    browser = Browser(_chromium(), tmp_path / "profile-keys")
    try:
        browser.open(server + "/?day=2016-01-18")
        reached: set[str] = set()
        # Tab through the page (real key events) and note which story each focused element is in.
        for _ in range(stories * 8 + 20):
            browser.press_tab()
            where = browser.evaluate("(function(){var s=document.activeElement&&document.activeElement.closest"
                                     "('li.story');return s?s.id:null})()")
            if where:
                reached.add(where)
        ran = browser.evaluate("typeof window.__hostile === 'undefined' && document.scripts.length")
    finally:
        browser.close()
    assert reached == {f"story-{i}" for i in range(1, stories + 1)}
    assert ran == 0  # no script element at all: the hostile title stayed text


def test_river_pages_split_a_busy_day(served_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from models.db import open_database
    from newsagg.web import data

    engine = open_database(f"sqlite:///{served_db}")
    try:
        with engine.connect() as conn:
            whole = [s["key"] for s in data.river(conn, date(2016, 1, 18))["stories"]]
            monkeypatch.setattr(data, "RIVER_PAGE", 2)
            pages, n = [], 1
            while n:
                got = data.river(conn, date(2016, 1, 18), n)
                pages.append([s["key"] for s in got["stories"]])
                n = got["next_page"]
    finally:
        engine.dispose()
    assert len(whole) > 4 and all(len(p) <= 2 for p in pages)
    assert [k for p in pages for k in p] == whole  # the same stories, in the same newest-first order
