"""The lean read path (issue 14): the same answers as the ORM, without importing it.

``next`` and ``digest`` read an existing store straight through ``sqlite3`` or
psycopg; scripts and new stores go through the ORM session. Both run the same SQL:
these tests compare the two on both backends, with and without territories (the
priority engine), and check when the lean path steps aside.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from bailleurs_cli.followup.scheduling import next_items
from bailleurs_cli.ground.geo import Territories
from bailleurs_cli.ground.priority import priorities, qpv_index
from bailleurs_cli.settings.config import Settings, resolve_db_url
from bailleurs_cli.store.reader import open_reader

from .conftest import TODAY, Run

if TYPE_CHECKING:
    from bailleurs_cli.store.core import Store


class NextOptions(TypedDict):
    """The keyword arguments of :func:`next_items`, as ``next`` passes them."""

    today: date
    days: int
    stale_after_days: int
    everything: bool
    territories: Territories | None


class SearchFilters(TypedDict, total=False):
    """Filters of ``lookup.search`` (and ``landlords.search``), as ``list`` passes them."""

    stage: str
    departement: str
    kind: str
    text: str
    commune: str
    qpv: str
    priority: str
    territories: Territories
    sort: str


class DigestOptions(TypedDict):
    """The keyword arguments of ``digest.collect``."""

    today: date
    days: int
    stale_after_days: int
    retention_months: int


def _work(run: Run) -> None:
    run("person", "add", "rivp", "Awa Diallo")
    run("contact", "rivp", "--channel", "email", "--person", "Awa", "--summary", "Envoi",
        "--next", "+3j", "--next-action", "Relancer par téléphone")  # fmt: skip
    run("contact", "adoma", "--channel", "rdv", "--summary", "Rencontre", "--stage",
        "en_discussion", env={"BAILLEURS_TODAY": "2026-06-01"})  # fmt: skip
    run("remind", "add", "Rencontre annuelle", "--every", "1a", "--from", "2026-12-10")
    run("edit", "paris-habitat", "--present", "Saint-Denis")


def test_lean_and_orm_paths_agree(run: Run, db_url: str, store: Store) -> None:
    _work(run)
    url = resolve_db_url(db_url, Settings())
    zones = Territories(("93066", "75120"), ("93",))
    for territories in (None, zones):
        for everything in (False, True):
            options: NextOptions = {
                "today": TODAY,
                "days": 7,
                "stale_after_days": 45,
                "everything": everything,
                "territories": territories,
            }
            with store.read() as session:
                through_orm = next_items(session, **options)
            with open_reader(url) as reader:
                assert reader is not None
                lean = next_items(reader, **options)
            assert lean == through_orm
            assert any(item.reminder_id for item in lean) == everything  # due in 17 days
    with store.read() as session:
        expected = priorities(session, zones, qpv_index(session))
    with open_reader(url) as reader:
        assert reader is not None
        assert priorities(reader, zones, qpv_index(reader)) == expected
    assert any(p.exact_qpv or p.qpv for p in expected.values())


def test_the_digest_is_the_same_through_both_paths(
    run: Run, db_url: str, store: Store, tmp_path: Path
) -> None:
    from bailleurs_cli.reminders import digest

    from .test_documents import IDENTITY

    _work(run)
    for key, value in IDENTITY.items():
        run("config", "set", key, value)
    made = run("convention", "rivp", "--contribution", "locaux", "--site", "Paris 20e",
               "--debut", "2026-09-01", "--fin", "2026-12-20", "--out", str(tmp_path))  # fmt: skip
    assert made.exit_code == 0, made.stderr
    signed = run("convention", "rivp", "--status", "signee")
    assert signed.exit_code == 0, signed.stderr
    url = resolve_db_url(db_url, Settings())
    options: DigestOptions = {
        "today": TODAY,
        "days": 7,
        "stale_after_days": 45,
        "retention_months": 1,
    }
    with store.read() as session:
        through_orm = digest.collect(session, **options)
    with open_reader(url) as reader:
        assert reader is not None
        lean = digest.collect(reader, **options)
    assert lean == through_orm
    text = digest.as_text(lean)
    assert "RIVP" in text and "renouvel" in text.lower()


def test_the_lean_path_steps_aside_for_a_store_to_create_or_upgrade(tmp_path: Path) -> None:
    missing = tmp_path / "nouvelle.db"
    with open_reader(f"sqlite:///{missing}") as reader:
        assert reader is None
    assert not missing.exists()  # reading never creates a store

    old = tmp_path / "ancienne.db"
    with sqlite3.connect(old) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('0006')")
    conn.close()
    with open_reader(f"sqlite:///{old}") as reader:
        assert reader is None  # the full path upgrades it (with its backup) first

    not_a_store = tmp_path / "texte.db"
    not_a_store.write_text("pas une base", encoding="utf-8")
    with open_reader(f"sqlite:///{not_a_store}") as reader:
        assert reader is None  # the full path says what is wrong, in French


def test_next_on_an_old_store_upgrades_it_first(run: Run, tmp_path: Path) -> None:
    """The lean path never reads a store of an earlier schema: ``next`` upgrades it."""
    from .test_upgrade import FIXTURES, load_fixture

    db = tmp_path / "ancienne.db"
    load_fixture("0006", str(db))
    result = run("--db", str(db), "next", "--limit", "3")
    assert result.exit_code == 0, result.stderr
    assert "Sauvegarde" in result.stderr or "sauvegarde" in result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() != [("0006",)]
    conn.close()
    assert FIXTURES.is_dir()


def test_column_kinds_follow_the_orm_tables() -> None:
    """The lean path converts exactly the columns the ORM types convert."""
    from sqlalchemy import JSON, Boolean, Date, DateTime
    from sqlalchemy.types import TypeDecorator
    from sqlmodel import SQLModel

    import bailleurs_cli.store.models  # noqa: F401  (registers the tables)
    from bailleurs_cli.store.reader import COLUMN_KINDS

    expected: dict[str, dict[str, tuple[str, ...]]] = {}
    for name, table in SQLModel.metadata.tables.items():
        kinds: dict[str, list[str]] = {}
        for column in table.columns:
            kind = column.type
            if isinstance(kind, TypeDecorator):
                kind = kind.impl_instance
            for cls, label in ((DateTime, "datetime"), (Date, "date"), (JSON, "json"),
                               (Boolean, "bool")):  # fmt: skip
                if isinstance(kind, cls):
                    kinds.setdefault(label, []).append(column.name)
                    break
        expected[name] = {k: tuple(v) for k, v in kinds.items()}
    assert expected == COLUMN_KINDS


def test_records_read_what_the_orm_reads(run: Run, store: Store) -> None:
    """Every column of every row, as the ORM gives it, for the tables read lean."""
    from sqlmodel import select

    from bailleurs_cli.store.models import Exchange, Landlord, Partnership, Person, Presence, Qpv
    from bailleurs_cli.store.reader import records

    _work(run)
    with store.read() as session:
        for entity, table in ((Landlord, "landlord"), (Person, "person"),
                              (Exchange, "exchange"), (Presence, "presence"), (Qpv, "qpv"),
                              (Partnership, "partnership")):  # fmt: skip
            orm = {row.model_dump()["id" if table != "qpv" else "code"]: row.model_dump()
                   for row in session.exec(select(entity)).all()}  # fmt: skip
            lean = {vars(r)["id" if table != "qpv" else "code"]: vars(r)
                    for r in records(session, table)}  # fmt: skip
            assert lean == orm, table


def test_list_and_history_read_lean_and_agree_with_the_orm(
    run: Run, db_url: str, store: Store
) -> None:
    from bailleurs_cli.followup import landlords, lookup

    _work(run)
    url = resolve_db_url(db_url, Settings())
    zones = Territories(("93066", "75056"), ("93", "75"))
    with open_reader(url) as reader, store.read() as session:
        assert reader is not None
        searches: tuple[SearchFilters, ...] = (
            {}, {"departement": "93"}, {"commune": "Paris 20e"}, {"qpv": "QN07520M"},
            {"priority": "moyenne", "territories": zones},
            {"sort": "priorite", "territories": zones}, {"text": "habitat"},
            {"stage": "contacte"}, {"kind": "oph"},
        )  # fmt: skip
        for filters in searches:
            lean = [ll.slug for ll in lookup.search(reader, **filters)]
            assert lean == [ll.slug for ll in landlords.search(session, **filters)]
            assert lean or filters.get("stage"), filters
        ll, rows = lookup.history(reader, "rivp")
        assert ll.slug == "rivp" and [name for _, name in rows] == ["Awa Diallo"]
        assert landlords.resolve(session, "Parsi Habitat").slug == "paris-habitat"


def test_show_reads_the_same_through_both_paths(run: Run, db_url: str, store: Store) -> None:
    from bailleurs_cli.followup import allies, lookup, workshops

    _work(run)
    run("allie", "add", "Les Petits Débrouillards IDF", "--contact", "Jeanne Roux")
    run("atelier", "add", "rivp", "--site", "Centre social", "--commune", "Paris 20e",
        "--debut", "2026-12-01", "--fin", "2026-12-05", "--seances", "5")  # fmt: skip
    url = resolve_db_url(db_url, Settings())
    zones = Territories(("93066", "75120"), ("93",))
    with open_reader(url) as reader, store.read() as session:
        assert reader is not None
        for territories in (None, zones):
            lean = lookup.detail(reader, "rivp", territories=territories)
            assert lean == lookup.detail(session, "rivp", territories=territories)
        assert [p.name for p in lean.people] == ["Awa Diallo"]
        assert lean.priority is not None and lean.stage_history
        held = workshops.listing(reader, landlord=lean.landlord)
        assert [w.site for w, _ in held] == ["Centre social"]
        assert held == workshops.listing(session, landlord=lean.landlord)
        assert allies.joint_approaches(reader, lean.landlord) == []
