"""`scheduler.py run-due --dispatch`: enqueue one crawl task per due source.

The decision (which sources are due) is taken under the scheduler's lock, as for a
local run-due, so two dispatchers (two cron hosts) never enqueue the same round twice.
Each task carries its dispatch time: a task that finds the source already crawled
since then (a duplicate from an earlier round, or a redelivery) does nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path

import typer

from models.db import database_url, open_database
from newsagg import settings
from newsagg.sources import Source

logger = logging.getLogger("newsagg.dispatch")


def dispatch_due(sources: list[Source], db: str | None, sources_file: Path | str | None = None,
                 queue: str | None = None, now: datetime | None = None) -> int:
    """Enqueue crawl_source for every due source; print and return how many were enqueued."""
    from kombu.exceptions import OperationalError

    from newsagg.distributed.app import broker_url, default_queue
    from newsagg.distributed.tasks import crawl_source, require_postgres
    from newsagg.schedule import LockHeld, run_lock, source_states

    url = database_url(db)
    require_postgres(url)
    queue = queue or default_queue()
    sources_file = sources_file or settings.value("NEWSAGG_SOURCES")
    registry = str(Path(sources_file).resolve()) if sources_file else None
    engine = open_database(url)
    sent = 0
    try:
        with run_lock(engine):
            now = now or datetime.now(timezone.utc)
            due = [s.source.name for s in source_states(engine, sources, now) if s.is_due(now)]
            for name in due:
                try:
                    crawl_source.apply_async(args=[name, registry, url], kwargs={"dispatched_at": now.isoformat()},
                                             queue=queue, retry=True, retry_policy={"max_retries": 2})
                except OperationalError as exc:
                    from kombu.utils.url import maybe_sanitize_url

                    # one line, exit 1: cron mails it; the sources stay due for the next round
                    typer.echo(f"newsagg: error: cannot reach the broker at {maybe_sanitize_url(broker_url())}: "
                               f"{str(exc).splitlines()[0][:200]} ({sent} of {len(due)} tasks enqueued)", err=True)
                    raise typer.Exit(1) from None
                sent += 1
    except LockHeld as exc:
        typer.echo(f"newsagg: {exc}")
        return 0
    finally:
        engine.dispose()
    logger.info("dispatched %d due source(s) to queue %s", sent, queue)
    typer.echo(f"newsagg: dispatched {sent} due source(s) to queue {queue}")
    return sent
