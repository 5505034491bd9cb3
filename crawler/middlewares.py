"""Downloader middlewares."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from newsagg.normalize.urls import points_to_private

logger = logging.getLogger(__name__)


class PrivateHostGuard:
    """Refuse requests into loopback, private or link-local addresses.

    Content is untrusted: a feed or a redirect must not make us fetch an intranet
    address. Redirected requests pass through here again, so redirects are
    covered. A source may allow it (`allow_private_hosts = true`, the demo does).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.allowed = {s.name for s in crawler.settings.getlist("NEWSAGG_SOURCES") if s.allow_private_hosts}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "PrivateHostGuard":
        return cls(crawler)

    def process_request(self, request: Request) -> Any:
        source = request.meta.get("source")
        if source in self.allowed:
            return None
        if source is None and request.meta.get("dont_obey_robotstxt"):
            return None  # robots.txt for a host whose own request already passed this guard
        if points_to_private(request.url):
            logger.debug("source %s: refused %s (private or loopback address; "
                           "set allow_private_hosts to allow)", source, request.url)
            raise IgnoreRequest(f"private address: {request.url}")
        return None
