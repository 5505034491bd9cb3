"""Run one crawl in this process with the real Scrapy engine, and report what it did.

Twisted's reactor cannot restart: one crawl per process. The scheduler runs each
crawl in a subprocess for that reason.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.db import database_url, open_database
from models.schema import CrawlRunRow, SourceRow
from newsagg.sources import Source


@dataclass
class SourceReport:
    name: str
    status: str
    requests: int
    items_seen: int
    new: int
    updated: int
    duplicate: int
    errors: int
    last_error: str | None


@dataclass
class CrawlReport:
    run_id: str
    database: str
    elapsed: float
    sources: list[SourceReport] = field(default_factory=list)
    # CPU seconds the storing thread spent per ingest step (store, links, stories, events, commit).
    ingest_cpu: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> list[SourceReport]:
        return [s for s in self.sources if s.status != "ok"]

    def totals(self) -> dict[str, int]:
        keys = ("requests", "items_seen", "new", "updated", "duplicate", "errors")
        return {k: sum(getattr(s, k) for s in self.sources) for k in keys}


def crawl_settings(sources: list[Source], db_url: str, trigger: str, run_id: str,
                   overrides: dict[str, Any] | None = None) -> Any:
    """The project's settings (crawler/settings.py) plus this run's values: robots.txt,
    politeness and limits apply to every entry point, scheduler included."""
    from scrapy.settings import Settings

    from crawler import settings as project_settings

    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")  # we own logging (configure_logging)
    run_settings(settings, sources, db_url, trigger, run_id, overrides)
    return settings


def run_settings(settings: Any, sources: list[Source], db_url: str, trigger: str, run_id: str,
                 overrides: dict[str, Any] | None = None) -> None:
    """Set this run's values on a copy of the project's settings."""
    settings.set("NEWSAGG_SOURCES", list(sources), priority="cmdline")
    settings.set("NEWSAGG_DATABASE_URL", db_url, priority="cmdline")
    settings.set("NEWSAGG_TRIGGER", trigger, priority="cmdline")
    settings.set("NEWSAGG_RUN_ID", run_id, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")


def run_crawl(sources: list[Source], db: str | None = None, *, trigger: str = "manual",
              overrides: dict[str, Any] | None = None) -> CrawlReport:
    """Crawl the sources' feeds into the database; returns the per-source report."""
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.feeds import FeedSpider
    from newsagg.ingest import CPU_STATS

    url = database_url(db)
    open_database(url).dispose()  # migrate (and fail with one clear line) before Scrapy starts
    run_id = str(uuid.uuid4())
    settings = crawl_settings(sources, url, trigger, run_id, overrides)
    started = time.monotonic()
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(FeedSpider)
    process.crawl(crawler)
    process.start()
    report = CrawlReport(run_id=run_id, database=url, elapsed=time.monotonic() - started)
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    report.ingest_cpu = {k.removeprefix(CPU_STATS): float(v) for k, v in stats.items() if k.startswith(CPU_STATS)}
    report.sources = load_run(url, run_id)
    return report


def load_run(url: str, run_id: str) -> list[SourceReport]:
    engine = open_database(url)
    try:
        with Session(engine) as session:
            rows = session.execute(
                select(CrawlRunRow, SourceRow.name).join(SourceRow, SourceRow.id == CrawlRunRow.source_id)
                .where(CrawlRunRow.run_id == run_id).order_by(SourceRow.name)
            ).all()
            return [SourceReport(name=name, status=r.status, requests=r.requests, items_seen=r.items_seen,
                                 new=r.items_new, updated=r.items_updated, duplicate=r.items_duplicate,
                                 errors=r.errors, last_error=r.last_error) for r, name in rows]
    finally:
        engine.dispose()


def configure_logging(level: str = "WARNING", logfile: str | None = None) -> None:
    """Scrapy logs through the root logger; quiet by default (cron-friendly)."""
    handler: logging.Handler
    if logfile:
        from logging.handlers import RotatingFileHandler

        handler = RotatingFileHandler(logfile, maxBytes=10 * 1024 * 1024, backupCount=5)
    else:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # Scrapy sets its own loggers to DEBUG, so the level is enforced on the handler.
    handler.setLevel(level.upper())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(min(handler.level, logging.INFO))
