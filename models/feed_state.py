"""Per-URL fetch state of feeds and sitemaps: validators for conditional GET, and
`not_before` from <ttl>, Cache-Control max-age and Retry-After."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from models.schema import FeedStateRow
from models.store import SourceIds


@dataclass
class FeedState:
    url: str
    source: str
    etag: str | None = None
    last_modified: str | None = None
    last_status: int | None = None
    last_fetched_at: datetime | None = None
    not_before: datetime | None = None
    failures: int = 0
    moved_to: str | None = None  # where a permanent redirect (301/308) now sends this URL


def load_feed_state(engine: Engine, urls: list[str]) -> dict[str, FeedState]:
    out: dict[str, FeedState] = {}
    with Session(engine) as session:
        for i in range(0, len(urls), 400):
            for r in session.execute(select(FeedStateRow).where(FeedStateRow.url.in_(urls[i:i + 400]))).scalars():
                out[r.url] = FeedState(url=r.url, source="", etag=r.etag, last_modified=r.last_modified,
                                       last_status=r.last_status, last_fetched_at=r.last_fetched_at,
                                       not_before=r.not_before, failures=r.failures,
                                       moved_to=r.moved_to)
    return out


def save_feed_state(engine: Engine, states: list[FeedState]) -> None:
    if not states:
        return
    with Session(engine) as session, session.begin():
        ids = SourceIds().ensure(session, {s.source for s in states}, {})
        existing = set(session.execute(select(FeedStateRow.url).where(
            FeedStateRow.url.in_([s.url for s in states]))).scalars())
        rows = [{"url": s.url, "source_id": ids[s.source], "etag": s.etag, "last_modified": s.last_modified,
                 "last_status": s.last_status, "last_fetched_at": s.last_fetched_at, "not_before": s.not_before,
                 "failures": s.failures, "moved_to": s.moved_to} for s in states]
        new = [r for r in rows if r["url"] not in existing]
        old = [r for r in rows if r["url"] in existing]
        if new:
            session.execute(insert(FeedStateRow), new)
        for r in old:  # few rows (one per feed URL): plain updates keyed on the URL
            session.execute(update(FeedStateRow).where(FeedStateRow.url == r["url"]).values(**r))
