"""Opening the store: creation, seeding, migrations, versions, errors."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel, func, select

import bailleurs_cli.store.core
from bailleurs_cli.api import open_default
from bailleurs_cli.errors import StoreError
from bailleurs_cli.store.core import HEAD, REVISIONS, Store
from bailleurs_cli.store.models import DigestSent, Landlord, StageChange

from .conftest import REGISTRY_SIZE, TODAY, Run


def count_landlords(db_url: str) -> int:
    store = open_default(db_url, today=TODAY)
    with store.read() as session:
        total = session.exec(select(func.count()).select_from(Landlord)).one()
    store.dispose()
    return int(total)


def test_first_open_creates_and_seeds_the_registry(fresh_db_url: str) -> None:
    store = open_default(fresh_db_url, today=TODAY)
    with store.read() as session:
        landlords = session.exec(select(Landlord)).all()
        changes = session.exec(select(StageChange)).all()
    store.dispose()
    assert len(landlords) == REGISTRY_SIZE
    assert {ll.stage for ll in landlords} == {"identifie"}
    assert {ll.stage_since for ll in landlords} == {TODAY}
    assert len(changes) == REGISTRY_SIZE


def test_reopening_does_not_seed_twice(db_url: str) -> None:
    assert count_landlords(db_url) == REGISTRY_SIZE
    assert count_landlords(db_url) == REGISTRY_SIZE


def test_migrated_schema_is_exactly_the_models(db_url: str) -> None:
    store = open_default(db_url, today=TODAY)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    store.dispose()
    assert diff == []
    assert version == HEAD


def test_shipped_revisions_are_the_alembic_scripts() -> None:
    from alembic.script import ScriptDirectory

    import bailleurs_cli.store.core as store_module

    scripts = ScriptDirectory(str(Path(store_module.__file__).with_name("migrations")))
    assert tuple(reversed([s.revision for s in scripts.walk_revisions()])) == REVISIONS


def test_store_from_a_newer_version_is_refused(db_url: str, run: Run) -> None:
    store = open_default(db_url, today=TODAY)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.dispose()
    result = run("next")
    assert result.exit_code == 4, result
    assert result.stderr == (
        "Erreur : base créée par une version plus récente de bailleurs (schéma 9999) ; "
        "mettez bailleurs à jour (pip install -U bailleurs).\n"
    )


def test_sqlite_store_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    store = open_default(str(path), today=TODAY)
    with store.read() as session:
        connection = session.connection()
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar_one() == 10000
    store.dispose()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_default_store_lives_under_bailleurs_home(home: Path) -> None:
    store = open_default(today=TODAY)
    store.dispose()
    assert (home / "bailleurs.db").is_file()


def test_store_path_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier")
    with pytest.raises(StoreError) as caught:
        open_default(str(blocker / "base.db"), today=TODAY)
    assert caught.value.message.startswith(f"impossible de créer le dossier de la base {blocker} (")
    assert caught.value.message.endswith("; choisissez un autre chemin avec --db ou BAILLEURS_DB.")


def test_unreachable_postgres_url() -> None:
    with pytest.raises(StoreError) as caught:
        open_default("postgresql://personne@127.0.0.1:9/rien", today=TODAY)
    assert caught.value.message.startswith(
        "base injoignable : postgresql+psycopg://personne@127.0.0.1:9/rien ("
    )
    assert caught.value.message.endswith("; vérifiez --db ou BAILLEURS_DB.")


def test_write_transactions_take_turns(db_url: str) -> None:
    """Two processes' writers never overlap, on SQLite (BEGIN IMMEDIATE) and PostgreSQL.

    A holds a write transaction open; B, from another engine as another process
    would, starts one meanwhile. B must only get in once A has committed, and
    then see A's row (the read-then-write of ``digest --only-new`` relies on it).
    """
    first = open_default(db_url, today=TODAY)
    second = open_default(db_url, today=TODAY)
    events: list[str] = []
    a_inside = threading.Event()
    seen_by_b: list[int] = []

    def writer_b() -> None:
        a_inside.wait()
        with second.write() as session:
            seen_by_b.append(len(session.exec(select(DigestSent.key)).all()))
            events.append("B reads")

    b = threading.Thread(target=writer_b)
    b.start()
    with first.write() as session:
        events.append("A starts")
        session.add(DigestSent(key="relance:1", sent_at=datetime.now(UTC)))
        session.flush()
        a_inside.set()
        b.join(timeout=0.5)  # B would run now if writers could overlap
        events.append("A commits")
    b.join()
    first.dispose()
    second.dispose()
    assert events == ["A starts", "A commits", "B reads"]
    assert seen_by_b == [1]


def test_writer_waiting_too_long_gets_a_clear_error(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bailleurs_cli.store.core, "BUSY_TIMEOUT_MS", 1000)
    holder = open_default(db_url, today=TODAY)
    waiter = open_default(db_url, today=TODAY)
    before = count_landlords(db_url)
    with holder.write() as session:
        session.add(DigestSent(key="relance:1", sent_at=datetime.now(UTC)))
        session.flush()
        with pytest.raises(StoreError) as caught, waiter.write() as other:
            other.add(DigestSent(key="relance:2", sent_at=datetime.now(UTC)))
    holder.dispose()
    waiter.dispose()
    assert caught.value.message == "base occupée par un autre processus depuis 1 s ; réessayez."
    reopened = open_default(db_url, today=TODAY)
    with reopened.read() as session:
        assert session.exec(select(DigestSent.key)).all() == ["relance:1"]
    reopened.dispose()
    assert count_landlords(db_url) == before


def test_duplicate_write_is_named_not_called_unreachable(db_url: str) -> None:
    store = open_default(db_url, today=TODAY)
    with store.write() as session:
        session.add(DigestSent(key="relance:1", sent_at=datetime.now(UTC)))
    with pytest.raises(StoreError) as caught, store.write() as session:
        session.add(DigestSent(key="relance:1", sent_at=datetime.now(UTC)))
    store.dispose()
    assert caught.value.message.startswith("écriture refusée par la base (")
    assert caught.value.message.endswith(
        "un autre processus a peut-être enregistré la même donnée : "
        "relisez avec bailleurs show, puis réessayez."
    )


def test_config_file_names_the_store(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "partagee.db"
    (home / "config.toml").write_text(f'[base]\nurl = "{target}"\n', encoding="utf-8")
    store = open_default(today=TODAY)
    store.dispose()
    assert target.is_file()


def test_upgrade_from_0003_keeps_user_data_and_adds_the_ground(fresh_db_url: str) -> None:
    db_url = fresh_db_url
    """A base made by the previous release gains the QPV list, presence and new landlords."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import JSON, column, table

    from bailleurs_cli.settings.config import Settings, resolve_db_url
    from bailleurs_cli.store.core import make_engine
    from bailleurs_cli.store.models import Presence, Qpv

    engine = make_engine(resolve_db_url(db_url, Settings()))
    config = Config()
    config.set_main_option(
        "script_location", str(Path(bailleurs_cli.store.core.__file__).with_name("migrations"))
    )
    landlord = table(
        "landlord",
        *(column(c) for c in ("slug", "name", "kind", "in_registry", "stage", "notes")),
        *(column(c, JSON) for c in ("aliases", "former_names", "dwellings", "departements")),
        *(column(c, JSON) for c in ("communes", "sources")),
        *(column(c) for c in ("stage_since", "created_at", "updated_at", "next_action")),
    )
    moment = datetime(2026, 10, 1, tzinfo=UTC)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
        conn.execute(
            landlord.insert().values(
                slug="rivp", name="RIVP", kind="sem", in_registry=True, stage="contacte",
                notes="Vue au forum", aliases=[], former_names=[], dwellings=[],
                departements=[], communes=[], sources=[], stage_since=date(2026, 10, 1),
                created_at=moment, updated_at=moment, next_action="Relancer",
            )
        )  # fmt: skip
    engine.dispose()
    store = open_default(db_url, today=TODAY)
    try:
        with store.read() as session:
            rivp = session.exec(select(Landlord).where(Landlord.slug == "rivp")).one()
            assert (rivp.stage, rivp.notes, rivp.next_action) == (
                "contacte",
                "Vue au forum",
                "Relancer",
            )
            assert rivp.description is not None  # registry facts re-applied
            assert len(session.exec(select(Landlord)).all()) == REGISTRY_SIZE
            assert len(session.exec(select(Qpv)).all()) == 298
            assert session.exec(select(Presence).where(Presence.landlord_id == rivp.id)).first()
    finally:
        store.dispose()


