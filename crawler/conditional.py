"""ConditionalGet: fetch a feed, sitemap or article page only when it may have changed.

A downloader middleware, like Scrapy's own HttpCacheMiddleware: it owns the per-URL
fetch state (models.feed_state), reads it when the spider opens and writes it when
the spider closes, both in a thread. Feed and sitemap requests get If-None-Match /
If-Modified-Since, and are not sent before the time <ttl>, Cache-Control max-age or
Retry-After asked for (NotDue). Page requests for stored articles whose feed entry
did not change are not sent (Unchanged). The spider reports what each feed or
sitemap turned out to be through the `feed_fetched` signal: only a good response
leaves validators behind.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads
from twisted.python.failure import Failure

from crawler.database import borrow, release

from models.feed_state import FeedState
from newsagg.normalize.dates import parse_date

logger = logging.getLogger(__name__)

# Signal, sent by the spider: feed_fetched(url, source, response, ok, ttl_minutes).
feed_fetched = object()
MAX_NOT_BEFORE = timedelta(hours=24)  # no <ttl> or Retry-After keeps a feed away longer
PERMANENT_REDIRECTS = {301, 308}
_MAX_AGE = re.compile(r"max-age\s*=\s*(\d+)", re.I)


class NotDue(IgnoreRequest):
    """The feed or sitemap asked not to be fetched again before a time still ahead."""


class Unchanged(IgnoreRequest):
    """The page of a stored article whose feed entry has not changed."""


def not_before(now: datetime, response: Response, ttl_minutes: int | None) -> datetime | None:
    """When this URL is worth fetching again: Retry-After, Cache-Control max-age, <ttl>."""
    waits: list[timedelta] = []
    retry_after = response.headers.get(b"Retry-After", b"").decode("latin-1").strip()
    if retry_after.isdigit():
        waits.append(timedelta(seconds=int(retry_after)))
    elif retry_after:
        when, _ = parse_date(retry_after, timezone.utc, now + MAX_NOT_BEFORE)
        if when is not None:
            waits.append(when - now)
    cache = response.headers.get(b"Cache-Control", b"").decode("latin-1")
    if m := _MAX_AGE.search(cache):
        waits.append(timedelta(seconds=int(m.group(1))))
    if ttl_minutes:
        waits.append(timedelta(minutes=ttl_minutes))
    wait = min(max(waits), MAX_NOT_BEFORE) if waits else timedelta(0)
    return now + wait if wait > timedelta(seconds=60) else None


def moved_to(response: Response) -> str | None:
    """The new URL when every redirect hop to this response was permanent (301/308)."""
    reasons = response.meta.get("redirect_reasons") or []
    if reasons and all(r in PERMANENT_REDIRECTS for r in reasons):
        return response.url
    return None


class ConditionalGet:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.sources = crawler.settings.getlist("NEWSAGG_SOURCES")
        self.states: dict[str, FeedState] = {}
        # canonical URL -> feed signature of stored articles whose page needs no new fetch
        # (None until the first page request, see _known_pages)
        self.known: dict[str, str] | None = None
        self._known_loading: Any = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.record, signal=feed_fetched)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ConditionalGet":
        return cls(crawler)

    # -- the database, in a thread -------------------------------------------------

    def _load(self) -> None:
        from models.feed_state import load_feed_state

        engine, owned = borrow(self.crawler.settings)
        try:
            self.states = load_feed_state(engine, [u for s in self.sources for u in (*s.feeds, *s.sitemaps)])
        finally:
            release(engine, owned)

    def _load_known(self) -> dict[str, str]:
        from newsagg.refetch import pages_not_to_refetch

        engine, owned = borrow(self.crawler.settings)
        try:
            return pages_not_to_refetch(engine, [s.name for s in self.sources if s.follow_links])
        finally:
            release(engine, owned)

    def _save(self, touched: list[FeedState]) -> None:
        from models.feed_state import save_feed_state

        engine, owned = borrow(self.crawler.settings)
        try:
            save_feed_state(engine, touched)
        finally:
            release(engine, owned)

    async def spider_opened(self, **_: Any) -> None:
        await maybe_deferred_to_future(threads.deferToThread(self._load))

    async def _known_pages(self) -> dict[str, str]:
        """The stored pages not to fetch again, read when the first page request comes: a poll
        whose feeds all answer 304 requests no page and never pays for this read (thousands of
        rows for a busy source)."""
        if self.known is None:
            if self._known_loading is None:
                self._known_loading = threads.deferToThread(self._load_known)
            loading = self._known_loading
            known = await maybe_deferred_to_future(_shared(loading))
            if self.known is None:
                self.known = known
        return self.known

    async def spider_closed(self, **_: Any) -> None:
        touched = [st for st in self.states.values() if st.source]
        stats = self.crawler.stats
        for st in touched:
            if stats is not None and stats.get_value(f"newsagg/{st.source}/items_failed"):
                # Items of this source were not read or stored: the next run must not get a 304.
                st.etag = st.last_modified = None
        if touched:
            await maybe_deferred_to_future(threads.deferToThread(self._save, touched))

    # -- requests --------------------------------------------------------------------

    async def process_request(self, request: Request) -> None:
        url = request.meta.get("state_url")
        if url and not request.meta.get("redirect_times"):
            state = self.states.get(url)
            if state and state.not_before and state.not_before > datetime.now(timezone.utc):
                raise NotDue(f"not fetched before {state.not_before.isoformat(timespec='seconds')} "
                             "(ttl, Cache-Control or Retry-After)")
            if state and state.etag:
                request.headers.setdefault("If-None-Match", state.etag)
            if state and state.last_modified:
                request.headers.setdefault("If-Modified-Since", state.last_modified)
        key = request.meta.get("page_key")
        if key and (await self._known_pages()).get(key) == request.meta.get("entry_signature"):
            raise Unchanged("feed entry unchanged since the page was stored")

    # -- what the spider found ---------------------------------------------------------

    def record(self, url: str, source: str, response: Response | None, ok: bool,
               ttl_minutes: int | None = None, **_: Any) -> None:
        now = datetime.now(timezone.utc)
        state = self.states.get(url) or FeedState(url=url, source=source)
        state.source = source  # marks it for saving
        self.states[url] = state
        state.last_fetched_at = now
        state.last_status = response.status if response is not None else None
        state.failures = 0 if ok else state.failures + 1
        state.not_before = not_before(now, response, ttl_minutes) if response is not None else None
        if response is not None and ok:
            state.moved_to = moved_to(response)
        if not ok:
            # A failed response's validators would make the server answer 304 next
            # time, and the failure would read as "not modified".
            state.etag = state.last_modified = None
        elif response is not None and response.status == 200:
            etag = response.headers.get(b"ETag", b"").decode("latin-1") or None
            modified = response.headers.get(b"Last-Modified", b"").decode("latin-1") or None
            when, _ = parse_date(modified, timezone.utc, now) if modified else (None, "")
            # A Last-Modified in the future (or unparseable) would make the server answer 304
            # for ever: keep only validators we can trust.
            state.etag = etag
            state.last_modified = modified if when is not None and when <= now else None


def _shared(d: Any) -> Any:
    """A Deferred that fires with d's result without consuming it (several requests await one load)."""
    from twisted.internet.defer import Deferred

    out: Deferred[Any] = Deferred()

    def relay(result: Any) -> Any:
        if isinstance(result, Failure):
            out.errback(result)
        else:
            out.callback(result)
        return result

    d.addBoth(relay)
    return out
