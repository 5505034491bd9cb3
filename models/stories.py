"""Persisting dedupe decisions: signatures, duplicate_of, stories; and the warm start.

The Deduper (newsagg.dedupe) decides in memory; this module stores its decisions
and gives it back the recent window on start. Story aggregates (first article and
outlet, counts, times) are recomputed from the member articles, so they stay right
when articles arrive out of order or stories merge.

Several writers (Celery workers) stay consistent by holding a PostgreSQL advisory
lock around "catch up with what others stored, decide, write": see StoryWriter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, delete, insert, select, text, update
from sqlalchemy.orm import Session

from models.schema import ArticleRow, ArticleShowRow, ArticleSignatureRow, ShowRow, SourceRow, StoryRow

if TYPE_CHECKING:
    from newsagg.dedupe.engine import Decision, Deduper, StoredArticle
    from newsagg.dedupe.near_duplicates import StoredSignature

_LOCK_KEY = 7390143  # advisory lock: one writer at a time decides stories


def _window_rows(session: Session, since: datetime | None, after_id: int) -> list[Any]:
    stmt = (select(ArticleRow.id, ArticleRow.canonical_url, ArticleRow.title, ArticleRow.body, ArticleRow.summary,
                   ArticleRow.published_at, ArticleRow.flags, ArticleRow.url, ArticleRow.duplicate_of_id,
                   StoryRow.key, SourceRow.name, ArticleSignatureRow.minhash, ArticleSignatureRow.text_hash)
            .join(SourceRow, SourceRow.id == ArticleRow.source_id)
            .join(StoryRow, StoryRow.id == ArticleRow.story_id)
            .outerjoin(ArticleSignatureRow, ArticleSignatureRow.article_id == ArticleRow.id)
            .where(ArticleRow.id > after_id))
    if since is not None:
        stmt = stmt.where(ArticleRow.published_at >= since)
    return session.execute(stmt.order_by(ArticleRow.published_at, ArticleRow.id)).all()


def load_into(deduper: "Deduper", session: Session, since: datetime | None = None, after_id: int = 0) -> int:
    """Replay stored articles (with a story) into the deduper; returns the highest article id seen."""
    from newsagg.dedupe.engine import DedupeItem, StoredArticle
    from newsagg.dedupe.near_duplicates import StoredSignature

    rows = _window_rows(session, since, after_id)
    if not rows:
        return after_id
    ids = [r.id for r in rows]
    shows: dict[int, list[str]] = {}
    for i in range(0, len(ids), 500):
        for aid, title in session.execute(select(ArticleShowRow.article_id, ShowRow.title)
                                          .join(ShowRow, ShowRow.id == ArticleShowRow.show_id)
                                          .where(ArticleShowRow.article_id.in_(ids[i:i + 500]))):
            shows.setdefault(aid, []).append(title)
    key_of = {r.id: r.canonical_url for r in rows}
    missing = {r.duplicate_of_id for r in rows if r.duplicate_of_id and r.duplicate_of_id not in key_of}
    if missing:
        key_of.update(dict(session.execute(select(ArticleRow.id, ArticleRow.canonical_url)
                                           .where(ArticleRow.id.in_(missing))).all()))
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


class StoryWriter:
    """Runs a Deduper against the database: warm start, decide a batch, persist the decisions."""

    def __init__(self, engine: Engine, deduper: "Deduper") -> None:
        self.engine = engine
        self.deduper = deduper
        self.seen_id = 0

    def warm_start(self) -> None:
        since = datetime.now(timezone.utc) - self.deduper.window
        with Session(self.engine) as session:
            self.seen_id = load_into(self.deduper, session, since=since)

    def process(self, articles: Sequence[Any], ids: Sequence[int]) -> list["Decision"]:
        """Decide and store stories/duplicates for newly stored articles (ids in the same order)."""
        from newsagg.dedupe.engine import from_article

        if not articles:
            return []
        with Session(self.engine) as session, session.begin():
            if self.engine.dialect.name == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
            # Catch up with articles other writers stored since we last looked.
            others = load_into(self.deduper, session, after_id=self.seen_id)
            decisions = self.deduper.process(from_article(a) for a in articles)
            self._persist(session, decisions, list(ids))
            self.seen_id = max(self.seen_id, others, *ids)
        return decisions

    def _persist(self, session: Session, decisions: list["Decision"], ids: list[int]) -> None:
        now = datetime.now(timezone.utc)
        id_of = {d.key: i for d, i in zip(decisions, ids)}
        wanted = {d.duplicate_of for d in decisions if d.duplicate_of is not None} - set(id_of)
        if wanted:
            id_of.update(dict(session.execute(select(ArticleRow.canonical_url, ArticleRow.id)
                                              .where(ArticleRow.canonical_url.in_(list(wanted)))).all()))
        # Stories: create the new keys, fold merged ones into their survivors.
        keys = {d.story_key for d in decisions}
        story_id = dict(session.execute(select(StoryRow.key, StoryRow.id).where(StoryRow.key.in_(keys))).all())
        for d in decisions:
            if d.story_key not in story_id:
                story_id[d.story_key] = session.execute(insert(StoryRow).values(
                    key=d.story_key, headline="", first_published_at=d.published_at or now,
                    last_published_at=d.published_at or now, created_at=now, updated_at=now,
                ).returning(StoryRow.id)).scalar_one()
        touched = set(story_id.values())
        merged = {old: d.story_key for d in decisions for old in d.merged_stories}
        if merged:
            old_ids = dict(session.execute(select(StoryRow.key, StoryRow.id)
                                           .where(StoryRow.key.in_(list(merged)))).all())
            for old_key, old_id in old_ids.items():
                session.execute(update(ArticleRow).where(ArticleRow.story_id == old_id)
                                .values(story_id=story_id[merged[old_key]]))
                session.execute(delete(StoryRow).where(StoryRow.id == old_id))
                touched.discard(old_id)
        def survivor(key: str) -> str:  # a story folded into another later in this batch
            seen = {key}
            while key in merged and merged[key] not in seen:
                key = merged[key]
                seen.add(key)
            return key

        session.execute(update(ArticleRow), [
            {"id": id_of[d.key], "story_id": story_id[survivor(d.story_key)],
             "duplicate_of_id": id_of.get(d.duplicate_of) if d.duplicate_of is not None else None}
            for d in decisions])
        sigs = [{"article_id": id_of[d.key], "text_hash": d.text_hash, "minhash": d.minhash,
                 "published_at": d.published_at or now} for d in decisions if d.text_hash or d.minhash]
        if sigs:
            session.execute(delete(ArticleSignatureRow).where(
                ArticleSignatureRow.article_id.in_([s["article_id"] for s in sigs])))
            session.execute(insert(ArticleSignatureRow), sigs)
        headlines = {d.story_key: self.deduper.stories.stories[d.story_key].headline
                     for d in decisions if d.story_key in self.deduper.stories.stories}
        refresh_stories(session, touched, {story_id[k]: h for k, h in headlines.items() if k in story_id}, now)


def refresh_stories(session: Session, story_ids: Iterable[int], headlines: dict[int, str], now: datetime) -> None:
    """Recompute first article/outlet, times and counts of stories from their members."""
    ids = list(story_ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        members: dict[int, list[Any]] = {}
        for r in session.execute(select(ArticleRow.story_id, ArticleRow.id, ArticleRow.source_id, ArticleRow.title,
                                        ArticleRow.published_at, ArticleRow.duplicate_of_id)
                                 .where(ArticleRow.story_id.in_(chunk))):
            members.setdefault(r.story_id, []).append(r)
        rows = []
        for sid, arts in members.items():
            arts.sort(key=lambda a: (a.published_at, a.id))
            first = next((a for a in arts if a.duplicate_of_id is None), arts[0])
            rows.append({"id": sid, "first_article_id": first.id, "first_source_id": first.source_id,
                         "first_published_at": first.published_at, "last_published_at": arts[-1].published_at,
                         "article_count": len(arts), "source_count": len({a.source_id for a in arts}),
                         "headline": headlines.get(sid) or first.title, "updated_at": now})
        if rows:
            session.execute(update(StoryRow), rows)
        empty = set(chunk) - set(members)
        if empty:
            session.execute(delete(StoryRow).where(StoryRow.id.in_(list(empty))))
