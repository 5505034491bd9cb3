"""What a long-lived worker process builds once and every task reuses.

* the Twisted reactor, in a thread (reactor_thread.py); each task's crawl is one
  Scrapy Crawler on it, so Scrapy, the spider and the pipelines are imported once;
* one SQLAlchemy engine (connection pool) per database URL, lent to every crawl's run
  record, fetch state and store (crawler/database.py): a crawl opens no engine of its own;
* the project's Scrapy settings, built once and copied one level deep per crawl
  (crawler/settings_copy.py);
* one Ingestor per (database, registry), looked up when a crawl has its first batch to
  store (a poll answered 304 never does): the show matcher and the dedupe window are
  built once, then kept current: the matcher is rebuilt when the catalogue changes,
  and the story step replays what other writers stored before it decides (under its
  advisory lock), so a long-lived window stays as correct as a fresh one;
* the parsed registry, reread when its file changes;
* the extraction process pool (newsagg/extraction_pool.py: pages and TV events), shared by the crawls.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from models.db import open_database
from newsagg.distributed import reactor_thread
from newsagg.ingest import Ingestor, IngestResult, freeze_and_tune_gc
from newsagg.records import Article
from newsagg.sources import Source, load_sources

logger = logging.getLogger("newsagg.worker")

WORKER_CRAWL_DEFAULTS = {"MEMUSAGE_ENABLED": False, "LOGSTATS_INTERVAL": 0}
STOP_GRACE = 30.0  # seconds a timed-out crawl gets to close (flush, run record) once told to stop


class SharedIngestor:
    """An Ingestor shared by the crawls of one worker process, one batch at a time."""

    def __init__(self, ingestor: Ingestor) -> None:
        self.ingestor = ingestor
        self.engine = ingestor.engine
        self._lock = threading.Lock()

    def ingest(self, batch: list[Article]) -> IngestResult:
        with self._lock:  # the dedupe window and the matcher are not thread-safe
            return self.ingestor.ingest(batch)

    def __deepcopy__(self, memo: dict[int, Any]) -> "SharedIngestor":
        return self  # Scrapy copies every crawler's settings: keep the one shared instance


class IngestorProvider:
    """The worker's ingestor for one crawl, looked up (catalogue version checked) only when the
    crawl has a batch to store: an unchanged feed's poll never pays for it."""

    def __init__(self, runtime: "WorkerRuntime", url: str, registry: str | None) -> None:
        self.runtime, self.url, self.registry = runtime, url, registry

    def get(self) -> SharedIngestor:
        return self.runtime.ingestor(self.url, self.registry)

    def __deepcopy__(self, memo: dict[int, Any]) -> "IngestorProvider":
        return self  # Scrapy copies every crawler's settings: keep the runtime shared


class CrawlOutcome:
    def __init__(self, finished: bool, item_errors: int, reason: str) -> None:
        self.finished = finished        # False: timed out and did not close in time either
        self.item_errors = item_errors  # items a pipeline failed on (e.g. database connection lost)
        self.reason = reason            # Scrapy's close reason, or "timeout"


def fewer_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives each thread that allocates its own malloc arena (up to 8 per core), and freed
    memory stays in the arena it came from: a worker's threads (Celery's, the reactor's, the
    database pool's) each kept tens of MB. Same as MALLOC_ARENA_MAX=2; no-op off glibc."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").mallopt(-8, arenas)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


