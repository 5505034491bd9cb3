"""Extraction speed on one core (process CPU time), as ratios measured in the same run.

    PYTHONPATH=. .venv/bin/python bench/extraction_speed.py [--corpus ../shared/corpus] [--rounds 3]

Pages: the 91 article-extraction-dev pages (decompressed into memory first, so
gunzip is not timed). Compared in one process, all warm (one untimed warm-up round
first), interleaved page by page (each page goes through every tool in turn, the order
rotating from page to page) because these machines drift 1.5-2x over minutes:
  newsagg        extract_page(), the whole extraction (metadata + body + status)
  trafilatura    trafilatura.extract(html, include_comments=False) alone
  trafilatura+metadata   the same with with_metadata=True (title, author, date too: the like-for-like
                 reference for `newsagg extract`)
  trafilatura(with_metadata)   trafilatura.extract(html, with_metadata=True), its other defaults: the
                 reference issue 18's 1.5x target names
  metadata-only  extract_page(..., with_body=False)
And on the demo's Penske/Hearst pages: extract_page with the source's parser vs
without (generic path), and the step a parser replaces alone (its parse() vs
trafilatura on the same parsed trees). Prints pages/s and ratios; writes bench/results/extraction_speed.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _rate(fn: Callable[[], None], n: int) -> float:
    # CPU time of this process: on a shared, loaded machine wall time mostly measures the others.
    t0 = time.process_time()
    fn()
    return n / (time.process_time() - t0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are reported")
    ap.add_argument("--warmup", type=int, default=1, help="untimed rounds first (imports, caches, dateparser)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "extraction_speed.json")
    args = ap.parse_args()

    import trafilatura

    from newsagg.demo.site import build_site
    from newsagg.extract import extract_page
    from newsagg.extract.decode import read_page_file
    from evaluation.extraction import dev_pages

    pages = [(read_page_file(p.path), p.url or None) for p in dev_pages(args.corpus)]
    site = build_site("http://127.0.0.1:8000")
    demo = [(r.body, "http://127.0.0.1:8000" + path, "hearst" if path.startswith("/digitalspy/") else "penske")
            for path, r in site.items()
            if b'property="og:type" content="article"' in (r.body or b"")]
    # Warm-up: imports, dateparser, trafilatura's first call.
    from newsagg.normalize.dates import parse_date

    parse_date("January 5, 2020 10:00 am")  # dateparser builds its locale data once per process
    extract_page(pages[0][0], pages[0][1])
    trafilatura.extract(pages[0][0], include_comments=False)

    from newsagg.extract.parsers import get_parser
    from newsagg.extract.body import generic_body
    from newsagg.extract.decode import decode_html
    from newsagg.extract.page import parse_tree

    demo_trees = [(parse_tree(decode_html(h)[0]), u, get_parser(p)) for h, u, p in demo]
    runs: dict[str, list[float]] = {}
    # Corpus tools, one page at a time: page i goes through every tool before page i+1, so a
    # slow minute of the shared machine falls on all of them alike.
    per_page: dict[str, Callable[[str | bytes, str | None], object]] = {
        "newsagg": lambda h, u: extract_page(h, u),
        "trafilatura": lambda h, u: trafilatura.extract(h, url=u, include_comments=False),
        "trafilatura+metadata": lambda h, u: trafilatura.extract(h, url=u, include_comments=False,
                                                                 with_metadata=True),
        # As the issue writes it: trafilatura.extract(with_metadata=True), its defaults otherwise.
        "trafilatura(with_metadata)": lambda h, u: trafilatura.extract(h, url=u, with_metadata=True),
        "metadata-only": lambda h, u: extract_page(h, u, with_body=False),
    }
    jobs: dict[str, tuple[Callable[[], None], int]] = {
        "demo:parser": (lambda: [extract_page(h, u, parser=p) for h, u, p in demo], len(demo)),
        "demo:generic": (lambda: [extract_page(h, u) for h, u, _ in demo], len(demo)),
        # The step a parser replaces, on already-parsed trees: its parse() vs trafilatura.
        "demo:parser-step": (lambda: [m.parse(t, u) for t, u, m in demo_trees], len(demo)),
        "demo:trafilatura-step": (lambda: [generic_body(t, u) for t, u, _ in demo_trees], len(demo)),
    }
    names = list(per_page)
    for r in range(args.warmup + args.rounds):
        spent = dict.fromkeys(names, 0.0)
        for i, (h, u) in enumerate(pages):
            for k in range(len(names)):
                name = names[(i + k) % len(names)]
                t0 = time.process_time()
                per_page[name](h, u)
                spent[name] += time.process_time() - t0
        rates = {name: len(pages) / spent[name] for name in names}
        rates.update({name: _rate(fn, n) for name, (fn, n) in jobs.items()})
        if r >= args.warmup:
            for name, rate in rates.items():
                runs.setdefault(name, []).append(rate)
            print(f"  round {r - args.warmup + 1}: newsagg / trafilatura.extract(with_metadata=True) "
                  f"{rates['newsagg'] / rates['trafilatura(with_metadata)']:.2f}x", flush=True)
    med = {k: statistics.median(v) for k, v in runs.items()}
    print(f"pages/s of process CPU time on one core, median of {args.rounds} interleaved rounds "
          f"({len(pages)} corpus pages, {len(demo)} demo pages)")
    for k, v in med.items():
        print(f"  {k:<28} {v:8.1f} pages/s")
    ratios = {
        "newsagg / trafilatura.extract": med["newsagg"] / med["trafilatura"],
        "newsagg / trafilatura.extract(with_metadata, no comments)": med["newsagg"] / med["trafilatura+metadata"],
        "newsagg / trafilatura.extract(with_metadata=True)": med["newsagg"] / med["trafilatura(with_metadata)"],
        "metadata-only / newsagg": med["metadata-only"] / med["newsagg"],
        "demo: parser / generic": med["demo:parser"] / med["demo:generic"],
        "demo step: parser / trafilatura": med["demo:parser-step"] / med["demo:trafilatura-step"],
    }
    for k, v in ratios.items():
        print(f"  {k:<58} {v:5.2f}x")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"pages_per_s": med, "rounds": runs, "ratios": ratios}, indent=1) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
