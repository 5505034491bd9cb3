"""The source registry: every outlet declared as data in TOML (see sources.toml).

Adding a source is editing config, not code. A bad file raises ConfigError with
one line naming the file, the source and the key.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsagg.errors import ConfigError

SOURCES_ENV = "NEWSAGG_SOURCES"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def parse_duration(text: str | int | float) -> timedelta:
    """A span of the one grammar (newsagg.timespec: '30m', '2h', '1d', '6mo') or a number of
    seconds -> timedelta; a bare 0 means 'no limit' (zero). Never negative."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        if not text >= 0 or text == float("inf"):  # negative, NaN or infinite
            raise ValueError(f"not a duration: {text!r} (a number of seconds must be 0 or more)")
        return timedelta(seconds=float(text))
    if isinstance(text, str) and text.strip() in {"0", "off", "none"}:
        return timedelta(0)
    from newsagg.timespec import SPAN_HELP, TimeSpecError, parse_span

    if not isinstance(text, str):
        raise ValueError(f"not a duration: {text!r} (use {SPAN_HELP})")
    try:
        return parse_span(text)
    except TimeSpecError as exc:
        raise ValueError(str(exc) if "ambiguous" in str(exc) else f"not a duration: {text!r} (use {SPAN_HELP})") \
            from None


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


_KNOWN_KEYS = (
    "name", "title", "homepage", "feeds", "sitemaps", "interval", "timezone",
    "follow_links", "allow_private_hosts", "page_window", "parser", "headline", "enabled", "domains",
)
# Which markup carries an outlet's headline (see `headline` in sources.toml).
HEADLINE_EVIDENCE = ("og", "jsonld", "h1", "title-tag")


def _did_you_mean(value: str, choices: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _known_parser_names() -> Collection[str]:
    """The names of the page parsers discovered in newsagg/extract/parsers."""
    from newsagg.extract.parsers import available_parsers

    return available_parsers()


def _check_url(url: str) -> str | None:
    """Why `url` is not a usable http(s) URL, or None."""
    try:
        parts = urlsplit(url)
        port = parts.port  # ValueError when out of 0-65535 or not a number
    except ValueError as exc:
        return f"not a valid URL: {url!r} ({exc})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"not an http(s) URL: {url!r}"
    if port == 0:
        return f"not a valid URL: {url!r} (port 0)"
    return None


def _source_from_table(table: dict[str, Any], where: str, index: int) -> Source:
    name = table.get("name")
    label = f"source #{index + 1}" if not isinstance(name, str) else f"source {name!r}"

    def bad(key: str, why: str) -> ConfigError:
        return ConfigError(f"{where}: {label}: key {key!r}: {why}")

    for key in table:
        if key not in _KNOWN_KEYS:
            raise bad(key, f"unknown key{_did_you_mean(key, _KNOWN_KEYS)}")
    if not isinstance(name, str) or not _SLUG.match(name):
        raise bad("name", "required; a slug of lowercase letters, digits and hyphens")
    feeds = table.get("feeds", [])
    sitemaps = table.get("sitemaps", [])
    for key, urls in (("feeds", feeds), ("sitemaps", sitemaps)):
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            raise bad(key, "must be a list of URLs")
        for url in urls:
            if problem := _check_url(url):
                raise bad(key, problem)
    if not feeds and not sitemaps:
        raise bad("feeds", "required: at least one feed (or sitemap) URL")
    kwargs: dict[str, Any] = {"name": name, "feeds": tuple(feeds), "sitemaps": tuple(sitemaps)}
    title = table.get("title", name)
    if not isinstance(title, str):
        raise bad("title", "must be a string")
    kwargs["title"] = title
    homepage = table.get("homepage", "")
    if not isinstance(homepage, str) or (homepage and (problem := _check_url(homepage))):
        raise bad("homepage", problem if isinstance(homepage, str) else "must be a string URL")
    kwargs["homepage"] = homepage
    for key in ("interval", "page_window"):
        if key in table:
            if not isinstance(table[key], (str, int, float)) or isinstance(table[key], bool):
                raise bad(key, "must be a duration such as \"30m\" or a number of seconds")
            try:
                kwargs[key] = parse_duration(table[key])
            except ValueError as exc:
                raise bad(key, str(exc)) from None
    if "interval" in kwargs and not kwargs["interval"]:
        raise bad("interval", "must be longer than 0")
    if "timezone" in table:
        if not isinstance(table["timezone"], str):
            raise bad("timezone", "must be an IANA time zone name such as \"Europe/London\"")
        try:
            ZoneInfo(table["timezone"])
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
        parsers = _known_parser_names()
        if table["parser"] not in parsers:
            raise bad("parser", f"unknown parser {table['parser']!r}{_did_you_mean(table['parser'], sorted(parsers))}")
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
    return Source(**kwargs)


def parse_registry(text: str, where: str = "<string>") -> list[Source]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: invalid TOML: {exc}") from None
    for key in data:
        if key != "source":
            raise ConfigError(f"{where}: unknown top-level key {key!r}{_did_you_mean(key, ['source'])} "
                              "(sources are [[source]] tables)")
    tables = data.get("source")
    if not isinstance(tables, list) or not tables or not all(isinstance(t, dict) for t in tables):
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
    from newsagg import settings

    path = path or settings.value(SOURCES_ENV) or None
    if path is None:
        text = resources.files("newsagg").joinpath("sources.toml").read_text("utf-8")
        return parse_registry(text, "newsagg/sources.toml")
    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read source registry: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: not a UTF-8 text file (byte 0x{exc.object[exc.start]:02x} at offset "
                          f"{exc.start}): the source registry must be TOML") from None
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
