"""Long-lived workers at production-like sizes, in one run: items/s for one in-process crawl,
one worker and two workers; a poll of an unchanged feed (worker CPU ms); peak RSS per worker
with the 12k-show catalogue imported; memory over many tasks; story-lock wait with 2 and 4
concurrent writers; PostgreSQL and Redis ceilings for the N-machine estimate.

    PYTHONPATH=. .venv/bin/python bench/workers_bench.py [--sources 12] [--items 30] [--polls 300]

Prints each part as it is measured, then the issue's targets with PASS/FAIL, the command and
the load average. `--polls 10000 --skip throughput,locks,ceilings` is the memory-flatness run
(10,000 unchanged-feed tasks through one worker; rss_mb_per_1000_tasks is the slope).

Every item is a feed entry plus a real article page (bench/corpus_site.py: the
article-extraction benchmark's pages, ~150 KB each) served on 127.0.0.1. Needs the local
PostgreSQL (NEWSAGG_TEST_POSTGRES_URL, default database `test`; each measurement gets its own
schema) and Redis (NEWSAGG_TEST_REDIS_URL). Writes bench/results/workers.json, with the load
average before and after (the machine may be shared: compare figures of one run only).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from sqlalchemy import create_engine, text  # noqa: E402

from conftest import registry_toml  # noqa: E402
from corpus_site import load_pages, serve_sources, write_result  # noqa: E402
from newsagg.demo.server import FixtureServer  # noqa: E402

PG = os.environ.get("NEWSAGG_TEST_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/test")
REDIS = os.environ.get("NEWSAGG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CATALOGUE = ROOT.parent / "shared" / "corpus" / "tv-catalogue" / "epguides-allshows.csv"
CRAWL_SETTINGS = ["AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "ROBOTSTXT_OBEY=False"]
TICK = os.sysconf("SC_CLK_TCK")


def loadavg() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


def _schema() -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return schema, f"{PG}{'&' if '?' in PG else '?'}options=-csearch_path%3D{schema}"


def _drop(schema: str) -> None:
    admin = create_engine(PG)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _cli(*args: str, env: dict[str, str]) -> None:
    proc = subprocess.run([sys.executable, "-m", "newsagg.cli", *args], env=env, cwd=str(ROOT),
                          capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"newsagg {args[0]} failed: {proc.stderr[-1500:]}")


def _scalar(url: str, sql: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar() or 0)
    finally:
        engine.dispose()


def _tree(pid: int) -> list[int]:
    found, todo = [pid], [pid]
    while todo:
        p = todo.pop()
        for tid in os.listdir(f"/proc/{p}/task"):
            try:
                kids = [int(c) for c in Path(f"/proc/{p}/task/{tid}/children").read_text().split()]
            except OSError:
                kids = []
            found += kids
            todo += kids
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its live descendants (the extraction pool)."""
    total = 0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total / TICK


def memory_kb(pid: int, key: str = "VmRSS") -> tuple[int, int]:
    """(main process, whole tree) of a /proc/<pid>/status key, in kB."""
    values = []
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith(key + ":"):
                    values.append(int(line.split()[1]))
        except OSError:
            pass
    return (values[0] if values else 0), sum(values)


def machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat (idle and iowait are not busy)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    return sum(fields) - fields[3] - fields[4], sum(fields)


