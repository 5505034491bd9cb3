"""Real Scrapy crawls (one subprocess each: one reactor per process) against local servers."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, registry_toml, run_cli
from newsagg.demo.server import FixtureServer, Resource


def _rss(base: str, prefix: str, n: int) -> bytes:
    items = "".join(
        f"<item><title>{prefix} story {i} | {prefix.title()}</title><link>{base}/{prefix}/story-{i}/?utm_source=rss</link>"
        f"<guid isPermaLink=\"false\">{prefix}-{i}</guid><pubDate>Sun, 17 Jan 2016 2{i % 4}:05:00 +0000</pubDate>"
        f"<description>Teaser {i}</description></item>" for i in range(n))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{prefix.title()}</title>{items}'
            f"</channel></rss>").encode()


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_failing_sources_do_not_stop_the_crawl(tmp_path: Path) -> None:
    with FixtureServer() as server:
        base = server.base_url
        server.set("/good/feed", Resource(_rss(base, "good", 6), "application/rss+xml"))
        server.set("/down/feed", Resource(b"oops", "text/plain", status=500))
        server.set("/slow/feed", Resource(_rss(base, "slow", 2), "application/rss+xml", delay=30))
        server.set("/html/feed", Resource(b"<!DOCTYPE html><html><body>Moved</body></html>"))
        reg = tmp_path / "sources.toml"
        reg.write_text(registry_toml(base, {"good": ["/good/feed"], "down": ["/down/feed"],
                                            "slow": ["/slow/feed"], "html": ["/html/feed"]}))
        db = tmp_path / "c.db"
        proc = run_cli("crawl", "--sources", str(reg), "--db", str(db), "-s", "DOWNLOAD_TIMEOUT=2",
                       "-s", "RETRY_TIMES=1", "-s", "AUTOTHROTTLE_ENABLED=False")
        assert server.count("/down/feed") == 2  # retried once, then recorded
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "ScrapyDeprecationWarning" not in proc.stderr
    assert "source down: feed" in proc.stderr and "HTTP 500" in proc.stderr
    assert "source slow: feed" in proc.stderr and "took longer than 2.0 seconds" in proc.stderr
    assert "not a feed: the URL returned an HTML page" in proc.stderr
    runs = dict((name, (status, new, errors)) for name, status, new, errors in _rows(
        db, "SELECT s.name, r.status, r.items_new, r.errors FROM crawl_runs r JOIN sources s ON s.id = r.source_id"))
    assert runs["good"] == ("ok", 6, 0)
    assert runs["down"][0] == runs["slow"][0] == runs["html"][0] == "failed"
    titles = [r[0] for r in _rows(db, "SELECT title FROM articles ORDER BY title")]
    assert titles == [f"good story {i}" for i in range(6)]  # outlet suffix gone
    urls = [r[0] for r in _rows(db, "SELECT canonical_url FROM articles")]
    assert all("utm_" not in u for u in urls)


def test_rerun_adds_nothing_and_picks_up_changes(tmp_path: Path) -> None:
    with FixtureServer(port=0) as server:
        base = server.base_url
        # No validators on this server: every run downloads and parses the whole feed.
        server.set("/a/feed", Resource(_rss(base, "a", 5), "application/rss+xml", etag=False))
        reg = tmp_path / "sources.toml"
        reg.write_text(registry_toml(base, {"a": ["/a/feed"]}))
        db = tmp_path / "c.db"
        args = ("crawl", "--sources", str(reg), "--db", str(db), "-s", "AUTOTHROTTLE_ENABLED=False")
        assert run_cli(*args).returncode == 0
        assert run_cli(*args).returncode == 0
        server.set("/a/feed", Resource(_rss(base, "a", 6).replace(b"Teaser 2", b"Teaser two"),
                                       "application/rss+xml", etag=False))
        assert run_cli(*args).returncode == 0
    rows = _rows(db, "SELECT items_seen, items_new, items_updated FROM crawl_runs ORDER BY id")
    assert rows == [(5, 5, 0), (5, 0, 0), (6, 1, 1)]
    assert _rows(db, "SELECT count(*) FROM articles") == [(6,)]


def test_private_addresses_refused_unless_allowed(tmp_path: Path) -> None:
    with FixtureServer() as server:
        server.set("/feed", Resource(_rss(server.base_url, "p", 1), "application/rss+xml"))
        reg = tmp_path / "sources.toml"
        reg.write_text(f'[[source]]\nname = "intranet"\nfeeds = ["{server.base_url}/feed"]\n')
        proc = run_cli("crawl", "--sources", str(reg), "--db", str(tmp_path / "c.db"))
        assert server.count("/feed") == 0
    assert proc.returncode == 1 and "private address" in proc.stderr


_REPORT_CPU = """
import json, sys
from newsagg.crawl import run_crawl
from newsagg.sources import load_sources
report = run_crawl(load_sources(sys.argv[1]), sys.argv[2],
                   overrides={"AUTOTHROTTLE_ENABLED": False, "NEWSAGG_EVENTS": sys.argv[3] == "on"})
print(json.dumps(report.ingest_cpu))
"""


def test_crawl_report_gives_each_ingest_steps_cpu(tmp_path: Path) -> None:
    """The storing thread's CPU per step reaches the report (what bench/feed_bench.py reads for the
    events step's share of a crawl); a step switched off has none."""
    found = {}
    with FixtureServer() as server:
        server.set("/a/feed", Resource(_rss(server.base_url, "a", 5), "application/rss+xml"))
        reg = tmp_path / "sources.toml"
        reg.write_text(registry_toml(server.base_url, {"a": ["/a/feed"]}))
        for events in ("on", "off"):
            proc = subprocess.run([sys.executable, "-c", _REPORT_CPU, str(reg), str(tmp_path / f"{events}.db"), events],
                                  capture_output=True, text=True, timeout=120, cwd=str(ROOT),
                                  env={**os.environ, "PYTHONPATH": str(ROOT)})
            assert proc.returncode == 0, proc.stderr[-2000:]
            found[events] = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(found["on"]) == {"store", "links", "stories", "events", "commit"}
    assert set(found["off"]) == {"store", "links", "stories", "commit"}
    assert all(seconds >= 0 for seconds in found["on"].values())
    assert found["on"]["store"] > 0 and found["on"]["links"] > 0
