"""Digest latency on a big database: build (the queries) and render, per case, p50/p95.

    python bench/make_synthetic_db.py --db /tmp/big.db --articles 1000000
    python bench/digest_latency.py --db /tmp/big.db [--db postgresql+psycopg://...] [--date 2016-01-18]

Cases: the whole day (UTC), the day in America/Los_Angeles, one show's digest (the day's
most covered show), a quiet day with no news, each output format's render, and the CLI
end to end (process start included). Each case reports wall p50/p95 and its CPU time (this
process, the database's work included on SQLite; what load from other processes does not
inflate). Target: the day's HTML digest (build + render) under 1 s on SQLite at 1M articles,
reported as target/p50 (>1 meets it) with the 1-minute load average.
Results: bench/results/digest_latency.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from models.db import database_url  # noqa: E402
from models.schema import ArticleRow  # noqa: E402
from newsagg.digest.build import build_digest  # noqa: E402
from newsagg.digest.dates import day_window  # noqa: E402
from newsagg.digest.db import open_readonly  # noqa: E402
from newsagg.digest.render import FORMATS, render  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "digest_latency.json"
TARGET_MS = 1000


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the CLI case runs in a child)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[dict[str, float], Any]:
    times, cpu, out = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), _cpu()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((_cpu() - c0) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"first_ms": round(times[0] if repeat == 1 else times[0], 1), "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(p95, 1), "max_ms": round(times[-1], 1), "cpu_p50_ms": round(statistics.median(cpu), 1),
            "runs": repeat}, out


def bench_db(db: str, day: date, repeat: int) -> dict[str, Any]:
    url = database_url(db)
    engine = open_readonly(url)
    out: dict[str, Any] = {"db": url.split("@")[-1].split("?")[0], "dialect": engine.dialect.name,
                           "date": day.isoformat(), "load_1min": os.getloadavg()[0]}
    with engine.connect() as conn:
        out["articles"] = conn.execute(select(func.count(ArticleRow.id))).scalar()
        cold_t0 = time.perf_counter()
        digest = build_digest(conn, day, ZoneInfo("UTC"))
        out["cold_build_ms"] = round((time.perf_counter() - cold_t0) * 1000, 1)
        out["day"] = {"stories": len(digest.stories), "sections": len(digest.sections), "other": len(digest.other),
                      "top_stories": len(digest.top_stories),
                      "industry_moves": len(digest.industry_moves)}
        cases: dict[str, Any] = {}
        # Ceiling, in the same run: reading the day's article rows, the least any digest of the day does.
        start, end = day_window(day, ZoneInfo("UTC"))
        cases["ceiling: read the day's articles"], _ = _timed(lambda: conn.execute(
            select(ArticleRow.id, ArticleRow.title, ArticleRow.url, ArticleRow.published_at)
            .where(ArticleRow.published_at >= start, ArticleRow.published_at < end)).all(), repeat)
        cases["build: day, UTC"], _ = _timed(lambda: build_digest(conn, day, ZoneInfo("UTC"), coverage=False),
                                             repeat)
        cases["build: day, UTC, with 30-day counts (json)"], _ = _timed(
            lambda: build_digest(conn, day, ZoneInfo("UTC")), repeat)
        cases["build: day, America/Los_Angeles"], _ = _timed(
            lambda: build_digest(conn, day, ZoneInfo("America/Los_Angeles")), repeat)
        if digest.sections:
            top = [digest.sections[0].show]
            cases[f"build: one show ({top[0].title})"], _ = _timed(
                lambda: build_digest(conn, day, ZoneInfo("UTC"), shows=top), repeat)
        cases["build: day without news"], _ = _timed(lambda: build_digest(conn, date(1999, 1, 1), ZoneInfo("UTC")),
                                                     repeat)
        for fmt in FORMATS:
            cases[f"render: {fmt}"], _ = _timed(lambda fmt=fmt: render(digest, fmt), repeat)
        # The acceptance case: what `newsagg digest --format html` does once the process is up.
        cases["build + render html (the target)"], _ = _timed(
            lambda: render(build_digest(conn, day, ZoneInfo("UTC"), coverage=False), "html"), repeat)
    engine.dispose()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cases["cli: digest --format html (process start included)"], _ = _timed(
        lambda: subprocess.run([sys.executable, "-m", "newsagg.cli", "digest", "--db", url, "--date", day.isoformat(),
                                "--format", "html", "--out", os.devnull], check=True, capture_output=True, env=env),
        max(1, repeat // 2))
    out["cases"] = cases
    out["load_1min_after"] = os.getloadavg()[0]
    target = cases["build + render html (the target)"]
    out["target_over_p50"] = round(TARGET_MS / max(0.1, target["p50_ms"]), 2)
    out["target_over_p95"] = round(TARGET_MS / max(0.1, target["p95_ms"]), 2)
    out["target_over_cpu_p50"] = round(TARGET_MS / max(0.1, target["cpu_p50_ms"]), 2)
    out["build_over_ceiling"] = round(cases["build: day, UTC"]["p50_ms"]
                                      / max(0.1, cases["ceiling: read the day's articles"]["p50_ms"]), 1)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", action="append", required=True, help="database URL or SQLite path (repeatable)")
    ap.add_argument("--date", type=date.fromisoformat, default=date(2016, 1, 18))
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    results = [bench_db(db, args.date, args.repeat) for db in args.db]
    for r in results:
        print(f"\n{r['dialect']}: {r['db']} ({r['articles']:,} articles; {r['date']}: {r['day']['stories']} stories, "
              f"{r['day']['sections']} shows; cold build {r['cold_build_ms']} ms; "
              f"build/ceiling {r['build_over_ceiling']}x; load {r['load_1min']:.2f} -> {r['load_1min_after']:.2f})")
        print(f"  target {TARGET_MS} ms / (build + render html): p50 {r['target_over_p50']}, "
              f"p95 {r['target_over_p95']}, CPU p50 {r['target_over_cpu_p50']}")
        for name, c in r["cases"].items():
            print(f"  {name:<55} p50 {c['p50_ms']:>8.1f} ms   p95 {c['p95_ms']:>8.1f} ms   "
                  f"CPU {c['cpu_p50_ms']:>7.1f} ms")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"python": sys.version.split()[0], "results": results}, indent=1) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
