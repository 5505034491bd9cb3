"""`newsagg shows ...` (the catalogue and linking) and `newsagg show TITLE` (a show's timeline).

`shows link` reads JSON lines on stdin, one article per line:
  {"id", "text"}            plain text or HTML (<em>/<i> titles count as emphasised), or
  {"id", "title", "body"}   plus optional "description" and "published" (ISO date)
and writes one line per input line, same order:
  {"id", "shows": [{"id", "title", "year", "network", "tvmaze", "external_ids", "confidence", "primary",
                    "seasons"}]}
("id" is the project's show id; "tvmaze", the other "external_ids", "year" and "network" name the show
unambiguously outside the project).
A line that is not a JSON object gives {"id": <id or null>, "line": n, "error": "..."}, and
processing goes on (exit status 1 at the end if any line failed).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from newsagg.cli_options import DbOption


shows_app = typer.Typer(help="TV show catalogue and article-to-show linking.", no_args_is_help=True)

@shows_app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="Catalogue file: epguides CSV, TVmaze JSON (list, JSON lines "
                                              "or search results, with akas), or a starter-format CSV")],
    fmt: Annotated[str, typer.Option("--format", help="epguides | tvmaze | starter | auto (by extension "
                                                      "and header)")] = "auto",
    db: DbOption = None,
    show_skipped: Annotated[bool, typer.Option("--show-skipped", help="List every skipped or fixed row")]
    = False,
) -> None:
    """Import shows, merging with the catalogue (same external id, or same title and premiere year)."""
    from collections import Counter

    from newsagg.errors import NewsaggError
    from newsagg.shows.aliases import add_curated_aliases
    from newsagg.shows.catalogue import load_catalogue_file
    from newsagg.shows.store import ensure_catalogue, upsert_shows

    if not path.is_file():
        raise NewsaggError(f"no such file: {path}")
    try:
        shows, issues = load_catalogue_file(path, fmt)
    except (ValueError, UnicodeDecodeError) as exc:
        raise NewsaggError(f"cannot import {path}: {exc}") from None
    add_curated_aliases(shows)  # the packaged short forms and segment names join TVmaze akas
    with _session(db) as session:
        ensure_catalogue(session)
        result = upsert_shows(session, shows)
    skipped = [i for i in issues if i.skipped]
    fixed = [i for i in issues if not i.skipped]
    typer.echo(f"read {len(shows)} shows from {path.name}: {result.added} added, {result.updated} updated, "
               f"{result.unchanged} unchanged; {len(skipped)} rows skipped, {len(fixed)} fixed")
    for reason, n in sorted(Counter((i.reason, i.skipped) for i in issues).items()):
        typer.echo(f"  {'skipped' if reason[1] else 'fixed'}: {reason[0]}: {n}")
    if show_skipped:
        for i in issues:
            typer.echo(f"  line {i.line}: {'skipped' if i.skipped else 'fixed'} ({i.reason}): {i.title}")

@shows_app.command("add")
def add(
    title: Annotated[str, typer.Argument(help="Show title as written, e.g. \"The Good Place\"")],
    network: Annotated[Optional[str], typer.Option(help="Network or streamer (several: \"Fox / Netflix\")")]
    = None,
    country: Annotated[Optional[str], typer.Option(help="Country code, e.g. US, UK")] = None,
    premiered: Annotated[Optional[str], typer.Option(help="Premiere date: YYYY, YYYY-MM or YYYY-MM-DD")]
    = None,
    ended: Annotated[Optional[str], typer.Option(help="End date (omit while running)")] = None,
    alias: Annotated[Optional[list[str]], typer.Option("--alias", help="Alias (repeatable), e.g. GoT")]
    = None,
    tvmaze: Annotated[Optional[str], typer.Option(help="TVmaze show id")] = None,
    db: DbOption = None,
) -> None:
    """Add one show (or merge into the same show when it is already there)."""
    from newsagg.errors import NewsaggError
    from newsagg.shows.catalogue import Show, parse_iso_date
    from newsagg.shows.resolve import find_show
    from newsagg.shows.store import ensure_catalogue, upsert_shows

    dates = {}
    for name, value in (("--premiered", premiered), ("--ended", ended)):
        if value and parse_iso_date(value) is None:
            raise NewsaggError(f"{name}: expected YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
        dates[name] = parse_iso_date(value)
    show = Show(title=" ".join(title.split()), network=network, country=country,
                premiered_on=dates["--premiered"], ended_on=dates["--ended"],
                status="ended" if ended else "running", aliases=list(alias or []),
                external_ids={"tvmaze": tvmaze} if tvmaze else {})
    with _session(db) as session:
        ensure_catalogue(session)
        result = upsert_shows(session, [show])
        row = find_show(session, show.label)
        verb = "added" if result.added else "merged into"
        typer.echo(f"{verb} #{row.id} {row.title} ({(row.premiered_on or '?')[:4]})")

@shows_app.command("alias")
def alias_(
    show: Annotated[str, typer.Argument(help="Show: title, \"Title (year)\" or #id")],
    aliases: Annotated[list[str], typer.Argument(help="One or more aliases, e.g. GoT \"Game of Thrones\"")],
    remove: Annotated[bool, typer.Option("--remove", help="Remove these aliases instead")] = False,
    db: DbOption = None,
) -> None:
    """Add (or --remove) aliases of a show. Run `shows relink` afterwards to apply them to stored articles."""
    from newsagg.shows.resolve import find_show
    from newsagg.shows.store import add_alias, ensure_catalogue

    with _session(db) as session:
        ensure_catalogue(session)
        row = find_show(session, show)
        current = add_alias(session, row, aliases, remove=remove)
        typer.echo(f"#{row.id} {row.title}: aliases {', '.join(current) or '(none)'}")

@shows_app.command("list")
def list_(
    search: Annotated[Optional[str], typer.Option("--search", "-q", help="Only titles/aliases containing this")]
    = None,
    limit: Annotated[int, typer.Option(help="At most this many rows (0: all)")] = 50,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, json or jsonl")] = "table",
    db: DbOption = None,
) -> None:
    """List the catalogue (notable shows first)."""
    from newsagg.shows.store import ensure_catalogue, load_catalogue

    with _session(db) as session:
        ensure_catalogue(session)
        shows, _ = load_catalogue(session)
    if search:
        q = search.lower()
        shows = [s for s in shows if q in s.title.lower() or any(q in a.lower() for a in s.aliases)]
    shows.sort(key=lambda s: (not s.notable, s.title.lower(), s.premiere_year or 0))
    if limit:
        shows = shows[:limit]
    rows = [{"id": s.id, "title": s.title, "year": s.premiere_year, "network": s.network,
             "country": s.country, "premiered": s.premiered_on, "ended": s.ended_on, "status": s.status,
             "aliases": s.aliases, "external_ids": s.external_ids} for s in shows]
    _emit(rows, fmt, ["id", "title", "year", "network", "country", "status", "aliases"])

@shows_app.command("link")
def link(db: DbOption = None) -> None:
    """Link JSON lines on stdin to the database's catalogue; write the shows per line (see module help)."""
    from newsagg.jsonlines import map_lines
    from newsagg.shows.lines import link_line
    from newsagg.shows.store import ensure_catalogue, linker_for_session

    with _session(db) as session:
        ensure_catalogue(session)
        linker = linker_for_session(session)
    failed = map_lines(sys.stdin, sys.stdout, lambda line: link_line(linker, line))
    if failed:
        raise typer.Exit(1)

