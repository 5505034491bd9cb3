"""`newsagg top`: what got the most coverage in a window, by shows, stories or outlets.

- shows: articles (syndicated copies left out), stories and outlets per show;
- stories: stories with news in the window, most outlets first, then most articles;
- outlets: who breaks stories first: over the stories at least two outlets covered (their first
  report in the window), how often each outlet was first and its median delay behind the first.
Read-only SQL over the tables and the v_story_outlets view, parameterised, SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from statistics import median
from typing import Any

from sqlalchemy import Engine, text

from newsagg.errors import NewsaggError

BY = ("shows", "stories", "outlets")
COLUMNS = {
    "shows": ("show", "articles", "stories", "outlets"),
    "stories": ("story_id", "headline", "outlets", "articles", "first_source", "first_published_at"),
    "outlets": ("source", "stories", "first", "first_share", "median_behind_s"),
}


def _bind(engine: Engine, dt: datetime) -> Any:
    # SQLite keeps UTC times as "YYYY-MM-DD HH:MM:SS.ffffff" text: compare like with like.
    utc = dt.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%d %H:%M:%S.%f") if engine.dialect.name == "sqlite" else utc


def top(engine: Engine, by: str, since: datetime, until: datetime | None, limit: int = 20) -> list[tuple]:
    if by not in BY:
        raise NewsaggError(f"--by must be one of {', '.join(BY)}, got {by!r}")
    params: dict[str, Any] = {"since": _bind(engine, since), "limit": limit,
                              "until": _bind(engine, until or datetime(9999, 1, 1, tzinfo=timezone.utc))}
    window = "a.published_at >= :since AND a.published_at < :until"
    counts = {
        "shows": "SELECT sh.title, count(DISTINCT a.id) AS articles, count(DISTINCT coalesce(a.story_id, -a.id)) "
                 "AS stories, count(DISTINCT a.source_id) AS outlets FROM article_shows x "
                 "JOIN articles a ON a.id = x.article_id JOIN shows sh ON sh.id = x.show_id "
                 f"WHERE {window} AND a.duplicate_of_id IS NULL GROUP BY sh.id, sh.title "
                 "ORDER BY articles DESC, stories DESC, sh.title LIMIT :limit",
        "stories": "SELECT st.id, st.headline, count(DISTINCT a.source_id) AS outlets, count(*) AS articles, "
                   "fs.name, st.first_published_at FROM articles a JOIN stories st ON st.id = a.story_id "
                   "LEFT JOIN sources fs ON fs.id = st.first_source_id "
                   f"WHERE st.id IN (SELECT a.story_id FROM articles a WHERE {window}) "
                   "AND a.published_at < :until GROUP BY st.id, st.headline, fs.name, st.first_published_at "
                   "ORDER BY outlets DESC, articles DESC, st.first_published_at, st.id LIMIT :limit",
    }
    with engine.connect() as conn:
        if by in counts:
            return [tuple(r) for r in conn.execute(text(counts[by]), params)]
        rows = conn.execute(text(
            "SELECT vo.story_id, vo.source, vo.behind_first_s, vo.is_first FROM v_story_outlets vo "
            "WHERE vo.story_id IN (SELECT story_id FROM v_story_outlets GROUP BY story_id HAVING count(*) >= 2 "
            "AND min(published_at) >= :since AND min(published_at) < :until)"), params).all()
    stories: dict[str, int] = defaultdict(int)
    firsts: dict[str, int] = defaultdict(int)
    delays: dict[str, list[int]] = defaultdict(list)
    for _story, source, behind, is_first in rows:
        stories[source] += 1
        if is_first:
            firsts[source] += 1
        else:
            delays[source].append(int(behind))
    out = [(src, n, firsts[src], round(firsts[src] / n, 3), int(median(delays[src])) if delays[src] else None)
           for src, n in stories.items()]
    out.sort(key=lambda r: (-r[2], -r[3], r[0]))
    return out[:limit]
