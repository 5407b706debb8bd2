"""Table models, one module per concern, so a command imports only the tables it reads.

Declaring a SQLModel table costs several milliseconds at import (``next`` is measured
against a one-table command, issue #2); :mod:`bailleurs_cli.store.models` gathers them all.
"""

from datetime import UTC, datetime
from typing import Any


def empty_list() -> list[Any]:
    """Default of the list columns. A Python function, not ``list``: pydantic inspects
    a default factory's signature each time a row is built, and ``inspect.signature``
    of a builtin parses its text signature (76 µs against 5 µs), which made SQLModel
    rows cost about a millisecond each in bulk imports."""
    return []


def empty_dict() -> dict[str, Any]:
    """Default of the dictionary columns (see :func:`empty_list`)."""
    return {}


def utc_now() -> datetime:
    """The audit clock: aware UTC, as SQLModel's ``UTCDateTime`` stores and returns it."""
    return datetime.now(UTC)


def audit_created() -> Any:
    """An audit column stamped when the row is built (a Python-side column default:
    no schema change, and Core inserts of many rows get it too)."""
    from sqlmodel import Field

    return Field(default_factory=utc_now)


def audit_updated() -> Any:
    """An audit column stamped when the row is built and each time the ORM updates
    it (``onupdate``): only when one of its own columns changed, so a record's stamp
    moves exactly when the record does (the agenda's SEQUENCE relies on that)."""
    from sqlmodel import Field

    return Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})


def touch(row: Any) -> None:
    """Stamp ``row``'s ``updated_at`` for a change that lies in other rows (its
    presence facts): the ORM stamps only a row whose own columns changed."""
    row.updated_at = utc_now()
