"""The offline demo end to end: real Scrapy engine, fixture outlets on 127.0.0.1, SQLite."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from conftest import run_cli, run_here

SUFFIXES = (" | Variety", " – Variety", " - Variety", " – Deadline", " | Digital Spy", " – TVLine")


@pytest.fixture(scope="module")
def demo_db(demo_once: tuple[Path, int, str], demo_copy: Path) -> tuple[Path, str, str]:
    # The run's shared first demo (a copy of its database), then a second real demo on the copy.
    _, port, first = demo_once
    second = run_cli("demo", "--db", str(demo_copy), "--port", str(port))
    assert second.returncode == 0, second.stderr
    return demo_copy, first, second.stdout


def _q(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_demo_stores_normalised_articles_from_several_outlets(demo_db: tuple[Path, str, str],
                                                             demo_once: tuple[Path, int, str]) -> None:
    db, out, _ = demo_db
    assert "newsagg demo: crawled in" in out and str(demo_once[0]) in out and "SELECT" in out
    rows = _q(db, "SELECT s.name, a.title, a.canonical_url, a.published_at FROM articles a "
                  "JOIN sources s ON s.id = a.source_id")
    assert len(rows) >= 30
    assert len({r[0] for r in rows}) >= 3
    for _, title, url, published in rows:
        assert title and not title.endswith(SUFFIXES), title
        assert url.startswith("http://127.0.0.1:") and "#" not in url and "utm_" not in url
        datetime.fromisoformat(published)  # stored as UTC (naive text on SQLite, by design)
    # The Deadline entries with a missing and an unparseable pubDate get their page's date.
    fixed = _q(db, "SELECT evidence FROM articles WHERE title LIKE '%Sarandos%' OR title LIKE '%Better Call Saul%'")
    assert len(fixed) == 2 and all('"published_at": "page:' in r[0] for r in fixed)


def test_demo_articles_carry_page_bodies_authors_and_dates(demo_db: tuple[Path, str, str]) -> None:
    db, _, _ = demo_db
    rows = _q(db, "SELECT page_status, length(body), authors, modified_at FROM articles")
    assert all(r[0] == "ok" for r in rows)
    assert all(r[1] > 300 for r in rows)
    assert all(r[2] != "[]" for r in rows)
    assert sum(1 for r in rows if r[3]) >= len(rows) // 2
    # The seed story's three articles have their full text (several paragraphs).
    jj = _q(db, "SELECT body FROM articles WHERE title LIKE '%Jessica Jones%' AND "
                "(title LIKE '%Renew%' OR title LIKE '%Second Season%' OR title LIKE '%confirmed%')")
    assert len(jj) == 3 and all(b.count("\n\n") >= 2 for (b,) in jj)


def test_demo_rerun_adds_nothing(demo_db: tuple[Path, str, str]) -> None:
    db, _, second = demo_db
    runs = _q(db, "SELECT run_id, sum(items_new), sum(items_updated) FROM crawl_runs GROUP BY run_id ORDER BY min(id)")
    assert len(runs) == 2
    assert runs[0][1] >= 30 and runs[1][1:] == (0, 0)
    assert "│ total" in second or "total" in second


def test_demo_jessica_jones_story_is_told_by_three_outlets(demo_db: tuple[Path, str, str]) -> None:
    db, _, _ = demo_db
    rows = _q(db, "SELECT DISTINCT s.name FROM articles a JOIN sources s ON s.id = a.source_id "
                  "WHERE a.title LIKE '%Jessica Jones%'")
    assert {"variety", "deadline", "digitalspy"} <= {r[0] for r in rows}


def test_demo_groups_the_seed_story_and_marks_the_syndicated_copy(demo_db: tuple[Path, str, str]) -> None:
    db, _, _ = demo_db
    multi = _q(db, "SELECT headline, first_source, source_count, outlets FROM v_stories WHERE source_count >= 3")
    assert len(multi) == 1
    headline, first, count, outlets = multi[0]
    assert "Jessica Jones" in headline and first == "variety" and count == 3
    assert set(outlets.split(",")) == {"variety", "deadline", "digitalspy"}
    # The separate Jessica Jones news (Raelle Tucker; writing not started) are stories of their own.
    jj_stories = _q(db, "SELECT DISTINCT story_id FROM articles WHERE title LIKE '%Jessica Jones%'")
    assert len(jj_stories) == 3
    copies = _q(db, "SELECT c.title, o.title, c.story_id = o.story_id FROM articles c "
                    "JOIN articles o ON o.id = c.duplicate_of_id")
    assert len(copies) == 1 and "Fuller House" in copies[0][0] and copies[0][2] == 1
    assert _q(db, "SELECT s.name FROM articles a JOIN sources s ON s.id = a.source_id "
                  "WHERE a.duplicate_of_id IS NOT NULL") == [("tvline",)]


def test_demo_links_shows_and_answers_analyst_commands(demo_db: tuple[Path, str, str]) -> None:
    import json

    db, _, _ = demo_db
    jj = _q(db, "SELECT count(*) FROM v_articles WHERE primary_show = 'Jessica Jones'")
    assert jj == [(5,)]  # the three renewal reports, the Raelle Tucker news, the TCA hints
    timeline = run_here("show", "Jessica Jones", "--db", str(db), "--format", "json")
    assert timeline.returncode == 0, timeline.stderr
    out = json.loads(timeline.stdout)
    assert len(out["stories"]) >= 3 and any(len(s["outlets"]) == 3 for s in out["stories"])
    stories = run_here("stories", "--date", "2016-01-17", "--show", "Jessica Jones", "--db", str(db), "-f", "json")
    assert json.loads(stories.stdout)[0]["outlets"] == ["variety", "deadline", "digitalspy"]
    for fmt in ("md", "html", "json", "rss", "atom"):
        digest = run_here("digest", "--date", "2016-01-18", "--format", fmt, "--db", str(db))
        assert digest.returncode == 0 and digest.stdout.strip(), (fmt, digest.stderr)
