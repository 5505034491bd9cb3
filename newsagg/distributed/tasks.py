"""crawl_source: one source, one crawl subprocess, under a per-source advisory lock.

Safe under redelivery (at-least-once delivery, see app.py):

* The task holds a session-level PostgreSQL advisory lock keyed on (schema, source)
  for the whole crawl. A second delivery of the same source while it runs finds the
  lock held and skips (logged). The lock dies with the holder's connection, so a
  SIGKILLed worker frees it; its crawl subprocess is killed with it (PDEATHSIG), so
  no orphaned crawl keeps writing once the lock is gone.
* Under the lock, runs of this source left 'running' by a dead worker
  (trigger 'worker') are closed as 'interrupted' (finished_at set, last_error says so).
* A task carries the time it was dispatched; if a run of the source started after
  that and finished (ok, partial or failed), the task was already done: skip. A
  redelivered task whose first delivery was killed finds only an 'interrupted' run
  and crawls again; the store makes the rerun insert nothing twice.

Distributed mode needs PostgreSQL: on any other database the task refuses.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session

from models.db import database_url, open_database
from models.schema import CrawlRunRow, SourceRow
from newsagg import settings
from newsagg.distributed.app import app
from newsagg.errors import NewsaggError

logger = logging.getLogger("newsagg.worker")

TRIGGER = "worker"
CRAWL_TIMEOUT_ENV = "NEWSAGG_CRAWL_TIMEOUT"  # seconds one source's crawl may take (default 3000)
SETTINGS_ENV = "NEWSAGG_WORKER_CRAWL_SETTINGS"  # JSON list of NAME=VALUE (newsagg worker -s ...)
FINISHED = ("ok", "partial", "failed")
_ROOT = Path(__file__).resolve().parents[2]  # holds newsagg/, crawler/, models/


class NeedsPostgres(NewsaggError):
    pass


def require_postgres(url: str) -> None:
    if not url.startswith("postgresql"):
        raise NeedsPostgres(f"distributed mode needs PostgreSQL (a postgresql:// URL), not {url.split(':')[0]}: "
                            "the workers share one database and lock sources with advisory locks")


def source_lock_key(schema: str, source: str) -> int:
    """A signed 64-bit advisory-lock key for one source in one schema (models.locks)."""
    from models import locks

    return locks.source_crawl(schema, source)


def _set_pdeathsig() -> None:  # runs in the child between fork and exec
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - not Linux: the crawl may outlive a killed worker
        pass


def _source_id(session: Session, name: str) -> int | None:
    return session.execute(select(SourceRow.id).where(SourceRow.name == name)).scalar()


def close_interrupted_runs(engine: Engine, source: str) -> int:
    """Close this source's worker runs left 'running' by a dead crawl. Call with the lock held."""
    with Session(engine) as session, session.begin():
        sid = _source_id(session, source)
        if sid is None:
            return 0
        result = session.execute(
            update(CrawlRunRow)
            .where(CrawlRunRow.source_id == sid, CrawlRunRow.status == "running", CrawlRunRow.trigger == TRIGGER)
            .values(status="interrupted", finished_at=datetime.now(timezone.utc),
                    last_error="the crawl did not finish (worker killed or crawl timed out); the task ran again"))
        return result.rowcount or 0


def _done_since(engine: Engine, source: str, since: datetime) -> bool:
    with Session(engine) as session:
        sid = _source_id(session, source)
        if sid is None:
            return False
        return session.execute(
            select(CrawlRunRow.id).where(CrawlRunRow.source_id == sid, CrawlRunRow.started_at >= since,
                                         CrawlRunRow.status.in_(FINISHED)).limit(1)).first() is not None


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


def crawl_command(source: str, sources_file: str | None, db_url: str) -> list[str]:
    registry = ["--sources", sources_file] if sources_file else []
    extra = [arg for pair in json.loads(settings.value(SETTINGS_ENV) or "[]") for arg in ("-s", pair)]
    return [sys.executable, "-m", "newsagg.cli", "crawl", "--source", source, *registry, "--db", db_url,
            "--trigger", TRIGGER, *extra]