class WorkerRuntime:
    def __init__(self) -> None:
        fewer_malloc_arenas()
        self._guard = threading.Lock()
        self._engines: dict[str, Engine] = {}
        self._registries: dict[str, tuple[float, list[Source]]] = {}
        self._ingestors: dict[tuple[str, str], tuple[str, SharedIngestor]] = {}
        self._settings: tuple[str, Any] = ("", None)
        self._schemas: dict[str, str] = {}
        reactor_thread.start_reactor()
        from crawler.spiders.feeds import FeedSpider  # noqa: F401 - import Scrapy and the project now
        import pipelines.store  # noqa: F401

    def warm(self) -> None:
        """Start the extraction pool's processes now (they import the extractor once)."""
        from newsagg.extraction_pool import shared_pool

        pool = shared_pool()
        if pool is not None:
            for started in [pool.submit(int) for _ in range(pool.processes)]:  # one process per submit
                started.result(timeout=120)

    def _base_settings(self, overrides: dict[str, Any]) -> Any:
        """The project's settings plus these overrides, built once (each crawl copies them cheaply)."""
        from crawler.settings_copy import CheapCopySettings
        from newsagg.crawl import crawl_settings

        key = repr(sorted(overrides.items()))
        with self._guard:
            if self._settings[0] != key:
                base = crawl_settings([], "", "", "", overrides)
                # Per-crawl extensions that mean nothing for one task of a long-lived process (its
                # memory is the worker's, its progress is the run record), unless asked for with -s.
                for name, value in WORKER_CRAWL_DEFAULTS.items():
                    if name not in overrides:
                        base.set(name, value, priority="cmdline")
                self._settings = (key, CheapCopySettings.of(base))
            return self._settings[1]

    def engine(self, url: str) -> Engine:
        with self._guard:
            if url not in self._engines:
                self._engines[url] = open_database(url)  # migrates on first use
            return self._engines[url]

    def schema(self, url: str, conn: Any) -> str:
        """The schema a database URL's connections use (it names the per-source locks), read once."""
        with self._guard:
            cached = self._schemas.get(url)
        if cached is None:
            cached = conn.execute(text("SELECT current_schema()")).scalar() or "public"
            conn.commit()
            with self._guard:
                self._schemas[url] = cached
        return cached

    def sources(self, path: str | None) -> list[Source]:
        key = str(path or "")
        mtime = Path(path).stat().st_mtime if path and os.path.exists(path) else 0.0
        with self._guard:
            cached = self._registries.get(key)
            if cached is None or cached[0] != mtime:
                cached = (mtime, load_sources(path))
                self._registries[key] = cached
            return cached[1]

    def ingestor(self, url: str, registry: str | None) -> SharedIngestor:
        from newsagg.shows.store import catalogue_version

        engine = self.engine(url)
        with Session(engine) as session:
            version = catalogue_version(session)
        key = (url, str(registry or ""))
        with self._guard:
            cached = self._ingestors.get(key)
            if cached is not None and cached[0] == version:
                return cached[1]
        if cached is not None:
            logger.info("show catalogue changed: rebuilding the matcher")
        shared = SharedIngestor(Ingestor(engine, self.sources(registry)))
        with self._guard:
            self._ingestors[key] = (shared.ingestor.catalogue_version or version, shared)
        freeze_and_tune_gc()
        return shared

    def crawl(self, sources: list[Source], url: str, registry: str | None, trigger: str,
              overrides: dict[str, Any], timeout: float) -> CrawlOutcome:
        """One crawl of these sources on the worker's reactor; blocks the calling (task) thread."""
        from scrapy import signals
        from scrapy.crawler import Crawler
        from scrapy.utils.defer import deferred_from_coro

        from crawler.spiders.feeds import FeedSpider
        from newsagg.crawl import run_settings

        from crawler.database import ENGINE_SETTING, SharedEngine

        settings = self._base_settings(overrides).copy()
        run_settings(settings, sources, url, trigger, str(uuid.uuid4()), overrides)
        settings.set(ENGINE_SETTING, SharedEngine(self.engine(url)), priority="cmdline")
        settings.set("NEWSAGG_CRAWL_DEADLINE", timeout, priority="cmdline")  # downloads end with the crawl
        if settings.getbool("NEWSAGG_LINK_SHOWS") and settings.getbool("NEWSAGG_DEDUPE") and \
                settings.getbool("NEWSAGG_EVENTS", True):  # the shared ingestor runs everything
            with self._guard:
                built = (url, str(registry or "")) in self._ingestors
            if not built:
                self.ingestor(url, registry)  # seconds of work: before the crawl's timeout starts
            settings.set("NEWSAGG_INGESTOR", IngestorProvider(self, url, registry), priority="cmdline")
        # The signal receivers are kept by pydispatch's global registry: they must not hold the
        # crawler (a cycle through that registry would keep every finished crawl in memory).
        state: dict[str, Any] = {"item_errors": 0, "reason": "?"}
        holder: list[Any] = []

        def count_error(**_: Any) -> None:
            state["item_errors"] += 1

        def closed(reason: str, **_: Any) -> None:
            state["reason"] = reason

        def start() -> Any:
            crawler = Crawler(FeedSpider, settings)
            holder.append(crawler)
            crawler.signals.connect(count_error, signal=signals.item_error, weak=False)
            crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)
            return crawler.crawl()

        done = reactor_thread.call(start)
        try:
            try:
                done.result(timeout)
                return CrawlOutcome(True, state["item_errors"], state["reason"])
            except FutureTimeout:
                logger.error("crawl of %s timed out after %.0fs: stopping it", ",".join(s.name for s in sources),
                             timeout)
            if holder:
                crawler = holder[0]
                message = timeout_message(timeout)

                def stop() -> Any:
                    # in the run record even if the crawl closes after the task gave up waiting
                    for source in sources:
                        crawler.stats.set_value(f"newsagg/{source.name}/last_error", message)
                    return deferred_from_coro(crawler.stop_async())

                reactor_thread.call(stop)
            try:
                done.result(STOP_GRACE)
                return CrawlOutcome(True, state["item_errors"], "timeout")
            except FutureTimeout:
                logger.error("crawl did not stop within %.0fs: abandoned (the worker goes on)", STOP_GRACE)
                return CrawlOutcome(False, state["item_errors"], "timeout")
        finally:
            if holder:
                reactor_thread.call(lambda: _release(holder.pop()))


def timeout_message(timeout: float) -> str:
    return f"crawl timed out after {timeout:.0f}s (NEWSAGG_CRAWL_TIMEOUT); stopped"


def _release(crawler: Any) -> None:
    """Drop every signal receiver of a finished crawler: pydispatch keeps receivers in a global
    registry, and one that holds the crawler (a bound method of its extensions) would keep the
    whole crawl (stats, spider, pipelines) alive for the life of the worker."""
    from scrapy import signals

    for sig in vars(signals).values():
        if type(sig) is object:
            crawler.signals.disconnect_all(sig)


_runtime: WorkerRuntime | None = None
_runtime_guard = threading.Lock()


def worker_runtime() -> WorkerRuntime:
    """This process's runtime, built on first use (or at worker start, see app.py)."""
    global _runtime
    with _runtime_guard:
        if _runtime is None:
            _runtime = WorkerRuntime()
        return _runtime
