"""Batched article writes: one transaction per batch, keyed on canonical URL and per-source GUID.

A batch is matched against stored rows in two indexed queries; rows whose feed
content hash is unchanged are not written at all, so a rerun of the same crawl
inserts nothing and updates only what changed. Dialect-neutral (SQLite and
PostgreSQL). Concurrent writers (several crawl processes or machines on one
database): inserts are `INSERT ... ON CONFLICT DO NOTHING` in canonical-URL order,
and an article another writer committed meanwhile is matched again against that
row (an update or unchanged, never a second row, never an error); rows are
updated in id order so writers never deadlock on each other; a deadlock or
unique-key error that still gets through is retried.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol, TypeVar

from sqlalchemy import Engine, insert, select, tuple_, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from models.schema import ArticleRevisionRow, ArticleRow, SourceRow
from newsagg.records import Article

# Fields a feed can change; their hash decides "unchanged" on a rerun.
_HASHED = ("title", "summary", "body", "authors", "tags", "published_at", "updated_at", "image_url", "url")
_ATTEMPTS = 4  # a batch that still races with other writers is retried (rarely needed: see the docstring)
T = TypeVar("T")
_QUERY_CHUNK = 400  # SQLite's bound-parameter limit is far above, PostgreSQL likes short IN lists


@dataclass
class StoreResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0  # the same article twice in one batch (e.g. in two feeds of one source)
    ids: list[int] = field(default_factory=list)  # row id per input article, in order
    # (source name, outcome) -> count, outcome in new/updated/unchanged/duplicate
    per_source: Counter[tuple[str, str]] = field(default_factory=Counter)

    outcomes: list[str] = field(default_factory=list)  # per input article: new/updated/unchanged/duplicate

    def count(self, source: str, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        self.per_source[(source, outcome)] += 1
        self.outcomes.append(outcome)


def content_hash(article: Article) -> str:
    # A date taken from the fetch time changes on every run: it is not content.
    fields = [f for f in _HASHED if not (f == "published_at" and "date_from_fetch" in article.flags)]
    payload = [getattr(article, f) for f in fields]
    raw = json.dumps(payload, default=lambda v: v.isoformat() if isinstance(v, datetime) else str(v),
                     ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class SourceInfo(Protocol):
    """What a new sources row takes from the registry (newsagg.sources.Source has it)."""

    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def homepage(self) -> str: ...
    @property
    def timezone(self) -> str: ...


class SourceIds:
    """name -> sources.id, creating rows on first sight (thread-safe, cached)."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._lock = threading.Lock()

    def ensure(self, session: Session, names: Iterable[str], registry: dict[str, SourceInfo]) -> dict[str, int]:
        with self._lock:
            missing = {n for n in names if n not in self._ids}
            if missing:
                for row in session.execute(select(SourceRow.id, SourceRow.name).where(SourceRow.name.in_(missing))):
                    self._ids[row.name] = row.id
                now = datetime.now(timezone.utc)
                for name in sorted(missing - set(self._ids)):
                    src = registry.get(name)
                    try:
                        with session.begin_nested():
                            new_id = session.execute(insert(SourceRow).values(
                                name=name, title=src.title if src else name,
                                homepage=src.homepage if src else None,
                                timezone=src.timezone if src else "UTC", created_at=now,
                            ).returning(SourceRow.id)).scalar_one()
                    except IntegrityError:  # another process created it meanwhile
                        new_id = session.execute(select(SourceRow.id).where(SourceRow.name == name)).scalar_one()
                    self._ids[name] = new_id
            return dict(self._ids)


def _row_values(a: Article, source_id: int, chash: str) -> dict[str, Any]:
    return {
        "source_id": source_id, "guid": a.guid, "canonical_url": a.canonical_url, "url": a.url,
        "title": a.title, "summary": a.summary, "body": a.body, "authors": a.authors, "tags": a.tags,
        "section": a.section, "image_url": a.image_url, "language": a.language,
        "published_at": a.published_at, "modified_at": a.updated_at, "feed_url": a.feed_url,
        "feed_title": a.feed_title, "evidence": a.evidence, "flags": a.flags, "content_hash": chash,
        "page_status": a.page_status, "page_error": a.page_error, "page_fetched_at": a.page_fetched_at,
    }


# On update, an empty incoming value never erases a stored one (a feed-only rerun must
# not wipe the body, authors or image that an earlier page fetch gave).
_KEEP_IF_EMPTY = ("summary", "body", "authors", "tags", "section", "image_url", "language", "modified_at",
                  "page_status", "page_error", "page_fetched_at")


