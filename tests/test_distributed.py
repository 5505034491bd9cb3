"""Distributed crawling on the real services: Celery workers (Redis broker) crawl local
fixture sources into PostgreSQL; a worker SIGKILLed mid-crawl loses nothing and
duplicates nothing; the per-source advisory lock keeps a source from being crawled
twice at once.

"Recorded" for a source means: exactly one finished run with status 'ok' (trigger
'worker'), no run left 'running'; a run cut short by the kill is kept, closed as
'interrupted' by the redelivered task.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from conftest import ROOT, missing, registry_toml
from newsagg.demo.server import FixtureServer, Resource

N_SOURCES = 20
N_ITEMS = 4
PAGE_DELAY = 0.4  # slow article pages: a crawl lasts long enough to be killed in the middle
VISIBILITY_TIMEOUT = 10  # seconds before Redis hands a dead worker's task to another


@pytest.fixture(scope="module")
def redis_url() -> str:
    url = os.environ.get("NEWSAGG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "unreachable"
        missing("NEWSAGG_REQUIRE_SERVICES", f"Redis unreachable at {url}: {type(exc).__name__}")
    return url


def _rss(base: str, prefix: str, n: int) -> bytes:
    items = "".join(
        f"<item><title>{prefix} story {i}</title><link>{base}/{prefix}/{i}</link><guid>{prefix}-{i}</guid>"
        f"<pubDate>Mon, 18 Jan 2016 1{i % 10}:00:00 +0000</pubDate><description>Text {i}</description></item>"
        for i in range(n))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{prefix}</title>{items}</channel></rss>'.encode()


def _serve_sources(server: FixtureServer, names: list[str], n: int, delay: float) -> None:
    for name in names:
        server.set(f"/{name}/feed", Resource(_rss(server.base_url, name, n), "application/rss+xml"))
        for i in range(n):
            server.set(f"/{name}/{i}", Resource(
                f"<html><head><title>{name} story {i}</title></head><body><article><p>{name} story {i}: "
                f"a longer paragraph of text about the show.</p></article></body></html>".encode(), delay=delay))


def _registry(tmp_path: Path, base: str, names: list[str]) -> Path:
    reg = tmp_path / "sources.toml"
    reg.write_text(registry_toml(base, {n: [f"/{n}/feed"] for n in names}, interval="1h", page_window="0"))
    return reg


def _env(redis_url: str, queue: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "NEWSAGG_BROKER_URL": redis_url,
            "NEWSAGG_QUEUE": queue, "NEWSAGG_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "NEWSAGG_RESTORE_INTERVAL": "1", "NEWSAGG_STRICT_WARNINGS": "1"}


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(p) for p in fh.read().split()]
    except OSError:
        pass
    return out


def _crawl_of(worker_pid: int) -> tuple[int, str] | None:
    """(pid, source) of the crawl subprocess a worker is running, if any."""
    for child in _children(worker_pid):
        for grandchild in _children(child):
            try:
                argv = Path(f"/proc/{grandchild}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"crawl" in argv and b"--source" in argv:
                return grandchild, argv[argv.index(b"--source") + 1].decode()
    return None


@pytest.fixture
def workers(tmp_path: Path, redis_url: str) -> Iterator[tuple[list[subprocess.Popen[bytes]], str, dict[str, str]]]:
    queue = f"newsagg-test-{uuid.uuid4().hex[:10]}"
    env = _env(redis_url, queue)
    procs = []
    for i in range(3):
        log = open(tmp_path / f"worker{i}.log", "wb")
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "newsagg.cli", "worker", "--concurrency", "1", "--queues", queue,
             "--hostname", f"w{i}-{queue}@localhost", "--loglevel", os.environ.get("NEWSAGG_TEST_WORKER_LOGLEVEL", "INFO"),
             "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"],
            env=env, cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
    yield procs, queue, env
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)  # warm shutdown: finish the running task
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(p.pid, signal.SIGKILL)  # whatever is left of the worker's process group
        except ProcessLookupError:
            pass
        p.wait()
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    client.close()


def _rows(url: str, sql: str, **params: object) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def test_three_workers_twenty_sources_one_killed_mid_crawl(tmp_path: Path, postgres_url: str, workers) -> None:
    procs, queue, env = workers
    names = [f"s{i:02d}" for i in range(N_SOURCES)]
    with FixtureServer() as server:
        _serve_sources(server, names, N_ITEMS, PAGE_DELAY)
        reg = _registry(tmp_path, server.base_url, names)
        dispatched = subprocess.run([sys.executable, str(ROOT / "scheduler.py"), "run-due", "--dispatch",
                                     "--sources", str(reg), "--db", postgres_url],
                                    env=env, cwd=str(ROOT), capture_output=True, text=True, timeout=60)
        assert dispatched.returncode == 0, dispatched.stderr
        assert f"dispatched {N_SOURCES} due source(s) to queue {queue}" in dispatched.stdout

        # Kill worker 0 with SIGKILL while its crawl is running and has opened its run record.
        victim = procs[0]
        killed_source = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and killed_source is None:
            time.sleep(0.2)
            crawl = _crawl_of(victim.pid)
            if crawl is None:
                continue
            running = _rows(postgres_url, "SELECT count(*) FROM crawl_runs r JOIN sources s ON s.id = r.source_id "
                                          "WHERE s.name = :n AND r.status = 'running'", n=crawl[1])[0][0]
            if running:
                time.sleep(0.5)  # well inside the crawl: pages take 0.4 s each
                os.kill(victim.pid, signal.SIGKILL)
                victim.wait()
                killed_source = crawl[1]
                time.sleep(0.5)
                assert not Path(f"/proc/{crawl[0]}").exists() or \
                    Path(f"/proc/{crawl[0]}/status").read_text().find("zombie") >= 0, "crawl outlived its worker"
        assert killed_source, "worker 0 never started a crawl"

        # The two survivors finish the queue, the dead worker's task included (after the visibility timeout).
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            done = _rows(postgres_url, "SELECT count(DISTINCT source_id) FROM crawl_runs WHERE status = 'ok'")[0][0]
            running = _rows(postgres_url, "SELECT count(*) FROM crawl_runs WHERE status = 'running'")[0][0]
            if done == N_SOURCES and running == 0:
                break
            time.sleep(0.5)

    logs = "\n".join((tmp_path / f"worker{i}.log").read_text(errors="replace")[-3000:] for i in range(3))
    per_source = dict(_rows(postgres_url, "SELECT s.name, count(*) FROM crawl_runs r JOIN sources s "
                                          "ON s.id = r.source_id WHERE r.status = 'ok' GROUP BY s.name"))
    assert per_source == {n: 1 for n in names}, logs
    statuses = _rows(postgres_url, "SELECT s.name, r.status, r.trigger, r.finished_at IS NOT NULL FROM crawl_runs r "
                                   "JOIN sources s ON s.id = r.source_id ORDER BY r.id")
    assert {t for _, _, t, _ in statuses} == {"worker"}
    assert all(finished for *_, finished in statuses), statuses  # nothing left 'running'
    interrupted = [n for n, st, _, _ in statuses if st == "interrupted"]
    assert interrupted == [killed_source], statuses
    # Every item stored exactly once, with its page.
    assert _rows(postgres_url, "SELECT count(*), count(DISTINCT canonical_url) FROM articles") == \
        [(N_SOURCES * N_ITEMS, N_SOURCES * N_ITEMS)]
    assert _rows(postgres_url, "SELECT count(*) FROM articles WHERE page_status IS NULL") == [(0,)]
    # No source was ever crawled by two workers at once: its runs never overlap in time.
    runs = _rows(postgres_url, "SELECT source_id, started_at, finished_at FROM crawl_runs ORDER BY source_id, "
                               "started_at")
    for (s1, _, end1), (s2, start2, _) in zip(runs, runs[1:]):
        assert s1 != s2 or end1 <= start2, runs


# The task body without Celery: lock, idempotence, refusal.

def _lock(url: str, source: str) -> tuple[object, object]:
    from newsagg.distributed.tasks import source_lock_key

    engine = create_engine(url)
    conn = engine.connect()
    schema = conn.execute(text("SELECT current_schema()")).scalar()
    assert conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": source_lock_key(schema, source)}).scalar()
    conn.commit()
    return engine, conn


def test_advisory_lock_keeps_a_source_from_being_crawled_twice(tmp_path: Path, postgres_url: str) -> None:
    from newsagg.distributed.tasks import run_source

    with FixtureServer() as server:
        _serve_sources(server, ["a"], 3, 0.3)
        reg = str(_registry(tmp_path, server.base_url, ["a"]))
        engine, conn = _lock(postgres_url, "a")  # another worker is crawling "a"
        try:
            held = run_source("a", reg, postgres_url)
        finally:
            conn.close()
            engine.dispose()
        assert held["status"] == "skipped" and held["reason"] == "locked"
        assert server.count("/a/") == 0
        # Two deliveries of the same source at once: one crawls, the other skips.
        results: list[dict] = []
        threads = [threading.Thread(target=lambda: results.append(run_source("a", reg, postgres_url)))
                   for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(r["status"] for r in results) == ["crawled", "skipped"], results
        assert server.count("/a/feed") == 1
    assert _rows(postgres_url, "SELECT status, trigger FROM crawl_runs") == [("ok", "worker")]
    assert _rows(postgres_url, "SELECT count(*) FROM articles") == [(3,)]


def test_redelivered_task_after_a_finished_run_does_nothing(tmp_path: Path, postgres_url: str) -> None:
    from newsagg.distributed.tasks import run_source

    dispatched = (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat()
    with FixtureServer() as server:
        _serve_sources(server, ["a"], 2, 0)
        reg = str(_registry(tmp_path, server.base_url, ["a"]))
        first = run_source("a", reg, postgres_url, dispatched_at=dispatched)
        again = run_source("a", reg, postgres_url, dispatched_at=dispatched)
        assert server.count("/a/feed") == 1
    assert first["status"] == "crawled" and first["run_status"] == "ok" and first["items_new"] == 2
    assert again == {**again, "status": "skipped", "reason": "done"}


def test_distributed_mode_refuses_sqlite(tmp_path: Path) -> None:
    from newsagg.distributed.tasks import NeedsPostgres, run_source

    with pytest.raises(NeedsPostgres, match="needs PostgreSQL"):
        run_source("a", None, str(tmp_path / "x.db"))
    proc = subprocess.run([sys.executable, str(ROOT / "scheduler.py"), "run-due", "--dispatch",
                           "--db", str(tmp_path / "x.db")], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=str(ROOT))
    assert proc.returncode == 2 and "distributed mode needs PostgreSQL" in proc.stderr
