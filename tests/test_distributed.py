"""Distributed crawling on the real services: long-lived Celery workers (Redis broker) crawl
local fixture sources into PostgreSQL, each task one crawl inside the worker process; a
worker SIGKILLed mid-crawl loses nothing and duplicates nothing; the per-source advisory
lock keeps a source from being crawled twice at once; a hanging source, a crawl that
raises, lost database connections and many tasks leave the worker running; an unreachable
broker at dispatch is one line and exit 1.

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
PAGE_DELAY = 0.4  # slow article pages, staggered: the crawl of a source lasts N_ITEMS * PAGE_DELAY
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


def _serve_sources(server: FixtureServer, names: list[str], n: int, delay: float, stagger: bool = False) -> None:
    """Page i of each source answers after `delay` seconds, or (i + 1) * `delay` when staggered, so that
    a crawl fetching its pages concurrently still lasts n * delay."""
    for name in names:
        server.set(f"/{name}/feed", Resource(_rss(server.base_url, name, n), "application/rss+xml"))
        for i in range(n):
            server.set(f"/{name}/{i}", Resource(
                f"<html><head><title>{name} story {i}</title></head><body><article><p>{name} story {i}: "
                f"a longer paragraph of text about the show.</p></article></body></html>".encode(),
                delay=delay * (i + 1) if stagger else delay))


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


def _descendants(pid: int) -> list[int]:
    found, todo = [], _children(pid)
    while todo:
        child = todo.pop()
        found.append(child)
        todo += _children(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def _crawling(log: Path) -> str | None:
    """The source a worker's log says it is crawling now (its last "crawling" line not yet answered)."""
    current = None
    for line in log.read_text(errors="replace").splitlines():
        if ": crawling" in line and "source " in line:
            current = line.split("source ", 1)[1].split(":", 1)[0]
        elif current and f"source {current}: {{" in line:
            current = None
    return current


