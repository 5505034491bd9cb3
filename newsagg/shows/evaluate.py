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
from newsagg.shows.htmltext import html_to_text, looks_like_html
from newsagg.shows.linker import ShowLinker
from newsagg.shows.merge import merge_catalogues


@dataclass
class Evaluation:
    items: int
    tp: int
    fp: int
    fn: int
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

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
        body, emphasized = html_to_text(body)
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
