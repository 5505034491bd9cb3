"""After the offline demo: the scorecard has Jessica Jones renewed for season 2, first reported by the
outlet that had it first; the day's industry moves carry it; `newsagg show` lists the show's events."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from conftest import run_here
from models.db import open_database
from models.events import industry_moves, utc_day


@pytest.fixture(scope="module")
def demo_db(demo_copy: Path) -> Path:
    return demo_copy  # the run's shared demo database (conftest.demo_once), this module's copy


def test_scorecard_after_demo(demo_db: Path) -> None:
    run = run_here("scorecard", "--db", str(demo_db), "--format", "json")
    assert run.returncode == 0, run.stderr
    row = next(r for r in json.loads(run.stdout) if r["show"] == "Jessica Jones")
    assert row["latest"] == "renewed for season 2"
    with sqlite3.connect(demo_db) as conn:
        # The first reporter is the outlet whose renewal article is the earliest.
        first = conn.execute(
            "SELECT source FROM v_events WHERE show_title = 'Jessica Jones' AND type = 'renewed' "
            "ORDER BY published_at, id LIMIT 1").fetchone()[0]
        view = conn.execute("SELECT latest, season, first_source FROM v_scorecard "
                            "WHERE show_title = 'Jessica Jones'").fetchone()
    assert row["first_source"] == first == view[2] and view[:2] == ("renewed", 2)


def test_industry_moves_of_the_day(demo_db: Path) -> None:
    engine = open_database(f"sqlite:///{demo_db}")
    try:
        with Session(engine) as session:
            moves = industry_moves(session, *utc_day("2016-01-17"))
    finally:
        engine.dispose()
    renewal = [m for m in moves if m["type"] == "renewed" and m["show"]["title"] == "Jessica Jones"]
    assert len(renewal) == 1 and renewal[0]["season"] == 2
    assert len(renewal[0]["outlets"]) >= 2
    assert renewal[0]["first"]["published"] == min(o["published"] for o in renewal[0]["outlets"])


def test_show_lists_events(demo_db: Path) -> None:
    run = run_here("show", "Jessica Jones", "--db", str(demo_db), "--format", "json")
    assert run.returncode == 0, run.stderr
    events = json.loads(run.stdout)["events"]
    assert any(e["type"] == "renewed" and e["season"] == 2 for e in events)
