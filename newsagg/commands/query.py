"""Analyst commands: `newsagg articles`, `newsagg stories`, `newsagg sql`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

DbOption = Annotated[Optional[str], typer.Option(
    "--db", help="SQLAlchemy URL or SQLite file path [env: NEWSAGG_DATABASE_URL; default ./newsagg.db]")]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="table, csv, json or jsonl")]


def _check_format(fmt: str) -> None:
    from newsagg.output import FORMATS

    if fmt not in FORMATS:
        raise typer.BadParameter(f"{fmt!r} is not one of {', '.join(FORMATS)}", param_hint="--format")


def _engine(db: str | None):  # type: ignore[no-untyped-def]
    from models.db import open_database

    return open_database(db)


def articles(
    show: Annotated[Optional[str], typer.Option(help="Only articles about this show (title, case-insensitive)")] = None,
    season: Annotated[Optional[int], typer.Option(help="With --show: only articles that mention this season",
                                                  min=0)] = None,
    source: Annotated[Optional[str], typer.Option(help="Only this outlet (source name)")] = None,
    since: Annotated[Optional[str], typer.Option(help="From this date/time (YYYY-MM-DD, ISO, or 7d / 24h)")] = None,
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
    from newsagg.output import write_rows
    from newsagg.queries import ARTICLE_COLUMNS, ArticleFilter, find_articles

    _check_format(fmt)
    rows = find_articles(_engine(db), ArticleFilter(show=show, source=source, since=since, until=until,
                                                    search=search, story=story, season=season,
                                                    include_duplicates=with_duplicates, limit=limit))
    write_rows(ARTICLE_COLUMNS, [[r[c] for c in ARTICLE_COLUMNS] for r in rows], fmt)


def stories(
    date: Annotated[str, typer.Option("--date", help="UTC day YYYY-MM-DD (or 1d for yesterday)")],
    show: Annotated[Optional[str], typer.Option(help="Only stories about this show")] = None,
    fmt: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """Stories that broke on a day, with who had them first and every outlet that covered them."""
    from newsagg.output import write_rows
    from newsagg.queries import stories_of_day

    _check_format(fmt)
    rows = stories_of_day(_engine(db), date, show)
    cols = ("id", "headline", "first_published_at", "first_source", "source_count", "outlets")
    data = [[r[c] if c != "outlets" else ", ".join(r[c]) for c in cols] for r in rows]
    if fmt in ("json", "jsonl"):
        cols = (*cols[:-1], "outlets", "articles")
        data = [[*(r[c] for c in cols[:-2]), r["outlets"], r["articles"]] for r in rows]
    write_rows(cols, data, fmt)


def sql(
    statement: Annotated[str, typer.Argument(help="One read-only SQL statement (SELECT, WITH, EXPLAIN)")],
    fmt: FormatOption = "table",
    limit: Annotated[Optional[int], typer.Option(help="At most this many rows")] = None,
    db: DbOption = None,
) -> None:
    """Run one read-only SQL query; writes and multiple statements are refused."""
    from newsagg.output import write_rows
    from newsagg.queries import run_readonly_sql

    _check_format(fmt)
    columns, rows = run_readonly_sql(_engine(db), statement, limit)
    write_rows(columns, rows, fmt)


def register(app: typer.Typer) -> None:
    app.command("articles")(articles)
    app.command("stories")(stories)
    app.command("sql")(sql)
