"""A Twisted reactor (asyncio) running in a daemon thread of a long-lived worker process.

Twisted's reactor starts once per process and cannot restart, so the worker owns one
for its whole life and runs every crawl on it (Scrapy's Crawler objects, one per task).
Tasks run in Celery's threads and talk to it through `call`, which returns a
concurrent.futures.Future (the same idea as crochet's `run_in_reactor`).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

_lock = threading.Lock()
_started: threading.Thread | None = None


def start_reactor() -> None:
    """Install the asyncio reactor on a fresh event loop and run it in a daemon thread (once)."""
    global _started
    with _lock:
        if _started is not None:
            return
        from twisted.internet import asyncioreactor

        loop = asyncio.new_event_loop()
        asyncioreactor.install(eventloop=loop)  # raises if another reactor is already installed
        from twisted.internet import reactor

        running = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            reactor.callWhenRunning(running.set)  # type: ignore[attr-defined]
            reactor.run(installSignalHandlers=False)  # type: ignore[attr-defined]

        _started = threading.Thread(target=run, name="twisted-reactor", daemon=True)
        _started.start()
        if not running.wait(30):
            raise RuntimeError("the Twisted reactor did not start")


def call(fn: Callable[[], Any]) -> Future[Any]:
    """Run fn on the reactor thread; the future holds its result (a Deferred's, once it fires)."""
    from twisted.internet import reactor
    from twisted.internet.defer import maybeDeferred

    future: Future[Any] = Future()

    def on_reactor() -> None:
        d = maybeDeferred(fn)
        d.addCallbacks(future.set_result, lambda f: future.set_exception(f.value))

    reactor.callFromThread(on_reactor)  # type: ignore[attr-defined]
    return future

