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
articles yet. For PostgreSQL, in its own database (1M articles: ~4.5 GB, tests unaffected):
    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE scale1m'
    python bench/make_synthetic_db.py --db postgresql+psycopg://postgres@127.0.0.1:5432/scale1m --articles 1000000
or in a fresh schema: CREATE SCHEMA bench; --db '...:5432/test?options=-csearch_path%3Dbench'.

PostgreSQL load: --jobs connections (default 2) COPY the batches and then build the secondary
indexes at once (with more than one, a superuser's: foreign-key triggers are skipped, the
planned ids satisfy them). Parsing every body for the generated `search` column is most of a
load's cost (~1.3 ms an article), so by default the bodies' vectors are composed from the
vectors of the pool paragraphs they are made of (same lexemes and weights as the column's
expression; positions may differ by a stopword at a paragraph's end), the column is made a
plain one for the load and a trigger then keeps it as the expression says for rows written
later. --exact-search keeps the migration's generated column (about 2x slower).
"""

from __future__ import annotations

import argparse
import json
import queue
import random
import sys
import threading
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
        # Which paragraphs the last body and summary were made of (PostgreSQL composes their
        # search vectors from the paragraphs' vectors).
        self.last_body: list[int] = []
        self.last_summary = 0

    def body(self, lead: str) -> str:
        # Lognormal sizes: median ~3 KB, 10% under ~1.4 KB, 10% over ~6.5 KB (real article pages).
        target = min(20_000, int(self.rng.lognormvariate(8.0, 0.6)))
        parts, size, self.last_body = [lead], len(lead), []
        while size < target:
            i = self.rng.randrange(len(self.paragraphs))
            self.last_body.append(i)
            parts.append(self.paragraphs[i])
            size += len(self.paragraphs[i]) + 2
        return "\n\n".join(parts)

    def summary(self) -> str:
        self.last_summary = self.rng.randrange(len(self.paragraphs))
        return self.paragraphs[self.last_summary][:240]


def text_pool(plan: Plan) -> TextPool:
    return TextPool(random.Random(plan.seed + 1))


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


def generate(plan: Plan, pool: TextPool | None = None, parts: bool = False
             ) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """Batches of (table, rows) in insertion order. Articles come with their stories' ids known;
    with `parts`, each article row ends with (summary paragraph, lead, body paragraphs)."""
    rng = random.Random(plan.seed)
    now = datetime(plan.end.year, plan.end.month, plan.end.day, 23, 59, tzinfo=UTC)
    yield "sources", [(i + 1, name, name.replace("-", " ").title(), f"https://{name}.example/", "UTC", now)
                      for i, name in enumerate(OUTLETS)]
    show_rows = _show_rows(plan, rng)
    yield "shows", show_rows
    titles = {r[0]: r[1] for r in show_rows}

    pool = pool or text_pool(plan)
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
            if parts:
                articles[-1] += (pool.last_summary, f"{headline}.", pool.last_body)
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


def _phase(name: str, t0: float = time.perf_counter()) -> None:
    print(f"{time.perf_counter() - t0:7.1f} s  {name}", file=sys.stderr, flush=True)


def _secondary_indexes(cur: Any) -> list[tuple[str, str]]:
    return cur.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
        "AND i.tablename IN ('articles', 'stories', 'article_shows', 'events', 'event_facts') "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname "
        "AND c.connamespace = current_schema()::regnamespace)"
    ).fetchall()


class _Writers:
    """`jobs` connections, each taking work from one queue, so PostgreSQL computes the
    tsvector column (the load's main cost: ~1 ms of parsing per 3 KB body) on several cores."""

    def __init__(self, engine: Any, jobs: int, setup: list[str]) -> None:
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=2 * jobs)
        self.errors: list[BaseException] = []
        self.threads = [threading.Thread(target=self._run, args=(engine, setup), daemon=True) for _ in range(jobs)]
        for t in self.threads:
            t.start()

    def _run(self, engine: Any, setup: list[str]) -> None:
        raw = engine.raw_connection()
        try:
            conn = raw.driver_connection
            with conn.cursor() as cur:
                for sql in setup:
                    cur.execute(sql)
                conn.commit()
                while (job := self.queue.get()) is not None:
                    if not self.errors:  # after a failure: drain, so the producer never blocks
                        try:
                            job(cur)
                            conn.commit()
                        except BaseException as exc:  # reported by join()
                            self.errors.append(exc)
        finally:
            raw.close()

    def put(self, job: Any) -> None:
        if self.errors:
            raise self.errors[0]
        self.queue.put(job)

    def join(self) -> None:
        for _ in self.threads:
            self.queue.put(None)
        for t in self.threads:
            t.join()
        if self.errors:
            raise self.errors[0]


def _copy_job(table: str, rows: list[tuple[Any, ...]]) -> Any:
    def job(cur: Any) -> None:
        with cur.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
    return job


# The search column's expression (migration 0003), with the body's part composed from its
# paragraphs' vectors: `||` shifts the right operand's positions past the left's, so the lexemes
# and weights are the expression's; positions can differ by a stopword or two at a paragraph's end.
SEARCH_FN = "_synth_tsv_cat"
COMPOSED_SEARCH = (
    "setweight(to_tsvector('english', coalesce(s.title, '')), 'A') || setweight(p.summary, 'B') || "
    "setweight(to_tsvector('english', s.lead) || coalesce((SELECT " + SEARCH_FN + "(b.body ORDER BY u.n) "
    "FROM unnest(s.paras) WITH ORDINALITY u(id, n) JOIN _synth_paras b ON b.id = u.id), ''), 'C')"
)
SEARCH_EXPR = ("setweight(to_tsvector('english', coalesce({0}title, '')), 'A') || "
               "setweight(to_tsvector('english', coalesce({0}summary, '')), 'B') || "
               "setweight(to_tsvector('english', left(coalesce({0}body, ''), 200000)), 'C')")


def _composed_articles_job(rows: list[tuple[Any, ...]]) -> Any:
    """COPY into this session's staging table (body stored uncompressed: read once), then one
    INSERT ... SELECT that adds the composed search vector."""
    cols = COLUMNS["articles"]
    picked = ", ".join(f"s.{c.strip()}" for c in cols.split(","))

    def job(cur: Any) -> None:
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS _stage (LIKE articles INCLUDING DEFAULTS, "
                    "summary_para int, lead text, paras int[])")
        cur.execute("ALTER TABLE _stage ALTER COLUMN body SET STORAGE EXTERNAL")
        cur.execute("TRUNCATE _stage")
        with cur.copy(f"COPY _stage ({cols}, summary_para, lead, paras) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        cur.execute(f"INSERT INTO articles ({cols}, search) SELECT {picked}, {COMPOSED_SEARCH} "
                    f"FROM _stage s JOIN _synth_paras p ON p.id = s.summary_para")
    return job


def _prepare_composed(cur: Any, pool: TextPool) -> None:
    """The pool paragraphs' vectors (body and summary), computed once; the column becomes a
    plain one for the load (a generated column cannot be written)."""
    cur.execute(f"CREATE AGGREGATE {SEARCH_FN}(tsvector) (SFUNC = tsvector_concat, STYPE = tsvector, "
                "INITCOND = '')")
    cur.execute("CREATE UNLOGGED TABLE _synth_paras (id int PRIMARY KEY, body tsvector, summary tsvector)")
    cur.execute("CREATE TEMP TABLE _text (id int, body text)")
    with cur.copy("COPY _text FROM STDIN") as copy:
        for i, p in enumerate(pool.paragraphs):
            copy.write_row((i, p))
    cur.execute("INSERT INTO _synth_paras SELECT id, to_tsvector('english', body), "
                "to_tsvector('english', left(body, 240)) FROM _text")
    cur.execute("DROP TABLE _text")
    cur.execute("ALTER TABLE articles ALTER COLUMN search DROP EXPRESSION")


def _finish_composed(cur: Any) -> None:
    """PostgreSQL 15 cannot make a filled column generated again without recomputing every
    row, so a trigger computes the same expression for rows written later (a crawl into this
    database gets the same vectors as with the migration's generated column)."""
    cur.execute(f"DROP AGGREGATE {SEARCH_FN}(tsvector)")
    cur.execute("DROP TABLE _synth_paras")
    cur.execute("CREATE FUNCTION _synth_search() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"NEW.search := {SEARCH_EXPR.format('NEW.')}; RETURN NEW; END $$")
    cur.execute("CREATE TRIGGER articles_search BEFORE INSERT OR UPDATE ON articles "
                "FOR EACH ROW EXECUTE FUNCTION _synth_search()")
    cur.execute("COMMENT ON COLUMN articles.search IS 'make_synthetic_db.py: composed at load, "
                "then set by trigger articles_search (the migration makes it a generated column)'")


def _sql_job(sql: str) -> Any:
    return lambda cur: cur.execute(sql)


def _load_postgres(engine: Any, raw: Any, plan: Plan, jobs: int, exact: bool) -> dict[str, int]:
    counts: dict[str, int] = {}
    first_articles: list[tuple[int, int]] = []
    pool = text_pool(plan)
    with raw.cursor() as cur:
        if not exact:
            _prepare_composed(cur, pool)
        if jobs > 1 and not cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]:
            jobs = 1  # foreign-key triggers can only be skipped by a superuser (below)
        # Secondary indexes (the full-text GIN above all) are dropped for the load and
        # rebuilt in one pass from their exact definitions; constraint indexes stay.
        indexes = _secondary_indexes(cur)
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    raw.commit()  # before the writers start: DROP INDEX locks the tables until commit
    # Each writer commits its own batches in any order, so with several writers a link may
    # arrive before its article: foreign-key triggers are skipped (replica role); the rows
    # satisfy them by construction (planned ids), as on SQLite with foreign_keys=OFF.
    setup = ["SET synchronous_commit = off", "SET maintenance_work_mem = '512MB'"]
    if jobs > 1:
        setup.append("SET session_replication_role = replica")
    writers = _Writers(engine, jobs, setup)
    _phase("rows")
    try:
        for table, rows in generate(plan, pool, parts=not exact):
            if not rows:
                continue
            if table == "stories":  # stories.first_article_id points forward: set after the articles
                first_articles.extend((r[0], r[3]) for r in rows)
                rows = [r[:3] + (None,) + r[4:] for r in rows]
            writers.put(_copy_job(table, rows) if exact or table != "articles" else _composed_articles_job(rows))
            counts[table] = counts.get(table, 0) + len(rows)
    finally:
        writers.join()
    _phase("stories' first articles")
    with raw.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute("CREATE TEMP TABLE _first (story_id int PRIMARY KEY, article_id int) ON COMMIT DROP")
        with cur.copy("COPY _first FROM STDIN") as copy:
            for r in first_articles:
                copy.write_row(r)
        cur.execute("UPDATE stories s SET first_article_id = f.article_id FROM _first f WHERE f.story_id = s.id")
        # Explicit ids: move the sequences past them.
        for table in ("sources", "shows", "stories", "articles", "event_facts", "events"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))")
        if not exact:
            _finish_composed(cur)
    raw.commit()
    # Index builds in parallel too, the full-text GIN (the longest) first.
    _phase("indexes")
    writers = _Writers(engine, jobs, setup[:2])
    for _, sql in sorted(indexes, key=lambda i: "USING gin" not in i[1]):
        writers.put(_sql_job(sql))
    writers.join()
    # A live database is vacuumed: index-only scans then skip the heap, as they would there.
    _phase("vacuum analyze")
    raw.autocommit = True
    with raw.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    raw.autocommit = False
    return counts


def build(url: str, plan: Plan, jobs: int = 2, exact: bool = False) -> dict[str, Any]:
    t0 = time.perf_counter()
    engine = open_database(url)
    with engine.connect() as conn:
        if conn.execute(text("SELECT count(*) FROM articles")).scalar():
            engine.dispose()
            raise SystemExit(f"{url}: the database already has articles; use a fresh file or schema")
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "postgresql":
            counts = _load_postgres(engine, raw.driver_connection, plan, jobs, exact)
        else:
            counts = _load_sqlite(raw.driver_connection, plan)
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
    ap.add_argument("--jobs", type=int, default=2, help="PostgreSQL: connections loading and indexing at once")
    ap.add_argument("--exact-search", action="store_true",
                    help="PostgreSQL: keep the generated search column (parses every body: ~3x slower)")
    args = ap.parse_args(argv)
    result = build(database_url(args.db), Plan(args.articles, args.days, args.end, args.shows, args.seed),
                   args.jobs, args.exact_search)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
