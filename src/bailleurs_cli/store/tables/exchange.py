"""Logged exchanges and stage changes: the history of a landlord."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from bailleurs_cli.enums import Channel, Direction, Outcome, Stage
from bailleurs_cli.store.tables import audit_created
from bailleurs_cli.store.tables.types import Slug


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
    channel: Channel = Field(sa_type=Slug(Channel))
    direction: Direction = Field(default=Direction.OUTBOUND, sa_type=Slug(Direction))
    summary: str
    outcome: Outcome | None = Field(default=None, sa_type=Slug(Outcome))
    stage_to: Stage | None = Field(default=None, sa_type=Slug(Stage))
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
    from_stage: Stage | None = Field(default=None, sa_type=Slug(Stage))
    to_stage: Stage = Field(sa_type=Slug(Stage))
    changed_on: date
    reason: str | None = None
    created_at: datetime = audit_created()
    author: str | None = None
