"""A/B of the feed path: another checkout (the baseline) against this one, same bytes,
interleaved round by round (these machines drift), each in its own venv.

    python bench/feed_ab.py --baseline /work/main [--feeds 20] [--items 50] [--rounds 6] [--parse-only]

Per round: parse_feed + normalise_entry over every generated feed (best of 3), then the
"feed path" crawl of bench/feed_bench.py (Scrapy, parse, normalise, store). Prints the
baseline/this speed ratio: best against best, and the median of the per-round ratios.
"""
import argparse, os, subprocess, sys, tempfile, time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--baseline", required=True, help="checkout to compare against (with its own .venv)")
ap.add_argument("--feeds", type=int, default=20)
ap.add_argument("--items", type=int, default=50)
ap.add_argument("--rounds", type=int, default=6)
ap.add_argument("--parse-only", action="store_true", help="skip the crawls")
ARGS = ap.parse_args()
TREES = {"main": (ARGS.baseline, f"{ARGS.baseline}/.venv/bin/python"),
         "branch": (str(HERE), f"{HERE}/.venv/bin/python")}
FEEDS, ITEMS, ROUNDS, CRAWL = ARGS.feeds, ARGS.items, ARGS.rounds, not ARGS.parse_only

PARSE = r'''
import sys, time, pickle
sys.path.insert(0, ".")
from newsagg.feeds import parse_feed
from newsagg.normalize.article import normalise_entry
site = pickle.load(open(sys.argv[1], "rb"))
best = 1e9
for _ in range(3):
    t = time.perf_counter(); n = 0
    for path, body in site.items():
        p = parse_feed(body, "http://x" + path, source="s", content_type="application/rss+xml; charset=UTF-8")
        for e in p.entries:
            normalise_entry(e); n += 1
    best = min(best, time.perf_counter() - t)
print(best, n)
'''

def main():
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE / "bench"))
    import pickle
    import feed_bench as fb
    from newsagg.demo.server import FixtureServer, Resource  # noqa: F401
    site = fb.generate(FEEDS, ITEMS)
    tmp = Path(tempfile.mkdtemp())
    pickle.dump(site, open(tmp / "site.pkl", "wb"))
    (tmp / "parse.py").write_text(PARSE)
    res = {k: {"crawl": [], "parse": []} for k in TREES}
    for r in range(ROUNDS):
        order = list(TREES) if r % 2 == 0 else list(TREES)[::-1]
        for name in order:
            root, py = TREES[name]
            out = subprocess.run([py, str(tmp / "parse.py"), str(tmp / "site.pkl")], cwd=root, capture_output=True,
                                 text=True, env={**os.environ, "PYTHONPATH": root})
            res[name]["parse"].append(float(out.stdout.split()[0]))
            if not CRAWL:
                res[name]["crawl"].append(1.0)
                print(name, r, res[name]["parse"][-1], flush=True)
                continue
            resources = {p: Resource(b, content_type=fb.CTYPE) for p, b in site.items()}
            with FixtureServer(resources) as server:
                d = Path(tempfile.mkdtemp())
                (d / "s.toml").write_text(fb.registry(server.base_url, list(site)))
                t = time.perf_counter()
                p = subprocess.run([py, f"{root}/bench/feed_bench.py", "--crawl-child", str(d / "s.toml"),
                                    str(d / "b.db"), "feed path"], cwd=root, capture_output=True, text=True,
                                   env={**os.environ, "PYTHONPATH": root})
                wall = time.perf_counter() - t
            assert p.returncode == 0, p.stderr[-2000:]
            res[name]["crawl"].append(wall)
            print(name, r, res[name]["parse"][-1], wall, flush=True)
    import statistics
    for kind in ("parse", "crawl"):
        m, b = min(res["main"][kind]), min(res["branch"][kind])
        ratios = [mt / bt for mt, bt in zip(res["main"][kind], res["branch"][kind])]
        print(f"{kind}: main best {m:.2f}s, branch best {b:.2f}s, best/best {m / b:.3f}; "
              f"per-round branch speed / main: median {statistics.median(ratios):.3f} "
              f"({', '.join(f'{r:.2f}' for r in ratios)})")

if __name__ == "__main__":
    main()
