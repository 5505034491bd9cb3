"""crawl_source: one source, crawled inside a long-lived worker, under a per-source advisory lock.

The worker process starts once (runtime.py: reactor thread, Scrapy, show matcher, dedupe
window, database pool) and each task is one Scrapy crawl on its reactor. Safe under
redelivery (at-least-once delivery, see app.py):

* The task holds a session-level PostgreSQL advisory lock keyed on (schema, source)
  for the whole crawl. A second delivery of the same source while it runs finds the
  lock held and skips (logged). The lock dies with the holder's connection, so a
  SIGKILLed worker frees it; its crawl dies with it (same process; the extraction
  pool's processes die with their parent), so no orphaned crawl keeps writing.
* Under the lock, runs of this source left 'running' by a dead worker
  (trigger 'worker') are closed as 'interrupted' (finished_at set, last_error says so).
* A task carries the time it was dispatched; if a run of the source started after
  that and finished (ok, partial or failed), the task was already done: skip. A
  redelivered task whose first delivery was killed finds only an 'interrupted' run
  and crawls again; the store makes the rerun insert nothing twice.
* A crawl that lost items to the database (connection terminated, server restarted)
  is closed as 'interrupted' and the task is retried; a crawl that raises is recorded
  as a 'failed' run; a crawl longer than NEWSAGG_CRAWL_TIMEOUT is stopped (its run
  closes 'partial'). In every case the worker goes on with the next task.

Distributed mode needs PostgreSQL: on any other database the task refuses.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Engine, select, text, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from models.db import database_url
from models.schema import CrawlRunRow, SourceRow
from newsagg import settings
from newsagg.distributed.app import app
from newsagg.errors import NewsaggError
from newsagg.sources import select_sources

logger = logging.getLogger("newsagg.worker")

TRIGGER = "worker"
CRAWL_TIMEOUT_ENV = "NEWSAGG_CRAWL_TIMEOUT"  # seconds one source's crawl may take (default 3000)
SETTINGS_ENV = "NEWSAGG_WORKER_CRAWL_SETTINGS"  # JSON list of NAME=VALUE (newsagg worker -s ...)
FINISHED = ("ok", "partial", "failed")
RETRY_DELAY = 3  # seconds before a task whose crawl lost the database runs again
MAX_RETRIES = 20


class NeedsPostgres(NewsaggError):
    pass


def require_postgres(url: str) -> None:
    if not url.startswith("postgresql"):
        raise NeedsPostgres(f"distributed mode needs PostgreSQL (a postgresql:// URL), not {url.split(':')[0]}: "
                            "the workers share one database and lock sources with advisory locks")


def source_lock_key(schema: str, source: str) -> int:
    """A signed 64-bit advisory-lock key for one source in one schema."""
    from models import locks

    return locks.source_crawl(schema, source)


def _source_id(session: Session, name: str) -> int | None:
    return session.execute(select(SourceRow.id).where(SourceRow.name == name)).scalar()


def close_interrupted_runs(engine: Engine, source: str, done_since: datetime | None = None) -> tuple[int, bool]:
    """Close this source's worker runs left 'running' by a dead crawl (call with the lock held);
    and, given done_since, tell whether a run started since then finished. One transaction:
    (runs closed, done)."""
    with Session(engine) as session, session.begin():
        sid = _source_id(session, source)
        if sid is None:
            return 0, False
        result = session.execute(
            update(CrawlRunRow)
            .where(CrawlRunRow.source_id == sid, CrawlRunRow.status == "running", CrawlRunRow.trigger == TRIGGER)
            .values(status="interrupted", finished_at=datetime.now(timezone.utc),
                    last_error="the crawl did not finish (worker killed or crawl timed out); the task ran again"))
        done = done_since is not None and session.execute(
            select(CrawlRunRow.id).where(CrawlRunRow.source_id == sid, CrawlRunRow.started_at >= done_since,
                                         CrawlRunRow.status.in_(FINISHED)).limit(1)).first() is not None
        return result.rowcount or 0, done


def _last_run(engine: Engine, source: str, since: datetime) -> dict[str, Any]:
    with Session(engine) as session:
        sid = _source_id(session, source)
        row = None if sid is None else session.execute(
            select(CrawlRunRow).where(CrawlRunRow.source_id == sid, CrawlRunRow.started_at >= since)
            .order_by(CrawlRunRow.id.desc()).limit(1)).scalar()
        if row is None:
            return {}
        return {"run_id": row.run_id, "run_status": row.status, "items_seen": row.items_seen,
                "items_new": row.items_new, "items_updated": row.items_updated, "errors": row.errors,
                "last_error": row.last_error}


class DatabaseLost(NewsaggError):
    """The crawl lost items or its lock to the database: the task is retried."""


def crawl_overrides() -> dict[str, str]:
    """Scrapy settings for every crawl of this worker (newsagg worker -s NAME=VALUE)."""
    pairs = json.loads(settings.value(SETTINGS_ENV) or "[]")
    return {k.strip(): v for k, _, v in (p.partition("=") for p in pairs)}


def record_failure(engine: Engine, source: str, since: datetime, error: str, status: str = "failed") -> None:
    """Close this task's run of the source with status and error; add one if the crawl never opened it."""
    with Session(engine) as session, session.begin():
        sid = _source_id(session, source)
        if sid is None:
            return
        changed = session.execute(
            update(CrawlRunRow)
            .where(CrawlRunRow.source_id == sid, CrawlRunRow.started_at >= since, CrawlRunRow.trigger == TRIGGER)
            .values(status=status, finished_at=datetime.now(timezone.utc), last_error=error[:500])).rowcount
        if not changed:
            session.add(CrawlRunRow(run_id=str(uuid.uuid4()), source_id=sid, trigger=TRIGGER, started_at=since,
                                    finished_at=datetime.now(timezone.utc), status=status, last_error=error[:500]))


