"""Catalogue identity: when an imported show is one we already have.

Same external id (TVmaze, epguides, TVRage, IMDb) -> same show. Otherwise the same
normalised title with premiere years at most a year apart (sources disagree by a few
months), or the same title where one side has no year and only one show has the title.
Remakes and country versions (years apart, or a different country) stay distinct.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

from newsagg.shows.catalogue import Show, fold

ID_KEYS = ("tvmaze", "epguides", "tvrage", "imdb", "thetvdb")


def title_key(title: str) -> str:
    t = fold(title).lower().replace("&", " and ").replace("’", "'")
    t = re.sub(r"[^\w\s]", "", t)
    t = re.sub(r"^(the|a|an)\s+", "", " ".join(t.split()))
    return t


class CatalogueIndex:
    """Finds the existing show an incoming record is."""

    def __init__(self, shows: Iterable[Show] = ()) -> None:
        self.by_id: dict[tuple[str, str], Show] = {}
        self.by_title: dict[str, list[Show]] = defaultdict(list)
        for show in shows:
            self.add(show)

    def add(self, show: Show) -> None:
        for k in ID_KEYS:
            v = show.external_ids.get(k)
            if v:
                self.by_id.setdefault((k, str(v)), show)
        self.by_title[title_key(show.title)].append(show)

    def find(self, show: Show) -> Show | None:
        for k in ID_KEYS:
            v = show.external_ids.get(k)
            if v and (k, str(v)) in self.by_id:
                return self.by_id[(k, str(v))]
        same = [s for s in self.by_title.get(title_key(show.title), ())
                if not (s.country and show.country and s.country != show.country)]
        year = show.premiere_year
        if year is not None:
            close = [s for s in same if s.premiere_year is not None and abs(s.premiere_year - year) <= 1]
            if close:
                # A show already tied to another id of the same kind is a different record.
                close = [s for s in close if not _conflicting_ids(s, show)]
                return min(close, key=lambda s: abs((s.premiere_year or 0) - year)) if close else None
            undated = [s for s in same if s.premiere_year is None and not _conflicting_ids(s, show)]
            return undated[0] if len(undated) == 1 and len(same) == 1 else None
        candidates = [s for s in same if not _conflicting_ids(s, show)]
        return candidates[0] if len(candidates) == 1 else None


def _conflicting_ids(a: Show, b: Show) -> bool:
    return any(a.external_ids.get(k) and b.external_ids.get(k) and a.external_ids[k] != b.external_ids[k]
               for k in ID_KEYS)


def merge_into(target: Show, incoming: Show) -> bool:
    """Fill target from incoming (ids, aliases, missing fields). True when something changed."""
    changed = False
    for k, v in incoming.external_ids.items():
        if v and target.external_ids.get(k) != v and k not in target.external_ids:
            target.external_ids[k] = v
            changed = True
    for name in [incoming.title, *incoming.aliases]:
        if name != target.title and name not in target.aliases:
            target.aliases.append(name)
            changed = True
    for attr in ("network", "country", "premiered_on", "ended_on", "status", "episodes"):
        if getattr(target, attr) in (None, "") and getattr(incoming, attr) not in (None, ""):
            setattr(target, attr, getattr(incoming, attr))
            changed = True
    # A later import knows better whether the show is still running.
    if incoming.ended_on and not target.ended_on:
        target.ended_on, target.status = incoming.ended_on, incoming.status
        changed = True
    if incoming.notable and not target.notable:
        target.notable = True
        changed = True
    return changed


def merge_catalogues(base: Iterable[Show], incoming: Iterable[Show]) -> tuple[list[Show], int, int]:
    """base + incoming, deduplicated: (shows, added, merged). Shows get ids if they have none."""
    shows = [s for s in base]
    index = CatalogueIndex(shows)
    added = merged = 0
    next_id = max((s.id or 0 for s in shows), default=0) + 1
    for show in incoming:
        found = index.find(show)
        if found is not None:
            merge_into(found, show)
            index.add(found)
            merged += 1
            continue
        if show.id is None or any(s.id == show.id for s in shows[:1]):
            show.id = next_id
        next_id = max(next_id, show.id) + 1
        shows.append(show)
        index.add(show)
        added += 1
    return shows, added, merged
