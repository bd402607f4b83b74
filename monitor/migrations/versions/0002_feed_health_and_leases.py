"""feed health (dead reason, entries per week), moved URLs and poll leases

Revision ID: 0002
Revises: 0001
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("config_url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("source", sa.String(length=16), nullable=False,
                                      server_default="config"))
        batch_op.add_column(sa.Column("dead_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("entries_per_week", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("lease_expires_at")
        batch_op.drop_column("lease_owner")
        batch_op.drop_column("entries_per_week")
        batch_op.drop_column("dead_reason")
        batch_op.drop_column("source")
        batch_op.drop_column("config_url")
