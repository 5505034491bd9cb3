"""JSON Feed (https://jsonfeed.org/version/1.1) to FeedEntry records, item by item.

Untrusted JSON can have any shape: a field of the wrong type makes that item an error
with a one-line reason, and the feed's other items are kept. A document nested
deeper than Python's recursion limit is read with the deep parts cut off, so one
hostile item does not cost the rest of the feed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from newsagg.records import FeedEntry

MAX_DEPTH = 32  # levels kept when a document is too deep for json.loads
_TOO_DEEP = "\x00newsagg:too-deep"
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)
_TEXT_FIELDS = ("url", "external_url", "title", "summary", "content_html", "content_text",
                "date_published", "date_modified", "image", "banner_image", "language")


@dataclass
class JsonFeed:
    entries: list[FeedEntry] = field(default_factory=list)
    item_errors: list[str] = field(default_factory=list)
    title: str | None = None
    language: str | None = None
    version: str | None = None
    error: str | None = None


class BadItem(ValueError):
    """One item of the feed cannot be read (wrong types, too deep)."""


def _cut_deep(text: str) -> str:
    """The document with every value nested deeper than MAX_DEPTH replaced by a marker."""
    out: list[str] = []
    depth, kept_to, cut_from = 0, 0, -1
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok in ("[", "{"):
            depth += 1
            if depth == MAX_DEPTH + 1 and cut_from < 0:
                out.append(text[kept_to:m.start()])
                cut_from = m.start()
        elif tok in ("]", "}"):
            if depth == MAX_DEPTH + 1 and cut_from >= 0:
                out.append(json.dumps(_TOO_DEEP))
                kept_to, cut_from = m.end(), -1
            depth -= 1
    if cut_from >= 0:  # never closed: the parser will report the document as broken
        out.append(json.dumps(_TOO_DEEP))
    else:
        out.append(text[kept_to:])
    return "".join(out)


def _has_cut(value: Any, depth: int = 0) -> bool:
    if value == _TOO_DEEP:
        return True
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return any(_has_cut(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_has_cut(v, depth + 1) for v in value)
    return False


def _int(digits: str) -> int | str:
    """Python refuses to read integers over 4,300 digits (and so the whole document): such
    a number stays a string, and a field that needs a number reports its wrong type."""
    return int(digits) if len(digits) <= 4000 else digits


def _load(body: bytes) -> tuple[Any, bool]:
    """The parsed document, and whether deep parts were cut off."""
    try:
        return json.loads(body, parse_int=_int), False
    except RecursionError:
        text = body.decode("utf-8-sig", errors="replace")
        return json.loads(_cut_deep(text), parse_int=_int), True


def _text(item: dict, key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) and value.strip() else None


def _check_types(item: dict) -> None:
    for key in _TEXT_FIELDS:
        if item.get(key) is not None and not isinstance(item[key], str):
            raise BadItem(f"'{key}' is {type(item[key]).__name__}, expected a string")
    if item.get("id") is not None and not isinstance(item["id"], (str, int, float)):
        raise BadItem(f"'id' is {type(item['id']).__name__}, expected a string")
    for key, kind in (("authors", list), ("tags", list), ("author", dict)):
        if item.get(key) is not None and not isinstance(item[key], kind):
            raise BadItem(f"'{key}' is {type(item[key]).__name__}, expected a {kind.__name__}")


def _entry(item: Any, url: str, source: str, title: str | None, language: str | None) -> FeedEntry:
    if not isinstance(item, dict):
        raise BadItem(f"item is {type(item).__name__}, expected an object")
    _check_types(item)
    authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
    return FeedEntry(
        source=source,
        feed_url=url,
        guid=str(item["id"]) if item.get("id") is not None else None,
        link=_text(item, "url") or _text(item, "external_url"),
        title=item.get("title"),
        summary=_text(item, "summary"),
        content=_text(item, "content_html") or _text(item, "content_text"),
        authors=[a["name"] for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str)],
        categories=[t for t in item.get("tags") or [] if isinstance(t, str)],
        published=_text(item, "date_published"),
        updated=_text(item, "date_modified"),
        image=_text(item, "image") or _text(item, "banner_image"),
        language=_text(item, "language") or language,
        feed_title=title,
    )


def parse_json_feed(body: bytes, url: str, source: str) -> JsonFeed:
    """Never raises on bad input: the document's error or each bad item's reason is kept."""
    try:
        doc, cut = _load(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        return JsonFeed(error=f"invalid JSON Feed: {exc}"[:300])
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        return JsonFeed(error="JSON document is not a JSON Feed (no 'items' list)")
    title = _text(doc, "title")
    language = _text(doc, "language")
    version = doc.get("version")
    result = JsonFeed(title=title, language=language, version=version if isinstance(version, str) else "json")
    for n, item in enumerate(doc["items"], 1):
        try:
            if cut and _has_cut(item):
                raise BadItem(f"nested deeper than {MAX_DEPTH} levels")
            result.entries.append(_entry(item, url, source, title, language))
        except BadItem as exc:
            ident = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), (str, int)) else None
            name = f"item {n}" + (f" (id {str(ident)[:80]!r})" if ident is not None else "")
            result.item_errors.append(f"{name}: {exc}")
    return result
