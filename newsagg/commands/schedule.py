"""`newsagg schedule run-due|status` (also `python scheduler.py ...`) and `newsagg runs`."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

schedule_app = typer.Typer(help="Unattended crawls for cron or systemd: run what is due, show state.",
                           no_args_is_help=True)

from newsagg.cli_options import DbOption, FormatOption, SourceNames, SourcesOption, interactive

# Exit codes of run-due (documented in the README).
EXIT_OK, EXIT_FAILED, EXIT_LOCKED = 0, 1, 0


@schedule_app.command("run-due")
def run_due(
    sources: SourcesOption = None,
    source: SourceNames = None,
    db: DbOption = None,
    loop: Annotated[bool, typer.Option("--loop", help="Run forever: one subprocess per run, "
                                                       "for machines without cron")] = False,
    every: Annotated[float, typer.Option(help="With --loop: seconds between checks")] = 60.0,
    log_level: Annotated[str, typer.Option(help="Log level")] = "WARNING",
    log_file: Annotated[Optional[Path], typer.Option(help="Log to this file (rotated)")] = None,
    dispatch: Annotated[bool, typer.Option("--dispatch", help="Enqueue one task per due source for `newsagg "
                                                              "worker`s instead of crawling here (PostgreSQL, "
                                                              "broker NEWSAGG_BROKER_URL)")] = False,
) -> None:
    """Crawl the sources that are due (interval passed, backoff respected) in one crawl process.

    Holds a lock: an overlapping run exits at once with a message (status 0). Exits 1 when a
    source failed.
    """
    if loop:
        _loop(sys.argv, every)
        return
    from models.db import open_database
    from newsagg.crawl import configure_logging, run_crawl
    from newsagg.report import print_crawl_report
    from newsagg.schedule import LockHeld, run_lock, source_states
    from newsagg.sources import load_sources, select_sources

    chosen = select_sources(load_sources(sources), source)
    if dispatch:
        from newsagg.distributed.dispatch import dispatch_due

        dispatch_due(chosen, db, sources_file=sources)
        return
    engine = open_database(db)
    try:
        with run_lock(engine):
            due = [s.source for s in source_states(engine, chosen) if s.is_due(_now())]
            if not due:
                return
            configure_logging(log_level, str(log_file) if log_file else None)
            report = run_crawl(due, db, trigger="schedule",
                               overrides={"NEWSAGG_PROGRESS": interactive()})
    except LockHeld as exc:
        typer.echo(f"newsagg: {exc}")
        raise typer.Exit(EXIT_LOCKED) from None
    finally:
        engine.dispose()
    if report.failed:
        print_crawl_report(report, err=True)
        raise typer.Exit(EXIT_FAILED)
    if interactive():
        print_crawl_report(report, err=True)


def _now():  # type: ignore[no-untyped-def]
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def _loop(argv: list[str], every: float) -> None:
    """Each run in its own process: Twisted's reactor cannot restart."""
    args = [a for a in argv[1:] if a != "--loop"]
    cmd = [sys.executable, "-m", "newsagg.cli", *args] if not argv[0].endswith("scheduler.py") else \
        [sys.executable, argv[0], *args]
    while True:
        subprocess.run(cmd, check=False)
        time.sleep(every)


@schedule_app.command("status")
def status(sources: SourcesOption = None, db: DbOption = None, fmt: FormatOption = "table") -> None:
    """Each source's last run, its status, next due time and last error."""
    from newsagg.dbaccess import open_readonly
    from newsagg.output import check_format, write_rows
    from newsagg.schedule import source_states
    from newsagg.sources import load_sources, select_sources

    fmt = check_format(fmt)

    chosen = select_sources(load_sources(sources), None)  # the ones cron runs
    engine = open_readonly(db)
    try:
        states = source_states(engine, chosen)
    finally:
        engine.dispose()
    write_rows(("source", "interval", "last_run_at", "status", "failures", "next_due_at", "last_error"),
               [(st.source.name, str(st.source.interval), st.last_started_at, st.last_status, st.consecutive_failures,
                 st.next_due_at, st.last_error if fmt != "table" else (st.last_error or "")[:70]) for st in states],
               fmt)


def runs(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="How many runs")] = 20,
    source: Annotated[Optional[str], typer.Option(help="Only this source")] = None,
    fmt: FormatOption = "table",
) -> None:
    """List recent crawl runs per source: requests, responses, items new/updated/duplicate, errors."""
    from newsagg.dbaccess import open_readonly
    from newsagg.output import check_format, write_rows
    from newsagg.queries import RUN_COLUMNS, check_source_names, recent_runs

    fmt = check_format(fmt)
    engine = open_readonly(db)
    try:
        check_source_names(engine, [source] if source else None)
        rows = recent_runs(engine, limit, source)
    finally:
        engine.dispose()
    write_rows(RUN_COLUMNS, rows, fmt)


def register(app: typer.Typer) -> None:
    app.add_typer(schedule_app, name="schedule")
    app.command("runs")(runs)
