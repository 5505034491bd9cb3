"""Per-source page parsers (Fundus-style): small, versioned, plain Python over lxml.

A source opts in with `parser = "<name>"` in sources.toml. A parser exists only
where the generic path (JSON-LD, meta tags, trafilatura) is wrong or slow for an
outlet's CMS; it returns only the fields it is sure of, and newsagg.extract merges
them with the generic evidence.

Parsers are discovered, not listed: every module of this package that exposes
`PARSER = Parser(name=..., version=..., overrides=..., parse=...)` is one (modules
whose name starts with "_" hold shared helpers). `parse(tree, url)` returns a
ParsedPage. Every parser is tested against a saved page in tests/fixtures/pages/.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any

from lxml import etree


@dataclass(frozen=True)
class ParsedPage:
    """What a parser is sure of on one page; empty fields are left to the generic evidence."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None     # as written in the page; extract_page parses it
    modified: str | None = None
    body: str | None = None          # paragraphs separated by "\n\n"
    description: str | None = None
    image: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()
    emphasized: tuple[str, ...] = ()  # <em>/<i> texts inside the body

    def present(self) -> dict[str, Any]:
        """The non-empty fields by name (lists for the tuple fields)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value:
                out[f.name] = list(value) if isinstance(value, tuple) else value
        return out


@dataclass
class Parser:
    name: str
    version: int  # bump when the output for the same page changes
    parse: Callable[[etree._Element, str | None], ParsedPage]
    overrides: frozenset[str] = field(default_factory=frozenset)  # fields it knows better than JSON-LD/meta

    @property
    def label(self) -> str:
        """Evidence label, e.g. 'parser:penske@1'."""
        return f"parser:{self.name}@{self.version}"


class UnknownParser(KeyError):
    """No parser discovered under that name (the message is one line with the nearest name)."""


@cache
def _discovered() -> dict[str, Parser]:
    found: dict[str, Parser] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        parser = getattr(module, "PARSER", None)
        if isinstance(parser, Parser) and parser.name and isinstance(parser.version, int):
            found[parser.name] = parser
    return found


def available_parsers() -> list[str]:
    """Names of every discovered parser, sorted."""
    return sorted(_discovered())


def unknown_parser_message(name: str) -> str:
    """One line: the bad name, the nearest valid one if any, and the known names."""
    known = available_parsers()
    near = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    return f"unknown page parser {name!r}{hint}; known: {', '.join(known)}"


def get_parser(name: str) -> Parser:
    """The parser discovered as `name`; UnknownParser (a KeyError) otherwise."""
    try:
        return _discovered()[name]
    except KeyError:
        raise UnknownParser(unknown_parser_message(name)) from None
