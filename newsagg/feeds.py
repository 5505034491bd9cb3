"""Feed bytes to FeedEntry records: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by hand.

feedparser never fetches here (we hand it a BytesIO: a plain string could make it
open a URL or a local file). Its HTML sanitiser and URI resolution are off: we
store plain text only, which is ~3x cheaper (measured on this project's machines).
Entity declarations in the DOCTYPE are refused before any XML parser sees them.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import feedparser

from newsagg.gzipped import gunzip, is_gzip
from newsagg.jsonfeed import parse_json_feed
from newsagg.records import FeedEntry
from newsagg.xmlguard import MAX_DEPTH, REFUSAL, has_internal_subset, nests_too_deep

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)


@dataclass
class ParsedFeed:
    url: str
    entries: list[FeedEntry] = field(default_factory=list)
    title: str | None = None
    language: str | None = None
    version: str | None = None
    error: str | None = None        # set when the feed yielded nothing usable
    warning: str | None = None      # set when items were salvaged from an ill-formed feed
    duplicate_guids: int = 0
    item_errors: list[str] = field(default_factory=list)  # one line per item that could not be read
    ttl_minutes: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _first_nonempty(*values: Any) -> str | None:
    for v in values:
        if isinstance(v, str) and v.strip():
            return v
    return None


def _image_of(e: Any) -> str | None:
    for media in e.get("media_content") or []:
        url = media.get("url")
        if url and (media.get("medium") == "image" or str(media.get("type", "")).startswith("image")
                    or "medium" not in media and "type" not in media):
            return url
    for thumb in e.get("media_thumbnail") or []:
        if thumb.get("url"):
            return thumb["url"]
    for link in e.get("links") or []:
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image") and link.get("href"):
            return link["href"]
    image = e.get("image")
    if isinstance(image, dict) and image.get("href"):
        return image["href"]
    return None


def _authors_of(e: Any) -> list[str]:
    names: list[str] = []
    for a in e.get("authors") or []:
        name = a.get("name") if isinstance(a, dict) else None
        if name:
            names.append(name)
    if not names and e.get("author"):
        names.append(e["author"])
    return names


def _entry_from_feedparser(e: Any, url: str, feed_title: str | None, language: str | None,
                           source: str) -> FeedEntry:
    content = None
    contents = e.get("content") or []
    if contents:
        content = max((c.get("value") or "" for c in contents), key=len) or None
    link = e.get("link")
    if not link:
        for candidate in e.get("links") or []:
            if candidate.get("rel") in (None, "alternate") and candidate.get("href"):
                link = candidate["href"]
                break
    return FeedEntry(
        source=source,
        feed_url=url,
        guid=_first_nonempty(e.get("id"), e.get("guid")),
        link=link,
        title=e.get("title"),
        title_is_text=(e.get("title_detail") or {}).get("type") == "text/plain",
        summary=e.get("summary"),
        content=content,
        authors=_authors_of(e),
        categories=[t.get("term") for t in e.get("tags") or [] if t.get("term")],
        published=_first_nonempty(e.get("published"), e.get("created")),
        # dict.get bypasses feedparser's legacy updated->published fallback (and its warning).
        updated=dict.get(e, "updated"),
        published_parsed=e.get("published_parsed") or e.get("created_parsed"),
        updated_parsed=dict.get(e, "updated_parsed"),
        image=_image_of(e),
        language=_first_nonempty(*(c.get("language") for c in contents)) or language,
        feed_title=feed_title,
    )


def _parse_json_feed(body: bytes, url: str, source: str) -> ParsedFeed:
    doc = parse_json_feed(body, url, source)
    return ParsedFeed(url=url, entries=doc.entries, title=doc.title, language=doc.language,
                      version=doc.version, error=doc.error, item_errors=doc.item_errors)


def _looks_json(body: bytes, content_type: str) -> bool:
    if "json" in content_type.lower():
        return True
    return body.lstrip()[:1] == b"{"


# Longest text kept per field: far above any real item, far below what fills a log or a batch.
MAX_TITLE_CHARS = 2_000
MAX_TEXT_CHARS = 1_000_000
MAX_SHORT_CHARS = 2_000  # dates, image URLs, languages


def _cap_text(entry: FeedEntry) -> None:
    """Cap every text field before the entry is stored or logged. Identity (GUID, link) is never
    cut: a cut link points elsewhere and two cut GUIDs collide; an over-long one is refused with a
    reason when the item is stored (normalize/hygiene.py)."""
    for name in ("published", "updated", "image", "language", "feed_title"):
        value = getattr(entry, name)
        if isinstance(value, str) and len(value) > MAX_SHORT_CHARS:
            setattr(entry, name, value[:MAX_SHORT_CHARS])
    if entry.title and len(entry.title) > MAX_TITLE_CHARS:
        entry.title = entry.title[:MAX_TITLE_CHARS]
    for name in ("summary", "content"):
        value = getattr(entry, name)
        if value and len(value) > MAX_TEXT_CHARS:
            setattr(entry, name, value[:MAX_TEXT_CHARS])
    entry.authors = [a[:MAX_SHORT_CHARS] for a in entry.authors[:100]]
    entry.categories = [c[:MAX_SHORT_CHARS] for c in entry.categories[:200]]


def _unique_entries(result: ParsedFeed, fetched_at: datetime | None) -> list[FeedEntry]:
    """Entries repeated in one feed (same GUID and link) are kept once. A GUID shared by
    entries with different links identifies none of them: it is dropped from all, so each
    is keyed by its link, whatever order the feed lists them in."""
    links_of: dict[str, set[str | None]] = {}
    for entry in result.entries:
        if entry.guid:
            links_of.setdefault(entry.guid, set()).add(entry.link)
    seen: set[tuple[str | None, str | None]] = set()
    unique: list[FeedEntry] = []
    for entry in result.entries:
        if entry.guid and len(links_of[entry.guid]) > 1:
            entry.guid = None
        key = (entry.guid, entry.link)
        if key != (None, None) and key in seen:
            result.duplicate_guids += 1
            continue
        seen.add(key)
        _cap_text(entry)
        entry.fetched_at = fetched_at
        unique.append(entry)
    return unique


def parse_feed(body: bytes, url: str, source: str = "", content_type: str = "",
               fetched_at: datetime | None = None) -> ParsedFeed:
    """Parse one fetched feed. Never raises on bad input: problems land in .error/.warning."""
    if is_gzip(body):  # a .gz file served without Content-Encoding
        try:
            body = gunzip(body)
        except ValueError as exc:
            return ParsedFeed(url=url, error=f"bad gzip body: {exc}")
    if not body or not body.strip():
        return ParsedFeed(url=url, error="empty response body")
    if _looks_json(body, content_type):
        result = _parse_json_feed(body, url, source)
    elif has_internal_subset(body, content_type):
        # Billion-laughs style bombs: refused before any parser sees the bytes.
        return ParsedFeed(url=url, error=REFUSAL)
    elif nests_too_deep(body, content_type):
        return ParsedFeed(url=url, error=f"XML nested more than {MAX_DEPTH} elements deep (refused: "
                                         "parsing time grows with the depth)")
    else:
        # Headers only when the server sent a type: without one, feedparser's HTTP
        # checks would call a perfectly good feed ill-formed (NonXMLContentType).
        headers = {"content-location": url, "content-type": content_type} if content_type else None
        try:
            parsed = feedparser.parse(io.BytesIO(body), response_headers=headers,
                                      sanitize_html=False, resolve_relative_uris=False)
        except Exception as exc:  # feedparser is robust, but this must never stop a crawl
            return ParsedFeed(url=url, error=f"feed parser crashed: {type(exc).__name__}: {exc}")
        feed = parsed.get("feed", {})
        title = feed.get("title")
        language = feed.get("language")
        result = ParsedFeed(url=url, title=title, language=language, version=parsed.get("version") or None)
        try:
            ttl = int(str(feed.get("ttl", "")).strip())
            result.ttl_minutes = ttl if ttl > 0 else None
        except ValueError:
            pass
        for n, e in enumerate(parsed.get("entries", []), 1):
            try:
                result.entries.append(_entry_from_feedparser(e, url, title, language, source))
            except Exception as exc:  # one odd entry costs only itself
                result.item_errors.append(f"item {n}: {type(exc).__name__}: {exc}"[:300])
        if parsed.get("bozo"):
            exc = parsed.get("bozo_exception")
            reason = f"{type(exc).__name__}: {exc}"[:300] if exc else "ill-formed feed"
            if result.entries:
                result.warning = f"ill-formed feed, salvaged {len(result.entries)} items ({reason})"
            elif _HTML_START.match(body):
                result.error = "not a feed: the URL returned an HTML page"
            elif not result.version:
                result.error = f"not a feed, or too broken to salvage ({reason})"
        elif not result.version and not result.entries:
            result.error = ("not a feed: the URL returned an HTML page" if _HTML_START.match(body)
                            else "not a recognised feed format")
    result.entries = _unique_entries(result, fetched_at)
    return result
