"""`newsagg demo`: serve the fixture outlets on 127.0.0.1, crawl them for real, summarise."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.db import database_url, open_database
from models.schema import ArticleRow, ArticleShowRow, SourceRow, StoryRow
from newsagg.crawl import configure_logging, run_crawl
from newsagg.demo.server import FixtureServer
from newsagg.demo.site import build_site, demo_sources_toml
from newsagg.errors import NewsaggError
from newsagg.sources import parse_registry

# Settings for a crawl of a local fixture server: no politeness delays needed.
# One ingest batch at the end: stories then come out the same on every run and database.
DEMO_OVERRIDES = {"AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
                  "NEWSAGG_STORE_MAX_WAIT": 3600}

EXAMPLE_QUERIES = [
    ("Articles per outlet",
     "SELECT source, count(*) FROM v_articles GROUP BY source"),
    ("Stories covered by more than one outlet, and who had them first",
     "SELECT headline, first_source, outlets FROM v_stories WHERE source_count > 1"),
]
EXAMPLE_COMMANDS = [
    ("The Jessica Jones timeline", 'show "Jessica Jones"'),
    ("Stories of 17 January 2016", "stories --date 2016-01-17"),
    ("Full-text search", 'articles --search "krysten ritter"'),
    ("The digest of the demo's main day, as HTML", "digest --date 2016-01-18 --format html --out digest.html"),
]


DEFAULT_PORT = 8765


def run_demo(db: str, log_level: str = "ERROR", console: Console | None = None,
             port: int = DEFAULT_PORT) -> dict[str, int]:
    """Serve, crawl, summarise. A fixed port keeps the fixture URLs, and so the stored
    articles' identities, the same across runs: a second demo adds nothing."""
    console = console or Console()
    configure_logging(log_level)
    url = database_url(db)
    server = FixtureServer(port=port)
    try:
        server.start()
    except OSError as exc:
        raise NewsaggError(f"cannot serve the demo outlets on 127.0.0.1:{port} ({exc.strerror}); "
                           "pass --port with a free port") from None
    with server:
        for path, resource in build_site(server.base_url).items():
            server.set(path, resource)
        sources = parse_registry(demo_sources_toml(server.base_url), "demo sources")
        console.print(f"Serving {len(sources)} fixture outlets at {server.base_url} and crawling them with Scrapy...")
        report = run_crawl(sources, url, trigger="demo", overrides=DEMO_OVERRIDES)

    engine = open_database(url)
    with Session(engine) as session:
        per_source = dict(session.execute(
            select(SourceRow.name, func.count(ArticleRow.id)).join(ArticleRow, ArticleRow.source_id == SourceRow.id)
            .group_by(SourceRow.name)).all())
        stories, multi = session.execute(select(func.count(StoryRow.id),
                                                func.count(StoryRow.id).filter(StoryRow.source_count > 1))).one()
        copies = session.scalar(select(func.count(ArticleRow.id)).where(ArticleRow.duplicate_of_id.is_not(None)))
        linked = session.scalar(select(func.count(func.distinct(ArticleShowRow.article_id))))
    engine.dispose()

    table = Table("source", "feed items", "new", "updated", "duplicate", "errors", "articles stored",
                  title=f"newsagg demo: crawled in {report.elapsed:.1f}s")
    for s in report.sources:
        table.add_row(s.name, str(s.items_seen), str(s.new), str(s.updated), str(s.duplicate), str(s.errors),
                      str(per_source.get(s.name, 0)))
    t = report.totals()
    table.add_row("total", str(t["items_seen"]), str(t["new"]), str(t["updated"]), str(t["duplicate"]),
                  str(t["errors"]), str(sum(per_source.values())), style="bold")
    console.print(table)
    console.print(f"Stories: {stories} ({multi} covered by several outlets); syndicated copies: {copies}; "
                  f"articles linked to shows: {linked}")
    where = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    console.print(f"Database: [bold]{Path(where).resolve() if url.startswith('sqlite') else where}[/bold]")
    console.print("Try these (or any SQL tool on the database):")
    for label, sql in EXAMPLE_QUERIES:
        console.print(f"  [dim]# {label}[/dim]")
        console.print(f"  newsagg sql --db {where} \"{sql}\"", highlight=False, soft_wrap=True)
    for label, cmd in EXAMPLE_COMMANDS:
        console.print(f"  [dim]# {label}[/dim]")
        console.print(f"  newsagg {cmd} --db {where}", highlight=False, soft_wrap=True)
    for s in report.sources:
        if s.last_error:
            console.print(f"[yellow]note[/yellow]: {s.name}: {s.last_error}", highlight=False)
    return {"articles": sum(per_source.values()), **t}