def run_source(source: str, sources_file: str | None, db_url: str | None,
               dispatched_at: str | None = None) -> dict[str, Any]:
    """The task body (callable without Celery): lock, crawl in this worker, summarise."""
    from newsagg.distributed.runtime import worker_runtime

    url = database_url(db_url)
    require_postgres(url)
    summary: dict[str, Any] = {"source": source, "pid": os.getpid()}
    runtime = worker_runtime()
    engine = runtime.engine(url)
    try:
        with engine.connect() as lock_conn:
            key = source_lock_key(runtime.schema(url, lock_conn), source)
            if not lock_conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                logger.warning("source %s: another worker is crawling it (advisory lock held); skipping", source)
                lock_conn.rollback()
                return {**summary, "status": "skipped", "reason": "locked"}
            lock_conn.commit()  # keep the session lock, end the transaction (no idle-in-transaction)
            try:
                return {**summary, **_locked_crawl(runtime, engine, source, sources_file, url, dispatched_at)}
            finally:
                lock_conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                lock_conn.commit()
    except DBAPIError as exc:
        if exc.connection_invalidated or isinstance(exc, OperationalError):
            raise DatabaseLost(f"source {source}: database connection lost: {str(exc.orig).strip()[:200]}") from None
        raise


def _locked_crawl(runtime: Any, engine: Engine, source: str, sources_file: str | None, url: str,
                  dispatched_at: str | None) -> dict[str, Any]:
    from newsagg.distributed.runtime import timeout_message

    since = None
    if dispatched_at:
        since = datetime.fromisoformat(dispatched_at)
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
    closed, done = close_interrupted_runs(engine, source, since)
    if closed:
        logger.warning("source %s: closed %d interrupted run(s) of a dead worker", source, closed)
    if done:
        logger.info("source %s: already crawled since this task was dispatched (%s); skipping",
                    source, dispatched_at)
        return {"status": "skipped", "reason": "done"}
    timeout = settings.value(CRAWL_TIMEOUT_ENV)
    started_at = datetime.now(timezone.utc)
    started = time.monotonic()
    logger.info("source %s: crawling", source)
    error = None
    try:
        chosen = select_sources(runtime.sources(sources_file), [source])
        outcome = runtime.crawl(chosen, url, sources_file, TRIGGER, crawl_overrides(), timeout)
    except DBAPIError:
        raise
    except Exception as exc:  # noqa: BLE001 - any crawl failure is this source's, never the worker's
        error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        logger.error("source %s: the crawl raised %s", source, error, exc_info=not isinstance(exc, NewsaggError))
        record_failure(engine, source, started_at, f"the crawl raised {error}")
    elapsed = round(time.monotonic() - started, 2)
    if error is None and outcome.item_errors:
        record_failure(engine, source, started_at, f"{outcome.item_errors} item(s) not stored (database errors); "
                                                   "the task is retried", status="interrupted")
        raise DatabaseLost(f"source {source}: {outcome.item_errors} item(s) not stored")
    if error is None and outcome.reason == "timeout":
        record_failure(engine, source, started_at, timeout_message(timeout), status="partial")
        error = f"crawl timed out after {timeout:.0f}s"
    run = _last_run(engine, source, started_at)
    if run.get("run_status") == "running":  # a crawl that could not close left its row open
        close_interrupted_runs(engine, source)
        run = _last_run(engine, source, started_at)
    if error is None and run.get("run_status") == "interrupted":
        raise DatabaseLost(f"source {source}: the run record could not be closed")
    if error is not None:
        run["last_error"] = error
    elif run.get("run_status") == "failed":
        logger.warning("source %s: the crawl reported a failure: %s", source, run.get("last_error"))
    return {"status": "error" if error else "crawled", "elapsed": elapsed, **run}


@app.task(name="newsagg.crawl_source", bind=True, acks_late=True, reject_on_worker_lost=True)
def crawl_source(self: Any, source_name: str, sources_file: str | None, db_url: str,
                 dispatched_at: str | None = None) -> dict[str, Any]:
    """Crawl one source into the PostgreSQL database db_url (see the module docstring)."""
    try:
        summary = run_source(source_name, sources_file, db_url, dispatched_at)
    except DatabaseLost as exc:
        logger.warning("%s; retrying the task", exc)
        # dispatched_at=None: the interrupted run must not count as done
        raise self.retry(args=[source_name, sources_file, db_url], kwargs={"dispatched_at": None},
                         countdown=RETRY_DELAY, max_retries=MAX_RETRIES) from None
    except NeedsPostgres as exc:
        logger.error("source %s: %s; task dropped", source_name, exc)
        return {"source": source_name, "status": "refused", "reason": str(exc)}
    summary["redelivered"] = bool(self.request.delivery_info and self.request.delivery_info.get("redelivered"))
    logger.info("source %s: %s", source_name, summary)
    return summary
