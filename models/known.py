"""What the crawler already has: stored articles whose page need not be fetched again."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.schema import ArticleRow, SourceRow

# Page outcomes that a refetch would not improve (failures and blocks are retried).
SETTLED_PAGE_STATUSES = ("ok", "paywalled", "not_article")


def pages_not_to_refetch(engine: Engine, source_names: list[str],
                         window: timedelta = timedelta(days=30)) -> dict[str, str]:
    """canonical URL -> feed signature, for recent articles with a settled page.

    Keyed also by the URL as the feed gave it: an AMP link whose page named another
    canonical URL is still recognised on the next run.
    """
    from newsagg.normalize.urls import canonical_url

    if not source_names:
        return {}
    since = datetime.now(timezone.utc) - window
    with Session(engine) as session:
        rows = session.execute(
            select(ArticleRow.canonical_url, ArticleRow.content_hash, ArticleRow.url)
            .join(SourceRow, SourceRow.id == ArticleRow.source_id)
            .where(SourceRow.name.in_(source_names), ArticleRow.page_status.in_(SETTLED_PAGE_STATUSES),
                   ArticleRow.first_seen_at >= since))
        known: dict[str, str] = {}
        for key, h, url in rows:
            known[key] = h
            if url and url != key:
                try:
                    known[canonical_url(url)] = h
                except ValueError:
                    pass
        return known
