"""the analyst's desk: users, marks (judgements), saved searches, rules saved from the workbench

Revision ID: 0005
Revises: 0004
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("api_token_hash", sa.String(length=64), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
        sa.UniqueConstraint("api_token_hash", name=op.f("uq_users_api_token_hash")),
    )
    op.create_table(
        "marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("hit_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("user", sa.String(length=100), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("undone_at", _WHEN, nullable=True),
        sa.Column("undone_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"],
                                name=op.f("fk_marks_story_id_stories"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["hit_id"], ["hits.id"],
                                name=op.f("fk_marks_hit_id_hits"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marks")),
    )
    with op.batch_alter_table("marks", schema=None) as batch_op:
        batch_op.create_index("ix_marks_story_id_kind", ["story_id", "kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_marks_hit_id"), ["hit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_marks_created_at"), ["created_at"], unique=False)
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_searches")),
        sa.UniqueConstraint("name", name=op.f("uq_saved_searches_name")),
    )
    op.create_table(
        "stored_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_rules")),
        sa.UniqueConstraint("name", name=op.f("uq_stored_rules_name")),
    )


def downgrade() -> None:
    op.drop_table("stored_rules")
    op.drop_table("saved_searches")
    with op.batch_alter_table("marks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_marks_created_at"))
        batch_op.drop_index(batch_op.f("ix_marks_hit_id"))
        batch_op.drop_index("ix_marks_story_id_kind")
    op.drop_table("marks")
    op.drop_table("users")
