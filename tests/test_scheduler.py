"""Unattended runs against local servers: due sources, conditional GET, locks, kills,
backoff and recovery, robots.txt, health, and a database an analyst is reading."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

from conftest import ROOT, registry_toml, run_cli, run_here
from newsagg.demo.server import FixtureServer, Resource


def _rss(base: str, prefix: str, n: int, start: int = 0) -> bytes:
    items = "".join(
        f"<item><title>{prefix} {i}</title><link>{base}/{prefix}/{i}</link><guid>{prefix}-{i}</guid>"
        f"<pubDate>Mon, 18 Jan 2016 1{i % 10}:00:00 +0000</pubDate><description>Text {i}</description></item>"
        for i in range(start, start + n))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{prefix}</title>{items}</channel></rss>'.encode()


def _scheduler(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "COLUMNS": "200", "NEWSAGG_STRICT_WARNINGS": "1"}
    return subprocess.run([sys.executable, str(ROOT / "scheduler.py"), *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=str(ROOT))


def _q(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _registry(tmp_path: Path, base: str, sources: dict[str, list[str]], interval: str, **extra: object) -> Path:
    reg = tmp_path / "sources.toml"
    reg.write_text(registry_toml(base, sources, interval=interval, follow_links=False, **extra))
    return reg


def test_second_run_due_sends_validators_and_stores_nothing(tmp_path: Path) -> None:
    with FixtureServer() as server:
        server.set("/a/feed", Resource(_rss(server.base_url, "a", 4), "application/rss+xml",
                                       last_modified=datetime(2016, 1, 18, 12, tzinfo=timezone.utc)))
        reg = _registry(tmp_path, server.base_url, {"a": ["/a/feed"]}, "1s")
        db = tmp_path / "s.db"
        first = _scheduler("run-due", "--sources", str(reg), "--db", str(db))
        assert first.returncode == 0, first.stderr
        time.sleep(1.1)
        second = _scheduler("run-due", "--sources", str(reg), "--db", str(db))
        assert second.returncode == 0, second.stderr
        feed_requests = [r for r in server.requests if r.path == "/a/feed"]
    assert [r.status for r in feed_requests] == [200, 304]
    assert "if-none-match" in feed_requests[1].headers and "if-modified-since" in feed_requests[1].headers
    assert _q(db, "SELECT count(*) FROM articles") == [(4,)]
    assert _q(db, "SELECT responses_200, responses_304, items_new FROM crawl_runs ORDER BY id") == [(1, 0, 4), (0, 1, 0)]


def test_source_not_due_is_not_fetched(tmp_path: Path) -> None:
    with FixtureServer() as server:
        server.set("/a/feed", Resource(_rss(server.base_url, "a", 2), "application/rss+xml"))
        reg = _registry(tmp_path, server.base_url, {"a": ["/a/feed"]}, "1h")
        db = tmp_path / "s.db"
        assert _scheduler("run-due", "--sources", str(reg), "--db", str(db)).returncode == 0
        assert _scheduler("run-due", "--sources", str(reg), "--db", str(db)).returncode == 0
        assert server.count("/a/feed") == 1
    status = _scheduler("status", "--sources", str(reg), "--db", str(db))
    assert status.returncode == 0 and "ok" in status.stdout


def test_overlapping_run_exits_at_once_with_the_lock_message(tmp_path: Path) -> None:
    from filelock import FileLock

    db = tmp_path / "s.db"
    reg = _registry(tmp_path, "http://127.0.0.1:9", {"a": ["/a/feed"]}, "1s")
    run_here("db", "upgrade", "--db", str(db))
    with FileLock(str(db) + ".lock", timeout=0):
        started = time.monotonic()
        proc = _scheduler("run-due", "--sources", str(reg), "--db", str(db))
        took = time.monotonic() - started
    assert proc.returncode == 0
    assert "another scheduled run holds" in proc.stdout and "exiting" in proc.stdout
    assert took < 10
    assert _q(db, "SELECT count(*) FROM crawl_runs") == [(0,)]


def _age_runs(db: Path, by: timedelta) -> None:
    """Move every run record `by` into the past: time passes for the scheduler without sleeping
    (a loaded machine that is slow to start the scheduler cannot overshoot a window)."""
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    with sqlite3.connect(db) as conn:
        for rid, started, finished in conn.execute("SELECT id, started_at, finished_at FROM crawl_runs").fetchall():
            shifted = [(datetime.fromisoformat(v) - by).strftime(fmt) if v else v for v in (started, finished)]
            conn.execute("UPDATE crawl_runs SET started_at = ?, finished_at = ? WHERE id = ?", (*shifted, rid))


def test_failing_source_backs_off_and_recovers(tmp_path: Path) -> None:
    with FixtureServer() as server:
        server.set("/a/feed", Resource(b"down", "text/plain", status=500))
        reg = _registry(tmp_path, server.base_url, {"a": ["/a/feed"]}, "1h")
        db = tmp_path / "s.db"
        args = ("run-due", "--sources", str(reg), "--db", str(db))
        failed = _scheduler(*args)
        assert failed.returncode == 1 and "HTTP 500" in failed.stderr
        requests_after_failure = server.count("/a/feed")
        _age_runs(db, timedelta(minutes=70))  # the 1 h interval passed, but the backoff (2 x 1 h) has not
        assert _scheduler(*args).returncode == 0
        assert server.count("/a/feed") == requests_after_failure
        server.set("/a/feed", Resource(_rss(server.base_url, "a", 3), "application/rss+xml"))
        _age_runs(db, timedelta(minutes=60))  # now 2 h 10 min after the failure: due again
        recovered = _scheduler(*args)
        assert recovered.returncode == 0, recovered.stderr
        assert server.count("/a/feed") == requests_after_failure + 1
    assert _q(db, "SELECT status, items_new FROM crawl_runs ORDER BY id") == [("failed", 0), ("ok", 3)]


def test_sigkill_mid_run_loses_nothing_and_rerun_duplicates_nothing(tmp_path: Path) -> None:
    n = 40
    with FixtureServer() as server:
        base = server.base_url
        server.set("/a/feed", Resource(_rss(base, "a", n), "application/rss+xml", etag=False))
        for i in range(n):  # slow article pages keep the crawl busy long enough to be killed
            server.set(f"/a/{i}", Resource(f"<html><body><p>Story {i}</p></body></html>".encode(), delay=0.25))
        reg = tmp_path / "sources.toml"
        reg.write_text(registry_toml(base, {"a": ["/a/feed"]}, interval="1s", page_window="0"))
        db = tmp_path / "s.db"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, str(ROOT / "scheduler.py"), "run-due", "--sources", str(reg),
                                 "--db", str(db)], env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        stored = 0
        while time.monotonic() < deadline:
            time.sleep(0.2)
            try:
                stored = _q(db, "SELECT count(*) FROM articles")[0][0]
            except sqlite3.OperationalError:
                continue
            if stored > 0:
                break
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert 0 < stored < n, stored  # killed mid-run, with part of the items stored
        assert _q(db, "SELECT status FROM crawl_runs") == [("running",)]
        rerun = _scheduler("run-due", "--sources", str(reg), "--db", str(db))  # the lock was released
        assert rerun.returncode == 0, rerun.stderr
    assert _q(db, "SELECT count(*), count(DISTINCT canonical_url) FROM articles") == [(n, n)]
    assert _q(db, "SELECT count(*) FROM articles WHERE page_status IS NOT NULL") == [(n,)]  # every page fetched


def test_last_modified_in_the_future_is_not_trusted(tmp_path: Path) -> None:
    future = datetime.now(timezone.utc) + timedelta(days=365)
    with FixtureServer() as server:
        server.set("/a/feed", Resource(_rss(server.base_url, "a", 2), "application/rss+xml", etag=False,
                                       last_modified=future))
        reg = _registry(tmp_path, server.base_url, {"a": ["/a/feed"]}, "1s")
        db = tmp_path / "s.db"
        args = ("run-due", "--sources", str(reg), "--db", str(db))
        assert _scheduler(*args).returncode == 0
        server.set("/a/feed", Resource(_rss(server.base_url, "a", 3), "application/rss+xml", etag=False,
                                       last_modified=future))
        time.sleep(1.1)
        assert _scheduler(*args).returncode == 0
        second = [r for r in server.requests if r.path == "/a/feed"][1]
    assert "if-modified-since" not in second.headers and second.status == 200
    assert _q(db, "SELECT count(*) FROM articles") == [(3,)]
    assert format_datetime(future, usegmt=True)  # the header the server sent was a valid date


def test_robots_txt_disallow_is_respected(tmp_path: Path) -> None:
    with FixtureServer() as server:
        server.set("/robots.txt", Resource(b"User-agent: *\nDisallow: /private/\n", "text/plain"))
        server.set("/private/feed", Resource(_rss(server.base_url, "p", 2), "application/rss+xml"))
        server.set("/open/feed", Resource(_rss(server.base_url, "o", 2), "application/rss+xml"))
        reg = _registry(tmp_path, server.base_url, {"p": ["/private/feed"], "o": ["/open/feed"]}, "1s")
        db = tmp_path / "s.db"
        proc = _scheduler("run-due", "--sources", str(reg), "--db", str(db))
        assert server.count("/private/") == 0 and server.count("/open/feed") == 1
    assert proc.returncode == 1 and "robots.txt" in proc.stderr
    assert _q(db, "SELECT count(*) FROM articles") == [(2,)]


def test_health_flags_a_source_that_returns_no_items(tmp_path: Path) -> None:
    with FixtureServer() as server:
        base = server.base_url
        server.set("/a/feed", Resource(_rss(base, "a", 5), "application/rss+xml", etag=False))
        server.set("/b/feed", Resource(_rss(base, "b", 5), "application/rss+xml", etag=False))
        reg = _registry(tmp_path, base, {"a": ["/a/feed"], "b": ["/b/feed"]}, "1s")
        db = tmp_path / "s.db"
        args = ("run-due", "--sources", str(reg), "--db", str(db))
        for i in range(3):
            server.set("/a/feed", Resource(_rss(base, "a", 5, start=5 * i), "application/rss+xml", etag=False))
            assert _scheduler(*args).returncode == 0
            time.sleep(1.05)
        healthy = run_here("health", "--db", str(db))
        assert healthy.returncode == 0, healthy.stdout
        # A redesign: the feed still answers 200 but has no items any more.
        server.set("/a/feed", Resource(_rss(base, "a", 0), "application/rss+xml", etag=False))
        assert _scheduler(*args).returncode == 0
        # Another feed URL starts returning an HTML page.
        server.set("/b/feed", Resource(b"<!DOCTYPE html><html><body>We moved!</body></html>"))
        time.sleep(1.05)
        _scheduler(*args)
    sick = run_here("health", "--db", str(db))
    assert sick.returncode == 1
    lines = {ln.split("│")[1].strip(): ln for ln in sick.stdout.splitlines() if ln.startswith("│")}
    assert "returned 0 items" in lines["a"] or "below half" in lines["a"]
    assert "failed" in lines["b"]


def test_sqlite_locked_by_an_analyst_loses_no_items(tmp_path: Path) -> None:
    with FixtureServer() as server:
        server.set("/a/feed", Resource(_rss(server.base_url, "a", 20), "application/rss+xml"))
        reg = _registry(tmp_path, server.base_url, {"a": ["/a/feed"]}, "1s")
        db = tmp_path / "s.db"
        run_here("db", "upgrade", "--db", str(db))
        release = threading.Event()

        def analyst() -> None:
            # A long read, then a write transaction held for 3 s (e.g. a manual UPDATE in a SQL tool).
            conn = sqlite3.connect(db, timeout=30, isolation_level=None)
            conn.execute("BEGIN")
            conn.execute("SELECT count(*) FROM articles").fetchall()
            conn.execute("CREATE TABLE IF NOT EXISTS analyst_notes (x)")
            release.wait(3)
            conn.execute("COMMIT")
            conn.close()

        t = threading.Thread(target=analyst)
        t.start()
        time.sleep(0.3)
        proc = _scheduler("run-due", "--sources", str(reg), "--db", str(db))
        release.set()
        t.join()
    assert proc.returncode == 0, proc.stderr
    assert _q(db, "SELECT count(*) FROM articles") == [(20,)]
