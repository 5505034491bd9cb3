"""event_facts.source_ids: the outlets of a fact's reports, kept with the fact

Folding a new report into a stored fact needs to know whether its outlet is new to the fact;
reading every report of every fact a batch touched to find out grew with the facts.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('event_facts', sa.Column('source_ids', sa.JSON().with_variant(JSONB(), 'postgresql'),
                                           nullable=True))
    # Existing facts: their reports' outlets (ascending, no outlet last), as the fold writes them.
    conn = op.get_bind()
    outlets: dict[int, set] = {}
    for fact_id, source_id in conn.execute(sa.text(
            "SELECT DISTINCT e.fact_id, a.source_id FROM events e JOIN articles a ON a.id = e.article_id "
            "WHERE e.fact_id IS NOT NULL")):
        outlets.setdefault(fact_id, set()).add(source_id)
    facts = sa.table('event_facts', sa.column('id', sa.Integer),
                     sa.column('source_ids', sa.JSON().with_variant(JSONB(), 'postgresql')))
    for fact_id, ids in outlets.items():
        conn.execute(facts.update().where(facts.c.id == fact_id).values(
            source_ids=sorted(ids, key=lambda i: (i is None, i or 0))))


def downgrade() -> None:
    # Not a batch (table copy) on SQLite: the analysts' views read event_facts (SQLite 3.35+ drops columns).
    op.execute('ALTER TABLE event_facts DROP COLUMN source_ids')
