"""Dedupe + story cost per article as the window grows (it must stay roughly flat: no all-pairs).

  PYTHONPATH=. .venv/bin/python bench/dedupe_speed.py [--sizes 1000,5000,10000,20000]

Deterministic synthetic stream: 250-word bodies drawn from a Zipf vocabulary of
30,000 words, stories of 1-8 articles told in different words (shared names and
topic words, own wording), 10% syndicated copies with one sentence edited; all
inside the 14-day window. For each size N, the stream's first N articles fill the
window, then the next 500 are timed: ms/article with N articles in the window.
Writes bench/results/dedupe_speed.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsagg.dedupe.engine import DedupeItem, Deduper  # noqa: E402

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def stream(n: int, seed: int = 7) -> list[DedupeItem]:
    rnd = random.Random(seed)
    vocab = [f"w{i}" for i in range(30000)]
    weights = [1 / (i + 1) for i in range(len(vocab))]
    names = [f"Name{i}" for i in range(20000)]
    items: list[DedupeItem] = []
    span = timedelta(days=10) / max(1, n)
    while len(items) < n:
        topic = rnd.choices(vocab, weights, k=15)
        who = rnd.sample(names, 3)
        for _ in range(rnd.randint(1, 8)):
            body = rnd.choices(vocab, weights, k=200) + topic * 2 + who * 3
            rnd.shuffle(body)
            title = " ".join(who[:2] + rnd.sample(topic, 5) + rnd.choices(vocab, weights, k=3))
            key = f"a{len(items)}"
            items.append(DedupeItem(key, title, " ".join(body), T0 + span * len(items), f"s{rnd.randint(0, 40)}"))
            if rnd.random() < 0.1:  # a syndicated copy
                edited = body[:100] + rnd.choices(vocab, weights, k=12) + body[112:]
                items.append(DedupeItem(key + "c", title, " ".join(edited), T0 + span * len(items), "syndic"))
    return items[:n]


def measure(sizes: list[int], probe: int = 500) -> list[dict[str, float]]:
    items = stream(max(sizes) + probe)
    out = []
    for size in sizes:
        d = Deduper()
        d.process(items[:size])
        t0 = time.perf_counter()
        decisions = d.process(items[size:size + probe])
        ms = 1000 * (time.perf_counter() - t0) / probe
        out.append({"window_articles": size, "ms_per_article": round(ms, 3), "stories": len(d.stories.stories),
                    "signatures": len(d.near), "duplicates_in_probe": sum(1 for x in decisions if x.duplicate_of)})
        print(f"window {size:>6}: {ms:6.2f} ms/article  ({out[-1]['stories']} stories, "
              f"{out[-1]['duplicates_in_probe']} copies among the {probe} timed)", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,5000,10000,20000")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "dedupe_speed.json")
    args = ap.parse_args()
    rows = measure([int(s) for s in args.sizes.split(",")])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"python": platform.python_version(), "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
