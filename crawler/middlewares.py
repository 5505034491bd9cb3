"""Downloader middlewares."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future

from newsagg.normalize.urls import is_local_name, is_private_address, literal_address

logger = logging.getLogger(__name__)


def _netloc(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.hostname or "").lower(), port or {"http": 80, "https": 443}.get(parts.scheme)


class PrivateHostGuard:
    """Refuse every request whose host is, or resolves to, an address that is not global.

    Content is untrusted: a feed, a page link, robots.txt or any redirect hop must not
    make us fetch an intranet, loopback, CGNAT or metadata address. Every request passes
    here, redirect hops and robots.txt included; a host that cannot be resolved is
    refused too. A source may allow private hosts (`allow_private_hosts = true`, the
    demo does): its own requests pass, and so do requests without a source (robots.txt)
    to exactly the hosts and ports of its configured URLs.

    Names are resolved with the reactor's resolver (a thread, and Scrapy's DNS cache),
    so the check does not block the crawl and the connection uses the address checked.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        sources = crawler.settings.getlist("NEWSAGG_SOURCES")
        self.allowed = {s.name for s in sources if s.allow_private_hosts}
        self.allowed_netlocs = {_netloc(u) for s in sources if s.allow_private_hosts
                                for u in (*s.feeds, *s.sitemaps)}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "PrivateHostGuard":
        return cls(crawler)

    async def _refusal(self, host: str) -> str | None:
        """Why the host must not be fetched, or None."""
        from twisted.internet import reactor

        if not host:
            return "no host"
        if is_local_name(host):
            return "a loopback name"
        address = literal_address(host)
        if address is None:
            try:
                address = await maybe_deferred_to_future(reactor.resolver.getHostByName(host))  # type: ignore[attr-defined]
            except Exception as exc:  # DNSLookupError, timeouts: unknown is not public
                return f"the host cannot be resolved ({type(exc).__name__})"
        if is_private_address(str(address)):
            return f"private address ({address}, not globally routable)"
        return None

    async def process_request(self, request: Request) -> None:
        source = request.meta.get("source")
        scheme = urlsplit(request.url).scheme.lower()
        if scheme not in ("http", "https"):  # file:, data:, ftp:, s3: from a sitemap or a link
            logger.info("source %s: refused %s: not an http(s) URL", source or "-", request.url[:200])
            raise IgnoreRequest(f"refused {request.url[:200]}: not an http(s) URL")
        if source in self.allowed:
            return
        host, port = _netloc(request.url)
        if source is None and (host, port) in self.allowed_netlocs:
            return  # robots.txt of a source that allows its own private host
        reason = await self._refusal(host)
        if reason:
            logger.info("source %s: refused %s: %s (set allow_private_hosts to allow)",
                        source or "-", request.url[:200], reason)
            raise IgnoreRequest(f"refused {request.url[:200]}: {reason}")


class CrawlDeadline:
    """No download outlives its crawl. A crawl is cut after CLOSESPIDER_TIMEOUT (or a worker's
    NEWSAGG_CRAWL_DEADLINE), but Scrapy closes a spider only when its downloads have ended: one
    hanging server would hold the stopped crawl, and the worker's task, open for a further
    DOWNLOAD_TIMEOUT. So each request's `download_timeout` is capped at the time left."""

    MIN_TIMEOUT = 1.0  # a request made after the deadline (while the crawl stops) still gets a try

    def __init__(self, limit: float, download_timeout: float) -> None:
        self.limit = limit
        self.download_timeout = download_timeout
        self.deadline: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CrawlDeadline":
        limits = [crawler.settings.getfloat(name) for name in ("CLOSESPIDER_TIMEOUT", "NEWSAGG_CRAWL_DEADLINE")]
        middleware = cls(min((x for x in limits if x > 0), default=0.0), crawler.settings.getfloat("DOWNLOAD_TIMEOUT"))
        crawler.signals.connect(middleware.opened, signal=signals.spider_opened)
        return middleware

    def opened(self) -> None:
        if self.limit > 0:
            self.deadline = time.monotonic() + self.limit

    def process_request(self, request: Request) -> None:
        if self.deadline is None:
            return None
        left = max(self.MIN_TIMEOUT, self.deadline - time.monotonic())
        current = request.meta.get("download_timeout", self.download_timeout)
        if left < current:
            request.meta["download_timeout"] = left
        return None
