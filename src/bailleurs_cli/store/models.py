"""All table models and domain enums, for code that needs the whole schema.

Enum values are stable ASCII slugs stored in the database; their French labels
live in :mod:`bailleurs_cli.formatting`. The tables themselves live in
:mod:`bailleurs_cli.store.tables`, one module per concern, so that a command such as
``next`` imports only what it reads; Alembic and the rest of the code import
them from here.
"""

from __future__ import annotations

from bailleurs_cli.enums import (
    CLOSED_STAGES,
    STALE_STAGES,
    Channel,
    Contribution,
    ConventionStatus,
    Direction,
    LegalKind,
    Measure,
    Origin,
    Outcome,
    PartnershipKind,
    Stage,
)
from bailleurs_cli.store.tables.digest_sent import DigestSent
from bailleurs_cli.store.tables.exchange import Exchange, StageChange
from bailleurs_cli.store.tables.landlord import Landlord
from bailleurs_cli.store.tables.partnership import Partnership
from bailleurs_cli.store.tables.person import Person
from bailleurs_cli.store.tables.reminder import Reminder
from bailleurs_cli.store.tables.territory import ImportRun, LabelLink, Presence, Qpv
from bailleurs_cli.store.tables.workshop import Ally, Workshop

__all__ = [
    "CLOSED_STAGES",
    "STALE_STAGES",
    "Ally",
    "Channel",
    "Contribution",
    "ConventionStatus",
    "DigestSent",
    "Direction",
    "Exchange",
    "ImportRun",
    "LabelLink",
    "Landlord",
    "LegalKind",
    "Measure",
    "Origin",
    "Outcome",
    "Partnership",
    "PartnershipKind",
    "Person",
    "Presence",
    "Qpv",
    "Reminder",
    "Stage",
    "StageChange",
    "Workshop",
]