def postgres_cpu() -> float:
    """CPU seconds of the PostgreSQL server: every live process, plus the ended backends the
    postmaster has reaped (its cutime/cstime)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            head, tail = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        if head.split("(", 1)[1].startswith("postgres"):
            total += sum(int(x) for x in tail.split()[11:15])  # utime stime cutime cstime
    return total / TICK


class CpuSplit:
    """Where the machine's CPU went during one measurement: the crawl processes, PostgreSQL, this
    process (it serves the pages), and everything else (other work on a shared machine)."""

    def __init__(self, crawl_pids: list[int]) -> None:
        self.crawl_pids = crawl_pids
        self.start = self._read()

    def _read(self) -> tuple[float, ...]:
        busy, total = machine_busy()
        me = os.times()
        crawl = sum(cpu_seconds(p) for p in self.crawl_pids)
        return busy / TICK, total / TICK, crawl, postgres_cpu(), me.user + me.system

    def cores(self, crawl_children: float = 0.0) -> dict[str, float]:
        end = self._read()
        busy, total, crawl, pg, me = (b - a for a, b in zip(self.start, end))
        crawl += crawl_children
        n = os.cpu_count() or 1
        wall = total / n
        split = {"crawl": crawl / wall, "postgres": pg / wall, "page_server": me / wall}
        split["other"] = max(0.0, busy / wall - sum(split.values()))
        return {k: round(v, 2) for k, v in split.items()}


class Workers:
    """k `newsagg worker -c 1` processes on a fresh queue; pinned: worker i runs on core i only
    (taskset), so its extraction pool is one process (the pool is sized to the allowed cores)."""

    def __init__(self, k: int, env: dict[str, str], pinned: bool = False) -> None:
        self.queue = f"newsagg-bench-{uuid.uuid4().hex[:8]}"
        self.env = {**env, "NEWSAGG_QUEUE": self.queue}
        self.procs = []
        for i in range(k):
            args = [sys.executable, "-m", "newsagg.cli", "worker", "-c", "1", "-Q", self.queue, "-n",
                    f"b{i}-{self.queue}@localhost", "-l", "WARNING"]
            if pinned:
                args = ["taskset", "-c", str(i % (os.cpu_count() or 1)), *args]
            for s in CRAWL_SETTINGS:
                args += ["-s", s]
            self.procs.append(subprocess.Popen(args, env=self.env, cwd=str(ROOT), stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL, start_new_session=True))

    def ready(self, timeout: float = 120) -> None:
        """Wait until every worker started its extraction pool (the runtime is built)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(len(_tree(p.pid)) >= 3 for p in self.procs):
                time.sleep(2)  # and connected to the broker
                return
            time.sleep(0.3)
        raise SystemExit("workers did not start")

    def enqueue(self, source: str, reg: Path, url: str, n: int) -> None:
        os.environ["NEWSAGG_BROKER_URL"] = REDIS
        from newsagg.distributed.app import app
        from newsagg.distributed.tasks import crawl_source

        app.conf.broker_url = REDIS
        for _ in range(n):
            crawl_source.apply_async(args=[source, str(reg), url], queue=self.queue)

    def stop(self) -> None:
        for p in self.procs:
            p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        import redis

        redis.Redis.from_url(REDIS).delete(self.queue, f"_kombu.binding.{self.queue}")


def _wait_runs(url: str, n: int, timeout: float = 3600) -> None:
    deadline = time.monotonic() + timeout
    while _scalar(url, "SELECT count(*) FROM crawl_runs WHERE status <> 'running'") < n:
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the crawls")
        time.sleep(0.2)


def throughput(mode: str, names: list[str], reg: Path, env: dict[str, str]) -> dict[str, float]:
    """items/s from the start of the crawl (or of the dispatch) to the last run record, and how
    many of the machine's cores were busy meanwhile (everything: crawl, PostgreSQL, the page server)."""
    schema, url = _schema()
    try:
        _cli("db", "upgrade", "--db", url, env=env)
        if mode == "in-process":
            args = ["crawl", "--sources", str(reg), "--db", url]
            for s in CRAWL_SETTINGS:
                args += ["-s", s]
            children = os.times()
            split = CpuSplit([])
            started = time.monotonic()
            _cli(*args, env=env)
            elapsed = time.monotonic() - started
            after = os.times()
            cores = split.cores(after.children_user + after.children_system
                                - children.children_user - children.children_system)
        else:
            workers = Workers(int(mode.split()[0]), env, pinned="core" in mode)
            try:
                workers.ready()
                split = CpuSplit([p.pid for p in workers.procs])
                started = time.monotonic()
                subprocess.run([sys.executable, str(ROOT / "scheduler.py"), "run-due", "--dispatch", "--sources",
                                str(reg), "--db", url], env=workers.env, check=True, capture_output=True)
                _wait_runs(url, len(names))
                elapsed = time.monotonic() - started
                cores = split.cores()
            finally:
                workers.stop()
        items = _scalar(url, "SELECT count(*) FROM articles")
    finally:
        _drop(schema)
    return {"mode": mode, "sources": len(names), "items": items, "seconds": round(elapsed, 2),
            "items_per_s": round(items / elapsed, 2), "cores_used": cores}


