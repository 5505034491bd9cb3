"""`newsagg show TITLE`: a show's timeline, story by story (an article without a story stands alone)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schema import ArticleRow, ArticleShowRow, SourceRow, StoryRow
from newsagg.output import iso_utc



@dataclass
class TimelineArticle:
    article_id: int
    title: str
    outlet: str
    url: str | None
    published_at: datetime
    seasons: list[int]
    primary: bool
    confidence: float
    found_in: str | None


@dataclass
class TimelineEntry:
    """A story (or a lone article) about the show."""

    story_id: int | None
    headline: str
    first_published_at: datetime
    articles: list[TimelineArticle] = field(default_factory=list)

    @property
    def outlets(self) -> list[str]:
        return sorted({a.outlet for a in self.articles})

    @property
    def seasons(self) -> list[int]:
        return sorted({s for a in self.articles for s in a.seasons})

    def as_dict(self) -> dict[str, object]:
        return {
            "story_id": self.story_id, "headline": self.headline,
            "first_published_at": iso_utc(self.first_published_at), "outlets": self.outlets,
            "seasons": self.seasons,
            "articles": [{"id": a.article_id, "title": a.title, "outlet": a.outlet, "url": a.url,
                          "published_at": iso_utc(a.published_at), "seasons": a.seasons,
                          "primary": a.primary, "confidence": a.confidence, "found_in": a.found_in}
                         for a in self.articles],
        }


def parse_since(value: str | None, now: datetime | None = None) -> datetime | None:
    """A moment in the one grammar (newsagg.timespec: 30d, 12h, 2w, 6mo, 1y or an ISO date) ->
    a UTC cut-off; None/"" -> no cut-off."""
    from newsagg.timespec import TimeSpecError, parse_moment

    if not value:
        return None
    try:
        return parse_moment(value, now)
    except TimeSpecError as exc:
        raise ValueError(f"--since: {exc}") from None


def show_timeline(session: Session, show_id: int, since: datetime | None = None) -> list[TimelineEntry]:
    """Stories and lone articles about the show, newest first; articles oldest first within a story."""
    query = (select(ArticleRow, ArticleShowRow, SourceRow.name, StoryRow.headline, StoryRow.first_published_at)
             .join(ArticleShowRow, ArticleShowRow.article_id == ArticleRow.id)
             .join(SourceRow, SourceRow.id == ArticleRow.source_id)
             .outerjoin(StoryRow, StoryRow.id == ArticleRow.story_id)
             .where(ArticleShowRow.show_id == show_id)
             .order_by(ArticleRow.published_at, ArticleRow.id))
    if since is not None:
        query = query.where(ArticleRow.published_at >= since)
    entries: dict[tuple[str, int], TimelineEntry] = {}
    for art, link, outlet, story_headline, story_first in session.execute(query):
        key = ("story", art.story_id) if art.story_id is not None else ("article", art.id)
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = TimelineEntry(
                story_id=art.story_id, headline=story_headline or art.title,
                first_published_at=story_first or art.published_at)
        entry.articles.append(TimelineArticle(
            article_id=art.id, title=art.title, outlet=outlet, url=art.url, published_at=art.published_at,
            seasons=list(link.seasons or []), primary=bool(link.is_primary), confidence=link.confidence,
            found_in=link.found_in))
    return sorted(entries.values(), key=lambda e: (e.first_published_at, e.articles[0].article_id), reverse=True)
