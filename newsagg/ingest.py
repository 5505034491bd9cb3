"""Store a batch of normalised articles, link them to shows and decide their stories: all or nothing.

For every entry point (crawl pipeline, workers), per batch:
0. text hygiene (newsagg.normalize.hygiene): an article that cannot be stored even
   cleaned is a failure of its own source, never of the batch;
1. upsert the batch (identity: canonical URL, per-source GUID) -> new / updated / unchanged;
2. link new and changed articles to shows (the catalogue's matcher is built once);
3. run new articles through the Deduper: syndicated copies get `duplicate_of`, every
   article a story; decisions and signatures are persisted;
4. extract the TV events of the linked articles (started after step 2, in the extraction
   process pool when one runs, so that it overlaps step 3 and the crawl's own thread) and
   fold them into facts.
The steps commit in ONE transaction: a kill at any point leaves either all of
it or none of it, and a rerun sees what was lost as new. Unchanged articles cost
nothing past step 1, which keeps reruns cheap.

Failure isolation: when the batch transaction fails for a reason other than the
database being unreachable, it is retried item by item; every good item is stored
and every bad one is returned as an ItemFailure (source, key, one-line reason).
"""

from __future__ import annotations

import gc
import logging
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Literal

from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from models.store import ArticleStore, StoreResult, retrying
from newsagg.events import CatalogueNames, Event, EventInput, extract_batch
from newsagg.extraction_pool import ExtractionPool, shared_pool
from newsagg.faults import fault_point
from newsagg.normalize.hygiene import UnstorableArticle, sanitise_article
from newsagg.records import Article
from newsagg.sources import Source

logger = logging.getLogger(__name__)

# The database itself failed (unreachable, locked, disk full): retrying item by item cannot help.
_DATABASE_DOWN = (OperationalError, InterfaceError)


@dataclass
class ItemFailure:
    source: str
    key: str
    reason: str  # one line

    def line(self) -> str:
        return f"item {self.key[:300]}: {self.reason}"


@dataclass
class IngestResult:
    store: StoreResult
    linked: int = 0
    events: int = 0
    stories_new: int = 0
    duplicates: int = 0
    flags: list[str] = field(default_factory=list)
    failures: list[ItemFailure] = field(default_factory=list)
    # CPU seconds of the ingesting thread per step (store, links, stories, events, commit), measured
    # in the run itself: what a step costs as a share of the crawl, whatever the machine's speed.
    # "events_pool": what event extraction cost in the extraction pool's processes, when it ran there.
    cpu: Counter[str] = field(default_factory=Counter)

    def add(self, other: "IngestResult") -> None:
        s, o = self.store, other.store
        s.new, s.updated, s.unchanged, s.duplicate = (s.new + o.new, s.updated + o.updated,
                                                      s.unchanged + o.unchanged, s.duplicate + o.duplicate)
        s.ids += o.ids
        s.outcomes += o.outcomes
        s.per_source.update(o.per_source)
        self.linked += other.linked
        self.events += other.events
        self.stories_new += other.stories_new
        self.duplicates += other.duplicates
        self.failures += other.failures
        self.cpu.update(other.cpu)


def one_line(exc: BaseException) -> str:
    """An exception as one short line (a database error's first line, never an item's repr)."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:300] if text else ''}"


CPU_STATS = "newsagg/cpu_s/"  # Scrapy stats key prefix of IngestResult.cpu, summed over a crawl


@contextmanager
def cpu_of(result: IngestResult, step: str) -> Iterator[None]:
    """Add this thread's CPU time inside the block to result.cpu[step]."""
    started = time.thread_time()
    try:
        yield
    finally:
        result.cpu[step] += time.thread_time() - started


