"""Scores event extraction against labelled items (bench/events_eval.py and the CI gate).

An event matches by (type, TVmaze id); gold events whose show has no TVmaze id are ignored, as are
predicted events about shows without one. Season and status agreement are counted on the matches.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from newsagg.events.extract import extract_events
from newsagg.events.model import CatalogueNames
from evaluation.scores import PrecisionRecall


@dataclass
class Counts(PrecisionRecall):
    tp: int = 0
    fp: int = 0
    fn: int = 0
    season_agree: int = 0
    status_agree: int = 0

    def summary(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "season_agreement": round(self.season_agree / self.tp, 4) if self.tp else None,
                "status_agreement": round(self.status_agree / self.tp, 4) if self.tp else None}


@dataclass
class EventScore:
    items: int = 0
    total: Counts = field(default_factory=Counts)
    by_type: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    errors: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"items": self.items, **self.total.summary(),
                "per_type": {t: c.summary() for t, c in sorted(self.by_type.items())}}


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def corpus_items(corpus_dir: str | Path) -> list[dict[str, Any]]:
    """The entertainment-news items joined with their labels, in the labelled-set shape."""
    base = Path(corpus_dir) / "entertainment-news"
    labels = {l["id"]: l for l in load_jsonl(base / "labels.jsonl")}
    out = []
    for it in load_jsonl(base / "items.jsonl"):
        lab = labels.get(it["id"], {})
        out.append({"id": it["id"], "title": it.get("headline", ""), "description": it.get("short_description", ""),
                    "body": "", "published": it.get("date"), "events": lab.get("events", [])})
    return out


def _published(value: Any) -> datetime | None:
    if not value:
        return None
    when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def tvmaze_of(linker: Any, show_id: int) -> str | None:
    show = linker.shows.get(show_id)
    if show is None:
        return None
    found = (show.external_ids or {}).get("tvmaze")
    if not found:
        # Starter-catalogue rows merged with an import may lack the id: look it up by title and year.
        found = getattr(linker, "tvmaze_by_label", {}).get((show.title.lower(), (show.premiered_on or "")[:4]))
    return found


def attach_tvmaze_index(linker: Any, catalogue_shows: Iterable[Any]) -> None:
    """Give the linker a (title, premiere year) -> TVmaze id index from an imported catalogue."""
    index = {}
    for s in catalogue_shows:
        tid = (s.external_ids or {}).get("tvmaze")
        if tid:
            index.setdefault((s.title.lower(), (s.premiered_on or "")[:4]), tid)
    linker.tvmaze_by_label = index


def predict(linker: Any, item: dict[str, Any]) -> list[dict[str, Any]]:
    """Link the item's shows, extract its events; events as label-shaped dicts with the TVmaze id."""
    published = _published(item.get("published"))
    title, description, body = item.get("title") or "", item.get("description") or "", item.get("body") or ""
    links = linker.link(title, body, description=description, published_at=published)
    events = extract_events(title, description, body, links, published_at=published,
                            names=CatalogueNames(linker).of(links))
    return [{"type": e.type, "show": e.show_title, "tvmaze": tvmaze_of(linker, e.show_id), "season": e.season,
             "status": e.status, "evidence": e.evidence} for e in events]


def score(linker: Any, items: Iterable[dict[str, Any]]) -> EventScore:
    result = EventScore()
    for item in items:
        result.items += 1
        got = {(e["type"], str(e["tvmaze"])): e for e in predict(linker, item) if e["tvmaze"]}
        want = {(e["type"], str(e["tvmaze"])): e for e in item.get("events", []) if e.get("tvmaze")}
        for key in got.keys() | want.keys():
            counts = result.by_type[key[0]]
            for c in (counts, result.total):
                if key in got and key in want:
                    c.tp += 1
                    c.season_agree += got[key]["season"] == want[key].get("season")
                    c.status_agree += got[key]["status"] == want[key].get("status")
                elif key in got:
                    c.fp += 1
                else:
                    c.fn += 1
        if got.keys() != want.keys():
            result.errors.append({"id": item["id"], "title": item.get("title"),
                                  "extra": sorted(f"{k[0]}:{got[k]['show']}" for k in got.keys() - want.keys()),
                                  "missing": sorted(f"{k[0]}:{want[k]['show']}" for k in want.keys() - got.keys())})
    return result
