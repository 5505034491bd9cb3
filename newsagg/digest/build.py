"""Query the database into a Digest: the day's stories, each assigned to one show, plus charts.

Rules (documented in the README):
- the day is the local day in `tz`, as a UTC window [start, end);
- a story is in the digest when any of its articles was published in the window; its
  outlets are every source that covered it up to the window's end, earliest first;
- an article without a story is its own story (a syndicated copy joins its original's);
- each story appears once, under the show its articles are linked to most strongly
  (sum of confidence, +1 for a primary link); no link -> "Other";
- shows are ordered by the day's articles linked to them (the last bar of their chart).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, case, func, select

from models.schema import ArticleRow as A
from models.schema import ArticleShowRow as AS
from models.schema import ShowRow, SourceRow, StoryRow
from newsagg.digest.dates import COVERAGE_DAYS, day_bounds, day_window
from newsagg.digest.model import Digest, DigestStory, Outlet, Show, ShowSection
from newsagg.digest.text import BODY_WORDS, SUMMARY_WORDS, first_words, safe_url, squash

CHUNK = 500  # ids per IN (...) list: well under every backend's bound-parameter limit
BODY_PREFIX = 4000  # characters of body fetched for a fallback summary


def _chunks(ids: Iterable[int], n: int = CHUNK) -> Iterator[list[int]]:
    ids = sorted(set(ids))
    for i in range(0, len(ids), n):
        yield ids[i:i + n]


@dataclass
class _Art:
    id: int
    source_id: int
    story_id: int | None
    duplicate_of_id: int | None
    published_at: datetime
    title: str
    url: str | None


def _lone_key(canonical_url: str) -> str:
    # Stable across runs and rebuilt databases, 36 chars like stories.key.
    return "url-" + hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:32]


_ART_COLS = (A.id, A.source_id, A.story_id, A.duplicate_of_id, A.published_at, A.title, A.url, A.canonical_url)


def _load_articles(conn: Connection, start: datetime, end: datetime
                   ) -> tuple[dict[int, _Art], set[int], dict[int, str]]:
    """Window articles, earlier articles of the same stories, and originals of lone copies."""
    arts: dict[int, _Art] = {}
    canon: dict[int, str] = {}

    def add(rows: Iterable[Any]) -> None:
        for r in rows:
            arts[r.id] = _Art(r.id, r.source_id, r.story_id, r.duplicate_of_id, r.published_at, r.title,
                              r.url or r.canonical_url)
            canon[r.id] = r.canonical_url

    add(conn.execute(select(*_ART_COLS).where(A.published_at >= start, A.published_at < end)))
    in_window = set(arts)
    day_stories = select(A.story_id).where(A.published_at >= start, A.published_at < end,
                                           A.story_id.is_not(None)).scalar_subquery()
    add(conn.execute(select(*_ART_COLS).where(A.story_id.in_(day_stories), A.published_at < start)))
    originals = {a.duplicate_of_id for a in arts.values()
                 if a.story_id is None and a.duplicate_of_id and a.duplicate_of_id not in arts}
    for ids in _chunks(originals):
        add(conn.execute(select(*_ART_COLS).where(A.id.in_(ids), A.published_at < end)))
    return arts, in_window, canon


def _group(arts: dict[int, _Art], in_window: set[int]) -> dict[tuple[str, int], list[_Art]]:
    def key(a: _Art) -> tuple[str, int]:
        if a.story_id is not None:
            return ("s", a.story_id)
        orig = arts.get(a.duplicate_of_id) if a.duplicate_of_id else None
        if orig is not None:
            return ("s", orig.story_id) if orig.story_id is not None else ("a", orig.id)
        return ("a", a.id)

    groups: dict[tuple[str, int], list[_Art]] = defaultdict(list)
    for a in arts.values():
        groups[key(a)].append(a)
    # Only groups with news in the window: originals fetched from earlier days do not qualify alone.
    return {k: sorted(v, key=lambda a: (a.published_at, a.id)) for k, v in groups.items()
            if any(a.id in in_window for a in v)}


def _fetch_by_ids(conn: Connection, cols: tuple[Any, ...], id_col: Any, ids: Iterable[int]) -> list[Any]:
    out: list[Any] = []
    for chunk in _chunks(ids):
        out.extend(conn.execute(select(*cols).where(id_col.in_(chunk))).all())
    return out


def _coverage(conn: Connection, show_ids: list[int], last_day: date, zone: ZoneInfo) -> dict[int, list[int]]:
    """Articles per show per local day over COVERAGE_DAYS, in one scan of the 30 days.

    The day index is a CASE over UTC day boundaries computed here (portable, DST-correct),
    grouped in an outer query so both SQLite and PostgreSQL accept the GROUP BY."""
    bounds = day_bounds(last_day, zone)
    day_index = case(*[(A.published_at < bounds[i + 1], i) for i in range(COVERAGE_DAYS)], else_=-1)
    inner = (select(AS.show_id.label("show_id"), day_index.label("day")).select_from(A)
             .join(AS, AS.article_id == A.id).where(A.published_at >= bounds[0], A.published_at < bounds[-1]))
    if len(show_ids) <= CHUNK:
        # `show_id + 0`: keeps planners off the show_id index, which would walk a popular show's
        # whole history; the 30-day range on articles.published_at is the selective side.
        inner = inner.where((AS.show_id + 0).in_(show_ids))
    # Many shows: one pass over the 30 days for all of them beats one pass per chunk.
    sub = inner.subquery()
    wanted = set(show_ids)
    out: dict[int, list[int]] = {}
    for show_id, day, n in conn.execute(select(sub.c.show_id, sub.c.day, func.count()).group_by(sub.c.show_id,
                                                                                                  sub.c.day)):
        if show_id in wanted and 0 <= day < COVERAGE_DAYS:
            out.setdefault(show_id, [0] * COVERAGE_DAYS)[day] = int(n)
    return out


def build_digest(conn: Connection, day: date, zone: ZoneInfo, *, shows: list[Show] | None = None,
                 exclude_keys: set[str] | None = None, previous_date: date | None = None) -> Digest:
    """The digest for local `day` in `zone`. shows: only these (no "Other"); exclude_keys: --since-last."""
    start, end = day_window(day, zone)
    digest = Digest(date=day, tz=zone.key, window_start=start, window_end=end, sections=[], other=[],
                    shows_filter=[s.title for s in shows or []], previous_date=previous_date)
    arts, in_window, canon = _load_articles(conn, start, end)
    if not arts:
        return digest
    groups = _group(arts, in_window)
    sources = {r.id: r for r in conn.execute(select(SourceRow.id, SourceRow.name, SourceRow.title))}
    story_rows = {r.id: r for r in _fetch_by_ids(
        conn, (StoryRow.id, StoryRow.key, StoryRow.headline, StoryRow.first_article_id), StoryRow.id,
        [k[1] for k in groups if k[0] == "s"])}

    # Show links of every member article: decide each story's show.
    links: dict[int, list[Any]] = defaultdict(list)
    for r in _fetch_by_ids(conn, (AS.article_id, AS.show_id, AS.confidence, AS.is_primary), AS.article_id, arts):
        links[r.article_id].append(r)
    wanted = {s.id for s in shows} if shows else None

    def pick_show(members: list[_Art]) -> int | None:
        score: dict[int, float] = defaultdict(float)
        for a in members:
            for link in links.get(a.id, ()):
                if wanted is None or link.show_id in wanted:
                    score[link.show_id] += float(link.confidence or 0) + (1.0 if link.is_primary else 0.0)
        return max(score, key=lambda sid: (score[sid], -sid)) if score else None

    # The article whose summary speaks for each story.
    first_of: dict[tuple[str, int], int] = {}
    for k, members in groups.items():
        row = story_rows.get(k[1]) if k[0] == "s" else None
        first_of[k] = row.first_article_id if row is not None and row.first_article_id else members[0].id
    text_cols = (A.id, A.summary, func.substr(A.body, 1, BODY_PREFIX).label("body"))
    texts = {r.id: r for r in _fetch_by_ids(conn, text_cols, A.id, first_of.values())}

    by_show: dict[int | None, list[DigestStory]] = defaultdict(list)
    for k, members in groups.items():
        show_id = pick_show(members)
        if wanted is not None and show_id is None:
            continue
        row = story_rows.get(k[1]) if k[0] == "s" else None
        first = members[0]
        story_key = row.key if row is not None else _lone_key(canon[first.id])
        if exclude_keys and story_key in exclude_keys:
            digest.excluded_keys.append(story_key)
            continue
        text = texts.get(first_of[k])
        summary = first_words(text.summary, SUMMARY_WORDS) if text is not None and squash(text.summary) else \
            first_words(text.body if text is not None else "", BODY_WORDS)
        outlets: dict[int, Outlet] = {}
        for a in members:  # earliest first, so the first article per source wins
            if a.source_id not in outlets:
                src = sources.get(a.source_id)
                outlets[a.source_id] = Outlet(name=src.title if src else f"source {a.source_id}",
                                              source=src.name if src else str(a.source_id),
                                              url=safe_url(a.url), time=a.published_at)
        headline = squash(row.headline if row is not None else first.title) or squash(first.title) or "(untitled)"
        by_show[show_id].append(DigestStory(key=story_key, headline=headline, time=first.published_at,
                                            summary=summary, outlets=list(outlets.values())))

    def order(stories: list[DigestStory]) -> list[DigestStory]:
        return sorted(stories, key=lambda s: (-len(s.outlets), s.time, s.key))

    section_ids = [sid for sid in by_show if sid is not None]
    show_rows = {r.id: r for r in _fetch_by_ids(conn, (ShowRow.id, ShowRow.title, ShowRow.network,
                                                       ShowRow.premiered_on, ShowRow.external_ids),
                                                ShowRow.id, section_ids)}
    coverage = _coverage(conn, section_ids, day, zone)
    for sid in section_ids:
        r = show_rows[sid]
        counts = coverage.get(sid, [0] * COVERAGE_DAYS)
        digest.sections.append(ShowSection(show=Show(
            r.id, r.title, r.network, year=int(r.premiered_on[:4]) if (r.premiered_on or "")[:4].isdigit() else None,
            external_ids=tuple(sorted((str(k), str(v)) for k, v in (r.external_ids or {}).items() if v))), stories=order(by_show[sid]),
                                           coverage_30d=counts, articles=counts[-1]))
    digest.sections.sort(key=lambda s: (-s.articles, -len(s.stories), s.show.title.lower(), s.show.id))
    digest.other = order(by_show.get(None, []))
    return digest
