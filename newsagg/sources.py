"""The source registry: every outlet declared as data in TOML (see sources.toml).

Adding a source is editing config, not code. A bad file raises ConfigError with
one line naming the file, the source and the key.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsagg.errors import ConfigError

SOURCES_ENV = "NEWSAGG_SOURCES"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str | int | float) -> timedelta:
    """'30m', '2h', '1d', '1s' -> timedelta; a bare 0 means 'no limit' (zero)."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return timedelta(seconds=float(text))
    if isinstance(text, str) and text.strip() in {"0", "off", "none"}:
        return timedelta(0)
    m = _DURATION.match(text) if isinstance(text, str) else None
    if not m:
        raise ValueError(f"not a duration: {text!r} (use e.g. '30m', '2h', '1d')")
    return timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2)])


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    feeds: tuple[str, ...]
    homepage: str = ""
    sitemaps: tuple[str, ...] = ()
    interval: timedelta = timedelta(hours=1)
    timezone: str = "UTC"
    follow_links: bool = True
    allow_private_hosts: bool = False
    page_window: timedelta = timedelta(days=2)
    parser: str | None = None
    headline: str | None = None
    enabled: bool = True
    domains: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def domain(self) -> str:
        first = self.homepage or (self.feeds or self.sitemaps or ("",))[0]
        return urlsplit(first).hostname or ""

    def page_options(self) -> dict[str, Any]:
        """Keyword arguments for newsagg.extract.extract_page on this outlet's pages."""
        return {"parser": self.parser, "headline": self.headline, "default_tz": self.timezone}

    def serves(self, host: str) -> bool:
        """True when a page on `host` belongs to this outlet (its domain or a subdomain)."""
        host = host.lower().rstrip(".")
        for dom in (self.domain, *self.domains):
            dom = dom.lower().removeprefix("www.")
            if dom and (host == dom or host.endswith("." + dom)):
                return True
        return False


_KNOWN_KEYS = {
    "name", "title", "homepage", "feeds", "sitemaps", "interval", "timezone",
    "follow_links", "allow_private_hosts", "page_window", "parser", "headline", "enabled", "domains",
}
# Which markup carries an outlet's headline (see `headline` in sources.toml).
HEADLINE_EVIDENCE = ("og", "jsonld", "h1", "title-tag")


def _source_from_table(table: dict[str, Any], where: str, index: int) -> Source:
    name = table.get("name")
    label = f"source #{index + 1}" if not isinstance(name, str) else f"source {name!r}"

    def bad(key: str, why: str) -> ConfigError:
        return ConfigError(f"{where}: {label}: key {key!r}: {why}")

    if not isinstance(name, str) or not _SLUG.match(name):
        raise bad("name", "required; a slug of lowercase letters, digits and hyphens")
    feeds = table.get("feeds", [])
    sitemaps = table.get("sitemaps", [])
    for key, urls in (("feeds", feeds), ("sitemaps", sitemaps)):
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            raise bad(key, "must be a list of URLs")
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise bad(key, f"not an http(s) URL: {url!r}")
    if not feeds and not sitemaps:
        raise bad("feeds", "required: at least one feed (or sitemap) URL")
    kwargs: dict[str, Any] = {"name": name, "feeds": tuple(feeds), "sitemaps": tuple(sitemaps)}
    title = table.get("title", name)
    if not isinstance(title, str):
        raise bad("title", "must be a string")
    kwargs["title"] = title
    homepage = table.get("homepage", "")
    if not isinstance(homepage, str):
        raise bad("homepage", "must be a string URL")
    kwargs["homepage"] = homepage
    for key in ("interval", "page_window"):
        if key in table:
            try:
                kwargs[key] = parse_duration(table[key])
            except ValueError as exc:
                raise bad(key, str(exc)) from None
    if "timezone" in table:
        try:
            ZoneInfo(str(table["timezone"]))
        except (ZoneInfoNotFoundError, ValueError):
            raise bad("timezone", f"unknown IANA time zone {table['timezone']!r}") from None
        kwargs["timezone"] = str(table["timezone"])
    for key in ("follow_links", "allow_private_hosts"):
        if key in table:
            if not isinstance(table[key], bool):
                raise bad(key, "must be true or false")
            kwargs[key] = table[key]
    if "parser" in table:
        if not isinstance(table["parser"], str):
            raise bad("parser", "must be a parser name")
        from newsagg.extract.parsers import available_parsers, unknown_parser_message

        if table["parser"] not in available_parsers():
            raise bad("parser", unknown_parser_message(table["parser"]))
        kwargs["parser"] = table["parser"]
    if "headline" in table:
        if table["headline"] not in HEADLINE_EVIDENCE:
            raise bad("headline", f"must be one of {', '.join(map(repr, HEADLINE_EVIDENCE))}")
        kwargs["headline"] = table["headline"]
    if "enabled" in table:
        if not isinstance(table["enabled"], bool):
            raise bad("enabled", "must be true or false")
        kwargs["enabled"] = table["enabled"]
    if "domains" in table:
        doms = table["domains"]
        if not isinstance(doms, list) or not all(isinstance(d, str) and d and "/" not in d for d in doms):
            raise bad("domains", "must be a list of host names, e.g. [\"example.co.uk\"]")
        kwargs["domains"] = tuple(doms)
    kwargs["extra"] = {k: v for k, v in table.items() if k not in _KNOWN_KEYS}
    return Source(**kwargs)


def parse_registry(text: str, where: str = "<string>") -> list[Source]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: invalid TOML: {exc}") from None
    tables = data.get("source")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{where}: no [[source]] tables found")
    sources = [_source_from_table(t, where, i) for i, t in enumerate(tables)]
    seen: set[str] = set()
    for s in sources:
        if s.name in seen:
            raise ConfigError(f"{where}: source {s.name!r}: key 'name': duplicate source name")
        seen.add(s.name)
    return sources


def load_sources(path: str | os.PathLike[str] | None = None) -> list[Source]:
    """Load the registry: explicit path, else $NEWSAGG_SOURCES, else the packaged one."""
    path = path or os.environ.get(SOURCES_ENV) or None
    if path is None:
        text = resources.files("newsagg").joinpath("sources.toml").read_text("utf-8")
        return parse_registry(text, "newsagg/sources.toml")
    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read source registry: {exc.strerror or exc}") from None
    return parse_registry(text, str(p))


def select_sources(sources: list[Source], names: list[str] | None) -> list[Source]:
    """The named sources (enabled or not), or every enabled source when none is named."""
    if not names:
        return [s for s in sources if s.enabled]
    by_name = {s.name: s for s in sources}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        import difflib

        hints = {n: difflib.get_close_matches(n, by_name, n=3) for n in unknown}
        msg = "; ".join(
            f"{n!r}" + (f" (did you mean {', '.join(hints[n])}?)" if hints[n] else "") for n in unknown
        )
        raise ConfigError(f"unknown source {msg}; known: {', '.join(sorted(by_name))}")
    return [by_name[n] for n in names]


def source_for_url(url: str | None, sources: list[Source]) -> Source | None:
    """The registry entry whose domain serves `url` (the longest, i.e. most specific, domain wins)."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    if not host:
        return None
    found = [s for s in sources if s.serves(host)]
    return max(found, key=lambda s: len(s.domain), default=None)


def page_options_for(url: str | None, sources: list[Source]) -> dict[str, Any]:
    """extract_page options for a page met outside a crawl (`newsagg extract`, evaluation):
    those of the registry source whose domain serves the URL, else the generic defaults."""
    source = source_for_url(url, sources)
    return source.page_options() if source else {"default_tz": "UTC"}
