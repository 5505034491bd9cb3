"""Distributed crawling: Celery workers take one task per due source.

`scheduler.py run-due --dispatch` enqueues the tasks (newsagg.distributed.dispatch);
`newsagg worker` runs them (newsagg.distributed.tasks). PostgreSQL only: a per-source
advisory lock keeps one source from being crawled twice at once, and the run records
live in the shared database. Celery is imported only by these modules.
"""
