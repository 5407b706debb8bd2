"""Open the store: engine factory, transactions, schema version, first seeding.

SQLite settings, chosen by measurement when the store was designed: WAL set once
when the file is created, a 10 s busy timeout, ``synchronous=NORMAL``, foreign
keys on, and every write transaction begun with ``BEGIN IMMEDIATE`` (a deferred
transaction that reads then writes fails at once with "database is locked" under
concurrent use, whatever the busy timeout).

PostgreSQL gets the same single-writer rule: every write transaction first takes
one transaction-level advisory lock, waiting at most the same 10 s. Without it,
two runs that read then write (``digest --only-new`` claiming lines, two ``add``
choosing the same slug) both read under READ COMMITTED and one fails on a
unique constraint.

The schema is managed by Alembic (``migrations/``). Importing Alembic costs about
half a second, so opening a store first reads ``alembic_version`` with a plain
query and only imports Alembic when the schema must be created or upgraded.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, create_engine

from bailleurs_cli.errors import StoreError
from bailleurs_cli.files import reason
from bailleurs_cli.store.schema import BUSY_TIMEOUT_MS as BUSY_TIMEOUT_MS
from bailleurs_cli.store.schema import HEAD as HEAD
from bailleurs_cli.store.schema import REVISIONS as REVISIONS

#: Pause after each step of a stepped write on SQLite (see Store.write_in_steps).
STEP_PAUSE_S = 0.15
#: The PostgreSQL advisory lock every write transaction holds ("bailleur" in ASCII).
WRITE_LOCK_KEY = 0x6261696C6C657572


def redacted(url: str) -> str:
    """The URL as it may be shown: never its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` with the project's SQLite settings.

    Raises:
        StoreError: the URL is malformed or its driver is not installed.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            f"adresse de base invalide : « {url} » ; donnez un chemin de fichier "
            "ou une URL postgresql://utilisateur@hôte/base."
        ) from None
    if parsed.get_backend_name() != "sqlite":
        try:
            engine = create_engine(url, pool_pre_ping=False)
        except (ArgumentError, ImportError) as exc:
            raise StoreError(f"base « {redacted(url)} » non prise en charge ({exc}).") from None
        if parsed.get_backend_name() == "postgresql":
            event.listen(engine, "connect", _postgres_lock_timeout)
            event.listen(engine, "begin", _lock_writers_on_postgres)
        return engine

    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module, so that
        # BEGIN / BEGIN IMMEDIATE below is the only BEGIN ever sent.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get("bailleurs_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _postgres_lock_timeout(dbapi_connection: Any, _record: Any) -> None:
    """Wait for a lock at most as long as SQLite's busy timeout (set once per connection)."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        cursor = dbapi_connection.cursor()  # a cursor: psycopg 3 and psycopg2 alike
        cursor.execute(f"SET lock_timeout = {BUSY_TIMEOUT_MS}")
        cursor.close()
    finally:
        dbapi_connection.autocommit = autocommit


def _lock_writers_on_postgres(connection: Connection) -> None:
    """Serialise write transactions, as ``BEGIN IMMEDIATE`` does on SQLite."""
    if connection.get_execution_options().get("bailleurs_write", False):
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


def _translate(exc: DBAPIError, url: str) -> StoreError:
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    lowered = detail.lower()
    shown = redacted(url)
    if "locked" in lowered or "busy" in lowered or "lock timeout" in lowered:
        return StoreError(
            f"base occupée par un autre processus depuis {BUSY_TIMEOUT_MS // 1000} s ; réessayez."
        )
    if "readonly" in lowered or "read-only" in lowered:
        return StoreError(
            f"base en lecture seule : {shown} ; vérifiez les droits du fichier "
            "ou choisissez une autre base avec --db."
        )
    if isinstance(exc, IntegrityError):
        return StoreError(
            f"écriture refusée par la base ({detail}) ; un autre processus a peut-être "
            "enregistré la même donnée : relisez avec bailleurs show, puis réessayez."
        )
    if "unable to open" in lowered:
        return StoreError(
            f"impossible d'ouvrir la base {shown} ; vérifiez le chemin et les droits, "
            "ou choisissez une autre base avec --db."
        )
    return StoreError(f"base injoignable : {shown} ({detail}) ; vérifiez --db ou BAILLEURS_DB.")


def _stamp_author(session: Any, _context: Any, _instances: Any) -> None:
    """Rows that record who made them (exchanges, stage changes, partnerships,
    imports) get the store's author unless the caller set one: the audit trail of a
    team base comes from the store, not from every function that adds a row."""
    author = session.info.get("author")
    if author is None:
        return
    for row in session.new:
        if hasattr(row, "author") and row.author is None:
            row.author = author


event.listen(OrmSession, "before_flush", _stamp_author)


class Store:
    """An open, migrated store. Create with :func:`open_store`."""

    def __init__(self, url: str, engine: Engine, author: str | None = None) -> None:
        self.url = url
        self.engine = engine
        self.author = author

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session in one (deferred) transaction."""
        try:
            with self.engine.connect() as conn, Session(bind=conn) as session:
                yield session
        except DBAPIError as exc:
            raise _translate(exc, self.url) from None

    @contextmanager
    def write(self, *, dry_run: bool = False) -> Iterator[Session]:
        """One write transaction (``BEGIN IMMEDIATE`` on SQLite); all or nothing.

        With ``dry_run`` the same work runs and is rolled back: what a dry run
        reports is exactly what the real run would do.
        """
        try:
            with self.engine.connect() as conn:
                conn.execution_options(bailleurs_write=True)
                with Session(bind=conn, expire_on_commit=False) as session:
                    session.info["author"] = self.author
                    transaction = session.begin()
                    try:
                        yield session
                        session.flush()
                    except BaseException:
                        transaction.rollback()
                        raise
                    if dry_run:
                        transaction.rollback()
                    else:
                        transaction.commit()
        except DBAPIError as exc:
            raise _translate(exc, self.url) from None

    @contextmanager
    def write_in_steps(self) -> Iterator[tuple[Session, Callable[[], None]]]:
        """A write session and a ``commit`` that ends one step and begins the next.

        For long bulk work (imports): each step is one transaction (``BEGIN
        IMMEDIATE`` / the advisory lock again), so other writers get their turn
        between steps instead of waiting for the whole run. An error rolls back
        the current step only; the steps committed before stay.

        PostgreSQL queues lock requests, so a waiting writer goes next. SQLite does
        not: a waiting writer polls (its busy handler sleeps up to 100 ms between
        tries) and would almost never see the lock free between two steps, so on
        SQLite each step ends with a pause of :data:`STEP_PAUSE_S`.
        """
        import time

        try:
            with self.engine.connect() as conn:
                conn.execution_options(bailleurs_write=True)
                pause = STEP_PAUSE_S if conn.dialect.name == "sqlite" else 0.0
                with Session(bind=conn, expire_on_commit=False) as session:
                    session.info["author"] = self.author

                    def commit() -> None:
                        session.commit()
                        time.sleep(pause)

                    try:
                        yield session, commit
                        session.commit()
                    except BaseException:
                        session.rollback()
                        raise
        except DBAPIError as exc:
            raise _translate(exc, self.url) from None

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()


def schema_version(engine: Engine, url: str) -> str | None:
    """The Alembic revision of the store, or None for an empty base."""
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
            return None if row is None else str(row[0])
    except DBAPIError as exc:
        raise _translate(exc, url) from None


def _check_writable_location(path: Path, url: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"impossible de créer le dossier de la base {path.parent} ({reason(exc)}) ; "
            "choisissez un autre chemin avec --db ou BAILLEURS_DB."
        ) from None
    target = path if path.exists() else path.parent
    if not os.access(target, os.W_OK):
        raise StoreError(
            f"base non accessible en écriture : {redacted(url)} ; vérifiez les droits "
            "ou choisissez un autre chemin avec --db ou BAILLEURS_DB."
        )


def _tables(conn: Connection) -> list[str]:
    return sorted(t for t in inspect(conn).get_table_names() if t != "alembic_version")


def _row_counts(conn: Connection) -> dict[str, int]:
    """Rows per table: what every migration must keep."""
    quote = conn.dialect.identifier_preparer.quote
    return {
        name: int(conn.exec_driver_sql(f"SELECT count(*) FROM {quote(name)}").scalar_one())
        for name in _tables(conn)
    }


def _check_kept(conn: Connection, before: dict[str, int], url: str) -> None:
    """Abort the upgrade (the caller rolls back) if a table lost rows or a link broke.

    A migration that rebuilds a table on SQLite (Alembic batch mode) drops the old
    one: with foreign keys on, that drop cascades to every dependent row, which is
    how the upgrade to 0004 once emptied people and exchanges (issue 9).
    """
    after = _row_counts(conn)
    lost = [
        f"{name} ({count} → {after.get(name, 0)})"
        for name, count in before.items()
        if after.get(name, 0) != count
    ]
    broken: list[str] = []
    if conn.dialect.name == "sqlite":
        broken = sorted({str(row[0]) for row in conn.exec_driver_sql("PRAGMA foreign_key_check")})
    if lost or broken:
        what = "lignes perdues : " + ", ".join(lost) if lost else ""
        if broken:
            what += ("; " if what else "") + "liens rompus dans : " + ", ".join(broken)
        raise StoreError(
            f"mise à jour de la base {redacted(url)} annulée, rien n'a été modifié ({what}) ; "
            "gardez cette version de bailleurs et signalez le problème."
        )


def _foreign_keys(conn: Connection, on: bool) -> None:
    """Switch SQLite's foreign keys, outside any transaction (the pragma is a no-op
    inside one): through the DB-API connection, which runs in autocommit."""
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade(engine: Engine, url: str, *, seed: Callable[[Session], None] | None = None) -> None:
    """Bring the schema to HEAD with Alembic (creates it on an empty base).

    Migrations run with SQLite's foreign keys off (Alembic's recipe for batch mode)
    in one transaction; before committing, every table must hold the rows it held
    before and, on SQLite, ``PRAGMA foreign_key_check`` must find no broken link,
    else nothing is changed. ``seed`` runs in the same transaction, after the
    migrations.
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    try:
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:
                _foreign_keys(conn, on=False)
            try:
                conn.execution_options(bailleurs_write=True)
                with conn.begin():
                    before = _row_counts(conn)
                    config.attributes["connection"] = conn
                    command.upgrade(config, "head")
                    _check_kept(conn, before, url)
                    if seed is not None:
                        with Session(bind=conn) as session:
                            seed(session)
                            session.flush()
                        _check_kept(conn, {}, url)
            finally:
                if sqlite:
                    _foreign_keys(conn, on=True)
    except DBAPIError as exc:
        raise _translate(exc, url) from None


def _prepare(
    store: Store,
    path: Path | None,
    *,
    today: date,
    seed: Callable[[Session, date], None] | None,
    before_upgrade: Callable[[str], None] | None,
    on_create: Callable[[str], None] | None,
) -> None:
    engine, url = store.engine, store.url
    version = schema_version(engine, url)
    if version == HEAD:
        return
    if version is not None and version not in REVISIONS:
        raise StoreError(
            f"base créée par une version plus récente de bailleurs (schéma {version}) ; "
            "mettez bailleurs à jour (pip install -U bailleurs)."
        )
    if version is None and path is not None:
        # journal_mode cannot change inside a transaction: use the raw connection,
        # which runs in autocommit (see _on_connect).
        try:
            raw = engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA journal_mode=WAL")
            finally:
                raw.close()
        except OperationalError as exc:
            raise _translate(exc, url) from None
        except sqlite3.Error as exc:
            raise StoreError(
                f"impossible d'ouvrir la base {redacted(url)} ({exc}) ; "
                "choisissez une autre base avec --db."
            ) from None
    if version is not None and before_upgrade is not None:
        before_upgrade(version)
    upgrade(engine, url, seed=(lambda s: seed(s, today)) if seed else None)
    if version is None and on_create is not None:
        on_create(str(path) if path is not None else redacted(url))


def open_store(
    url: str,
    *,
    today: date,
    seed: Callable[[Session, date], None] | None = None,
    before_upgrade: Callable[[str], None] | None = None,
    author: str | None = None,
    on_create: Callable[[str], None] | None = None,
) -> Store:
    """Open (creating and migrating if needed) the store at ``url``.

    Args:
        url: a SQLAlchemy URL.
        today: the day recorded on seeded landlords.
        seed: fills a new or just-upgraded base, in the same transaction as the
            migrations (a failed seed leaves the base as it was, and the next open
            tries again); it must be idempotent.
        before_upgrade: called with the store's schema before an existing store is
            upgraded (the caller backs it up there).
        author: recorded on the rows that say who made them (``utilisateur.nom``).
        on_create: told where a new store was just created (so that a mistyped
            ``--db`` does not look like lost data).

    Raises:
        StoreError: unreachable, not writable, or made by a newer version.
    """
    path = _sqlite_path(url)
    if path is not None:
        _check_writable_location(path, url)
        if not path.exists():
            # Personal data: readable by its owner only (SQLite gives its -wal and
            # -shm files the same mode).
            with suppress(FileExistsError):  # another process made it meanwhile
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    engine = make_engine(url)
    store = Store(url, engine, author)
    try:
        _prepare(
            store, path, today=today, seed=seed, before_upgrade=before_upgrade, on_create=on_create
        )
    except BaseException:
        engine.dispose()
        raise
    return store


def store_tables() -> tuple[str, ...]:
    """Every table of the schema, ``alembic_version`` included."""
    from sqlmodel import SQLModel

    import bailleurs_cli.store.models  # noqa: F401  (registers the tables)

    return (*SQLModel.metadata.tables, "alembic_version")
