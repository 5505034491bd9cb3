"""The `newsagg` command line. Every command has --help; user errors are one line.

Heavy imports (Scrapy, extractors) happen inside the commands that need them, so
query commands start fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from newsagg.cli_options import DbOption, FormatOption, SourceNames, SourcesOption, interactive, settings_overrides
from newsagg.errors import NewsaggError
from newsagg.output import terminal_safe

app = typer.Typer(
    name="newsagg",
    help="Collect entertainment and TV news from feeds into SQL: normalised, deduplicated, linked to shows.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema: migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")



@app.command()
def crawl(
    sources: SourcesOption = None,
    source: SourceNames = None,
    db: DbOption = None,
    log_level: Annotated[str, typer.Option(help="Log level: DEBUG, INFO, WARNING, ERROR")] = "WARNING",
    log_file: Annotated[Optional[Path], typer.Option(help="Log to this file (rotated) instead of stderr")] = None,
    set_: Annotated[Optional[list[str]], typer.Option(
        "--set", "-s", help="Override a Scrapy setting, e.g. -s DOWNLOAD_TIMEOUT=10 (repeatable)")] = None,
    trigger: Annotated[str, typer.Option(hidden=True)] = "manual",
) -> None:
    """Crawl the sources' feeds once into the database. Exits 1 when a source failed."""
    from newsagg.crawl import configure_logging, run_crawl
    from newsagg.report import print_crawl_report
    from newsagg.sources import load_sources, select_sources

    chosen = select_sources(load_sources(sources), source)
    configure_logging(log_level, str(log_file) if log_file else None)
    overrides: dict[str, object] = {"NEWSAGG_PROGRESS": interactive()}
    overrides.update(settings_overrides(set_ or []))
    report = run_crawl(chosen, db, trigger=trigger, overrides=overrides)
    if interactive() or report.failed:
        print_crawl_report(report, err=not interactive())
    if report.failed:
        raise typer.Exit(1)


@app.command()
def demo(
    db: Annotated[str, typer.Option("--db", help="SQLite path or SQLAlchemy URL for the demo database")]
    = "newsagg-demo.db",
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 for the fixture outlets (keep it the same "
                                           "across runs: it is part of the articles' URLs)")] = 8765,
    log_level: Annotated[str, typer.Option(help="Log level")] = "ERROR",
) -> None:
    """Crawl built-in fixture copies of real outlets served on 127.0.0.1 (offline), then summarise."""
    from newsagg.demo.run import run_demo

    run_demo(db, log_level=log_level, port=port)


@app.command("sources")
def list_sources(sources: SourcesOption = None, fmt: FormatOption = "table") -> None:
    """List the configured sources (validates the registry). Disabled sources are crawled only when named."""
    from newsagg.output import check_format, write_rows
    from newsagg.sources import load_sources

    fmt = check_format(fmt)
    rows = []
    for s in load_sources(sources):
        page = ", ".join(f"{k}={v}" for k, v in (("parser", s.parser), ("headline", s.headline)) if v)
        rows.append((s.name, s.title, len(s.feeds), len(s.sitemaps), str(s.interval), s.timezone, page or None,
                     s.enabled))
    write_rows(("source", "title", "feeds", "sitemaps", "interval", "timezone", "page_settings", "enabled"), rows, fmt)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Apply migrations up to REVISION (default: the newest). Done automatically on first use."""
    from models.db import current_revision, make_engine, upgrade

    engine = make_engine(db)
    upgrade(engine, revision)
    typer.echo(f"database at revision {current_revision(engine)}")


@db_app.command("current")
def db_current(db: DbOption = None) -> None:
    """Print the database's migration revision."""
    from models.db import current_revision, make_engine

    typer.echo(current_revision(make_engine(db)) or "empty (no migrations applied)")


@db_app.command("reader-role")
def db_reader_role(
    name: Annotated[str, typer.Argument(help="Role to create, e.g. analyst")],
    password: Annotated[Optional[str], typer.Option(help="Login password (omit with trust/peer "
                                                         "authentication)")] = None,
    db: DbOption = None,
) -> None:
    """PostgreSQL: create a login role that can only read (SELECT on every table and view of the
    schema, now and after migrations), for `newsagg sql` and other analyst tools."""
    from models.db import make_engine
    from newsagg.dbaccess import create_reader_role

    engine = make_engine(db)
    try:
        schema = create_reader_role(engine, name, password)
    finally:
        engine.dispose()
    typer.echo(f"role {name} can read schema {schema}: connect with --db postgresql://{name}@HOST/DB")


def _register_command_modules() -> None:
    import importlib
    import pkgutil

    from newsagg import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"newsagg.commands.{info.name}").register(app)


_register_command_modules()


def _strict_warnings() -> None:
    """NEWSAGG_STRICT_WARNINGS=1 (the test suite sets it): Scrapy deprecations become errors."""
    from newsagg import settings

    if settings.value("NEWSAGG_STRICT_WARNINGS"):
        import warnings

        from scrapy.exceptions import ScrapyDeprecationWarning

        warnings.simplefilter("error", ScrapyDeprecationWarning)


def main(target: typer.Typer | None = None, prog_name: str | None = None, argv: list[str] | None = None) -> None:
    """Entry point: run the app (or a sub-app) on argv (default sys.argv); user errors become one
    line on stderr."""
    try:
        _strict_warnings()
        # Without standalone mode click returns the code of typer.Exit instead of exiting.
        rc = (target or app)(args=argv, standalone_mode=False, prog_name=prog_name)
        sys.exit(rc if isinstance(rc, int) else 0)
    except NewsaggError as exc:
        # Messages can quote stored text (show names from an imported catalogue): escaped like tables.
        typer.echo(f"newsagg: error: {terminal_safe(str(exc))}", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("newsagg: aborted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        typer.echo("newsagg: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # usage errors and anything unexpected: one line, no traceback
        if isinstance(exc, typer.TyperException) and hasattr(exc, "show"):
            exc.show()
            sys.exit(getattr(exc, "exit_code", 2))
        if os.environ.get("NEWSAGG_DEBUG") not in (None, "", "0"):  # not settings.value: no second error here
            raise
        typer.echo(f"newsagg: error: {type(exc).__name__}: {terminal_safe(str(exc))} "
                   "(set NEWSAGG_DEBUG=1 for a traceback)", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
