"""RunRecorder: one crawl_runs row per source per run, opened at start, closed at the end.

Counts come from signals (requests, responses by status) and from the stats that
the spider and pipelines keep under newsagg/<source>/... . A run killed midway
leaves its rows with status 'running' and no finished_at: visible, never lost.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timezone
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from sqlalchemy import insert, update
from twisted.python.failure import Failure

from crawler.logformatter import item_key
from sqlalchemy.orm import Session

from crawler.database import borrow, release
from models.schema import CrawlRunRow
from models.store import SourceIds

logger = logging.getLogger(__name__)

_COUNTERS = ("items_seen", "items_new", "items_updated", "items_duplicate", "errors")


class RunRecorder:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.sources = {s.name: s for s in crawler.settings.getlist("NEWSAGG_SOURCES")}
        if not self.sources:
            raise NotConfigured("no NEWSAGG_SOURCES")
        self.trigger = crawler.settings.get("NEWSAGG_TRIGGER", "manual")
        self.run_id = crawler.settings.get("NEWSAGG_RUN_ID") or str(uuid.uuid4())
        self.row_ids: dict[str, int] = {}
        self.started_at = datetime.now(timezone.utc)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.spider_error, signal=signals.spider_error)
        crawler.signals.connect(self.item_error, signal=signals.item_error)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RunRecorder":
        return cls(crawler)

    def _inc(self, source: str | None, key: str) -> None:
        if source and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newsagg/{source}/{key}")

    def request_scheduled(self, request: Request, **_: Any) -> None:
        self._inc(request.meta.get("source"), "requests")

    def response_received(self, response: Response, request: Request, **_: Any) -> None:
        status = response.status
        bucket = ("responses_200" if status == 200 else "responses_304" if status == 304
                  else "responses_4xx" if 400 <= status < 500 else "responses_5xx" if status >= 500 else None)
        if bucket:
            self._inc(request.meta.get("source"), bucket)

    def _error(self, source: str | None, where: str, exc: BaseException) -> None:
        """An exception the spider or a pipeline did not handle: that source's error, one line."""
        if not source or self.crawler.stats is None:
            return
        self._inc(source, "errors")
        self.crawler.stats.set_value(f"newsagg/{source}/last_error",
                                     f"{where[:200]}: {type(exc).__name__}: {exc}"[:500])

    def spider_error(self, failure: Failure, response: Response, **_: Any) -> None:
        self._error(response.meta.get("source"), response.url, failure.value)

    def item_error(self, item: Any, failure: Failure, **_: Any) -> None:
        self._error(getattr(item, "source", None), item_key(item), failure.value)

    def spider_opened(self, **_: Any) -> None:
        self.engine, self.owned = borrow(self.crawler.settings)
        with Session(self.engine) as session, session.begin():
            ids = SourceIds().ensure(session, self.sources, self.sources)
            for name in self.sources:
                self.row_ids[name] = session.execute(insert(CrawlRunRow).values(
                    run_id=self.run_id, source_id=ids[name], trigger=self.trigger,
                    started_at=self.started_at, status="running",
                ).returning(CrawlRunRow.id)).scalar_one()

    def spider_closed(self, reason: str, **_: Any) -> None:
        stats = self.crawler.stats
        assert stats is not None
        now = datetime.now(timezone.utc)
        rows = []
        for name, row_id in self.row_ids.items():
            get = lambda key, default=0: stats.get_value(f"newsagg/{name}/{key}", default)  # noqa: E731
            feeds_total = len(self.sources[name].feeds) + len(self.sources[name].sitemaps)
            failed = get("feeds_failed") + get("sitemaps_failed")
            status = ("failed" if feeds_total and failed >= feeds_total
                      else "partial" if failed or get("errors") or reason != "finished" else "ok")
            values: dict[str, Any] = {k: get(k) for k in _COUNTERS}
            values.update(
                id=row_id, finished_at=now, status=status,
                requests=get("requests"), responses_200=get("responses_200"),
                responses_304=get("responses_304"), responses_4xx=get("responses_4xx"),
                responses_5xx=get("responses_5xx"),
                newest_item_at=get("newest_item_at", None), last_error=get("last_error", None),
            )
            rows.append(values)
        with Session(self.engine) as session, session.begin():
            session.execute(update(CrawlRunRow), rows)
        release(self.engine, self.owned)


class ProgressDisplay:
    """Live per-source progress on an interactive terminal (NEWSAGG_PROGRESS=True).

    Reads the same newsagg/<source>/... stats as the run record; under cron the
    setting is off and nothing is printed.
    """

    COLUMNS = ("requests", "items_seen", "items_new", "items_updated", "errors")

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("NEWSAGG_PROGRESS"):
            raise NotConfigured
        self.crawler = crawler
        self.names = [s.name for s in crawler.settings.getlist("NEWSAGG_SOURCES")]
        self.live: Any = None
        self.task: Any = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ProgressDisplay":
        return cls(crawler)

    def _table(self) -> Any:
        from rich.table import Table

        stats = self.crawler.stats
        assert stats is not None
        table = Table("source", *self.COLUMNS, title="crawling", title_justify="left")
        for name in self.names:
            table.add_row(name, *(str(stats.get_value(f"newsagg/{name}/{c}", 0)) for c in self.COLUMNS))
        return table

    def _refresh(self) -> None:
        if self.live is not None:
            self.live.update(self._table())

    def spider_opened(self, **_: Any) -> None:
        from rich.console import Console
        from rich.live import Live
        from twisted.internet import task

        self.live = Live(self._table(), console=Console(stderr=True), refresh_per_second=4, transient=True)
        self.live.start()
        self.task = task.LoopingCall(self._refresh)
        self.task.start(0.5, now=False)

    def spider_closed(self, **_: Any) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.live is not None:
            self.live.stop()
