"""Query the database into a Digest: the day's stories, each assigned to one show, plus charts.

Rules (documented in the README):
- the day is the local day in `tz`, as a UTC window [start, end);
- a story is in the digest when any of its articles was published in the window; its
  outlets are every source that covered it up to the window's end, earliest first;
- an article without a story is its own story (a syndicated copy joins its original's);
- each story appears once, under the show its articles are linked to most strongly
  (sum of confidence, +1 for a primary link) among the shows some member is mainly about
  (primary link); none -> "Other";
- a story's lead (its time, summary, first outlet) is its earliest article mainly about that
  show: an article about something else that names the show never leads (nor its headline);
- top stories: those covered by 2+ outlets, most outlets first, then most articles (also in their section);
- shows are ordered by the day's articles linked to them.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, case, func, select

from models.schema import ArticleRow as A
from models.schema import ArticleShowRow as AS
from models.schema import ShowRow, SourceRow, StoryRow
from newsagg.digest.dates import COVERAGE_DAYS, day_bounds, day_window
from newsagg.digest.model import Digest, DigestStory, Outlet, Show, ShowSection
from newsagg.digest.moves import MovesProvider
from newsagg.digest.moves import collect as collect_moves
from newsagg.digest.text import BODY_WORDS, SUMMARY_WORDS, first_words, safe_url, squash

TOP_LIMIT = 5        # top stories at most
TOP_MIN_OUTLETS = 2  # a top story was covered by at least this many outlets
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
                 exclude_keys: set[str] | None = None, previous_date: date | None = None,
                 moves_provider: MovesProvider | None = None, coverage: bool = True,
                 page: tuple[int, int] | None = None, summaries: bool = True, moves: bool = True) -> Digest:
    """The digest for local `day` in `zone`. shows: only these (no "Other"); exclude_keys: --since-last;
    moves_provider: where Industry moves come from (default: the registered providers, see moves.py);
    coverage=False skips the 30-day counts per show (only the JSON form shows them; the 30-day scan
    is most of a busy day's build); page=(offset, count): only that slice of the day's stories, newest
    news first (a river page), and summaries=False leaves summaries empty (no text is read);
    moves=False leaves Industry moves empty (a river page does not show them)."""
    start, end = day_window(day, zone)
    digest = Digest(date=day, tz=zone.key, window_start=start, window_end=end, sections=[], other=[],
                    shows_filter=[s.title for s in shows or []], previous_date=previous_date)
    arts, in_window, canon = _load_articles(conn, start, end)
    if not arts:
        return digest
    groups = _group(arts, in_window)
    if page is not None:  # a river page: the stories with the newest news, read no further than needed
        newest = sorted(groups, key=lambda k: (max(a.published_at for a in groups[k]), k), reverse=True)
        groups = {k: groups[k] for k in newest[page[0]:page[0] + page[1]]}
        arts = {a.id: a for members in groups.values() for a in members}
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
        # Only shows some member is mainly about: a show named in passing does not file a story
        # (except under --show, which asks for everything that names the show).
        score: dict[int, float] = defaultdict(float)
        primary = {link.show_id for a in members for link in links.get(a.id, ()) if link.is_primary}
        allowed = primary if wanted is None else (primary & wanted or wanted)
        for a in members:
            for link in links.get(a.id, ()):
                if link.show_id in allowed:
                    score[link.show_id] += float(link.confidence or 0) + (1.0 if link.is_primary else 0.0)
        return max(score, key=lambda sid: (score[sid], -sid)) if score else None

    def about(a: _Art, show_id: int | None) -> bool:
        """May this member speak for a story filed under show_id (be its first, lead or headline)?
        Not when it is mainly about another show, or names this one only in passing."""
        if show_id is None:
            return True
        own = links.get(a.id, ())
        primary = {link.show_id for link in own if link.is_primary}
        return show_id in primary or not (primary or any(link.show_id == show_id for link in own))

    # Each story's show, and its members with those mainly about that show first (earliest first
    # within each part): the first of them is the story's lead, whose summary speaks for it.
    show_of = {k: pick_show(members) for k, members in groups.items()}
    ordered = {k: sorted(members, key=lambda a: (not about(a, show_of[k]), a.published_at, a.id))
               for k, members in groups.items()}
    texts_cols = (A.id, A.summary, func.substr(A.body, 1, BODY_PREFIX).label("body"))
    texts = {r.id: r for r in _fetch_by_ids(conn, texts_cols, A.id, [m[0].id for m in ordered.values()])} \
        if summaries else {}
    show_titles = {r.id: r.title for r in _fetch_by_ids(conn, (ShowRow.id, ShowRow.title), ShowRow.id,
                                                       {sid for sid in show_of.values() if sid is not None})}

    by_show: dict[int | None, list[DigestStory]] = defaultdict(list)
    for k, members in ordered.items():
        show_id = show_of[k]
        if wanted is not None and show_id is None:
            continue
        row = story_rows.get(k[1]) if k[0] == "s" else None
        lead = members[0]
        story_key = row.key if row is not None else _lone_key(canon[groups[k][0].id])
        if exclude_keys and story_key in exclude_keys:
            digest.excluded_keys.append(story_key)
            continue
        text = texts.get(lead.id)
        summary = first_words(text.summary, SUMMARY_WORDS) if text is not None and squash(text.summary) else \
            first_words(text.body if text is not None else "", BODY_WORDS)
        outlets: dict[int, Outlet] = {}
        for a in members:  # lead's part first, earliest first: the first article per source wins
            if a.source_id not in outlets:
                src = sources.get(a.source_id)
                outlets[a.source_id] = Outlet(name=src.title if src else f"source {a.source_id}",
                                              source=src.name if src else str(a.source_id),
                                              url=safe_url(a.url), time=a.published_at)
        stored = squash(row.headline) if row is not None else ""
        # A stored headline taken from an article about something else does not speak for the story.
        off_topic = {squash(a.title) for a in members if not about(a, show_id)}
        headline = (stored if stored and stored not in off_topic else squash(lead.title)) or "(untitled)"
        by_show[show_id].append(DigestStory(key=story_key, headline=headline, time=lead.published_at,
                                            summary=summary, outlets=list(outlets.values()),
                                            articles=len(members), show=show_titles.get(show_id)))

    def order(stories: list[DigestStory]) -> list[DigestStory]:
        return sorted(stories, key=lambda s: (-len(s.outlets), s.time, s.key))

    section_ids = [sid for sid in by_show if sid is not None]
    show_rows = {r.id: r for r in _fetch_by_ids(conn, (ShowRow.id, ShowRow.title, ShowRow.network,
                                                       ShowRow.premiered_on, ShowRow.external_ids),
                                                ShowRow.id, section_ids)}
    per_day = _coverage(conn, section_ids, day, zone) if coverage else {}
    # The day's articles linked to each show (the 30-day counts' last day, without the 30-day scan).
    day_counts = Counter(link.show_id for aid in in_window for link in links.get(aid, ()))
    for sid in section_ids:
        r = show_rows[sid]
        digest.sections.append(ShowSection(show=Show(
            r.id, r.title, r.network, year=int(r.premiered_on[:4]) if (r.premiered_on or "")[:4].isdigit() else None,
            external_ids=tuple(sorted((str(k), str(v)) for k, v in (r.external_ids or {}).items() if v))),
            stories=order(by_show[sid]), coverage_30d=per_day.get(sid, [0] * COVERAGE_DAYS),
            articles=day_counts[sid]))
    digest.sections.sort(key=lambda s: (-s.articles, -len(s.stories), s.show.title.lower(), s.show.id))
    digest.other = order(by_show.get(None, []))
    digest.top_stories = top_stories(digest.stories)
    if moves:
        digest.industry_moves = collect_moves(conn, start, end, wanted, moves_provider)
    return digest


def top_stories(stories: list[DigestStory], limit: int = TOP_LIMIT) -> list[DigestStory]:
    """The day's widest stories: covered by two outlets or more, most outlets first, then most articles."""
    wide = [s for s in stories if len(s.outlets) >= TOP_MIN_OUTLETS]
    return sorted(wide, key=lambda s: (-len(s.outlets), -s.articles, s.time, s.key))[:limit]
