"""`newsagg health`: flag sources that fail, went quiet, shrank or lost fields."""

from __future__ import annotations

from typing import Annotated

import typer

from newsagg.cli_options import DbOption, FormatOption, SourceNames


def health(
    db: DbOption = None,
    source: SourceNames = None,
    failed_runs: Annotated[int, typer.Option(help="Unhealthy when this many last runs failed")] = 3,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only unhealthy sources")] = False,
    fmt: FormatOption = "table",
) -> None:
    """Check each source's recent runs and the database's invariants (as `newsagg check`); exits 1 when any
    source is unhealthy or an invariant is broken (for cron and monitors)."""
    from newsagg.commands.check import print_problems
    from newsagg.dbaccess import open_readonly
    from newsagg.health import check_health
    from newsagg.integrity import check_integrity
    from newsagg.output import check_format, write_rows
    from newsagg.queries import check_source_names

    fmt = check_format(fmt)
    engine = open_readonly(db)
    try:
        check_source_names(engine, source)
        results = check_health(engine, source, failed_runs=failed_runs)
        problems = check_integrity(engine)  # the database's own invariants (`newsagg check`)
    finally:
        engine.dispose()
    rows = [(h.name, h.runs, h.last_status, h.last_items, h.median_items, "; ".join((h.problems or ["ok"]) + h.notices))
            for h in results if not (quiet and h.healthy)]
    if rows or fmt != "table":
        write_rows(("source", "runs", "last_status", "last_items", "median_items", "health"), rows, fmt)
    print_problems(problems, err=fmt != "table")  # machine formats keep stdout parseable
    if any(not h.healthy for h in results) or problems:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("health")(health)
