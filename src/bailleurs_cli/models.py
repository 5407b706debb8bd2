"""Table models and domain enums.

Enum values are stable ASCII slugs stored in the database; their French labels
live in :mod:`bailleurs_cli.formatting`. Only ``models`` and ``store`` know about
SQLModel tables; the rest of the code works on these objects through ``store``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from bailleurs_cli.enums import (
    CLOSED_STAGES,
    STALE_STAGES,
    Channel,
    Contribution,
    ConventionStatus,
    Direction,
    LegalKind,
    Outcome,
    PartnershipKind,
    Stage,
)

__all__ = [
    "CLOSED_STAGES",
    "STALE_STAGES",
    "Channel",
    "Contribution",
    "ConventionStatus",
    "DigestSent",
    "Direction",
    "Exchange",
    "Landlord",
    "LegalKind",
    "Outcome",
    "Partnership",
    "PartnershipKind",
    "Person",
    "Reminder",
    "Stage",
    "StageChange",
]


class Landlord(SQLModel, table=True):
    """A social landlord (bailleur social), from the registry or added by the user."""

    __tablename__ = "landlord"
    __table_args__ = (
        Index("ix_landlord_next_due", "next_due"),
        Index("ix_landlord_stage", "stage"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True)
    name: str
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    former_names: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    kind: str = LegalKind.UNKNOWN.value
    legal_form: str | None = None
    siren: str | None = None
    group_name: str | None = None
    description: str | None = None
    history: str | None = None
    dwellings: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    street: str | None = None
    complement: str | None = None
    postcode: str | None = None
    city: str | None = None
    cedex: str | None = None
    website: str | None = None
    departements: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    communes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    governance: str | None = None
    sources: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    in_registry: bool = False

    # What the user owns: never touched by `registry sync`.
    stage: str = Stage.IDENTIFIED.value
    stage_since: date
    stage_reason: str | None = None
    notes: str | None = None
    next_action: str | None = None
    next_due: date | None = None
    # No database-level foreign key: person → landlord already exists, and a cycle
    # would need ALTER TABLE on SQLite. `people.remove_person` clears it instead.
    next_person_id: int | None = None
    last_exchange_on: date | None = None
    created_at: datetime
    updated_at: datetime


class Person(SQLModel, table=True):
    """Someone at a landlord (interlocuteur). Personal data: RGPD applies."""

    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    landlord_id: int = Field(foreign_key="landlord.id", index=True, ondelete="CASCADE")
    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    territory: str | None = None
    source: str | None = None
    active: bool = True
    created_at: datetime


class Exchange(SQLModel, table=True):
    """One logged contact with a landlord, and the next step it set."""

    __tablename__ = "exchange"
    __table_args__ = (Index("ix_exchange_landlord_date", "landlord_id", "occurred_on", "id"),)

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
    created_at: datetime


class StageChange(SQLModel, table=True):
    """A move in the pipeline, kept so `show` can say since when and why."""

    __tablename__ = "stage_change"

    id: int | None = Field(default=None, primary_key=True)
    landlord_id: int = Field(foreign_key="landlord.id", index=True, ondelete="CASCADE")
    from_stage: str | None = None
    to_stage: str
    changed_on: date
    reason: str | None = None
    created_at: datetime


class Partnership(SQLModel, table=True):
    """A partnership formalised by a convention (issue #3). Amounts are in cents."""

    __tablename__ = "partnership"

    id: int | None = Field(default=None, primary_key=True)
    landlord_id: int = Field(foreign_key="landlord.id", index=True, ondelete="CASCADE")
    kind: str = PartnershipKind.NON_FINANCIAL.value
    object: str
    contributions: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    sites: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    starts_on: date
    ends_on: date
    in_kind_cents: int | None = None
    amount_cents: int | None = None
    status: str = ConventionStatus.DRAFT.value
    referent_association: str | None = None
    referent_landlord: str | None = None
    document: str | None = None
    bilan_on: date | None = None
    created_at: datetime
    updated_at: datetime


class Reminder(SQLModel, table=True):
    """A recurring reminder (yearly multi-actor meeting, bilans after each holiday…)."""

    __tablename__ = "reminder"

    id: int | None = Field(default=None, primary_key=True)
    label: str
    every: int
    unit: str  # "j", "s", "m" or "a"
    next_on: date = Field(index=True)
    landlord_id: int | None = Field(default=None, foreign_key="landlord.id", ondelete="CASCADE")
    created_at: datetime


class DigestSent(SQLModel, table=True):
    """An item already mailed by ``digest --send --only-new``."""

    __tablename__ = "digest_sent"

    key: str = Field(primary_key=True)
    sent_at: datetime
