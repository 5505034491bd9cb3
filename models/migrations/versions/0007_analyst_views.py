"""analysts: FTS table as sqlite-utils/Datasette expect it, shows as JSON arrays, v_story_outlets

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-25

- SQLite: articles_fts is recreated with content="articles" (double quotes): sqlite-utils'
  detect_fts() and Datasette's `_search` look for exactly that; triggers and contents as before.
- v_articles: `shows` is a JSON array of show titles (PostgreSQL json, SQLite JSON text).
- v_story_outlets: each outlet's first report of each story, and its delay behind the story's
  first report, in seconds (0 for the outlet that had it first).
"""
import importlib.util
from pathlib import Path

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_TRIGGERS = ("articles_fts_ai", "articles_fts_ad", "articles_fts_au")


def _sqlite_fts(content: str) -> list[str]:
    """0003's FTS table, triggers and rebuild, with the content option spelled `content`."""
    path = Path(__file__).with_name("0003_search_and_views.py")
    spec = importlib.util.spec_from_file_location("newsagg_migration_0003", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return [sql.replace("content='articles'", f"content={content}") for sql in module.SQLITE_FTS]


def _drop_sqlite_fts() -> None:
    for trig in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trig}")
    op.execute("DROP TABLE IF EXISTS articles_fts")


def _v_articles(dialect: str, json_shows: bool) -> str:
    if json_shows:
        shows = ("(SELECT coalesce(json_agg(t.title ORDER BY t.title), '[]'::json) FROM (SELECT DISTINCT sh.title "
                 if dialect == "postgresql" else "(SELECT json_group_array(t.title) FROM (SELECT DISTINCT sh.title ")
        shows += ("FROM article_shows ash JOIN shows sh ON sh.id = ash.show_id WHERE ash.article_id = a.id "
                  "ORDER BY sh.title) t)")
    else:
        agg = "string_agg(DISTINCT sh.title, ', ')" if dialect == "postgresql" else "group_concat(DISTINCT sh.title)"
        shows = (f"(SELECT {agg} FROM article_shows ash JOIN shows sh ON sh.id = ash.show_id "
                 "WHERE ash.article_id = a.id)")
    return f"""CREATE VIEW v_articles AS
SELECT a.id, s.name AS source, s.title AS source_title, a.title, a.url, a.canonical_url, a.published_at,
       a.modified_at, a.language, a.story_id, a.duplicate_of_id, a.page_status,
       {shows} AS shows,
       (SELECT sh.title FROM article_shows ash JOIN shows sh ON sh.id = ash.show_id
         WHERE ash.article_id = a.id AND ash.is_primary ORDER BY ash.confidence DESC LIMIT 1) AS primary_show
FROM articles a JOIN sources s ON s.id = a.source_id"""


def _v_story_outlets(dialect: str) -> str:
    if dialect == "postgresql":
        delay = "CAST(EXTRACT(EPOCH FROM (r.published_at - f.first_at)) AS integer)"
    else:
        delay = "CAST(round((julianday(r.published_at) - julianday(f.first_at)) * 86400) AS integer)"
    return f"""CREATE VIEW v_story_outlets AS
WITH r AS (
  SELECT a.story_id, a.source_id, min(a.published_at) AS published_at, count(*) AS articles
  FROM articles a WHERE a.story_id IS NOT NULL GROUP BY a.story_id, a.source_id
), f AS (
  SELECT story_id, min(published_at) AS first_at FROM r GROUP BY story_id
)
SELECT r.story_id, st.headline, s.name AS source, s.title AS source_title, r.published_at, r.articles,
       {delay} AS behind_first_s,
       CASE WHEN r.published_at = f.first_at THEN 1 ELSE 0 END AS is_first
FROM r JOIN f ON f.story_id = r.story_id JOIN stories st ON st.id = r.story_id JOIN sources s ON s.id = r.source_id"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _drop_sqlite_fts()
        for sql in _sqlite_fts('"articles"'):
            op.execute(sql)
    op.execute("DROP VIEW IF EXISTS v_articles")
    op.execute(_v_articles(dialect, json_shows=True))
    op.execute(_v_story_outlets(dialect))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP VIEW IF EXISTS v_story_outlets")
    op.execute("DROP VIEW IF EXISTS v_articles")
    op.execute(_v_articles(dialect, json_shows=False))
    if dialect == "sqlite":
        _drop_sqlite_fts()
        for sql in _sqlite_fts("'articles'"):
            op.execute(sql)