@shows_app.command("relink")
def relink_(
    db: DbOption = None,
    stale_only: Annotated[bool, typer.Option("--stale-only", help="Only articles not yet linked against "
                                                                  "the current catalogue")] = False,
) -> None:
    """Re-link stored articles after catalogue changes (imports, aliases)."""
    from newsagg.shows.store import link_pending, relink

    from newsagg.events_writer import reprocess  # events follow the links (issue 15)

    with _session(db) as session:
        result = link_pending(session) if stale_only else relink(session)
        events = reprocess(session)
    typer.echo(f"linked {result.articles} articles: {result.links} show links; "
               f"{events.events} events, {events.facts} facts")

def show(
    title: Annotated[str, typer.Argument(help="Show: title, alias, \"Title (year)\" or #id")],
    since: Annotated[Optional[str], typer.Option(help="Only articles newer than this: a span ago (30d, 12h, "
                                                      "2w, 6mo = months, 15m = minutes) or an ISO date")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, json or jsonl")] = "table",
    link_new: Annotated[bool, typer.Option("--link-new", help="First link articles not yet linked to the "
                                                              "catalogue (writes; otherwise read-only)")] = False,
    db: DbOption = None,
) -> None:
    """A show's timeline: its stories and articles, with outlets and seasons, newest first."""
    from sqlalchemy.orm import Session

    from newsagg.dbaccess import open_existing, open_readonly
    from newsagg.errors import NewsaggError
    from newsagg.output import check_format, print_table, write_rows
    from newsagg.shows.resolve import find_show
    from newsagg.shows.store import ensure_catalogue, link_pending
    from newsagg.shows.timeline import parse_since, show_timeline

    fmt = check_format(fmt)
    try:
        cutoff = parse_since(since)
    except ValueError as exc:
        raise NewsaggError(str(exc)) from None
    engine = open_existing(db) if link_new else open_readonly(db)
    try:
        with Session(engine, expire_on_commit=False) as session:
            if link_new:
                ensure_catalogue(session)
                link_pending(session)
            row = find_show(session, title)
            entries = show_timeline(session, row.id, cutoff)
            from models.events import list_events  # the show's TV events (issue 15)

            show_events = list_events(session, show_id=row.id, since=cutoff)
    finally:
        engine.dispose()
    label = f"{row.title} ({(row.premiered_on or '?')[:4]}, {row.network or 'unknown network'})"
    import json

    if fmt == "json":
        typer.echo(json.dumps({"show": {"id": row.id, "title": row.title, "premiered": row.premiered_on,
                                        "network": row.network},
                               "stories": [e.as_dict() for e in entries], "events": show_events},
                              ensure_ascii=False, indent=2))
        return
    if fmt == "jsonl":  # the json document's stories, one per line
        for e in entries:
            typer.echo(json.dumps(e.as_dict(), ensure_ascii=False))
        return
    if fmt == "csv":
        columns = ("story_id", "story", "published_at", "source", "title", "seasons", "primary", "url")
        write_rows(columns, [(e.story_id, e.headline, a.published_at, a.outlet, a.title, a.seasons, a.primary,
                              a.url) for e in entries for a in e.articles], "csv")
        return
    rows: list[tuple[str, str, str, str]] = []
    for e in entries:
        rows.append((e.first_published_at.strftime("%Y-%m-%d %H:%M"), e.headline, ", ".join(e.outlets),
                     ", ".join(map(str, e.seasons))))
        if len(e.articles) > 1 or e.articles[0].title != e.headline:
            rows.extend(("", f"  {a.published_at:%m-%d %H:%M} {a.outlet}: {a.title}", "", "")
                        for a in e.articles)
    print_table(("first seen", "story / articles", "outlets", "seasons"), rows, title=label)
    if show_events:
        from newsagg.commands.events import print_show_events

        print_show_events(show_events)
    if not entries:
        typer.echo(f"no articles about {row.title} yet" + (f" since {since}" if since else ""))


def register(app: typer.Typer) -> None:
    app.add_typer(shows_app, name="shows")
    app.command("show")(show)


class _session:
    """Context manager: a Session on the migrated database; the engine is disposed afterwards."""

    def __init__(self, db: str | None) -> None:
        self.db = db

    def __enter__(self) -> Any:
        from sqlalchemy.orm import Session

        from models.db import open_database

        self.engine = open_database(self.db)
        self.session = Session(self.engine, expire_on_commit=False)
        return self.session

    def __exit__(self, *exc: object) -> None:
        self.session.close()
        self.engine.dispose()


def _emit(rows: list[dict[str, Any]], fmt: str, columns: list[str]) -> None:
    """json/jsonl: every field; csv and table: `columns`, through the one output layer."""
    import json

    from newsagg.output import check_format, write_rows

    fmt = check_format(fmt)
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
    else:
        write_rows(columns, [[r.get(c) for c in columns] for r in rows], fmt)