def test_a_new_store_and_the_config_are_private_and_said(tmp_path: Path, home: Path) -> None:
    """Personal data: files readable by their owner only; a new store is announced,
    so that a mistyped --db does not look like lost data."""
    import stat

    from .conftest import cli

    target = tmp_path / "ailleurs" / "asso.db"
    result = cli(str(target))("config", "set", "association.nom", "Les Ateliers")
    assert result.exit_code == 0
    first = cli(str(target))("list", "--kind", "sem")
    assert first.stderr.splitlines()[0] == f"Nouvelle base créée : {target}"
    assert "Nouvelle base" not in cli(str(target))("list", "--kind", "sem").stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    for side in target.parent.glob("asso.db-*"):
        assert stat.S_IMODE(side.stat().st_mode) == 0o600, side
    assert stat.S_IMODE((home / "config.toml").stat().st_mode) == 0o600


def _stamps(store: Store, slug: str) -> tuple[datetime, datetime]:
    with store.read() as session:
        landlord = session.exec(select(Landlord).where(Landlord.slug == slug)).one()
        return landlord.created_at, landlord.updated_at


def test_audit_stamps_come_from_the_store(run: Run, store: Store) -> None:
    """``created_at``/``updated_at`` are column defaults and ``onupdate`` (issue 13): an
    edit, a logged exchange, a stage change each move ``updated_at`` forward, in aware
    UTC; nothing in the core reads the clock for them."""
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)

    def age() -> None:
        with store.write() as session:
            landlord = session.exec(select(Landlord).where(Landlord.slug == "rivp")).one()
            landlord.updated_at = long_ago
            session.add(landlord)

    created, _ = _stamps(store, "rivp")
    for command in (
        ("edit", "rivp", "--note", "Siège à Paris 13e"),
        ("contact", "rivp", "--channel", "email", "--summary", "Présentation"),
        ("plan", "rivp", "+20j", "Rappeler"),
        ("snooze", "rivp", "+7j"),
        ("stage", "rivp", "en_discussion"),
    ):
        age()
        assert run(*command).exit_code == 0, command
        now_created, updated = _stamps(store, "rivp")
        assert updated > long_ago, command
        offset = updated.utcoffset()
        assert offset is not None and offset.total_seconds() == 0
        assert now_created == created  # an update never moves the creation stamp
    with store.read() as session:
        stamps = session.exec(select(StageChange.created_at)).all()
    assert stamps and all(at.utcoffset() is not None for at in stamps)


def test_a_new_landlord_is_stamped_at_creation(run: Run, store: Store) -> None:
    before = datetime.now(UTC)
    assert run("add", "Office Exemple Habitat").exit_code == 0
    created, updated = _stamps(store, "office-exemple-habitat")
    assert before <= created <= datetime.now(UTC)
    assert before <= updated <= datetime.now(UTC)
