"""backup, backup --list and restore: a consistent copy, and back (issue 9)."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from bailleurs_cli.settings.config import Settings, resolve_db_url

from .conftest import REGISTRY_SIZE, Run
from .test_upgrade import FIXTURES, snapshot


def url_of(db_url: str) -> str:
    return resolve_db_url(db_url, Settings())


def is_sqlite(db_url: str) -> bool:
    return url_of(db_url).startswith("sqlite")


def add_history(run: Run) -> None:
    assert run("person", "add", "rivp", "Awa Diallo", "--email", "awa@example.org").exit_code == 0
    result = run("contact", "rivp", "--channel", "email", "--person", "Awa Diallo",
                 "--summary", "Présentation des ateliers")  # fmt: skip
    assert result.exit_code == 0, result


def test_backup_is_a_consistent_copy_of_every_row(run: Run, db_url: str, home: Path) -> None:
    add_history(run)
    result = run("backup")
    assert result.exit_code == 0, result
    saved = Path(result.stdout.strip())
    assert saved.parent == home / "sauvegardes"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert "1 interlocuteur, 1 échange, 0 convention)" in result.stderr
    if is_sqlite(db_url):
        assert snapshot(f"sqlite:///{saved}") == snapshot(url_of(db_url))
        conn = sqlite3.connect(saved)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        conn.close()
    else:
        assert saved.read_bytes().startswith(b"PGDMP")


def test_backup_to_a_chosen_folder_or_file_never_overwrites(
    run: Run, tmp_path: Path, db_url: str
) -> None:
    folder = tmp_path / "sauvegardes-perso"
    first = run("backup", "--out", f"{folder}/")
    assert first.exit_code == 0, first
    assert Path(first.stdout.strip()).parent == folder
    second = run("backup", "--out", f"{folder}/")
    assert Path(second.stdout.strip()) != Path(first.stdout.strip())  # same second, new name

    chosen = tmp_path / "avant-ag.db"
    chosen.write_bytes(b"mon fichier")
    refused = run("backup", "--out", str(chosen))
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Erreur : --out : {chosen} existe déjà ; une sauvegarde n'écrase jamais un fichier, "
        "choisissez un autre nom ou un dossier.\n"
    )
    assert chosen.read_bytes() == b"mon fichier"
    assert run("backup", "--out", str(tmp_path / "neuve.db")).exit_code == 0
    assert (tmp_path / "neuve.db").is_file()


def test_backup_into_a_folder_that_cannot_be_made(run: Run, tmp_path: Path) -> None:
    blocker = tmp_path / "un-fichier"
    blocker.write_text("pas un dossier", encoding="utf-8")
    result = run("backup", "--out", f"{blocker}/sauvegardes/")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Erreur : --out : impossible de créer le dossier {blocker}/sauvegardes "
        "(un élément du chemin n'est pas un dossier).\n"
    )
    assert blocker.read_text(encoding="utf-8") == "pas un dossier"


def test_list_newest_first_with_counts_and_retention(run: Run, home: Path) -> None:
    assert run("config", "set", "backup.garder", "2").exit_code == 0
    made = []
    for _ in range(3):
        made.append(Path(run("backup").stdout.strip()))
        add_history(run) if len(made) == 1 else None
    listed = run("backup", "--list", "--json")
    assert listed.exit_code == 0, listed
    entries = json.loads(listed.stdout)
    assert [Path(e["path"]) for e in entries] == [made[2], made[1]]  # the oldest was pruned
    assert not made[0].exists()
    assert entries[0]["counts"]["interlocuteurs"] == 1
    assert entries[0]["counts"]["bailleurs"] == REGISTRY_SIZE
    text_list = run("backup", "--list")
    header = text_list.stdout.splitlines()[0].split()
    assert header[:4] == ["Fichier", "Date", "Motif", "Taille"]
    assert made[2].name in text_list.stdout.splitlines()[1]


def test_restore_round_trip_keeps_a_backup_of_the_replaced_store(
    run: Run, db_url: str, home: Path
) -> None:
    add_history(run)
    saved = Path(run("backup").stdout.strip())
    before = snapshot(url_of(db_url))
    assert run("contact", "rivp", "--channel", "telephone", "--summary", "Appel").exit_code == 0
    changed = snapshot(url_of(db_url))

    result = run("restore", str(saved), "--yes")
    assert result.exit_code == 0, result
    assert snapshot(url_of(db_url)) == before
    kept = Path(result.stderr.splitlines()[0].split(" : ", 1)[1])
    assert kept.name.endswith(("-avant-restauration.db", "-avant-restauration.dump"))
    assert f"Base restaurée depuis {saved}" in result.stderr
    if is_sqlite(db_url):
        assert snapshot(f"sqlite:///{kept}") == changed
    history = run("history", "rivp")
    assert "Présentation des ateliers" in history.stdout and "Appel" not in history.stdout


def test_restore_an_older_release_upgrades_it(run: Run, db_url: str, tmp_path: Path) -> None:
    if not is_sqlite(db_url):
        pytest.skip("an old SQLite store file restores into SQLite")
    old = tmp_path / "ancienne.db"
    conn = sqlite3.connect(old)
    conn.executescript((FIXTURES / "schema-0003.sqlite.sql").read_text(encoding="utf-8"))
    conn.close()
    result = run("restore", str(old), "--yes")
    assert result.exit_code == 0, result
    assert "(schéma 0003)" in result.stderr
    assert "Accord de principe" in run("history", "rivp").stdout


def _newer(tmp_path: Path, source: str) -> Path:
    newer = tmp_path / "future.db"
    conn = sqlite3.connect(newer)
    conn.executescript((FIXTURES / f"schema-{source}.sqlite.sql").read_text(encoding="utf-8"))
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    return newer


@pytest.mark.parametrize(
    "case",
    ["texte", "tronquee", "plus-recente", "pg-dans-sqlite", "absente", "sans-confirmation"],
)
def test_restore_refuses_and_leaves_the_store_untouched(
    run: Run, db_url: str, tmp_path: Path, home: Path, case: str
) -> None:
    if not is_sqlite(db_url):
        pytest.skip("SQLite cases; PostgreSQL refusals below")
    add_history(run)
    before = snapshot(url_of(db_url))
    good = Path(run("backup").stdout.strip())
    target = tmp_path / "fichier"
    expected = ""
    args = ["--yes"]
    if case == "texte":
        target.write_text("Nom;Courriel\n", encoding="utf-8")
        expected = f"{target} n'est pas une base bailleurs (ni SQLite ni sauvegarde pg_dump)"
    elif case == "tronquee":
        target.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
        expected = f"{target} est corrompu"
    elif case == "plus-recente":
        target = _newer(tmp_path, "0004")
        expected = f"{target} vient d'une version plus récente de bailleurs (schéma 9999)"
    elif case == "pg-dans-sqlite":
        target.write_bytes(b"PGDMP\x01\x0f\x00" + b"\x00" * 64)
        expected = f"{target} est une sauvegarde PostgreSQL (pg_dump)"
    elif case == "absente":
        target = tmp_path / "nulle-part.db"
        expected = f"{target} introuvable"
    else:
        target = good
        args = []
        expected = "restore remplace toute la base : ajoutez --yes pour confirmer"
    backups_before = sorted((home / "sauvegardes").iterdir())
    result = run("restore", str(target), *args)
    assert result.exit_code in (1, 4), result
    assert result.stderr.startswith(f"Erreur : {expected}"), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert snapshot(url_of(db_url)) == before
    assert sorted((home / "sauvegardes").iterdir()) == backups_before


@pytest.mark.postgres
def test_postgres_refuses_a_sqlite_file_and_a_text_file(
    run: Run, db_url: str, tmp_path: Path
) -> None:
    if is_sqlite(db_url):
        pytest.skip("PostgreSQL cases")
    before = snapshot(url_of(db_url))
    sqlite_file = tmp_path / "locale.db"
    conn = sqlite3.connect(sqlite_file)
    conn.executescript((FIXTURES / "schema-0004.sqlite.sql").read_text(encoding="utf-8"))
    conn.close()
    text_file = tmp_path / "notes.txt"
    text_file.write_text("bonjour", encoding="utf-8")
    for target, expected in (
        (sqlite_file, f"{sqlite_file} est une base SQLite ; une base PostgreSQL se restaure"),
        (text_file, f"{text_file} n'est pas une sauvegarde pg_dump de bailleurs"),
    ):
        result = run("restore", str(target), "--yes")
        assert result.exit_code == 1, result
        assert result.stderr.startswith(f"Erreur : {expected}")
    assert snapshot(url_of(db_url)) == before
