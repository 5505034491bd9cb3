"""Which sources are due, and the lock that keeps two scheduled runs from overlapping.

A source is due when its interval has passed since its last run started. A source
whose recent runs failed backs off exponentially (interval x 2^failures, capped at
MAX_BACKOFF) and returns to its interval after one good run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from models import locks
from models.schema import CrawlRunRow, SourceRow
from newsagg.errors import NewsaggError
from newsagg.sources import Source

MAX_BACKOFF = timedelta(hours=24)
HISTORY = 8  # runs per source read to count consecutive failures


class LockHeld(NewsaggError):
    """Another scheduled run holds the lock."""


@dataclass
class SourceState:
    source: Source
    last_started_at: datetime | None
    last_status: str | None
    last_error: str | None
    consecutive_failures: int
    next_due_at: datetime

    def is_due(self, now: datetime) -> bool:
        return self.next_due_at <= now


def backoff(interval: timedelta, failures: int) -> timedelta:
    if failures <= 0:
        return interval
    return min(interval * (2 ** min(failures, 16)), max(MAX_BACKOFF, interval))


def source_states(engine: Engine, sources: list[Source], now: datetime | None = None) -> list[SourceState]:
    now = now or datetime.now(timezone.utc)
    states = []
    with Session(engine) as session:
        ids = dict(session.execute(select(SourceRow.name, SourceRow.id)).all())
        for source in sources:
            runs = []
            if source.name in ids:
                runs = session.execute(
                    select(CrawlRunRow.started_at, CrawlRunRow.status, CrawlRunRow.last_error)
                    .where(CrawlRunRow.source_id == ids[source.name], CrawlRunRow.status != "running")
                    .order_by(CrawlRunRow.started_at.desc()).limit(HISTORY)).all()
            failures = 0
            for run in runs:
                if run.status != "failed":
                    break
                failures += 1
            last = runs[0] if runs else None
            next_due = (last.started_at + backoff(source.interval, failures)) if last else now
            states.append(SourceState(source, last.started_at if last else None, last.status if last else None,
                                      last.last_error if last else None, failures, next_due))
    return states


@contextlib.contextmanager
def run_lock(engine: Engine) -> Iterator[None]:
    """File lock beside a SQLite database; a session advisory lock on PostgreSQL.

    Both are released by the OS / server when the process dies, even by SIGKILL.
    """
    if engine.dialect.name == "postgresql":
        key = locks.RUN_DUE
        with engine.connect() as conn:
            if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                raise LockHeld("another scheduled run holds the PostgreSQL advisory lock; exiting")
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        return
    from filelock import FileLock, Timeout

    db_path = engine.url.database or "newsagg.db"
    lock_path = Path(db_path).with_name(Path(db_path).name + ".lock")
    lock = FileLock(str(lock_path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise LockHeld(f"another scheduled run holds {lock_path}; exiting") from None
    try:
        yield
    finally:
        lock.release()
