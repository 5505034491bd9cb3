"""What the crawler already has: stored articles with a settled page (newsagg.refetch decides)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.schema import ArticleRow, SourceRow

# Page outcomes that a refetch would not improve (failures and blocks are retried).
SETTLED_PAGE_STATUSES = ("ok", "paywalled", "not_article")


def settled_pages(engine: Engine, source_names: list[str], since: datetime) -> list[tuple[str, str, str | None]]:
    """(canonical URL, content hash, URL as the feed gave it) of the sources' articles first seen
    since a time whose page is settled."""
    if not source_names:
        return []
    with Session(engine) as session:
        rows = session.execute(
            select(ArticleRow.canonical_url, ArticleRow.content_hash, ArticleRow.url)
            .join(SourceRow, SourceRow.id == ArticleRow.source_id)
            .where(SourceRow.name.in_(source_names), ArticleRow.page_status.in_(SETTLED_PAGE_STATUSES),
                   ArticleRow.first_seen_at >= since))
        return [(key, h, url) for key, h, url in rows]
