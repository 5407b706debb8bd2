"""Partnerships formalised by conventions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from bailleurs_cli.enums import ConventionStatus, PartnershipKind
from bailleurs_cli.store.tables import audit_created, audit_updated, empty_list
from bailleurs_cli.store.tables.types import Slug


class Partnership(SQLModel, table=True):
    """A partnership formalised by a convention (issue #3). Amounts are in cents."""

    __tablename__ = "partnership"
    __table_args__ = (Index("ix_partnership_number", "number", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    landlord_id: int = Field(foreign_key="landlord.id", index=True, ondelete="CASCADE")
    kind: PartnershipKind = Field(
        default=PartnershipKind.NON_FINANCIAL, sa_type=Slug(PartnershipKind)
    )
    object: str
    contributions: list[dict[str, Any]] = Field(
        default_factory=empty_list, sa_column=Column(JSON, nullable=False)
    )
    sites: list[str] = Field(default_factory=empty_list, sa_column=Column(JSON, nullable=False))
    starts_on: date
    ends_on: date
    in_kind_cents: int | None = None
    amount_cents: int | None = None
    status: ConventionStatus = Field(default=ConventionStatus.DRAFT, sa_type=Slug(ConventionStatus))
    referent_association: str | None = None
    referent_landlord: str | None = None
    document: str | None = None
    bilan_on: date | None = None
    created_at: datetime = audit_created()
    updated_at: datetime = audit_updated()
    author: str | None = None
    # « 2027-002 »: per start year, without gaps (the convention's number).
    number: str | None = None
    previous_id: int | None = None  # the convention this one renews
