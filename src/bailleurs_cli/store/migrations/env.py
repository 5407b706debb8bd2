"""Alembic environment: runs on the connection handed over by ``store.upgrade``."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import bailleurs_cli.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached by a misconfigured call
    raise RuntimeError("bailleurs runs its migrations through store.upgrade()")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
