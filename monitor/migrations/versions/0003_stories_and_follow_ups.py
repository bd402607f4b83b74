"""stories and follow-ups

Revision ID: 0003
Revises: 0002

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('stories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stories'))
    )
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stories_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False,
                                      server_default='alert'))
        batch_op.add_column(sa.Column('story_key', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('remote_id', sa.Text(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_alerts_story_key'), ['story_key'])
        batch_op.create_foreign_key(batch_op.f('fk_alerts_parent_id_alerts'), 'alerts', ['parent_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('story_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_articles_story_id'), ['story_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_articles_story_id_stories'), 'stories', ['story_id'], ['id'], ondelete='SET NULL')




def downgrade() -> None:

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_articles_story_id_stories'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_articles_story_id'))
        batch_op.drop_column('story_id')

    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_alerts_parent_id_alerts'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_alerts_story_key'), type_='unique')
        batch_op.drop_column('remote_id')
        batch_op.drop_column('parent_id')
        batch_op.drop_column('story_key')
        batch_op.drop_column('kind')

    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stories_created_at'))

    op.drop_table('stories')

