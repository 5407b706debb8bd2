"""Backups and restore of the whole store.

SQLite: SQLite's online backup API, so a copy taken while cron writes is still
consistent; the copy is checked with ``PRAGMA integrity_check`` and switched to a
plain rollback journal, so it is one self-contained file. PostgreSQL: ``pg_dump``
in its custom format, restored with ``pg_restore`` (Debian package
``postgresql-client``); the password travels in ``PGPASSWORD``, never on a command
line.

Backups made by bailleurs itself (before an upgrade, a restore, a registry sync or
an import, or by ``bailleurs backup``) go to the ``sauvegardes`` folder of the data
directory and only the newest ``backup.garder`` of each store are kept there. A
backup never overwrites a file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bailleurs_cli.errors import InvalidInput, StoreError, ToolMissing
from bailleurs_cli.files import reason as os_reason

#: The tables a backup listing counts, with their French names.
COUNTED = (
    ("landlord", "bailleurs"),
    ("person", "interlocuteurs"),
    ("exchange", "échanges"),
    ("partnership", "conventions"),
)
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
_STAMP = "%Y-%m-%d-%H%M%S"
_NAME = re.compile(
    r"^(?P<store>.+)-(?P<stamp>\d{4}-\d{2}-\d{2}-\d{6})(?:-(?P<reason>[a-z0-9-]+))?(?:_\d+)?$"
)


@dataclass(frozen=True)
class Backup:
    """One backup file, as ``backup --list`` shows it."""

    path: Path
    store: str
    made_at: datetime
    reason: str | None
    size: int
    counts: dict[str, int] = field(default_factory=dict)
    schema: str | None = None


def is_sqlite_url(url: str) -> bool:
    """True for a SQLite store."""
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_file(url: str) -> Path:
    """The file of a SQLite store."""
    database = make_url(url).database
    if not database or database == ":memory:":
        raise StoreError("une base SQLite en mémoire ne se sauvegarde pas ; donnez un fichier.")
    return Path(database)


def store_label(url: str) -> str:
    """A short name for the store in backup file names: the file stem or the database."""
    parsed = make_url(url)
    name = Path(parsed.database).stem if is_sqlite_url(url) and parsed.database else parsed.database
    return re.sub(r"[^A-Za-z0-9_.]+", "-", name or "bailleurs").strip("-") or "bailleurs"


# --- SQLite -------------------------------------------------------------------------


def _quick_check(path: Path) -> None:
    """The file is a SQLite database whose pages are sound."""
    with path.open("rb") as stream:
        head = stream.read(len(SQLITE_MAGIC))
    if head.startswith(PG_MAGIC):
        raise InvalidInput(
            f"{path} est une sauvegarde PostgreSQL (pg_dump) ; restaurez-la sur une base "
            "PostgreSQL : bailleurs --db postgresql://… restore FICHIER."
        )
    if head != SQLITE_MAGIC:
        raise InvalidInput(
            f"{path} n'est pas une base bailleurs (ni SQLite ni sauvegarde pg_dump) ; "
            "choisissez un fichier listé par bailleurs backup --list."
        )
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(
            f"{path} est corrompu ({exc}) ; choisissez une autre sauvegarde."
        ) from None
    if result != ["ok"]:
        raise InvalidInput(f"{path} est corrompu ({result[0]}) ; choisissez une autre sauvegarde.")


def _sqlite_facts(path: Path) -> tuple[str | None, dict[str, int]]:
    """Schema version and row counts of a SQLite store file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        schema = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            schema = None if row is None else str(row[0])
        counts = {
            label: int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
            for table, label in COUNTED
            if table in tables
        }
        return schema, counts
    finally:
        conn.close()


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy a live SQLite store page by page into ``target`` (a new file)."""
    try:
        src = sqlite3.connect(source, timeout=10)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
                check = dst.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise StoreError(f"sauvegarde impossible de {source} ({exc}).") from None
    if check != "ok":
        raise StoreError(f"la copie de {source} est incohérente ({check}) ; rien n'est gardé.")


# --- PostgreSQL ---------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(
            f"{name} introuvable : installez le paquet Debian postgresql-client "
            "(sudo apt install postgresql-client) pour sauvegarder une base PostgreSQL."
        )
    return found


def _pg_target(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without driver nor password, and the environment carrying it."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed._replace(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_run(args: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["?"])[-1]
        raise StoreError(f"{what} ({detail}).")
    return done.stdout


def _pg_counts(url: str) -> tuple[str | None, dict[str, int]]:
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            schema = None
            if "alembic_version" in tables:
                schema = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            counts = {
                label: int(conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())
                for table, label in COUNTED
                if table in tables
            }
    finally:
        engine.dispose()
    return schema, counts


def _pg_dump_schema(dump: Path) -> str | None:
    """The ``alembic_version`` held in a pg_dump custom archive."""
    args = [
        _pg_tool("pg_restore"),
        "--data-only",
        "--table",
        "alembic_version",
        "-f",
        "-",
        str(dump),
    ]
    text_ = _pg_run(args, dict(os.environ), f"{dump} illisible par pg_restore")
    lines = text_.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and index + 1 < len(lines):
            value = lines[index + 1].strip()
            return None if value == "\\." else value
        match = re.search(r"INSERT INTO .*alembic_version.*VALUES \('([^']+)'\)", line)
        if match:
            return match[1]
    return None


# --- backups ------------------------------------------------------------------------


def _unique_target(folder: Path, stem: str, suffix: str) -> Path:
    target = folder / f"{stem}{suffix}"
    number = 2
    while target.exists():
        target = folder / f"{stem}_{number}{suffix}"
        number += 1
    return target


def _target(url: str, *, out: Path | None, folder: Path, reason: str | None, now: datetime) -> Path:
    suffix = ".db" if is_sqlite_url(url) else ".dump"
    stem = f"{store_label(url)}-{now.strftime(_STAMP)}" + (f"-{reason}" if reason else "")
    if out is None:
        directory = folder
    elif out.is_dir() or str(out).endswith(os.sep) or not out.suffix:
        directory = out
    else:
        if out.exists():
            raise InvalidInput(
                f"{out} existe déjà ; une sauvegarde n'écrase jamais un fichier, "
                "choisissez un autre nom ou un dossier.",
                field="out_dir",
            )
        directory = out.parent
        stem, suffix = out.stem, out.suffix
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(
            f"impossible de créer le dossier {directory} ({os_reason(exc)}).", field="out_dir"
        ) from None
    if not os.access(directory, os.W_OK):
        raise InvalidInput(
            f"dossier {directory} non accessible en écriture ; choisissez-en un autre.",
            field="out_dir",
        )
    if out is not None and out.suffix and not out.is_dir():
        return directory / f"{stem}{suffix}"
    return _unique_target(directory, stem, suffix)


def make_backup(
    url: str,
    *,
    folder: Path,
    now: datetime,
    out: Path | None = None,
    reason: str | None = None,
    keep: int | None = None,
) -> Backup:
    """Write a consistent copy of the store; never overwrites a file.

    Args:
        url: the store's SQLAlchemy URL.
        folder: the backups folder (used when ``out`` is None).
        now: the moment written in the file name.
        out: a chosen folder or file name instead.
        reason: a slug written in the name (``avant-restauration``…).
        keep: prune ``folder`` to this many backups of the store afterwards.

    Raises:
        InvalidInput: ``out`` exists or cannot be written.
        StoreError: the copy failed or is not sound.
        ToolMissing: PostgreSQL without ``pg_dump``.
    """
    target = _target(url, out=out, folder=folder, reason=reason, now=now)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    os.close(handle)
    tmp = Path(temporary)
    try:
        if is_sqlite_url(url):
            tmp.unlink()
            _sqlite_copy(sqlite_file(url), tmp)
            schema, counts = _sqlite_facts(tmp)
        else:
            plain, env = _pg_target(url)
            args = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
            _pg_run([*args, "--file", str(tmp), "--dbname", plain], env, "pg_dump a échoué")
            schema, counts = _pg_counts(url)
            _write_sidecar(target, schema, counts)
        tmp.chmod(0o600)
        os.link(tmp, target)  # fails rather than overwrite a file made meanwhile
    except FileExistsError:
        raise InvalidInput(f"{target} existe déjà ; rien n'est écrasé.") from None
    finally:
        tmp.unlink(missing_ok=True)
    if keep is not None and out is None:
        prune(folder, store_label(url), keep)
    return Backup(
        path=target,
        store=store_label(url),
        made_at=now,
        reason=reason,
        size=target.stat().st_size,
        counts=counts,
        schema=schema,
    )


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _write_sidecar(target: Path, schema: str | None, counts: dict[str, int]) -> None:
    _sidecar(target).write_text(
        json.dumps({"schema": schema, "counts": counts}, ensure_ascii=False), encoding="utf-8"
    )


def discard(path: Path) -> None:
    """Remove a backup that turned out useless (the change it preceded failed)."""
    path.unlink(missing_ok=True)
    _sidecar(path).unlink(missing_ok=True)


def _backups_in(folder: Path) -> Iterator[tuple[Path, re.Match[str]]]:
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.suffix in {".db", ".dump"} and not path.name.startswith("."):
            match = _NAME.match(path.stem)
            if match:
                yield path, match


def list_backups(folder: Path) -> list[Backup]:
    """The backups kept in ``folder``, newest first, with what they hold."""
    found = []
    for path, match in _backups_in(folder):
        schema: str | None = None
        counts: dict[str, int] = {}
        try:
            if path.suffix == ".db":
                schema, counts = _sqlite_facts(path)
            elif _sidecar(path).is_file():
                facts = json.loads(_sidecar(path).read_text(encoding="utf-8"))
                schema, counts = facts.get("schema"), facts.get("counts", {})
        except (sqlite3.Error, OSError, ValueError):
            pass  # listed without figures: restore will say what is wrong with it
        found.append(
            Backup(
                path=path,
                store=match["store"],
                made_at=datetime.strptime(match["stamp"], _STAMP),
                reason=match["reason"],
                size=path.stat().st_size,
                counts=counts,
                schema=schema,
            )
        )
    return sorted(found, key=lambda b: (b.made_at, b.path.stat().st_mtime_ns), reverse=True)


def prune(folder: Path, store: str, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest backups of ``store`` in ``folder``."""
    mine = [b for b in list_backups(folder) if b.store == store]
    removed = []
    for backup in mine[max(keep, 1) :]:
        backup.path.unlink(missing_ok=True)
        _sidecar(backup.path).unlink(missing_ok=True)
        removed.append(backup.path)
    return removed


