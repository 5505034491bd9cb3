"""PageResult: everything extracted from one article page, with where each field came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newsagg.normalize.dates import isoformat_utc


@dataclass
class PageResult:
    url: str | None = None
    canonical_url: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None   # aware UTC
    modified: datetime | None = None    # aware UTC
    body: str = ""                      # paragraphs separated by "\n\n"
    description: str | None = None
    image: str | None = None
    language: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    status: str = "ok"                  # ok | paywalled | blocked | not_article
    # field -> "jsonld" | "meta:og" | "meta:parsely" | "parser:penske@1" | "trafilatura" | ...
    evidence: dict[str, str] = field(default_factory=dict)
    emphasized: list[str] = field(default_factory=list)  # <em>/<i> texts inside the body

    def to_json(self, id: Any = None) -> dict[str, Any]:
        """The `newsagg extract` output line (dates ISO 8601 UTC with Z, or null)."""
        return {
            "id": id, "url": self.url, "title": self.title, "authors": self.authors,
            "published": isoformat_utc(self.published), "modified": isoformat_utc(self.modified),
            "body": self.body, "description": self.description, "image": self.image,
            "language": self.language, "tags": self.tags, "canonical_url": self.canonical_url,
            "status": self.status,
        }
