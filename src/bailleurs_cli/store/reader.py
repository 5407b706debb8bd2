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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from bailleurs_cli.store.schema import BUSY_TIMEOUT_MS, HEAD

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

    def named(
        self, sql: str, params: dict[str, Any] | None = None
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """The column names and every row ``sql`` returns."""
        ...


class _DbapiReader:
    def __init__(self, connection: Any, dialect: Dialect) -> None:
        self.connection = connection
        self.dialect: Dialect = dialect

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return self.named(sql, params)[1]

    def named(
        self, sql: str, params: dict[str, Any] | None = None
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        if self.dialect == "postgresql":
            sql = _PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))
        cursor = self.connection.execute(sql, _plain(params))
        names = [d[0] for d in cursor.description or ()]
        return names, [tuple(row) for row in cursor.fetchall()]

    def close(self) -> None:
        self.connection.close()


class _SessionReader:
    def __init__(self, session: Session) -> None:
        self.session = session
        name = session.get_bind().dialect.name
        self.dialect: Dialect = "postgresql" if name == "postgresql" else "sqlite"

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return self.named(sql, params)[1]

    def named(
        self, sql: str, params: dict[str, Any] | None = None
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        from sqlalchemy import text

        self.session.flush()  # what the ORM would autoflush before a query
        result = self.session.connection().execute(text(sql), _plain(params))
        return list(result.keys()), [tuple(row) for row in result.all()]


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
    """A DATETIME column's value (naive UTC text on SQLite) as an aware datetime, as
    the ORM gives it (SQLModel's ``UTCDateTime``)."""
    if value is None:
        return None
    found = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return found if found.utcoffset() is not None else found.replace(tzinfo=UTC)


def json_value(value: Any) -> Any:
    """A JSON column's value (text on SQLite, decoded by psycopg)."""
    return json.loads(value) if isinstance(value, str) else value


def placeholders(name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """``:name0, :name1…`` and their parameters, for ``IN (…)``."""
    keys = [f"{name}{i}" for i in range(len(values))]
    return ", ".join(f":{k}" for k in keys), dict(zip(keys, values, strict=True))


#: The columns a lean read converts from what SQLite gives (text, 0 and 1), per table,
#: as the ORM's column types do; ``tests/test_reader.py`` checks it against them.
COLUMN_KINDS: dict[str, dict[str, tuple[str, ...]]] = {
    "ally": {"datetime": ("created_at",), "json": ("departements",)},
    "digest_sent": {"datetime": ("sent_at",)},
    "exchange": {"date": ("occurred_on", "next_due"), "datetime": ("created_at",)},
    "import_run": {"datetime": ("run_at",), "json": ("report",)},
    "label_link": {"datetime": ("created_at",)},
    "landlord": {
        "bool": ("in_registry", "to_verify"),
        "date": ("stage_since", "next_due", "last_exchange_on"),
        "datetime": ("created_at", "updated_at"),
        "json": ("aliases", "former_names", "dwellings", "departements", "communes", "sources"),
    },
    "partnership": {
        "date": ("starts_on", "ends_on", "bilan_on"),
        "datetime": ("created_at", "updated_at"),
        "json": ("contributions", "sites"),
    },
    "person": {"bool": ("active",), "datetime": ("created_at",)},
    "presence": {"datetime": ("updated_at",)},
    "qpv": {"datetime": ("updated_at",), "json": ("communes",)},
    "reminder": {"date": ("next_on",), "datetime": ("created_at",)},
    "stage_change": {"date": ("changed_on",), "datetime": ("created_at",)},
    "workshop": {
        "date": ("starts_on", "ends_on", "landlord_visit"),
        "datetime": ("created_at",),
    },
}


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


_CONVERT: dict[str, Callable[[Any], Any]] = {
    "date": day,
    "datetime": moment,
    "json": json_value,
    "bool": _flag,
}


class Record(SimpleNamespace):
    """One row of a table read by the lean path: the ORM entity's attributes, with the
    values the ORM would give (dates, aware datetimes, decoded JSON, booleans). Read
    only: writes go through the ORM."""


def records(
    source: Session | Reader,
    table: str,
    where: str = "",
    params: dict[str, Any] | None = None,
    *,
    order: str = "",
    limit: int | None = None,
) -> list[Any]:
    """Rows of ``table`` (``SELECT *``) as :class:`Record` objects.

    Typed ``Any`` on purpose: callers hold them as the ORM entity they stand for
    (``list[Landlord]``), whose attributes they have.
    """
    sql = f"SELECT * FROM {table}"  # table names are this module's constants, never input
    if where:
        sql += f" WHERE {where}"
    if order:
        sql += f" ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    names, rows = as_reader(source).named(sql, params)
    kinds = {c: _CONVERT[k] for k, cs in COLUMN_KINDS[table].items() for c in cs}
    convert = [(i, kinds[n]) for i, n in enumerate(names) if n in kinds]
    found = []
    for row in rows:
        values = list(row)
        for i, fn in convert:
            values[i] = fn(values[i])
        found.append(Record(**dict(zip(names, values, strict=True))))
    return found
