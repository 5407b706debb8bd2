"""Logged exchanges and stage changes: the history of a landlord."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from bailleurs_cli.enums import Direction
from bailleurs_cli.tables import audit_created


class Exchange(SQLModel, table=True):
    """One logged contact with a landlord, and the next step it set."""

    __tablename__ = "exchange"
    __table_args__ = (
        Index("ix_exchange_landlord_date", "landlord_id", "occurred_on", "id"),
        Index("ix_exchange_batch", "batch"),
    )

    id: int | None = Field(default=None, primary_key=True)
    landlord_id: int = Field(foreign_key="landlord.id", ondelete="CASCADE")
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    occurred_on: date
    channel: str
    direction: str = Direction.OUTBOUND.value
    summary: str
    outcome: str | None = None
    stage_to: str | None = None
    next_action: str | None = None
    next_due: date | None = None
    created_at: datetime = audit_created()
    author: str | None = None  # who logged it (utilisateur.nom), filled by the store
    document: str | None = None  # file name of the letter this exchange records
    batch: str | None = None  # the `letter --all --log` run that logged it
    ally_id: int | None = None  # the allied association the approach was made with


class StageChange(SQLModel, table=True):
    """A move in the pipeline, kept so `show` can say since when and why."""

    __tablename__ = "stage_change"

    id: int | None = Field(default=None, primary_key=True)
    landlord_id: int = Field(foreign_key="landlord.id", index=True, ondelete="CASCADE")
    from_stage: str | None = None
    to_stage: str
    changed_on: date
    reason: str | None = None
    created_at: datetime = audit_created()
    author: str | None = None
