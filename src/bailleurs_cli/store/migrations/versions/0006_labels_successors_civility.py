"""the registry's raw labels and their links, absorbed landlords, a person's civility

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "label_link",
        sa.Column("label", AutoString(), nullable=False),
        sa.Column("landlord_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["landlord_id"], ["landlord.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("label"),
    )
    with op.batch_alter_table("label_link", schema=None) as batch_op:
        batch_op.create_index("ix_label_link_landlord", ["landlord_id"], unique=False)
    with op.batch_alter_table("landlord", schema=None) as batch_op:
        batch_op.add_column(sa.Column("absorbed_by", AutoString(), nullable=True))
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("civility", AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("civility")
    with op.batch_alter_table("landlord", schema=None) as batch_op:
        batch_op.drop_column("absorbed_by")
    with op.batch_alter_table("label_link", schema=None) as batch_op:
        batch_op.drop_index("ix_label_link_landlord")
    op.drop_table("label_link")
