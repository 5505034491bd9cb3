"""Analyst features: query syntax (OR, NOT, prefix*, "phrases") on SQLite FTS5 and PostgreSQL,
the FTS table as sqlite-utils sees it, shows as JSON arrays, one time format, v_story_outlets,
`newsagg top`, `articles --show X --season N`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from sqlalchemy.engine import Engine

from conftest import run_here
from models.db import open_database
from models.schema import ArticleShowRow
from newsagg.queries import ArticleFilter, find_articles, run_readonly_sql
from newsagg.search_syntax import SearchSyntaxError, parse, to_fts5, to_tsquery
from test_digest import build_sample_db, copy_sample_db


# --- the syntax itself ------------------------------------------------------------------------------

def test_syntax_to_both_backends() -> None:
    assert to_fts5("renewed OR cancelled netflix") == '("renewed" OR "cancelled") AND ("netflix")'
    assert to_tsquery("renewed OR cancelled netflix") == "(renewed | cancelled) & (netflix)"
    assert to_fts5('"season 2" NOT trailer -teaser') == '(("season 2")) NOT ("trailer" OR "teaser")'
    assert to_tsquery('"season 2" NOT trailer') == "((season <-> 2)) & !trailer"
    assert to_fts5("rat*") == '("rat"*)' and to_tsquery("rat*") == "(rat:*)"
    assert to_fts5("X-Files") == '("x files")'  # punctuation inside a term: a phrase
    # FTS5 syntax in the input is only words: NEAR(...), column filters, ^ and AND are not operators here.
    assert to_fts5('NEAR("a b") col:x ^y') == '("near a") AND ("b") AND ("col x") AND ("y")'


@pytest.mark.parametrize("query,message", [
    ('"season 2', "unbalanced quote"), ("OR netflix", "OR needs"), ("netflix OR", "OR needs"),
    ("NOT", "NOT needs"), ("NOT trailer", "no word to look for"), ("", "no word"), ("*", "no word"),
    ("a*", "at least 2 letters"),
])
def test_invalid_syntax_is_one_clear_error(query: str, message: str) -> None:
    with pytest.raises(SearchSyntaxError, match=message):
        parse(query)


_FTS = sqlite3.connect(":memory:")
_FTS.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61 remove_diacritics 2')")
_FTS.execute("INSERT INTO t(x) VALUES ('renewed for season 2'), ('cancelled after one season')")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list('ab"*-()^:é2') + [" ", " OR ", " NOT ", " AND ", "NEAR", '"', "-"]),
                max_size=20).map("".join))
def test_any_input_is_an_error_or_a_valid_fts5_query(query: str) -> None:
    try:
        expr = to_fts5(query)
    except SearchSyntaxError:
        return
    _FTS.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expr,)).fetchone()  # never an FTS5 syntax error


# --- on the databases ---------------------------------------------------------------------------------

@pytest.fixture
def lite(tmp_path: Path) -> Engine:
    engine = open_database(build_sample_db(tmp_path / "a.db"))
    yield engine
    engine.dispose()


def _sql(engine: Engine, query: str) -> tuple[list[str], list[tuple]]:
    """The analyst's read-only SQL path on the engine's database (tests connect as a superuser)."""
    return run_readonly_sql(engine.url.render_as_string(hide_password=False), query, as_superuser=True)


def _titles(engine: Engine, query: str) -> set[str]:
    return {r["title"] for r in find_articles(engine, ArticleFilter(search=query, limit=200))}


def _check_search(engine: Engine) -> None:
    renewed, reviews = _titles(engine, "renewed"), _titles(engine, "reviews")
    assert renewed and reviews and _titles(engine, "renewed OR reviews") == renewed | reviews
    jessica = _titles(engine, "jessica")
    assert _titles(engine, "jessica NOT netflix") == jessica - _titles(engine, "netflix") != jessica
    assert _titles(engine, "sherl*") == _titles(engine, "sherlock") != set()
    assert _titles(engine, '"first reviews"') == {"The X-Files: first reviews of the revival are in"}
    assert _titles(engine, '"reviews first"') == set()  # a phrase keeps its order


def test_search_syntax_on_sqlite(lite: Engine) -> None:
    _check_search(lite)


def test_search_syntax_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    pg = copy_sample_db(tmp_path / "s.db", postgres_url)
    try:
        _check_search(pg)
        assert _titles(pg, "renewed OR reviews") == _titles(open_database(f"sqlite:///{tmp_path / 's.db'}"),
                                                            "renewed OR reviews")
    finally:
        pg.dispose()


def test_cli_bad_search_is_one_line(tmp_path: Path) -> None:
    db = build_sample_db(tmp_path / "c.db").removeprefix("sqlite:///")
    proc = run_here("articles", "--db", db, "--search", '"season 2')
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and "unbalanced quote" in lines[0], proc.stderr


def test_sqlite_utils_detects_the_fts_table(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    build_sample_db(path)
    db = sqlite_utils.Database(path)
    assert db["articles"].detect_fts() == "articles_fts"
    hits = {r["title"] for r in db["articles"].search("moffat")}
    assert hits == {"Sherlock: Steven Moffat on when series 4 will film"}  # the match, not every row
    db.conn.close()


def test_shows_are_json_arrays_and_times_end_in_z(lite: Engine, tmp_path: Path) -> None:
    _, rows = _sql(lite, "SELECT shows FROM v_articles WHERE substr(title, 1, 18) = 'The X-Files: first'")
    assert json.loads(rows[0][0]) == ["Sherlock", "The X-Files"]
    _, empty = _sql(lite, "SELECT shows FROM v_articles WHERE title LIKE 'Golden Globes%'")
    assert json.loads(empty[0][0]) == []
    db = str(lite.url.database)
    out = run_here("articles", "--db", db, "--show", "The X-Files", "--since", "2016-01-18", "-f", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data and all(isinstance(r["shows"], list) and "The X-Files" in r["shows"] for r in data)
    assert all(r["published_at"].endswith("Z") and "T" in r["published_at"] for r in data)
    raw = run_here("sql", "--db", db, "SELECT published_at FROM v_story_outlets LIMIT 3", "-f", "json")
    assert raw.returncode == 0 and all(r["published_at"].endswith("Z") for r in json.loads(raw.stdout))


def test_shows_json_array_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    pg = copy_sample_db(tmp_path / "s.db", postgres_url)
    try:
        _, rows = _sql(pg, "SELECT shows FROM v_articles WHERE substr(title, 1, 18) = 'The X-Files: first'")
        assert rows[0][0] == ["Sherlock", "The X-Files"]
        _, outlets = _sql(pg, "SELECT source, behind_first_s, is_first FROM v_story_outlets "
                                          "WHERE substr(headline, 1, 14) = 'Netflix renews' ORDER BY behind_first_s")
        assert [tuple(r) for r in outlets] == [("variety", 0, 1), ("deadline", 8700, 0), ("digitalspy", 39000, 0)]
    finally:
        pg.dispose()


def test_v_story_outlets_delay_behind_first(lite: Engine) -> None:
    _, rows = _sql(lite, "SELECT source, behind_first_s, is_first, articles FROM v_story_outlets "
                                     "WHERE substr(headline, 1, 14) = 'Netflix renews' ORDER BY behind_first_s")
    # Deadline's first of two pieces counts: 2 h 25 min after Variety.
    assert [tuple(r) for r in rows] == [("variety", 0, 1, 1), ("deadline", 8700, 0, 2), ("digitalspy", 39000, 0, 1)]


def test_top_by_shows_stories_outlets(tmp_path: Path) -> None:
    db = build_sample_db(tmp_path / "t.db").removeprefix("sqlite:///")
    args = ("--db", db, "--since", "2016-01-18", "--until", "2016-01-18", "-f", "json")
    shows = json.loads(run_here("top", "--by", "shows", *args).stdout)
    assert shows[0]["show"] in ("Jessica Jones", "The X-Files") and shows[0]["articles"] == 3
    stories = json.loads(run_here("top", "--by", "stories", *args).stdout)
    assert stories[0]["headline"] == "Netflix renews Jessica Jones for a second season" and stories[0]["outlets"] == 3
    assert stories[0]["first_published_at"] == "2016-01-17T22:40:00Z"
    outlets = json.loads(run_here("top", "--by", "outlets", "--db", db, "--since", "2016-01-17", "-f", "json").stdout)
    by_source = {o["source"]: o for o in outlets}
    assert by_source["variety"]["first"] == 1 and by_source["tvline"]["first"] == 1 and by_source["deadline"]["first"] == 0
    assert by_source["deadline"]["median_behind_s"] is not None
    bad = run_here("top", "--by", "networks", "--db", db)
    assert bad.returncode == 2 and "--by must be one of" in bad.stderr


def test_articles_show_season(tmp_path: Path) -> None:
    url = build_sample_db(tmp_path / "s.db")
    engine = open_database(url)
    with engine.begin() as conn:
        conn.execute(update(ArticleShowRow).where(ArticleShowRow.article_id.in_(
            conn.exec_driver_sql("SELECT id FROM articles WHERE title LIKE '%renewed for season 2%'").scalars().all()))
            .values(seasons=[2]))
    hits = find_articles(engine, ArticleFilter(show="Jessica Jones", season=2))
    assert [h["title"] for h in hits] == ["'Jessica Jones' renewed for season 2 at Netflix"]
    assert find_articles(engine, ArticleFilter(show="Jessica Jones", season=3)) == []
    engine.dispose()
    proc = run_here("articles", "--db", url.removeprefix("sqlite:///"), "--season", "2")
    assert proc.returncode == 2 and "--season needs --show" in proc.stderr


def test_migration_0007_down_and_up(tmp_path: Path) -> None:
    from alembic import command

    from models.db import _alembic_config, current_revision, head_revision, upgrade

    path = tmp_path / "m.db"
    build_sample_db(path)
    engine = open_database(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0004")
    assert current_revision(engine) == "0004"
    assert sqlite_utils.Database(path)["articles"].detect_fts() is None  # 0003's single quotes
    upgrade(engine)
    assert current_revision(engine) == head_revision() and sqlite_utils.Database(path)["articles"].detect_fts() == "articles_fts"
    assert _titles(engine, "renewed OR reviews")  # the rebuilt index answers
    engine.dispose()
