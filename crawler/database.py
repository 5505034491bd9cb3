"""The database engine a crawl's components use: the long-lived worker's shared one, or their own.

A plain `newsagg crawl` has its components open (and dispose) an engine each, once per run.
A long-lived worker runs a crawl per task: opening an engine there (new connections, a
migration check) cost more CPU than the whole poll of an unchanged feed, so the worker puts
its one pooled engine in the settings (NEWSAGG_ENGINE) and every crawl borrows it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

ENGINE_SETTING = "NEWSAGG_ENGINE"


class SharedEngine:
    """An engine held in Scrapy settings: Scrapy deep-copies every crawler's settings, and a
    copied engine would be a second connection pool."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __deepcopy__(self, memo: dict[int, Any]) -> "SharedEngine":
        return self


def borrow(settings: Any) -> tuple[Engine, bool]:
    """(engine, owned): owned engines are the caller's to dispose of when done."""
    shared = settings.get(ENGINE_SETTING)
    if isinstance(shared, SharedEngine):
        return shared.engine, False
    from models.db import open_database

    return open_database(settings.get("NEWSAGG_DATABASE_URL")), True


def release(engine: Engine, owned: bool) -> None:
    if owned:
        engine.dispose()
