"""Story assignment against the database: warm start, decide a batch, hand the decisions to models.

The Deduper (newsagg.dedupe) decides in memory; models.stories reads and writes
rows. `assign` runs inside the caller's transaction, so an article, its show
links and its story commit together (see newsagg.ingest). When that transaction
rolls back, the in-memory state holds decisions the database does not: `reset()`
rebuilds it from what is stored.

Several writers (Celery workers) stay consistent by holding a PostgreSQL advisory
lock (models.stories.LOCK_KEY) for the whole batch transaction and catching up
with what others stored before deciding.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from models.stories import LOCK_KEY, ids_of, show_titles, urls_of, window_rows, write_assignments
from newsagg.dedupe.engine import Decision, DedupeItem, Deduper, StoredArticle, from_article
from newsagg.dedupe.near_duplicates import StoredSignature
from newsagg.records import Article, StoryAssignment


def load_into(deduper: Deduper, session: Session, since: datetime | None = None, after_id: int = 0) -> int:
    """Replay stored articles (with a story) into the deduper; returns the highest article id seen."""
    rows = window_rows(session, since, after_id)
    if not rows:
        return after_id
    ids = [r.id for r in rows]
    shows = show_titles(session, ids)
    key_of = {r.id: r.canonical_url for r in rows}
    missing = {r.duplicate_of_id for r in rows if r.duplicate_of_id and r.duplicate_of_id not in key_of}
    key_of.update(urls_of(session, missing))
    signatures: list[StoredSignature] = []
    articles: list[StoredArticle] = []
    for r in rows:
        when = r.published_at
        item = DedupeItem(key=r.canonical_url, title=r.title, text=r.body or r.summary or "",
                          published_at=None if "date_from_fetch" in (r.flags or []) else when,
                          source=r.name, url=r.url, shows=shows.get(r.id, []), fetched_at=when)
        dup = key_of.get(r.duplicate_of_id) if r.duplicate_of_id else None
        articles.append(StoredArticle(item, r.key, dup, r.text_hash))
        if r.minhash is not None:
            signatures.append(StoredSignature(r.canonical_url, r.minhash, when, r.text_hash))
    deduper.load(signatures, articles)
    return max(ids)


def lock_stories(session: Session) -> None:
    """One story writer at a time on PostgreSQL (held until the transaction ends)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})


class StoryAssigner:
    """Decides stories and syndicated copies for newly stored articles, in the caller's transaction."""

    def __init__(self, engine: Engine, window: timedelta = timedelta(days=14)) -> None:
        self.engine = engine
        self.window = window
        self.deduper = Deduper(window=window)
        self.seen_id = 0
        self.dirty = False  # decided in memory what the database may not hold (until committed)

    def warm_start(self) -> None:
        since = datetime.now(timezone.utc) - self.window
        with Session(self.engine) as session:
            self.seen_id = load_into(self.deduper, session, since=since)

    def reset(self) -> None:
        """After a rollback: forget undecided state and replay what the database holds."""
        self.deduper = Deduper(window=self.window)
        self.seen_id = 0
        self.dirty = False
        self.warm_start()

    def assign(self, session: Session, articles: Sequence[Article], ids: Sequence[int]) -> list[Decision]:
        """Decide and write (no commit) stories for stored articles without one (ids in the same order).

        The caller holds lock_stories(session) for the transaction."""
        if not articles:
            return []
        self.dirty = True
        # Catch up with articles other writers stored since we last looked.
        others = load_into(self.deduper, session, after_id=self.seen_id)
        decisions = self.deduper.process(from_article(a) for a in articles)
        write_decisions(session, self.deduper, decisions, list(ids))
        self.seen_id = max(self.seen_id, others, *ids)
        return decisions


def write_decisions(session: Session, deduper: Deduper, decisions: Sequence[Decision], ids: list[int]) -> None:
    now = datetime.now(timezone.utc)
    id_of = {d.key: i for d, i in zip(decisions, ids)}
    wanted = {d.duplicate_of for d in decisions if d.duplicate_of is not None} - set(id_of)
    id_of.update(ids_of(session, wanted))  # type: ignore[arg-type]
    assignments = [StoryAssignment(id_of[d.key], d.story_key,
                                   id_of.get(d.duplicate_of) if d.duplicate_of is not None else None,
                                   d.text_hash, d.minhash, d.published_at or now) for d in decisions]
    merged = {old: d.story_key for d in decisions for old in d.merged_stories}
    live = deduper.stories.stories
    headlines = {k: live[k].headline for k in {d.story_key for d in decisions} | set(merged.values()) if k in live}
    write_assignments(session, assignments, merged, headlines, now)
