"""extract_page: one article page -> PageResult, parsing the HTML once.

Evidence order per field (the first that gives a usable value wins, and
`evidence[field]` says which): JSON-LD article node, then meta tags (OpenGraph,
article:*, parsely, sailthru, Dublin Core, itemprop), then the source's parser,
then the page itself (<title>, <time>, byline markup, <html lang>). A parser may
claim fields it knows better (its OVERRIDES, e.g. the body of a Penske page).
Title is the exception: og:title comes before the JSON-LD headline unless the
outlet declares where its headline lives (`headline` in the source registry).
Body: a parser body or a real JSON-LD articleBody skips trafilatura; otherwise
trafilatura runs (body.py). Dates outside 1990 .. now+2 days are rejected by
parse_date and the next evidence is tried.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime, timezone, tzinfo
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from newsagg.extract import body as bodymod
from newsagg.extract import dates
from newsagg.extract import meta as metamod
from newsagg.extract import title as headlines
from newsagg.extract.authors import clean_authors, organisation_credits
from newsagg.extract.decode import decode_html
from newsagg.extract.jsonld import JsonLd, first_str, parse_jsonld, str_list
from newsagg.extract.parsers import get_parser
from newsagg.extract.result import PageResult
from newsagg.extract.status import NOT_ARTICLE, classify, non_html
from newsagg.normalize.language import normalise_language_tag
from newsagg.normalize.text import clean_inline
from newsagg.normalize.urls import canonical_url

MAX_CHARS = 4_000_000  # a huge page is cut here: articles are far smaller, and lxml time grows with size
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_BYLINE_XPATHS = (
    '//*[@itemprop="author"]//*[@itemprop="name"]', '//*[@itemprop="author" and not(*)]',
    '//a[@rel="author"]', '//*[contains(@class, "byline")]//a[contains(@href, "/author")]',
    '//*[contains(@class, "author-name") or contains(@class, "author__name") or contains(@class, "byline__name")]',
    '//*[contains(@class, "byline") and not(.//*[contains(@class, "byline")])]',
    # Author boxes by class (not bios), then "By ..." lines in the visible text (found from their
    # text nodes: normalize-space(.) on every element would read the whole page many times).
    '//*[@class][contains(@class, "author") or contains(@class, "writer")][not(contains(@class, "bio"))]'
    '[string-length(normalize-space(.)) < 80]',
    '//text()[starts-with(normalize-space(), "By ") or starts-with(normalize-space(), "by ")]'
    '/parent::*[self::p or self::div or self::span or self::address or self::li]'
    '[string-length(normalize-space(.)) < 100]',
)
_TIME_XPATHS = ('//*[@itemprop="datePublished"]/@datetime', '//*[@itemprop="datePublished"]/@content',
                "//article//time[not(ancestor::aside or ancestor::footer)]/@datetime",
                "//time[@pubdate]/@datetime")


def _tz(name: str) -> tzinfo:
    if not name or name.upper() == "UTC":
        return timezone.utc
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


# Every element lxml hands to Python gets its class from the parser's lookup; lxml.html's own
# lookup is Python code run per element (~3,000 times a page inside trafilatura alone). This C
# lookup gives the same HtmlElement / HtmlComment classes, only without lxml.html's form-field
# subclasses, which nothing here uses.
_CLASS_LOOKUP = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity)


def _html_parser() -> lxml.html.HTMLParser:
    parser = lxml.html.HTMLParser(collect_ids=False, default_doctype=False)
    parser.set_element_class_lookup(_CLASS_LOOKUP)
    return parser


def parse_tree(text: str) -> etree._Element | None:
    """lxml tree of the page, or None when there is no markup at all."""
    text = _XML_DECL.sub("", text[:MAX_CHARS], count=1).replace("\x00", "")
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text, parser=_html_parser())
    except (etree.ParserError, ValueError):
        return None


def _outlet_names(url: str | None, meta: metamod.Meta, ld: JsonLd) -> list[str]:
    names = [*ld.organizations]
    for key in metamod.SITE_NAME_KEYS:
        names.extend(v.lstrip("@") for v in meta.all(key))
    if url:
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        if host:
            names.append(host.split(".")[0])
            names.append(host)
    return [n for n in dict.fromkeys(clean_inline(n) for n in names) if n]


class _Picker:
    """Collects the first usable value per field and its evidence label."""

    def __init__(self, result: PageResult) -> None:
        self.result = result

    def take(self, field: str, candidates: Iterable[tuple[Any, str | None]], convert: Callable[[Any], Any]) -> None:
        for raw, label in candidates:
            if callable(raw):  # page-markup fallbacks are only searched when needed
                raw = raw()
            if raw is None or raw == "" or raw == []:
                continue
            value = convert(raw)
            if value is None or value == "" or value == []:
                continue
            setattr(self.result, field, value)
            self.result.evidence[field] = label or "page"
            return


def extract_page(html: str | bytes, url: str | None = None, *, parser: str | None = None,
                 http_status: int = 200, content_type: str | None = None,
                 default_tz: str = "UTC", now: datetime | None = None, with_body: bool = True,
                 headline: str | None = None) -> PageResult:
    """Extract title, authors, dates, body and the rest from one page. Never raises on bad input
    (an unknown parser name does raise: it is a configuration error).

    with_body=False skips body extraction (metadata only, e.g. to re-date a stored article);
    the status then only reflects HTTP status and blocking markers. headline names the evidence
    that carries the outlet's headline ("og", "jsonld", "h1", "title-tag"; default og).
    """
    text, _enc = decode_html(html, content_type) if isinstance(html, bytes) else (html, "str")
    result = PageResult(url=url)
    site_parser = get_parser(parser) if parser else None
    if http_status >= 400:  # an error or challenge page: its "metadata" is the error page's
        result.status = classify(text=text, body="", http_status=http_status, is_article=False,
                                 accessible_for_free=None)
        return result
    if non_html(text, content_type):
        result.status = NOT_ARTICLE
        return result
    tree = parse_tree(text)
    if tree is None:
        result.status = classify(text=text, body="", http_status=http_status, is_article=False,
                                 accessible_for_free=None)
        return result
    tz = _tz(default_tz)
    now = now or datetime.now(timezone.utc)
    ld = parse_jsonld(tree, url)
    meta = metamod.parse_meta(tree)
    art = ld.article or {}
    parsed: dict[str, Any] = {}
    plabel = ""
    if site_parser is not None:
        try:
            parsed = site_parser.parse(tree, url).present()
        except Exception:  # noqa: BLE001 - a broken parser must not lose the page; generic path goes on
            parsed = {}
        plabel = site_parser.label
    overrides = site_parser.overrides if site_parser is not None else frozenset()
    outlets = _outlet_names(url, meta, ld)
    base = url or meta.canonical or meta.get("og:url")
    pick = _Picker(result)

    def order(field: str, generic: list[tuple[Any, str | None]], page: list[tuple[Any, str | None]] = ()):
        """Evidence order for a field: parser first when it overrides, else after meta."""
        mine = [(parsed.get(field), plabel)] if field in parsed else []
        return [*mine, *generic, *page] if field in overrides else [*generic, *mine, *page]

    # Title: the headline a reader sees (the article's h1 when it agrees in substance with the
    # metadata titles), else og:title before the JSON-LD headline, which is often the SEO variant.
    # Outlets whose headline lives elsewhere declare it (`headline` in sources.toml).
    og_title, og_label = meta.first(metamod.TITLE_KEYS[:1])
    ld_title = first_str(art.get("headline")) or first_str(art.get("name"))
    titles = {"og": (og_title, og_label), "jsonld": (ld_title, "jsonld"),
              "title-tag": (meta.title_tag, "title-tag"), "h1": (lambda: _h1(tree), "h1")}
    generic = [titles["og"], titles["jsonld"], *[(meta.get(k), lab) for k, lab in metamod.TITLE_KEYS[1:]]]
    from_page = [titles["title-tag"], titles["h1"]]
    lead = titles.get(headline or "")
    seen_h1 = None
    if lead is not None:  # the declared evidence first, the rest in the usual order after it
        generic = [lead, *(c for c in generic if c is not lead)]
        from_page = [c for c in from_page if c is not lead]
    else:
        # The h1 must agree with the article's metadata titles (the <title> only when there are none).
        meta_titles = [clean_inline(v) for v, _ in generic if v] or [clean_inline(meta.title_tag)]
        seen_h1 = headlines.visible_headline(tree, meta_titles, outlets, url)
        if seen_h1:
            generic = [_agreeing(seen_h1, generic), *generic]
    others = [h for h in (seen_h1, clean_inline(ld_title) if ld_title else None) if h]
    pick.take("title", order("title", generic, from_page), lambda v: _clean_title(v, outlets, url, others))

    # Dates: the first that parses and is plausible. A zone written in the value wins; a zone-less
    # value is read in the outlet's zone, else the page's own (see extract/dates.py).
    published_values = [(first_str(art.get("datePublished")), "jsonld"),
                        (first_str(art.get("dateCreated")), "jsonld:dateCreated"),
                        *[(v, lab) for k, lab in metamod.PUBLISHED_KEYS for v in meta.all(k)[:1]]]
    modified_values = [(first_str(art.get("dateModified")), "jsonld"),
                       *[(v, lab) for k, lab in metamod.MODIFIED_KEYS for v in meta.all(k)[:1]]]
    zone, zone_from = tz, "outlet"
    if tz is timezone.utc:  # no outlet zone known: the page's
        found, how = dates.page_zone([v for v, _ in (*published_values, *modified_values) if isinstance(v, str)],
                                     meta.lang, url)
        if found is not None:
            zone, zone_from = found, how

    def date(v: Any) -> datetime | None:
        return dates.parse_page_date(v, zone, now)

    pick.take("published", order("published", published_values,
                                 [(lambda xp=xp: _xp_first(tree, xp), "time-tag") for xp in _TIME_XPATHS]), date)
    counted: list[int] = []

    def huge() -> bool:
        """Page-wide searches are skipped on huge pages (counted once, only when a search is due)."""
        if not counted:
            counted.append(sum(1 for _ in tree.iter()))
        return counted[0] > bodymod.MAX_TRAFILATURA_NODES

    if result.published is None and not huge():  # metadata has none: the date shown on the page
        shown, label = dates.visible_date(tree, zone, now, url)
        if shown is not None:
            result.published, result.evidence["published"] = shown, label
    pick.take("modified", order("modified", modified_values), date)
    if result.published is not None and zone_from != "outlet":
        result.evidence["published_zone"] = zone_from  # where a zone-less date's zone came from
    if result.published and result.modified and result.modified < result.published:
        result.modified = None  # an "updated" before publication is a template default, not a date
        result.evidence.pop("modified", None)

    # Authors
    author_value = ld.resolve(art.get("author")) if art else None
    if author_value is None and art:
        author_value = ld.resolve(art.get("creator"))
    searched: dict[str, list[str] | None] = {}  # each byline search runs once (persons, then organisations)

    def byline(xp: str) -> list[str] | None:
        if xp not in searched:
            searched[xp] = None if xp in _BYLINE_XPATHS[-2:] and huge() else _byline(tree, xp)
        return searched[xp]

    author_evidence = order("authors", [(author_value, "jsonld"),
                                        *[(meta.all(k), lab) for k, lab in metamod.AUTHOR_KEYS]],
                            [(lambda xp=xp: byline(xp), "byline") for xp in _BYLINE_XPATHS])
    pick.take("authors", author_evidence, lambda v: clean_authors(v, outlets) or None)
    if not result.authors:  # no person named anywhere: the agency or staff credit, as an organisation
        pick.take("authors", author_evidence, lambda v: organisation_credits(v, outlets) or None)

    # Description, image, section, tags
    pick.take("description", order("description", [(first_str(art.get("description")), "jsonld"),
                                                   *[(meta.get(k), lab) for k, lab in metamod.DESCRIPTION_KEYS]]),
              lambda v: clean_inline(v)[:2000] or None)
    pick.take("image", order("image", [(first_str(ld.resolve(art.get("image")), "url", "contentUrl"), "jsonld"),
                                       (first_str(ld.resolve(art.get("thumbnailUrl")), "url"), "jsonld"),
                                       *[(meta.get(k), lab) for k, lab in metamod.IMAGE_KEYS]]),
              lambda v: _abs_url(v, base))
    pick.take("section", order("section", [(first_str(art.get("articleSection")), "jsonld"),
                                           *[(meta.get(k), lab) for k, lab in metamod.SECTION_KEYS]]),
              lambda v: clean_inline(v)[:200] or None)
    pick.take("tags", order("tags", [(str_list(art.get("keywords")), "jsonld"),
                                     *[(_tags(meta.all(k)), lab) for k, lab in metamod.TAG_KEYS]]),
              lambda v: _dedupe(clean_inline(t)[:100] for t in v)[:50] or None)

    # Canonical URL and language
    pick.take("canonical_url", [(meta.canonical, "link:canonical"), (meta.get("og:url"), "meta:og"),
                                (first_str(art.get("url")), "jsonld"), (url, "url")],
              lambda v: _canonical(v, base))
    pick.take("language", [(meta.lang, "html:lang"), (first_str(art.get("inLanguage"), "name"), "jsonld"),
                           (meta.get("og:locale"), "meta:og"), (meta.get("content-language"), "meta:http-equiv"),
                           (meta.get("language"), "meta:language")],
              normalise_language_tag)

    if not with_body:
        result.status = classify(text=text, body="x " * 500, http_status=http_status, is_article=True,
                                 accessible_for_free=None)
        return result
    # Body: parser (when it overrides) > JSON-LD articleBody > parser > trafilatura.
    body, how = "", ""
    candidates = [(parsed.get("body"), plabel)] if "body" in overrides else []
    if art.get("articleBody"):
        candidates += [(bodymod.jsonld_body(art.get("articleBody"), bodymod.paragraph_chars(tree)), "jsonld")]
    candidates += [(parsed.get("body"), plabel)] if "body" not in overrides else []
    for text_value, label in candidates:
        if bodymod.is_good_body(text_value, 200):
            body, how = bodymod.clean_body(text_value), label
            break
    if not body:
        bodymod.strip_never_body(tree)
        body, how = bodymod.generic_body(tree, url, counted[0] if counted else None)
    body = bodymod.drop_leading_title(body, result.title)
    result.body = body
    if body:
        result.evidence["body"] = how
    if how == plabel and parsed.get("emphasized"):
        result.emphasized = list(parsed["emphasized"])
    else:
        result.emphasized = bodymod.emphasized_texts(tree, body)

    free = art.get("isAccessibleForFree") if art else None
    accessible = None if free is None else str(free).strip().lower() not in ("false", "0", "no")
    # Article evidence: an article JSON-LD node, og:type article, or a publication date.
    is_article = bool(ld.article) or (meta.get("og:type") or "").lower() == "article" or result.published is not None
    result.status = classify(text=text, body=body, http_status=http_status, is_article=is_article,
                             accessible_for_free=accessible)
    return result


def _clean_title(value: str, outlets: list[str], url: str | None, others: list[str]) -> str | None:
    """Headline without " | Outlet", " | Section | Outlet", " | by Author" or date segments."""
    return headlines.strip_site_name(value, outlets, url, others)[:1000] or None


def _agreeing(seen: str, candidates: list[tuple[Any, str | None]]) -> tuple[Any, str | None]:
    """The visible headline, as the metadata title that says the same (same words and evidence
    label as before when they agree), else as the h1 itself."""
    key = headlines.norm(seen)
    for value, label in candidates:
        if value and headlines.norm(clean_inline(value)) == key:
            return value, label
    for value, label in candidates:  # a kicker set inside the h1: "Exclusive: <headline>", "LIVE <headline>"
        said = clean_inline(value) if value else ""
        if said and seen.endswith(said) and len(seen[: -len(said)].split()) <= 2:
            return value, label
    return seen, "h1"


def _h1(tree: etree._Element) -> str | None:
    found = tree.xpath("(//article//h1 | //h1)[1]")
    return found[0].text_content() if found else None


def _xp_first(tree: etree._Element, xp: str) -> str | None:
    found = tree.xpath(xp)
    return str(found[0]) if found else None


def _byline(tree: etree._Element, xp: str) -> list[str] | None:
    """Names in the first byline found: elements sharing the first match's byline container
    (later matches are usually bylines of related-article teasers)."""
    els = tree.xpath(xp)
    if not els:
        return None
    box = els[0].getparent()
    box = box.getparent() if box is not None and box.getparent() is not None else box
    els = [e for e in els[:6] if box is None or any(a is box for a in e.iterancestors())] or els[:1]
    names = [clean_inline(e.text_content()) for e in els]
    return [n for n in names if n and len(n) < 120] or None


def _tags(values: list[str]) -> list[str]:
    if len(values) == 1:  # parsely/sailthru/keywords: one comma-separated value
        return [v.strip() for v in values[0].split(",") if v.strip()]
    return values


def _dedupe(items: Iterable[str]) -> list[str]:
    out: dict[str, str] = {}
    for item in items:
        if item and item.lower() not in out:
            out[item.lower()] = item
    return list(out.values())


def _abs_url(value: str, base: str | None) -> str | None:
    value = clean_inline(value)
    try:
        full = urljoin(base, value) if base else value
    except ValueError:
        return None
    return full if full.startswith(("http://", "https://")) else None


def _canonical(value: str, base: str | None) -> str | None:
    try:
        return canonical_url(clean_inline(value), base=base)
    except (ValueError, TypeError):
        return None
