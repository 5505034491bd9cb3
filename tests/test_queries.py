"""Analyst queries: filters, ranked full-text search (SQLite FTS5 and PostgreSQL tsvector),
views, guarded SQL, and the bad input analysts type."""

from __future__ import annotations

import json

import os
import stat
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from conftest import invoke, run_here
from models.db import open_database
from models.schema import ArticleShowRow, ShowRow, StoryRow
from models.store import ArticleStore
from newsagg.queries import ArticleFilter, QueryError, find_articles, run_readonly_sql, stories_of_day
from newsagg.records import Article

UTC = timezone.utc


def _seed(url: str) -> None:
    engine = open_database(url)
    arts = [
        Article(source="variety", canonical_url="https://variety.com/jj", url="https://variety.com/jj",
                title="Jessica Jones renewed for season 2", published_at=datetime(2016, 1, 17, 21, 5, tzinfo=UTC),
                body="Netflix renewed the Marvel drama starring Krysten Ritter."),
        Article(source="deadline", canonical_url="https://deadline.com/jj", url="https://deadline.com/jj",
                title="Netflix picks up Marvel's second season", published_at=datetime(2016, 1, 17, 21, 30, tzinfo=UTC),
                body="Jessica Jones will return; Krysten Ritter stars."),
        Article(source="deadline", canonical_url="https://deadline.com/voice", url="https://deadline.com/voice",
                title="The Voice coaches return", published_at=datetime(2016, 1, 18, 16, 5, tzinfo=UTC),
                body="NBC's singing competition keeps its coaches."),
    ]
    ids = ArticleStore(engine).store(arts).ids
    now = datetime.now(UTC)
    with engine.begin() as conn:
        variety = conn.execute(text("SELECT id FROM sources WHERE name = 'variety'")).scalar_one()
        conn.execute(insert(ShowRow), [{"id": 1, "title": "Jessica Jones", "external_ids": {}, "aliases": []},
                                       {"id": 2, "title": "The Voice", "external_ids": {}, "aliases": []}])
        conn.execute(insert(ArticleShowRow), [
            {"article_id": ids[0], "show_id": 1, "confidence": 0.99, "is_primary": True, "seasons": [2]},
            {"article_id": ids[1], "show_id": 1, "confidence": 0.9, "is_primary": True, "seasons": [2]},
            {"article_id": ids[2], "show_id": 2, "confidence": 0.9, "is_primary": True, "seasons": []}])
        story_id = conn.execute(insert(StoryRow).values(
            key="s1", headline="Jessica Jones renewed for season 2", first_article_id=ids[0], first_source_id=variety,
            first_published_at=arts[0].published_at, last_published_at=arts[1].published_at, article_count=2,
            source_count=2, created_at=now, updated_at=now).returning(StoryRow.id)).scalar_one()
        conn.execute(text("UPDATE articles SET story_id = :s WHERE id IN (:a, :b)"),
                     {"s": story_id, "a": ids[0], "b": ids[1]})
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    url = str(tmp_path / "q.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    _seed(url)
    return url


def test_filters_and_search(db_url: str) -> None:
    engine = open_database(db_url)
    by_show = find_articles(engine, ArticleFilter(show="jessica jones"))
    assert [r["source"] for r in by_show] == ["deadline", "variety"]  # newest first
    assert by_show[0]["shows"] == ["Jessica Jones"]
    assert [r["title"] for r in find_articles(engine, ArticleFilter(source="deadline", since="2016-01-18"))] == \
        ["The Voice coaches return"]
    assert len(find_articles(engine, ArticleFilter(until="2016-01-17"))) == 2
    # Ranked: a title match beats a body match.
    hits = find_articles(engine, ArticleFilter(search="jessica jones"))
    assert [h["source"] for h in hits] == ["variety", "deadline"]
    assert find_articles(engine, ArticleFilter(search="ritter krysten"))  # any order, stemmed
    assert find_articles(engine, ArticleFilter(search="nonexistentword")) == []
    story = find_articles(engine, ArticleFilter(story=by_show[0]["story_id"]))
    assert len(story) == 2


def test_views_and_stories(db_url: str) -> None:
    engine = open_database(db_url)
    cols, rows = run_readonly_sql(db_url, "SELECT source, title, shows, primary_show FROM v_articles ORDER BY id",
                                  as_superuser=True)
    shows = rows[0][2] if isinstance(rows[0][2], list) else json.loads(rows[0][2])  # JSON array (text on SQLite)
    assert shows == ["Jessica Jones"] and rows[0][3] == "Jessica Jones"
    _, counts = run_readonly_sql(db_url, "SELECT show_title, articles, stories, outlets FROM v_show_daily_counts "
                                         "ORDER BY show_title", as_superuser=True)
    assert [tuple(r) for r in counts] == [("Jessica Jones", 2, 1, 2), ("The Voice", 1, 1, 1)]
    _, st = run_readonly_sql(db_url, "SELECT headline, first_source, source_count FROM v_stories", as_superuser=True)
    assert [tuple(r) for r in st] == [("Jessica Jones renewed for season 2", "variety", 2)]
    day = stories_of_day(engine, "2016-01-17", show="Jessica Jones")
    assert len(day) == 1 and day[0]["first_source"] == "variety" and day[0]["outlets"] == ["variety", "deadline"]


def test_sql_refuses_writes_multiple_statements_and_reports_syntax_errors(db_url: str) -> None:
    for bad, msg in [("DELETE FROM articles", "read-only"), ("SELECT 1; SELECT 2", "exactly one statement"),
                     ("WITH x AS (SELECT 1) DELETE FROM articles", "read-only"),
                     ("SELECT FROM WHERE", "SQL error"), ("SELECT * FROM no_such_table", "SQL error")]:
        with pytest.raises(QueryError, match=msg):
            run_readonly_sql(db_url, bad, as_superuser=True)
    assert run_readonly_sql(db_url, "SELECT count(*) FROM articles", as_superuser=True)[1] == [(3,)]


def test_cli_delete_is_refused_and_nothing_is_deleted(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    _seed(str(db))
    proc = run_here("sql", "--db", str(db), "DELETE FROM articles")
    assert proc.returncode == 2 and proc.stderr.startswith("newsagg: error:") and "read-only" in proc.stderr
    assert run_here("sql", "--db", str(db), "SELECT count(*) AS n FROM articles", "-f", "csv").stdout == "n\n3\n"


def test_cli_bad_input_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    _seed(str(db))
    cases = {
        ("articles", "--show", "Jessica Jone"): "unknown show 'Jessica Jone'; did you mean 'Jessica Jones'?",
        ("articles", "--source", "varety"): "unknown source 'varety'; did you mean 'variety'?",
        ("articles", "--since", "18/01/2016"): "not a date or time span: '18/01/2016'",
        ("stories", "--date", "yesterday-ish"): "not a date",
        ("sql", "SELECT 1; DROP TABLE articles"): "exactly one statement",
    }
    for args, msg in cases.items():
        proc = run_here(*args, "--db", str(db))
        assert proc.returncode == 2, (args, proc.stderr)
        assert msg in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, (args, proc.stderr)


def test_empty_and_read_only_databases(tmp_path: Path) -> None:
    missing_db = tmp_path / "missing.db"
    for args in (("articles", "-f", "json"), ("stories", "--date", "2016-01-18", "-f", "jsonl"), ("sql", "SELECT 1")):
        result = invoke(*args, "--db", str(missing_db))
        assert result.exit_code == 2 and result.stderr == \
            f"newsagg: error: no database at {missing_db} (run `newsagg crawl` or `newsagg demo` first, or pass --db)\n"
    assert not missing_db.exists()
    empty = tmp_path / "empty.db"
    empty.touch()
    result = invoke("articles", "--db", str(empty))
    assert result.exit_code == 2 and "is empty (no newsagg tables)" in result.stderr
    assert empty.stat().st_size == 0  # nothing created or migrated
    ro = tmp_path / "ro.db"
    _seed(str(ro))
    run_here("sql", "--db", str(ro), "SELECT 1")  # let the database settle (WAL checkpoint) first
    lock = _read_only(ro)
    try:
        proc = run_here("articles", "--db", str(ro), "-f", "csv")
        assert proc.returncode == 0 and proc.stdout.count("\n") == 4, proc.stderr
        assert run_here("sql", "--db", str(ro), "SELECT count(*) FROM v_articles", "-f", "csv").stdout == \
            "count(*)\n3\n"
    finally:
        lock()


def _read_only(path: Path):  # type: ignore[no-untyped-def]
    """Make path read-only even for root (immutable attribute); returns the undo."""
    import subprocess

    if os.geteuid() != 0:
        os.chmod(path, stat.S_IRUSR)
        return lambda: os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("cannot make a file read-only for root here (no chattr)")
    return lambda: subprocess.run(["chattr", "-i", str(path)], check=True)


def test_csv_output_never_starts_a_cell_with_a_formula(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    _seed(str(db))
    proc = run_here("sql", "--db", str(db), "SELECT '=HYPERLINK(\"http://evil\")' AS t, 3 AS n", "-f", "csv")
    assert proc.stdout.splitlines() == ["t,n", '"\'=HYPERLINK(""http://evil"")",3']


def test_postgres_search_window_finds_the_same_pool(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """--search alone on PostgreSQL reads its pool (the newest matches) through an estimated time
    window; the estimate may only change the cost: a window that holds enough matches, one that falls
    short, and no window at all give the same articles in the same order."""
    import newsagg.queries as q

    engine = open_database(postgres_url)
    arts = [Article(source=f"outlet{i % 5}", canonical_url=f"https://x.example/{i}", url=f"https://x.example/{i}",
                    title=f"Report {i}: " + ("Velvet Orchard renewed" if i % 7 == 0 else "ratings update")
                    + (" orchard" * (i % 3)),
                    published_at=datetime.fromtimestamp(1451606400 + 97 * i, UTC),
                    body="A season of television news." + (" Velvet Orchard again." if i % 11 == 0 else ""))
            for i in range(1500)]
    ArticleStore(engine).store(arts)
    monkeypatch.setattr(q, "RANK_POOL", 60)
    monkeypatch.setattr(q, "_SAMPLE_PCT", 100)  # a small table: sample every page
    cuts: list[object] = []
    real_cutoff = q._pg_recent_cutoff

    def spy(*args: object) -> object:
        cuts.append(real_cutoff(*args))  # type: ignore[arg-type]
        return cuts[-1]

    monkeypatch.setattr(q, "_pg_recent_cutoff", spy)
    f = ArticleFilter(search="velvet orchard", limit=25)
    windowed = [r["id"] for r in find_articles(engine, f)]
    assert cuts[-1] is not None and len(windowed) == 25
    monkeypatch.setattr(q, "_WINDOW_MARGIN", 0.3)  # a window too small: completed from older matches
    short = [r["id"] for r in find_articles(engine, f)]
    assert cuts[-1] is not None
    monkeypatch.setattr(q, "_pg_recent_cutoff", lambda *a: None)
    assert windowed == short == [r["id"] for r in find_articles(engine, f)]
    # A word in most articles takes the newest-first walk instead of a window.
    monkeypatch.setattr(q, "_pg_recent_cutoff", spy)
    assert find_articles(engine, ArticleFilter(search="television", limit=5)) and cuts[-1] is None
    engine.dispose()
