"""Hearst UK sites (Digital Spy; the same platform serves Cosmopolitan UK, Esquire UK).

Why a parser: the body sits in `.article-body-content` between embedded
"Related Story" link boxes (`.embed-editorial-links`) and product embeds, which
trafilatura keeps; bylines are `.byline-name` links followed by an author bio
module that the generic byline fallback can pick up. Dates are in
`time.content-info-date[datetime]`.

Version history: 1 - first version.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from crawler.parsers import first, paragraphs, text_of

NAME = "hearst"
VERSION = 1
OVERRIDES = frozenset({"body"})

_BODY = ('//div[contains(concat(" ", @class, " "), " article-body-content ")]',
         '//div[contains(@class, "standard-body-content")]', '//*[@data-journey-content]',
         '//*[@itemprop="articleBody"]')
_DROP = ('.//script | .//style | .//noscript | .//iframe | .//figure | .//form | .//aside'
         ' | .//*[contains(@class, "embed")] | .//*[contains(@class, "related")]'
         ' | .//*[contains(@class, "newsletter")] | .//*[contains(@class, "ad-container")]'
         ' | .//*[contains(@class, "product")] | .//*[contains(@class, "share")]')
_TITLE = ('//h1[contains(@class, "content-hed")]', '//header//h1', "//h1")


def parse(tree: etree._Element, url: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    body_el = first(tree, _BODY)
    if body_el is not None:
        body, emph = paragraphs(body_el, _DROP)
        if body:
            out["body"], out["emphasized"] = body, emph
    out["title"] = text_of(first(tree, _TITLE))
    names = [text_of(a) for a in tree.xpath('//*[contains(@class, "byline")]//*[contains(@class, "byline-name")]'
                                            ' | //*[contains(@class, "byline")]//a[@rel="author"]')]
    if names := [n for n in names if n]:
        out["authors"] = list(dict.fromkeys(names))
    stamp = first(tree, ('//time[contains(@class, "content-info-date")]/@datetime',
                         '//*[contains(@class, "content-info")]//time/@datetime'))
    if stamp:
        out["published"] = str(stamp)
    dek = text_of(first(tree, ('//*[contains(@class, "content-dek")]',)))
    if dek:
        out["description"] = dek
    section = text_of(first(tree, ('//*[contains(@class, "content-header")]//a[contains(@class, "section-link")]',)))
    if section:
        out["section"] = section
    tags = [text_of(a) for a in tree.xpath('//*[contains(@class, "tags-list")]//a')]
    if tags := [t for t in tags if t]:
        out["tags"] = list(dict.fromkeys(tags))
    return {k: v for k, v in out.items() if v}
