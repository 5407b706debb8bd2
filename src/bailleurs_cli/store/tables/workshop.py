"""Workshops held under a partnership, their results; allied associations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from bailleurs_cli.store.tables import audit_created, empty_list


class Workshop(SQLModel, table=True):
    """A week (or a series) of workshops at a site, and what it gave.

    The results are what landlords judge a project on (thesis, 3. and Annexe 2):
    participants, the share of the landlord's tenants among them, families reached,
    attendance, children's and parents' satisfaction, the host's feedback, the
    landlord's visit.
    """

    __tablename__ = "workshop"
    __table_args__ = (Index("ix_workshop_landlord_start", "landlord_id", "starts_on"),)

    id: int | None = Field(default=None, primary_key=True)
    landlord_id: int = Field(foreign_key="landlord.id", ondelete="CASCADE")
    partnership_id: int | None = Field(
        default=None, foreign_key="partnership.id", ondelete="SET NULL"
    )
    site: str  # the host structure (structure accueillante)
    commune: str  # INSEE code (751xx for a Paris arrondissement)
    qpv_code: str | None = None
    starts_on: date
    ends_on: date
    sessions: int
    theme: str | None = None
    animators: int | None = None
    participants: int | None = None
    tenants: int | None = None  # participants whose family rents from the landlord
    families: int | None = None
    attendance: int | None = None  # percent
    satisfaction_children: float | None = None  # 1 to 5
    satisfaction_parents: float | None = None  # 1 to 5
    host_feedback: str | None = None
    landlord_visit: date | None = None
    created_at: datetime = audit_created()
    author: str | None = None


class Ally(SQLModel, table=True):
    """Another association the approach is made with (thesis, recommendation 2)."""

    __tablename__ = "ally"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    name: str
    contact: str | None = None
    email: str | None = None
    phone: str | None = None
    departements: list[str] = Field(
        default_factory=empty_list, sa_column=Column(JSON, nullable=False)
    )
    signatory: str | None = None  # who signs a joint letter for it
    created_at: datetime = audit_created()
