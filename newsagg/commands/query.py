"""Analyst commands: `newsagg articles`, `newsagg stories`, `newsagg sql`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from newsagg.cli_options import DbOption, FormatOption


def articles(
    show: Annotated[Optional[str], typer.Option(help="Only articles about this show (title, case-insensitive)")] = None,
    season: Annotated[Optional[int], typer.Option(help="With --show: only articles that mention this season",
                                                  min=0)] = None,
    source: Annotated[Optional[str], typer.Option(help="Only this outlet (source name)")] = None,
    since: Annotated[Optional[str], typer.Option(help="From this day or time: YYYY-MM-DD, ISO, or a span "
                                                         "ago (15m = minutes, 2h, 7d, 6mo = months)")] = None,
    until: Annotated[Optional[str], typer.Option(help="Up to this date (inclusive day) or time")] = None,
    search: Annotated[Optional[str], typer.Option(
        help='Full-text search, ranked (title > summary > body): words, OR, NOT/-word, prefix*, "a phrase"')] = None,
    story: Annotated[Optional[int], typer.Option(help="Only articles of this story id")] = None,
    with_duplicates: Annotated[bool, typer.Option("--with-duplicates", help="Include syndicated copies")] = False,
    limit: Annotated[int, typer.Option(help="At most this many rows")] = 50,
    fmt: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """List articles, newest first (or best match first with --search)."""
    from newsagg.dbaccess import open_readonly
    from newsagg.output import check_format, write_rows
    from newsagg.queries import ARTICLE_COLUMNS, ArticleFilter, find_articles

    fmt = check_format(fmt)
    engine = open_readonly(db)
    try:
        rows = find_articles(engine, ArticleFilter(show=show, source=source, since=since, until=until,
                                                   search=search, story=story, season=season,
                                                   include_duplicates=with_duplicates, limit=limit))
        columns = ARTICLE_COLUMNS
        if fmt in ("json", "jsonl"):  # structured shows: TVmaze id, premiere year and network beside the title
            from newsagg.queries import show_refs

            refs = show_refs(engine, [r["id"] for r in rows])
            columns = (*ARTICLE_COLUMNS, "show_refs")
            rows = [{**r, "show_refs": refs.get(r["id"], [])} for r in rows]
    finally:
        engine.dispose()
    write_rows(columns, [[r[c] for c in columns] for r in rows], fmt)


def stories(
    date: Annotated[str, typer.Option("--date", help="UTC day YYYY-MM-DD, or a span ago (1d: yesterday)")],
    show: Annotated[Optional[str], typer.Option(help="Only stories about this show")] = None,
    fmt: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """Stories that broke on a day, with who had them first and every outlet that covered them."""
    from newsagg.dbaccess import open_readonly
    from newsagg.output import check_format, write_rows
    from newsagg.queries import stories_of_day

    fmt = check_format(fmt)
    engine = open_readonly(db)
    try:
        rows = stories_of_day(engine, date, show)
    finally:
        engine.dispose()
    cols: tuple[str, ...] = ("id", "headline", "first_published_at", "first_source", "source_count", "outlets")
    if fmt in ("json", "jsonl"):
        cols = (*cols, "articles")
    write_rows(cols, [[r[c] for c in cols] for r in rows], fmt)


def sql(
    statement: Annotated[str, typer.Argument(help="One SQL statement, run read-only. A statement starting "
                                                  "with '-' goes after '--': newsagg sql -- \"--note\nSELECT 1\"")],
    fmt: FormatOption = "table",
    limit: Annotated[Optional[int], typer.Option(help="At most this many rows")] = None,
    timeout: Annotated[float, typer.Option(help="Stop the statement after this many seconds")] = 30.0,
    as_superuser: Annotated[bool, typer.Option(
        "--as-superuser", help="Run even when connected as a PostgreSQL superuser (the session is still "
                               "read-only, but COPY TO PROGRAM and server-file functions stay open: prefer "
                               "`newsagg db reader-role`)")] = False,
    db: DbOption = None,
) -> None:
    """Run one SQL statement on a connection that cannot write (read-only session, one statement, timeout)."""
    from newsagg.output import check_format, write_rows
    from newsagg.queries import run_readonly_sql

    fmt = check_format(fmt)
    columns, rows = run_readonly_sql(db, statement, limit, timeout=timeout, as_superuser=as_superuser)
    write_rows(columns, rows, fmt)


def register(app: typer.Typer) -> None:
    app.command("articles")(articles)
    app.command("stories")(stories)
    app.command("sql")(sql)
