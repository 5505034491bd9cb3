"""Which article pages the crawler need not fetch again (read from models.known)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine

from models.known import settled_pages
from newsagg.normalize.urls import canonical_url


def pages_not_to_refetch(engine: Engine, source_names: list[str],
                         window: timedelta = timedelta(days=30)) -> dict[str, str]:
    """canonical URL -> feed signature, for recent articles with a settled page.

    Keyed also by the URL as the feed gave it: an AMP link whose page named another
    canonical URL is still recognised on the next run.
    """
    known: dict[str, str] = {}
    for key, h, url in settled_pages(engine, source_names, datetime.now(timezone.utc) - window):
        known[key] = h
        if url and url != key:
            try:
                known[canonical_url(url)] = h
            except ValueError:
                pass
    return known
