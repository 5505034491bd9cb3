"""Feed bytes to FeedEntry records: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by hand.

feedparser never fetches here (we hand it a BytesIO: a plain string could make it
open a URL or a local file). Its HTML sanitiser and URI resolution are off: we
store plain text only, which is ~3x cheaper (see performance-notes.md).
Entity declarations in the DOCTYPE are refused before any XML parser sees them.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import feedparser

from newsagg.records import FeedEntry

_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[(.*?)\]\s*>", re.S | re.I)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
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
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        return ParsedFeed(url=url, error=f"invalid JSON Feed: {exc}")
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        return ParsedFeed(url=url, error="JSON document is not a JSON Feed (no 'items' list)")
    title = doc.get("title") if isinstance(doc.get("title"), str) else None
    language = doc.get("language") if isinstance(doc.get("language"), str) else None
    result = ParsedFeed(url=url, title=title, language=language,
                        version=str(doc.get("version") or "json"))
    for item in doc["items"]:
        if not isinstance(item, dict):
            continue
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        result.entries.append(FeedEntry(
            source=source,
            feed_url=url,
            guid=str(item["id"]) if item.get("id") is not None else None,
            link=_first_nonempty(item.get("url"), item.get("external_url")),
            title=item.get("title") if isinstance(item.get("title"), str) else None,
            summary=_first_nonempty(item.get("summary")),
            content=_first_nonempty(item.get("content_html"), item.get("content_text")),
            authors=[a["name"] for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str)],
            categories=[t for t in item.get("tags") or [] if isinstance(t, str)],
            published=_first_nonempty(item.get("date_published")),
            updated=_first_nonempty(item.get("date_modified")),
            image=_first_nonempty(item.get("image"), item.get("banner_image")),
            language=_first_nonempty(item.get("language")) or language,
            feed_title=title,
        ))
    return result


MAX_FEED_BYTES = 32 * 1024 * 1024


def _gunzip(body: bytes) -> bytes:
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as gz:
        out = gz.read(MAX_FEED_BYTES + 1)
    if len(out) > MAX_FEED_BYTES:
        raise ValueError("decompressed feed larger than 32 MB")
    return out


def _entity_declarations(body: bytes) -> bool:
    head = body[:200_000]
    m = _DOCTYPE_SUBSET.search(head)
    return bool(m and _ENTITY_DECL.search(m.group(1)))


def _looks_json(body: bytes, content_type: str) -> bool:
    if "json" in content_type.lower():
        return True
    return body.lstrip()[:1] == b"{"


def parse_feed(body: bytes, url: str, source: str = "", content_type: str = "",
               fetched_at: datetime | None = None) -> ParsedFeed:
    """Parse one fetched feed. Never raises on bad input: problems land in .error/.warning."""
    if body[:2] == b"\x1f\x8b":  # a .gz file served without Content-Encoding
        try:
            body = _gunzip(body)
        except (OSError, EOFError, ValueError) as exc:
            return ParsedFeed(url=url, error=f"bad gzip body: {exc}")
    if not body or not body.strip():
        return ParsedFeed(url=url, error="empty response body")
    if _looks_json(body, content_type):
        result = _parse_json_feed(body, url, source)
    elif _entity_declarations(body):
        # Billion-laughs style bombs and external entities: refuse before parsing.
        return ParsedFeed(url=url, error="XML declares entities in its DOCTYPE (entity expansion refused)")
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
        for e in parsed.get("entries", []):
            result.entries.append(_entry_from_feedparser(e, url, title, language, source))
        if parsed.get("bozo"):
            exc = parsed.get("bozo_exception")
            reason = f"{type(exc).__name__}: {exc}" if exc else "ill-formed feed"
            if result.entries:
                result.warning = f"ill-formed feed, salvaged {len(result.entries)} items ({reason})"
            elif _HTML_START.match(body):
                result.error = "not a feed: the URL returned an HTML page"
            elif not result.version:
                result.error = f"not a feed, or too broken to salvage ({reason})"
        elif not result.version and not result.entries:
            result.error = ("not a feed: the URL returned an HTML page" if _HTML_START.match(body)
                            else "not a recognised feed format")
    # Duplicate GUIDs inside one feed: keep the first occurrence.
    seen: set[str] = set()
    unique: list[FeedEntry] = []
    for entry in result.entries:
        key = entry.guid or entry.link
        if key and key in seen:
            result.duplicate_guids += 1
            continue
        if key:
            seen.add(key)
        entry.fetched_at = fetched_at
        unique.append(entry)
    result.entries = unique
    return result
