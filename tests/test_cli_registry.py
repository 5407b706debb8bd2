"""``registry sync`` / ``registry check``: reference facts move, user data stays."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from bailleurs_cli import registry
from bailleurs_cli.api import open_default
from bailleurs_cli.models import Landlord
from bailleurs_cli.store import Store

from .conftest import REGISTRY_SIZE, TODAY, Run


def edited_registry(tmp_path: Path) -> Path:
    data = yaml.safe_load(registry.shipped_path().read_text(encoding="utf-8"))
    rivp = next(e for e in data["bailleurs"] if e["slug"] == "rivp")
    rivp["description"] = "Description corrigée."
    data["bailleurs"].append(
        {
            "slug": "nouvel-office",
            "name": "Nouvel Office Habitat",
            "kind": "oph",
            "sources": [{"ref": "memoire-t1", "fields": ["name", "kind"]}],
        }
    )
    path = tmp_path / "registre.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_sync_updates_facts_and_keeps_user_data(run: Run, store: Store, tmp_path: Path) -> None:
    run("person", "add", "rivp", "Awa Diallo")
    run("contact", "rivp", "--channel", "rdv", "--summary", "Rencontre", "--stage", "proposition")
    run("edit", "rivp", "--note", "Ma note")
    run("add", "Mon Bailleur Local")
    result = run("registry", "sync", "--file", str(edited_registry(tmp_path)))
    assert result.exit_code == 0, result
    saved, applied = result.stderr.splitlines()
    assert applied == (
        f"Registre appliqué : 1 ajouté(s), 1 mis à jour, {REGISTRY_SIZE - 1} inchangé(s)."
    )
    assert saved.startswith("Sauvegarde avant la synchronisation du registre : ")
    copy = Path(saved.split(" : ", 1)[1])
    if copy.suffix == ".db":  # the store as it was before the sync
        backup = sqlite3.connect(copy)
        assert backup.execute("SELECT count(*) FROM landlord").fetchone() == (REGISTRY_SIZE + 1,)
        backup.close()
    else:
        assert copy.read_bytes().startswith(b"PGDMP")
    with store.read() as session:
        rivp = session.exec(select(Landlord).where(Landlord.slug == "rivp")).one()
        slugs = set(session.exec(select(Landlord.slug)).all())
    assert rivp.description == "Description corrigée."
    assert (rivp.stage, rivp.notes, rivp.next_action) == ("proposition", "Ma note", "Relancer")
    assert {"nouvel-office", "mon-bailleur-local"} <= slugs
    assert json.loads(run("show", "rivp", "--json").stdout)["people"][0]["name"] == "Awa Diallo"


def test_sync_twice_changes_nothing(run: Run) -> None:
    result = run("registry", "sync")
    assert result.stderr.splitlines()[-1] == (
        f"Registre appliqué : 0 ajouté(s), 0 mis à jour, {REGISTRY_SIZE} inchangé(s)."
    )


def test_check_reports_an_invalid_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "bailleurs.yaml"
    path.write_text("version: 1\nreferences: {}\nbailleurs:\n  - slug: x\n", encoding="utf-8")
    result = run("registry", "check", "--file", str(path))
    assert result.exit_code == 5
    assert result.stderr == (
        "Erreur : bailleurs.yaml, entrée 1 (x), champ « name » : champ obligatoire absent.\n"
    )


def test_check_the_shipped_registry(run: Run) -> None:
    result = run("registry", "check")
    assert (result.exit_code, result.stdout) == (
        0,
        f"{REGISTRY_SIZE} bailleurs valides dans bailleurs.yaml.\n",
    )


def test_failed_seed_leaves_an_empty_base_that_is_seeded_next_time(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    db_url = fresh_db_url
    broken = tmp_path / "bailleurs.yaml"
    broken.write_text("version: 1\nbailleurs: [\n", encoding="utf-8")
    monkeypatch.setattr(registry, "shipped_path", lambda: broken)
    with pytest.raises(registry.RegistryError):
        open_default(db_url, today=TODAY)
    monkeypatch.undo()
    store = open_default(db_url, today=TODAY)
    with store.read() as session:
        assert len(session.exec(select(Landlord)).all()) == REGISTRY_SIZE
    store.dispose()
