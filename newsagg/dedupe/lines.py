"""`newsagg cluster` input lines -> DedupeItem: {"id", "title", "text", "published", "source",
"url", "shows"} (all but id and title optional)."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from newsagg.dedupe.engine import DedupeItem
from newsagg.jsonlines import parse_object


def item_from_line(line: str) -> DedupeItem:
    """One JSON line of `newsagg cluster` -> a DedupeItem; ValueError (one line) when it is not one."""
    obj = parse_object(line)
    key, title = obj.get("id"), obj.get("title")
    if key is None or not isinstance(key, (str, int)) or isinstance(key, bool):
        raise ValueError('missing or invalid "id" (a string or integer)')
    if not isinstance(title, str):
        raise ValueError('missing "title" (a string)')
    text = obj.get("text") or ""
    if not isinstance(text, str):
        raise ValueError('"text" must be a string')
    shows = obj.get("shows") or []
    if not isinstance(shows, list) or not all(isinstance(s, str) for s in shows):
        raise ValueError('"shows" must be a list of strings')
    return DedupeItem(key=key, title=title, text=text, published_at=_date(obj.get("published")),
                      source=_str(obj.get("source")), url=_str(obj.get("url")), shows=shows)


def _date(value: Any) -> datetime | None:
    """ISO 8601 or RFC 822; missing or unreadable gives None (the engine uses now, flagged)."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
