"""story facets: each hit's rule, about-countries and entities as indexed rows, back-filled

Revision ID: 0006
Revises: 0005
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from monitor.db.facets import backfill

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "story_facets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hit_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["hit_id"], ["hits.id"],
                                name=op.f("fk_story_facets_hit_id_hits"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"],
                                name=op.f("fk_story_facets_story_id_stories"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_facets")),
    )
    with op.batch_alter_table("story_facets", schema=None) as batch_op:
        batch_op.create_index("ix_story_facets_kind_value_first_seen",
                              ["kind", "value", "first_seen", "story_id"], unique=False)
        batch_op.create_index("ix_story_facets_story_id_kind", ["story_id", "kind"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_story_facets_hit_id"), ["hit_id"], unique=False)
    backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("story_facets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_story_facets_hit_id"))
        batch_op.drop_index("ix_story_facets_story_id_kind")
        batch_op.drop_index("ix_story_facets_kind_value_first_seen")
    op.drop_table("story_facets")
