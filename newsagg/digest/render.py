"""Digest -> text in md, html, json, rss, atom or eml.

HTML, RSS and Atom come from jinja2 templates with autoescape on; Markdown escapes every
piece of user text itself (md_escape). Links are only ever http(s) (text.safe_url).
eml is a MIME message of the Markdown and the HTML (newsagg.digest.email).
"""

from __future__ import annotations

import json
import re
import hashlib
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import jinja2

from newsagg.digest.chart import coverage_rows
from newsagg.digest.model import Digest, DigestStory, ShowSection

FORMATS = ("md", "html", "json", "rss", "atom", "eml")
SCHEMA_ID = "newsagg-digest/2"
DEFAULT_SITE = "http://localhost/"  # RSS requires a channel link; --feed-url replaces it

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|&~])")
# Characters XML 1.0 forbids: one stray control byte in a title would make feeds bozo.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SLUG = re.compile(r"[^a-z0-9]+")


def md_escape(text: str) -> str:
    """User text as literal Markdown: no emphasis, links, raw HTML or entities can come out of it."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def md_url(url: str) -> str:
    return url.replace("(", "%28").replace(")", "%29")


def slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-") or "show"


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def behind(delay: timedelta) -> str:
    """How long after the first outlet: "+25 min", "+2 h 10 min", "+1 d 3 h", "same minute"."""
    minutes = int(delay.total_seconds() // 60)
    if minutes <= 0:
        return "same minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"+{days} d {hours} h" if hours else f"+{days} d"
    if hours:
        return f"+{hours} h {mins} min" if mins else f"+{hours} h"
    return f"+{mins} min"


def move_id(move: dict[str, Any]) -> str:
    """Stable id of an industry move (its feed guid): what happened to which show, when."""
    basis = "|".join(str(x) for x in (move["type"], move["show"]["id"], move["show"]["title"], move["season"],
                                         move["status"], move["date"]))
    return "move-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:32]


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
                       behind=behind)
    return env


def _scope(digest: Digest) -> tuple[str, str]:
    """(title, id) of what the digest covers: every show, or the --show selection."""
    if not digest.shows_filter:
        return "all shows", "all"
    return ", ".join(digest.shows_filter), "+".join(slug(t) for t in digest.shows_filter)


def _items(digest: Digest) -> list[tuple[DigestStory, str]]:
    """Feed items: top stories first, then every other story once."""
    top = digest.top_keys
    return ([(s, s.show or "Other") for s in digest.top_stories]
            + [(s, sec.show.title) for sec in digest.sections for s in sec.stories if s.key not in top]
            + [(s, "Other") for s in digest.other if s.key not in top])


def _move_time(move: dict[str, Any], default: datetime) -> datetime:
    try:
        return datetime.fromisoformat(move["first"]["published"].replace("Z", "+00:00"))
    except (AttributeError, TypeError, ValueError):
        return default


def _context(digest: Digest, feed_url: str | None, unsubscribe: str | None = None) -> dict[str, Any]:
    stories = digest.stories
    title, scope_id = _scope(digest)
    updated = max((o.time for s in stories for o in s.outlets), default=digest.window_start)
    return {
        "d": digest, "clock": _Clock(digest), "items": _items(digest), "scope_title": title,
        "scope_id": scope_id, "updated": updated, "feed_url": feed_url, "site": feed_url or DEFAULT_SITE,
        "outlet_count": len({o.source for s in stories for o in s.outlets}),
        "day_label": digest.date.strftime("%A %d %B %Y"), "iri": lambda k: quote(k, safe="-._~"),
        "chart_rows": coverage_rows(digest.sections),
        "top_keys": digest.top_keys,
        "move_id": move_id, "move_time": lambda m: _move_time(m, digest.window_start),
        "unsubscribe": unsubscribe,
        "entry_html": lambda story: _env().get_template("entry.html.j2").render(story=story, clock=_Clock(digest),
                                                                                 tz=digest.tz),
        "move_html": lambda m: _env().get_template("move.html.j2").render(m=m),
        "last_updated": lambda story: max(o.time for o in story.outlets),
    }


def to_json_obj(digest: Digest) -> dict[str, Any]:
    """The JSON form (schema.json): plain types only, times as ISO 8601 UTC with Z."""
    def story(s: DigestStory) -> dict[str, Any]:
        return {"key": s.key, "headline": s.headline, "time": iso(s.time), "summary": s.summary,
                "show": s.show, "articles": s.articles,
                "outlets": [{"name": o.name, "source": o.source, "url": o.url, "time": iso(o.time),
                             "behind_first_s": int((o.time - s.outlets[0].time).total_seconds())}
                            for o in s.outlets]}

    def section(sec: ShowSection) -> dict[str, Any]:
        ids = dict(sec.show.external_ids)
        return {"show": {"id": sec.show.id, "title": sec.show.title, "network": sec.show.network,
                         "year": sec.show.year, "tvmaze": ids.get("tvmaze"), "external_ids": ids},
                "articles": sec.articles,
                "coverage_30d": {"start": digest.coverage_start.isoformat(), "counts": sec.coverage_30d},
                "stories": [story(s) for s in sec.stories]}

    return {
        "top_stories": [story(s) for s in digest.top_stories],
        "industry_moves": digest.industry_moves,
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


def render(digest: Digest, fmt: str, *, feed_url: str | None = None, email: Any = None) -> str:
    """The digest as text; eml needs `email` (newsagg.digest.email.Envelope: From, To, ...)."""
    if fmt == "json":
        return json.dumps(to_json_obj(digest), ensure_ascii=False, indent=2) + "\n"
    if fmt == "eml":
        from newsagg.digest.email import Envelope, build_message

        return build_message(digest, email or Envelope()).as_string()
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    unsubscribe = getattr(email, "unsubscribe_url", None)
    text = _env().get_template(f"digest.{fmt}.j2").render(**_context(digest, feed_url, unsubscribe))
    return _XML_INVALID.sub("", text) if fmt in ("html", "rss", "atom") else text
