"""Distributed crawl throughput: items/s with 1, 2 and 3 Celery workers (one crawl at a
time each) on this machine, plus the ceilings that matter for N machines: PostgreSQL
article writes/s (ArticleStore, batches of 500) and Redis task enqueues/s.

    PYTHONPATH=. .venv/bin/python bench/workers_bench.py [--sources 24] [--items 40]

Needs the local PostgreSQL (NEWSAGG_TEST_POSTGRES_URL, default database `test`) and
Redis (NEWSAGG_TEST_REDIS_URL). Everything is served by a local FixtureServer: every
item is a feed entry plus its article page. Writes bench/results/workers.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from sqlalchemy import create_engine, text  # noqa: E402

from conftest import registry_toml  # noqa: E402
from newsagg.demo.server import FixtureServer, Resource  # noqa: E402

PG = os.environ.get("NEWSAGG_TEST_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/test")
REDIS = os.environ.get("NEWSAGG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CRAWL_SETTINGS = ["AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]


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


def _serve(server: FixtureServer, names: list[str], n: int) -> None:
    base = server.base_url
    para = "<p>" + "A paragraph about the new season of the show, its cast and its network. " * 6 + "</p>"
    for name in names:
        items = "".join(
            f"<item><title>{name} headline number {i}</title><link>{base}/{name}/{i}</link><guid>{name}-{i}</guid>"
            f"<pubDate>Mon, 18 Jan 2016 1{i % 10}:00:00 +0000</pubDate><description>Summary {i}</description></item>"
            for i in range(n))
        server.set(f"/{name}/feed", Resource(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>{items}</channel></rss>'.encode(),
            "application/rss+xml"))
        for i in range(n):
            server.set(f"/{name}/{i}", Resource(
                f"<html><head><title>{name} headline number {i}</title></head><body><article><h1>{name} "
                f"headline number {i}</h1>{para * 3}</article></body></html>".encode()))


def run_workers(k: int, names: list[str], n: int, tmp: Path) -> dict[str, float]:
    schema, url = _schema()
    queue = f"newsagg-bench-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSAGG_BROKER_URL": REDIS, "NEWSAGG_QUEUE": queue,
           "NEWSAGG_VISIBILITY_TIMEOUT": "600"}
    procs = []
    try:
        with FixtureServer() as server:
            _serve(server, names, n)
            reg = tmp / "sources.toml"
            reg.write_text(registry_toml(server.base_url, {s: [f"/{s}/feed"] for s in names}, interval="1h",
                                         page_window="0"))
            # migrate first, so that the workers do not all wait on the migration lock
            subprocess.run([sys.executable, "-m", "newsagg.cli", "db", "upgrade", "--db", url], env=env,
                           check=True, capture_output=True)
            for i in range(k):
                args = [sys.executable, "-m", "newsagg.cli", "worker", "-c", "1", "-Q", queue, "-n",
                        f"b{i}-{queue}@localhost", "-l", "WARNING"]
                for s in CRAWL_SETTINGS:
                    args += ["-s", s]
                procs.append(subprocess.Popen(args, env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL,
                                              stderr=subprocess.DEVNULL, start_new_session=True))
            time.sleep(3)  # workers connected
            started = time.monotonic()
            subprocess.run([sys.executable, str(ROOT / "scheduler.py"), "run-due", "--dispatch", "--sources",
                            str(reg), "--db", url], env=env, check=True, capture_output=True)
            engine = create_engine(url)
            while True:
                with engine.connect() as conn:
                    done = conn.execute(text("SELECT count(*) FROM crawl_runs WHERE status <> 'running'")).scalar()
                if done >= len(names):
                    break
                time.sleep(0.2)
            elapsed = time.monotonic() - started
            with engine.connect() as conn:
                items = conn.execute(text("SELECT count(*) FROM articles")).scalar() or 0
                per_crawl = conn.execute(text(
                    "SELECT avg(extract(epoch FROM finished_at - started_at)) FROM crawl_runs")).scalar()
            engine.dispose()
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        import redis

        redis.Redis.from_url(REDIS).delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        _drop(schema)
    return {"workers": k, "sources": len(names), "items": items, "seconds": round(elapsed, 2),
            "items_per_s": round(items / elapsed, 1), "sources_per_min": round(len(names) / elapsed * 60, 1),
            "avg_crawl_seconds": round(float(per_crawl or 0), 2)}


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=int, default=24)
    ap.add_argument("--items", type=int, default=40)
    ap.add_argument("--workers", default="1,2,3")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "workers.json"))
    args = ap.parse_args()
    import tempfile

    names = [f"s{i:03d}" for i in range(args.sources)]
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in (int(x) for x in args.workers.split(",")):
            r = run_workers(k, names, args.items, Path(tmp))
            print(json.dumps(r), flush=True)
            runs.append(r)
    ceilings = {"postgres_store": store_ceiling(), "redis_enqueue": enqueue_ceiling()}
    print(json.dumps(ceilings), flush=True)
    result = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "platform": platform.platform()},
              "setup": {"sources": args.sources, "items_per_source": args.items, "worker_concurrency": 1,
                        "crawl_settings": CRAWL_SETTINGS, "fixture": "local FixtureServer, feed + article page"},
              "runs": runs, "ceilings": ceilings,
              "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
