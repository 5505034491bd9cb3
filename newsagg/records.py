"""The records that flow through newsagg: what a feed says, and the normalised article.

Plain dataclasses: Scrapy carries them as items, the batch commands use them directly.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class FeedEntry:
    """One item as the feed gives it: raw strings, nothing normalised yet."""

    source: str
    feed_url: str
    guid: str | None = None
    link: str | None = None
    title: str | None = None
    title_is_text: bool = False         # the feed declared the title plain text ("<blink>" is literal)
    summary: str | None = None          # HTML or text
    content: str | None = None          # full content (content:encoded), HTML
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    published: str | None = None        # raw date string
    updated: str | None = None
    published_parsed: time.struct_time | None = None  # feedparser's own parse (UTC)
    updated_parsed: time.struct_time | None = None
    image: str | None = None
    language: str | None = None
    feed_title: str | None = None
    fetched_at: datetime | None = None
    # The article page, when fetched: a newsagg.extract PageResult, or why it failed.
    page: Any = None
    page_error: str | None = None
    via: str = "feed"  # feed | sitemap

    def signature(self) -> str:
        """What the feed says about the item; a change means "fetch the page again"."""
        parts = (self.link, self.guid, self.title, self.summary, self.content, self.published,
                 self.updated, "\x1f".join(self.authors), "\x1f".join(self.categories), self.image)
        raw = "\x1e".join(p or "" for p in parts)
        return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Article:
    """A normalised article, ready to store. Dates are aware UTC."""

    source: str
    canonical_url: str                  # identity key (or urn:newsagg:... when the item has no link)
    url: str | None                     # the URL as published
    title: str
    published_at: datetime
    guid: str | None = None
    summary: str = ""
    body: str = ""
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    updated_at: datetime | None = None
    image_url: str | None = None
    language: str | None = None
    section: str | None = None
    feed_url: str | None = None
    feed_title: str | None = None
    fetched_at: datetime | None = None
    # Where each field came from, e.g. {"published_at": "feed:pubDate/rfc822", "title": "feed"}.
    evidence: dict[str, str] = field(default_factory=dict)
    # Degradations worth knowing, e.g. "date_from_fetch", "title_from_summary", "page_failed:404".
    flags: list[str] = field(default_factory=list)
    # Hash of the feed entry it came from (FeedEntry.signature); "unchanged" on a rerun.
    content_hash: str | None = None
    # Titles the publisher set in italics or quotes (<em>, <i>, “...”): a show-linking signal.
    emphasized: list[str] = field(default_factory=list)
    # Article page (None until fetched): ok | paywalled | blocked | not_article | failed.
    page_status: str | None = None
    page_error: str | None = None
    page_fetched_at: datetime | None = None
    # Set by show linking.
    shows: list["ShowLink"] = field(default_factory=list)


@dataclass
class ShowLink:
    """One show an article is about."""

    show_id: int
    title: str
    confidence: float
    primary: bool = False
    seasons: list[int] = field(default_factory=list)
    found_in: str = "body"  # title | description | body


@dataclass
class StoryAssignment:
    """A dedupe decision as the database stores it: the article's story, the article it copies, its signature."""

    article_id: int
    story_key: str
    duplicate_of_id: int | None
    text_hash: str | None
    minhash: bytes | None
    published_at: datetime
