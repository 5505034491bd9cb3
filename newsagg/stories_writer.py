"""Story assignment against the database: warm start, decide a batch, hand the decisions to models.

The Deduper (newsagg.dedupe) decides in memory; models.stories reads and writes
rows. `assign` runs inside the caller's transaction, so an article, its show
links and its story commit together (see newsagg.ingest). When that transaction
rolls back, the in-memory state holds decisions the database does not: `reset()`
rebuilds it from what is stored.

Several writers (Celery workers, crawl processes) decide stories one at a time, yet
mostly in parallel. Why the result is the one a single writer would reach:

* Deciding needs the lock (models.stories.LOCK_KEY, a transaction-level PostgreSQL
  advisory lock), held from the decision until the batch COMMITS. It is taken late in
  the batch transaction: storing the articles, linking shows and fingerprinting the
  texts (most of a batch's work) run before it, in parallel across writers.
* Every decision batch is numbered (article_signatures.seq) while the lock is held:
  numbers grow in commit order, so "every batch numbered above n" is exactly what a
  writer that has seen batch n has not seen (a batch below n committed before n did).
* Before taking the lock a writer replays the batches committed since its last look
  (no lock needed: committed decisions never change); under the lock it replays only
  the few that committed meanwhile, then decides. So each decision is made knowing
  every decision committed before it, as with one writer.

Before numbering, replay went by article id; ids are handed out when articles are
inserted, which now happens outside the lock, so an id no longer tells commit order.
SQLite has one writer at a time anyway (the file's write lock, from the batch's first
write to its commit).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from models.stories import LOCK_KEY, decision_seq, ids_of, show_titles, urls_of, window_rows, write_assignments
from newsagg.dedupe.engine import Decision, DedupeItem, Deduper, StoredArticle, fingerprint_of, from_article
from newsagg.dedupe.near_duplicates import StoredSignature
from newsagg.records import Article, StoryAssignment


def load_into(deduper: Deduper, session: Session, since: datetime | None = None,
              after_seq: int | None = None) -> int:
    """Replay stored articles (with a story) into the deduper: those published since `since`, or
    those decided in batches after `after_seq`. Returns the highest batch number replayed."""
    rows = window_rows(session, since, after_seq)
    if not rows:
        return after_seq or 0
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
    return max([after_seq or 0, *(r.seq for r in rows if r.seq is not None)])


def lock_stories(session: Session) -> None:
    """One story decision at a time on PostgreSQL (held until the transaction ends)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})


class StoryAssigner:
    """Decides stories and syndicated copies for newly stored articles, in the caller's transaction."""

    def __init__(self, engine: Engine, window: timedelta = timedelta(days=14)) -> None:
        self.engine = engine
        self.window = window
        self.deduper = Deduper(window=window)
        self.seen_seq = 0  # the last decision batch replayed (see the module docstring)
        self.dirty = False  # decided in memory what the database may not hold (until committed)

    def warm_start(self) -> None:
        since = datetime.now(timezone.utc) - self.window
        with Session(self.engine) as session:
            if session.get_bind().dialect.name == "postgresql":
                # the window and the last batch number from one snapshot: nothing replayed twice
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            seq = decision_seq(session)
            load_into(self.deduper, session, since=since)
            self.seen_seq = seq

    def reset(self) -> None:
        """After a rollback: forget undecided state and replay what the database holds."""
        self.deduper = Deduper(window=self.window)
        self.seen_seq = 0
        self.dirty = False
        self.warm_start()

    @staticmethod
    def prepare(articles: Sequence[Article]) -> list[DedupeItem]:
        """The dedupe view of articles, their texts fingerprinted: the costly, lock-free part."""
        items = [from_article(a) for a in articles]
        for item in items:
            item.fingerprint = fingerprint_of(item)
        return items

    def catch_up(self, session: Session) -> None:
        """Replay the decisions other writers committed since we last looked (no lock needed)."""
        self.seen_seq = load_into(self.deduper, session, after_seq=self.seen_seq)

    def assign(self, session: Session, articles: Sequence[Article], ids: Sequence[int],
               items: Sequence[DedupeItem] | None = None) -> list[Decision]:
        """Decide and write (no commit) stories for stored articles without one (ids in the same order).

        The caller holds lock_stories(session) until the transaction ends; `items` are
        prepare(articles), computed before taking it."""
        if not articles:
            return []
        self.dirty = True
        self.catch_up(session)  # what committed since the last look: a few batches at most
        decisions = self.deduper.process(items if items is not None else self.prepare(articles))
        batch = decision_seq(session) + 1
        write_decisions(session, self.deduper, decisions, list(ids), batch)
        self.seen_seq = batch
        return decisions


def write_decisions(session: Session, deduper: Deduper, decisions: Sequence[Decision], ids: list[int],
                    batch: int | None = None) -> None:
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
    write_assignments(session, assignments, merged, headlines, now, batch)
