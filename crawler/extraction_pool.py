"""Page extraction off the reactor thread: one process pool per crawl process, sized to the machine.

Scrapy runs every callback on the reactor thread, so extracting pages there (lxml and
trafilatura, tens of ms a page) keeps a whole crawl on one core. The spider awaits
`extract_page_off_reactor` instead: the page goes to a ProcessPoolExecutor whose
workers imported newsagg.extract once (forkserver with the module preloaded, then a
warm-up page), and the reactor keeps fetching while pages are parsed.

* Bounded: at most `2 x processes` pages are in the pool at once; later pages wait as
  Deferreds. Their bodies are already held by Scrapy, whose scraper slot stops the
  downloads when too many responses wait, so memory stays flat.
* A worker process that dies (segfault, OOM kill) breaks the whole pool: the pool is
  rebuilt and each page that was in it is tried once more alone, in a one-process pool;
  the page that kills that one too fails with ExtractionCrashed, which the spider
  counts as that page's error (the item is kept from the feed data).
* NEWSAGG_EXTRACT_PROCESSES sets the size (default: the cores this process may use); 0 extracts on the
  reactor thread as before.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

PROCESSES_ENV = "NEWSAGG_EXTRACT_PROCESSES"
T = TypeVar("T")


class ExtractionCrashed(RuntimeError):
    """The extraction process died on this page (twice: once more on a fresh pool)."""


def pool_size() -> int:
    from newsagg import settings

    value = settings.value(PROCESSES_ENV)
    # the cores this process may run on (taskset, cgroup cpusets), not the machine's: a worker
    # pinned to one core gets a one-process pool instead of oversubscribing that core
    return max(0, value) if value is not None else len(os.sched_getaffinity(0))


def _exit_with(owner: int) -> None:
    """Exit when the process that owns the pool is gone (even SIGKILLed): a pool process's
    parent is the forkserver, which lives as long as any pool process does, so neither
    would notice otherwise."""
    import select

    try:
        fd = os.pidfd_open(owner)
    except (AttributeError, OSError):  # no pidfd: poll instead
        import time

        while True:
            time.sleep(1.0)
            try:
                os.kill(owner, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                pass
    select.select([fd], [], [])
    os._exit(0)


def _warm_worker(owner: int) -> None:
    """Runs once in each pool process: die with the owner, pay imports and lazy set-up now."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawl's to handle
    threading.Thread(target=_exit_with, args=(owner,), name="owner-watch", daemon=True).start()
    from newsagg.extract import extract_page

    extract_page(b"<html><head><title>t</title></head><body><article><p>warm up the extractor, "
                 b"its parsers and its caches.</p></article></body></html>", "https://example.org/a")


def _outcome(f: "Future[T]") -> tuple[bool, Any]:
    """(crashed, value-or-exception) of a finished pool future."""
    if f.cancelled():
        return True, None
    exc = f.exception()
    if isinstance(exc, BrokenProcessPool):
        return True, exc
    return False, exc if exc is not None else f.result()


class ExtractionPool:
    """A rebuildable ProcessPoolExecutor: a process that dies costs only the page it was on."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._executor: ProcessPoolExecutor | None = None
        self._guard = threading.Lock()

    @staticmethod
    def _new(processes: int) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["newsagg.extract"])  # imported once, in the forkserver
        return ProcessPoolExecutor(processes, mp_context=context, initializer=_warm_worker,
                                   initargs=(os.getpid(),))

    def _current(self) -> ProcessPoolExecutor:
        with self._guard:
            if self._executor is None:
                self._executor = self._new(self.processes)
            return self._executor

    def _discard(self, broken: ProcessPoolExecutor) -> None:
        with self._guard:
            if self._executor is broken:
                self._executor = None
        broken.shutdown(wait=False, cancel_futures=True)

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> "Future[T]":
        """fn(*args, **kwargs) in a pool process. When the pool breaks, every page that was in it
        is tried again alone in a one-process pool: only the page that kills that one too
        fails (ExtractionCrashed); the others get their results."""
        outcome: Future[T] = Future()

        def settle(value: Any) -> None:
            if isinstance(value, BaseException):
                outcome.set_exception(value)
            else:
                outcome.set_result(value)

        def alone() -> None:
            solo = self._new(1)
            retry = solo.submit(fn, *args, **kwargs)

            def done(f: Future[T]) -> None:
                solo.shutdown(wait=False)
                crashed, value = _outcome(f)
                settle(ExtractionCrashed("the extraction process died on this page") if crashed else value)

            retry.add_done_callback(done)

        executor = self._current()
        try:
            first = executor.submit(fn, *args, **kwargs)
        except (BrokenProcessPool, RuntimeError):  # broken or shut down under us: a fresh pool
            self._discard(executor)
            executor = self._current()
            first = executor.submit(fn, *args, **kwargs)

        def first_done(f: Future[T]) -> None:
            crashed, value = _outcome(f)
            if crashed:
                self._discard(executor)
                alone()
            else:
                settle(value)

        first.add_done_callback(first_done)
        return outcome

    def shutdown(self) -> None:
        with self._guard:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        # Reap the forkserver too (private API, guarded): no orphan, and its CPU time (and its
        # workers') is counted in ours, as for any child.
        from multiprocessing import forkserver

        stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
        if callable(stop):
            try:
                stop()
            except OSError:
                pass


_shared: ExtractionPool | None = None
_slots: Any = None  # twisted DeferredSemaphore bounding the pages in the pool


def shared_pool() -> ExtractionPool | None:
    """This process's pool (one for every crawl it runs), or None when extraction stays inline."""
    global _shared
    if _shared is None and pool_size() > 0:
        import atexit

        _shared = ExtractionPool(pool_size())
        atexit.register(_shared.shutdown)
    return _shared


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
