"""One `newsagg crawl` on real pages against the libraries-alone ceiling, in one run.

    PYTHONPATH=. .venv/bin/python bench/crawl_cores_bench.py [--feeds 20] [--items 50]

Feeds x items, each item a feed entry plus a real article page (bench/corpus_site.py),
served on 127.0.0.1. Measured in this order, same run:

1. ceiling: feedparser.parse on every feed + trafilatura.extract(with_metadata=True,
   include_comments=False) on every page, in this one process, bytes already in memory
   (no fetching, no storing: the libraries alone);
2. `newsagg crawl` (a fresh process, whole command wall time: start-up, fetching,
   extraction in the process pool, normalising, show linking, dedupe, SQLite store);
3. the same crawl with NEWSAGG_EXTRACT_PROCESSES=0 (extraction on the reactor thread);
4. the ceiling again (the machine drifts: the ratio uses the mean of 1 and 4).

Reported: wall-time ratio (the target: >= 1.0 means the crawl is faster than the libraries
alone) and CPU-seconds ratio (all processes of the crawl, pool included), which a loaded
machine distorts less. Run it on an idle machine for the wall-time figure.

Prints JSON lines and writes bench/results/crawl_cores.json (with `uptime` before and after).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from conftest import registry_toml  # noqa: E402
from corpus_site import load_pages, serve_sources, write_result  # noqa: E402
from newsagg.demo.server import FixtureServer  # noqa: E402

CRAWL_SETTINGS = ["AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "ROBOTSTXT_OBEY=False"]


def load() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def ceiling(served: dict[str, tuple[bytes, list[bytes]]]) -> dict[str, float]:
    import feedparser
    import trafilatura

    started = time.monotonic()
    cpu = time.process_time()
    items = 0
    for name, (feed, pages) in served.items():
        parsed = feedparser.parse(feed)
        for entry, page in zip(parsed.entries, pages):
            trafilatura.extract(page, url=entry.link, with_metadata=True, include_comments=False)
            items += 1
    elapsed = time.monotonic() - started
    return {"what": "ceiling", "items": items, "seconds": round(elapsed, 2),
            "cpu_seconds": round(time.process_time() - cpu, 2), "items_per_s": round(items / elapsed, 1)}


def crawl(reg: Path, db: Path, processes: str | None) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "1", "NO_COLOR": "1"}
    if processes is not None:
        env["NEWSAGG_EXTRACT_PROCESSES"] = processes
    args = [sys.executable, "-m", "newsagg.cli", "crawl", "--sources", str(reg), "--db", str(db)]
    for s in CRAWL_SETTINGS:
        args += ["-s", s]
    before = os.times()
    started = time.monotonic()
    proc = subprocess.run(args, env=env, cwd=str(ROOT), capture_output=True, text=True)
    elapsed = time.monotonic() - started
    after = os.times()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"crawl failed ({proc.returncode}): {proc.stderr[-2000:]}")
    import sqlite3

    with sqlite3.connect(db) as conn:
        items = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        pages = conn.execute("SELECT count(*) FROM articles WHERE page_status = 'ok'").fetchone()[0]
    return {"what": f"newsagg crawl, extraction processes={processes or 'default'}", "items": items,
            "pages_ok": pages, "seconds": round(elapsed, 2),
            "cpu_seconds": round((after.children_user + after.children_system)
                                 - (before.children_user + before.children_system), 2),
            "items_per_s": round(items / elapsed, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=20)
    ap.add_argument("--items", type=int, default=50)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "crawl_cores.json"))
    args = ap.parse_args()
    pages = load_pages()
    names = [f"f{i:03d}" for i in range(args.feeds)]
    uptime_before = load()
    runs = []
    with tempfile.TemporaryDirectory() as tmp, FixtureServer() as server:
        served = serve_sources(server, names, args.items, pages)
        reg = Path(tmp) / "sources.toml"
        reg.write_text(registry_toml(server.base_url, {n: [f"/{n}/feed"] for n in names}, page_window="0"))
        steps = [("ceiling", None), ("crawl", None), ("crawl", "0"), ("ceiling", None)]
        for i, (what, processes) in enumerate(steps):
            r = ceiling(served) if what == "ceiling" else crawl(reg, Path(tmp) / f"run{i}.db", processes)
            print(json.dumps(r), flush=True)
            runs.append(r)
    ceil = (runs[0]["seconds"] + runs[3]["seconds"]) / 2
    ceil_cpu = (runs[0]["cpu_seconds"] + runs[3]["cpu_seconds"]) / 2
    result = {"setup": {"feeds": args.feeds, "items_per_feed": args.items, "pages": "article-extraction-dev",
                        "crawl_settings": CRAWL_SETTINGS, "cpus": os.cpu_count()},
              "loadavg_before": uptime_before, "loadavg_after": load(), "runs": runs,
              "speed_vs_ceiling": {"pooled": round(ceil / runs[1]["seconds"], 2),
                                   "inline": round(ceil / runs[2]["seconds"], 2)},
              # CPU-seconds of all processes (pool and forkserver included): the work, whatever the load
              "cpu_vs_ceiling": {"pooled": round(ceil_cpu / runs[1]["cpu_seconds"], 2),
                                 "inline": round(ceil_cpu / runs[2]["cpu_seconds"], 2)},
              "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    print(json.dumps({"speed_vs_ceiling": result["speed_vs_ceiling"], "cpu_vs_ceiling": result["cpu_vs_ceiling"]}))
    write_result(args.out, result)


if __name__ == "__main__":
    main()
