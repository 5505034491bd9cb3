"""`newsagg worker`: a long-lived Celery worker that crawls the sources `run-due --dispatch` enqueues.

The process starts once: Scrapy and its reactor (in a thread), the database pool, the
extraction process pool; the show matcher and dedupe window on its first task. Tasks
run in Celery's `threads` pool (--concurrency of them at once), each one crawl on the
shared reactor (newsagg.distributed.runtime)."""

from __future__ import annotations

import os
from typing import Annotated, Optional

import typer


def worker(
    concurrency: Annotated[Optional[int], typer.Option(
        "--concurrency", "-c", help="Crawls at once in this worker (threads sharing one reactor; page extraction uses "
                                   "every core through the process pool) (default: the cores this process may use)")]
    = None,
    queues: Annotated[Optional[str], typer.Option(
        "--queues", "-Q", help="Comma-separated queues to consume [env: NEWSAGG_QUEUE; default newsagg]")] = None,
    broker: Annotated[Optional[str], typer.Option(
        "--broker", help="Broker URL [env: NEWSAGG_BROKER_URL; default redis://127.0.0.1:6379/0]")] = None,
    loglevel: Annotated[str, typer.Option("--loglevel", "-l", help="Log level")] = "INFO",
    hostname: Annotated[Optional[str], typer.Option(
        "--hostname", "-n", help="Node name, unique per worker (default newsagg@<host>-<pid>)")] = None,
    logfile: Annotated[Optional[str], typer.Option("--logfile", help="Log to this file")] = None,
    set_: Annotated[Optional[list[str]], typer.Option(
        "--set", "-s", help="Scrapy setting for every crawl this worker runs, e.g. -s DOWNLOAD_TIMEOUT=10 "
                            "(repeatable)")] = None,
) -> None:
    """Run a long-lived Celery worker: takes one crawl task per due source and crawls it in this process
    under a per-source PostgreSQL advisory lock. Stop it with SIGTERM (finishes the running crawls)."""
    if set_:
        import json

        from newsagg.cli_options import settings_overrides

        settings_overrides(set_)  # validate here, not in every crawl
        os.environ["NEWSAGG_WORKER_CRAWL_SETTINGS"] = json.dumps(set_)
    if broker:
        os.environ["NEWSAGG_BROKER_URL"] = broker  # the app reads it at import; crawl subprocesses inherit it
    if queues:
        os.environ["NEWSAGG_QUEUE"] = queues.split(",")[0]
    from newsagg.distributed.app import app, default_queue

    if broker:
        app.conf.broker_url = broker
    import socket

    argv = ["worker", "--loglevel", loglevel.upper(), "--queues", queues or default_queue(),
            "--hostname", hostname or f"newsagg@{socket.gethostname()}-{os.getpid()}",
            "--without-gossip", "--without-mingle", "--pool", "threads",
            "--concurrency", str(concurrency or len(os.sched_getaffinity(0)))]
    if logfile:
        argv += ["--logfile", logfile]
    from newsagg.distributed.runtime import worker_runtime

    worker_runtime().warm()  # reactor, Scrapy, extraction pool: before the first task, not in it
    app.worker_main(argv)


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
