"""feed_state.moved_to: where a permanent redirect sends a feed or sitemap URL

Revision ID: 0008
Revises: 0004
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('feed_state', sa.Column('moved_to', sa.String(length=2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('feed_state', schema=None) as batch_op:
        batch_op.drop_column('moved_to')
