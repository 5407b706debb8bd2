"""The ground: priority neighbourhoods (QPV) and where each landlord is present."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from bailleurs_cli.enums import Measure, Origin
from bailleurs_cli.store.tables import audit_created, audit_updated, empty_dict, empty_list
from bailleurs_cli.store.tables.types import Slug


class Qpv(SQLModel, table=True):
    """A quartier prioritaire de la politique de la ville (2024 geography)."""

    __tablename__ = "qpv"

    code: str = Field(primary_key=True)
    name: str
    departement: str = Field(index=True)
    # INSEE codes; Paris arrondissements (751xx) when the source gives them.
    communes: list[str] = Field(default_factory=empty_list, sa_column=Column(JSON, nullable=False))
    epci: str | None = None
    ept: str | None = None
    source: str
    updated_at: datetime = audit_updated()


class Presence(SQLModel, table=True):
    """A landlord is present in a commune (or a QPV of it), as one source states."""

    __tablename__ = "presence"
    __table_args__ = (Index("ix_presence_landlord", "landlord_id"),)

    id: int | None = Field(default=None, primary_key=True)
    landlord_id: int = Field(foreign_key="landlord.id", ondelete="CASCADE")
    commune: str = Field(index=True)  # INSEE code, or 751xx for a Paris arrondissement
    qpv_code: str | None = None  # set only when the source links the landlord to this QPV
    measure: Measure = Field(sa_type=Slug(Measure))
    count: int | None = None
    source: str  # short label of the source, shown to the user
    as_of: str | None = None  # the period or date the figure holds for
    # Registry rows are replaced on sync, user rows never.
    origin: Origin = Field(sa_type=Slug(Origin))
    updated_at: datetime = audit_updated()


class LabelLink(SQLModel, table=True):
    """A raw label of the Ville de Paris list that the user attached to a landlord:
    its funded dwellings count as the landlord's presence."""

    __tablename__ = "label_link"
    __table_args__ = (Index("ix_label_link_landlord", "landlord_id"),)

    label: str = Field(primary_key=True)
    landlord_id: int = Field(foreign_key="landlord.id", ondelete="CASCADE")
    created_at: datetime = audit_created()
    author: str | None = None


class ImportRun(SQLModel, table=True):
    """Provenance of one import: which file, when, what it did."""

    __tablename__ = "import_run"

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    file_name: str
    sha256: str
    rows: int
    report: dict[str, Any] = Field(
        default_factory=empty_dict, sa_column=Column(JSON, nullable=False)
    )
    run_at: datetime = audit_created()
    author: str | None = None
