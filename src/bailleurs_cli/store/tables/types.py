"""Column types shared by the tables."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel.sql.sqltypes import AutoString

E = TypeVar("E", bound=StrEnum)


class Slug(TypeDecorator[E]):
    """An enum column stored as its slug in a plain ``VARCHAR``.

    SQLModel would map an ``Enum`` annotation to SQLAlchemy's ``Enum`` (a native
    ``ENUM`` type on PostgreSQL, a ``CHECK``-less ``VARCHAR(n)`` on SQLite): a schema
    change. This type keeps the column the migrations created (``AutoString``) and
    only converts at the edge: the slug goes in, the member comes out. Rows read by
    the lean path (:mod:`bailleurs_cli.store.reader`) stay plain strings, which compare
    equal to the members.
    """

    impl = AutoString
    cache_ok = True

    def __init__(self, enum: type[E]) -> None:
        super().__init__()
        self.enum = enum
        # A dict lookup, not ``enum(value)``: read for every row of a million-row export.
        self._members: dict[str, E] = {member.value: member for member in enum}

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:  # noqa: ARG002
        """The slug of ``value``; a plain string must be one of the enum's slugs."""
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:  # noqa: ARG002
        """The member a stored slug stands for; a slug this version does not know (a
        hand-edited base) comes back as the plain string, as the lean path reads it, so
        the row can still be shown, exported and corrected."""
        if value is None:
            return None
        return self._members.get(value, value)  # type: ignore[no-any-return]  # unknown: text

    @property
    def python_type(self) -> type[E]:
        return self.enum
