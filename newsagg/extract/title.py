"""Headline choice and site-name stripping, for any site (not only the registry's outlets).

Site names come off by the title's separator structure: a trailing (or leading)
segment after " | ", " - ", " – ", "：", " :: " ... goes when it names the site
(og:site_name, application-name, the JSON-LD publisher, the registry title, the
host's brand, e.g. "dw" for dw.com), when it is a date ("| 28.04.2023"), or when
the segments before it are, word for word, another headline the page carries (the
visible h1 or the JSON-LD headline): "Title - National" next to an h1 "Title".

The headline a reader sees is the article's h1. It is used when it agrees in
substance with the page's metadata titles (so a logo, "Log In" or a section name
set in h1 is not taken); where og:title is a social variant of it, the h1 wins,
unless the registry declares the outlet's headline evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from lxml import etree

from newsagg.normalize.text import clean_inline

# Separators between a headline and the site's name or section. The full-width colon and
# vertical bar are written without spaces in Japanese and Chinese titles.
_SEP = re.compile(r"\s+(?:\||–|—|-|::|»|·|•|/|\*)\s+|\s*[：｜]\s*|\s*\|\s*")
_DATE_SEGMENT = re.compile(r"^\s*(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}\s+\w+\s+\d{4}|\w+\s+\d{1,2},?\s+\d{4})\s*$")
_BY_SEGMENT = re.compile(r"^\s*by\s+\S.{0,60}$", re.I)
# Second-level labels under which a country registers names (bbc.co.uk, abc.net.au, mk.co.kr).
_SECOND_LEVEL = {"co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "go"}
_WORD = re.compile(r"\w+", re.UNICODE)
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def norm(text: str) -> str:
    """Comparison key: case-folded letters and digits of any script, a leading "the" dropped."""
    return re.sub(r"[\W_]+", "", text.casefold().removeprefix("the "))


def host_brand(url: str | None) -> str | None:
    """The registrable name of the host: 'globalnews' for www.globalnews.ca, 'mk' for mk.co.kr."""
    host = (urlsplit(url).hostname or "") if url else ""
    labels = [x for x in host.removeprefix("www.").split(".") if x]
    if len(labels) < 2:
        return None
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return labels[-3]
    return labels[-2]


def _names_segment(segment: str, names: set[str], brand: str | None) -> bool:
    key = norm(segment)
    if not key:
        return False
    if key in names:
        return True
    short = len(segment.split()) <= 4 and len(segment) <= 40
    if short and any(len(n) >= 3 and (key.startswith(n) or n.startswith(key) or n in key) for n in names):
        return True  # "Fandom powered by Wikia", "Globalnews.ca", "Bhopal News | Free Press Journal"
    if brand and short:
        initials = "".join(w[0] for w in _WORD.findall(segment.casefold()))
        if key == brand or initials == brand:  # "DW" on dw.com, "Frankfurter Allgemeine Zeitung" on faz.net
            return True
        return len(brand) >= 4 and len(key) >= 4 and (key.startswith(brand) or brand.startswith(key))
    return False


def strip_site_name(title: str, names: Iterable[str], url: str | None = None,
                    other_headlines: Iterable[str] = ()) -> str:
    """The headline without the site's name, section or date segments around it."""
    text = clean_inline(title)
    keys = {norm(n) for n in names if n}
    keys.discard("")
    brand = host_brand(url)
    others = {norm(h) for h in other_headlines if h}
    others.discard("")
    for _ in range(4):  # "Title | Section | Outlet | 28.04.2023"
        seps = list(_SEP.finditer(text))
        if not seps:
            break
        head, tail = text[: seps[-1].start()].strip(), text[seps[-1].end():].strip()
        first, rest = text[: seps[0].start()].strip(), text[seps[0].end():].strip()
        if norm(text) in others:
            break
        if head and (_DATE_SEGMENT.match(tail) or _BY_SEGMENT.match(tail) or _names_segment(tail, keys, brand)):
            text = head
        elif rest and len(seps) >= 1 and _names_segment(first, keys, brand) and len(rest.split()) >= 3:
            text = rest  # "Outlet | Title"
        elif others and any(norm(text[: m.start()]) in others for m in seps):
            text = next(text[: m.start()].strip() for m in seps if norm(text[: m.start()]) in others)
        else:
            break
    return text


def _tokens(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if len(w) > 1 or not w.isascii()}


def _similar(a: str, b: str) -> float:
    """Share of the smaller token set found in the other (CJK titles: characters)."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    if _UNSPACED.search(a + b):  # Chinese, Japanese, Korean: compare characters, not words
        ta, tb = set(norm(a)), set(norm(b))
    return len(ta & tb) / min(len(ta), len(tb))


def h1_candidates(tree: etree._Element) -> list[str]:
    """h1 texts, those inside the article (or main) first, then those outside header/nav/aside/
    footer, then the rest; page order within each rank."""
    ranked: dict[str, int] = {}
    for el in tree.iter("h1"):
        text = clean_inline(el.text_content())
        if not text:
            continue
        tags = {a.tag for a in el.iterancestors()}
        rank = 0 if tags & {"article", "main"} or el.get("itemprop") == "headline" else (
            2 if tags & {"header", "nav", "aside", "footer"} else 1)
        ranked[text] = min(rank, ranked.get(text, rank))
    return sorted(ranked, key=ranked.__getitem__)


def visible_headline(tree: etree._Element, metadata_titles: Iterable[str], names: Iterable[str],
                     url: str | None = None) -> str | None:
    """The article's h1 when it agrees in substance with a metadata title (or the page has none)."""
    titles = [t for t in metadata_titles if t]
    keys = {norm(n) for n in names if n}
    brand = host_brand(url)
    for text in h1_candidates(tree)[:6]:
        if len(norm(text)) < 6 or len(text) > 400 or _names_segment(text, keys, brand) and len(text.split()) <= 4:
            continue  # a logo or the site's name set in h1
        if not titles or any(_similar(text, t) >= 0.5 for t in titles):
            return text
    return None
