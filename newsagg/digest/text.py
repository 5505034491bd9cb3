"""Small text helpers shared by build and render: whitespace, word caps, safe links."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SUMMARY_WORDS = 60      # cap on a feed summary shown in a digest
BODY_WORDS = 40         # a summary made from the body: its first ~40 words

_WS = re.compile(r"\s+")
_UNSAFE_URL_CHARS = re.compile(r"[\s\x00-\x1f\x7f<>\"'`\\]")


def squash(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def first_words(text: str | None, n: int) -> str:
    words = squash(text).split(" ")
    if len(words) <= n:
        return " ".join(words)
    return " ".join(words[:n]).rstrip(",;:.-") + "…"


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) link, else None: `javascript:`, `data:` and the like
    never become links in any format."""
    url = (url or "").strip()
    if not url or _UNSAFE_URL_CHARS.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url
