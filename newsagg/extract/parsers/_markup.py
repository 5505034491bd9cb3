"""Small lxml helpers shared by the page parsers."""

from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy

from lxml import etree

from newsagg.normalize.text import emphasis_spans, fold_ws

_BLOCK = {"p", "h2", "h3", "h4", "h5", "li", "blockquote", "pre", "table"}


def first(tree: etree._Element, xpaths: Iterable[str]) -> etree._Element | None:
    for xp in xpaths:
        found = tree.xpath(xp)
        if found:
            return found[0]
    return None


def text_of(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    return fold_ws(el.text_content()) or None


def texts(tree: etree._Element, xpath: str) -> tuple[str, ...]:
    """Distinct non-empty texts of the matches, in page order."""
    return tuple(dict.fromkeys(t for t in (text_of(e) for e in tree.xpath(xpath)) if t))


def paragraphs(container: etree._Element, drop: str) -> tuple[str, tuple[str, ...]]:
    """Body text of container: one paragraph per block element, `drop` (XPath) removed.

    Not newsagg.normalize.text.element_text on purpose: a parser reads only the theme's paragraph
    elements, so the loose text of share bars, bylines and "Trending" boxes in the body container
    stays out (element_text would keep it); whitespace and emphasis follow normalize.text.

    Returns (text with blank lines between paragraphs, emphasized texts). Works on a
    copy so the caller's tree is untouched.
    """
    box = deepcopy(container)
    for bad in box.xpath(drop):
        if bad.getparent() is not None:
            bad.drop_tree()
    out: list[str] = []
    emph: list[str] = []
    for el in box.iter(*_BLOCK):
        if any(a.tag in _BLOCK for a in el.iterancestors()):
            continue  # nested blocks (li inside blockquote) are read with their parent
        line = fold_ws(el.text_content())
        if line:
            out.append(line)
            for span in emphasis_spans(el):
                t = span.strip(" ,.;:!?")
                if 2 <= len(t) <= 120 and t.lower() not in {x.lower() for x in emph}:
                    emph.append(t)
    return "\n\n".join(out), tuple(emph)
