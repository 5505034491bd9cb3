"""What the web view shows, read from the database as plain dicts (the same dicts are the
`?format=json` answers). Read-only: SELECTs only, parameterised, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, func, inspect, select, text

from models.schema import ArticleRow as A
from models.schema import ArticleShowRow as AS
from models.schema import ShowRow, SourceRow, StoryRow
from newsagg.digest.build import build_digest
from newsagg.digest.dates import COVERAGE_DAYS, day_bounds, day_window
from newsagg.digest.model import DigestStory
from newsagg.digest.render import behind, iso
from newsagg.digest.text import safe_url

UTC = ZoneInfo("UTC")
TIMELINE_ARTICLES = 300   # a show page reads this many of its newest articles
SEARCH_LIMIT = 50
RIVER_PAGE = 100          # stories per river page


def story_dict(s: DigestStory) -> dict[str, Any]:
    first = s.outlets[0]
    return {"key": s.key, "headline": s.headline, "show": s.show, "time": iso(s.time), "link": s.link,
            "articles": s.articles, "first": {"name": first.name, "source": first.source, "url": first.url,
                                               "time": iso(first.time)},
            "outlets": [{"name": o.name, "source": o.source, "url": o.url, "time": iso(o.time),
                         "behind_first_s": int((o.time - first.time).total_seconds()),
                         "behind": "first" if i == 0 else behind(o.time - first.time)}
                        for i, o in enumerate(s.outlets)]}


def newest_day(conn: Connection) -> date | None:
    newest = conn.execute(select(func.max(A.published_at))).scalar()
    return newest.astimezone(timezone.utc).date() if newest is not None else None


def neighbour_days(conn: Connection, day: date) -> tuple[date | None, date | None]:
    """(the nearest earlier day with news, the nearest later one): each one index lookup."""
    start, end = day_window(day, UTC)
    older = conn.execute(select(func.max(A.published_at)).where(A.published_at < start)).scalar()
    newer = conn.execute(select(func.min(A.published_at)).where(A.published_at >= end)).scalar()
    return (older.astimezone(timezone.utc).date() if older else None,
            newer.astimezone(timezone.utc).date() if newer else None)


def river(conn: Connection, day: date, page: int = 1) -> dict[str, Any]:
    """A page of the day's stories, newest news first, each with its outlets, who was first and by
    how much. A busy day has several pages (?page=N); days page with older/newer."""
    offset = (page - 1) * RIVER_PAGE
    digest = build_digest(conn, day, UTC, coverage=False, summaries=False,
                          page=(offset, RIVER_PAGE + 1), moves=False)
    stories = sorted(digest.stories, key=lambda s: (max(o.time for o in s.outlets), s.key), reverse=True)
    older, newer = neighbour_days(conn, day)
    return {"day": day.isoformat(), "older": older.isoformat() if older else None,
            "newer": newer.isoformat() if newer else None, "page": page,
            "next_page": page + 1 if len(stories) > RIVER_PAGE else None,
            "stories": [story_dict(s) for s in stories[:RIVER_PAGE]],
            "shows": [{"id": sec.show.id, "title": sec.show.title} for sec in digest.sections]}


def _has_table(conn: Connection, name: str) -> bool:
    return inspect(conn).has_table(name)


def show_page(conn: Connection, show_id: int, today: date | None) -> dict[str, Any] | None:
    show = conn.execute(select(ShowRow.id, ShowRow.title, ShowRow.network, ShowRow.status, ShowRow.premiered_on)
                        .where(ShowRow.id == show_id)).first()
    if show is None:
        return None
    rows = conn.execute(
        select(A.id, A.title, A.url, A.canonical_url, A.published_at, A.story_id, AS.seasons, AS.is_primary,
               SourceRow.title.label("outlet"), StoryRow.key, StoryRow.headline, StoryRow.source_count)
        .join(AS, AS.article_id == A.id).join(SourceRow, SourceRow.id == A.source_id)
        .outerjoin(StoryRow, StoryRow.id == A.story_id)
        .where(AS.show_id == show_id).order_by(A.published_at.desc(), A.id.desc()).limit(TIMELINE_ARTICLES)).all()
    timeline: dict[Any, dict[str, Any]] = {}
    seasons: dict[int, int] = defaultdict(int)
    for r in rows:
        for n in r.seasons or []:
            if isinstance(n, int):
                seasons[n] += 1
        key = r.key or f"article-{r.id}"
        entry = timeline.setdefault(key, {"key": key, "headline": r.headline or r.title, "outlets": [],
                                          "time": iso(r.published_at), "link": safe_url(r.url or r.canonical_url),
                                          "source_count": r.source_count or 1})
        entry["outlets"].append({"name": r.outlet, "url": safe_url(r.url or r.canonical_url),
                                 "time": iso(r.published_at)})
        entry["time"] = iso(r.published_at)  # rows come newest first: ends at the earliest
    for entry in timeline.values():
        entry["outlets"].reverse()
    last = today or (rows[0].published_at.astimezone(timezone.utc).date() if rows else date.today())
    return {"show": {"id": show.id, "title": show.title, "network": show.network, "status": show.status,
                     "premiered_on": show.premiered_on},
            "timeline": list(timeline.values()),
            "seasons": [{"season": n, "articles": c} for n, c in sorted(seasons.items())],
            "coverage": coverage(conn, show_id, last), "events": events(conn, show_id)}


def coverage(conn: Connection, show_id: int, last_day: date) -> dict[str, Any]:
    bounds = day_bounds(last_day, UTC)
    times = conn.execute(select(A.published_at).join(AS, AS.article_id == A.id)
                         .where(AS.show_id == show_id, A.published_at >= bounds[0], A.published_at < bounds[-1]))
    counts = [0] * COVERAGE_DAYS
    for (when,) in times:
        counts[min(COVERAGE_DAYS - 1, int((when.astimezone(timezone.utc) - bounds[0]).total_seconds() // 86400))] += 1
    top = max(counts) or 1
    start = last_day - timedelta(days=COVERAGE_DAYS - 1)
    return {"start": start.isoformat(), "counts": counts,
            "bars": [{"day": (start + timedelta(days=i)).isoformat(), "count": c, "pct": round(100 * c / top)}
                     for i, c in enumerate(counts)]}


def events(conn: Connection, show_id: int) -> list[dict[str, Any]] | None:
    """The show's TV events (renewals, premieres...) when the events table exists, else None."""
    if not _has_table(conn, "event_facts"):
        return None
    rows = conn.execute(text("SELECT type, season, status, announced, people, first_published_at, source_count "
                             "FROM event_facts WHERE show_id = :id ORDER BY first_published_at DESC LIMIT 100"),
                        {"id": show_id}).mappings().all()
    out = []
    for r in rows:
        people = r["people"]
        if isinstance(people, str):
            import json

            try:
                people = json.loads(people)
            except ValueError:
                people = []
        out.append({"type": r["type"], "season": r["season"], "status": r["status"], "date": r["announced"],
                    "people": [str(p) for p in people or []], "outlets": r["source_count"],
                    "first_published": iso(_aware(r["first_published_at"]))})
    return out


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def search(engine: Engine, query: str) -> list[dict[str, Any]]:
    """Full-text search (the same syntax and ranking as `newsagg articles --search`)."""
    from newsagg.queries import ArticleFilter, find_articles

    rows = find_articles(engine, ArticleFilter(search=query, limit=SEARCH_LIMIT))
    return [{"id": r["id"], "title": r["title"], "source": r["source"], "url": safe_url(r.get("url")),
             "published_at": iso(_aware(r["published_at"])) if r.get("published_at") else None,
             "story_id": r.get("story_id"), "shows": r.get("shows")} for r in rows]


def shows_index(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(ShowRow.id, ShowRow.title, func.count(AS.article_id).label("articles"))
                        .join(AS, AS.show_id == ShowRow.id).group_by(ShowRow.id, ShowRow.title)
                        .order_by(func.count(AS.article_id).desc()).limit(200))
    return [{"id": r.id, "title": r.title, "articles": r.articles} for r in rows]
