"""Events stored through ingest, folded into facts, read by the commands, views and the digest; on
SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from conftest import run_here
from models.db import open_database
from models.events import industry_moves, scorecard
from newsagg.events_writer import reprocess
from newsagg.ingest import Ingestor
from newsagg.records import Article
from newsagg.sources import Source

T0 = datetime(2016, 1, 17, 12, 0, tzinfo=timezone.utc)


def article(source: str, n: int, title: str, minutes: int, summary: str = "") -> Article:
    a = Article(source=source, url=f"http://127.0.0.1/{source}/{n}", canonical_url=f"http://127.0.0.1/{source}/{n}",
                title=title, summary=summary, body="", published_at=T0 + timedelta(minutes=minutes))
    return a


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'events.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    eng = open_database(url)
    yield eng
    eng.dispose()


def test_reports_fold_into_one_fact_with_first_reporter(engine) -> None:
    registry = [Source(name=n, title=n.title(), feeds=(f"http://127.0.0.1/{n}.xml",)) for n in ("variety", "deadline")]
    ing = Ingestor(engine, registry)
    ing.ingest([article("deadline", 1, "'Jessica Jones' Renewed for Season 2 at Netflix", 30)])
    ing.ingest([article("variety", 2, "Netflix Renews 'Jessica Jones' for Second Season", 5),
                article("variety", 3, "'Empire' Review: A Messy but Fun Return", 6)])
    with Session(engine) as session:
        moves = industry_moves(session, T0, T0 + timedelta(days=1))
        card = scorecard(session)
        later = industry_moves(session, T0 + timedelta(days=1), T0 + timedelta(days=2))
    renewals = [m for m in moves if m["type"] == "renewed"]
    assert len(renewals) == 1
    move = renewals[0]
    assert set(move) == {"type", "show", "season", "status", "date", "people", "evidence", "first", "outlets"}
    assert set(move["show"]) == {"title", "id", "tvmaze"} and move["show"]["title"] == "Jessica Jones"
    assert move["season"] == 2 and move["first"]["source"] == "variety"
    assert [o["source"] for o in move["outlets"]] == ["variety", "deadline"]
    assert later == []
    row = next(r for r in card if r["show"] == "Jessica Jones")
    assert row["latest"] == "renewed for season 2" and row["first_source"] == "variety"
    with engine.connect() as conn:
        view = conn.execute(text("SELECT show_title, latest, season, first_source FROM v_scorecard")).all()
        assert ("Jessica Jones", "renewed", 2, "variety") in [tuple(r) for r in view]
        assert conn.execute(text("SELECT count(*) FROM v_events WHERE type = 'renewed'")).scalar() == 2
    with Session(engine) as session:
        result = reprocess(session)
        assert result.events == 2 and result.facts == 1


def _outlets(engine) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT source_ids, report_count, source_count FROM event_facts")).all()
    return [(json.loads(ids) if isinstance(ids, str) else ids, *rest) for ids, *rest in rows]  # SQLite: text


def test_migration_0011_keeps_each_facts_outlets(engine) -> None:
    """Facts folded before their outlets were kept get them from their reports; folding then goes on."""
    from alembic import command

    from models.db import _alembic_config, current_revision, head_revision, upgrade

    registry = [Source(name=n, title=n.title(), feeds=(f"http://127.0.0.1/{n}.xml",)) for n in ("variety", "deadline")]
    ing = Ingestor(engine, registry)
    ing.ingest([article("deadline", 1, "'Jessica Jones' Renewed for Season 2 at Netflix", 30),
                article("variety", 2, "Netflix Renews 'Jessica Jones' for Second Season", 5)])
    want = _outlets(engine)
    with engine.connect() as conn:
        sources = conn.execute(text("SELECT id FROM sources ORDER BY id")).scalars().all()
    assert want == [(sources, 2, 2)]
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0010")
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert _outlets(engine) == want
    with engine.begin() as conn:  # a fact stored without its outlets: folded again from its reports
        conn.execute(text("UPDATE event_facts SET source_ids = NULL"))
    Ingestor(engine, registry).ingest([article("deadline", 3, "Netflix renews 'Jessica Jones'", 40)])
    assert _outlets(engine) == [(sources, 3, 2)]


def test_cli_extract_and_list(tmp_path) -> None:
    db = str(tmp_path / "cli.db")
    lines = "\n".join([json.dumps({"id": "a", "title": "'Ozark' Renewed for Season 4", "published": "2020-06-01"}),
                       "not json", json.dumps({"id": "b", "text": "Will 'Ozark' be cancelled?"})]) + "\n"
    run = run_here("events", "extract", "--db", db, input=lines)
    out = [json.loads(l) for l in run.stdout.splitlines()]
    assert run.returncode == 1 and out[1]["error"]
    assert [(e["type"], e["show"]["title"], e["season"]) for e in out[0]["events"]] == [("renewed", "Ozark", 4)]
    assert out[2]["events"] == []
    listed = run_here("events", "--db", db, "--type", "bogus")
    assert listed.returncode == 2 and "unknown bogus" in listed.stderr and "Traceback" not in listed.stderr
    card = run_here("scorecard", "--db", db, "--format", "json")
    assert card.returncode == 0 and json.loads(card.stdout) == []


from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

HEADLINES = ["'Ozark' Renewed for Season 4 at Netflix", "Netflix Renews 'Ozark' for Fourth Season",
             "'Ozark' Gets Season 4 Renewal", "Netflix Cancels 'Ozark'"]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["variety", "deadline", "tvline"]), st.sampled_from(HEADLINES),
                          st.integers(0, 60 * 24 * 10)), min_size=1, max_size=8),
       st.integers(1, 3))
def test_folding_invariants(tmp_path_factory, reports, batches) -> None:
    """Whatever the arrival order and batching: every event has a fact, a fact's first report is its
    earliest, its counts are its events', and same-type facts of a show are more than the window apart."""
    from sqlalchemy import select

    from models.events import FOLD_WINDOW, EventFactRow, EventRow

    eng = open_database(f"sqlite:///{tmp_path_factory.mktemp('fold') / 'f.db'}")
    try:
        registry = [Source(name=n, title=n.title(), feeds=(f"http://127.0.0.1/{n}.xml",))
                    for n in ("variety", "deadline", "tvline")]
        ing = Ingestor(eng, registry, dedupe=False)
        arts = [article(src, n, title, minutes) for n, (src, title, minutes) in enumerate(reports)]
        size = max(1, len(arts) // batches)
        for start in range(0, len(arts), size):
            ing.ingest(arts[start:start + size])
        with Session(eng) as session:
            events = session.scalars(select(EventRow)).all()
            facts = session.scalars(select(EventFactRow)).all()
            assert all(e.fact_id is not None for e in events)
            for fact in facts:
                mine = [e for e in events if e.fact_id == fact.id]
                assert fact.report_count == len(mine)
                assert fact.first_published_at == min(e.published_at for e in mine)
                assert all(e.type == fact.type and e.show_id == fact.show_id for e in mine)
            by_key: dict = {}
            for fact in facts:
                by_key.setdefault((fact.show_id, fact.type, fact.season), []).append(fact)
            for same in by_key.values():
                same.sort(key=lambda f: f.first_published_at)
                for a, b in zip(same, same[1:]):
                    assert b.first_published_at - a.last_published_at > FOLD_WINDOW
    finally:
        eng.dispose()
