"""Every test runs in its own home: store and config live in ``tmp_path``.

Store tests take the ``db_url`` fixture, parametrised over SQLite and PostgreSQL:
a store already created and seeded, as the first command leaves it. It is built
once per session and copied for each test (a file copy on SQLite, ``CREATE
DATABASE … TEMPLATE`` on PostgreSQL): creating and seeding a store takes about a
second, a copy a few milliseconds. ``fresh_db_url`` is a location where no store
exists yet, for tests of creation and upgrades.

PostgreSQL needs ``BAILLEURS_TEST_PG_URL`` (``.ci/start-postgres`` prints one); it
is skipped locally without it and required when ``CI`` is set.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar, cast

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from typer.testing import CliRunner

from bailleurs_cli.cli import app
from bailleurs_cli.settings.config import Settings, resolve_db_url

if TYPE_CHECKING:
    from bailleurs_cli.store.core import Store

TODAY = date(2026, 11, 23)
#: Landlords in the shipped registry (pinned by test_registry).
REGISTRY_SIZE = 38


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point config, data and "today" at the test's own values."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("BAILLEURS_HOME", str(home))
    monkeypatch.setenv("BAILLEURS_TODAY", TODAY.isoformat())
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("BAILLEURS_DB", "BAILLEURS_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """An empty folder on a real file system with no space left: a 64 KiB tmpfs, filled.

    Writing there fails with ENOSPC as on a full disk (a path under a regular file
    gives ENOTDIR, not the same failure). Mounting needs root, as CI runs; elsewhere
    the tests that use it are skipped.
    """
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    point = tmp_path / "disque-plein"
    point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        folder = point / "dossier"
        folder.mkdir()
        handle = os.open(point / "remplissage", os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(handle, b"\0" * 4096)
        except OSError:
            pass  # full
        finally:
            os.close(handle)
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(point)], capture_output=True, check=False)


def _pg_url() -> str:
    url = os.environ.get("BAILLEURS_TEST_PG_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("BAILLEURS_TEST_PG_URL must be set in CI (see .ci/start-postgres)")
        pytest.skip("no PostgreSQL: set BAILLEURS_TEST_PG_URL")
    return url


#: pytest-xdist's worker ("gw0"…) and this process, so that neither parallel workers
#: nor two test runs at once (two checkouts, CI beside a developer) share a database.
WORKER = f"{os.environ.get('PYTEST_XDIST_WORKER', '')}_{os.getpid()}"


def _with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _seed(url: str) -> None:
    from bailleurs_cli.api import open_default

    open_default(url, settings=Settings(), today=TODAY, notify=lambda _: None).dispose()


@pytest.fixture(scope="session")
def _seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store created and seeded once for the session (copied by each test)."""
    path = tmp_path_factory.mktemp("seeded") / "store.db"
    _seed(str(path))
    return path


@pytest.fixture(scope="session")
def _postgres_admin() -> Iterator[tuple[str, Engine]]:
    """The test server's URL and an autocommit engine to create databases with."""
    url = _pg_url()
    engine = create_engine(resolve_db_url(url, Settings()), isolation_level="AUTOCOMMIT")
    yield url, engine
    engine.dispose()


