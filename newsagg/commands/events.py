"""`newsagg events ...` (TV events: list, extract, reprocess) and `newsagg scorecard`.

`events extract` reads JSON lines on stdin, one item per line:
  {"id", "title", "body"} plus optional "description" and "published" (ISO date), or {"id", "text"}
and writes one line per input line, same order, using the database's catalogue (--db):
  {"id", "events": [{"type", "show": {"title", "id", "tvmaze"}, "season", "status", "date", "people",
                     "evidence", "confidence"}]}
A line that is not a JSON object gives {"id": <id or null>, "line": n, "error": "..."}, and processing
goes on (exit status 1 at the end if any line failed).
"""

from __future__ import annotations

import sys
from typing import Annotated, Any, Optional

import typer

from newsagg.events.model import EVENT_TYPES

from newsagg.cli_options import DbOption

SinceOption = Annotated[Optional[str], typer.Option(
    help="Only newer than this: a span ago (30d, 12h, 2w, 6mo = months, 15m = minutes) or an ISO date")]
EVENT_COLUMNS = ["published_at", "type", "show", "show_id", "tvmaze", "season", "status", "date", "people", "network",
                 "new", "source", "title", "url", "evidence", "confidence", "fact_id"]


def _cutoff(since: str | None) -> Any:
    from newsagg.errors import NewsaggError
    from newsagg.shows.timeline import parse_since

    try:
        return parse_since(since)
    except ValueError as exc:
        raise NewsaggError(str(exc)) from None


def _check_format(fmt: str) -> str:
    from newsagg.output import check_format

    return check_format(fmt)


def _emit(rows: list[dict[str, Any]], fmt: str, columns: list[str], title: str = "") -> None:
    """Through the one output layer: table and csv show `columns`, json/jsonl every field."""
    from newsagg.output import write_rows

    cols = columns if fmt in ("table", "csv") else (list(rows[0]) if rows else columns)
    write_rows(cols, [[r.get(c) for c in cols] for r in rows], fmt, title=title or None)


class _reading:
    """A read-only Session on an existing database (read commands never create or migrate one)."""

    def __init__(self, db: str | None) -> None:
        self.db = db

    def __enter__(self) -> Any:
        from sqlalchemy.orm import Session

        from newsagg.dbaccess import open_readonly

        self.engine = open_readonly(self.db)
        self.session = Session(self.engine)
        return self.session

    def __exit__(self, *exc: object) -> None:
        self.session.close()
        self.engine.dispose()


def register(app: typer.Typer) -> None:
    events_app = typer.Typer(help="TV events (renewals, cancellations, orders, premiere dates, casting, exits...).",
                             invoke_without_command=True)
    app.add_typer(events_app, name="events")

    @events_app.callback()
    def list_(
        ctx: typer.Context,
        type_: Annotated[Optional[list[str]], typer.Option("--type", help="Event type (repeatable): "
                                                           + ", ".join(EVENT_TYPES))] = None,
        show: Annotated[Optional[str], typer.Option(help="Show: title, alias, \"Title (year)\" or #id")] = None,
        since: SinceOption = None,
        status: Annotated[Optional[str], typer.Option(help="official | reported")] = None,
        fmt: Annotated[str, typer.Option("--format", help="table | csv | json | jsonl")] = "table",
        limit: Annotated[int, typer.Option(help="At most this many rows (0: all)")] = 200,
        db: DbOption = None,
    ) -> None:
        """List stored TV events, newest first (subcommands: extract, reprocess)."""
        if ctx.invoked_subcommand is not None:
            return
        from newsagg.errors import NewsaggError

        fmt = _check_format(fmt)
        bad = [t for t in type_ or [] if t not in EVENT_TYPES]
        if bad:
            raise NewsaggError(f"--type: unknown {', '.join(bad)}; expected one of {', '.join(EVENT_TYPES)}")
        if status not in (None, "official", "reported"):
            raise NewsaggError(f"--status: expected official or reported, got {status!r}")
        cutoff = _cutoff(since)
        from models.events import list_events
        from newsagg.shows.resolve import find_show

        with _reading(db) as session:
            show_id = find_show(session, show).id if show else None
            rows = list_events(session, types=type_ or (), show_id=show_id, since=cutoff, status=status,
                               limit=limit or None)
        _emit(rows, fmt, ["published_at", "type", "show", "season", "status", "date", "people", "source", "title"]
              if fmt == "table" else EVENT_COLUMNS, "TV events")
        if not rows and fmt == "table":
            typer.echo("no events" + (f" since {since}" if since else ""))

    @events_app.command("extract")
    def extract(db: DbOption = None) -> None:
        """Extract events from JSON lines on stdin with the database's catalogue (see module help)."""
        from newsagg.commands.shows import _session
        from newsagg.events import CatalogueNames
        from newsagg.jsonlines import map_lines
        from newsagg.shows.store import ensure_catalogue, linker_for_session

        with _session(db) as session:
            ensure_catalogue(session)
            session.commit()
            linker = linker_for_session(session)
        names = CatalogueNames(linker)
        failed = map_lines(sys.stdin, sys.stdout, lambda line: _extract_one(linker, names, line))
        if failed:
            raise typer.Exit(1)

    @events_app.command("reprocess")
    def reprocess_(since: SinceOption = None, db: DbOption = None) -> None:
        """Re-extract the events of stored articles with the current rules (after cue changes) and
        rebuild the facts. Uses the stored show links (run `shows relink` first after catalogue changes)."""
        from newsagg.events_writer import reprocess
        from newsagg.commands.shows import _session

        cutoff = _cutoff(since)
        with _session(db) as session:
            result = reprocess(session, cutoff)
        typer.echo(f"reprocessed {result.articles} articles: {result.events} events, {result.facts} facts")

    @app.command("scorecard")
    def scorecard_(
        network: Annotated[Optional[str], typer.Option(help="Only shows of this network (substring, e.g. NBC)")]
        = None,
        since: SinceOption = None,
        fmt: Annotated[str, typer.Option("--format", help="table | csv | json | jsonl")] = "table",
        db: DbOption = None,
    ) -> None:
        """One row per show: its latest status (renewed for season N, cancelled, ending, ordered, in
        development, no news), when, and who reported it first."""
        fmt = _check_format(fmt)
        cutoff = _cutoff(since)
        from models.events import scorecard

        with _reading(db) as session:
            rows = scorecard(session, network=network, since=cutoff)
        columns = ["show", "network", "latest", "status", "date", "first_source", "first_title"]
        _emit(rows, fmt, columns, "Scorecard")
        if not rows and fmt == "table":
            typer.echo("no status news" + (f" since {since}" if since else ""))


def print_show_events(rows: list[dict[str, Any]]) -> None:
    """`newsagg show TITLE`: the show's events under its timeline."""
    _emit(rows, "table", ["published_at", "type", "season", "status", "date", "people", "source", "title"], "Events")


def _extract_one(linker: Any, names: Any, line: str) -> dict[str, Any]:
    from newsagg.events import extract_events
    from newsagg.shows.lines import link_item, read_item

    item = read_item(line)
    links = link_item(linker, item)
    events = extract_events(item.title, item.description, item.body, links, published_at=item.published,
                            names=names.of(links))
    return {"id": item.id, "events": [
        {"type": e.type, "show": {"title": e.show_title, "id": e.show_id,
                                  "tvmaze": (linker.shows[e.show_id].external_ids or {}).get("tvmaze")},
         "season": e.season, "status": e.status, "date": e.date, "people": e.people, "evidence": e.evidence,
         "confidence": e.confidence} for e in events]}
