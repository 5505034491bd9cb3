"""Build a synthetic newsagg database of N articles, fast and deterministically.

    python bench/make_synthetic_db.py --db URL --articles 1000000 [--days 365] [--seed 7]

Realistic shape for query benchmarks: a few dozen outlets, thousands of shows with a
Zipf-like popularity, stories covered by 1-6 outlets within a day and a half, a few
syndicated copies (duplicate_of_id), some articles without a story, and 0-2 show links
per article (one primary). Articles are spread over --days ending on --end (default
2016-01-20, the demo's week), with a daily rhythm.

Same arguments, same rows (ids included): runs are comparable across machines and backends.
The schema comes from the Alembic migrations (models.db.open_database); rows go in with
executemany (SQLite, one transaction) or COPY (PostgreSQL). The database must have no
articles yet. For PostgreSQL in a fresh schema:
    CREATE SCHEMA bench; then --db 'postgresql+psycopg://127.0.0.1:5432/test?options=-csearch_path%3Dbench'
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from models.db import database_url, open_database  # noqa: E402

UTC = timezone.utc
BATCH = 50_000

OUTLETS = ["deadline", "variety", "tvline", "digitalspy", "hollywoodreporter", "ew", "indiewire", "vulture",
           "avclub", "collider", "screenrant", "tvguide", "radiotimes", "guardian-tv", "bbc-ent", "metro-tv",
           "independent-tv", "nyt-arts", "latimes-ent", "usatoday-life", "cinemablend", "slashfilm", "denofgeek",
           "tvinsider", "ign-tv", "polygon-tv", "thewrap", "uproxx-tv", "decider", "primetimer", "tvfanatic",
           "spoilertv", "tvseriesfinale", "programminginsider", "broadwayworld-tv", "whats-on-tv", "soaps-sheknows",
           "inside-soap", "tvline-uk", "hypable"]
ADJ = ["Midnight", "Silent", "Broken", "Golden", "Hidden", "Last", "Wild", "Crimson", "Quiet", "Northern", "Lost",
       "Burning", "Frozen", "Electric", "Savage", "Gentle", "Iron", "Hollow", "Bright", "Shadow", "Little", "Grand",
       "Paper", "Velvet", "Stone", "Glass", "Bitter", "Sweet", "Royal", "Rogue"]
NOUN = ["Harbor", "Kingdom", "Detective", "Valley", "Empire", "Sisters", "Station", "Frontier", "Doctors", "Legacy",
        "Heights", "Files", "Academy", "Dynasty", "Protocol", "Garden", "Circuit", "Island", "Republic", "Saints",
        "Witness", "Orchard", "Signal", "Crown", "Tribe", "Avenue", "Harvest", "Verdict", "Hospital", "Lodge"]
NETWORKS = ["Netflix", "HBO", "AMC", "BBC One", "ITV", "Fox", "NBC", "CBS", "ABC", "FX", "Hulu", "Showtime",
            "Starz", "Channel 4", "Sky Atlantic", "The CW", "USA Network", "Amazon"]
EVENTS = ["renewed for season {s}", "cancelled after {s} seasons", "season {s} premiere date set",
          "casts a new series regular for season {s}", "season {s} trailer released", "ratings rise in season {s}",
          "showrunner exits ahead of season {s}", "season {s} finale recap", "first look at season {s}",
          "wins big at the awards", "spin-off in the works", "moves to a new night"]
WORDS = ("the series cast season episode network producers streaming fans drama comedy finale premiere writers "
         "viewers critics story character return schedule episodes ratings announced spring fall new").split()


@dataclass(frozen=True)
class Plan:
    articles: int
    days: int
    end: date
    shows: int
    seed: int


def _ts(dt: datetime) -> str:
    # What SQLAlchemy's SQLite DateTime stores (UTCDateTime keeps UTC, naive): must match exactly.
    return dt.strftime("%Y-%m-%d %H:%M:%S.%f")


def _show_rows(plan: Plan, rng: random.Random) -> list[tuple[Any, ...]]:
    rows, seen = [], set()
    for i in range(1, plan.shows + 1):
        title = f"The {rng.choice(ADJ)} {rng.choice(NOUN)}"
        if title in seen:
            title = f"{title} ({2000 + i % 17})"
        if title in seen:
            title = f"{title} #{i}"
        seen.add(title)
        rows.append((i, title, rng.choice(NETWORKS), "US", json.dumps({"synthetic": str(i)}), json.dumps([])))
    return rows


def _plan_stories(plan: Plan, rng: random.Random) -> Iterator[tuple[int, datetime, int, list[int]]]:
    """(size, start time, 0, [show ids]) per story, until N articles are planned."""
    start_day = plan.end - timedelta(days=plan.days - 1)
    base = datetime(start_day.year, start_day.month, start_day.day, tzinfo=UTC)
    made = 0
    while made < plan.articles:
        size = min(plan.articles - made, min(6, 1 + int(rng.expovariate(0.8))))
        # Daily rhythm: most news in the (US) working day, some overnight.
        minute = int(rng.triangular(0, 24 * 60, 16 * 60))
        start = base + timedelta(days=rng.randrange(plan.days), minutes=minute)
        shows: list[int] = []
        if rng.random() < 0.8:
            # Zipf-like: show 1 is huge, most shows get a trickle.
            shows.append(max(1, min(plan.shows, int(plan.shows ** rng.random()))))
            other = 1 + rng.randrange(plan.shows)
            if rng.random() < 0.2 and other != shows[0]:
                shows.append(other)
        yield size, start, 0, shows
        made += size


def generate(plan: Plan) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """Batches of (table, rows) in insertion order. Articles come with their stories' ids known."""
    rng = random.Random(plan.seed)
    now = datetime(plan.end.year, plan.end.month, plan.end.day, 23, 59, tzinfo=UTC)
    yield "sources", [(i + 1, name, name.replace("-", " ").title(), f"https://{name}.example/", "UTC", now)
                      for i, name in enumerate(OUTLETS)]
    show_rows = _show_rows(plan, rng)
    yield "shows", show_rows
    titles = {r[0]: r[1] for r in show_rows}

    article_id = story_id = 0
    stories: list[tuple[Any, ...]] = []
    articles: list[tuple[Any, ...]] = []
    links: list[tuple[Any, ...]] = []
    for size, start, _, shows in _plan_stories(plan, rng):
        lone = size == 1 and rng.random() < 0.3  # ~5% of articles: not yet clustered into a story
        if not lone:
            story_id += 1
        outlets = rng.sample(range(1, len(OUTLETS) + 1), size)
        show = titles[shows[0]] if shows else "Upfronts"
        event = rng.choice(EVENTS).format(s=1 + rng.randrange(8))
        headline = f"{show} {event}"
        first_id = article_id + 1
        times = sorted(start + timedelta(minutes=int(rng.expovariate(1 / 240))) if i else start for i in range(size))
        for i, (src, when) in enumerate(zip(outlets, times)):
            article_id += 1
            dup = first_id if i and rng.random() < 0.05 else None  # a syndicated copy of the first
            words = rng.choices(WORDS, k=40)
            title = headline if i == 0 else f"{headline} ({OUTLETS[src - 1]})"
            url = f"https://{OUTLETS[src - 1]}.example/{when:%Y/%m/%d}/{article_id}"
            articles.append((article_id, src, f"g{article_id}", url, url, title,
                             " ".join(words[:18]).capitalize() + ".", " ".join(words).capitalize() + ".",
                             '["Staff"]', "[]", "en", when, "{}", "[]", f"{article_id:064x}", when, when,
                             dup, None if lone else story_id))
            for j, show_id in enumerate(shows):
                links.append((article_id, show_id, round(0.95 - 0.4 * j - rng.random() * 0.1, 3), j == 0, "[]"))
        if not lone:
            stories.append((story_id, f"{plan.seed:08x}-0000-4000-8000-{story_id:012x}", headline, first_id,
                            outlets[0], times[0], times[-1], size, size, now, now))
        if len(articles) >= BATCH:
            yield "stories", stories
            yield "articles", articles
            yield "article_shows", links
            stories, articles, links = [], [], []
    yield "stories", stories
    yield "articles", articles
    yield "article_shows", links