# --- restore ------------------------------------------------------------------------


def check_restorable(url: str, file: Path, known: tuple[str, ...]) -> str:
    """Refuse what cannot be restored into this store; return the file's schema.

    Raises:
        InvalidInput: not a bailleurs store, corrupt, the wrong backend.
        StoreError: made by a newer bailleurs.
    """
    if not file.is_file():
        raise InvalidInput(f"{file} introuvable ; donnez le chemin d'une sauvegarde.")
    with file.open("rb") as stream:
        head = stream.read(len(SQLITE_MAGIC))
    if is_sqlite_url(url):
        _quick_check(file)
        schema, counts = _sqlite_facts(file)
        if schema is None or "bailleurs" not in counts:
            raise InvalidInput(
                f"{file} est une base SQLite mais pas une base bailleurs ; rien n'est restauré."
            )
    else:
        if head == SQLITE_MAGIC:
            raise InvalidInput(
                f"{file} est une base SQLite ; une base PostgreSQL se restaure depuis une "
                "sauvegarde pg_dump (bailleurs backup sur la base PostgreSQL)."
            )
        if not head.startswith(PG_MAGIC):
            raise InvalidInput(
                f"{file} n'est pas une sauvegarde pg_dump de bailleurs ; rien n'est restauré."
            )
        found = _pg_dump_schema(file)
        if found is None:
            raise InvalidInput(
                f"{file} n'est pas une sauvegarde de bailleurs ; rien n'est restauré."
            )
        schema = found
    if schema not in known:
        raise StoreError(
            f"{file} vient d'une version plus récente de bailleurs (schéma {schema}) ; "
            "mettez bailleurs à jour (pip install -U bailleurs) avant de la restaurer."
        )
    return schema


