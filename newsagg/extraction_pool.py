"""CPU-bound extraction off a crawl's threads: one process pool per process, sized to its cores.

A crawl runs in one Python process: Scrapy's reactor thread (fetching, feed parsing,
normalising) and the storing thread (newsagg.ingest) share one interpreter lock, so the
crawl uses one core. Two kinds of work are pure computation over plain values and go to
this pool instead, so that they use the other cores while the crawl goes on:

* page extraction (lxml and trafilatura, tens of ms a page): the spider awaits it through
  crawler/extraction_pool.py;
* TV-event extraction of a batch of linked articles (newsagg.events): the ingest submits it
  after linking and collects it before folding, in the batch's transaction.

The workers import both extractors once (forkserver with the modules preloaded, then a
warm-up), and exit when the process that owns the pool dies.

* A worker process that dies (segfault, OOM kill) breaks the whole pool: the pool is
  rebuilt and each task that was in it is tried once more alone, in a one-process pool;
  the task that kills that one too fails with ExtractionCrashed, which its caller counts
  as that page's or that batch's error.
* NEWSAGG_EXTRACT_PROCESSES sets the size (default: the cores this process may use); 0 extracts on the
  calling thread as before.
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
    """The extraction process died on this task (twice: once more on a fresh pool)."""


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
    from newsagg.events import extract_events
    from newsagg.extract import extract_page
    from newsagg.records import ShowLink

    extract_page(b"<html><head><title>t</title></head><body><article><p>warm up the extractor, "
                 b"its parsers and its caches.</p></article></body></html>", "https://example.org/a")
    extract_events("Warm-up Show renewed for season 2", "", "", [ShowLink(0, "Warm-up Show", 1.0, True)])


def _outcome(f: "Future[T]") -> tuple[bool, Any]:
    """(crashed, value-or-exception) of a finished pool future."""
    if f.cancelled():
        return True, None
    exc = f.exception()
    if isinstance(exc, BrokenProcessPool):
        return True, exc
    return False, exc if exc is not None else f.result()


class ExtractionPool:
    """A rebuildable ProcessPoolExecutor: a process that dies costs only the task it was on."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._executor: ProcessPoolExecutor | None = None
        # A task was given to it: its processes run, or were rebuilt after a crash (a task retried
        # after one must run here again, not in the caller's process).
        self.used = False
        self._guard = threading.Lock()

    @staticmethod
    def _new(processes: int) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["newsagg.extract", "newsagg.events"])  # imported once, there
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
        """fn(*args, **kwargs) in a pool process. When the pool breaks, every task that was in it
        is tried again alone in a one-process pool: only the task that kills that one too
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
                settle(ExtractionCrashed("the extraction process died on this task") if crashed else value)

            retry.add_done_callback(done)

        self.used = True
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


def shared_pool() -> ExtractionPool | None:
    """This process's pool (one for every crawl it runs), or None when extraction stays inline."""
    global _shared
    if _shared is None and pool_size() > 0:
        import atexit

        _shared = ExtractionPool(pool_size())
        atexit.register(_shared.shutdown)
    return _shared
