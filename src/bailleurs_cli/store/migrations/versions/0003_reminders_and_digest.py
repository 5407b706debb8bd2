"""add reminder, digest_sent and partnership.bilan_on

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:53:33.744616
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "digest_sent",
        sa.Column("key", AutoString(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", AutoString(), nullable=False),
        sa.Column("every", sa.Integer(), nullable=False),
        sa.Column("unit", AutoString(), nullable=False),
        sa.Column("next_on", sa.Date(), nullable=False),
        sa.Column("landlord_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["landlord_id"], ["landlord.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminder_next_on"), ["next_on"], unique=False)

    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bilan_on", sa.Date(), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.drop_column("bilan_on")

    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_next_on"))

    op.drop_table("reminder")
    op.drop_table("digest_sent")
