"""The Celery app for distributed crawls.

Broker from NEWSAGG_BROKER_URL (default redis://127.0.0.1:6379/0; amqp:// works too).
Delivery is at-least-once: a task is acknowledged only after it ran (task_acks_late),
and a worker that dies mid-task gives its task back (task_reject_on_worker_lost; on
Redis the message becomes visible again after the visibility timeout). Crawls are
idempotent and guarded by a per-source advisory lock, so a second delivery is safe.

Settings from the environment (the same on the dispatcher and on every worker):

  NEWSAGG_BROKER_URL           broker URL
  NEWSAGG_QUEUE                queue name (default "newsagg")
  NEWSAGG_VISIBILITY_TIMEOUT   seconds before Redis redelivers an unacknowledged task
                               (default 3600; must exceed the longest crawl of one source)
  NEWSAGG_RESTORE_INTERVAL     seconds between sweeps for such tasks (default 10)
"""

from __future__ import annotations

from celery import Celery

from newsagg import settings

BROKER_ENV = "NEWSAGG_BROKER_URL"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
QUEUE_ENV = "NEWSAGG_QUEUE"
DEFAULT_QUEUE = "newsagg"
VISIBILITY_ENV = "NEWSAGG_VISIBILITY_TIMEOUT"
DEFAULT_VISIBILITY_TIMEOUT = 3600
RESTORE_ENV = "NEWSAGG_RESTORE_INTERVAL"


def broker_url() -> str:
    return settings.value(BROKER_ENV) or DEFAULT_BROKER


def default_queue() -> str:
    return settings.value(QUEUE_ENV) or DEFAULT_QUEUE


def _visibility_timeout() -> float:
    return settings.value(VISIBILITY_ENV) or DEFAULT_VISIBILITY_TIMEOUT


def transport_options() -> dict[str, float]:
    restore = settings.value(RESTORE_ENV) or min(10.0, max(1.0, _visibility_timeout() / 4))
    return {
        "visibility_timeout": _visibility_timeout(),
        # kombu sweeps for abandoned (unacknowledged, timed-out) messages every
        # interval x throttle seconds; throttle 1 makes the interval the only knob.
        "unacked_restore_interval": restore,
        "unacked_restore_throttle": 1,
        # The sweep holds a Redis mutex for milliseconds; a worker killed while holding it
        # would block every other sweep for the default 300 s.
        "unacked_mutex_expire": int(max(10.0, 3 * restore)),
    }


def make_app() -> Celery:
    app = Celery("newsagg", broker=broker_url(), include=["newsagg.distributed.tasks"])
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options=transport_options(),
        broker_connection_retry_on_startup=True,
        task_default_queue=default_queue(),
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,  # the run records in PostgreSQL are the results
        worker_hijack_root_logger=True,
        enable_utc=True,
        timezone="UTC",
    )
    return app


app = make_app()
