"""article pages, stories, revisions, near-duplicate signatures, feed fetch state

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feed_state',
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('etag', sa.String(length=500), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('last_fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False, server_default='0'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], ),
    sa.PrimaryKeyConstraint('url')
    )
    with op.batch_alter_table('feed_state', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_state_source_id'), ['source_id'], unique=False)

    op.create_table('stories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=36), nullable=False),
    sa.Column('headline', sa.Text(), nullable=False),
    sa.Column('first_article_id', sa.Integer(), nullable=True),
    sa.Column('first_source_id', sa.Integer(), nullable=True),
    sa.Column('first_published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('article_count', sa.Integer(), nullable=False),
    sa.Column('source_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['first_article_id'], ['articles.id'], name='fk_stories_first_article', use_alter=True),
    sa.ForeignKeyConstraint(['first_source_id'], ['sources.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stories_first_published_at'), ['first_published_at'], unique=False)

    op.create_table('article_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('modified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('article_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_revisions_article_id'), ['article_id'], unique=False)

    op.create_table('article_signatures',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('text_hash', sa.String(length=64), nullable=True),
    sa.Column('minhash', sa.LargeBinary(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id')
    )
    with op.batch_alter_table('article_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_signatures_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_signatures_text_hash'), ['text_hash'], unique=False)

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('page_status', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('page_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('page_fetched_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('duplicate_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('story_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False, server_default='1'))
        batch_op.create_index(batch_op.f('ix_articles_duplicate_of_id'), ['duplicate_of_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_story_id'), ['story_id'], unique=False)
        batch_op.create_foreign_key('fk_articles_duplicate_of', 'articles', ['duplicate_of_id'], ['id'])
        batch_op.create_foreign_key('fk_articles_story', 'stories', ['story_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_constraint('fk_articles_story', type_='foreignkey')
        batch_op.drop_constraint('fk_articles_duplicate_of', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_articles_story_id'))
        batch_op.drop_index(batch_op.f('ix_articles_duplicate_of_id'))
        batch_op.drop_column('revision')
        batch_op.drop_column('story_id')
        batch_op.drop_column('duplicate_of_id')
        batch_op.drop_column('page_fetched_at')
        batch_op.drop_column('page_error')
        batch_op.drop_column('page_status')

    with op.batch_alter_table('article_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_signatures_text_hash'))
        batch_op.drop_index(batch_op.f('ix_article_signatures_published_at'))

    op.drop_table('article_signatures')
    with op.batch_alter_table('article_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_revisions_article_id'))

    op.drop_table('article_revisions')
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stories_first_published_at'))

    op.drop_table('stories')
    with op.batch_alter_table('feed_state', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_state_source_id'))

    op.drop_table('feed_state')
