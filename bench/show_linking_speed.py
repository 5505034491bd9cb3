"""Show-linking speed: milliseconds per 1,000 words with the full epguides catalogue loaded.

    PYTHONPATH=. .venv/bin/python bench/show_linking_speed.py [--corpus ../shared/corpus] [--repeat 7]

Texts: the seed article, the demo fixture articles (ordinary trade-press length), and
~1,000-word roundups made of the labelled passages (dense in titles: a worst case).
Each figure is the best of --repeat runs (the machine is shared; the minimum is the
least disturbed). The catalogue's matcher is built once, before timing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsagg.shows.evaluate import full_catalogue, linker_for, load_labelled  # noqa: E402


def _docs(corpus: Path) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    seed = corpus.parent / "seed-article.txt"
    if seed.is_file():
        title, _, body = seed.read_text("utf-8").strip().partition("\n")
        out["seed article"] = [(title, body)]
    fixtures = tomllib.loads((ROOT / "newsagg/demo/fixtures/articles.toml").read_text("utf-8"))
    out["demo articles"] = [(a["title"], "\n\n".join(a.get("paragraphs", []))) for a in fixtures["article"]]
    items = load_labelled(ROOT / "tests/data/show_linking_labelled.jsonl")
    docs, cur, n = [], [], 0
    for it in items:
        cur.append(f"{it['title']}. {it.get('body', '')}")
        n += len(cur[-1].split())
        if n >= 1000:
            docs.append(("Roundup", "\n\n".join(cur)))
            cur, n = [], 0
    out["dense roundups"] = docs
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--out", type=Path, default=ROOT / "bench/results/shows_speed.json")
    args = ap.parse_args()
    csv = args.corpus / "tv-catalogue" / "epguides-allshows.csv"
    t0 = time.perf_counter()
    shows = full_catalogue(csv)
    t1 = time.perf_counter()
    linker = linker_for(shows, "bench-full")
    t2 = time.perf_counter()
    result: dict[str, object] = {"catalogue_shows": len(shows), "import_s": round(t1 - t0, 3),
                                 "matcher_build_s": round(t2 - t1, 3), "texts": {}}
    for name, docs in _docs(args.corpus).items():
        words = sum(len(f"{t} {b}".split()) for t, b in docs)
        for t, b in docs:  # warm-up
            linker.link(t, b)
        best = min(_time(linker, docs) for _ in range(args.repeat))
        result["texts"][name] = {"docs": len(docs), "words": words,  # type: ignore[index]
                                 "ms_per_1000_words": round(best * 1000 / (words / 1000), 3),
                                 "ms_per_doc": round(best * 1000 / len(docs), 3)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


def _time(linker, docs) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    for title, body in docs:
        linker.link(title, body)
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