def freeze_and_tune_gc() -> None:
    """Move what exists now (the show matcher and the dedupe window: millions of long-lived objects)
    out of the cyclic GC's sight. Otherwise every full collection, triggered by the garbage each batch
    makes, walks them again: ~0.1 s each, a tenth of a crawl's CPU (gc.freeze, as long-running
    services do after start-up).

    Then collect less often: a batch's objects (articles, links, fingerprints, events and their facts)
    live through hundreds of young collections at the default thresholds, get promoted and set off
    full collections of everything made since start-up (28 in 10,000 generated items, 3 s, a tenth of
    the ingest's CPU). Very little of it is cyclic garbage (reference counting frees the rest), so
    waiting for 20,000 allocations instead of 700 costs little memory (4 full collections, 0.3 s)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


GC_THRESHOLDS = (20_000, 20, 20)  # young, middle, old generation (Python's defaults: 700, 10, 10)


POOLED_EVENTS_MIN = 32  # linked articles in a batch that pay for starting the extraction pool


def _spare_cores(pool: ExtractionPool | None) -> int:
    """How many of the pool's processes a batch's event extraction may keep busy: the cores this
    process may use, less the one the crawl itself needs (its reactor and this thread share one
    interpreter lock). None spare: extracting here costs less than handing the work over."""
    if pool is None:
        return 0
    return max(0, min(pool.processes, len(os.sched_getaffinity(0)) - 1))


class PendingEvents:
    """The TV events of a batch's articles, being extracted: those of the linked ones in the extraction
    pool (in chunks, one per spare core) once it is in use or when the batch is worth
    starting it, else on the caller's thread when asked for."""

    def __init__(self, inputs: list[EventInput], pool: ExtractionPool | None) -> None:
        self.count = len(inputs)
        self.linked = [k for k, item in enumerate(inputs) if item[3]]  # item[3]: the links
        self.inputs = [inputs[k] for k in self.linked]
        self.futures: list[Future[tuple[list[list[Event]], float]]] = []
        workers = _spare_cores(pool)
        if workers and self.inputs and (pool.used or len(self.inputs) >= POOLED_EVENTS_MIN):
            size = -(-len(self.inputs) // workers)
            self.futures = [pool.submit(extract_batch, self.inputs[i:i + size])
                            for i in range(0, len(self.inputs), size)]

    def result(self) -> tuple[list[list[Event]], float]:
        """Each input's events, in order, and the CPU seconds the pool's processes spent on them (0.0
        when extracted here: the caller's own thread time holds it)."""
        found: list[list[Event]] = []
        pool_cpu = 0.0
        if not self.futures:
            found = extract_batch(self.inputs)[0]
        for future in self.futures:
            chunk, cpu = future.result()  # an extraction error is raised here, as it would be inline
            found += chunk
            pool_cpu += cpu
        events: list[list[Event]] = [[] for _ in range(self.count)]
        for k, item_events in zip(self.linked, found):
            events[k] = item_events
        return events, pool_cpu


class Ingestor:
    def __init__(self, engine: Engine, registry: Iterable[Source] = (), *, link_shows: bool = True,
                 dedupe: bool = True, window: timedelta = timedelta(days=14), events: bool = True,
                 pool: ExtractionPool | None | Literal["shared"] = "shared") -> None:
        self.engine = engine
        self.events = events  # TV events of linked articles (needs link_shows)
        # Where event extraction may run: the process's pool (None when NEWSAGG_EXTRACT_PROCESSES=0),
        # a given one, or None: on this thread.
        self.pool = shared_pool() if pool == "shared" else pool
        self.store = ArticleStore(engine, registry)
        self.linker = None
        self._names: CatalogueNames | None = None  # the linker's catalogue aliases, for events
        self.catalogue_version = ""
        if link_shows:
            from newsagg.shows.store import catalogue_version, ensure_catalogue, linker_for_session

            with Session(engine) as session:
                ensure_catalogue(session)
                session.commit()
                self.linker = linker_for_session(session)
                self._names = CatalogueNames(self.linker)
                self.catalogue_version = catalogue_version(session)
        self.stories = None
        if dedupe:
            from newsagg.stories_writer import StoryAssigner

            self.stories = StoryAssigner(engine, window)
            self.stories.warm_start()

    def _link(self, session: Session, articles: Sequence[Article], ids: Sequence[int]) -> None:
        from newsagg.shows.store import write_links_bulk

        assert self.linker is not None
        for a in articles:
            a.shows = self.linker.link(a.title, a.body or "", description=a.summary or "",
                                       emphasized=a.emphasized, published_at=a.published_at)
        write_links_bulk(session, [(aid, a.shows) for a, aid in zip(articles, ids)], self.catalogue_version)

    def _start_events(self, articles: Sequence[Article]) -> PendingEvents:
        """Start extracting the events of the articles (linked): the result has one list per article."""
        from newsagg.events_writer import event_inputs

        return PendingEvents(event_inputs(articles, self._names), self.pool)

    def _reset(self) -> None:
        """A batch transaction rolled back: cached source ids and the deduper's decisions may be gone."""
        self.store.forget_uncommitted()
        if self.stories is not None and self.stories.dirty:
            self.stories.reset()

    def _ingest_once(self, batch: Sequence[Article]) -> IngestResult:
        result = IngestResult(StoreResult())
        with Session(self.engine) as session:
            with session.begin():
                fault_point("before-store")
                with cpu_of(result, "store"):
                    result.store = self.store.store_in(session, batch, datetime.now(timezone.utc))
                fault_point("after-articles")
                changed = [(a, i, o) for a, i, o in zip(batch, result.store.ids, result.store.outcomes)
                           if o in ("new", "updated")]
                if self.linker is not None and changed:
                    with cpu_of(result, "links"):
                        self._link(session, [a for a, _, _ in changed], [i for _, i, _ in changed])
                    result.linked = sum(1 for a, _, _ in changed if a.shows)
                fault_point("after-links")
                pending = None
                if self.linker is not None and self.events and changed:
                    # Events after links, folded after stories (facts fold by story); extracted
                    # meanwhile, in the extraction pool when one runs.
                    with cpu_of(result, "events"):
                        pending = self._start_events([a for a, _, _ in changed])
                if self.stories is not None and changed:
                    with cpu_of(result, "stories"):
                        self._assign_stories(session, changed, result)
                if pending is not None:
                    from newsagg.events_writer import store_events

                    with cpu_of(result, "events"):
                        extracted, pool_cpu = pending.result()
                        if pool_cpu:
                            result.cpu["events_pool"] += pool_cpu
                        result.events = store_events(session, [a for a, _, _ in changed],
                                                     [i for _, i, _ in changed], extracted)
                fault_point("after-stories")
                commit_started = time.thread_time()  # the commit runs as the block ends
            result.cpu["commit"] += time.thread_time() - commit_started
        if self.stories is not None:
            self.stories.dirty = False  # committed: memory and database agree again
        fault_point("after-commit")
        return result

    def _assign_stories(self, session: Session, changed: Sequence[tuple[Article, int, str]],
                        result: IngestResult) -> None:
        from newsagg.stories_writer import lock_stories

        assert self.stories is not None
        # Oldest first: who had a story first should not depend on arrival order.
        fresh = sorted(((a, i) for a, i, o in changed if o == "new"),
                       key=lambda p: (p[0].published_at, p[0].canonical_url))
        items = self.stories.prepare([a for a, _ in fresh])  # fingerprints: no lock needed
        if fresh:
            self.stories.catch_up(session)  # most of the replay, before the lock too
        # Concurrent writers decide one at a time, from here to the commit (see
        # newsagg.stories_writer for why that keeps one story per real story).
        lock_stories(session)
        decisions = self.stories.assign(session, [a for a, _ in fresh], [i for _, i in fresh], items)
        result.stories_new = sum(1 for d in decisions if d.is_new_story)
        result.duplicates = sum(1 for d in decisions if d.duplicate_of is not None)

    def _ingest_retrying(self, batch: Sequence[Article]) -> IngestResult:
        try:
            return retrying(lambda: self._ingest_once(batch), on_retry=self._reset)
        except BaseException:
            self._reset()
            raise

    def ingest(self, batch: Sequence[Article]) -> IngestResult:
        failures: list[ItemFailure] = []
        clean: list[Article] = []
        for article in batch:
            try:
                clean.append(sanitise_article(article))
            except UnstorableArticle as exc:
                failures.append(ItemFailure(article.source, article.canonical_url, str(exc)))
        result = IngestResult(StoreResult())
        if clean:
            try:
                result = self._ingest_retrying(clean)
            except _DATABASE_DOWN:
                raise
            except Exception as exc:  # noqa: BLE001 - one bad item must not cost the batch
                logger.warning("batch of %d articles failed (%s): storing them one by one", len(clean),
                               one_line(exc))
                result = self._one_by_one(clean)
        result.failures = failures + result.failures
        for failure in result.failures:
            logger.warning("source %s: %s", failure.source, failure.line())
        return result

    def _one_by_one(self, batch: Sequence[Article]) -> IngestResult:
        total = IngestResult(StoreResult())
        for article in batch:
            try:
                total.add(self._ingest_retrying([article]))
            except _DATABASE_DOWN:
                raise
            except Exception as exc:  # noqa: BLE001 - recorded against the item's own source
                total.failures.append(ItemFailure(article.source, article.canonical_url, one_line(exc)))
        return total
