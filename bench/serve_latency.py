"""`newsagg serve` latency: the river page of a busy day over real HTTP, server already running.

    python bench/make_synthetic_db.py --db /tmp/big.db --articles 1000000
    python bench/serve_latency.py --db /tmp/big.db [--db postgresql+psycopg://...] [--date 2016-01-18]

Per database: GET /?day=DATE (HTML and ?format=json) p50/p95 after one warm-up, next to the
ceiling measured in the same run against the same server: GET /style.css (a static answer: the
HTTP + process floor no page can beat). Target: river < 200 ms. Results: bench/results/serve_latency.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from test_web import start_server, stop_server  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "serve_latency.json"


def _times(client: httpx.Client, url: str, repeat: int) -> dict[str, float]:
    client.get(url)  # warm-up: the page cache and the first connection
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        r.raise_for_status()
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[min(len(times) - 1,
                                                                                    round(0.95 * (len(times) - 1)))], 1)}


def bench(db: str, day: str, repeat: int) -> dict:
    proc, base = start_server(db)
    try:
        with httpx.Client(timeout=30) as client:
            stories = len(client.get(f"{base}/?day={day}&format=json").json()["stories"])
            out = {"db": db.split("@")[-1], "day": day, "stories": stories,
                   "ceiling: /style.css": _times(client, base + "/style.css", repeat),
                   "river html": _times(client, f"{base}/?day={day}", repeat),
                   "river json": _times(client, f"{base}/?day={day}&format=json", repeat)}
    finally:
        stop_server(proc)
    out["river_over_ceiling"] = round(out["river html"]["p50_ms"] / max(0.1, out["ceiling: /style.css"]["p50_ms"]), 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", action="append", required=True)
    ap.add_argument("--date", default="2016-01-18")
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    results = [bench(db, args.date, args.repeat) for db in args.db]
    for r in results:
        print(json.dumps(r))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"results": results}, indent=1) + "\n")


if __name__ == "__main__":
    main()
