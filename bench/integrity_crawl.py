"""Integrity after a crawl with article pages: `newsagg check` on the result.

    python bench/integrity_crawl.py [--feeds 20] [--items 50] [--db /tmp/integrity.db]

Serves feed_bench's WordPress-style feeds (dated now, so every page is fetched) and
an article page for every item on 127.0.0.1, crawls them with the real Scrapy engine
(pages followed, show linking, dedupe and stories on), then runs `newsagg check`
and prints the articles without a story, the check's lines and its exit code.
Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import html
import os
import random
import re
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.feed_bench import CTYPE, SOURCES, make_feed, registry  # noqa: E402
from newsagg.demo.server import FixtureServer, Resource  # noqa: E402

_ITEM = re.compile(r"<title>(.*?)</title>\s*<link>(.*?)</link>.*?<content:encoded><!\[CDATA\[(.*?)\]\]>", re.S)


def site(base: str, feeds: int, items: int) -> dict[str, Resource]:
    rng = random.Random(20160117)
    start = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    out: dict[str, Resource] = {}
    for n in range(feeds):
        prefix = f"{base}/s{n % SOURCES}"
        feed = make_feed(rng, prefix, f"Outlet {n % SOURCES}", n, items, start)
        out[f"/s{n % SOURCES}/feed/{n}/"] = Resource(feed, content_type=CTYPE)
        for title, link, body in _ITEM.findall(feed.decode("utf-8")):
            page = (f"<!DOCTYPE html><html><head><title>{title}</title>"
                    f'<link rel="canonical" href="{html.escape(link)}"></head><body><article><h1>{title}</h1>'
                    f"{body}</article></body></html>")
            out[link[len(base):]] = Resource(page.encode("utf-8"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--db", help="SQLite path or SQLAlchemy URL (default: a fresh temporary SQLite file)")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp, FixtureServer() as server:
        resources = site(server.base_url, args.feeds, args.items)
        for path, res in resources.items():
            server.set(path, res)
        reg = Path(tmp) / "sources.toml"
        feeds = [p for p in resources if "/feed/" in p]
        # feed_bench's registry, with article pages followed
        reg.write_text(registry(server.base_url, feeds).replace("follow_links = false\n", ""), "utf-8")
        db = args.db or str(Path(tmp) / "integrity.db")
        crawl = subprocess.run([sys.executable, "-m", "newsagg.cli", "crawl", "--sources", str(reg), "--db", db,
                                "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"],
                               capture_output=True, text=True, env=env, cwd=str(ROOT))
        print(f"crawl exit {crawl.returncode}; {len(resources)} resources served")
        if crawl.returncode:
            print(crawl.stderr[-2000:])
        from sqlalchemy import text

        from models.db import open_database

        engine = open_database(db)
        with engine.connect() as conn:
            total, no_story, pages = conn.execute(text(
                "SELECT count(*), sum(CASE WHEN story_id IS NULL THEN 1 ELSE 0 END), "
                "sum(CASE WHEN page_status = 'ok' THEN 1 ELSE 0 END) FROM articles")).one()
        engine.dispose()
        print(f"articles {total}, with a page {pages}, without a story {no_story}")
        check = subprocess.run([sys.executable, "-m", "newsagg.cli", "check", "--db", db],
                               capture_output=True, text=True, env=env, cwd=str(ROOT))
        print(f"newsagg check exit {check.returncode}:\n{check.stdout.strip()}")
        sys.exit(check.returncode)


if __name__ == "__main__":
    main()
