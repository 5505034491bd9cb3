"""Build a synthetic newsagg database of N articles, fast and deterministically.

    python bench/make_synthetic_db.py --db URL --articles 1000000 [--days 1000] [--seed 7]

Realistic shape for query benchmarks: a few dozen outlets, thousands of shows with a
Zipf-like popularity, stories covered by 1-6 outlets within a day and a half, a few
syndicated copies (duplicate_of_id), some articles without a story, and 0-2 show links
per article (one primary, with seasons and where the show was found). Articles are spread
over --days ending on --end (default 2016-01-20, the demo's week), with a daily rhythm:
1M articles over the default 1,000 days (about 2.7 years) make ~500 stories a day.
Article sizes follow real pages (body median ~3 KB, long tail to ~20 KB, the extraction
benchmark's ground truth has median 3.5 KB), drawn from a Zipf vocabulary of pseudo-words so
the full-text index has a realistic spread of terms. Stories reporting a TV event (renewal,
cancellation, premiere date, casting...) carry `event_facts` and one `events` row per report,
as event extraction writes them.

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
# Pseudo-words: a vocabulary the size of real news text, each spelled from syllables (no real text copied).
SYLLABLES = ("ka", "lo", "mi", "ter", "san", "vo", "ri", "den", "ta", "mor", "el", "an", "is", "qu", "ber",
             "cal", "ne", "sto", "ju", "pra", "wen", "dy", "gor", "fi", "ha", "lux", "op", "re", "ze", "ul")
WORDS = ("the series cast season episode network producers streaming fans drama comedy finale premiere writers "
         "viewers critics story character return schedule episodes ratings announced spring fall new").split()


# Event templates -> the event type extraction would write (None: no TV event in the story).
EVENT_TYPE = {"renewed": "renewed", "cancelled": "cancelled", "premiere date": "premiere_date",
              "casts": "casting", "trailer": "trailer", "ratings": "ratings", "showrunner exits": "departure",
              "wins big": "award", "spin-off": "development"}


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


class TextPool:
    """Paragraphs drawn once from a Zipf vocabulary; bodies are random runs of them. Building
    each body word by word would dominate a 1M-article run; the index still sees varied text."""

    def __init__(self, rng: random.Random, vocabulary: int = 20_000, paragraphs: int = 5_000) -> None:
        vocab = list(WORDS)
        seen = set(vocab)
        while len(vocab) < vocabulary:
            word = "".join(rng.choice(SYLLABLES) for _ in range(1 + int(rng.expovariate(0.6)) % 5))
            if word not in seen:
                seen.add(word)
                vocab.append(word)
        weights = [1 / (i + 1) for i in range(len(vocab))]  # Zipf: a few words everywhere, most rare
        self.paragraphs = []
        for _ in range(paragraphs):
            words = rng.choices(vocab, weights, k=rng.randint(30, 110))
            self.paragraphs.append(" ".join(words).capitalize() + ".")
        self.rng = rng

    def body(self, lead: str) -> str:
        # Lognormal sizes: median ~3 KB, 10% under ~1.4 KB, 10% over ~6.5 KB (real article pages).
        target = min(20_000, int(self.rng.lognormvariate(8.0, 0.6)))
        parts, size = [lead], len(lead)
        while size < target:
            p = self.paragraphs[self.rng.randrange(len(self.paragraphs))]
            parts.append(p)
            size += len(p) + 2
        return "\n\n".join(parts)

    def summary(self) -> str:
        return self.paragraphs[self.rng.randrange(len(self.paragraphs))][:240]


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

    pool = TextPool(random.Random(plan.seed + 1))
    article_id = story_id = fact_id = event_id = 0
    stories: list[tuple[Any, ...]] = []
    articles: list[tuple[Any, ...]] = []
    links: list[tuple[Any, ...]] = []
    facts: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    # Ids in time order, as a crawler assigns them: a day's articles sit together on disk (the
    # digest's and the river's reads touch few pages), not scattered over the whole file.
    for size, start, _, shows in sorted(_plan_stories(plan, rng), key=lambda p: p[1]):
        lone = size == 1 and rng.random() < 0.3  # ~5% of articles: not yet clustered into a story
        if not lone:
            story_id += 1
        outlets = rng.sample(range(1, len(OUTLETS) + 1), size)
        show = titles[shows[0]] if shows else "Upfronts"
        season = 1 + rng.randrange(8)
        event = rng.choice(EVENTS).format(s=season)
        # A quarter of the stories about a show report a TV event (the rest: reviews, recaps, interviews).
        event_type = next((t for k, t in EVENT_TYPE.items() if k in event), None) \
            if shows and rng.random() < 0.25 else None
        headline = f"{show} {event}"
        first_id = article_id + 1
        times = sorted(start + timedelta(minutes=int(rng.expovariate(1 / 240))) if i else start for i in range(size))
        if event_type:
            fact_id += 1
            people = json.dumps(["Pat Doe"] if event_type in ("casting", "departure") else [])
            facts.append((fact_id, shows[0], event_type, season, "official" if rng.random() < 0.6 else "reported",
                          None, people, first_id, outlets[0], times[0], times[-1], size, size))
        for i, (src, when) in enumerate(zip(outlets, times)):
            article_id += 1
            dup = first_id if i and rng.random() < 0.05 else None  # a syndicated copy of the first
            title = headline if i == 0 else f"{headline} ({OUTLETS[src - 1]})"
            url = f"https://{OUTLETS[src - 1]}.example/{when:%Y/%m/%d}/{article_id}"
            articles.append((article_id, src, f"g{article_id}", url, url, title, pool.summary(),
                             pool.body(f"{headline}."), '["Staff"]', '["TV"]', "en", when, "{}", "[]",
                             f"{article_id:064x}", when, when, dup, None if lone else story_id,
                             f"https://{OUTLETS[src - 1]}.example/img/{article_id}.jpg",
                             f"https://{OUTLETS[src - 1]}.example/feed/"))
            for j, show_id in enumerate(shows):
                links.append((article_id, show_id, round(0.95 - 0.4 * j - rng.random() * 0.1, 3), j == 0,
                              f"[{season}]" if j == 0 else "[]", "title" if j == 0 else "body"))
            if event_type:
                event_id += 1
                events.append((event_id, article_id, shows[0], fact_id, event_type, season, facts[-1][4], None,
                               facts[-1][6], None, f"{headline}.", round(0.7 + rng.random() * 0.3, 3), i == 0,
                               "title", when))
        if not lone:
            stories.append((story_id, f"{plan.seed:08x}-0000-4000-8000-{story_id:012x}", headline, first_id,
                            outlets[0], times[0], times[-1], size, size, now, now))
        if len(articles) >= BATCH:
            yield from _flush(stories, articles, links, facts, events)
            stories, articles, links, facts, events = [], [], [], [], []
    yield from _flush(stories, articles, links, facts, events)


def _flush(*batches: list[tuple[Any, ...]]) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    yield from zip(("stories", "articles", "article_shows", "event_facts", "events"), batches)


COLUMNS = {
    "sources": "id, name, title, homepage, timezone, created_at",
    "shows": "id, title, network, country, external_ids, aliases",
    "stories": "id, key, headline, first_article_id, first_source_id, first_published_at, last_published_at, "
               "article_count, source_count, created_at, updated_at",
    "articles": "id, source_id, guid, canonical_url, url, title, summary, body, authors, tags, language, "
                "published_at, evidence, flags, content_hash, first_seen_at, changed_at, duplicate_of_id, story_id, "
                "image_url, feed_url",
    "article_shows": "article_id, show_id, confidence, is_primary, seasons, found_in",
    "event_facts": "id, show_id, type, season, status, announced, people, first_article_id, first_source_id, "
                   "first_published_at, last_published_at, report_count, source_count",
    "events": "id, article_id, show_id, fact_id, type, season, status, announced, people, network, evidence, "
              "confidence, is_new, found_in, published_at",
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
            "AND i.tablename IN ('articles', 'stories', 'article_shows', 'events', 'event_facts') "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname "
            "AND c.connamespace = current_schema()::regnamespace)"
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
        # Explicit ids: move the sequences past them.
        for table in ("sources", "shows", "stories", "articles", "event_facts", "events"):
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
    ap.add_argument("--days", type=int, default=1000, help="spread over this many days")
    ap.add_argument("--end", type=date.fromisoformat, default=date(2016, 1, 20), help="last day (YYYY-MM-DD)")
    ap.add_argument("--shows", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    result = build(database_url(args.db), Plan(args.articles, args.days, args.end, args.shows, args.seed))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
