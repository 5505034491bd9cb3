"""`newsagg demo` on SQLite and on PostgreSQL gives the same data: articles (canonical
URLs, titles, sources, copies), stories (as groups of articles), show links, view rows
and full-text search hits."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, text

from conftest import copy_sqlite, run_cli, run_here
from models.db import database_url


def _snapshot(url: str) -> dict[str, object]:
    engine = create_engine(database_url(url))
    try:
        with engine.connect() as conn:
            def q(sql: str) -> list[tuple]:
                return sorted(tuple(r) for r in conn.execute(text(sql)))

            articles = q("SELECT a.canonical_url, a.title, s.name, a.url, a.guid FROM articles a "
                         "JOIN sources s ON s.id = a.source_id")
            copies = q("SELECT a.canonical_url, o.canonical_url FROM articles a JOIN articles o "
                       "ON o.id = a.duplicate_of_id")
            story_groups = sorted(tuple(sorted(urls.split("\n"))) for (urls,) in q(
                "SELECT group_concat(canonical_url, char(10)) FROM articles WHERE story_id IS NOT NULL "
                "GROUP BY story_id" if conn.dialect.name == "sqlite" else
                "SELECT string_agg(canonical_url, chr(10)) FROM articles WHERE story_id IS NOT NULL "
                "GROUP BY story_id"))
            show_links = q("SELECT a.canonical_url, sh.title FROM article_shows x JOIN articles a "
                           "ON a.id = x.article_id JOIN shows sh ON sh.id = x.show_id")
            return {
                "articles": articles, "copies": copies, "stories": story_groups, "show_links": show_links,
                "counts": q("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM article_shows), "
                            "(SELECT count(*) FROM v_articles), (SELECT count(*) FROM sources)"),
                "story_counts": q("SELECT (SELECT count(*) FROM stories), (SELECT count(*) FROM v_stories)"),
                "runs": q("SELECT s.name, r.status, r.items_new FROM crawl_runs r "  # items_seen: timing-dependent
                          "JOIN sources s ON s.id = r.source_id"),
            }
    finally:
        engine.dispose()


def _search(db: str, words: str) -> list[str]:
    proc = run_here("articles", "--db", db, "--search", words, "--format", "json", "--limit", "100")
    assert proc.returncode == 0, proc.stderr
    return sorted(a.get("canonical_url") or a.get("url") for a in json.loads(proc.stdout))


def test_demo_on_postgresql_matches_sqlite(tmp_path: Path, postgres_url: str,
                                           demo_once: tuple[Path, int, str]) -> None:
    # SQLite: the run's shared demo (a real crawl); the port is part of the articles' URLs, so
    # the PostgreSQL demo uses the same one.
    shared, shared_port, _ = demo_once
    port = str(shared_port)
    sqlite_db = str(copy_sqlite(shared, tmp_path / "demo.db"))
    on_postgres = run_cli("demo", "--db", postgres_url, "--port", port, timeout=300)
    assert on_postgres.returncode == 0, on_postgres.stderr

    lite, pg = _snapshot(sqlite_db), _snapshot(postgres_url)
    assert len(lite["articles"]) >= 30  # type: ignore[arg-type]
    for key in ("articles", "show_links", "counts", "runs"):
        assert pg[key] == lite[key], key
    for words in ("jessica jones", "netflix"):
        assert _search(postgres_url, words) == _search(sqlite_db, words), words

    # A second demo on PostgreSQL stores nothing new (upserts keyed on canonical URL).
    again = run_cli("demo", "--db", postgres_url, "--port", port, timeout=300)
    assert again.returncode == 0, again.stderr
    assert _snapshot(postgres_url)["articles"] == pg["articles"]

    # Stories and syndicated copies: the demo ingests one batch, oldest first, so the online
    # clusterer sees the same order on both databases.
    for key in ("stories", "copies", "story_counts"):
        assert pg[key] == lite[key], key
