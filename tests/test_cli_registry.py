"""``registry sync`` / ``registry check``: reference facts move, user data stays."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from bailleurs_cli.api import open_default
from bailleurs_cli.errors import RegistryError
from bailleurs_cli.sources import registry
from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import Landlord

from .conftest import REGISTRY_SIZE, TODAY, Run, plain_spaces


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
        f"Registre appliqué : 1 ajouté, 1 mis à jour, {REGISTRY_SIZE - 1} inchangés."
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
        f"Registre appliqué : aucun ajouté, aucun mis à jour, {REGISTRY_SIZE} inchangés."
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
    with pytest.raises(RegistryError):
        open_default(db_url, today=TODAY)
    monkeypatch.undo()
    store = open_default(db_url, today=TODAY)
    with store.read() as session:
        assert len(session.exec(select(Landlord)).all()) == REGISTRY_SIZE
    store.dispose()


def test_a_fresh_next_lists_landlords_not_raw_labels(run: Run) -> None:
    """Issue 12: the labels of the Paris list are not landlords; the 93's largest OPH is."""
    items = json.loads(run("next", "--all", "--json").stdout)
    slugs = {i["landlord"] for i in items}
    assert "seine-saint-denis-habitat" in slugs
    names = " ".join(i["name"] for i in items)
    for label in ("HAB.CONF.", "RES.L.F.", "PFRERESPAUVRES", "FOND.DOSNE", "ASS.CHAMP."):
        assert label not in names
    for added in (
        "hauts-de-seine-habitat", "val-d-oise-habitat", "habitat-77", "logial-oph",
        "oph-aubervilliers", "oph-drancy", "les-residences-yvelines-essonne",
        "versailles-habitat", "trois-moulins-habitat", "pays-de-meaux-habitat",
        "les-foyers-de-seine-et-marne",
    ):  # fmt: skip
        assert added in slugs, added
    drancy = json.loads(run("show", "oph-drancy", "--json").stdout)
    assert "SEM Drancy Demain" in drancy["history"]
    assert json.loads(run("show", "Coopération et Famille", "--json").stdout)["landlord"] == (
        "1001-vies-habitat"
    )
    assert run("show", "Expansiel Promotion").exit_code == 3


def test_an_absorbed_landlord_points_to_its_successor(run: Run) -> None:
    efidis = json.loads(run("show", "efidis", "--json").stdout)
    assert efidis["absorbed_by"] == "cdc-habitat-social"
    assert "Absorbé : par « cdc-habitat-social »" in plain_spaces(run("show", "efidis").stdout)
    refused = run("contact", "efidis", "--channel", "email", "--summary", "Bonjour")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Erreur : Efidis a été absorbé par CDC Habitat social : suivez-le là, par exemple "
        "« bailleurs contact cdc-habitat-social … » (son historique reste dans "
        "bailleurs history efidis).\n"
    )
    pending = json.loads(run("next", "--all", "--json").stdout)
    assert "efidis" not in {i["landlord"] for i in pending}


def test_labels_to_identify_and_attaching_one(run: Run) -> None:
    labels = {x["label"]: x for x in json.loads(run("registry", "labels", "--json").stdout)}
    assert labels["HAB.CONF."]["landlord"] is None
    assert labels["PARIS HABITAT"]["landlord"] == "paris-habitat"
    assert "(vide)" not in labels and not any(k.startswith("SCCV") for k in labels)
    fifth = json.loads(run("territoire", "Paris 5e", "--json").stdout)
    assert "HAB.CONF." in {x["label"] for x in fifth["labels_to_identify"]}

    run("add", "Habitat et Confort Témoin", "--kind", "esh")
    attached = run("registry", "label", "HAB.CONF.", "--bailleur", "habitat-et-confort-temoin")
    assert attached.exit_code == 0, attached
    assert attached.stderr.startswith(
        "« HAB.CONF. » rattaché à Habitat et Confort Témoin : 12 arrondissements"
    )
    shown = json.loads(run("show", "habitat-et-confort-temoin", "--json").stdout)
    assert {p["commune"] for p in shown["presence"]} >= {"75105", "75109"}
    listed = json.loads(run("list", "--commune", "Paris 5e", "--json").stdout)
    assert "habitat-et-confort-temoin" in {r["landlord"] for r in listed}
    labels = {x["label"]: x for x in json.loads(run("registry", "labels", "--json").stdout)}
    assert (labels["HAB.CONF."]["landlord"], labels["HAB.CONF."]["attached_by"]) == (
        "habitat-et-confort-temoin",
        "vous",
    )
    # Attached again elsewhere: the facts move, they are not counted twice.
    run("registry", "label", "HAB.CONF.", "--bailleur", "rivp")
    shown = json.loads(run("show", "habitat-et-confort-temoin", "--json").stdout)
    assert shown["presence"] == []

    refused = run("registry", "label", "EFIDIS", "--bailleur", "rivp")
    assert (refused.exit_code, refused.stderr) == (
        1,
        "Erreur : « EFIDIS » est rattaché à « efidis » par le registre, qui en cite la "
        "source ; il ne peut pas l'être à un autre bailleur.\n",
    )
    unknown = run("registry", "label", "HAB.CONF", "--bailleur", "rivp")
    assert unknown.exit_code == 3
    assert unknown.stderr.startswith(
        "Erreur : libellé « HAB.CONF » absent de la liste des logements financés à Paris "
        "(proches : HAB.CONF."
    )
    nobody = run("registry", "label", "HSF", "--bailleur", "zzz")
    assert nobody.exit_code == 3


def test_priority_follows_the_ground(run: Run) -> None:
    """Plaine Commune Habitat has its head office in Saint-Denis and operates across the
    EPT (Tableau 1): it comes before the Paris landlords for a Saint-Denis association."""
    run("config", "territoires", "--commune", "Saint-Denis", "--commune", "Paris 20e",
        "--departement", "93")  # fmt: skip
    items = json.loads(run("next", "--json", "--limit", "5").stdout)
    assert items[0]["landlord"] == "plaine-commune-habitat"
    assert items[0]["priority"] == "haute"
    reason = json.loads(run("show", "plaine-commune-habitat", "--json").stdout)
    assert "Saint-Denis" in reason["priority_reason"]
