"""The landlord table: registry facts and what the user owns (stage, next step)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from bailleurs_cli.enums import LegalKind, Stage
from bailleurs_cli.store.tables import audit_created, audit_updated, empty_list
from bailleurs_cli.store.tables.types import Slug


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
    aliases: list[str] = Field(default_factory=empty_list, sa_column=Column(JSON, nullable=False))
    former_names: list[str] = Field(
        default_factory=empty_list, sa_column=Column(JSON, nullable=False)
    )
    kind: LegalKind = Field(default=LegalKind.UNKNOWN, sa_type=Slug(LegalKind))
    legal_form: str | None = None
    siren: str | None = None
    group_name: str | None = None
    description: str | None = None
    history: str | None = None
    dwellings: list[dict[str, Any]] = Field(
        default_factory=empty_list, sa_column=Column(JSON, nullable=False)
    )
    street: str | None = None
    complement: str | None = None
    postcode: str | None = None
    city: str | None = None
    cedex: str | None = None
    website: str | None = None
    departements: list[str] = Field(
        default_factory=empty_list, sa_column=Column(JSON, nullable=False)
    )
    communes: list[str] = Field(default_factory=empty_list, sa_column=Column(JSON, nullable=False))
    governance: str | None = None
    sources: list[dict[str, Any]] = Field(
        default_factory=empty_list, sa_column=Column(JSON, nullable=False)
    )
    in_registry: bool = False
    legal_category: str | None = None  # INSEE catégorie juridique, e.g. "7371"
    to_verify: bool = False  # identity (SIREN, legal kind) not yet confirmed by SIRENE
    # Slug of the landlord that absorbed this one (registry): no letter, no next step.
    absorbed_by: str | None = None
    # The share of its tenants among participants this landlord expects, in percent
    # (one landlord asked for 15 to 30 %; None: that default).
    tenant_target_min: int | None = None
    tenant_target_max: int | None = None

    # What the user owns: never touched by `registry sync`.
    stage: Stage = Field(default=Stage.IDENTIFIED, sa_type=Slug(Stage))
    stage_since: date
    stage_reason: str | None = None
    notes: str | None = None
    next_action: str | None = None
    next_due: date | None = None
    # No database-level foreign key: person → landlord already exists, and a cycle
    # would need ALTER TABLE on SQLite. `privacy.erase` clears it instead.
    next_person_id: int | None = None
    last_exchange_on: date | None = None
    created_at: datetime = audit_created()
    updated_at: datetime = audit_updated()
