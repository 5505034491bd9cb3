"""FeedSpider: fetch the sources' feeds and news sitemaps, then each recent item's page.

Parsing is plain Python (newsagg.feeds, newsagg.sitemaps, newsagg.extract). A feed
that fails is logged with the source, the URL and the reason, counted for the run
record, and the crawl goes on. A page that fails leaves its item to be stored from
the feed data, flagged with the reason. Fetch state, conditional GET and the "page
unchanged" check live in crawler.conditional.ConditionalGet (a downloader middleware):
the spider holds no database connection.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.conditional import NotDue, Unchanged, feed_fetched
from newsagg.feeds import parse_feed
from newsagg.normalize.dates import parse_date
from newsagg.normalize.urls import canonical_url
from newsagg.records import FeedEntry
from newsagg.sitemaps import parse_sitemap
from newsagg.sources import Source

logger = logging.getLogger(__name__)

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
               "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5")
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
# Statuses the callbacks see; redirects are left to RedirectMiddleware (REDIRECT_MAX_TIMES
# hops, each one through PrivateHostGuard).
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
HANDLED_STATUSES = [code for code in range(100, 600) if code not in REDIRECT_STATUSES]
MAX_SITEMAP_DEPTH = 2


class FeedSpider(scrapy.Spider):
    name = "feeds"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sources: dict[str, Source] = {}
        # Items met this run, by canonical URL: one item per article goes to the pipelines.
        self.claimed: set[str] = set()
        # Items waiting for their page, by canonical URL (a feed entry replaces a sitemap one).
        self.pending: dict[str, FeedEntry] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> "FeedSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.sources = {s.name: s for s in crawler.settings.getlist("NEWSAGG_SOURCES")}
        return spider

    # -- bookkeeping ---------------------------------------------------------------

    def _stat(self, source: str, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newsagg/{source}/{key}", count)

    def _fail(self, source: str, url: str, reason: str, what: str = "feed") -> None:
        assert self.crawler.stats is not None
        self._stat(source, "errors")
        self._stat(source, f"{what}s_failed")
        self.crawler.stats.set_value(f"newsagg/{source}/last_error", f"{url}: {reason}"[:500])
        logger.warning("source %s: %s %s failed: %s", source, what, url[:200], reason[:300])

    def _fetched(self, source: str, url: str, response: Response | None, ok: bool,
                 ttl_minutes: int | None = None) -> None:
        """Tell ConditionalGet what a feed or sitemap turned out to be (it keeps the state)."""
        self.crawler.signals.send_catch_log(feed_fetched, url=url, source=source, response=response, ok=ok,
                                            ttl_minutes=ttl_minutes)

    # -- requests ------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for source in self.sources.values():
            for url in source.feeds:
                yield scrapy.Request(
                    url, callback=self.parse_feed, errback=self.fetch_error, dont_filter=True,
                    headers={"Accept": FEED_ACCEPT}, priority=10,
                    meta={"source": source.name, "kind": "feed", "state_url": url,
                          "handle_httpstatus_list": HANDLED_STATUSES},
                )
            for url in source.sitemaps:  # after the feeds (lower priority): feed entries are richer
                yield self._sitemap_request(source.name, url, depth=0)

    def _sitemap_request(self, source: str, url: str, depth: int) -> scrapy.Request:
        meta: dict[str, Any] = {"source": source, "kind": "sitemap", "handle_httpstatus_list": HANDLED_STATUSES}
        if depth == 0:  # a configured URL: conditional GET and its fetch state
            meta["state_url"] = url
        return scrapy.Request(url, callback=self.parse_sitemap, errback=self.fetch_error, dont_filter=True,
                              priority=5, cb_kwargs={"depth": depth}, meta=meta)

    def _recent(self, source: Source, entry: FeedEntry, now: datetime) -> bool:
        if source.page_window <= timedelta(0):
            return True
        when, _ = parse_date(entry.published or entry.updated, source.tz, now)
        return when is None or now - when <= source.page_window

    def _follow(self, source: Source, entry: FeedEntry, now: datetime) -> Iterator[Any]:
        """The entry itself, or a request for its page (the entry waits in self.pending)."""
        if not (entry.link or "").strip():
            # No link: nothing to fetch, and no URL to claim (the store keys it by its
            # GUID or title and date: urn:newsagg:<source>:<hash>).
            yield entry
            return
        try:
            key = canonical_url(entry.link or "", base=entry.feed_url)
        except ValueError:
            yield entry
            return
        if key in self.claimed:
            # Seen this run (another feed, or the sitemap): one item per article. A feed
            # entry is richer than a sitemap one, so it takes over a pending page fetch.
            if entry.via == "feed" and key in self.pending and self.pending[key].via == "sitemap":
                self.pending[key] = entry
            elif entry.via == "feed":  # a sitemap listing what the feeds had is no duplicate
                self._stat(source.name, "items_duplicate")
            return
        self.claimed.add(key)
        if entry.via == "sitemap":
            self._stat(source.name, "items_seen")
        wanted = source.follow_links or entry.via == "sitemap"
        if not wanted or not self._recent(source, entry, now):
            yield entry
            return
        self.pending[key] = entry
        yield scrapy.Request(  # ConditionalGet drops it when the stored article's entry is unchanged
            entry.link or key, callback=self.parse_page, errback=self.page_error,
            headers={"Accept": PAGE_ACCEPT}, cb_kwargs={"key": key}, dont_filter=True,
            meta={"source": source.name, "kind": "page", "handle_httpstatus_list": HANDLED_STATUSES,
                  "page_key": key, "entry_signature": entry.signature()},
        )

    # -- callbacks -----------------------------------------------------------------

    def _not_modified(self, source: str, response: Response) -> bool:
        if response.status != 304:
            return False
        self._stat(source, "feeds_not_modified")
        if "state_url" in response.meta:
            self._fetched(source, response.meta["state_url"], response, ok=True)
        return True

    def _guarded(self, response: Response, kind: str, steps: Iterator[Any]) -> Iterator[Any]:
        """Any exception while reading a feed or sitemap is that source's error, in one line."""
        try:
            yield from steps
        except Exception as exc:
            self._fail(response.meta.get("source", "?"), response.url,
                       f"{type(exc).__name__}: {exc}", kind)
            logger.debug("source %s: %s %s", response.meta.get("source"), kind, response.url, exc_info=True)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        return self._guarded(response, "feed", self._parse_feed(response))

    def parse_sitemap(self, response: Response, depth: int) -> Iterator[Any]:
        return self._guarded(response, "sitemap", self._parse_sitemap(response, depth))

    def _item_errors(self, source: str, url: str, errors: list[str]) -> None:
        for reason in errors:
            self._stat(source, "errors")
            self._stat(source, "items_failed")
            assert self.crawler.stats is not None
            self.crawler.stats.set_value(f"newsagg/{source}/last_error", f"{url}: {reason}"[:500])
            logger.warning("source %s: feed %s: %s", source, url[:200], reason[:300])

    def _parse_feed(self, response: Response) -> Iterator[Any]:
        source_name = response.meta["source"]
        url = response.meta["state_url"]  # state is kept under the configured URL, not a redirect target
        if self._not_modified(source_name, response):
            return  # 304: nothing to parse
        if response.status != 200:
            self._fetched(source_name, url, response, ok=False)
            self._fail(source_name, response.url, f"HTTP {response.status}")
            return
        now = datetime.now(timezone.utc)
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1")
        parsed = parse_feed(response.body, response.url, source=source_name, content_type=ctype, fetched_at=now)
        self._fetched(source_name, url, response, ok=parsed.ok, ttl_minutes=parsed.ttl_minutes)
        if parsed.error:
            self._fail(source_name, response.url, parsed.error)
            return
        if parsed.warning:
            logger.warning("source %s: feed %s: %s", source_name, response.url, parsed.warning)
        self._item_errors(source_name, response.url, parsed.item_errors)
        self._stat(source_name, "feeds_ok")
        self._stat(source_name, "items_seen", len(parsed.entries) + parsed.duplicate_guids + len(parsed.item_errors))
        if parsed.duplicate_guids:
            self._stat(source_name, "items_duplicate", parsed.duplicate_guids)
        if not parsed.entries:
            logger.info("source %s: feed %s has no items", source_name, response.url)
        source = self.sources[source_name]
        for entry in parsed.entries:
            yield from self._follow(source, entry, now)

    def _parse_sitemap(self, response: Response, depth: int) -> Iterator[Any]:
        source_name = response.meta["source"]
        if self._not_modified(source_name, response):
            return
        if response.status != 200:
            if depth == 0:
                self._fetched(source_name, response.meta["state_url"], response, ok=False)
            self._fail(source_name, response.url, f"HTTP {response.status}", "sitemap")
            return
        now = datetime.now(timezone.utc)
        parsed = parse_sitemap(response.body, response.url, source=source_name, fetched_at=now)
        if depth == 0:
            self._fetched(source_name, response.meta["state_url"], response, ok=parsed.error is None)
        if parsed.error:
            self._fail(source_name, response.url, parsed.error, "sitemap")
            return
        if depth < MAX_SITEMAP_DEPTH:
            for child in parsed.sitemaps:
                yield self._sitemap_request(source_name, response.urljoin(child), depth + 1)
        source = self.sources[source_name]
        for entry in parsed.entries:
            if self._recent(source, entry, now):
                entry.via = "sitemap"
                yield from self._follow(source, entry, now)

    async def parse_page(self, response: Response, key: str) -> AsyncIterator[Any]:
        from crawler.extraction_pool import extract_page_off_reactor
        from newsagg.extract import looks_like_login_page

        entry = self.pending.pop(key)
        source = self.sources[entry.source]
        if response.status != 200:
            entry.page_error = f"HTTP {response.status}"
            if response.status in (401, 403, 429):
                entry.page_error += " (blocked)"
            yield entry
            return
        if response.meta.get("redirect_urls") and looks_like_login_page(
                response.url, response.text if hasattr(response, "text") else None):
            entry.page_error = f"redirected to a login page: {response.url[:200]}"
            yield entry
            return
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
        try:
            entry.page = await extract_page_off_reactor(response.body, response.url, http_status=response.status,
                                                        content_type=ctype, **source.page_options())
        except Exception as exc:  # a bug or a hostile page must not cost the item: keep the feed data
            self._stat(entry.source, "errors")
            entry.page_error = f"extraction failed: {type(exc).__name__}: {exc}"[:300]
            assert self.crawler.stats is not None
            self.crawler.stats.set_value(f"newsagg/{entry.source}/last_error",
                                         f"{response.url[:200]}: {entry.page_error}"[:500])
            logger.error("source %s: page %s: %s", entry.source, response.url[:200], entry.page_error)
            logger.debug("source %s: page %s", entry.source, response.url[:200], exc_info=True)
        yield entry

    def page_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        entry = self.pending.pop(request.cb_kwargs["key"])
        if failure.check(Unchanged):
            yield entry  # stored with this very entry: the feed data updates it, no page needed
            return
        reason = failure.getErrorMessage() or failure.type.__name__
        entry.page_error = f"{failure.type.__name__}: {reason}"[:300]
        logger.info("source %s: page %s failed: %s", entry.source, request.url, entry.page_error)
        yield entry

    def fetch_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        source = request.meta.get("source", "?")
        reason = failure.getErrorMessage() or failure.type.__name__
        if failure.check(NotDue):
            self._stat(source, "feeds_deferred")
            logger.info("source %s: %s %s", source, request.url[:200], reason)
            return
        if "state_url" in request.meta:
            self._fetched(source, request.meta["state_url"], None, ok=False)
        self._fail(request.meta.get("source", "?"), request.url, f"{failure.type.__name__}: {reason}",
                   request.meta.get("kind", "feed"))
