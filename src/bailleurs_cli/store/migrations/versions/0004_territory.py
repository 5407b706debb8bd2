"""add qpv, presence, import_run; landlord.legal_category and landlord.to_verify

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 11:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "qpv",
        sa.Column("code", AutoString(), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("departement", AutoString(), nullable=False),
        sa.Column("communes", sa.JSON(), nullable=False),
        sa.Column("epci", AutoString(), nullable=True),
        sa.Column("ept", AutoString(), nullable=True),
        sa.Column("source", AutoString(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    with op.batch_alter_table("qpv", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_qpv_departement"), ["departement"], unique=False)

    op.create_table(
        "presence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("landlord_id", sa.Integer(), nullable=False),
        sa.Column("commune", AutoString(), nullable=False),
        sa.Column("qpv_code", AutoString(), nullable=True),
        sa.Column("measure", AutoString(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("source", AutoString(), nullable=False),
        sa.Column("as_of", AutoString(), nullable=True),
        sa.Column("origin", AutoString(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["landlord_id"], ["landlord.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.create_index("ix_presence_landlord", ["landlord_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_presence_commune"), ["commune"], unique=False)

    op.create_table(
        "import_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", AutoString(), nullable=False),
        sa.Column("file_name", AutoString(), nullable=False),
        sa.Column("sha256", AutoString(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )

    with op.batch_alter_table("landlord", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legal_category", AutoString(), nullable=True))
        batch_op.add_column(
            sa.Column("to_verify", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("landlord", schema=None) as batch_op:
        batch_op.drop_column("to_verify")
        batch_op.drop_column("legal_category")
    op.drop_table("import_run")
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_presence_commune"))
        batch_op.drop_index("ix_presence_landlord")
    op.drop_table("presence")
    with op.batch_alter_table("qpv", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qpv_departement"))
    op.drop_table("qpv")
