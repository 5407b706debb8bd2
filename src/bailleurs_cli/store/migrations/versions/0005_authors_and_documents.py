"""who did it: author of exchanges, stage changes, partnerships and imports;
the document and batch of a logged letter

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exchange", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author", AutoString(), nullable=True))
        batch_op.add_column(sa.Column("document", AutoString(), nullable=True))
        batch_op.add_column(sa.Column("batch", AutoString(), nullable=True))
        batch_op.create_index("ix_exchange_batch", ["batch"], unique=False)
    with op.batch_alter_table("stage_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author", AutoString(), nullable=True))
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author", AutoString(), nullable=True))
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author", AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.drop_column("author")
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.drop_column("author")
    with op.batch_alter_table("stage_change", schema=None) as batch_op:
        batch_op.drop_column("author")
    with op.batch_alter_table("exchange", schema=None) as batch_op:
        batch_op.drop_index("ix_exchange_batch")
        batch_op.drop_column("batch")
        batch_op.drop_column("document")
        batch_op.drop_column("author")
