"""`newsagg schedule run-due|status` (also `python scheduler.py ...`) and `newsagg runs`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

schedule_app = typer.Typer(help="Unattended crawls for cron or systemd: run what is due, show state.",
                           no_args_is_help=True)

DbOption = Annotated[Optional[str], typer.Option(
    "--db", help="SQLAlchemy URL or SQLite file path [env: NEWSAGG_DATABASE_URL; default ./newsagg.db]")]
SourcesOption = Annotated[Optional[Path], typer.Option(
    "--sources", help="Source registry TOML [env: NEWSAGG_SOURCES]")]
SourceNames = Annotated[Optional[list[str]], typer.Option("--source", help="Only this source (repeatable)")]

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
                               overrides={"NEWSAGG_PROGRESS": sys.stderr.isatty() and not os.environ.get("CI")})
    except LockHeld as exc:
        typer.echo(f"newsagg: {exc}")
        raise typer.Exit(EXIT_LOCKED) from None
    finally:
        engine.dispose()
    if report.failed:
        print_crawl_report(report, err=True)
        raise typer.Exit(EXIT_FAILED)
    if sys.stderr.isatty():
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
def status(sources: SourcesOption = None, db: DbOption = None) -> None:
    """Each source's last run, its status, next due time and last error."""
    from rich.console import Console
    from rich.table import Table

    from models.db import open_database
    from newsagg.schedule import source_states
    from newsagg.sources import load_sources, select_sources

    engine = open_database(db)
    table = Table("source", "interval", "last run (UTC)", "status", "failures", "next due (UTC)", "last error")
    for st in source_states(engine, select_sources(load_sources(sources), None)):  # the ones cron runs
        table.add_row(st.source.name, str(st.source.interval),
                      st.last_started_at.strftime("%Y-%m-%d %H:%M") if st.last_started_at else "never",
                      st.last_status or "-", str(st.consecutive_failures),
                      st.next_due_at.strftime("%Y-%m-%d %H:%M"), (st.last_error or "")[:70])
    engine.dispose()
    Console(width=200 if not sys.stdout.isatty() else None).print(table)


def runs(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="How many runs")] = 20,
    source: Annotated[Optional[str], typer.Option(help="Only this source")] = None,
) -> None:
    """List recent crawl runs per source: requests, responses, items new/updated/duplicate, errors."""
    from rich.console import Console
    from rich.table import Table
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from models.db import open_database
    from models.schema import CrawlRunRow, SourceRow

    engine = open_database(db)
    stmt = (select(CrawlRunRow, SourceRow.name).join(SourceRow, SourceRow.id == CrawlRunRow.source_id)
            .order_by(CrawlRunRow.id.desc()).limit(limit))
    if source:
        stmt = stmt.where(SourceRow.name == source)
    table = Table("run", "source", "trigger", "started (UTC)", "secs", "status", "req", "200", "304", "4xx",
                  "5xx", "seen", "new", "upd", "dup", "err", "last error")
    with Session(engine) as session:
        for r, name in session.execute(stmt):
            secs = f"{(r.finished_at - r.started_at).total_seconds():.1f}" if r.finished_at else "-"
            table.add_row(r.run_id[:8], name, r.trigger, r.started_at.strftime("%Y-%m-%d %H:%M:%S"), secs,
                          r.status, *(str(v) for v in (r.requests, r.responses_200, r.responses_304,
                                                       r.responses_4xx, r.responses_5xx, r.items_seen, r.items_new,
                                                       r.items_updated, r.items_duplicate, r.errors)),
                          (r.last_error or "")[:60])
    engine.dispose()
    Console(width=220 if not sys.stdout.isatty() else None).print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(schedule_app, name="schedule")
    app.command("runs")(runs)