def restore_into(url: str, file: Path, tables: tuple[str, ...]) -> None:
    """Replace the store's content by ``file`` (already checked); ``tables`` are the
    store's own tables, dropped first on PostgreSQL."""
    if is_sqlite_url(url):
        target = sqlite_file(url)
        try:
            src = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
            try:
                dst = sqlite3.connect(target, timeout=10)
                try:
                    src.backup(dst)
                    dst.execute("PRAGMA journal_mode=WAL")
                finally:
                    dst.close()
            finally:
                src.close()
        except sqlite3.Error as exc:
            raise StoreError(
                f"restauration impossible dans {target} ({exc}) ; la base est inchangée."
            ) from None
        return
    plain, env = _pg_target(url)
    script = _pg_run(
        [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "-f", "-", str(file)],
        env,
        f"{file} illisible par pg_restore ; la base est inchangée",
    )
    # One transaction: drop this store's tables, then replay the dump; any error
    # rolls the whole of it back.
    drops = "".join(f'DROP TABLE IF EXISTS "{name}" CASCADE;\n' for name in tables)
    done = subprocess.run(
        [_psql(), "--single-transaction", "-v", "ON_ERROR_STOP=1", "-q", "-X", "-d", plain],
        input=drops + script,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["?"])[-1]
        raise StoreError(f"restauration refusée par PostgreSQL ({detail}) ; la base est inchangée.")


def _psql() -> str:
    return _pg_tool("psql")


def restore(
    url: str,
    file: Path,
    *,
    folder: Path,
    now: datetime,
    keep: int,
    known: tuple[str, ...],
    tables: tuple[str, ...],
) -> tuple[str, Path | None]:
    """Check ``file``, back up the current store, then replace it by ``file``.

    Returns the file's schema and the backup of the store as it was (None when
    there was no store yet).
    """
    schema = check_restorable(url, file, known)
    kept: Path | None = None
    if not is_sqlite_url(url) or sqlite_file(url).is_file():
        try:
            kept = make_backup(
                url, folder=folder, now=now, reason="avant-restauration", keep=keep
            ).path
        except StoreError:
            if not is_sqlite_url(url):
                raise
            # The store to replace is damaged (often why one restores): keep its bytes.
            folder.mkdir(parents=True, exist_ok=True)
            stem = f"{store_label(url)}-{now.strftime(_STAMP)}-avant-restauration-brute"
            kept = _unique_target(folder, stem, ".db")
            shutil.copyfile(sqlite_file(url), kept)
            kept.chmod(0o600)
    restore_into(url, file, tables)
    return schema, kept
