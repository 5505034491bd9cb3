"""`newsagg serve` latency: the river page of a busy day over real HTTP, server already running.

    python bench/make_synthetic_db.py --db /tmp/big.db --articles 1000000
    python bench/serve_latency.py --db /tmp/big.db [--db postgresql+psycopg://...] [--date 2016-01-18]
    PostgreSQL 1M (make_synthetic_db.py's docstring builds it):
    python bench/serve_latency.py --db postgresql+psycopg://postgres@127.0.0.1:5432/scale1m

Per database: GET /?day=DATE (HTML and ?format=json) and its page 2, p50/p95 after one warm-up,
next to the ceiling measured in the same run against the same server: GET /style.css (a static
answer: the HTTP + process floor no page can beat). The server runs in its own process (started
once, then measured: "server already running"); its CPU time per river request is read from
/proc, which load from other processes does not inflate. Target: river < 200 ms; reported as
target/p50 (>1 meets it) with the 1-minute load average. Results: bench/results/serve_latency.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from test_web import start_server, stop_server  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "serve_latency.json"


TARGET_MS = 200


def _cpu_s(pid: int) -> float:
    """The server process's user + system CPU seconds (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _times(client: httpx.Client, url: str, repeat: int, pid: int) -> dict[str, float]:
    client.get(url)  # warm-up: the page cache and the first connection
    times = []
    cpu0 = _cpu_s(pid)
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        r.raise_for_status()
    cpu_ms = (_cpu_s(pid) - cpu0) * 1000 / repeat
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(p95, 1),
            "server_cpu_ms": round(cpu_ms, 1)}


def bench(db: str, day: str, repeat: int) -> dict:
    proc, base = start_server(db)
    try:
        with httpx.Client(timeout=30) as client:
            stories = len(client.get(f"{base}/?day={day}&format=json").json()["stories"])
            out = {"db": db.split("@")[-1], "day": day, "stories": stories, "load_1min": os.getloadavg()[0],
                   "ceiling: /style.css": _times(client, base + "/style.css", repeat, proc.pid),
                   "river html": _times(client, f"{base}/?day={day}", repeat, proc.pid),
                   "river json": _times(client, f"{base}/?day={day}&format=json", repeat, proc.pid),
                   "river html page 2": _times(client, f"{base}/?day={day}&page=2", repeat, proc.pid)}
            out["load_1min_after"] = os.getloadavg()[0]
    finally:
        stop_server(proc)
    out["river_over_ceiling"] = round(out["river html"]["p50_ms"] / max(0.1, out["ceiling: /style.css"]["p50_ms"]), 1)
    out["target_over_river_p50"] = round(TARGET_MS / max(0.1, out["river html"]["p50_ms"]), 2)
    out["target_over_river_p95"] = round(TARGET_MS / max(0.1, out["river html"]["p95_ms"]), 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", action="append", required=True)
    ap.add_argument("--date", default="2016-01-18")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    results = [bench(db, args.date, args.repeat) for db in args.db]
    for r in results:
        print(f"\n{r['db']} ({r['day']}: {r['stories']} stories on page 1; load {r['load_1min']:.2f} -> "
              f"{r['load_1min_after']:.2f}); target {TARGET_MS} ms / river html p50 = {r['target_over_river_p50']}, "
              f"/ p95 = {r['target_over_river_p95']}")
        for name in ("ceiling: /style.css", "river html", "river json", "river html page 2"):
            c = r[name]
            print(f"  {name:<22} p50 {c['p50_ms']:>7.1f} ms   p95 {c['p95_ms']:>7.1f} ms   "
                  f"server CPU {c['server_cpu_ms']:>6.1f} ms/request")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"results": results}, indent=1) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
