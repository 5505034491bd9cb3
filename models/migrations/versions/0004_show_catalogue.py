"""show catalogue: episodes, notable, updated_at on shows; article_show_scans

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: SQLite's table rebuild would break the views of 0003
    # that read `shows`.
    op.add_column('shows', sa.Column('episodes', sa.Integer(), nullable=True))
    op.add_column('shows', sa.Column('notable', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('shows', sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table('article_show_scans',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('catalogue_version', sa.String(length=64), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id')
    )
    op.create_index('ix_article_show_scans_catalogue_version', 'article_show_scans', ['catalogue_version'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_article_show_scans_catalogue_version', table_name='article_show_scans')
    op.drop_table('article_show_scans')
    # DROP COLUMN (SQLite 3.35+) keeps the table, and so the views that read it.
    op.drop_column('shows', 'updated_at')
    op.drop_column('shows', 'notable')
    op.drop_column('shows', 'episodes')
