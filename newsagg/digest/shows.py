"""--show NAME -> show rows, matched on title or alias; unknown names fail with close matches."""

from __future__ import annotations

import difflib
import re
import unicodedata

from sqlalchemy import Connection, select

from models.schema import ShowRow
from newsagg.digest.model import Show
from newsagg.errors import NewsaggError


def _norm(text: str) -> str:
    # "Marvel's Jessica Jones" and "marvels jessica-jones" should meet.
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text.replace("'", "")).strip()


def resolve_shows(conn: Connection, names: list[str]) -> list[Show]:
    rows = conn.execute(select(ShowRow.id, ShowRow.title, ShowRow.network, ShowRow.aliases)).all()
    by_name: dict[str, list[Show]] = {}
    labels: dict[str, str] = {}  # normalised -> how to print it in suggestions
    for row in rows:
        show = Show(row.id, row.title, row.network)
        for name in [row.title, *(row.aliases or [])]:
            key = _norm(name)
            if key:
                by_name.setdefault(key, []).append(show)
                labels.setdefault(key, row.title if key == _norm(row.title) else f"{name} ({row.title})")
    chosen: dict[int, Show] = {}
    for name in names:
        found = by_name.get(_norm(name))
        if not found:
            raise NewsaggError(_unknown(name, by_name, labels, bool(rows)))
        for show in found:
            chosen.setdefault(show.id, show)
    return list(chosen.values())


def _unknown(name: str, by_name: dict[str, list[Show]], labels: dict[str, str], any_shows: bool) -> str:
    if not any_shows:
        return f"unknown show {name!r}: the database has no shows yet (shows are linked as articles are crawled)"
    close = difflib.get_close_matches(_norm(name), list(by_name), n=3, cutoff=0.6)
    # Substring hits too: "Jones" should suggest "Jessica Jones".
    close += [k for k in by_name if _norm(name) and _norm(name) in k and k not in close][: 3 - len(close)]
    if not close:
        return f"unknown show {name!r} (no close matches; check the title in the shows table)"
    return f"unknown show {name!r}; did you mean: " + ", ".join(repr(labels[k]) for k in close) + "?"
