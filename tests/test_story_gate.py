"""CI gate: story quality on the real same-story corpus must not fall below pinned floors.

Floors sit slightly below what bench/story_eval.py measures (see bench/results/stories.json);
raise them when the numbers improve. Runs in ~10 s on one core.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.stories import eval_semeval, eval_uci

UCI_BCUBED_F1_FLOOR = 0.72      # measured 0.737 (acceptance: >= 0.70)
UCI_BCUBED_P_FLOOR = 0.75
UCI_BCUBED_R_FLOOR = 0.67
SEMEVAL_PAIR_F1_FLOOR = 0.80    # measured 0.810 (acceptance: >= 0.80); 36 positive pairs: one pair = ~0.01
UCI_MS_PER_ITEM_CEILING = 5.0   # measured ~0.2 ms: catches an accidental all-pairs loop, not machine drift


@pytest.fixture(scope="module")
def uci(corpus_dir: Path) -> dict[str, float]:
    if not (corpus_dir / "same-story" / "uci-headlines-business-tech.csv").is_file():
        pytest.fail("same-story/uci-headlines-business-tech.csv missing from the corpus")
    return eval_uci(corpus_dir)


def test_uci_bcubed_floor(uci: dict[str, float]) -> None:
    assert uci["f1"] >= UCI_BCUBED_F1_FLOOR, uci
    assert uci["precision"] >= UCI_BCUBED_P_FLOOR and uci["recall"] >= UCI_BCUBED_R_FLOOR, uci
    assert uci["ms_per_item"] <= UCI_MS_PER_ITEM_CEILING, uci


def test_semeval_english_pairs_floor(corpus_dir: Path) -> None:
    m = eval_semeval(corpus_dir)
    assert m["pairs"] == 137 and m["positives"] == 36, m  # the label rule picked the expected pairs
    assert m["f1"] >= SEMEVAL_PAIR_F1_FLOOR, m
