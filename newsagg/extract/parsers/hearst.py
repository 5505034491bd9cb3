"""Hearst UK sites (Digital Spy; the same platform serves Cosmopolitan UK, Esquire UK).

Why a parser: the body sits in `.article-body-content` between embedded
"Related Story" link boxes (`.embed-editorial-links`) and product embeds, which
trafilatura keeps; bylines are `.byline-name` links followed by an author bio
module that the generic byline fallback can pick up. Dates are in
`time.content-info-date[datetime]`.

Version history: 1 - first version.
"""

from __future__ import annotations

from lxml import etree

from newsagg.extract.parsers import ParsedPage, Parser
from newsagg.extract.parsers._markup import first, paragraphs, text_of, texts

_BODY = ('//div[contains(concat(" ", @class, " "), " article-body-content ")]',
         '//div[contains(@class, "standard-body-content")]', '//*[@data-journey-content]',
         '//*[@itemprop="articleBody"]')
_DROP = ('.//script | .//style | .//noscript | .//iframe | .//figure | .//form | .//aside'
         ' | .//*[contains(@class, "embed")] | .//*[contains(@class, "related")]'
         ' | .//*[contains(@class, "newsletter")] | .//*[contains(@class, "ad-container")]'
         ' | .//*[contains(@class, "product")] | .//*[contains(@class, "share")]')
_TITLE = ('//h1[contains(@class, "content-hed")]', '//header//h1', "//h1")


def parse(tree: etree._Element, url: str | None = None) -> ParsedPage:
    body, emph = "", ()
    body_el = first(tree, _BODY)
    if body_el is not None:
        body, emph = paragraphs(body_el, _DROP)
    stamp = first(tree, ('//time[contains(@class, "content-info-date")]/@datetime',
                         '//*[contains(@class, "content-info")]//time/@datetime'))
    return ParsedPage(
        title=text_of(first(tree, _TITLE)),
        authors=texts(tree, '//*[contains(@class, "byline")]//*[contains(@class, "byline-name")]'
                            ' | //*[contains(@class, "byline")]//a[@rel="author"]'),
        published=str(stamp) if stamp else None,
        body=body or None, emphasized=emph if body else (),
        description=text_of(first(tree, ('//*[contains(@class, "content-dek")]',))),
        section=text_of(first(tree, ('//*[contains(@class, "content-header")]'
                                     '//a[contains(@class, "section-link")]',))),
        tags=texts(tree, '//*[contains(@class, "tags-list")]//a'))


PARSER = Parser(name="hearst", version=1, parse=parse, overrides=frozenset({"body"}))
