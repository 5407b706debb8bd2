"""Upgrades from every released schema keep every row (issue 9).

The fixtures in ``fixtures/upgrade`` were written by the releases themselves
(``fixtures/upgrade/build.py``): each holds every kind of row its schema can hold,
on SQLite and on PostgreSQL. Each is loaded, opened with today's code, and every
row is compared with what it held before.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text

import bailleurs_cli.store.core
from bailleurs_cli.api import open_default
from bailleurs_cli.errors import StoreError
from bailleurs_cli.settings.config import Settings, resolve_db_url
from bailleurs_cli.store.core import HEAD, REVISIONS

from .conftest import TODAY, cli

FIXTURES = Path(__file__).parent / "fixtures" / "upgrade"
SCHEMAS = sorted({p.name.split("-")[1].split(".")[0] for p in FIXTURES.glob("schema-*.sql")})

#: Landlord columns the user owns; registry columns are refreshed by the seed.
USER_OWNED = (
    "id",
    "slug",
    "stage",
    "stage_since",
    "stage_reason",
    "notes",
    "next_action",
    "next_due",
    "next_person_id",
    "last_exchange_on",
    "created_at",
)


def load_fixture(schema: str, db_url: str) -> str:
    """Load the release's dump into the (empty) store at ``db_url``; return its URL."""
    url = resolve_db_url(db_url, Settings())
    if url.startswith("sqlite"):
        dump = (FIXTURES / f"schema-{schema}.sqlite.sql").read_text(encoding="utf-8")
        conn = sqlite3.connect(db_url)
        conn.executescript(dump)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.close()
        return url
    dump = (FIXTURES / f"schema-{schema}.postgresql.sql").read_text(encoding="utf-8")
    # psql meta-commands (\restrict…) are not SQL.
    sql = "\n".join(line for line in dump.splitlines() if not line.startswith("\\"))
    engine = create_engine(url)
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute(sql)  # psycopg: several statements, no parameters
        raw.commit()
    engine.dispose()
    return url


def snapshot(url: str) -> dict[str, dict[Any, dict[str, Any]]]:
    """Every row of every table, keyed by primary key, values as the driver reads them."""
    engine = create_engine(url)
    rows: dict[str, dict[Any, dict[str, Any]]] = {}
    with engine.connect() as conn:
        inspector = inspect(conn)
        for table in inspector.get_table_names():
            if table == "alembic_version":
                continue
            key = inspector.get_pk_constraint(table)["constrained_columns"]
            result = conn.execute(text(f'SELECT * FROM "{table}"')).mappings()
            rows[table] = {tuple(r[k] for k in key): dict(r) for r in result}
    engine.dispose()
    return rows


def schema_of(url: str) -> str:
    engine = create_engine(url)
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    return str(version)


def normalised(value: Any) -> Any:
    """JSON columns read back as text on SQLite and as objects on PostgreSQL."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def retired(before: dict[str, dict[Any, dict[str, Any]]]) -> set[Any]:
    """Landlords the registry made and no longer ships (raw Paris labels, issue 12),
    which the upgrade may remove: only when the user never touched them."""
    from bailleurs_cli.sources.registry import load

    shipped = {entry.slug for entry in load()}
    gone = {
        row["id"]
        for row in before["landlord"].values()
        if row["in_registry"] and row["slug"] not in shipped
    }
    for table in ("person", "exchange", "partnership", "reminder", "workshop"):
        for row in before.get(table, {}).values():
            gone.discard(row["landlord_id"])
    return gone


def assert_kept(before: dict[str, dict[Any, dict[str, Any]]], after: dict[str, Any]) -> None:
    may_go = retired(before)
    for table, rows in before.items():
        assert table in after, f"table {table} disappeared"
        for key, row in rows.items():
            owner = row["id"] if table == "landlord" else row.get("landlord_id")
            if owner in may_go and key not in after[table]:
                continue  # a raw label the registry made, untouched by the user
            if table == "qpv":
                assert key in after[table]  # reference data: refreshed, never dropped
                continue
            if table == "presence" and row["origin"] == "registre":
                continue  # the registry's own facts are replaced by the seed
            assert key in after[table], f"{table} {key} lost"
            kept = after[table][key]
            columns = list(row)
            if table == "landlord":
                columns = list(USER_OWNED)
                if not row["in_registry"]:
                    columns = [c for c in row if c != "updated_at"]
            for column in columns:
                assert normalised(kept[column]) == normalised(row[column]), (table, key, column)


def test_every_release_has_a_fixture() -> None:
    assert list(REVISIONS) == SCHEMAS


@pytest.mark.parametrize("schema", SCHEMAS)
def test_upgrade_keeps_every_row(schema: str, fresh_db_url: str, home: Path) -> None:
    db_url = fresh_db_url
    url = load_fixture(schema, db_url)
    before = snapshot(url)
    assert before["person"] and before["exchange"] and before["stage_change"]
    messages: list[str] = []

    store = open_default(db_url, today=TODAY, notify=messages.append)
    store.dispose()

    after = snapshot(url)
    assert_kept(before, after)
    assert schema_of(url) == HEAD
    if schema == HEAD:
        assert messages == []
        return
    assert len(messages) == 1
    assert messages[0].startswith(f"Sauvegarde avant la mise à jour du schéma {schema} : ")
    saved = Path(messages[0].rsplit(" : ", 1)[1])
    assert saved.parent == home / "sauvegardes"
    assert saved.is_file()


@pytest.mark.parametrize("schema", SCHEMAS)
def test_upgraded_store_shows_the_history(schema: str, fresh_db_url: str, home: Path) -> None:
    load_fixture(schema, fresh_db_url)
    run = cli(fresh_db_url)
    history = run("history", "rivp")
    people = run("person", "list", "rivp", "--inactifs")
    assert history.exit_code == 0, history
    assert "Présentation des ateliers d'été" in history.stdout
    assert "Accord de principe, 3 000 € pour le 20e" in history.stdout
    assert "Awa Diallo" in people.stdout
    assert "Jean Martin" in people.stdout


def test_a_migration_that_would_lose_rows_is_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With foreign keys left on, rebuilding `landlord` cascades: the check must refuse."""
    db = tmp_path / "store.db"
    url = load_fixture("0003", str(db))
    before = snapshot(url)

    def cascade_on(conn: Any, on: bool) -> None:
        conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")

    monkeypatch.setattr(bailleurs_cli.store.core, "_foreign_keys", cascade_on)
    with pytest.raises(StoreError) as caught:
        open_default(str(db), today=TODAY, notify=lambda _: None)
    assert "mise à jour de la base" in caught.value.message
    assert "annulée, rien n'a été modifié" in caught.value.message
    assert "person (3 → 0)" in caught.value.message
    assert schema_of(url) == "0003"
    assert snapshot(url) == before


