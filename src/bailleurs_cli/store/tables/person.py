"""People at a landlord (interlocuteurs)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from bailleurs_cli.store.tables import audit_created


class Person(SQLModel, table=True):
    """Someone at a landlord (interlocuteur). Personal data: RGPD applies."""

    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    landlord_id: int = Field(foreign_key="landlord.id", index=True, ondelete="CASCADE")
    name: str
    civility: str | None = None  # "Mme" or "M.": how a letter greets them
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    territory: str | None = None
    source: str | None = None
    active: bool = True
    created_at: datetime = audit_created()
