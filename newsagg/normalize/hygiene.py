"""Text hygiene: the one place where an Article's text is made storable.

Every text field (strings, and strings inside lists and dicts) loses what no
database or reader wants: NUL and other C0 controls (tab, newline and carriage
return stay), lone surrogates (PostgreSQL and SQLite's UTF-8 encoder refuse them;
a valid surrogate pair is joined back into its character) and Unicode
non-characters (U+FDD0..U+FDEF, U+xFFFE/U+xFFFF). Fields are then capped in
length, so one hostile item cannot blow up the full-text index, a log line or
memory. An identity that does not fit its column is refused, not cut: a cut URL
would be another article's key.
"""

from __future__ import annotations

import re
from dataclasses import fields
from typing import Any

from newsagg.records import Article

# Characters removed everywhere. Surrogates are handled first (pairs joined), then dropped.
_NONCHARS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17))
_BAD = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff{_NONCHARS}]")
_SURROGATE = re.compile("[\ud800-\udfff]")

# Longest value kept per field (characters). Body: what the PostgreSQL search vector indexes.
TEXT_CAPS = {"title": 1000, "summary": 20_000, "body": 200_000, "feed_title": 500, "page_error": 500,
             "section": 200, "language": 16, "guid": 500}
LIST_CAP = 50        # authors, tags, flags, emphasized: at most this many entries...
ITEM_CAP = 200       # ...of at most this many characters each
# Columns that hold an identity or a link: longer values cannot be stored whole.
URL_CAP = 2000
_URL_FIELDS = ("url", "image_url", "feed_url")
_OTHER_CAP = 10_000  # any other text field


_TEXT_FIELDS = tuple(f.name for f in fields(Article) if f.name not in ("shows", "minhash", "published_at",
                                                                     "updated_at", "fetched_at", "page_fetched_at"))


class UnstorableArticle(ValueError):
    """The article cannot be stored even after cleaning (e.g. its key is too long)."""


# The fast check runs on UTF-8 bytes at C speed (a regex scan is ~50x slower on long bodies):
# encoding fails on a lone surrogate, controls are single bytes, and every non-character's
# encoding contains one of these byte pairs (a rare false alarm only takes the slow path).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_NONCHAR_UTF8 = (b"\xef\xb7", b"\xbf\xbe", b"\xbf\xbf")


def _clean_already(value: str) -> bool:
    try:
        raw = value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return len(raw.translate(None, _CONTROL_BYTES)) == len(raw) and not any(m in raw for m in _NONCHAR_UTF8)


def clean_text(value: str) -> str:
    """`value` without NUL, other C0 controls, lone surrogates and non-characters."""
    if _clean_already(value):
        return value
    if _SURROGATE.search(value):
        # Join valid pairs ("\ud83d\ude00" -> one emoji); what is left alone is dropped.
        value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")
    return _BAD.sub("", value)


def _clean_value(value: Any, cap: int) -> Any:
    if isinstance(value, str):
        return clean_text(value)[:cap]
    if isinstance(value, list):
        return [_clean_value(v, ITEM_CAP) for v in value[:LIST_CAP]]
    if isinstance(value, dict):
        return {clean_text(str(k))[:ITEM_CAP]: _clean_value(v, ITEM_CAP) for k, v in list(value.items())[:LIST_CAP]}
    return value


def _cap(name: str) -> int:
    return URL_CAP if name in _URL_FIELDS or name == "canonical_url" else TEXT_CAPS.get(name, _OTHER_CAP)


def _needs_work(article: Article) -> bool:
    """False for the usual article: every field within its cap and the text, checked at once, clean."""
    parts: list[str] = []
    for name in _TEXT_FIELDS:
        value = getattr(article, name)
        if isinstance(value, str):
            if len(value) > _cap(name):
                return True
            parts.append(value)
        elif isinstance(value, (list, dict)):
            items = [*value, *value.values()] if isinstance(value, dict) else value
            if len(value) > LIST_CAP or not all(isinstance(v, str) and len(v) <= ITEM_CAP for v in items):
                return True
            parts += items
    return not _clean_already(" ".join(parts)) or not article.title


def sanitise_article(article: Article) -> Article:
    """Clean and cap every text field in place; raises UnstorableArticle when the key cannot be stored."""
    if not _needs_work(article):
        return article
    changed = False
    for name in _TEXT_FIELDS:
        value = getattr(article, name)
        if isinstance(value, (str, list, dict)):
            if name in _URL_FIELDS or name == "canonical_url":
                cleaned = clean_text(value)  # checked below, never cut
            else:
                cleaned = _clean_value(value, _cap(name))
            if cleaned != value:
                setattr(article, name, cleaned)
                changed = True
    if not article.canonical_url or len(article.canonical_url) > URL_CAP:
        raise UnstorableArticle(f"key of {len(article.canonical_url)} characters (at most {URL_CAP})")
    for name in _URL_FIELDS:
        value = getattr(article, name)
        if value is not None and len(value) > URL_CAP:
            setattr(article, name, None)  # a cut link is a wrong link: keep none
    if not article.title:
        raise UnstorableArticle("no title left after removing control characters")
    if changed and "text_cleaned" not in article.flags:
        article.flags.append("text_cleaned")
    return article
