"""Event-extraction speed on top of show linking, with the full epguides catalogue loaded.

    PYTHONPATH=. .venv/bin/python bench/events_speed.py [--corpus ../shared/corpus] [--repeat 5]

Two workloads: the real headline + description items of the entertainment-news corpus (as feeds
give them), and ~1,000-word articles made of the demo fixture articles' paragraphs and the seed
article. For each, show linking and event extraction are timed in the same run (best of --repeat:
the machine is shared), and reported as milliseconds per item and as a ratio to linking. Targets:
<= 0.3 ms per headline item and <= 2 ms per 1,000-word article for extraction.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsagg.events import extract_events  # noqa: E402
from evaluation.events import corpus_items  # noqa: E402
from evaluation.shows import full_catalogue, linker_for  # noqa: E402


def articles_1000(corpus: Path) -> list[tuple[str, str, datetime]]:
    fixtures = tomllib.loads((ROOT / "newsagg/demo/fixtures/articles.toml").read_text("utf-8"))
    paragraphs = [p.replace("*", "") for a in fixtures["article"] for p in a.get("paragraphs", [])]
    seed = (corpus.parent / "seed-article.txt").read_text("utf-8")
    paragraphs += [p for p in seed.split("\n\n")[1:] if p.strip()]
    out, chunk, words = [], [], 0
    for n, p in enumerate(paragraphs * 3):
        chunk.append(p)
        words += len(p.split())
        if words >= 1000:
            body = "\n\n".join(chunk)
            out.append((body.split(".")[0][:120], body, datetime(2016, 1, 18, tzinfo=timezone.utc)))
            chunk, words = [], 0
    return out


def best(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "bench/results/events_speed.json")
    args = ap.parse_args()
    linker = linker_for(full_catalogue(args.corpus / "tv-catalogue" / "epguides-allshows.csv"), "speed")
    items = [(i["title"], i["description"], datetime.fromisoformat(i["published"]).replace(tzinfo=timezone.utc))
             for i in corpus_items(args.corpus)]
    long_docs = articles_1000(args.corpus)
    result = {}
    for name, docs, target in (("headline_items", [(t, "", d, w) for t, d, w in items], 0.3),
                               ("articles_1000_words", [(t, b, "", w) for t, b, w in long_docs], 2.0)):
        linked = [linker.link(t, b, description=d, published_at=w) for t, b, d, w in docs]
        link_s = best(lambda: [linker.link(t, b, description=d, published_at=w) for t, b, d, w in docs], args.repeat)
        extract_s = best(lambda: [extract_events(t, d, b, l, published_at=w)
                                  for (t, b, d, w), l in zip(docs, linked)], args.repeat)
        per_item = extract_s / len(docs) * 1000
        result[name] = {"items": len(docs), "link_ms_per_item": round(link_s / len(docs) * 1000, 4),
                        "extract_ms_per_item": round(per_item, 4), "target_ms": target,
                        "ratio_to_target": round(per_item / target, 3),
                        "extract_over_link": round(extract_s / link_s, 3)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
