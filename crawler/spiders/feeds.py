"""FeedSpider: fetch every feed of the configured sources and emit one FeedEntry per item.

Parsing is newsagg.feeds.parse_feed (plain Python). A feed that fails is logged with
the source, the URL and the reason, counted for the run record, and the crawl goes on.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from newsagg.feeds import parse_feed
from newsagg.sources import Source

logger = logging.getLogger(__name__)

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
               "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5")


class FeedSpider(scrapy.Spider):
    name = "feeds"
    # A feed answering 4xx/5xx must reach our errback-free callback so we can record why.
    custom_settings: dict[str, Any] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sources: dict[str, Source] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> "FeedSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.sources = {s.name: s for s in crawler.settings.getlist("NEWSAGG_SOURCES")}
        return spider

    def _stat(self, source: str, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newsagg/{source}/{key}", count)

    def _fail(self, source: str, url: str, reason: str) -> None:
        assert self.crawler.stats is not None
        self._stat(source, "errors")
        self._stat(source, "feeds_failed")
        self.crawler.stats.set_value(f"newsagg/{source}/last_error", f"{url}: {reason}"[:500])
        logger.warning("source %s: feed %s failed: %s", source, url, reason)

    async def start(self) -> AsyncIterator[Any]:
        for source in self.sources.values():
            for url in source.feeds:
                yield scrapy.Request(
                    url, callback=self.parse_feed, errback=self.feed_error, dont_filter=True,
                    headers={"Accept": FEED_ACCEPT},
                    meta={"source": source.name, "kind": "feed", "handle_httpstatus_all": True},
                )

    def parse_feed(self, response: Response) -> Iterator[Any]:
        source = response.meta["source"]
        if response.status != 200:
            self._fail(source, response.url, f"HTTP {response.status}")
            return
        fetched_at = datetime.now(timezone.utc)
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1")
        parsed = parse_feed(response.body, response.url, source=source, content_type=ctype,
                            fetched_at=fetched_at)
        if parsed.error:
            self._fail(source, response.url, parsed.error)
            return
        if parsed.warning:
            logger.warning("source %s: feed %s: %s", source, response.url, parsed.warning)
        self._stat(source, "feeds_ok")
        self._stat(source, "items_seen", len(parsed.entries) + parsed.duplicate_guids)
        if parsed.duplicate_guids:
            self._stat(source, "items_duplicate", parsed.duplicate_guids)
        if not parsed.entries:
            logger.info("source %s: feed %s has no items", source, response.url)
        yield from parsed.entries

    def feed_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        reason = failure.getErrorMessage() or failure.type.__name__
        self._fail(request.meta.get("source", "?"), request.url, f"{failure.type.__name__}: {reason}")
