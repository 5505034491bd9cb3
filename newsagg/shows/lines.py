"""`newsagg shows link` input lines -> links: {"id", "text"} or {"id", "title", "body", ...},
text or HTML (emphasised titles count), to {"id", "shows": [...]}."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from newsagg.jsonlines import parse_object
from newsagg.normalize.text import html_text, looks_like_html
from newsagg.records import ShowLink
from newsagg.shows.linker import ShowLinker


@dataclass
class LineItem:
    """One JSON input line of the batch commands, as texts ready for linking and extraction."""
    id: Any
    title: str
    description: str
    body: str
    emphasized: list[str]
    published: datetime | None


def read_item(line: str) -> LineItem:
    """{"id", "text"} or {"id", "title", "body", "description", "published"}; text or HTML
    (emphasised titles count). A plain text's first line is its headline when it has several."""
    item = parse_object(line)
    title = str(item.get("title") or "")
    body = str(item.get("body") or "")
    description = str(item.get("description") or "")
    if "text" in item and not (title or body):
        text = str(item.get("text") or "")
        title, sep, body = text.strip().partition("\n") if "\n" in text.strip() else ("", "", text)
    emphasized: list[str] = []
    parts = []
    for part in (title, description, body):
        if looks_like_html(part):
            part, emph = html_text(part)
            emphasized.extend(emph)
        parts.append(part)
    title, description, body = parts
    published = None
    if item.get("published"):
        try:
            published = datetime.fromisoformat(str(item["published"]).replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"bad \"published\": {item['published']!r}") from None
        if published.tzinfo is None:
            published = published.replace(tzinfo=timezone.utc)
    return LineItem(item.get("id"), title, description, body, emphasized, published)


def link_item(linker: ShowLinker, item: LineItem) -> list[ShowLink]:
    return linker.link(item.title, item.body, description=item.description, emphasized=item.emphasized,
                       published_at=item.published)


def link_line(linker: ShowLinker, line: str) -> dict[str, Any]:
    """One JSON line of `newsagg shows link` -> its shows (the format is in that command's help)."""
    item = read_item(line)
    return {"id": item.id, "shows": [
        {**linker.shows[l.show_id].ref(), "confidence": l.confidence, "primary": l.primary, "seasons": l.seasons}
        for l in link_item(linker, item)]}