def test_backup_made_before_the_upgrade_is_the_old_store(fresh_db_url: str) -> None:
    db_url = fresh_db_url
    url = load_fixture("0003", db_url)
    if not url.startswith("sqlite"):
        pytest.skip("the SQLite copy is read back here; pg_dump is tested in test_backup")
    before = snapshot(url)
    messages: list[str] = []
    open_default(db_url, today=TODAY, notify=messages.append).dispose()
    saved = Path(messages[0].rsplit(" : ", 1)[1])
    assert schema_of(f"sqlite:///{saved}") == "0003"
    assert snapshot(f"sqlite:///{saved}") == before


def test_fixtures_were_made_by_the_releases() -> None:
    """Each dump holds the rows its release could hold, written by that release."""
    for schema in SCHEMAS:
        dump = (FIXTURES / f"schema-{schema}.sqlite.sql").read_text(encoding="utf-8")
        assert f"INSERT INTO \"alembic_version\" VALUES('{schema}')" in dump
        assert 'INSERT INTO "exchange"' in dump and 'INSERT INTO "person"' in dump
        if schema >= "0002":
            assert 'INSERT INTO "partnership"' in dump
        if schema >= "0003":
            assert 'INSERT INTO "reminder"' in dump and 'INSERT INTO "digest_sent"' in dump
        if schema >= "0004":
            assert 'INSERT INTO "import_run"' in dump
            assert "'utilisateur'" in dump  # a presence the user declared
        if schema >= "0005":
            assert "'Camille Martin'" in dump and "'lot-" in dump  # authors, a letter batch
        if schema >= "0006":
            assert 'INSERT INTO "label_link"' in dump
        if schema >= "0007":
            assert 'INSERT INTO "workshop"' in dump and 'INSERT INTO "ally"' in dump
        assert (FIXTURES / f"schema-{schema}.postgresql.sql").stat().st_size > 10_000


def test_raw_labels_leave_the_pipeline_unless_the_user_followed_them(
    fresh_db_url: str, home: Path
) -> None:
    """Issue 12: « HAB.CONF. » and the like were registry landlords; untouched, they go
    (their dwellings stay visible as labels to identify); followed, they stay, as the
    user's own."""
    url = load_fixture("0005", fresh_db_url)
    engine = create_engine(url)
    with engine.begin() as conn:
        coallia = conn.execute(text("SELECT id FROM landlord WHERE slug = 'coallia'")).scalar_one()
        conn.execute(
            text("UPDATE landlord SET notes = 'Foyer de travailleurs rue Riquet' WHERE id = :id"),
            {"id": coallia},
        )
    engine.dispose()
    open_default(fresh_db_url, today=TODAY, notify=lambda _: None).dispose()
    after = snapshot(url)
    slugs = {row["slug"]: row for row in after["landlord"].values()}
    assert "hab-conf" not in slugs and "pfrerespauvres" not in slugs
    assert slugs["coallia"]["notes"] == "Foyer de travailleurs rue Riquet"
    assert not slugs["coallia"]["in_registry"]
    assert "seine-saint-denis-habitat" in slugs
    run = cli(fresh_db_url)
    labels = {x["label"]: x for x in json.loads(run("registry", "labels", "--json").stdout)}
    assert labels["HAB.CONF."]["landlord"] is None
    assert labels["HAB.CONF."]["dwellings"] > 1_000
