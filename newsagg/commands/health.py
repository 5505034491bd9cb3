"""`newsagg health`: flag sources that fail, went quiet, shrank or lost fields."""

from __future__ import annotations

from typing import Annotated, Optional

import typer


def health(
    db: Annotated[Optional[str], typer.Option("--db", help="SQLAlchemy URL or SQLite path "
                                                          "[env: NEWSAGG_DATABASE_URL]")] = None,
    source: Annotated[Optional[list[str]], typer.Option("--source", help="Only this source (repeatable)")] = None,
    failed_runs: Annotated[int, typer.Option(help="Unhealthy when this many last runs failed")] = 3,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only unhealthy sources")] = False,
) -> None:
    """Check each source's recent runs; exits 1 when any source is unhealthy (for cron and monitors)."""
    from rich.console import Console
    from rich.table import Table

    from models.db import open_database
    from newsagg.health import check_health

    engine = open_database(db)
    results = check_health(engine, source, failed_runs=failed_runs)
    engine.dispose()
    table = Table("source", "runs", "last status", "last items", "median", "health")
    for h in results:
        if quiet and h.healthy:
            continue
        table.add_row(h.name, str(h.runs), h.last_status or "-", str(h.last_items), f"{h.median_items or 0:g}",
                      "; ".join((h.problems or ["ok"]) + h.notices))
    if table.rows:
        Console(width=200).print(table)
    if any(not h.healthy for h in results):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("health")(health)
