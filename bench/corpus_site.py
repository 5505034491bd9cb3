"""Production-like sources for the crawl benchmarks: generated RSS feeds whose items link to
real article pages (the Zyte article-extraction benchmark pages in ../shared/corpus,
91 pages, ~150 KB each), served by newsagg's FixtureServer on 127.0.0.1."""

from __future__ import annotations

import gzip
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

from newsagg.demo.server import FixtureServer, Resource

ROOT = Path(__file__).resolve().parents[1]
CORPUS_PAGES = ROOT.parent / "shared" / "corpus" / "article-extraction-dev" / "html"


def load_pages(folder: Path = CORPUS_PAGES) -> list[bytes]:
    pages = [gzip.decompress(p.read_bytes()) for p in sorted(folder.glob("*.html.gz"))]
    if not pages:
        raise SystemExit(f"no corpus pages under {folder}: these benchmarks need ../shared/corpus")
    return pages


def feed_xml(base: str, name: str, n: int, now: datetime) -> bytes:
    items = "".join(
        f"<item><title>{name} headline number {i}</title><link>{base}/{name}/{i}</link><guid>{name}-{i}</guid>"
        f"<pubDate>{format_datetime(now - timedelta(minutes=7 * i), usegmt=True)}</pubDate>"
        f"<description>Summary of item {i} of {name}</description></item>" for i in range(n))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title><link>{base}/{name}</link>'
            f"{items}</channel></rss>").encode()


def page_for(pages: list[bytes], name: str, i: int, n: int) -> bytes:
    """Item i of feed `name`: a corpus page; every feed cycles through the whole corpus."""
    offset = sum(name.encode()) * 7
    return pages[(offset + i) % len(pages)]


def serve_sources(server: FixtureServer, names: list[str], n: int, pages: list[bytes],
                  now: datetime | None = None) -> dict[str, tuple[bytes, list[bytes]]]:
    """Serve each feed and its pages; returns {name: (feed bytes, page bytes)} for the ceilings."""
    now = now or datetime.now(timezone.utc)
    served: dict[str, tuple[bytes, list[bytes]]] = {}
    for name in names:
        feed = feed_xml(server.base_url, name, n, now)
        server.set(f"/{name}/feed", Resource(feed, "application/rss+xml"))
        bodies = [page_for(pages, name, i, n) for i in range(n)]
        for i, body in enumerate(bodies):
            server.set(f"/{name}/{i}", Resource(body))
        served[name] = (feed, bodies)
    return served


def write_result(out: str | Path, result: dict) -> None:
    import json

    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {path}")
