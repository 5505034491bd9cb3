"""The query plans of the digest and the river page: every SELECT they run, with the database's
own plan, and which of them read a whole table (the thing that grows with the archive).

    python bench/query_plans.py --db /work/scale1m-data/1m.db [--db postgresql+psycopg://...] [--date 2016-01-18]

Each statement is captured as it runs (SQLAlchemy's before_cursor_execute), then explained with
its real parameters: EXPLAIN QUERY PLAN on SQLite ("SCAN <table>" without an index is a full
scan), EXPLAIN on PostgreSQL ("Seq Scan" on a big table). Prints one line per statement and the
plan lines of the suspicious ones; exits 1 when a statement scans articles, article_shows, events
or stories in full.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from models.db import database_url  # noqa: E402
from newsagg.digest.build import build_digest  # noqa: E402
from newsagg.digest.db import open_readonly  # noqa: E402
from newsagg.web import data  # noqa: E402

BIG = ("articles", "article_shows", "events", "event_facts", "stories")
# SQLite: "SCAN articles" (no USING ...) reads the table; PostgreSQL: "Seq Scan on articles".
FULL = re.compile(r"^\s*(?:SCAN (\w+)(?! USING)(?!.*USING (?:COVERING )?INDEX)|.*Seq Scan on (\w+))")


def _capture(engine: Any, fn: Any) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and not executemany:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        with engine.connect() as conn:
            fn(conn)
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    return seen


def _plan(engine: Any, statement: str, parameters: Any) -> list[str]:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            return [str(r[-1]) for r in cur.fetchall()]
        cur.execute("EXPLAIN " + statement, parameters)
        return [str(r[0]) for r in cur.fetchall()]
    finally:
        raw.close()


def inspect_db(db: str, day: date, verbose: bool = False) -> int:
    engine = open_readonly(database_url(db))
    cases = {
        "digest build (html)": lambda conn: build_digest(conn, day, ZoneInfo("UTC"), coverage=False),
        "river page 1": lambda conn: data.river(conn, day, 1),
    }
    bad = 0
    print(f"\n{engine.dialect.name}: {db.split('@')[-1]}")
    for name, fn in cases.items():
        statements = _capture(engine, fn)
        print(f"  {name}: {len(statements)} SELECTs")
        for statement, parameters in statements:
            plan = _plan(engine, statement, parameters)
            full = {t for line in plan for m in [FULL.match(line)] if m for t in m.groups() if t and t in BIG}
            head = " ".join(statement.split())[:110]
            print(f"    {'FULL SCAN ' + ','.join(sorted(full)) if full else 'ok':<22} {head}")
            bad += bool(full)
            if full or verbose:
                for line in plan:
                    print(f"        {line}")
    engine.dispose()
    return bad


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", action="append", required=True, help="database URL or SQLite path (repeatable)")
    ap.add_argument("--date", type=date.fromisoformat, default=date(2016, 1, 18))
    ap.add_argument("--verbose", action="store_true", help="print every plan, not only full scans")
    args = ap.parse_args(argv)
    bad = sum(inspect_db(db, args.date, args.verbose) for db in args.db)
    print(f"\n{bad} statement(s) read a big table in full")
    raise SystemExit(1 if bad else 0)


if __name__ == "__main__":
    main()
