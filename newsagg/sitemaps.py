"""News sitemaps and sitemap indexes to FeedEntry records.

Scrapy's SitemapSpider drops the Google News namespace (`<news:news>`: publication
date, title, keywords), which is most of what a news sitemap is for, so it is read
here. lxml parses with entity resolution and network access off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from newsagg.gzipped import MAX_DECOMPRESSED_BYTES, gunzip, is_gzip
from newsagg.records import FeedEntry
from newsagg.xmlguard import REFUSAL, has_internal_subset

_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "image": "http://www.google.com/schemas/sitemap-image/1.1",
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True,
                          remove_comments=True)


@dataclass
class ParsedSitemap:
    url: str
    entries: list[FeedEntry] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # children of a sitemap index
    error: str | None = None


def _text(el: etree._Element, path: str) -> str | None:
    found = el.find(path, _NS)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_sitemap(body: bytes, url: str, source: str = "", fetched_at: datetime | None = None) -> ParsedSitemap:
    """Parse a urlset (news or plain) or a sitemap index. Never raises on bad input."""
    result = ParsedSitemap(url=url)
    if is_gzip(body):
        try:
            body = gunzip(body)
        except ValueError as exc:
            result.error = f"bad gzip sitemap: {exc}"
            return result
    if len(body) > MAX_DECOMPRESSED_BYTES:
        result.error = "sitemap larger than 50 MB"
        return result
    if has_internal_subset(body):
        result.error = REFUSAL
        return result
    try:
        root = etree.fromstring(body, _PARSER)
    except (etree.XMLSyntaxError, ValueError) as exc:
        result.error = f"not XML: {exc}"
        return result
    if root is None:
        result.error = "empty or unreadable XML"
        return result
    kind = _local(root.tag)
    if kind == "sitemapindex":
        result.sitemaps = [loc for sm in root.iter(f"{{{_NS['sm']}}}sitemap")
                           if (loc := _text(sm, "sm:loc"))]
        return result
    if kind != "urlset":
        result.error = f"not a sitemap (root element <{kind or root.tag}>)"
        return result
    for u in root.iter(f"{{{_NS['sm']}}}url"):
        loc = _text(u, "sm:loc")
        if not loc:
            continue
        news = u.find("news:news", _NS)
        title = keywords = published = language = None
        if news is not None:
            title = _text(news, "news:title")
            keywords = _text(news, "news:keywords")
            published = _text(news, "news:publication_date")
            language = _text(news, "news:publication/news:language")
        image = _text(u, "image:image/image:loc")
        result.entries.append(FeedEntry(
            source=source, feed_url=url, link=loc, title=title,
            published=published or _text(u, "sm:lastmod"),
            updated=_text(u, "sm:lastmod"),
            categories=[k.strip() for k in (keywords or "").split(",") if k.strip()],
            image=image, language=language, fetched_at=fetched_at,
        ))
    return result
