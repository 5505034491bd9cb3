"""Per-source page parsers (Fundus-style): small, versioned, plain Python over lxml.

A source opts in with `parser = "<name>"` in sources.toml. A parser exists only
where the generic path (JSON-LD, meta tags, trafilatura) is wrong or slow for an
outlet's CMS; it returns only the fields it is sure of, and newsagg.extract merges
them with the generic evidence. Each module defines:

    NAME: str
    VERSION: int            # bump when the output for the same page changes
    OVERRIDES: frozenset    # fields this parser knows better than JSON-LD/meta
    def parse(tree, url) -> dict   # keys: title, authors, published, modified, body,
                                   # description, image, section, tags, emphasized

Every parser is tested against saved pages in tests/fixtures/pages/.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from types import ModuleType

from lxml import etree

from newsagg.normalize.text import fold_ws

_MODULES = {"penske": "crawler.parsers.penske", "hearst": "crawler.parsers.hearst"}
_BLOCK = {"p", "h2", "h3", "h4", "h5", "li", "blockquote", "pre", "table"}


class UnknownParser(KeyError):
    """No parser registered under that name."""


def names() -> list[str]:
    return sorted(_MODULES)


def get_parser(name: str) -> ModuleType:
    """The parser module registered as `name` (KeyError subclass if unknown)."""
    try:
        return importlib.import_module(_MODULES[name])
    except KeyError:
        raise UnknownParser(f"unknown page parser {name!r}; known: {', '.join(names())}") from None


def label(name: str) -> str:
    """Evidence label, e.g. 'parser:penske@1'."""
    return f"parser:{name}@{get_parser(name).VERSION}"


# ------------------------------------------------------------ helpers for parsers


def has_class(el: etree._Element, *classes: str) -> bool:
    cls = (el.get("class") or "").split()
    return any(c in cls for c in classes)


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


def paragraphs(container: etree._Element, drop: str) -> tuple[str, list[str]]:
    """Body text of container: one paragraph per block element, `drop` (XPath) removed.

    Returns (text with blank lines between paragraphs, emphasized texts). Works on a
    copy so the caller's tree is untouched.
    """
    from copy import deepcopy

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
            for e in el.iter("em", "i", "cite"):
                t = fold_ws(e.text_content()).strip(" ,.;:!?")
                if 2 <= len(t) <= 120 and t.lower() not in {x.lower() for x in emph}:
                    emph.append(t)
    return "\n\n".join(out), emph