def steady_state(names: list[str], reg: Path, env: dict[str, str], polls: int, catalogue: bool) -> dict[str, object]:
    """One worker, the 12k-show catalogue imported: a first crawl of every source, then `polls`
    tasks on unchanged feeds (conditional GET: 304). CPU per poll, RSS over the polls."""
    schema, url = _schema()
    try:
        _cli("db", "upgrade", "--db", url, env=env)
        if catalogue and CATALOGUE.is_file():
            _cli("shows", "import", str(CATALOGUE), "--db", url, env=env)
        shows = _scalar(url, "SELECT count(*) FROM shows")
        workers = Workers(1, env)
        pid = workers.procs[0].pid
        try:
            workers.ready()
            started = time.monotonic()
            for name in names:
                workers.enqueue(name, reg, url, 1)
            _wait_runs(url, len(names))
            first_crawl = time.monotonic() - started
            rss_after_first = memory_kb(pid)
            cpu0, t0 = cpu_seconds(pid), time.monotonic()
            per_source = max(1, polls // len(names))
            for name in names:
                workers.enqueue(name, reg, url, per_source)
            total = len(names) * (1 + per_source)
            samples = []
            while True:
                done = _scalar(url, "SELECT count(*) FROM crawl_runs WHERE status <> 'running'")
                samples.append((done, memory_kb(pid)[0]))
                if done >= total:
                    break
                time.sleep(1.0)
            cpu1, t1 = cpu_seconds(pid), time.monotonic()
            peak = memory_kb(pid, "VmHWM")
            n_polls = total - len(names)
            not_modified = _scalar(url, "SELECT coalesce(sum(responses_304), 0) FROM crawl_runs")
        finally:
            workers.stop()
    finally:
        _drop(schema)
    quarter = next(rss for done, rss in samples if done >= len(names) + n_polls // 4)
    # RSS growth per 1,000 tasks: least squares over the samples after the first quarter (warm-up)
    late = [(done, rss / 1024) for done, rss in samples if done >= len(names) + n_polls // 4]
    slope = 0.0
    if len(late) >= 2:
        mx, my = sum(d for d, _ in late) / len(late), sum(r for _, r in late) / len(late)
        var = sum((d - mx) ** 2 for d, _ in late)
        slope = sum((d - mx) * (r - my) for d, r in late) / var * 1000 if var else 0.0
    return {"shows_in_catalogue": shows, "first_crawl_seconds": round(first_crawl, 2), "polls": n_polls,
            "polls_answered_304": not_modified,
            "cpu_ms_per_poll": round((cpu1 - cpu0) / n_polls * 1000, 1),
            "wall_ms_per_poll": round((t1 - t0) / n_polls * 1000, 1),
            "rss_mb_after_first_crawl": {"worker": round(rss_after_first[0] / 1024), "with_pool": round(rss_after_first[1] / 1024)},
            "rss_mb_after_quarter_of_polls": round(quarter / 1024, 1),
            "rss_mb_at_end": round(samples[-1][1] / 1024, 1),
            "rss_mb_per_1000_tasks": round(slope, 2),
            "rss_mb_by_tasks_done": [(done, round(rss / 1024, 1)) for done, rss in samples[::max(1, len(samples) // 20)]],
            "peak_rss_mb": {"worker": round(peak[0] / 1024), "with_pool": round(peak[1] / 1024)}}


LOCK_WRITER = r'''
import json, sys, time
from datetime import datetime, timedelta, timezone
from sqlalchemy import event
from models.db import open_database
from newsagg.ingest import Ingestor
from newsagg.records import Article
url, w, k, batches, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
engine = open_database(url)
ingestor = Ingestor(engine, link_shows=False)
waits, held = [], []
@event.listens_for(engine, "before_cursor_execute")
def before(conn, cursor, statement, *a):
    conn.info["t"] = time.perf_counter()
@event.listens_for(engine, "after_cursor_execute")
def after(conn, cursor, statement, *a):
    if "pg_advisory_xact_lock" in statement:
        now = time.perf_counter()
        waits.append(now - conn.info["t"])
        conn.info["acquired"] = now
def released(conn):
    acquired = conn.info.pop("acquired", None)
    if acquired is not None:
        held.append(time.perf_counter() - acquired)
event.listen(engine, "commit", released)
event.listen(engine, "rollback", released)
t0 = datetime(2016, 1, 18, tzinfo=timezone.utc)
bodies = json.load(open(sys.argv[6]))  # real article bodies (the corpus's ground truth)
start = time.perf_counter()
for b in range(batches):
    arts = []
    for i in range(per):
        n = b * per + i
        story = n // 2  # two articles per story in each writer, and every writer tells the same stories
        text = bodies[story % len(bodies)]
        variant = " ".join(bodies[(n * 7 + w) % len(bodies)].split()[:40])  # each copy edited a little
        arts.append(Article(source=f"w{w}", canonical_url=f"https://w{w}.example/{n}", url=f"https://w{w}.example/{n}",
                            title=text.split(".")[0][:120], published_at=t0 + timedelta(minutes=n), guid=f"g{n}",
                            summary="s", body=text + " " + variant))
    ingestor.ingest(arts)
print(json.dumps({"writer": w, "seconds": time.perf_counter() - start, "lock_wait": sum(waits),
                  "lock_held": sum(held), "lock_calls": len(waits), "articles": batches * per}))
'''


def lock_wait(writers: int, batches: int = 8, per: int = 25) -> dict[str, float]:
    """`writers` processes storing articles of shared stories at once (the story step's advisory
    lock and replay): time waiting for the lock vs the whole ingest, and articles/s."""
    schema, url = _schema()
    words = Path(tempfile.mkstemp(suffix=".json")[1])
    truth = json.loads((ROOT.parent / "shared" / "corpus" / "article-extraction-dev" / "ground-truth.json").read_text())
    words.write_text(json.dumps([v["articleBody"] for _, v in sorted(truth.items()) if v.get("articleBody")]))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        _cli("db", "upgrade", "--db", url, env=env)
        started = time.monotonic()
        procs = [subprocess.Popen([sys.executable, "-c", LOCK_WRITER, url, str(w), str(writers), str(batches), str(per),
                                   str(words)], env=env, stdout=subprocess.PIPE, text=True) for w in range(writers)]
        results = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
        elapsed = time.monotonic() - started
        stories = _scalar(url, "SELECT count(*) FROM stories")
    finally:
        _drop(schema)
        words.unlink()
    busy = sum(r["seconds"] for r in results)
    waited = sum(r["lock_wait"] for r in results)
    return {"writers": writers, "articles": sum(r["articles"] for r in results), "seconds": round(elapsed, 2),
            "articles_per_s": round(sum(r["articles"] for r in results) / elapsed, 1),
            # from the writers' own clocks: process start-up (imports, matcher) left out
            "articles_per_s_writing": round(sum(r["articles"] for r in results) / max(r["seconds"] for r in results), 1),
            "lock_wait_share": round(waited / busy, 3),
            # time holding the lock (lock to commit): what every writer of the cluster queues for
            "lock_held_ms_per_article": round(sum(r["lock_held"] for r in results)
                                              / sum(r["articles"] for r in results) * 1000, 2),
            "lock_held_share": round(sum(r["lock_held"] for r in results) / busy, 3),
            "lock_wait_ms_per_batch": round(
                waited / sum(r["lock_calls"] for r in results) * 1000, 1), "stories": stories}


def store_ceiling(total: int = 20000, batch: int = 500, writers: int = 2) -> dict[str, float]:
    """PostgreSQL article inserts/s through ArticleStore (what every worker's pipeline does)."""
    import threading

    from models.db import open_database
    from models.store import ArticleStore
    from newsagg.records import Article

    schema, url = _schema()
    t0 = datetime(2016, 1, 18, tzinfo=timezone.utc)
    body = "A paragraph about the new season of the show. " * 60
    try:
        stores = [ArticleStore(open_database(url)) for _ in range(writers)]
        per = total // writers

        def work(w: int) -> None:
            for start in range(0, per, batch):
                stores[w].store([Article(source=f"s{w}", canonical_url=f"https://x{w}.example/{i}",
                                         url=f"https://x{w}.example/{i}", title=f"Headline {i}", published_at=t0,
                                         guid=f"g{i}", summary="Summary", body=body)
                                 for i in range(start, min(start + batch, per))])

        started = time.monotonic()
        threads = [threading.Thread(target=work, args=(w,)) for w in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        for s in stores:
            s.engine.dispose()
    finally:
        _drop(schema)
    return {"articles": total, "writers": writers, "batch": batch, "seconds": round(elapsed, 2),
            "inserts_per_s": round(total / elapsed)}


def enqueue_ceiling(n: int = 2000) -> dict[str, float]:
    os.environ["NEWSAGG_BROKER_URL"] = REDIS
    from newsagg.distributed.tasks import crawl_source

    queue = f"newsagg-bench-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    for i in range(n):
        crawl_source.apply_async(args=[f"s{i}", None, "postgresql://x/y"], queue=queue)
    elapsed = time.monotonic() - started
    import redis

    redis.Redis.from_url(REDIS).delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    return {"tasks": n, "seconds": round(elapsed, 2), "enqueues_per_s": round(n / elapsed)}


TARGETS = (  # (what, figure's path in the result, comparison, bound): issue #16's targets
    ("unchanged-feed poll, worker CPU ms", ("steady_state", "cpu_ms_per_poll"), "<=", 50),
    ("one worker / in-process crawl", ("ratios", "one_worker_vs_in_process"), ">=", 0.8),
    ("two workers / one worker (2 cores)", ("ratios", "two_workers_vs_one"), ">=", 1.7),
    ("two workers / one worker, each pinned to one core", ("ratios", "two_pinned_workers_vs_one_pinned"), ">=", 1.7),
    ("peak RSS of a worker process, MB (12k shows)", ("steady_state", "peak_rss_mb", "worker"), "<=", 400),
    ("worker RSS growth, MB per 1,000 tasks", ("steady_state", "rss_mb_per_1000_tasks"), "<=", 1.0),
)


def verdicts(result: dict) -> list[str]:
    lines = []
    for what, path, op, bound in TARGETS:
        value: object = result
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None  # type: ignore[union-attr]
        if not isinstance(value, (int, float)):
            lines.append(f"  n/a   {what}: not measured in this run")
            continue
        ok = value <= bound if op == "<=" else value >= bound
        lines.append(f"  {'PASS' if ok else 'FAIL'}  {what}: {value} (target {op} {bound})")
    for r in result.get("throughput", []):
        used = ", ".join(f"{k} {v}" for k, v in r["cores_used"].items())
        lines.append(f"  info  {r['mode']}: {r['items_per_s']} items/s; cores used: {used} (of {os.cpu_count()})")
    bound = (result.get("ratios") or {}).get("two_workers_vs_one_bound")  # type: ignore[union-attr]
    if bound:
        lines.append(f"  info  two workers can reach at most {bound}x one worker here: cores / cores one worker's "
                     "run used (worker, PostgreSQL, page server)")
    for r in result.get("story_lock", []):
        lines.append(f"  info  story lock, {r['writers']} writer(s): waiting {r['lock_wait_share']:.0%} and holding "
                     f"{r['lock_held_share']:.0%} of ingest time, {r['articles_per_s_writing']} articles/s")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=int, default=12)
    ap.add_argument("--items", type=int, default=30)
    ap.add_argument("--polls", type=int, default=300,
                    help="unchanged-feed tasks through one worker (10000 for the memory-flatness run)")
    ap.add_argument("--no-catalogue", action="store_true", help="skip importing the 12k-show catalogue")
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: throughput,steady,locks,ceilings")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "workers.json"))
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    names = [f"s{i:03d}" for i in range(args.sources)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "1", "NEWSAGG_BROKER_URL": REDIS,
           "NEWSAGG_VISIBILITY_TIMEOUT": "3600"}
    command = "PYTHONPATH=. .venv/bin/python bench/workers_bench.py " + " ".join(sys.argv[1:])
    result: dict[str, object] = {"command": command.strip(),
                                 "setup": {"sources": args.sources, "items_per_source": args.items,
                                           "pages": "article-extraction-dev (real pages)", "cpus": os.cpu_count(),
                                           "crawl_settings": CRAWL_SETTINGS},
                                 "loadavg_before": loadavg()}
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, FixtureServer() as server:
        serve_sources(server, names, args.items, load_pages(), now=datetime.now(timezone.utc) - timedelta(hours=1))
        reg = Path(tmp) / "sources.toml"
        reg.write_text(registry_toml(server.base_url, {n: [f"/{n}/feed"] for n in names}, interval="1h",
                                     page_window="0"))
        if "throughput" not in skip:
            runs = []
            for mode in ("in-process", "1 worker", "2 workers", "1 worker on 1 core", "2 workers on 1 core each"):
                runs.append(throughput(mode, names, reg, env))
                print(json.dumps(runs[-1]), flush=True)
            result["throughput"] = runs
            rate = {r["mode"]: r["items_per_s"] for r in runs}
            cpus = os.cpu_count() or 1
            result["ratios"] = {
                "one_worker_vs_in_process": round(rate["1 worker"] / rate["in-process"], 2),
                "two_workers_vs_one": round(rate["2 workers"] / rate["1 worker"], 2),
                # the most a second worker could add on this machine: what one worker's run used
                # (worker, PostgreSQL, page server) against all the cores
                "two_workers_vs_one_bound": round(cpus / max(sum(v for k, v in runs[1]["cores_used"].items()
                                                                 if k != "other"), 1e-9), 2),
                "two_pinned_workers_vs_one_pinned": round(rate["2 workers on 1 core each"]
                                                         / rate["1 worker on 1 core"], 2)}
            print(json.dumps(result["ratios"]), flush=True)
        if "steady" not in skip:
            result["steady_state"] = steady_state(names, reg, env, args.polls, not args.no_catalogue)
            print(json.dumps(result["steady_state"]), flush=True)
    if "locks" not in skip:
        result["story_lock"] = [lock_wait(k) for k in (1, 2, 4)]
        for r in result["story_lock"]:
            print(json.dumps(r), flush=True)
    if "ceilings" not in skip:
        result["ceilings"] = {"postgres_store": store_ceiling(), "redis_enqueue": enqueue_ceiling()}
        print(json.dumps(result["ceilings"]), flush=True)
    result["loadavg_after"] = loadavg()
    result["seconds"] = round(time.monotonic() - started)
    result["measured_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    result["targets"] = verdicts(result)
    write_result(args.out, result)
    print(f"\n{command.strip()}\n{result['seconds']} s; load average before {' '.join(result['loadavg_before'])}, "  # type: ignore[arg-type]
          f"after {' '.join(result['loadavg_after'])} (2 cores: scaling ratios need a quiet machine)")  # type: ignore[arg-type]
    print("\n".join(result["targets"]))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
