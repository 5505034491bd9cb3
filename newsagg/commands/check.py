"""`newsagg check [--repair]`: the database's invariants (see newsagg.integrity)."""

from __future__ import annotations

from typing import Annotated

import typer

from newsagg.cli_options import DbOption


def print_problems(problems: list, err: bool = False) -> None:
    for problem in problems:
        typer.echo(f"broken: {problem.line()}", err=err)


def check(
    db: DbOption = None,
    repair: Annotated[bool, typer.Option("--repair", help="Re-run what is missing (show links, stories, "
                                                         "signatures, story counts, full-text index) and "
                                                         "remove dangling rows, then check again")] = False,
) -> None:
    """Check that every article has a story, a signature and show links, that nothing dangles, that story
    counts match their members and the full-text index is in sync. Exits 1 when an invariant is broken
    (one line each, with counts and example ids)."""
    from models.db import open_database
    from newsagg.integrity import check_integrity
    from newsagg.integrity import repair as run_repair

    engine = open_database(db)
    try:
        problems = check_integrity(engine)
        if problems and repair:
            print_problems(problems)
            for action in run_repair(engine):
                typer.echo(f"repaired: {action}")
            problems = check_integrity(engine)
    finally:
        engine.dispose()
    if problems:
        print_problems(problems)
        raise typer.Exit(1)
    typer.echo("ok: every invariant holds")


def register(app: typer.Typer) -> None:
    app.command("check")(check)