COLUMNS = {
    "sources": "id, name, title, homepage, timezone, created_at",
    "shows": "id, title, network, country, external_ids, aliases",
    "stories": "id, key, headline, first_article_id, first_source_id, first_published_at, last_published_at, "
               "article_count, source_count, created_at, updated_at",
    "articles": "id, source_id, guid, canonical_url, url, title, summary, body, authors, tags, language, "
                "published_at, evidence, flags, content_hash, first_seen_at, changed_at, duplicate_of_id, story_id",
    "article_shows": "article_id, show_id, confidence, is_primary, seasons",
}


def _load_sqlite(raw: Any, plan: Plan) -> dict[str, int]:
    counts: dict[str, int] = {}
    raw.isolation_level = None  # autocommit: only our explicit BEGIN/COMMIT, no implicit transactions
    cur = raw.cursor()
    # One big transaction without fsyncs; FKs hold by construction (ids are planned).
    cur.execute("PRAGMA foreign_keys=OFF")
    cur.execute("PRAGMA synchronous=OFF")
    # Per-row triggers (the full-text index) are dropped for the load, the index is rebuilt
    # in one pass, and the triggers come back with their exact SQL.
    triggers = cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles'"
                           ).fetchall()
    cur.execute("BEGIN")
    for name, _ in triggers:  # inside the transaction: a failed load leaves them in place
        cur.execute(f'DROP TRIGGER "{name}"')
    for table, rows in generate(plan):
        if not rows:
            continue
        cols = COLUMNS[table]
        marks = ", ".join("?" * len(cols.split(",")))
        rows = [tuple(_ts(v) if isinstance(v, datetime) else v for v in r) for r in rows]
        cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
        counts[table] = counts.get(table, 0) + len(rows)
    if cur.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles_fts'").fetchone():
        cur.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
    for _, sql in triggers:
        cur.execute(sql)
    cur.execute("COMMIT")
    cur.execute("ANALYZE")
    cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cur.execute("PRAGMA foreign_keys=ON")
    return counts


