"""after the yes: workshops and their results, tenant targets, convention numbers
and renewals, allied associations and joint approaches

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workshop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("landlord_id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=True),
        sa.Column("site", AutoString(), nullable=False),
        sa.Column("commune", AutoString(), nullable=False),
        sa.Column("qpv_code", AutoString(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("theme", AutoString(), nullable=True),
        sa.Column("animators", sa.Integer(), nullable=True),
        sa.Column("participants", sa.Integer(), nullable=True),
        sa.Column("tenants", sa.Integer(), nullable=True),
        sa.Column("families", sa.Integer(), nullable=True),
        sa.Column("attendance", sa.Integer(), nullable=True),
        sa.Column("satisfaction_children", sa.Float(), nullable=True),
        sa.Column("satisfaction_parents", sa.Float(), nullable=True),
        sa.Column("host_feedback", AutoString(), nullable=True),
        sa.Column("landlord_visit", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["landlord_id"], ["landlord.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.create_index("ix_workshop_landlord_start", ["landlord_id", "starts_on"])
    op.create_table(
        "ally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", AutoString(), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("contact", AutoString(), nullable=True),
        sa.Column("email", AutoString(), nullable=True),
        sa.Column("phone", AutoString(), nullable=True),
        sa.Column("departements", sa.JSON(), nullable=False),
        sa.Column("signatory", AutoString(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    with op.batch_alter_table("landlord", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tenant_target_min", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("tenant_target_max", sa.Integer(), nullable=True))
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", AutoString(), nullable=True))
        batch_op.add_column(sa.Column("previous_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_partnership_number", ["number"], unique=True)
    with op.batch_alter_table("exchange", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ally_id", sa.Integer(), nullable=True))
    # Number the conventions already made, without gaps: per start year, in order.
    partnership = sa.table(
        "partnership",
        sa.column("id", sa.Integer),
        sa.column("starts_on", sa.Date),
        sa.column("number", AutoString),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(partnership.c.id, partnership.c.starts_on).order_by(partnership.c.id)
    ).all()
    counts: dict[int, int] = {}
    for row_id, starts_on in rows:
        year = starts_on.year if hasattr(starts_on, "year") else int(str(starts_on)[:4])
        counts[year] = counts.get(year, 0) + 1
        bind.execute(
            partnership.update()
            .where(partnership.c.id == row_id)
            .values(number=f"{year}-{counts[year]:03d}")
        )


def downgrade() -> None:
    with op.batch_alter_table("exchange", schema=None) as batch_op:
        batch_op.drop_column("ally_id")
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.drop_index("ix_partnership_number")
        batch_op.drop_column("previous_id")
        batch_op.drop_column("number")
    with op.batch_alter_table("landlord", schema=None) as batch_op:
        batch_op.drop_column("tenant_target_max")
        batch_op.drop_column("tenant_target_min")
    op.drop_table("ally")
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.drop_index("ix_workshop_landlord_start")
    op.drop_table("workshop")
