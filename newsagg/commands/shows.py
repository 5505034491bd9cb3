"""`newsagg shows ...` (the catalogue and linking) and `newsagg show TITLE` (a show's timeline).

`shows link` reads JSON lines on stdin, one article per line:
  {"id", "text"}            plain text or HTML (<em>/<i> titles count as emphasised), or
  {"id", "title", "body"}   plus optional "description" and "published" (ISO date)
and writes one line per input line, same order:
  {"id", "shows": [{"title", "id", "confidence", "primary", "seasons"}]}
A line that is not a JSON object gives {"id": <id or null>, "line": n, "error": "..."}, and
processing goes on (exit status 1 at the end if any line failed).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

DbOption = Annotated[Optional[str], typer.Option(
    "--db", help="SQLAlchemy URL or SQLite file path [env: NEWSAGG_DATABASE_URL; default ./newsagg.db]")]


def register(app: typer.Typer) -> None:
    shows_app = typer.Typer(help="TV show catalogue and article-to-show linking.", no_args_is_help=True)
    app.add_typer(shows_app, name="shows")

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
        from newsagg.shows.catalogue import load_catalogue_file
        from newsagg.shows.store import ensure_catalogue, upsert_shows

        if not path.is_file():
            raise NewsaggError(f"no such file: {path}")
        try:
            shows, issues = load_catalogue_file(path, fmt)
        except (ValueError, UnicodeDecodeError) as exc:
            raise NewsaggError(f"cannot import {path}: {exc}") from None
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
        from newsagg.shows.store import ensure_catalogue, resolve_show, upsert_shows

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
            row = resolve_show(session, show.label)
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
        from newsagg.shows.store import add_alias, ensure_catalogue, resolve_show

        with _session(db) as session:
            ensure_catalogue(session)
            row = resolve_show(session, show)
            current = add_alias(session, row, aliases, remove=remove)
            typer.echo(f"#{row.id} {row.title}: aliases {', '.join(current) or '(none)'}")

    @shows_app.command("list")
    def list_(
        search: Annotated[Optional[str], typer.Option("--search", "-q", help="Only titles/aliases containing this")]
        = None,
        limit: Annotated[int, typer.Option(help="At most this many rows (0: all)")] = 50,
        fmt: Annotated[str, typer.Option("--format", help="table | json | csv")] = "table",
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
        from newsagg.shows.store import ensure_catalogue, linker_for_session

        with _session(db) as session:
            ensure_catalogue(session)
            linker = linker_for_session(session)
        failed = map_lines(sys.stdin, sys.stdout, lambda line: _link_one(linker, line))
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

        with _session(db) as session:
            result = link_pending(session) if stale_only else relink(session)
            from models.events import reprocess  # events follow the links (issue 15)

            events = reprocess(session)
        typer.echo(f"linked {result.articles} articles: {result.links} show links; "
                   f"{events.events} events, {events.facts} facts")

    @app.command("show")
    def show(
        title: Annotated[str, typer.Argument(help="Show: title, alias, \"Title (year)\" or #id")],
        since: Annotated[Optional[str], typer.Option(help="Only articles newer than this: 30d, 12h, 2w, 6m, 1y "
                                                          "or an ISO date")] = None,
        fmt: Annotated[str, typer.Option("--format", help="table | json | csv")] = "table",
        link_new: Annotated[bool, typer.Option("--link-new/--no-link-new", help="First link articles not yet "
                                                                               "linked to the catalogue")] = True,
        db: DbOption = None,
    ) -> None:
        """A show's timeline: its stories and articles, with outlets and seasons, newest first."""
        from newsagg.errors import NewsaggError
        from newsagg.shows.store import ensure_catalogue, link_pending, resolve_show
        from newsagg.shows.timeline import parse_since, show_timeline

        if fmt not in ("table", "json", "csv"):
            raise NewsaggError(f"--format: expected table, json or csv, got {fmt!r}")
        try:
            cutoff = parse_since(since)
        except ValueError as exc:
            raise NewsaggError(str(exc)) from None
        with _session(db) as session:
            ensure_catalogue(session)
            if link_new:
                link_pending(session)
            row = resolve_show(session, title)
            entries = show_timeline(session, row.id, cutoff)
            from models.events import list_events  # the show's TV events (issue 15)

            show_events = list_events(session, show_id=row.id, since=cutoff)
        label = f"{row.title} ({(row.premiered_on or '?')[:4]}, {row.network or 'unknown network'})"
        if fmt == "json":
            import json

            typer.echo(json.dumps({"show": {"id": row.id, "title": row.title, "premiered": row.premiered_on,
                                            "network": row.network},
                                   "stories": [e.as_dict() for e in entries], "events": show_events},
                                  ensure_ascii=False, indent=2))
            return
        flat = [{"story_id": e.story_id, "story": e.headline, "published_at": a.published_at.isoformat(),
                 "outlet": a.outlet, "title": a.title, "seasons": a.seasons, "primary": a.primary,
                 "url": a.url} for e in entries for a in e.articles]
        if fmt == "csv":
            _emit(flat, "csv", list(flat[0]) if flat else ["story_id", "story", "published_at", "outlet",
                                                           "title", "seasons", "primary", "url"])
            return
        from rich.console import Console
        from rich.table import Table

        table = Table("first seen", "story / articles", "outlets", "seasons", title=label)
        for e in entries:
            table.add_row(e.first_published_at.strftime("%Y-%m-%d %H:%M"), f"[bold]{e.headline}[/bold]",
                          ", ".join(e.outlets), ", ".join(map(str, e.seasons)))
            if len(e.articles) > 1 or e.articles[0].title != e.headline:
                for a in e.articles:
                    table.add_row("", f"  {a.published_at:%m-%d %H:%M} {a.outlet}: {a.title}", "", "")
        Console().print(table)
        if show_events:
            from newsagg.commands.events import print_show_events

            print_show_events(show_events)
        if not entries:
            typer.echo(f"no articles about {row.title} yet" + (f" since {since}" if since else ""))


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


