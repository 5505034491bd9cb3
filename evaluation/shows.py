"""Precision and recall of the linker on a labelled set (used by bench/ and the CI gate).

Labels are "Title (premiere year)" (Show.label), so they mean the same show in the
starter catalogue and in an imported epguides catalogue.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Sequence

from newsagg.shows.catalogue import Show, import_epguides_csv, load_starter_catalogue
from newsagg.normalize.text import html_text, looks_like_html
from newsagg.shows.linker import ShowLinker
from newsagg.shows.merge import merge_catalogues
from evaluation.scores import PrecisionRecall


@dataclass
class Evaluation(PrecisionRecall):
    items: int
    tp: int
    fp: int
    fn: int
    errors: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"items": self.items, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def load_labelled(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def full_catalogue(epguides_csv: str | Path) -> list[Show]:
    """The starter catalogue with the epguides catalogue imported over it (as `shows import` does)."""
    shows, _ = import_epguides_csv(epguides_csv)
    merged, _, _ = merge_catalogues(load_starter_catalogue(), shows)
    return merged


def link_item(linker: ShowLinker, item: dict[str, Any]) -> list[str]:
    body = item.get("body") or ""
    emphasized: list[str] = []
    if looks_like_html(body):
        body, emphasized = html_text(body)
    published = item.get("published")
    when = datetime.fromisoformat(published).replace(tzinfo=timezone.utc) if published else None
    links = linker.link(item.get("title") or "", body, emphasized=emphasized, published_at=when)
    return [linker.shows[link.show_id].label for link in links]


def evaluate(linker: ShowLinker, items: Iterable[dict[str, Any]]) -> Evaluation:
    ev = Evaluation(0, 0, 0, 0)
    for item in items:
        ev.items += 1
        got = set(link_item(linker, item))
        want = set(item.get("shows") or [])
        ev.tp += len(got & want)
        ev.fp += len(got - want)
        ev.fn += len(want - got)
        if got != want:
            ev.errors.append({"id": item["id"], "title": item.get("title"), "extra": sorted(got - want),
                              "missing": sorted(want - got)})
    return ev


def starter_linker() -> ShowLinker:
    return ShowLinker(load_starter_catalogue(), version="starter")


def linker_for(shows: Sequence[Show], version: str) -> ShowLinker:
    return ShowLinker(shows, version=version)


def load_news_set(directory: str | Path) -> list[dict[str, Any]]:
    """A real labelled news set (items.jsonl + labels.jsonl): headline, description, date and the gold
    TVmaze ids (gold shows without an id are ignored, as the set's README asks)."""
    directory = Path(directory)
    gold: dict[str, set[str]] = {}
    for label in load_labelled(directory / "labels.jsonl"):
        gold[label["id"]] = {str(s["tvmaze"]) for s in label.get("shows") or [] if s.get("tvmaze")}
    items = []
    for item in load_labelled(directory / "items.jsonl"):
        items.append({"id": item["id"], "title": item.get("headline") or "",
                      "description": item.get("short_description") or "", "published": item.get("date"),
                      "tvmaze": gold.get(item["id"], set())})
    return items


def link_news_item(linker: ShowLinker, item: dict[str, Any]) -> set[str]:
    """The TVmaze ids the linker finds in one headline + description item."""
    published = item.get("published")
    when = datetime.fromisoformat(published).replace(tzinfo=timezone.utc) if published else None
    links = linker.link(item["title"], "", description=item.get("description") or "", published_at=when)
    return {linker.shows[x.show_id].external_ids.get("tvmaze") or f"no-id:{x.title}" for x in links}


def evaluate_news(linker: ShowLinker, items: Iterable[dict[str, Any]]) -> Evaluation:
    """Micro precision/recall over (item, TVmaze id) pairs."""
    ev = Evaluation(0, 0, 0, 0)
    for item in items:
        ev.items += 1
        got, want = link_news_item(linker, item), set(item["tvmaze"])
        ev.tp += len(got & want)
        ev.fp += len(got - want)
        ev.fn += len(want - got)
        if got != want:
            ev.errors.append({"id": item["id"], "title": item["title"], "date": item.get("published"),
                              "extra": sorted(got - want), "missing": sorted(want - got)})
    return ev