def _load_postgres(raw: Any, plan: Plan) -> dict[str, int]:
    counts: dict[str, int] = {}
    first_articles: list[tuple[int, int]] = []
    with raw.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '512MB'")
        # Secondary indexes (the full-text GIN above all) are dropped for the load and
        # rebuilt in one pass from their exact definitions; constraint indexes stay.
        indexes = cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename IN ('articles', 'stories', 'article_shows') AND NOT EXISTS (SELECT 1 FROM "
            "pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = current_schema()::regnamespace)"
        ).fetchall()
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        for table, rows in generate(plan):
            if not rows:
                continue
            if table == "stories":  # stories.first_article_id points forward: set after the articles
                first_articles.extend((r[0], r[3]) for r in rows)
                rows = [r[:3] + (None,) + r[4:] for r in rows]
            with cur.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
            counts[table] = counts.get(table, 0) + len(rows)
        cur.execute("CREATE TEMP TABLE _first (story_id int PRIMARY KEY, article_id int) ON COMMIT DROP")
        with cur.copy("COPY _first FROM STDIN") as copy:
            for r in first_articles:
                copy.write_row(r)
        cur.execute("UPDATE stories s SET first_article_id = f.article_id FROM _first f WHERE f.story_id = s.id")
        for _, sql in indexes:
            cur.execute(sql)
        for table in ("sources", "shows", "stories", "articles"):  # explicit ids: move the sequences past them
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))")
    raw.commit()
    with raw.cursor() as cur:
        cur.execute("ANALYZE")
    raw.commit()
    return counts


def build(url: str, plan: Plan) -> dict[str, Any]:
    t0 = time.perf_counter()
    engine = open_database(url)
    with engine.connect() as conn:
        if conn.execute(text("SELECT count(*) FROM articles")).scalar():
            engine.dispose()
            raise SystemExit(f"{url}: the database already has articles; use a fresh file or schema")
    raw = engine.raw_connection()
    try:
        loader = _load_postgres if engine.dialect.name == "postgresql" else _load_sqlite
        counts = loader(raw.driver_connection, plan)
    finally:
        raw.close()
        engine.dispose()
    return {"db": url.split("?")[0], "dialect": engine.dialect.name, "seconds": round(time.perf_counter() - t0, 1),
            "plan": {"articles": plan.articles, "days": plan.days, "end": plan.end.isoformat(),
                     "shows": plan.shows, "seed": plan.seed}, "rows": counts}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, help="SQLAlchemy URL or SQLite path (fresh: no articles)")
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=365, help="spread over this many days")
    ap.add_argument("--end", type=date.fromisoformat, default=date(2016, 1, 20), help="last day (YYYY-MM-DD)")
    ap.add_argument("--shows", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    result = build(database_url(args.db), Plan(args.articles, args.days, args.end, args.shows, args.seed))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