def _drop_database(admin: Engine, name: str) -> None:
    """Drop a test database. Plain DROP first: it also stops an autovacuum worker
    there, which WITH (FORCE) may not (it needs rights over the worker's role);
    FORCE then ends our own lingering sessions (a killed subprocess's)."""
    import time

    from sqlalchemy.exc import DBAPIError

    for attempt in range(20):
        statement = f'DROP DATABASE IF EXISTS "{name}"' + (" WITH (FORCE)" if attempt % 2 else "")
        try:
            with admin.connect() as conn:
                conn.execute(text(statement))
            return
        except DBAPIError:
            time.sleep(0.1)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def _seeded_postgres(_postgres_admin: tuple[str, Engine]) -> Iterator[str]:
    """A database created and seeded once for the session: the template of each test's
    (each test's own database is dropped after it, this one after the session)."""
    url, admin = _postgres_admin
    base = make_url(url).database
    name = f"{base}_seeded{WORKER}"
    _drop_database(admin, name)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    _seed(_with_database(url, name))
    yield name
    _drop_database(admin, name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A seeded store of the test's own, as the first command leaves it."""
    if request.param == "sqlite":
        target = tmp_path / "store.db"
        shutil.copyfile(request.getfixturevalue("_seeded_sqlite"), target)
        yield str(target)
        return
    template = request.getfixturevalue("_seeded_postgres")
    url, admin = request.getfixturevalue("_postgres_admin")
    name = f"{make_url(url).database}_run{WORKER}"
    _drop_database(admin, name)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield _with_database(url, name)
    _drop_database(admin, name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store location that does not exist yet: a SQLite file, or an empty PG schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.db")
        return
    url, admin = request.getfixturevalue("_postgres_admin")
    name = f"{make_url(url).database}_fresh{WORKER}"
    _drop_database(admin, name)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield _with_database(url, name)
    _drop_database(admin, name)


T = TypeVar("T")

#: States built once per session by :func:`built_once` (SQLite only):
#: name → (state before the build, folder holding the state after it, value).
_BUILT: dict[str, tuple[str, Path, object]] = {}


def _state(db: Path, home: Path) -> str:
    """A fingerprint of a test's store and home, to copy a state only onto the one it
    was built from."""
    digest = hashlib.blake2b(db.read_bytes() if db.exists() else b"", digest_size=16)
    for path in sorted(p for p in home.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(home)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def built_once(name: str, db_url: str, home: Path, build: Callable[[], T]) -> T:
    """A fixture's state (store and home), built by ``build`` for the first test that
    asks for it and copied for the next ones, as the seeded store is: a populated
    activity takes a second of commands, a copy a few milliseconds. The copy is made
    only onto the state it was built from (else the test builds its own), and on
    SQLite only: on PostgreSQL (run in CI) each test builds its own."""
    fixture = sys._getframe(1).f_code.co_name  # the fixture calling built_once
    assert fixture in BUILT_FIXTURES, (
        f"add {fixture!r} to BUILT_FIXTURES: the store fixture must open after it, never "
        "before a copy replaces the store's file"
    )
    if "://" in db_url:  # PostgreSQL; SQLite stores are given as paths
        return build()
    target = Path(db_url)
    before = _state(target, home)
    saved = _BUILT.get(name)
    if saved is not None and saved[0] == before:
        _, folder, value = saved
        for leftover in (target.with_name(target.name + s) for s in ("-wal", "-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(folder / "store.db", target)
        shutil.copytree(folder / "home", home, dirs_exist_ok=True)
        return cast(T, value)  # stored as object: built by this same ``build``
    value = build()
    if saved is None:
        folder = Path(tempfile.mkdtemp(prefix=f"built-{name}-"))
        with sqlite3.connect(target) as source, sqlite3.connect(folder / "store.db") as copy:
            source.backup(copy)  # consistent, whatever the journal mode
        shutil.copytree(home, folder / "home")
        _BUILT[name] = (before, folder, value)
    return value


def plain_spaces(text: str) -> str:
    """Tests compare wording; French spacing is tested on its own (test_meta)."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@dataclass
class Result:
    """What a user sees: exit code, stdout, stderr (with plain spaces), raw stderr."""

    exit_code: int
    stdout: str
    stderr: str
    raw_stderr: str = ""

    def __str__(self) -> str:
        return f"exit {self.exit_code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


class Run(Protocol):
    """``bailleurs ARGS``, invoked in-process, with extra environment variables."""

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Result: ...


def cli(db_url: str) -> Run:
    """``bailleurs --db <db_url> ARGS``, invoked in-process."""
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        result = runner.invoke(app, ["--db", db_url, *args], env=env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Result(result.exit_code, result.stdout, plain_spaces(result.stderr), result.stderr)

    return invoke


def configure(run: Run, settings: dict[str, str]) -> None:
    """``config set`` each key, as a user would."""
    for key, value in settings.items():
        result = run("config", "set", key, value)
        assert result.exit_code == 0, result


@pytest.fixture
def run(db_url: str) -> Run:
    """Invoke ``bailleurs --db <db_url> ARGS`` in-process."""
    return cli(db_url)


#: Fixtures built once by :func:`built_once`: the store is opened after them, never
#: before a copy replaces its file.
BUILT_FIXTURES = ("activity", "shared", "rivp", "partner", "identity", "exemple")


@pytest.fixture
def store(db_url: str, request: pytest.FixtureRequest) -> Iterator[Store]:
    """The store behind ``run``, opened the way the CLI opens it."""
    from bailleurs_cli.api import open_default

    for name in BUILT_FIXTURES:
        if name in request.fixturenames:
            request.getfixturevalue(name)
    opened = open_default(db_url, today=TODAY)
    yield opened
    opened.dispose()
