"""Batched upserts on real SQLite and PostgreSQL: reruns insert nothing, changes update."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from models.db import current_revision, head_revision, open_database
from models.schema import ArticleRow, SourceRow
from models.store import ArticleStore
from newsagg.records import Article

T0 = datetime(2016, 1, 17, 21, 5, tzinfo=timezone.utc)


def _article(n: int, **kw: object) -> Article:
    base = dict(source="variety", canonical_url=f"https://variety.com/a{n}/", url=f"https://variety.com/a{n}/",
                title=f"Title {n}", published_at=T0, guid=f"https://variety.com/?p={n}", summary="s",
                authors=["Jane Doe"], tags=["TV"])
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "t.db")
    return request.getfixturevalue("postgres_url")


def _count(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.execute(select(func.count(ArticleRow.id))).scalar_one()


def test_migrations_applied_on_first_use(db_url: str) -> None:
    engine = open_database(db_url)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        names = {r[0] for r in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type='table'" if engine.dialect.name == "sqlite" else
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"))}
    assert {"sources", "articles", "shows", "article_shows", "crawl_runs"} <= names


def test_rerun_inserts_nothing_and_updates_only_changes(db_url: str) -> None:
    engine = open_database(db_url)
    store = ArticleStore(engine)
    batch = [_article(i) for i in range(50)]
    first = store.store(batch)
    assert (first.new, first.updated, first.unchanged) == (50, 0, 0)
    assert len(set(first.ids)) == 50
    again = store.store([dataclasses.replace(a) for a in batch])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 50)
    assert again.ids == first.ids
    changed = [dataclasses.replace(batch[3], title="New headline"), dataclasses.replace(batch[4], body="Body")]
    res = store.store(changed)
    assert (res.new, res.updated) == (0, 2)
    assert _count(engine) == 50
    with Session(engine) as s:
        row = s.get(ArticleRow, first.ids[3])
        assert row.title == "New headline" and row.published_at == T0 and row.published_at.tzinfo is not None


def test_identity_by_guid_and_by_url(db_url: str) -> None:
    engine = open_database(db_url)
    store = ArticleStore(engine)
    [aid] = store.store([_article(1)]).ids
    # Same GUID, new URL (slug edited): the same article.
    moved = store.store([_article(1, canonical_url="https://variety.com/a1-edited/", title="Edited")])
    assert moved.ids == [aid] and moved.updated == 1
    # Same URL, new GUID (headline re-issued): the same article.
    reissued = store.store([_article(1, guid="https://variety.com/?p=999", title="Edited again")])
    assert reissued.ids == [aid]
    # Duplicates inside one batch (two feeds of one source) are stored once.
    dup = store.store([_article(7), _article(7)])
    assert dup.new == 1 and dup.duplicate == 1 and dup.ids[0] == dup.ids[1]
    assert _count(engine) == 2


def test_sources_created_once(db_url: str) -> None:
    engine = open_database(db_url)
    store = ArticleStore(engine)
    store.store([_article(1), _article(2, source="deadline", canonical_url="https://deadline.com/x")])
    ArticleStore(engine).store([_article(3, source="deadline", canonical_url="https://deadline.com/y")])
    with Session(engine) as s:
        assert sorted(s.execute(select(SourceRow.name)).scalars()) == ["deadline", "variety"]


def test_fetch_time_dates_do_not_count_as_changes(db_url: str) -> None:
    engine = open_database(db_url)
    store = ArticleStore(engine)
    a = _article(1, published_at=T0, flags=["date_from_fetch"])
    store.store([a])
    later = dataclasses.replace(a, published_at=datetime(2016, 2, 1, tzinfo=timezone.utc))
    assert store.store([later]).unchanged == 1


def test_changed_text_keeps_earlier_revisions_and_feed_reruns_keep_page_data(db_url: str) -> None:
    engine = open_database(db_url)
    store = ArticleStore(engine)
    [aid] = store.store([_article(1, body="Page body v1", page_status="ok")]).ids
    # A later feed-only pass with the same feed data but no page: nothing changes.
    assert store.store([_article(1, body="Page body v1", page_status="ok")]).unchanged == 0  # page data = update
    feed_only = _article(1, title="Title 1 (updated)", body="")
    assert store.store([feed_only]).updated == 1
    with Session(engine) as s:
        row = s.get(ArticleRow, aid)
        assert row.title == "Title 1 (updated)" and row.body == "Page body v1" and row.page_status == "ok"
        assert row.revision == 2
        revs = s.execute(text("SELECT revision, title, body FROM article_revisions WHERE article_id = :a"),
                         {"a": aid}).all()
        assert [tuple(r) for r in revs] == [(1, "Title 1", "Page body v1")]
