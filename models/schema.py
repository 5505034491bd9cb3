"""SQLAlchemy 2.0 models. Plain table names for analysts' SQL; times are `*_at` columns in UTC.

Dialect-neutral: the same models serve SQLite (default) and PostgreSQL. The schema
itself is created and changed only by the Alembic migrations in models/migrations.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    LargeBinary,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    pass


class SourceRow(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    homepage: Mapped[str | None] = mapped_column(String(500))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ArticleRow(Base):
    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("source_id", "guid", name="uq_articles_source_guid"),
        Index("ix_articles_published_at", "published_at"),
        Index("ix_articles_source_published", "source_id", "published_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    guid: Mapped[str | None] = mapped_column(String(500))
    canonical_url: Mapped[str] = mapped_column(String(2000), unique=True)
    url: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    authors: Mapped[list[str]] = mapped_column(JSONType, default=list)
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    section: Mapped[str | None] = mapped_column(String(200))
    image_url: Mapped[str | None] = mapped_column(String(2000))
    language: Mapped[str | None] = mapped_column(String(16))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    feed_url: Mapped[str | None] = mapped_column(String(2000))
    feed_title: Mapped[str | None] = mapped_column(Text)
    # Which evidence gave each field, and what went wrong on the way (see newsagg.records).
    evidence: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    flags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Hash of what the feed said: a rerun compares it to decide "unchanged".
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Article page: ok | paywalled | blocked | not_article | failed (None: not fetched).
    page_status: Mapped[str | None] = mapped_column(String(16))
    page_error: Mapped[str | None] = mapped_column(Text)
    page_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Dedup and stories: a syndicated copy points at its original; every article has a story.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class StoryRow(Base):
    """One piece of news, covered by one or more articles (possibly across outlets)."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(36), unique=True)  # stable id from the clusterer
    headline: Mapped[str] = mapped_column(Text)
    first_article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", use_alter=True,
                                                                    name="fk_stories_first_article"))
    first_source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    first_published_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    last_published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    article_count: Mapped[int] = mapped_column(Integer, default=1)
    source_count: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ArticleRevisionRow(Base):
    """Earlier versions of an article: written before an update overwrites them."""

    __tablename__ = "article_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    content_hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ArticleSignatureRow(Base):
    """Near-duplicate index, persisted: the recent window is reloaded on start."""

    __tablename__ = "article_signatures"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    text_hash: Mapped[str | None] = mapped_column(String(64), index=True)  # exact-text identity
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)            # MinHash values, packed
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The story-decision batch that wrote it, counted up under the story lock (so in commit
    # order): concurrent writers replay each other's decisions by it (newsagg.stories_writer).
    seq: Mapped[int | None] = mapped_column(BigInteger, index=True)


class FeedStateRow(Base):
    """Per-URL fetch state for conditional GET and backoff."""

    __tablename__ = "feed_state"

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime())  # ttl / Retry-After / backoff
    failures: Mapped[int] = mapped_column(Integer, default=0)
    moved_to: Mapped[str | None] = mapped_column(String(2000))  # a permanent redirect's target


class ShowRow(Base):
    """A TV show of the catalogue. Same-title shows (remakes, country versions) are separate rows."""

    __tablename__ = "shows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300), index=True)
    network: Mapped[str | None] = mapped_column(String(200))  # several: "Fox / Netflix"
    country: Mapped[str | None] = mapped_column(String(64))
    premiered_on: Mapped[str | None] = mapped_column(String(10))  # ISO date; day may be unknown
    ended_on: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str | None] = mapped_column(String(32))
    external_ids: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    aliases: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Added by 0003: episode count (a popularity hint), starter-catalogue membership, last change.
    episodes: Mapped[int | None] = mapped_column(Integer)
    notable: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ArticleShowRow(Base):
    """One show an article is about (see newsagg.records.ShowLink)."""

    __tablename__ = "article_shows"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), primary_key=True, index=True)
    confidence: Mapped[float] = mapped_column(Float)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    seasons: Mapped[list[int]] = mapped_column(JSONType, default=list)
    found_in: Mapped[str | None] = mapped_column(String(32))


class CrawlRunRow(Base):
    """One row per source per run: what was fetched and what it gave."""

    __tablename__ = "crawl_runs"
    __table_args__ = (Index("ix_crawl_runs_source_started", "source_id", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(String(36), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    trigger: Mapped[str] = mapped_column(String(32), default="manual")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="running")  # ok | failed | partial
    requests: Mapped[int] = mapped_column(Integer, default=0)
    responses_200: Mapped[int] = mapped_column(Integer, default=0)
    responses_304: Mapped[int] = mapped_column(Integer, default=0)
    responses_4xx: Mapped[int] = mapped_column(Integer, default=0)
    responses_5xx: Mapped[int] = mapped_column(Integer, default=0)
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    items_new: Mapped[int] = mapped_column(Integer, default=0)
    items_updated: Mapped[int] = mapped_column(Integer, default=0)
    items_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    newest_item_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)


class ArticleShowScanRow(Base):
    """Which catalogue version an article was last linked against: relink finds the stale ones."""

    __tablename__ = "article_show_scans"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    catalogue_version: Mapped[str] = mapped_column(String(64), index=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime())
