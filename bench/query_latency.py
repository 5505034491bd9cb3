"""Analyst query latency: `newsagg articles` / `stories` / `sql` end to end, as an analyst runs
them (a fresh process each time, Python start-up included), on a large database.

    python bench/make_synthetic_db.py --db /tmp/bench1m.db --articles 1000000
    python bench/query_latency.py --db /tmp/bench1m.db [--db postgresql+psycopg://...] [--repeat 5]

The ceiling measured in the same run is a bare `python -c "import sqlalchemy"` process: what
any Python CLI on this machine pays before doing anything. Target: every query < 0.5 s.
Writes bench/results/query_latency.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "query_latency.json"

CASES = [
    ("articles, newest 50", ["articles", "--limit", "50", "-f", "csv"]),
    ("articles --show (popular show)", ["articles", "--show", "{show}", "-f", "csv"]),
    ("articles --source --since 7d of the data", ["articles", "--source", "{source}", "--since", "2016-01-13",
                                                  "-f", "csv"]),
    ("articles --search, words in 77% of articles", ["articles", "--search", "season premiere", "-f", "csv"]),
    ("articles --search, a show's name", ["articles", "--search", "{show}", "-f", "csv"]),
    ("articles --story", ["articles", "--story", "{story}", "-f", "csv"]),
    ("stories --date", ["stories", "--date", "2016-01-18", "-f", "csv"]),
    ("sql: top shows of a week (view)", ["sql", "SELECT show_title, sum(articles) AS n FROM v_show_daily_counts "
                                               "WHERE day >= '2016-01-13' GROUP BY show_title ORDER BY n DESC "
                                               "LIMIT 10", "-f", "csv"]),
]


def _time(cmd: list[str], repeat: int) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(ROOT))
        times.append(time.perf_counter() - t)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.strip()}")
    return statistics.median(times), max(times)


def _params(db: str) -> dict[str, str]:
    from sqlalchemy import text

    from models.db import open_database

    engine = open_database(db)
    with engine.connect() as conn:
        show = conn.execute(text("SELECT sh.title FROM article_shows x JOIN shows sh ON sh.id = x.show_id "
                                 "GROUP BY sh.title ORDER BY count(*) DESC LIMIT 1")).scalar()
        source = conn.execute(text("SELECT name FROM sources ORDER BY id LIMIT 1")).scalar()
        story = conn.execute(text("SELECT max(id) FROM stories")).scalar()
        n = conn.execute(text("SELECT count(*) FROM articles")).scalar()
    engine.dispose()
    return {"show": str(show), "source": str(source), "story": str(story), "articles": str(n)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", action="append", required=True)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    floor, _ = _time([sys.executable, "-c", "import sqlalchemy"], args.repeat)
    out = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
           "python_import_sqlalchemy_s": round(floor, 3), "databases": {}}
    print(f"ceiling: a bare python process importing sqlalchemy: {floor * 1000:.0f} ms")
    for db in args.db:
        p = _params(db)
        rows = {}
        print(f"\n{db.split('?')[0]}  ({p['articles']} articles)")
        for label, argv in CASES:
            cmd = [sys.executable, "-m", "newsagg.cli", *(a.format(**p) for a in argv), "--db", db]
            med, worst = _time(cmd, args.repeat)
            rows[label] = {"median_s": round(med, 3), "max_s": round(worst, 3), "ratio_to_bare_python":
                           round(med / floor, 2)}
            flag = "" if med < 0.5 else "  (over 0.5 s)"
            print(f"  {label:<42} median {med * 1000:6.0f} ms  max {worst * 1000:6.0f} ms  "
                  f"{med / floor:4.1f}x bare python{flag}")
        out["databases"][db.split("?")[0]] = {"articles": int(p["articles"]), "cases": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
