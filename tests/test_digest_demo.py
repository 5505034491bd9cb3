"""Issue 17's acceptance on the demo database (real crawl of the fixture outlets): the digest of
2016-01-18 leads with the day's widest story, the Buress special is not in the Broad City story, the
email is multipart/alternative and fits a phone, `serve` answers, and the mail arrives."""

from __future__ import annotations

import json
import sqlite3
from email import message_from_bytes, policy
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller

from conftest import run_here
from test_digest_browser import _chromium, _page_width
from test_digest_email import Inbox, _free_port
from test_web import start_server, stop_server

BURESS = "Hannibal Buress Sets Stand-Up Special%"
BROAD_CITY = "Broad City Season 3 Premiere Date Set%"


@pytest.fixture(scope="module")
def demo(demo_copy: Path) -> Path:
    return demo_copy  # the run's shared demo database (conftest.demo_once), this module's copy


def _story_of(db: Path, title_like: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT story_id FROM articles WHERE title LIKE ?", (title_like,)).fetchone()[0]


def test_first_top_story_is_the_widest_and_buress_stands_apart(demo: Path) -> None:
    proc = run_here("digest", "--db", str(demo), "--date", "2016-01-18", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    everything = [s for sec in data["sections"] for s in sec["stories"]] + data["other"]["stories"]
    widest = max(len(s["outlets"]) for s in everything)
    assert len(data["top_stories"][0]["outlets"]) == widest >= 3
    assert data["top_stories"][0]["show"] == "Jessica Jones"
    assert _story_of(demo, BURESS) != _story_of(demo, BROAD_CITY)
    [broad_city] = [s for s in everything if s["headline"].startswith("Broad City Season 3")]
    assert [o["source"] for o in broad_city["outlets"]] == ["tvline"]
    assert not any("Buress" in s["headline"] for sec in data["sections"] if sec["show"]["title"] == "Broad City"
                   for s in sec["stories"])


def test_email_is_multipart_alternative_and_fits_400px(demo: Path, tmp_path: Path) -> None:
    eml, html = tmp_path / "d.eml", tmp_path / "d.html"
    assert run_here("digest", "--db", str(demo), "--date", "2016-01-18", "--out", str(eml)).returncode == 0
    assert run_here("digest", "--db", str(demo), "--date", "2016-01-18", "--out", str(html)).returncode == 0
    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    page = html.read_text("utf-8")
    assert "<svg" not in page.lower() and len(page.encode()) < 102 * 1024
    assert _page_width(_chromium(), tmp_path / "profile", html, 400) <= 400


def test_serve_answers_the_river_and_mail_arrives(demo: Path) -> None:
    proc, base = start_server(str(demo))
    try:
        river = httpx.get(base + "/?day=2016-01-18&format=json").json()
        html = httpx.get(base + "/?day=2016-01-18")
    finally:
        stop_server(proc)
    assert len(river["stories"]) >= 20 and html.status_code == 200 and "Broad City Season 3" in html.text
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        sent = run_here("digest", "--db", str(demo), "--date", "2016-01-18", "--send-to", "desk@news.example",
                       "--smtp", f"smtp://127.0.0.1:{controller.port}")
    finally:
        controller.stop()
    assert sent.returncode == 0, sent.stderr
    [(_, rcpt, raw)] = inbox.messages
    assert rcpt == ["desk@news.example"]
    assert message_from_bytes(raw, policy=policy.default).get_content_type() == "multipart/alternative"
