"""TV events: `event_facts` (one piece of news per show and type) and `events` (each report of it in
an article), with the analyst views v_events and v_scorecard

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
STATUS_TYPES = "('renewed', 'cancelled', 'ending', 'ordered', 'development')"


def _views(dialect: str) -> list[str]:
    tvmaze = ("(sh.external_ids ->> 'tvmaze')" if dialect == "postgresql"
              else "json_extract(sh.external_ids, '$.tvmaze')")
    return [
        f"""CREATE VIEW v_events AS
SELECT e.id, e.type, e.show_id, sh.title AS show_title, {tvmaze} AS tvmaze, e.season, e.status,
       e.announced, e.network, e.people, e.evidence, e.confidence, e.is_new, e.fact_id,
       e.article_id, a.title AS article_title, a.url, s.name AS source, e.published_at
FROM events e JOIN shows sh ON sh.id = e.show_id JOIN articles a ON a.id = e.article_id
JOIN sources s ON s.id = a.source_id""",
        # The latest status-changing fact per show (renewed / cancelled / ending / ordered); in development
        # only when the show has none of those.
        f"""CREATE VIEW v_scorecard AS
SELECT f.show_id, sh.title AS show_title, sh.network, {tvmaze} AS tvmaze, f.type AS latest, f.season,
       f.status, f.first_published_at, fs.name AS first_source, fa.title AS first_title, fa.url AS first_url,
       f.report_count, f.source_count, f.id AS fact_id
FROM event_facts f JOIN shows sh ON sh.id = f.show_id
LEFT JOIN sources fs ON fs.id = f.first_source_id LEFT JOIN articles fa ON fa.id = f.first_article_id
WHERE f.type IN {STATUS_TYPES} AND NOT EXISTS (
  SELECT 1 FROM event_facts f2 WHERE f2.show_id = f.show_id AND f2.type IN {STATUS_TYPES}
   AND (f2.type <> 'development' OR f.type = 'development')
   AND (f.type = 'development' AND f2.type <> 'development'
        OR f2.first_published_at > f.first_published_at
        OR (f2.first_published_at = f.first_published_at AND f2.id > f.id)))""",
    ]


def upgrade() -> None:
    op.create_table('event_facts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('show_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=24), nullable=False),
    sa.Column('season', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('announced', sa.String(length=10), nullable=True),
    sa.Column('people', _JSON, nullable=False),
    sa.Column('first_article_id', sa.Integer(), nullable=True),
    sa.Column('first_source_id', sa.Integer(), nullable=True),
    sa.Column('first_published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('report_count', sa.Integer(), nullable=False),
    sa.Column('source_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['show_id'], ['shows.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['first_article_id'], ['articles.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['first_source_id'], ['sources.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_event_facts_show_type', 'event_facts', ['show_id', 'type'])
    op.create_index('ix_event_facts_first_published_at', 'event_facts', ['first_published_at'])
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('show_id', sa.Integer(), nullable=False),
    sa.Column('fact_id', sa.Integer(), nullable=True),
    sa.Column('type', sa.String(length=24), nullable=False),
    sa.Column('season', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('announced', sa.String(length=10), nullable=True),
    sa.Column('people', _JSON, nullable=False),
    sa.Column('network', sa.String(length=200), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('is_new', sa.Boolean(), nullable=False),
    sa.Column('found_in', sa.String(length=16), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['show_id'], ['shows.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['fact_id'], ['event_facts.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_events_article_id', 'events', ['article_id'])
    op.create_index('ix_events_show_type', 'events', ['show_id', 'type'])
    op.create_index('ix_events_fact_id', 'events', ['fact_id'])
    op.create_index('ix_events_published_at', 'events', ['published_at'])
    for sql in _views(op.get_bind().dialect.name):
        op.execute(sql)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_scorecard")
    op.execute("DROP VIEW IF EXISTS v_events")
    op.drop_table('events')
    op.drop_table('event_facts')
