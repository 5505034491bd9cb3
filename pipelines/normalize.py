"""NormalizePipeline: FeedEntry -> Article through newsagg.normalize (dates, URLs, text),
merged with the article page when the spider fetched it (newsagg.extract.merge_page)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newsagg.normalize.article import EntryRejected, normalise_entry
from newsagg.records import FeedEntry
from newsagg.sources import Source

logger = logging.getLogger(__name__)


class NormalizePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.sources: dict[str, Source] = {s.name: s for s in crawler.settings.getlist("NEWSAGG_SOURCES")}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "NormalizePipeline":
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FeedEntry):
            return item
        source = self.sources.get(item.source)
        if not item.title and item.page is not None and item.page.title:
            item.title = item.page.title  # sitemap entries without <news:title>
        try:
            article = normalise_entry(item, source_title=source.title if source else "",
                                      timezone_name=source.timezone if source else "UTC")
        except EntryRejected as exc:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(f"newsagg/{item.source}/items_rejected")
            raise DropItem(f"source {item.source}: entry from {item.feed_url[:200]} rejected: {exc}") from None
        except Exception as exc:  # a bug or hostile input: this item's error, in one line
            stats = self.crawler.stats
            assert stats is not None
            reason = f"normalising failed: {type(exc).__name__}: {exc}"[:300]
            stats.inc_value(f"newsagg/{item.source}/errors")
            stats.set_value(f"newsagg/{item.source}/last_error", f"{(item.link or item.feed_url)[:200]}: {reason}")
            raise DropItem(f"source {item.source}: {reason}") from None
        if item.page is not None or item.page_error:
            from newsagg.extract import merge_page, page_failed

            article = merge_page(article, item.page) if item.page is not None else page_failed(article, item.page_error)
        return article
