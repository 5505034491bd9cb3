"""CI gate: show-linking precision/recall on the labelled set with the full epguides catalogue
imported (the acceptance floors are P >= 0.95, R >= 0.90; the pinned floors sit just under
what bench/show_linking_eval.py measures, so a regression fails here first)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsagg.shows.evaluate import evaluate, full_catalogue, linker_for, load_labelled, starter_linker

LABELLED = Path(__file__).with_name("data") / "show_linking_labelled.jsonl"
FULL_FLOORS = {"precision": 0.98, "recall": 0.97}
STARTER_FLOORS = {"precision": 0.97, "recall": 0.93}


@pytest.fixture(scope="module")
def items() -> list[dict]:
    data = load_labelled(LABELLED)
    assert len(data) >= 300 and sum(1 for i in data if not i["shows"]) >= 100
    return data


def test_labelled_set_labels_exist_in_full_catalogue(items: list[dict], corpus_dir: Path) -> None:
    shows = full_catalogue(corpus_dir / "tv-catalogue" / "epguides-allshows.csv")
    labels = {s.label for s in shows}
    missing = sorted({label for i in items for label in i["shows"]} - labels)
    assert not missing, missing


def test_full_catalogue_floors(items: list[dict], corpus_dir: Path, seed_article: str) -> None:
    shows = full_catalogue(corpus_dir / "tv-catalogue" / "epguides-allshows.csv")
    assert len(shows) > 12000
    linker = linker_for(shows, "gate-full")
    ev = evaluate(linker, items)
    assert ev.precision >= FULL_FLOORS["precision"], (ev.summary(), ev.errors)
    assert ev.recall >= FULL_FLOORS["recall"], (ev.summary(), ev.errors)
    title, _, body = seed_article.strip().partition("\n")
    links = linker.link(title, body)
    assert sorted(linker.shows[l.show_id].label for l in links) == [
        "Conviction (2016)", "Daredevil (2015)", "Iron Fist (2017)", "Jessica Jones (2015)", "Luke Cage (2016)",
        "The Defenders (2017)", "The Returned (2015)"]
    assert [l.title for l in links if l.primary] == ["Jessica Jones"]


def test_starter_catalogue_floors(items: list[dict]) -> None:
    ev = evaluate(starter_linker(), items)
    assert ev.precision >= STARTER_FLOORS["precision"], (ev.summary(), ev.errors)
    assert ev.recall >= STARTER_FLOORS["recall"], (ev.summary(), ev.errors)
