"""Show-linking speed, two source trees compared in one run: ms per 1,000 words (and per headline item)
of tree A and tree B, timed in interleaved rounds so that both see the same machine load.

    PYTHONPATH=. .venv/bin/python bench/show_linking_ab.py --a /work/main --b . [--rounds 15]

Each tree's linker runs in its own child process (same catalogue, same texts as
bench/show_linking_speed.py, dated calls); the parent asks A and B in turn for a timed pass
(best of three) over each text kind. Reported: the median of each, the median of the per-round ratios B/A,
the matcher build time (CPU) of each, and the load average before and after. Times are the CPU time of
the timing thread (time.thread_time): on a shared machine, wall time also counts other processes' turns.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()


def _cpu_time(linker, docs, dated: bool) -> float:  # type: ignore[no-untyped-def]
    """CPU seconds of one pass (the machine is shared: wall time would count the other processes' turns)."""
    t = time.thread_time()
    for title, body, when, description in docs:
        linker.link(title, body, description=description, published_at=when if dated else None)
    return time.thread_time() - t


def _child(tree: Path, corpus: Path) -> None:
    """Builds the tree's linker, then answers each "go" line with one timed pass (JSON: kind -> seconds)."""
    sys.path.insert(0, str(HERE.parent))  # show_linking_speed (its texts), whichever tree runs
    from show_linking_speed import _docs  # type: ignore[import-not-found]

    # That import put this tree's packages first: the tree under test replaces them.
    for name in [m for m in sys.modules if m.split(".")[0] in ("newsagg", "evaluation")]:
        del sys.modules[name]
    sys.path.insert(0, str(tree))
    from evaluation.shows import full_catalogue, linker_for
    import newsagg

    shows = full_catalogue(corpus / "tv-catalogue" / "epguides-allshows.csv")
    t = time.thread_time()
    linker = linker_for(shows, "ab")
    build = time.thread_time() - t
    docs = _docs(corpus)
    # A short text kind (the seed article) is linked several times per pass: >= 5,000 words a pass.
    docs = {k: v * max(1, -(-5000 // sum(len(f"{t} {d} {b}".split()) for t, b, _, d in v))) for k, v in docs.items()}
    words = {k: sum(len(f"{t} {d} {b}".split()) for t, b, _, d in v) for k, v in docs.items()}
    for v in docs.values():
        _cpu_time(linker, v, True)  # warm-up
    print(json.dumps({"build_s": build, "words": words, "docs": {k: len(v) for k, v in docs.items()},
                      "package": str(Path(newsagg.__file__).parent)}), flush=True)
    for line in sys.stdin:
        if line.strip() != "go":
            break
        # Best of three passes: a pass that another process interrupted says nothing about the code.
        print(json.dumps({k: min(_cpu_time(linker, v, True) for _ in range(3)) for k, v in docs.items()}), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--a", type=Path, help="source tree A (the baseline)")
    ap.add_argument("--b", type=Path, help="source tree B")
    ap.add_argument("--corpus", type=Path, default=HERE.parents[2] / "shared" / "corpus")
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child.resolve(), args.corpus)
        return
    if args.a is None or args.b is None:
        ap.error("--a and --b are required")
    load_before = os.getloadavg()
    procs, info = {}, {}
    for name, tree in (("A", args.a), ("B", args.b)):
        procs[name] = subprocess.Popen([sys.executable, str(HERE), "--corpus",
                                        str(args.corpus), "--child", str(tree)],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        info[name] = json.loads(procs[name].stdout.readline())  # type: ignore[union-attr]
    runs: dict[str, list[dict[str, float]]] = {"A": [], "B": []}
    for r in range(args.rounds):
        for name in (("A", "B") if r % 2 == 0 else ("B", "A")):
            p = procs[name]
            p.stdin.write("go\n")  # type: ignore[union-attr]
            p.stdin.flush()  # type: ignore[union-attr]
            runs[name].append(json.loads(p.stdout.readline()))  # type: ignore[union-attr]
    for p in procs.values():
        p.stdin.close()  # type: ignore[union-attr]
        p.wait()
    words, ndocs = info["A"]["words"], info["A"]["docs"]
    out: dict[str, object] = {"load_before": load_before, "load_after": os.getloadavg(), "rounds": args.rounds,
                              "packages": {n: info[n]["package"] for n in info},
                              "matcher_build_cpu_s": {n: round(info[n]["build_s"], 3) for n in info}, "texts": {}}
    for kind in words:
        a = [run[kind] for run in runs["A"]]
        b = [run[kind] for run in runs["B"]]
        scale, unit = ((1000 / ndocs[kind], "ms_per_doc") if kind == "headline items"
                       else (1e6 / words[kind], "ms_per_1000_words"))
        out["texts"][kind] = {  # type: ignore[index]
            unit: {"A": round(statistics.median(a) * scale, 3), "B": round(statistics.median(b) * scale, 3)},
            "best": {"A": round(min(a) * scale, 3), "B": round(min(b) * scale, 3)},
            "ratio_B_over_A": round(statistics.median(y / x for x, y in zip(a, b)), 3)}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
