"""Curated aliases (the packaged aliases.csv): short forms, segments, era titles with date ranges,
hosts and misspellings, tied to catalogue shows by TVmaze id (or by title where a catalogue has no ids)."""

from __future__ import annotations

import csv
import zlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Sequence

from newsagg.shows.catalogue import Show
from newsagg.shows.merge import title_key

ALIAS_FILE = "aliases.csv"
KINDS = frozenset({"short", "segment", "era", "host", "misspelling", "film"})


@dataclass(frozen=True)
class CuratedAlias:
    alias: str
    tvmaze: str
    title: str
    kind: str
    start: float | None   # decimal year from which the alias names this show (None: always)
    until: float | None   # decimal year until which (exclusive)

    @property
    def quoted_only(self) -> bool:
        """A host's name is the person unless quoted as a title ("on 'Jimmy Kimmel'")."""
        return self.kind == "host"


def decimal_year(value: str | None) -> float | None:
    """"2014-02" -> 2014.083 (the month's start), "2014" -> 2014.0, "" -> None."""
    value = (value or "").strip()
    if len(value) < 4 or not value[:4].isdigit():
        return None
    month = int(value[5:7]) if len(value) >= 7 and value[5:7].isdigit() else 1
    return int(value[:4]) + (month - 1) / 12


def parse_alias_csv(text: str) -> list[CuratedAlias]:
    rows = csv.DictReader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    out = []
    for row in rows:
        alias, kind = (row.get("alias") or "").strip(), (row.get("kind") or "short").strip()
        if not alias or kind not in KINDS:
            continue
        out.append(CuratedAlias(alias, (row.get("tvmaze") or "").strip(), (row.get("title") or "").strip(), kind,
                                decimal_year(row.get("from")), decimal_year(row.get("until"))))
    return out


def film_titles(entries: Iterable[CuratedAlias]) -> list[str]:
    """Titles that in news mean a film or film franchise ("Aladdin"), whatever shows share them."""
    return [e.alias for e in entries if e.kind == "film"]


def _alias_text() -> str:
    return resources.files("newsagg.shows").joinpath(ALIAS_FILE).read_text("utf-8")


@lru_cache(maxsize=1)
def packaged_aliases() -> tuple[CuratedAlias, ...]:
    return tuple(parse_alias_csv(_alias_text()))


@lru_cache(maxsize=1)
def alias_file_crc() -> int:
    """Changes when the packaged alias file does (part of the linker's fingerprint)."""
    return zlib.crc32(_alias_text().encode("utf-8"))


def targets(shows: Sequence[Show], entries: Iterable[CuratedAlias]) -> list[tuple[CuratedAlias, Show]]:
    """Each entry with the catalogue show it names: by TVmaze id, else by a unique exact title.
    Entries naming no show of this catalogue are left out (a starter-only catalogue lacks most eras)."""
    by_tvmaze: dict[str, Show] = {}
    by_title: dict[str, list[Show]] = {}
    for show in shows:
        tvmaze = show.external_ids.get("tvmaze")
        if tvmaze:
            by_tvmaze.setdefault(str(tvmaze), show)
        by_title.setdefault(title_key(show.title), []).append(show)
    out = []
    for entry in entries:
        if entry.kind == "film":
            continue
        show = by_tvmaze.get(entry.tvmaze) if entry.tvmaze else None
        if show is None:
            same = [s for s in by_title.get(title_key(entry.title), ()) if not s.external_ids.get("tvmaze")]
            show = same[0] if len(same) == 1 else None
        if show is not None:
            out.append((entry, show))
    return out


def add_curated_aliases(shows: Sequence[Show], entries: Iterable[CuratedAlias] | None = None) -> int:
    """Store the curated aliases on the shows they name (as an import does with TVmaze akas); returns
    how many were added. Date ranges stay in the packaged file: the linker reads them from there."""
    added = 0
    for entry, show in targets(shows, packaged_aliases() if entries is None else entries):
        if entry.alias != show.title and entry.alias not in show.aliases and not entry.quoted_only:
            show.aliases.append(entry.alias)
            added += 1
    return added
