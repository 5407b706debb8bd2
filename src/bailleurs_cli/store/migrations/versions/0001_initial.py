"""create landlord, person, exchange and stage_change

Revision ID: 0001
Revises:
Create Date: 2026-11-23 09:13:00.058530
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "landlord",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", AutoString(), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("former_names", sa.JSON(), nullable=False),
        sa.Column("kind", AutoString(), nullable=False),
        sa.Column("legal_form", AutoString(), nullable=True),
        sa.Column("siren", AutoString(), nullable=True),
        sa.Column("group_name", AutoString(), nullable=True),
        sa.Column("description", AutoString(), nullable=True),
        sa.Column("history", AutoString(), nullable=True),
        sa.Column("dwellings", sa.JSON(), nullable=False),
        sa.Column("street", AutoString(), nullable=True),
        sa.Column("complement", AutoString(), nullable=True),
        sa.Column("postcode", AutoString(), nullable=True),
        sa.Column("city", AutoString(), nullable=True),
        sa.Column("cedex", AutoString(), nullable=True),
        sa.Column("website", AutoString(), nullable=True),
        sa.Column("departements", sa.JSON(), nullable=False),
        sa.Column("communes", sa.JSON(), nullable=False),
        sa.Column("governance", AutoString(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("in_registry", sa.Boolean(), nullable=False),
        sa.Column("stage", AutoString(), nullable=False),
        sa.Column("stage_since", sa.Date(), nullable=False),
        sa.Column("stage_reason", AutoString(), nullable=True),
        sa.Column("notes", AutoString(), nullable=True),
        sa.Column("next_action", AutoString(), nullable=True),
        sa.Column("next_due", sa.Date(), nullable=True),
        sa.Column("next_person_id", sa.Integer(), nullable=True),
        sa.Column("last_exchange_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("landlord", schema=None) as batch_op:
        batch_op.create_index("ix_landlord_next_due", ["next_due"], unique=False)
        batch_op.create_index(batch_op.f("ix_landlord_slug"), ["slug"], unique=True)
        batch_op.create_index("ix_landlord_stage", ["stage"], unique=False)

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("landlord_id", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("role", AutoString(), nullable=True),
        sa.Column("email", AutoString(), nullable=True),
        sa.Column("phone", AutoString(), nullable=True),
        sa.Column("territory", AutoString(), nullable=True),
        sa.Column("source", AutoString(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["landlord_id"], ["landlord.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_landlord_id"), ["landlord_id"], unique=False)

    op.create_table(
        "stage_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("landlord_id", sa.Integer(), nullable=False),
        sa.Column("from_stage", AutoString(), nullable=True),
        sa.Column("to_stage", AutoString(), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("reason", AutoString(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["landlord_id"], ["landlord.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stage_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stage_change_landlord_id"), ["landlord_id"], unique=False
        )

    op.create_table(
        "exchange",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("landlord_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("channel", AutoString(), nullable=False),
        sa.Column("direction", AutoString(), nullable=False),
        sa.Column("summary", AutoString(), nullable=False),
        sa.Column("outcome", AutoString(), nullable=True),
        sa.Column("stage_to", AutoString(), nullable=True),
        sa.Column("next_action", AutoString(), nullable=True),
        sa.Column("next_due", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["landlord_id"], ["landlord.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("exchange", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchange_landlord_date", ["landlord_id", "occurred_on", "id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("exchange", schema=None) as batch_op:
        batch_op.drop_index("ix_exchange_landlord_date")

    op.drop_table("exchange")
    with op.batch_alter_table("stage_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stage_change_landlord_id"))

    op.drop_table("stage_change")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_landlord_id"))

    op.drop_table("person")
    with op.batch_alter_table("landlord", schema=None) as batch_op:
        batch_op.drop_index("ix_landlord_stage")
        batch_op.drop_index(batch_op.f("ix_landlord_slug"))
        batch_op.drop_index("ix_landlord_next_due")

    op.drop_table("landlord")
