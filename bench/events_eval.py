"""Event-extraction precision, recall and F1 by (type, TVmaze id), with season and status agreement,
per type, on the real labelled items of the corpus, on the project's own labelled set (templates)
and on its trade-style probe set (886 items in six parts, each written without sight of the cues,
scored blind once, then used to develop them: tests/data/README.md); also the seed roundup. Shows are linked by the linker with the full epguides catalogue (end to end).
Writes bench/results/events.json.

    PYTHONPATH=. .venv/bin/python bench/events_eval.py [--corpus ../shared/corpus] [--errors]
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsagg.events import extract_events  # noqa: E402
from evaluation.events import attach_tvmaze_index, corpus_items, load_jsonl, score  # noqa: E402
from newsagg.shows.catalogue import import_epguides_csv  # noqa: E402
from evaluation.shows import full_catalogue, linker_for, starter_linker  # noqa: E402


def seed_events(corpus: Path) -> list[dict[str, object]] | None:
    seed = corpus.parent / "seed-article.txt"
    if not seed.is_file():
        return None
    title, _, body = seed.read_text("utf-8").strip().partition("\n")
    linker = starter_linker()
    when = datetime(2016, 4, 20, tzinfo=timezone.utc)
    links = linker.link(title, body, published_at=when)
    return [{"type": e.type, "show": e.show_title, "season": e.season, "status": e.status, "people": e.people,
             "new": e.new} for e in extract_events(title, "", body, links, published_at=when)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--labelled", type=Path, default=ROOT / "tests/data/events_labelled.jsonl")
    ap.add_argument("--probe", type=Path, default=ROOT / "tests/data/events_trade_probe.jsonl",
                    help="The trade-style probe set (written blind to the cues, then used to develop them)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench/results/events.json")
    ap.add_argument("--errors", action="store_true", help="Print every item with a missing or extra event")
    args = ap.parse_args()
    csv = args.corpus / "tv-catalogue" / "epguides-allshows.csv"
    linker = linker_for(full_catalogue(csv), "bench-events")
    attach_tvmaze_index(linker, import_epguides_csv(csv)[0])
    result: dict[str, object] = {}
    for name, items in (("real_dev", corpus_items(args.corpus)), ("own_set", load_jsonl(args.labelled)),
                        ("trade_probe", load_jsonl(args.probe))):
        ev = score(linker, items)
        result[name] = ev.summary()
        if args.errors:
            for e in ev.errors:
                print(f"[{name}] {json.dumps(e, ensure_ascii=False)}", file=sys.stderr)
    result["seed_article"] = seed_events(args.corpus)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