def _start_worker(tmp_path: Path, env: dict[str, str], queue: str, i: int,
                  extra: tuple[str, ...] = ()) -> subprocess.Popen[bytes]:
    log = open(tmp_path / f"worker{i}.log", "wb")
    return subprocess.Popen(
        [sys.executable, "-m", "newsagg.cli", "worker", "--concurrency", "1", "--queues", queue,
         "--hostname", f"w{i}-{queue}@localhost", "--loglevel", os.environ.get("NEWSAGG_TEST_WORKER_LOGLEVEL", "INFO"),
         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", *extra],
        env=env, cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(procs: list[subprocess.Popen[bytes]], redis_url: str, queue: str) -> None:
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


@pytest.fixture
def workers(tmp_path: Path, redis_url: str) -> Iterator[tuple[list[subprocess.Popen[bytes]], str, dict[str, str]]]:
    queue = f"newsagg-test-{uuid.uuid4().hex[:10]}"
    env = _env(redis_url, queue)
    procs = [_start_worker(tmp_path, env, queue, i) for i in range(3)]
    yield procs, queue, env
    _stop(procs, redis_url, queue)


@pytest.fixture
def one_worker(tmp_path: Path, redis_url: str) -> Iterator[tuple[list[subprocess.Popen[bytes]], str, dict[str, str]]]:
    """Start it with start(*extra_args, **extra_env); stopped and its queue deleted afterwards."""
    queue = f"newsagg-test-{uuid.uuid4().hex[:10]}"
    env = _env(redis_url, queue)
    procs: list[subprocess.Popen[bytes]] = []

    def start(*extra: str, **extra_env: str) -> subprocess.Popen[bytes]:
        env.update(extra_env)
        procs.append(_start_worker(tmp_path, env, queue, len(procs), extra))
        return procs[-1]

    yield start, queue, env
    _stop(procs, redis_url, queue)


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
        _serve_sources(server, names, N_ITEMS, PAGE_DELAY, stagger=True)
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
            source = _crawling(tmp_path / "worker0.log")
            if source is None:
                continue
            running = _rows(postgres_url, "SELECT count(*) FROM crawl_runs r JOIN sources s ON s.id = r.source_id "
                                          "WHERE s.name = :n AND r.status = 'running'", n=source)[0][0]
            if running:
                time.sleep(0.3)  # inside the crawl: its last page answers N_ITEMS * PAGE_DELAY after the start
                helpers = _descendants(victim.pid)  # its extraction pool
                os.kill(victim.pid, signal.SIGKILL)
                victim.wait()
                # The dead worker's run stays as it was until the redelivery (VISIBILITY_TIMEOUT later): the
                # kill cut the crawl only if the run is still 'running' (a crawl whose run was closed 'ok'
                # just before the kill is not redone, and nothing would be 'interrupted').
                still_running = _rows(postgres_url, "SELECT count(*) FROM crawl_runs r JOIN sources s ON "
                                                    "s.id = r.source_id WHERE s.name = :n AND r.status = 'running'",
                                      n=source)[0][0]
                assert still_running == 1, f"the kill came after the crawl of {source} had ended"
                killed_source = source
                time.sleep(1.0)
                assert helpers and not [p for p in helpers if _alive(p)], "a helper process outlived its worker"
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


# The task body without Celery (each call in a fresh process: the body starts a worker runtime,
# whose reactor must not be this test process's).

def _run_source(*args: str | None, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    code = ("import json, sys; from newsagg.distributed.tasks import run_source; "
            "print(json.dumps(run_source(*[a or None for a in sys.argv[1:]])))")
    return subprocess.Popen([sys.executable, "-c", code, *[a or "" for a in args]], cwd=str(ROOT), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def _result(proc: subprocess.Popen[str]) -> dict:
    import json

    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err[-2000:]
    return json.loads(out.strip().splitlines()[-1])


def _lock(url: str, source: str) -> tuple[object, object]:
    from newsagg.distributed.tasks import source_lock_key

    engine = create_engine(url)
    conn = engine.connect()
    schema = conn.execute(text("SELECT current_schema()")).scalar()
    assert conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": source_lock_key(schema, source)}).scalar()
    conn.commit()
    return engine, conn


def test_advisory_lock_keeps_a_source_from_being_crawled_twice(tmp_path: Path, postgres_url: str) -> None:
    with FixtureServer() as server:
        _serve_sources(server, ["a"], 3, 0.3)
        reg = str(_registry(tmp_path, server.base_url, ["a"]))
        engine, conn = _lock(postgres_url, "a")  # another worker is crawling "a"
        try:
            held = _result(_run_source("a", reg, postgres_url))
        finally:
            conn.close()
            engine.dispose()
        assert held["status"] == "skipped" and held["reason"] == "locked"
        assert server.count("/a/") == 0
        # Two deliveries of the same source at once (two worker processes): one crawls, the other skips.
        both = [_run_source("a", reg, postgres_url) for _ in range(2)]
        results = [_result(p) for p in both]
        assert sorted(r["status"] for r in results) == ["crawled", "skipped"], results
        assert server.count("/a/feed") == 1
    assert _rows(postgres_url, "SELECT status, trigger FROM crawl_runs") == [("ok", "worker")]
    assert _rows(postgres_url, "SELECT count(*) FROM articles") == [(3,)]


def test_redelivered_task_after_a_finished_run_does_nothing(tmp_path: Path, postgres_url: str) -> None:
    code = ("import json, sys; from newsagg.distributed.tasks import run_source; "
            "print(json.dumps([run_source(*sys.argv[1:]), run_source(*sys.argv[1:])]))")
    dispatched = (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat()
    with FixtureServer() as server:
        _serve_sources(server, ["a"], 2, 0)
        reg = str(_registry(tmp_path, server.base_url, ["a"]))
        proc = subprocess.run([sys.executable, "-c", code, "a", reg, postgres_url, dispatched], cwd=str(ROOT),
                              capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert server.count("/a/feed") == 1
    import json

    first, again = json.loads(proc.stdout.strip().splitlines()[-1])
    assert first["status"] == "crawled" and first["run_status"] == "ok" and first["items_new"] == 2
    assert again == {**again, "status": "skipped", "reason": "done"}
    assert first["pid"] == again["pid"]  # one process, two tasks: the worker runtime is reused


def test_distributed_mode_refuses_sqlite(tmp_path: Path) -> None:
    from newsagg.distributed.tasks import NeedsPostgres, run_source

    with pytest.raises(NeedsPostgres, match="needs PostgreSQL"):
        run_source("a", None, str(tmp_path / "x.db"))
    proc = subprocess.run([sys.executable, str(ROOT / "scheduler.py"), "run-due", "--dispatch",
                           "--db", str(tmp_path / "x.db")], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=str(ROOT))
    assert proc.returncode == 2 and "distributed mode needs PostgreSQL" in proc.stderr


# Faults: each leaves the worker running and every item stored once.

def _enqueue(redis_url: str, queue: str, source: str, reg: Path | str, url: str, n: int = 1) -> None:
    from newsagg.distributed.app import app
    from newsagg.distributed.tasks import crawl_source

    app.conf.broker_url = redis_url
    for _ in range(n):
        crawl_source.apply_async(args=[source, str(reg), url], queue=queue)


def _dispatch(env: dict[str, str], reg: Path, url: str) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scheduler.py"), "run-due", "--dispatch", "--sources", str(reg),
                           "--db", url], env=env, cwd=str(ROOT), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def _wait(url: str, sql: str, expected: object, timeout: float = 90, **params: object) -> object:
    deadline = time.monotonic() + timeout
    got: object = None
    while time.monotonic() < deadline:
        got = _rows(url, sql, **params)
        if got == expected:
            break
        time.sleep(0.3)
    return got


_RUNS = ("SELECT s.name, r.status FROM crawl_runs r JOIN sources s ON s.id = r.source_id "
         "WHERE r.status <> 'running' ORDER BY r.id")


def test_hanging_source_is_cut_by_the_timeout_and_the_worker_goes_on(tmp_path: Path, postgres_url: str,
                                                                     one_worker) -> None:
    start, queue, env = one_worker
    with FixtureServer() as server:
        _serve_sources(server, ["a", "b"], 3, 0)
        server.set("/a/1", Resource(b"<html><body><p>never comes</p></body></html>", delay=120))
        reg = _registry(tmp_path, server.base_url, ["a", "b"])
        worker = start(NEWSAGG_CRAWL_TIMEOUT="6")
        _dispatch(env, reg, postgres_url)
        runs = _wait(postgres_url, _RUNS, [("a", "partial"), ("b", "ok")])
    log = (tmp_path / "worker0.log").read_text(errors="replace")
    assert runs == [("a", "partial"), ("b", "ok")], log[-3000:]
    assert worker.poll() is None, "the worker died"
    assert "timed out after 6s" in _rows(postgres_url, "SELECT last_error FROM crawl_runs WHERE status = 'partial'")[0][0]
    # cut at the timeout: the hanging download did not hold the crawl open for its 30 s DOWNLOAD_TIMEOUT
    (took,) = _rows(postgres_url, "SELECT extract(epoch FROM finished_at - started_at) FROM crawl_runs "
                                  "WHERE status = 'partial'")[0]
    assert took < 20, took
    # b complete; a keeps what it had before the cut (the hanging page's item is not stored half-done)
    assert _rows(postgres_url, "SELECT s.name, count(*) FROM articles a JOIN sources s ON s.id = a.source_id "
                               "GROUP BY s.name ORDER BY s.name") == [("a", 2), ("b", 3)]


def test_a_crawl_that_raises_is_recorded_and_the_worker_goes_on(tmp_path: Path, postgres_url: str,
                                                                redis_url: str, one_worker) -> None:
    start, queue, env = one_worker
    with FixtureServer() as server:
        _serve_sources(server, ["a", "b"], 2, 0)
        reg = _registry(tmp_path, server.base_url, ["a", "b"])
        worker = start()
        _dispatch(env, reg, postgres_url)
        assert _wait(postgres_url, _RUNS, [("a", "ok"), ("b", "ok")]) == [("a", "ok"), ("b", "ok")]
        # "a" leaves the registry while a task for it waits in the queue: its crawl raises.
        reg.write_text(registry_toml(server.base_url, {"b": ["/b/feed"]}, interval="1h", page_window="0"))
        _enqueue(redis_url, queue, "a", reg, postgres_url)
        _enqueue(redis_url, queue, "b", reg, postgres_url)
        runs = _wait(postgres_url, _RUNS, [("a", "ok"), ("b", "ok"), ("a", "failed"), ("b", "ok")])
    log = (tmp_path / "worker0.log").read_text(errors="replace")
    assert runs == [("a", "ok"), ("b", "ok"), ("a", "failed"), ("b", "ok")], log[-3000:]
    assert worker.poll() is None
    error = _rows(postgres_url, "SELECT last_error FROM crawl_runs WHERE status = 'failed'")[0][0]
    assert "unknown source 'a'" in error and "Traceback" not in error
    assert _rows(postgres_url, "SELECT count(*), count(DISTINCT canonical_url) FROM articles") == [(4, 4)]


def test_database_connections_terminated_under_load_tasks_are_retried(tmp_path: Path, postgres_url: str,
                                                                      one_worker) -> None:
    """Stands in for a PostgreSQL restart (the server is shared, so it is not restarted): every
    connection of this worker is terminated while it crawls, and again while a retried crawl runs."""
    start, queue, env = one_worker
    app_name = f"newsagg-test-{uuid.uuid4().hex[:8]}"
    url = f"{postgres_url}&application_name={app_name}"
    names = [f"s{i}" for i in range(5)]
    with FixtureServer() as server:
        # slow pages keep each crawl running for a second or more: the terminations must land mid-crawl
        _serve_sources(server, names, 4, 1.0)
        reg = _registry(tmp_path, server.base_url, names)
        worker = start()
        _dispatch(env, reg, url)
        terminated = 0
        hit_runs: set[int] = set()
        deadline = time.monotonic() + 60
        while terminated < 2 and time.monotonic() < deadline:
            running = {r[0] for r in _rows(postgres_url, "SELECT id FROM crawl_runs WHERE status = 'running'")}
            if running - hit_runs:  # a crawl not yet cut (the first, then a retried one)
                if _rows(postgres_url, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                       "WHERE application_name = :n", n=app_name)[0][0]:
                    terminated += 1
                    hit_runs |= running
            time.sleep(0.1)
        assert terminated == 2
        settled = ("SELECT count(DISTINCT source_id) FILTER (WHERE status = 'ok'), "
                   "count(*) FILTER (WHERE status = 'running') FROM crawl_runs")
        done = _wait(postgres_url, settled, [(len(names), 0)], timeout=120)
        time.sleep(5)  # a retry sent with its countdown (3 s) runs now, if any is left
        done = _wait(postgres_url, settled, [(len(names), 0)], timeout=120)
    log = (tmp_path / "worker0.log").read_text(errors="replace")
    assert done == [(len(names), 0)], log[-4000:]
    assert "retrying the task" in log
    assert worker.poll() is None
    assert _rows(postgres_url, "SELECT count(*) FROM crawl_runs WHERE status = 'running'") == [(0,)]
    assert _rows(postgres_url, "SELECT count(*), count(DISTINCT canonical_url) FROM articles") == \
        [(len(names) * 4, len(names) * 4)]


def test_redis_unavailable_at_dispatch_is_one_line_and_exit_1(tmp_path: Path, postgres_url: str) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    reg = _registry(tmp_path, "http://127.0.0.1:9", ["a"])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSAGG_BROKER_URL": f"redis://:secret@127.0.0.1:{port}/0"}
    proc = subprocess.run([sys.executable, str(ROOT / "scheduler.py"), "run-due", "--dispatch", "--sources", str(reg),
                           "--db", postgres_url], env=env, cwd=str(ROOT), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot reach the broker" in lines[0] and "0 of 1 tasks enqueued" in lines[0], lines
    assert "secret" not in proc.stderr  # the broker password is not printed


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_many_tasks_through_one_worker_keep_its_memory_flat(tmp_path: Path, postgres_url: str, redis_url: str,
                                                            one_worker) -> None:
    """NEWSAGG_TEST_MANY_TASKS tasks (default 240; bench/worker_memory.py runs 10,000) polling
    unchanged feeds: the worker's memory after the first quarter and at the end differ by little."""
    total = int(os.environ.get("NEWSAGG_TEST_MANY_TASKS", "240"))
    start, queue, env = one_worker
    names = ["a", "b", "c", "d"]
    finished = "SELECT count(*) FROM crawl_runs WHERE status <> 'running'"
    with FixtureServer() as server:
        _serve_sources(server, names, 3, 0)
        reg = _registry(tmp_path, server.base_url, names)
        from models.db import open_database

        open_database(postgres_url).dispose()  # migrated before the sampling starts
        worker = start("-l", "WARNING")
        for name in names:
            _enqueue(redis_url, queue, name, reg, postgres_url, n=total // len(names))
        samples: list[tuple[int, int]] = []
        deadline = time.monotonic() + 30 + total * 2
        while time.monotonic() < deadline:
            n = _rows(postgres_url, finished)[0][0]
            samples.append((n, _rss_kb(worker.pid)))
            if n >= total:
                break
            time.sleep(0.5)
    assert samples[-1][0] >= total, samples[-5:]
    assert worker.poll() is None
    after_warmup = next(rss for n, rss in samples if n >= total // 4)
    growth_mb = (samples[-1][1] - after_warmup) / 1024
    assert growth_mb < 25, (after_warmup, samples[-1], growth_mb)
    assert _rows(postgres_url, "SELECT count(*) FROM articles") == [(len(names) * 3,)]
