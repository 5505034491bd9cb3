"""CI gate: extraction quality on the shared corpus must not drop below pinned floors.

Floors sit a little below what was measured when they were pinned (see the
numbers beside each); raise them when extraction improves, never lower them to
make a change pass. Measured with bench/extraction_eval.py, which uses the
same functions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsagg.extract.scoring import TRAFILATURA_RUNS, evaluate_bodies, evaluate_metadata

BODY_F1_FLOOR = 0.970          # measured 0.977 (91 pages)
BODY_PRECISION_FLOOR = 0.960   # measured 0.970
BODY_RECALL_FLOOR = 0.975      # measured 0.985
TITLE_FLOOR = 0.95             # measured 54/55 = 0.982 (outlets' `headline` from sources.toml)
PUBLISHED_FLOOR = 0.95         # measured 54/54
AUTHORS_FLOOR = 0.85           # measured 48/53 = 0.906


@pytest.fixture(scope="module")
def bodies(corpus_dir: Path) -> dict:
    return evaluate_bodies(corpus_dir, with_trafilatura=True)


def test_body_floors(bodies: dict) -> None:
    ours = bodies["tools"]["newsagg"]
    assert bodies["pages"] == 91
    assert ours["f1"] >= BODY_F1_FLOOR, ours
    assert ours["precision"] >= BODY_PRECISION_FLOOR, ours
    assert ours["recall"] >= BODY_RECALL_FLOOR, ours


def test_body_f1_not_below_trafilatura_on_the_same_pages(bodies: dict) -> None:
    ours = bodies["tools"]["newsagg"]["f1"]
    for name in TRAFILATURA_RUNS:
        assert ours >= bodies["tools"][name]["f1"], (name, bodies["tools"][name], ours)


def test_no_dev_page_is_lost(bodies: dict) -> None:
    bad = [p for p in bodies["per_page"] if p["status"] != "ok" or p["newsagg_f1"] < 0.3]
    assert len(bad) <= 2, bad


def test_metadata_floors(corpus_dir: Path) -> None:
    meta = evaluate_metadata(corpus_dir)
    acc, counts = meta["accuracy"], meta["counts"]
    assert counts["title"]["of"] >= 50 and counts["published"]["of"] >= 50 and counts["authors"]["of"] >= 50
    assert acc["title"] >= TITLE_FLOOR, meta["misses"]
    assert acc["published"] >= PUBLISHED_FLOOR, meta["misses"]
    assert acc["authors"] >= AUTHORS_FLOOR, meta["misses"]
