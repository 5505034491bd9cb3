"""Page extraction off the reactor thread, in the process's extraction pool (newsagg.extraction_pool).

Scrapy runs every callback on the reactor thread, so extracting pages there (lxml and
trafilatura, tens of ms a page) keeps a whole crawl on one core. The spider awaits
`extract_page_off_reactor` instead, and the reactor keeps fetching while pages are parsed.
Bounded: at most `2 x processes` pages are in the pool at once; later pages wait as
Deferreds. Their bodies are already held by Scrapy, whose scraper slot stops the downloads
when too many responses wait, so memory stays flat. A page whose extraction process dies
twice fails with ExtractionCrashed, which the spider counts as that page's error (the item
is kept from the feed data).
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any, TypeVar

from newsagg.extraction_pool import shared_pool

T = TypeVar("T")
_slots: Any = None  # twisted DeferredSemaphore bounding the pages in the pool


def _as_deferred(future: "Future[T]") -> Any:
    """A Deferred fired on the reactor thread when the future (resolved in another thread) is done."""
    from twisted.internet import reactor
    from twisted.internet.defer import Deferred

    d: Deferred[T] = Deferred()

    def relay(f: Future[T]) -> None:
        exc = f.exception()
        if exc is not None:
            reactor.callFromThread(d.errback, exc)  # type: ignore[attr-defined]
        else:
            reactor.callFromThread(d.callback, f.result())  # type: ignore[attr-defined]

    future.add_done_callback(relay)
    return d


async def extract_page_off_reactor(html: bytes, url: str, **options: Any) -> Any:
    """newsagg.extract.extract_page(html, url, **options) in the pool; awaited from a callback."""
    from newsagg.extract import extract_page

    pool = shared_pool()
    if pool is None:
        return extract_page(html, url, **options)
    from scrapy.utils.defer import maybe_deferred_to_future
    from twisted.internet.defer import DeferredSemaphore

    global _slots
    if _slots is None:
        _slots = DeferredSemaphore(2 * pool.processes)
    await maybe_deferred_to_future(_slots.acquire())
    try:
        return await maybe_deferred_to_future(_as_deferred(pool.submit(extract_page, html, url, **options)))
    finally:
        _slots.release()
