"""Show-linking precision and recall on the project's labelled set, with the starter catalogue
and with the full epguides catalogue imported over it; writes bench/results/shows.json.

    PYTHONPATH=. .venv/bin/python bench/show_linking_eval.py [--corpus ../shared/corpus] [--errors]

Labels are "Title (premiere year)"; micro-averaged over (item, show) pairs. Also scores
the demo fixture articles (written by another engineer: an out-of-sample check; their
labels are titles without years) and the seed article.
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

from newsagg.shows.evaluate import evaluate, full_catalogue, linker_for, load_labelled, starter_linker  # noqa: E402
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
    result: dict[str, object] = {"labelled_items": len(items),
                                 "negatives": sum(1 for i in items if not i["shows"]), "catalogues": {}}
    t = time.perf_counter()
    full_shows = full_catalogue(args.corpus / "tv-catalogue" / "epguides-allshows.csv")
    import_s = time.perf_counter() - t
    for name, linker in (("starter", starter_linker()), ("full_epguides", linker_for(full_shows, "bench-full"))):
        ev = evaluate(linker, items)
        entry = {"shows": len(linker.shows), **ev.summary(), "demo_fixtures": demo_scores(linker),
                 "seed_article": seed_result(linker, args.corpus)}
        if name == "full_epguides":
            entry["import_s"] = round(import_s, 2)
        result["catalogues"][name] = entry  # type: ignore[index]
        if args.errors:
            for e in ev.errors:
                print(f"[{name}] {e}", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
