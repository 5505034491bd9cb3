"""FeedEntry -> Article: dates, URLs, text, title, language, with documented fallbacks.

Fallbacks (never a crash; each is flagged on the article):
- no link: the GUID when it is an http(s) URL, else a stable ``urn:newsagg:<source>:<hash>``
  key from the GUID (or title and date) so reruns still match ("no_link").
- no title: the first sentence of the summary or body, up to 120 characters
  ("title_from_summary"); with no text at all the entry is dropped with a reason.
- no or unparseable published date: the updated date ("date_from_updated"), else the
  fetch time ("date_from_fetch").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from newsagg.normalize.dates import parse_date
from newsagg.normalize.language import choose_language
from newsagg.normalize.text import clean_inline, clean_title, html_to_text, strip_feed_boilerplate
from newsagg.normalize.urls import canonical_url
from newsagg.records import Article, FeedEntry

_SENTENCE = re.compile(r"(?<=[.!?])\s")
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.I)
_BY = re.compile(r"^\s*(?:by|von|par|por)\s+", re.I)


class EntryRejected(ValueError):
    """The entry has nothing to store (no link, no title, no text)."""


def _http_url(value: str | None, base: str) -> str | None:
    if not value:
        return None
    try:
        return canonical_url(value, base=base)
    except ValueError:
        return None


def split_authors(names: Iterable[str], outlet_names: Iterable[str] = ()) -> list[str]:
    """'By Jane Doe and John Roe' -> ['Jane Doe', 'John Roe']; outlet names and duplicates dropped."""
    outlets = {o.lower() for o in outlet_names if o}
    out: list[str] = []
    for raw in names:
        text = clean_inline(raw)
        if "@" in text and "(" in text:  # RSS <author>email (Name)</author>
            text = text[text.index("(") + 1:].rstrip(")")
        text = _BY.sub("", text)
        for part in _AUTHOR_SPLIT.split(text):
            name = part.strip(" .")
            if not name or name.lower() in outlets or name.lower() in (o.lower() for o in out):
                continue
            if name.startswith(("http://", "https://")) or len(name) > 80:
                continue
            out.append(name)
    return out


def _fallback_title(summary: str, body: str) -> str:
    text = summary or body
    first = _SENTENCE.split(text.strip(), maxsplit=1)[0] if text else ""
    first = first.split("\n", 1)[0]
    return first if len(first) <= 120 else first[:117].rsplit(" ", 1)[0] + "..."


def normalise_entry(entry: FeedEntry, *, source_title: str = "", timezone_name: str = "UTC",
                    now: datetime | None = None) -> Article:
    """Normalise one feed entry. Raises EntryRejected when nothing can be stored."""
    now = now or entry.fetched_at or datetime.now(timezone.utc)
    tz = ZoneInfo(timezone_name) if timezone_name != "UTC" else timezone.utc
    flags: list[str] = []
    evidence: dict[str, str] = {}
    outlet_names = [n for n in (source_title, entry.source, entry.feed_title) if n]

    summary = strip_feed_boilerplate(html_to_text(entry.summary))
    body = strip_feed_boilerplate(html_to_text(entry.content)) if entry.content else ""
    if body and summary and body.startswith(summary[:200]) and len(summary) >= len(body):
        body = ""  # content that only repeats the teaser is not a body

    link = _http_url(entry.link, entry.feed_url)
    url = link
    if link:
        key = link
    else:
        guid_url = _http_url(entry.guid, entry.feed_url) if entry.guid and "://" in entry.guid else None
        if guid_url:
            key = url = guid_url
            evidence["canonical_url"] = "feed:guid"
        else:
            # The GUID, else title and date: stable across reruns and summary edits.
            basis = entry.guid or f"{entry.title or ''}\n{entry.published or entry.updated or summary[:500]}"
            if not basis.strip():
                raise EntryRejected("entry has no link, no guid, no title and no text")
            digest = hashlib.sha1(basis.encode("utf-8", "surrogatepass")).hexdigest()[:20]
            key = f"urn:newsagg:{entry.source}:{digest}"
            evidence["canonical_url"] = "synthetic"
        flags.append("no_link")

    title = clean_title(entry.title, outlet_names, is_html=not entry.title_is_text)
    evidence["title"] = "feed"
    if not title:
        title = _fallback_title(summary, body)
        if not title:
            raise EntryRejected("entry has no title and no text")
        flags.append("title_from_summary")
        evidence["title"] = "feed:summary"

    published, how = parse_date(entry.published, tz, now)
    if how == "unparsed" and entry.published_parsed is not None:
        # A format only feedparser knows (it has parsers for many old formats); never a
        # date we refused as out of range (feedparser reads year 1 as 2001).
        published, how = parse_date(entry.published_parsed, tz, now)
    if published is not None:
        evidence["published_at"] = f"feed:published/{how}"
    # feedparser copies an RSS pubDate into `updated`: only a distinct value is a modification.
    updated_raw = entry.updated if entry.updated != entry.published else None
    updated, uhow = parse_date(updated_raw, tz, now)
    if updated is not None:
        evidence["updated_at"] = f"feed:updated/{uhow}"
    if published is None:
        if entry.published:
            flags.append(f"bad_date:{entry.published[:60]}")
        if updated is not None:
            published = updated
            flags.append("date_from_updated")
            evidence["published_at"] = f"feed:updated/{uhow}"
        else:
            published = now.astimezone(timezone.utc).replace(microsecond=0)
            flags.append("date_from_fetch")
            evidence["published_at"] = "fetched"

    image = _http_url(entry.image, entry.feed_url) if entry.image else None
    language = choose_language(entry.language, text="") or None
    if language is None and (title or summary):
        language = choose_language(text=f"{title}. {summary}"[:600])
        if language:
            evidence["language"] = "detected"
    elif language:
        evidence["language"] = "feed"

    return Article(
        source=entry.source,
        canonical_url=key,
        url=entry.link if link else url,
        guid=clean_inline(entry.guid)[:500] or None if entry.guid else None,
        title=title[:1000],
        summary=summary,
        body=body,
        authors=split_authors(entry.authors, outlet_names),
        tags=list(dict.fromkeys(clean_inline(c) for c in entry.categories if clean_inline(c)))[:50],
        published_at=published,
        updated_at=updated,
        image_url=image,
        language=language,
        feed_url=entry.feed_url,
        feed_title=clean_inline(entry.feed_title) or None,
        fetched_at=entry.fetched_at or now,
        evidence=evidence,
        flags=flags,
        content_hash=entry.signature(),
    )
