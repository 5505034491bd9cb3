"""Show-linking precision and recall, side by side: the REAL development set
(../shared/corpus/entertainment-news, scored by TVmaze id, gold shows without an id ignored), the
project's self-written set (labels "Title (premiere year)") and the seed article, with the starter
catalogue and with the full epguides catalogue imported over it; writes bench/results/shows.json.

    PYTHONPATH=. .venv/bin/python bench/show_linking_eval.py [--corpus ../shared/corpus] [--errors]

Micro-averaged over (item, show) pairs. Also scores the demo fixture articles (written by another
engineer: an out-of-sample check; their labels are titles without years).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import tomllib
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evaluation.shows import (evaluate, evaluate_news, full_catalogue, linker_for, load_labelled,  # noqa: E402
                                    load_news_set, starter_linker)
from newsagg.shows.linker import ShowLinker  # noqa: E402

SEED_EXPECTED = ["Conviction (2016)", "Daredevil (2015)", "Iron Fist (2017)", "Jessica Jones (2015)",
                 "Luke Cage (2016)", "The Defenders (2017)", "The Returned (2015)"]


def demo_scores(linker: ShowLinker) -> dict[str, object]:
    fixtures = tomllib.loads((ROOT / "newsagg/demo/fixtures/articles.toml").read_text("utf-8"))
    tp = fp = fn = 0
    for a in fixtures["article"]:
        body = "\n\n".join(a.get("paragraphs", []))
        emphasized = re.findall(r"\*([^*]+)\*", body)
        links = linker.link(a["title"], body.replace("*", ""), description=a.get("teaser", ""),
                            emphasized=emphasized, published_at=datetime.fromisoformat(a["published"]))
        got = {linker.shows[l.show_id].title for l in links}
        want = set(a.get("shows", []))
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
    return {"items": len(fixtures["article"]), "tp": tp, "fp": fp, "fn": fn,
            "precision": round(tp / (tp + fp), 4), "recall": round(tp / (tp + fn), 4)}


def seed_result(linker: ShowLinker, corpus: Path) -> dict[str, object] | None:
    seed = corpus.parent / "seed-article.txt"
    if not seed.is_file():
        return None
    title, _, body = seed.read_text("utf-8").strip().partition("\n")
    links = linker.link(title, body)
    got = sorted(linker.shows[l.show_id].label for l in links)
    return {"shows": got, "primary": [l.title for l in links if l.primary], "exact": got == SEED_EXPECTED}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--labelled", type=Path, default=ROOT / "tests/data/show_linking_labelled.jsonl")
    ap.add_argument("--out", type=Path, default=ROOT / "bench/results/shows.json")
    ap.add_argument("--errors", action="store_true", help="Print every item the linker got wrong")
    args = ap.parse_args()
    items = load_labelled(args.labelled)
    news_dir = args.corpus / "entertainment-news"
    news = load_news_set(news_dir) if (news_dir / "labels.jsonl").is_file() else []
    result: dict[str, object] = {"labelled_items": len(items),
                                 "negatives": sum(1 for i in items if not i["shows"]), "catalogues": {}}
    t = time.perf_counter()
    full_shows = full_catalogue(args.corpus / "tv-catalogue" / "epguides-allshows.csv")
    import_s = time.perf_counter() - t
    for name, linker in (("starter", starter_linker()), ("full_epguides", linker_for(full_shows, "bench-full"))):
        ev = evaluate(linker, items)
        real = evaluate_news(linker, news)
        entry = {"shows": len(linker.shows), "real_dev_set": real.summary(), "self_written_set": ev.summary(),
                 "seed_article": seed_result(linker, args.corpus), "demo_fixtures": demo_scores(linker)}
        if name == "full_epguides":
            entry["import_s"] = round(import_s, 2)
        result["catalogues"][name] = entry  # type: ignore[index]
        if args.errors:
            for e in ev.errors:
                print(f"[{name}] self-written {e}", file=sys.stderr)
            for e in real.errors:
                print(f"[{name}] real {e}", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"{'catalogue':<14} {'real dev P/R':>14} {'self-written P/R':>18} {'seed exact':>11}")
    for name, entry in result["catalogues"].items():  # type: ignore[attr-defined]
        r, w = entry["real_dev_set"], entry["self_written_set"]
        seed = entry["seed_article"]
        print(f"{name:<14} {r['precision']:.3f}/{r['recall']:.3f}   {w['precision']:>8.3f}/{w['recall']:.3f}"
              f"   {str(seed and seed['exact']):>10}")


if __name__ == "__main__":
    main()
