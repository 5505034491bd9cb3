"""Story-grouping quality on real data, through the same Deduper the pipeline uses.

  PYTHONPATH=. .venv/bin/python bench/story_eval.py [--corpus ../shared/corpus]

* SemEval-2022 Task 8, English-English pairs (training_set.csv): "same story" when
  Overall <= 1.5, "different" when Overall >= 3, pairs in between left out. The
  csv has no title column: text1/text2 hold "headline + body" (the headline ends
  at the first newline when there is one, otherwise it runs into the body), so
  the whole text is given as the item text. Word statistics come from the
  English texts of the corpus (streamed once), then each pair is run through a
  fresh clusterer: predicted same story = both articles end up in one story.
* UCI News Aggregator, business + tech headlines of 10-11 March 2014, in
  timestamp order: B-cubed precision, recall and F1 against Google News STORY
  ids (story merges resolved to the final key).

Prints a table and writes bench/results/stories.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evaluation.stories import eval_semeval, eval_uci  # noqa: E402


def _table(rows: Iterable[tuple[str, dict[str, float]]]) -> str:
    lines = [f"{'set':<34} {'P':>6} {'R':>6} {'F1':>6}  notes"]
    for name, m in rows:
        notes = ", ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}"
                          for k, v in m.items() if k not in ("precision", "recall", "f1"))
        lines.append(f"{name:<34} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f}  {notes}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "stories.json")
    args = ap.parse_args()
    semeval = eval_semeval(args.corpus)
    uci = eval_uci(args.corpus)
    print(_table([("SemEval en-en pairs (pairwise)", semeval), ("UCI business+tech (B-cubed)", uci)]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"semeval_en_pairs": semeval, "uci_bcubed": uci}, indent=2) + "\n")


if __name__ == "__main__":
    main()
