"""The lean read path: the everyday read commands answer through the DB-API driver.

``next``, ``list``, ``history`` and ``digest`` run many times a day, from a terminal
and from cron. Importing SQLAlchemy and SQLModel costs them about 400 ms, several
times the work itself; so their queries are plain SQL (one definition each, in the
modules that own them) run through a :class:`Reader`:

- on a store that already exists at this version's schema, over ``sqlite3`` or
  psycopg directly (:func:`open_reader`);
- otherwise (a new store, one to upgrade, Python scripts holding a session), over
  the ORM session's connection (:func:`session_reader`): the same SQL, the same rows.

Writes keep the ORM. SQL here is written once for both backends: named parameters
(``:name``), ``TRUE``/``FALSE``, no dialect-only function; dates come back as text
from SQLite and as :class:`date` from psycopg, so readers use :func:`day`,
:func:`moment` and :func:`json_value`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from bailleurs_cli.schema import BUSY_TIMEOUT_MS, HEAD

if TYPE_CHECKING:
    from sqlmodel import Session

Dialect = Literal["sqlite", "postgresql"]
_PARAM = re.compile(r"(?<![:\w]):(\w+)")


@runtime_checkable
class Reader(Protocol):
    """Runs read-only SQL on the store."""

    dialect: Dialect

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Every row ``sql`` returns, as tuples."""
        ...


class _DbapiReader:
    def __init__(self, connection: Any, dialect: Dialect) -> None:
        self.connection = connection
        self.dialect: Dialect = dialect

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        if self.dialect == "postgresql":
            sql = _PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))
        cursor = self.connection.execute(sql, _plain(params))
        return [tuple(row) for row in cursor.fetchall()]

    def close(self) -> None:
        self.connection.close()


class _SessionReader:
    def __init__(self, session: Session) -> None:
        self.session = session
        name = session.get_bind().dialect.name
        self.dialect: Dialect = "postgresql" if name == "postgresql" else "sqlite"

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        from sqlalchemy import text

        result = self.session.connection().execute(text(sql), _plain(params))
        return [tuple(row) for row in result.all()]


def _plain(params: dict[str, Any] | None) -> dict[str, Any]:
    """Dates as ISO text: the one form both drivers compare with a DATE column
    (sqlite3's default date adapter is deprecated since Python 3.12)."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in (params or {}).items()}


def session_reader(session: Session) -> Reader:
    """A reader over an open ORM session (the same SQL as the lean path)."""
    return _SessionReader(session)


def as_reader(source: Session | Reader) -> Reader:
    """``source`` itself when it is a reader, else a reader over the session."""
    if isinstance(source, Reader):
        return source
    return _SessionReader(source)


@contextmanager
def open_reader(url: str) -> Iterator[Reader | None]:
    """A reader straight over the driver, or None when the store must be opened the
    full way first: it does not exist yet, is not at this version's schema (to be
    created, upgraded or refused with a proper message), or cannot be opened (the full
    path says why)."""
    reader = _connect(url)
    try:
        yield reader
    finally:
        if reader is not None:
            reader.close()


def _connect(url: str) -> _DbapiReader | None:
    reader: _DbapiReader | None = None
    try:
        if url.startswith("sqlite:///"):
            reader = _sqlite(url[len("sqlite:///") :])
        elif url.startswith("postgresql+psycopg://"):
            reader = _postgres("postgresql://" + url[len("postgresql+psycopg://") :])
        if reader is None:
            return None
        version = reader.rows("SELECT version_num FROM alembic_version")
    except Exception:  # any failure: the full path opens the store and says why
        if reader is not None:
            reader.close()
        return None
    if version != [(HEAD,)]:
        reader.close()
        return None
    return reader


def _sqlite(path: str) -> _DbapiReader | None:
    import sqlite3
    from pathlib import Path

    if not path or path == ":memory:" or not Path(path).is_file():
        return None
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    return _DbapiReader(connection, "sqlite")


def _postgres(url: str) -> _DbapiReader:
    import psycopg

    connection = psycopg.connect(url, autocommit=True)
    return _DbapiReader(connection, "postgresql")


def day(value: Any) -> date | None:
    """A DATE column's value (text on SQLite) as a date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def required_day(value: Any) -> date:
    """A NOT NULL DATE column's value as a date."""
    found = day(value)
    if found is None:
        raise ValueError("NULL in a NOT NULL date column")
    return found


def moment(value: Any) -> datetime | None:
    """A DATETIME column's value (text on SQLite) as a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def json_value(value: Any) -> Any:
    """A JSON column's value (text on SQLite, decoded by psycopg)."""
    return json.loads(value) if isinstance(value, str) else value


def placeholders(name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """``:name0, :name1…`` and their parameters, for ``IN (…)``."""
    keys = [f"{name}{i}" for i in range(len(values))]
    return ", ".join(f":{k}" for k in keys), dict(zip(keys, values, strict=True))
