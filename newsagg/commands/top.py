"""`newsagg top`: the most covered shows or stories of a period, or which outlets break stories first."""

from __future__ import annotations

from typing import Annotated, Optional

import typer


def top(
    since: Annotated[str, typer.Option("--since", help="From: 7d / 24h ago, YYYY-MM-DD or an ISO time")] = "7d",
    until: Annotated[Optional[str], typer.Option("--until", help="Up to (a date: its whole day)")] = None,
    by: Annotated[str, typer.Option("--by", help="shows, stories or outlets (who breaks stories first)")] = "shows",
    limit: Annotated[int, typer.Option("--limit", help="At most this many rows", min=1)] = 20,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, json or jsonl")] = "table",
    db: Annotated[Optional[str], typer.Option(
        "--db", help="SQLAlchemy URL or SQLite path (env: NEWSAGG_DATABASE_URL); opened read-only")] = None,
) -> None:
    """Which shows got the most coverage, which stories the most outlets, which outlets were first."""
    from newsagg.digest.db import open_readonly
    from newsagg.errors import NewsaggError
    from newsagg.output import FORMATS, write_rows
    from newsagg.queries import parse_when
    from newsagg.top import BY, COLUMNS
    from newsagg.top import top as top_rows

    if by not in BY:
        raise NewsaggError(f"--by must be one of {', '.join(BY)}, got {by!r}")
    if fmt not in FORMATS:
        raise NewsaggError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    start = parse_when(since)
    end = parse_when(until, end_of_day=True) if until else None
    engine = open_readonly(db)
    try:
        rows = top_rows(engine, by, start, end, limit)
    finally:
        engine.dispose()
    write_rows(COLUMNS[by], rows, fmt, title=f"top {by} since {since}")


def register(app: typer.Typer) -> None:
    app.command("top")(top)
