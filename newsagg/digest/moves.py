"""The digest's "Industry moves" section: TV events (renewals, cancellations, premieres, castings).

The events themselves come from elsewhere (the TV event extraction); this module only fixes the
shape a move has in a digest and where a digest gets its moves from: a provider, a callable
`(conn, window_start, window_end, show_ids) -> list[dict]` registered with `register_provider`
(`stored_events`, the TV events stored by the crawl, is registered by default) or passed to build_digest directly. Without a
provider the section is empty and hidden.

A move is a dict with exactly these keys:
    {"type", "show": {"title", "id", "tvmaze"}, "season", "status", "date", "people": [..],
     "evidence", "first": {"source", "title", "url", "published"},
     "outlets": [{"source", "url", "published"}]}
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from newsagg.digest.text import safe_url, squash
from newsagg.errors import NewsaggError

MOVE_KEYS = frozenset({"type", "show", "season", "status", "date", "people", "evidence", "first", "outlets"})
SHOW_KEYS = frozenset({"title", "id", "tvmaze"})
FIRST_KEYS = frozenset({"source", "title", "url", "published"})
OUTLET_KEYS = frozenset({"source", "url", "published"})

MovesProvider = Callable[[Connection, datetime, datetime, "set[int] | None"], list[dict[str, Any]]]


def stored_events(conn: Connection, start: datetime, end: datetime,
                  show_ids: set[int] | None) -> list[dict[str, Any]]:
    """The default provider: TV event facts first reported in the window (models.events), for the
    digest's shows when it has a show filter. A database without the events table has no moves."""
    from sqlalchemy import inspect
    from sqlalchemy.orm import Session

    from models.events import industry_moves

    if not inspect(conn).has_table("event_facts"):
        return []
    with Session(bind=conn) as session:
        moves = industry_moves(session, start, end)
    return [m for m in moves if show_ids is None or m["show"]["id"] in show_ids]


_providers: list[MovesProvider] = [stored_events]


def register_provider(provider: MovesProvider) -> None:
    """Every digest built afterwards asks this provider for the day's moves."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_provider(provider: MovesProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def collect(conn: Connection, start: datetime, end: datetime, show_ids: set[int] | None,
            provider: MovesProvider | None = None) -> list[dict[str, Any]]:
    """The day's moves from the given provider, else from every registered one, checked and cleaned."""
    moves: list[dict[str, Any]] = []
    for p in [provider] if provider is not None else list(_providers):
        moves.extend(clean(m) for m in p(conn, start, end, show_ids))
    return sorted(moves, key=lambda m: (m["first"]["published"] or "", m["show"]["title"], m["type"]))


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        from newsagg.digest.render import iso

        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return squash(str(value)) or None


def _exact(obj: Any, keys: frozenset[str], what: str) -> dict[str, Any]:
    if not isinstance(obj, dict) or set(obj) != keys:
        got = sorted(obj) if isinstance(obj, dict) else type(obj).__name__
        raise NewsaggError(f"industry move {what} must have exactly the keys {sorted(keys)}, got {got}")
    return obj


def clean(move: dict[str, Any]) -> dict[str, Any]:
    """A move in the exact shape, text squashed, times ISO 8601 UTC, links http(s) only (else None)."""
    _exact(move, MOVE_KEYS, "")
    show = _exact(move["show"], SHOW_KEYS, "show")
    first = _exact(move["first"], FIRST_KEYS, "first")
    outlets = [_exact(o, OUTLET_KEYS, "outlet") for o in move["outlets"] or []]
    season = move["season"]
    return {
        "type": squash(str(move["type"])),
        "show": {"title": squash(str(show["title"])), "id": show["id"], "tvmaze": show["tvmaze"]},
        "season": int(season) if isinstance(season, (int, float)) or str(season or "").isdigit() else None,
        "status": squash(str(move["status"])) if move["status"] is not None else None,
        "date": _iso(move["date"]),
        "people": [squash(str(p)) for p in move["people"] or []],
        "evidence": squash(str(move["evidence"] or "")),
        "first": {"source": squash(str(first["source"])), "title": squash(str(first["title"] or "")),
                  "url": safe_url(first["url"]), "published": _iso(first["published"])},
        "outlets": [{"source": squash(str(o["source"])), "url": safe_url(o["url"]), "published": _iso(o["published"])}
                    for o in outlets],
    }
