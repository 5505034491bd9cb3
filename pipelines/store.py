"""StorePipeline: batched ingest of Articles (store, link shows, dedupe), off the reactor thread.

Items are buffered and handed to newsagg.ingest.Ingestor per batch (NEWSAGG_STORE_BATCH)
or after NEWSAGG_STORE_MAX_WAIT seconds, in a worker thread so the reactor keeps
fetching. What has been written is committed: a kill loses only the open batch,
and the rerun stores it without duplicating anything. Items that cannot be stored
count as errors of their own source (the run is then `partial`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_to_future
from twisted.internet import threads

from models.db import open_database
from newsagg.ingest import CPU_STATS, Ingestor, IngestResult, freeze_and_tune_gc, one_line
from newsagg.records import Article

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.db_url = settings.get("NEWSAGG_DATABASE_URL")
        self.batch_size = settings.getint("NEWSAGG_STORE_BATCH", 500)
        self.max_wait = settings.getfloat("NEWSAGG_STORE_MAX_WAIT", 2.0)
        self.registry = settings.getlist("NEWSAGG_SOURCES")
        self.buffer: list[Article] = []
        self.last_flush = time.monotonic()
        self.link_shows = settings.getbool("NEWSAGG_LINK_SHOWS", True)
        self.dedupe = settings.getbool("NEWSAGG_DEDUPE", True)
        self.events = settings.getbool("NEWSAGG_EVENTS", True)
        self.ingestor: Ingestor | None = None
        # A long-lived worker's ingestor (matcher and dedupe window built once): an object with
        # get() -> the ingestor, see newsagg.distributed.runtime.
        self.shared = settings.get("NEWSAGG_INGESTOR")
        self._lock = asyncio.Lock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StorePipeline":
        return cls(crawler)

    def _open(self) -> Ingestor:
        ingestor = Ingestor(open_database(self.db_url), self.registry, link_shows=self.link_shows,
                            dedupe=self.dedupe, events=self.events)
        freeze_and_tune_gc()
        return ingestor

    async def open_spider(self) -> None:
        if self.shared is not None:
            return  # a long-lived worker's ingestor, fetched at the first batch: a 304 poll needs none
        # Loads the show matcher and the dedupe window: seconds of work, kept off the reactor.
        self.ingestor = await deferred_to_future(threads.deferToThread(self._open))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size or time.monotonic() - self.last_flush >= self.max_wait:
            await self.flush()
        return item

    async def flush(self) -> None:
        async with self._lock:
            batch, self.buffer = self.buffer, []
            self.last_flush = time.monotonic()
            if not batch:
                return
            try:
                if self.ingestor is None and self.shared is not None:
                    self.ingestor = await deferred_to_future(threads.deferToThread(self.shared.get))
                if self.ingestor is None:
                    return
                result: IngestResult = await deferred_to_future(threads.deferToThread(self.ingestor.ingest, batch))
            except Exception as exc:  # noqa: BLE001 - the database failed: every source in the batch is told
                self._count_lost(batch, one_line(exc))
                return
        self._count(batch, result)

    def _fail(self, source: str, reason: str, items: int = 1) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(f"newsagg/{source}/errors", items)
        stats.inc_value(f"newsagg/{source}/items_failed", items)
        stats.set_value(f"newsagg/{source}/last_error", reason[:500])

    def _count_lost(self, batch: list[Article], reason: str) -> None:
        per_source = Counter(a.source for a in batch)
        for source, n in per_source.items():
            self._fail(source, f"{n} items not stored: {reason}", n)
            logger.error("source %s: %d items not stored: %s", source, n, reason)

    def _count(self, batch: list[Article], result: IngestResult) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("newsagg/stories_new", result.stories_new)
        stats.inc_value("newsagg/syndicated_copies", result.duplicates)
        for step, seconds in result.cpu.items():
            stats.inc_value(CPU_STATS + step, seconds, start=0.0)
        for (source, outcome), n in result.store.per_source.items():
            stats.inc_value(f"newsagg/{source}/items_{outcome}", n)
        for failure in result.failures:
            self._fail(failure.source, failure.line())
        for article in batch:
            key = f"newsagg/{article.source}/newest_item_at"
            newest = stats.get_value(key)
            if newest is None or article.published_at > newest:
                stats.set_value(key, article.published_at)

    async def close_spider(self) -> None:
        await self.flush()
        if self.ingestor is not None and self.shared is None:
            self.ingestor.engine.dispose()
