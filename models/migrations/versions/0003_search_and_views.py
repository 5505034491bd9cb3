"""full-text search (SQLite FTS5, PostgreSQL tsvector) and analyst views

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Views (the same columns on SQLite and PostgreSQL; documented in the README):
- v_articles: one row per article with its outlet, story and shows;
- v_show_daily_counts: articles, stories and outlets per show per UTC day;
- v_stories: stories with who had them first and every outlet that covered them.
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, summary, body, content='articles', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body); END",
    "CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, summary, body) "
    "VALUES ('delete', old.id, old.title, old.summary, old.body); END",
    "CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, summary, body ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, summary, body) "
    "VALUES ('delete', old.id, old.title, old.summary, old.body); "
    "INSERT INTO articles_fts(rowid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body); END",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
]
POSTGRES_FTS = [
    "ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(summary, '')), 'B') || "
    "setweight(to_tsvector('english', left(coalesce(body, ''), 200000)), 'C')) STORED",
    "CREATE INDEX ix_articles_search ON articles USING gin (search)",
]


def _views(dialect: str) -> list[str]:
    # Only the aggregate and date functions differ between the two dialects.
    if dialect == "postgresql":
        agg = "string_agg(DISTINCT {col}, ', ')"
        day = "(a.published_at AT TIME ZONE 'UTC')::date"
    else:
        agg = "group_concat(DISTINCT {col})"
        day = "date(a.published_at)"
    return [
        f"""CREATE VIEW v_articles AS
SELECT a.id, s.name AS source, s.title AS source_title, a.title, a.url, a.canonical_url, a.published_at,
       a.modified_at, a.language, a.story_id, a.duplicate_of_id, a.page_status,
       (SELECT {agg.format(col='sh.title')} FROM article_shows ash JOIN shows sh ON sh.id = ash.show_id
         WHERE ash.article_id = a.id) AS shows,
       (SELECT sh.title FROM article_shows ash JOIN shows sh ON sh.id = ash.show_id
         WHERE ash.article_id = a.id AND ash.is_primary ORDER BY ash.confidence DESC LIMIT 1) AS primary_show
FROM articles a JOIN sources s ON s.id = a.source_id""",
        f"""CREATE VIEW v_show_daily_counts AS
SELECT {day} AS day, sh.id AS show_id, sh.title AS show_title, count(DISTINCT a.id) AS articles,
       count(DISTINCT coalesce(a.story_id, -a.id)) AS stories, count(DISTINCT a.source_id) AS outlets
FROM article_shows ash JOIN articles a ON a.id = ash.article_id JOIN shows sh ON sh.id = ash.show_id
WHERE a.duplicate_of_id IS NULL
GROUP BY {day}, sh.id, sh.title""",
        f"""CREATE VIEW v_stories AS
SELECT st.id AS story_id, st.headline, st.first_published_at, fs.name AS first_source,
       st.first_article_id, st.last_published_at, st.article_count, st.source_count,
       (SELECT {agg.format(col='s2.name')} FROM articles a2 JOIN sources s2 ON s2.id = a2.source_id
         WHERE a2.story_id = st.id) AS outlets
FROM stories st LEFT JOIN sources fs ON fs.id = st.first_source_id""",
    ]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for sql in (POSTGRES_FTS if dialect == "postgresql" else SQLITE_FTS) + _views(dialect):
        op.execute(sql)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for view in ("v_stories", "v_show_daily_counts", "v_articles"):
        op.execute(f"DROP VIEW IF EXISTS {view}")
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_search")
        op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search")
    else:
        for trig in ("articles_fts_ai", "articles_fts_ad", "articles_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trig}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
