"""Extraction quality on the shared corpus: body P/R/F1 and metadata accuracy, per dataset and
per failure family (issue 18: site names, headline choice, bylines, dates, bodies that stop early).

    PYTHONPATH=. .venv/bin/python bench/extraction_eval.py [--corpus ../shared/corpus] [--no-trafilatura]

Body: article-extraction-dev (91 pages), the benchmark's 4-token-shingle metric,
newsagg vs trafilatura run here on the same pages vs the tools' stored outputs
(`output/<tool>.json`; a stored file that is empty is shown as n/a); also, reported
only, the entertainment pages of article-pages (newspaper/Readability test pages). Metadata:
article-pages (title exact, published to the minute, author sets), per dataset, each miss in its
family; body F1 on the publisher (fundus) pages against trafilatura; bodies that stop early while
the page goes on. Writes bench/results/extraction.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evaluation.extraction import evaluate_bodies, evaluate_entertainment_bodies, evaluate_metadata  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus", help="corpus directory")
    ap.add_argument("--no-trafilatura", action="store_true", help="skip the trafilatura reference runs")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "extraction.json")
    args = ap.parse_args()
    if not (args.corpus / "article-extraction-dev").is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    bodies = evaluate_bodies(args.corpus, with_trafilatura=not args.no_trafilatura)
    meta = evaluate_metadata(args.corpus, with_trafilatura=not args.no_trafilatura)
    ent = evaluate_entertainment_bodies(args.corpus, with_trafilatura=not args.no_trafilatura)
    print(f"Body extraction, article-extraction-dev ({bodies['pages']} pages), 4-token shingles")
    print(f"{'tool':<28}{'precision':>10}{'recall':>10}{'F1':>10}")
    for name, m in sorted(bodies["tools"].items(), key=lambda kv: -(kv[1] or {"f1": -1})["f1"]):
        if m is None:
            print(f"{name:<28}{'n/a (stored output empty)':>30}")
        else:
            print(f"{name:<28}{m['precision']:>10.4f}{m['recall']:>10.4f}{m['f1']:>10.4f}")
    print(f"body evidence: {bodies['body_evidence']}")
    print()
    print(f"Body extraction, entertainment pages of article-pages ({ent['pages']} pages; expected text is "
          f"newspaper's / Readability's regression output; skipped: {', '.join(ent['skipped']) or 'none'})")
    for name, m in sorted(ent["tools"].items(), key=lambda kv: -kv[1]["f1"]):
        print(f"{name:<28}{m['precision']:>10.4f}{m['recall']:>10.4f}{m['f1']:>10.4f}")
    print()
    print("Metadata, article-pages (pages with the field): title exact, authors, date to the minute")
    for field, c in meta["counts"].items():
        acc = meta["accuracy"][field]
        print(f"  {field:<10} {c['right']:>3}/{c['of']:<3} {acc:.1%}" if acc is not None else f"  {field}: n/a")
    print(f"  {'dataset':<14}{'title':>12}{'authors':>12}{'published':>12}")
    for name, fields in meta["datasets"].items():
        cells = [f"{fields[k]['right']}/{fields[k]['of']}" if k in fields else "-" for k in ("title", "authors",
                                                                                             "published")]
        print(f"  {name:<14}" + "".join(f"{c:>12}" for c in cells))
    print("Misses by failure family (issue 18):")
    for field, fams in meta["families"].items():
        print(f"  {field:<10} " + (", ".join(f"{k} {v}" for k, v in sorted(fams.items())) or "none"))
    pub = meta["publisher_bodies"]
    print(f"Body F1 on the publisher (fundus) pages ({pub['pages']} pages, expected summary + paragraphs):")
    for name, m in sorted(pub["tools"].items(), key=lambda kv: -kv[1]["f1"]):
        print(f"  {name:<26}{m['precision']:>10.4f}{m['recall']:>10.4f}{m['f1']:>10.4f}")
    print(f"Bodies that stop early while the page goes on: dev {len(bodies['stops_early'])}/{bodies['pages']}"
          f" {bodies['stops_early']}, article-pages {len(meta['stops_early'])} {meta['stops_early']}")
    print(f"\n({time.perf_counter() - t0:.1f}s)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"bodies": bodies, "entertainment_bodies": ent, "metadata": meta}, indent=1, ensure_ascii=False,
                                   default=str) + "\n", "utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