def _record_revisions(session: Session, updates: list[dict[str, Any]], now: datetime) -> None:
    """Keep the earlier title/body of articles whose text changes: no data lost."""
    ids = [u["id"] for u in updates]
    old = {r.id: r for r in session.execute(
        select(ArticleRow.id, ArticleRow.title, ArticleRow.summary, ArticleRow.body, ArticleRow.modified_at,
               ArticleRow.content_hash, ArticleRow.revision).where(ArticleRow.id.in_(ids)))}
    revisions = []
    for u in updates:
        prev = old.get(u["id"])
        if prev is None:
            continue
        if u.get("title", prev.title) == prev.title and u.get("body", prev.body) == prev.body:
            continue
        revisions.append({"article_id": prev.id, "revision": prev.revision, "title": prev.title,
                          "summary": prev.summary, "body": prev.body, "modified_at": prev.modified_at,
                          "content_hash": prev.content_hash, "recorded_at": now})
        u["revision"] = prev.revision + 1
    if revisions:
        session.execute(insert(ArticleRevisionRow), revisions)


def _existing(session: Session, articles: Sequence[Article], source_ids: dict[str, int]) -> tuple[dict, dict]:
    urls = list({a.canonical_url for a in articles})
    pairs = list({(source_ids[a.source], a.guid) for a in articles if a.guid})
    by_url: dict[str, tuple[int, str, int]] = {}  # -> (id, content hash, source id)
    by_guid: dict[tuple[int, str], tuple[int, str, int]] = {}
    cols = (ArticleRow.id, ArticleRow.canonical_url, ArticleRow.source_id, ArticleRow.guid, ArticleRow.content_hash)
    for i in range(0, len(urls), _QUERY_CHUNK):
        for r in session.execute(select(*cols).where(ArticleRow.canonical_url.in_(urls[i:i + _QUERY_CHUNK]))):
            by_url[r.canonical_url] = (r.id, r.content_hash, r.source_id)
            if r.guid:
                by_guid[(r.source_id, r.guid)] = (r.id, r.content_hash, r.source_id)
    for i in range(0, len(pairs), _QUERY_CHUNK):
        chunk = pairs[i:i + _QUERY_CHUNK]
        stmt = select(*cols).where(tuple_(ArticleRow.source_id, ArticleRow.guid).in_(chunk))
        for r in session.execute(stmt):
            by_guid[(r.source_id, r.guid)] = (r.id, r.content_hash, r.source_id)
            by_url.setdefault(r.canonical_url, (r.id, r.content_hash, r.source_id))
    return by_url, by_guid


class _ConcurrentWrite(Exception):
    """Rows kept conflicting with concurrent writers: the whole batch is retried."""