def _link_one(linker: Any, line: str) -> dict[str, Any]:
    from datetime import datetime, timezone

    from newsagg.jsonlines import parse_object
    from newsagg.shows.htmltext import html_to_text, looks_like_html

    item = parse_object(line)
    title = str(item.get("title") or "")
    body = str(item.get("body") or "")
    description = str(item.get("description") or "")
    if "text" in item and not (title or body):
        text = str(item.get("text") or "")
        # Plain text: the first line is the headline when the text has several lines.
        title, sep, body = text.strip().partition("\n") if "\n" in text.strip() else ("", "", text)
    emphasized: list[str] = []
    parts = []
    for part in (title, description, body):
        if looks_like_html(part):
            part, emph = html_to_text(part)
            emphasized.extend(emph)
        parts.append(part)
    title, description, body = parts
    published = None
    if item.get("published"):
        try:
            published = datetime.fromisoformat(str(item["published"]).replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"bad \"published\": {item['published']!r}") from None
        if published.tzinfo is None:
            published = published.replace(tzinfo=timezone.utc)
    links = linker.link(title, body, description=description, emphasized=emphasized, published_at=published)
    return {"id": item.get("id"), "shows": [
        {"title": linker.shows[l.show_id].title, "id": l.show_id, "confidence": l.confidence,
         "primary": l.primary, "seasons": l.seasons} for l in links]}


def _emit(rows: list[dict[str, Any]], fmt: str, columns: list[str]) -> None:
    import json

    from newsagg.errors import NewsaggError

    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: ("|".join(map(str, v)) if isinstance(v, list) else v) for k, v in r.items()})
    elif fmt == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table(*columns)
        for r in rows:
            table.add_row(*[", ".join(map(str, r[c])) if isinstance(r[c], list) else str(r[c] or "")
                            for c in columns])
        Console().print(table)
    else:
        raise NewsaggError(f"--format: expected table, json or csv, got {fmt!r}")
