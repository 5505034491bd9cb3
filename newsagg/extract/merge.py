"""Feed article + page extraction -> one Article, with a documented precedence.

The feed is the identity and the editor's own summary; the page is richer. Rules:

| field        | winner                                                                          |
|--------------|---------------------------------------------------------------------------------|
| canonical_url| never changed (it is the storage key); the page's differing canonical is a flag  |
| title        | feed title; page title only when the feed had none ("title_from_summary")       |
| published_at | feed date; page date when the feed date was a fallback (updated / fetch time)   |
| updated_at   | page modified when present and not before published, else the feed's            |
| authors      | page authors when it found any (feeds often say "Staff" or one dc:creator)      |
| body         | page body when status ok and at least as long as the feed's content:encoded     |
| summary      | feed summary, else page description                                              |
| image_url    | feed image, else page image                                                      |
| section      | feed section, else page section                                                  |
| tags         | feed categories then page tags, deduplicated                                    |
| language     | page (html lang / JSON-LD) over a language guessed from feed text               |
| emphasized   | union, feed first                                                                |

A `blocked` or `not_article` page contributes nothing but its status (a challenge
page's metadata is the challenge's). A `paywalled` page contributes metadata and
a body only when longer than the feed's. Evidence values taken from the page are
prefixed "page:" (e.g. "page:jsonld").
"""

from __future__ import annotations

from dataclasses import replace

from newsagg.extract.result import PageResult
from newsagg.records import Article

_USABLE = {"ok", "paywalled"}


def _flag(flags: list[str], flag: str) -> list[str]:
    return flags if flag in flags else [*flags, flag]


def merge_page(article: Article, page: PageResult) -> Article:
    """A new Article: `article` (from the feed) completed by `page`."""
    a = replace(article, evidence=dict(article.evidence), flags=list(article.flags),
                tags=list(article.tags), authors=list(article.authors), emphasized=list(article.emphasized))
    a.page_status = page.status
    a.page_error = None
    if page.status not in _USABLE:
        a.flags = _flag(a.flags, f"page_{page.status}")
        return a
    if page.status == "paywalled":
        a.flags = _flag(a.flags, "page_paywalled")
    ev = page.evidence

    def took(field: str, page_field: str) -> None:
        a.evidence[field] = f"page:{ev.get(page_field, 'page')}"

    if page.title and "title_from_summary" in a.flags:
        a.title = page.title
        a.flags.remove("title_from_summary")
        took("title", "title")
    if page.published and ({"date_from_fetch", "date_from_updated"} & set(a.flags)):
        a.published_at = page.published
        a.flags = [f for f in a.flags if f not in ("date_from_fetch", "date_from_updated")]
        took("published_at", "published")
    if page.modified and page.modified >= a.published_at:
        a.updated_at = page.modified
        took("updated_at", "modified")
    if page.authors:
        a.authors = list(page.authors)
        took("authors", "authors")
    if page.body and (page.status == "ok" or len(page.body) > len(a.body)) and len(page.body) >= len(a.body):
        a.body = page.body
        took("body", "body")
    if not a.summary and page.description:
        a.summary = page.description
        took("summary", "description")
    if not a.image_url and page.image:
        a.image_url = page.image
        took("image_url", "image")
    if not a.section and page.section:
        a.section = page.section
        took("section", "section")
    if page.tags:
        seen = {t.lower() for t in a.tags}
        a.tags += [t for t in page.tags if t.lower() not in seen and not seen.add(t.lower())]  # type: ignore[func-returns-value]
    if page.language and (not a.language or a.evidence.get("language") == "detected"):
        a.language = page.language
        took("language", "language")
    if page.emphasized:
        seen = {t.lower() for t in a.emphasized}
        a.emphasized += [t for t in page.emphasized if t.lower() not in seen and not seen.add(t.lower())]  # type: ignore[func-returns-value]
    if page.canonical_url and page.canonical_url != a.canonical_url and not a.canonical_url.startswith("urn:"):
        canonical = _same_site_canonical(a.canonical_url, page.canonical_url)
        if canonical:
            # An AMP or mobile variant names its article: that URL is the identity.
            a.canonical_url = canonical
            a.evidence["canonical_url"] = "page:rel=canonical"
        else:
            a.flags = _flag(a.flags, "page_canonical_differs")
    return a


_VARIANT_PREFIXES = ("www.", "m.", "amp.", "mobile.")


def _site(host: str) -> str:
    for prefix in _VARIANT_PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix):]
    return host


def _same_site_canonical(url: str, page_canonical: str) -> str | None:
    """The page's rel=canonical, normalised, when it is on the same site as url.

    Same site only: a syndicated copy's canonical points at the original outlet, and
    that copy must stay an article of its own (marked duplicate_of by dedupe).
    """
    from newsagg.normalize.urls import canonical_url, url_host

    try:
        canonical = canonical_url(page_canonical, base=url)
    except ValueError:
        return None
    return canonical if _site(url_host(canonical)) == _site(url_host(url)) else None


def page_failed(article: Article, reason: str) -> Article:
    """The feed article as it is, flagged: the page could not be fetched or read."""
    reason = (reason or "unknown").strip().replace("\n", " ")[:200]
    a = replace(article, flags=list(article.flags), evidence=dict(article.evidence))
    a.flags = _flag(a.flags, f"page_failed:{reason}")
    a.page_status = "failed"
    a.page_error = reason
    return a
