"""Folding a batch of articles' events at once, reading a fact's stored reports only when it must,
gives the facts and reports that folding them one article at a time from all of each fact's reports
gives, whatever the shows, types, dates, arrival order, seasons, people, stories and re-reports."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.db import open_database
from models.events import EventFactRow, EventRow
from models.schema import ArticleRow, ShowRow, SourceRow, StoryRow
from newsagg.events import Event
from newsagg.events_writer import fold_batch

T0 = datetime(2016, 1, 17, 12, 0, tzinfo=timezone.utc)
ARTICLES = 8

event = st.builds(lambda show, type_, season, status, people: Event(
                      type=type_, show_id=show, show_title=f"Show {show}", season=season, status=status,
                      date=None, people=people, evidence=f"{type_} {show}"),
                  st.sampled_from([1, 2]), st.sampled_from(["renewed", "casting"]), st.sampled_from([None, 2, 3]),
                  st.sampled_from(["reported", "official"]), st.lists(st.sampled_from(["Ann Lee", "Bo Day"]), max_size=2))
# An article: its index (repeats re-report it: its events are replaced), published hours after T0
# (first use wins), story (or none), source, events.
report = st.tuples(st.integers(0, ARTICLES - 1), st.integers(0, 24 * 12), st.sampled_from([None, 1, 2]),
                   st.sampled_from([1, 2]), st.lists(event, max_size=3))


def _database(path: str, articles: dict[int, tuple[int, int | None, int]]) -> Any:
    eng = open_database(f"sqlite:///{path}")
    with Session(eng) as s, s.begin():
        s.add_all([SourceRow(id=i, name=f"s{i}", title=f"S{i}", created_at=T0) for i in (1, 2)])
        s.add_all([ShowRow(id=i, title=f"Show {i}") for i in (1, 2)])
        s.add_all([StoryRow(id=i, key=f"story-{i}", headline="h", first_published_at=T0, last_published_at=T0,
                            created_at=T0, updated_at=T0) for i in (1, 2)])
        s.flush()
        for n, (hours, story, source) in articles.items():
            at = T0 + timedelta(hours=hours)
            s.add(ArticleRow(id=n + 1, source_id=source, story_id=story, url=f"http://x/{n}", canonical_url=f"http://x/{n}",
                             title="t", published_at=at, content_hash="h", first_seen_at=at, changed_at=at))
    return eng


def _state(eng: Any) -> set:
    """Facts and their reports, without ids (they depend on the order of inserts)."""
    with Session(eng) as s:
        facts = s.scalars(select(EventFactRow)).all()
        events = s.scalars(select(EventRow)).all()
        assert all(e.fact_id is not None for e in events)
        return {(f.show_id, f.type, f.season, f.status, f.announced, tuple(f.people), f.first_article_id,
                 f.first_source_id, f.first_published_at, f.last_published_at, f.report_count, f.source_count,
                 tuple(f.source_ids),
                 tuple(sorted(((e.article_id, e.season, e.status, tuple(e.people)) for e in events if e.fact_id == f.id),
                              key=repr)))
                for f in facts}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(report, min_size=1, max_size=12), st.integers(1, 6))
def test_batch_fold_equals_one_at_a_time(tmp_path_factory, reports, size) -> None:
    articles: dict[int, tuple[int, int | None, int]] = {}
    for n, hours, story, source, _ in reports:
        articles.setdefault(n, (hours, story, source))
    items = [(n + 1, T0 + timedelta(hours=articles[n][0]), articles[n][1], articles[n][2], events)
             for n, _, _, _, events in reports]
    tmp = tmp_path_factory.mktemp("fold")
    # The reference: one article at a time, every fact folded from all its reports each time.
    ref = _database(str(tmp / "ref.db"), articles)
    one, many = _database(str(tmp / "one.db"), articles), _database(str(tmp / "many.db"), articles)
    try:
        for item in items:
            with Session(ref) as s, s.begin():
                fold_batch(s, [item], read_all=True)
            with Session(one) as s, s.begin():
                fold_batch(s, [item])
        for start in range(0, len(items), size):
            with Session(many) as s, s.begin():
                fold_batch(s, items[start:start + size])
        assert _state(one) == _state(ref)
        assert _state(many) == _state(ref)
    finally:
        for eng in (ref, one, many):
            eng.dispose()