def _insert_ignoring_conflicts(session: Session) -> Any:
    """INSERT that skips rows whose canonical URL or source/GUID another writer stored."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(ArticleRow).on_conflict_do_nothing()
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(ArticleRow).on_conflict_do_nothing()
    return insert(ArticleRow)  # elsewhere a race raises IntegrityError, and the batch is retried


def _retryable(exc: DBAPIError) -> bool:
    """Unique-key race, deadlock or serialization failure: try the batch again."""
    return isinstance(exc, IntegrityError) or getattr(exc.orig, "sqlstate", None) in ("40P01", "40001")


def _store_once(session: Session, articles: Sequence[Article], source_ids: dict[str, int],
                now: datetime, depth: int = 0) -> StoreResult:
    result = StoreResult()
    by_url, by_guid = _existing(session, articles, source_ids)
    inserts: list[dict[str, Any]] = []
    insert_pos: list[int] = []
    updates: list[dict[str, Any]] = []
    ids: list[int | None] = [None] * len(articles)
    batch_keys: dict[str, int] = {}  # canonical URL or source/guid -> index of first in batch
    for i, a in enumerate(articles):
        sid = source_ids[a.source]
        gkey = f"{sid}\x00{a.guid}" if a.guid else None
        first = batch_keys.get(a.canonical_url) if a.canonical_url in batch_keys else (
            batch_keys.get(gkey) if gkey else None)
        if first is not None:
            result.count(a.source, "duplicate")
            ids[i] = -first - 1  # resolved after insert
            continue
        batch_keys[a.canonical_url] = i
        if gkey:
            batch_keys[gkey] = i
        chash = a.content_hash or content_hash(a)
        hit = by_url.get(a.canonical_url) or (by_guid.get((sid, a.guid)) if a.guid else None)
        if hit is None:
            values = _row_values(a, sid, chash)
            values.update(first_seen_at=now, changed_at=now)
            inserts.append(values)
            insert_pos.append(i)
            result.count(a.source, "new")
        elif hit[2] != sid:
            # Another source's article (an aggregator relisting its URL): it is a copy here,
            # never an update, or any feed could rewrite any outlet's stored articles.
            ids[i] = hit[0]
            result.count(a.source, "duplicate")
        elif hit[1] == chash and a.page_status is None:  # same feed data, no new page data
            ids[i] = hit[0]
            result.count(a.source, "unchanged")
        else:
            values = _row_values(a, sid, chash)
            # The identity of a stored article never moves: a new GUID for the same URL
            # (an edited headline re-issued) or a new URL for the same GUID updates it.
            values.pop("canonical_url")
            values.pop("guid")
            if "date_from_fetch" in a.flags:
                values.pop("published_at")  # keep the first time we saw it
            for key in _KEEP_IF_EMPTY:
                if not values.get(key):
                    values.pop(key, None)
            values.update(id=hit[0], changed_at=now)
            updates.append(values)
            ids[i] = hit[0]
            result.count(a.source, "updated")
    if inserts:
        order = sorted(range(len(inserts)), key=lambda k: inserts[k]["canonical_url"])  # one lock order for all
        stmt = _insert_ignoring_conflicts(session).returning(ArticleRow.id, ArticleRow.canonical_url)
        got = {r.canonical_url: r.id for r in session.execute(stmt, [inserts[k] for k in order])}
        lost = []
        for pos in insert_pos:
            new_id = got.get(articles[pos].canonical_url)
            if new_id is None:  # another writer committed this URL or GUID meanwhile
                lost.append(pos)
            else:
                ids[pos] = new_id
        if lost:
            if depth >= 2:
                raise _ConcurrentWrite(f"{len(lost)} articles kept conflicting with other writers")
            again = _store_once(session, [articles[p] for p in lost], source_ids, now, depth + 1)
            for j, (pos, row_id) in enumerate(zip(lost, again.ids)):
                ids[pos] = row_id
                result.new -= 1
                result.per_source[(articles[pos].source, "new")] -= 1
                if len(result.outcomes) == len(articles) and len(again.outcomes) == len(lost):
                    result.outcomes[pos] = again.outcomes[j]  # one outcome per input article, in order
            for key, n in again.per_source.items():
                result.per_source[key] += n
            result.per_source = +result.per_source  # drop zero counts
            result.new += again.new
            result.updated += again.updated
            result.unchanged += again.unchanged
            result.duplicate += again.duplicate
    if updates:
        updates.sort(key=lambda u: u["id"])  # one row-lock order for all writers: no deadlocks
        _record_revisions(session, updates, now)
        # Bulk UPDATE by primary key wants one shape per statement: group by key set.
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for u in updates:
            shapes.setdefault(tuple(sorted(u)), []).append(u)
        for rows in shapes.values():
            session.execute(update(ArticleRow), rows)
    for i, v in enumerate(ids):
        if v is not None and v < 0:
            ids[i] = ids[-v - 1]
    result.ids = [v if v is not None else 0 for v in ids]
    return result


class ArticleStore:
    """Writes batches of Articles; safe to call from a worker thread (one writer at a time)."""

    def __init__(self, engine: Engine, registry: Iterable[SourceInfo] = ()) -> None:
        self.engine = engine
        self.registry = {s.name: s for s in registry}
        self._sources = SourceIds()
        self._write_lock = threading.Lock()

    def source_ids(self, names: Iterable[str]) -> dict[str, int]:
        with Session(self.engine) as session, session.begin():
            return self._sources.ensure(session, names, self.registry)

    def store_in(self, session: Session, articles: Sequence[Article], now: datetime | None = None) -> StoreResult:
        """Write the batch in the caller's transaction (no commit, no retry: see retrying)."""
        if not articles:
            return StoreResult()
        sids = self._sources.ensure(session, {a.source for a in articles}, self.registry)
        return _store_once(session, articles, sids, now or datetime.now(timezone.utc))

    def store(self, articles: Sequence[Article]) -> StoreResult:
        """Write the batch in its own transaction, retried when it races with other writers."""
        if not articles:
            return StoreResult()
        now = datetime.now(timezone.utc)

        def once() -> StoreResult:
            with Session(self.engine) as session, session.begin():
                return self.store_in(session, articles, now)

        with self._write_lock:
            return retrying(once, on_retry=self.forget_uncommitted)

    def forget_uncommitted(self) -> None:
        """After a rollback: source ids created by it are gone too."""
        self._sources = SourceIds()


def retrying(attempt_once: Callable[[], T], on_retry: Callable[[], None] = lambda: None) -> T:
    """Run a write transaction; a unique-key race or deadlock with another writer runs it again
    (the retry sees the other writer's rows). `on_retry` resets state the failed attempt left."""
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            return attempt_once()
        except (DBAPIError, _ConcurrentWrite) as exc:
            if attempt == _ATTEMPTS or (isinstance(exc, DBAPIError) and not _retryable(exc)):
                raise
            on_retry()
            time.sleep(random.uniform(0.01, 0.05) * attempt)
    raise AssertionError("unreachable")