def run_source(source: str, sources_file: str | None, db_url: str | None,
               dispatched_at: str | None = None) -> dict[str, Any]:
    """The task body (callable without Celery): lock, crawl in a subprocess, summarise."""
    url = database_url(db_url)
    require_postgres(url)
    summary: dict[str, Any] = {"source": source, "pid": os.getpid()}
    engine = open_database(url)  # migrates on first use (itself under an advisory lock)
    try:
        with engine.connect() as lock_conn:
            schema = lock_conn.execute(text("SELECT current_schema()")).scalar() or "public"
            key = source_lock_key(schema, source)
            if not lock_conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                logger.warning("source %s: another worker is crawling it (advisory lock held); skipping", source)
                lock_conn.rollback()
                return {**summary, "status": "skipped", "reason": "locked"}
            lock_conn.commit()  # keep the session lock, end the transaction (no idle-in-transaction)
            try:
                return {**summary, **_locked_crawl(engine, source, sources_file, url, dispatched_at)}
            finally:
                lock_conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                lock_conn.commit()
    finally:
        engine.dispose()


def _locked_crawl(engine: Engine, source: str, sources_file: str | None, url: str,
                  dispatched_at: str | None) -> dict[str, Any]:
    closed = close_interrupted_runs(engine, source)
    if closed:
        logger.warning("source %s: closed %d interrupted run(s) of a dead worker", source, closed)
    if dispatched_at:
        since = datetime.fromisoformat(dispatched_at)
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        if _done_since(engine, source, since):
            logger.info("source %s: already crawled since this task was dispatched (%s); skipping",
                        source, dispatched_at)
            return {"status": "skipped", "reason": "done"}
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH")) if p)
    env.setdefault("CI", "1")  # no live progress table
    timeout = settings.value(CRAWL_TIMEOUT_ENV)
    started_at = datetime.now(timezone.utc)
    started = time.monotonic()
    logger.info("source %s: crawling", source)
    try:
        proc = subprocess.run(crawl_command(source, sources_file, url), capture_output=True, text=True,
                              env=env, timeout=timeout, preexec_fn=_set_pdeathsig)
        returncode: int | None = proc.returncode
        stderr = proc.stderr
    except subprocess.TimeoutExpired as exc:
        returncode, stderr = None, f"crawl timed out after {timeout:.0f}s; {exc.stderr or ''}"
    elapsed = round(time.monotonic() - started, 2)
    close_interrupted_runs(engine, source)  # a crawl that crashed or timed out left its row open
    run = _last_run(engine, source, started_at)
    status = "crawled" if returncode in (0, 1) else "error"
    if status == "error":
        tail = " | ".join((stderr or "").strip().splitlines()[-3:])
        logger.error("source %s: crawl exited %s: %s", source, returncode, tail)
        run.setdefault("last_error", tail)
    elif returncode == 1:
        logger.warning("source %s: the crawl reported a failure: %s", source, run.get("last_error"))
    return {"status": status, "returncode": returncode, "elapsed": elapsed, **run}


@app.task(name="newsagg.crawl_source", bind=True, acks_late=True, reject_on_worker_lost=True)
def crawl_source(self: Any, source_name: str, sources_file: str | None, db_url: str,
                 dispatched_at: str | None = None) -> dict[str, Any]:
    """Crawl one source into the PostgreSQL database db_url (see the module docstring)."""
    try:
        summary = run_source(source_name, sources_file, db_url, dispatched_at)
    except NeedsPostgres as exc:
        logger.error("source %s: %s; task dropped", source_name, exc)
        return {"source": source_name, "status": "refused", "reason": str(exc)}
    summary["redelivered"] = bool(self.request.delivery_info and self.request.delivery_info.get("redelivered"))
    logger.info("source %s: %s", source_name, summary)
    return summary
