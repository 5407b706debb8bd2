"""Recurring reminders."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from bailleurs_cli.enums import Unit
from bailleurs_cli.store.tables import audit_created
from bailleurs_cli.store.tables.types import Slug


class Reminder(SQLModel, table=True):
    """A recurring reminder (yearly multi-actor meeting, bilans after each holiday…)."""

    __tablename__ = "reminder"

    id: int | None = Field(default=None, primary_key=True)
    label: str
    every: int
    unit: Unit = Field(sa_type=Slug(Unit))
    next_on: date = Field(index=True)
    landlord_id: int | None = Field(default=None, foreign_key="landlord.id", ondelete="CASCADE")
    created_at: datetime = audit_created()
