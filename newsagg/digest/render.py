"""Digest -> text in md, html, json, rss or atom.

HTML, RSS and Atom come from jinja2 templates with autoescape on; Markdown escapes every
piece of user text itself (md_escape). Links are only ever http(s) (text.safe_url).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from email.utils import format_datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import jinja2

from newsagg.digest.chart import coverage_svg
from newsagg.digest.model import Digest, DigestStory, ShowSection

FORMATS = ("md", "html", "json", "rss", "atom")
SCHEMA_ID = "newsagg-digest/1"
DEFAULT_SITE = "http://localhost/"  # RSS requires a channel link; --feed-url replaces it

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|&~])")
# Characters XML 1.0 forbids: one stray control byte in a title would make feeds bozo.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SLUG = re.compile(r"[^a-z0-9]+")
_SPARKS = "▁▂▃▄▅▆▇█"


def md_escape(text: str) -> str:
    """User text as literal Markdown: no emphasis, links, raw HTML or entities can come out of it."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def md_url(url: str) -> str:
    return url.replace("(", "%28").replace(")", "%29")


def sparkline(counts: list[int]) -> str:
    top = max(counts, default=0)
    if not top:
        return _SPARKS[0] * len(counts)
    return "".join(_SPARKS[0] if v == 0 else _SPARKS[min(7, 1 + (v * 7) // (top + 1))] for v in counts)


def slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-") or "show"


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


class _Clock:
    """Times shown to people: local to the digest's zone, with the date when not the digest's day."""

    def __init__(self, digest: Digest) -> None:
        self.zone = ZoneInfo(digest.tz)
        self.day = digest.date

    def __call__(self, dt: datetime) -> str:
        local = dt.astimezone(self.zone)
        if local.date() == self.day:
            return local.strftime("%H:%M")
        return local.strftime("%b %d, %H:%M").replace(" 0", " ")


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("newsagg.digest", "templates"),
        autoescape=lambda name: name is None or not name.endswith(".md.j2"),  # on for html and xml
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(md=md_escape, mdurl=md_url, iso=iso, rfc822=lambda d: format_datetime(d, usegmt=True),
                       sparkline=sparkline)
    return env


def _scope(digest: Digest) -> tuple[str, str]:
    """(title, id) of what the digest covers: every show, or the --show selection."""
    if not digest.shows_filter:
        return "all shows", "all"
    return ", ".join(digest.shows_filter), "+".join(slug(t) for t in digest.shows_filter)


def _items(digest: Digest) -> list[tuple[DigestStory, str]]:
    return ([(s, sec.show.title) for sec in digest.sections for s in sec.stories]
            + [(s, "Other") for s in digest.other])


def _context(digest: Digest, feed_url: str | None) -> dict[str, Any]:
    stories = digest.stories
    title, scope_id = _scope(digest)
    updated = max((o.time for s in stories for o in s.outlets), default=digest.window_start)
    return {
        "d": digest, "clock": _Clock(digest), "items": _items(digest), "scope_title": title,
        "scope_id": scope_id, "updated": updated, "feed_url": feed_url, "site": feed_url or DEFAULT_SITE,
        "outlet_count": len({o.source for s in stories for o in s.outlets}),
        "day_label": digest.date.strftime("%A %d %B %Y"), "iri": lambda k: quote(k, safe="-._~"),
        "chart": lambda sec: coverage_svg(sec.coverage_30d, digest.date, sec.show.title),
        "entry_html": lambda story: _env().get_template("entry.html.j2").render(story=story, clock=_Clock(digest),
                                                                                 tz=digest.tz),
        "last_updated": lambda story: max(o.time for o in story.outlets),
    }


def to_json_obj(digest: Digest) -> dict[str, Any]:
    """The JSON form (schema.json): plain types only, times as ISO 8601 UTC with Z."""
    def story(s: DigestStory) -> dict[str, Any]:
        return {"key": s.key, "headline": s.headline, "time": iso(s.time), "summary": s.summary,
                "outlets": [{"name": o.name, "source": o.source, "url": o.url, "time": iso(o.time)}
                            for o in s.outlets]}

    def section(sec: ShowSection) -> dict[str, Any]:
        ids = dict(sec.show.external_ids)
        return {"show": {"id": sec.show.id, "title": sec.show.title, "network": sec.show.network,
                         "year": sec.show.year, "tvmaze": ids.get("tvmaze"), "external_ids": ids},
                "articles": sec.articles,
                "coverage_30d": {"start": digest.coverage_start.isoformat(), "counts": sec.coverage_30d},
                "stories": [story(s) for s in sec.stories]}

    return {
        "schema": SCHEMA_ID,
        "date": digest.date.isoformat(),
        "tz": digest.tz,
        "window": {"start": iso(digest.window_start), "end": iso(digest.window_end)},
        "shows_filter": digest.shows_filter,
        "since_last": ({"previous_date": digest.previous_date.isoformat() if digest.previous_date else None,
                        "excluded": digest.excluded} if digest.previous_date or digest.excluded else None),
        "story_count": len(digest.stories),
        "empty": digest.empty,
        "sections": [section(sec) for sec in digest.sections],
        "other": {"stories": [story(s) for s in digest.other]},
    }


def render(digest: Digest, fmt: str, *, feed_url: str | None = None) -> str:
    if fmt == "json":
        return json.dumps(to_json_obj(digest), ensure_ascii=False, indent=2) + "\n"
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    text = _env().get_template(f"digest.{fmt}.j2").render(**_context(digest, feed_url))
    return _XML_INVALID.sub("", text) if fmt in ("html", "rss", "atom") else text
