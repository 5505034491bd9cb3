"""Log lines that name items by key, never by repr.

Scrapy's own formatter prints the whole item: a hostile feed's 20 MB summary would
become a 20 MB log line. Items are named by source and URL (or GUID), capped.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure

MAX_KEY_CHARS = 200
MAX_REASON_CHARS = 300


def item_key(item: Any) -> str:
    """'source <url or guid>' for feed entries and articles; the type name otherwise."""
    source = getattr(item, "source", None)
    key = (getattr(item, "canonical_url", None) or getattr(item, "link", None)
           or getattr(item, "guid", None) or getattr(item, "feed_url", None))
    if source is None and key is None:
        return type(item).__name__
    return f"{source or '?'} {str(key or '(no link)')[:MAX_KEY_CHARS]}"


class KeyLogFormatter(LogFormatter):
    def scraped(self, item: Any, response: Response | Failure | None, spider: Spider) -> LogFormatterResult:
        return {"level": logging.DEBUG, "msg": "Scraped %(item)s", "args": {"item": item_key(item)}}

    def dropped(self, item: Any, exception: BaseException, response: Response | Failure | None,
                spider: Spider) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        return {"level": result["level"], "msg": "Dropped %(item)s: %(exception)s",
                "args": {"item": item_key(item), "exception": str(exception)[:MAX_REASON_CHARS]}}

    def item_error(self, item: Any, exception: BaseException, response: Response | Failure | None,
                   spider: Spider) -> LogFormatterResult:
        return {"level": logging.ERROR, "msg": "Error processing %(item)s: %(exception)s",
                "args": {"item": item_key(item),
                         "exception": f"{type(exception).__name__}: {exception}"[:MAX_REASON_CHARS]}}
