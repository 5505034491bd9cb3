"""article_signatures.seq: the order story decisions committed in, for replay by concurrent writers

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('article_signatures', sa.Column('seq', sa.BigInteger(), nullable=True))
    op.create_index('ix_article_signatures_seq', 'article_signatures', ['seq'])


def downgrade() -> None:
    op.drop_index('ix_article_signatures_seq', table_name='article_signatures')
    with op.batch_alter_table('article_signatures', schema=None) as batch_op:
        batch_op.drop_column('seq')
