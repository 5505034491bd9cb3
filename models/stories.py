"""Stories in the database: the reads a warm start needs, and writing story assignments.

Who decides is newsagg.stories_writer (it drives newsagg.dedupe); this module only
reads and writes rows. Story aggregates (first article and outlet, counts, times)
are recomputed from the member articles, so they stay right when articles arrive
out of order or stories merge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from models import locks
from models.schema import ArticleRow, ArticleShowRow, ArticleSignatureRow, ShowRow, SourceRow, StoryRow
from newsagg.records import StoryAssignment

LOCK_KEY = locks.STORY_WRITER  # PostgreSQL advisory lock: one writer at a time decides stories
_CHUNK = 500


def window_rows(session: Session, since: datetime | None, after_seq: int | None = None) -> list[Any]:
    """Stored articles with a story (oldest first), with what the deduper replays: those published
    since `since`, or those whose story decision came after batch `after_seq` (see decision_seq)."""
    stmt = (select(ArticleRow.id, ArticleRow.canonical_url, ArticleRow.title, ArticleRow.body, ArticleRow.summary,
                   ArticleRow.published_at, ArticleRow.flags, ArticleRow.url, ArticleRow.duplicate_of_id,
                   StoryRow.key, SourceRow.name, ArticleSignatureRow.minhash, ArticleSignatureRow.text_hash,
                   ArticleSignatureRow.seq)
            .join(SourceRow, SourceRow.id == ArticleRow.source_id)
            .join(StoryRow, StoryRow.id == ArticleRow.story_id)
            .outerjoin(ArticleSignatureRow, ArticleSignatureRow.article_id == ArticleRow.id))
    if after_seq is not None:
        stmt = stmt.where(ArticleSignatureRow.seq > after_seq)
    if since is not None:
        stmt = stmt.where(ArticleRow.published_at >= since)
    return list(session.execute(stmt.order_by(ArticleRow.published_at, ArticleRow.id)).all())


def decision_seq(session: Session) -> int:
    """The number of the last story-decision batch committed (0: none numbered yet).

    A batch's number is this plus one, taken while holding the story lock (LOCK_KEY), which
    is held until the batch commits: numbers therefore grow in commit order, and a reader
    that saw batch n has seen every batch before it."""
    return int(session.execute(select(func.max(ArticleSignatureRow.seq))).scalar() or 0)


def show_titles(session: Session, article_ids: Sequence[int]) -> dict[int, list[str]]:
    shows: dict[int, list[str]] = {}
    for i in range(0, len(article_ids), _CHUNK):
        for aid, title in session.execute(select(ArticleShowRow.article_id, ShowRow.title)
                                          .join(ShowRow, ShowRow.id == ArticleShowRow.show_id)
                                          .where(ArticleShowRow.article_id.in_(article_ids[i:i + _CHUNK]))):
            shows.setdefault(aid, []).append(title)
    return shows


def _lookup(session: Session, key_col: Any, value_col: Any, keys: Iterable[Any]) -> dict[Any, Any]:
    wanted = list(keys)
    out: dict[Any, Any] = {}
    for i in range(0, len(wanted), _CHUNK):
        out.update(session.execute(select(key_col, value_col).where(key_col.in_(wanted[i:i + _CHUNK]))).all())
    return out


def urls_of(session: Session, article_ids: Iterable[int]) -> dict[int, str]:
    return _lookup(session, ArticleRow.id, ArticleRow.canonical_url, article_ids)


def ids_of(session: Session, urls: Iterable[str]) -> dict[str, int]:
    return _lookup(session, ArticleRow.canonical_url, ArticleRow.id, urls)


def survivor(key: str, merged: Mapping[str, str]) -> str:
    """The story a key ends up in after this batch's merges (chains followed, loops cut)."""
    seen = {key}
    while key in merged and merged[key] not in seen:
        key = merged[key]
        seen.add(key)
    return key


def write_assignments(session: Session, assignments: Sequence[StoryAssignment], merged: Mapping[str, str],
                      headlines: Mapping[str, str], now: datetime, seq: int | None = None) -> None:
    """Store a batch's story decisions (no commit).

    `merged` maps story keys absorbed during the batch to the key that absorbed them.
    Every assignment is resolved to its final story first, so a story merged away
    later in the same batch is never created, and one stored earlier is emptied
    into its survivor and deleted before anything points at it.
    """
    final = {a.article_id: survivor(a.story_key, merged) for a in assignments}
    first_at: dict[str, datetime] = {}
    for a in assignments:
        key = final[a.article_id]
        first_at[key] = min(first_at.get(key, a.published_at), a.published_at)
    wanted = set(first_at) | {survivor(k, merged) for k in merged}
    story_id = _story_ids(session, wanted)
    for key in sorted(wanted - set(story_id)):
        when = first_at.get(key, now)
        story_id[key] = session.execute(insert(StoryRow).values(
            key=key, headline="", first_published_at=when, last_published_at=when, created_at=now, updated_at=now,
        ).returning(StoryRow.id)).scalar_one()
    touched = {story_id[k] for k in first_at}
    for old_key, old_id in _story_ids(session, set(merged) - wanted).items():
        new_id = story_id[survivor(old_key, merged)]
        session.execute(update(ArticleRow).where(ArticleRow.story_id == old_id).values(story_id=new_id))
        session.execute(delete(StoryRow).where(StoryRow.id == old_id))
        touched.add(new_id)
    if assignments:
        session.execute(update(ArticleRow), [
            {"id": a.article_id, "story_id": story_id[final[a.article_id]], "duplicate_of_id": a.duplicate_of_id}
            for a in assignments])
        session.execute(delete(ArticleSignatureRow).where(
            ArticleSignatureRow.article_id.in_([a.article_id for a in assignments])))
        sigs = [{"article_id": a.article_id, "text_hash": a.text_hash, "minhash": a.minhash,
                 "published_at": a.published_at, "seq": seq} for a in assignments]
        session.execute(insert(ArticleSignatureRow), sigs)
    refresh_stories(session, touched, {story_id[k]: h for k, h in headlines.items() if k in story_id}, now)


def _story_ids(session: Session, keys: Iterable[str]) -> dict[str, int]:
    return _lookup(session, StoryRow.key, StoryRow.id, keys)


def refresh_stories(session: Session, story_ids: Iterable[int], headlines: dict[int, str], now: datetime) -> None:
    """Recompute first article/outlet, times and counts of stories from their members."""
    ids = list(story_ids)
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i:i + _CHUNK]
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
