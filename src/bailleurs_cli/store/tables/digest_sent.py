"""Digest lines already mailed by ``digest --send --only-new``."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from bailleurs_cli.store.tables import audit_created


class DigestSent(SQLModel, table=True):
    """An item already mailed by ``digest --send --only-new``."""

    __tablename__ = "digest_sent"

    key: str = Field(primary_key=True)
    sent_at: datetime = audit_created()
