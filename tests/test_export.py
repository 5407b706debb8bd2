"""``bailleurs export``: read back what a spreadsheet or a script would (issue #5)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bailleurs_cli import shapes
from bailleurs_cli.enums import Unit
from bailleurs_cli.store.tables.reminder import Reminder

from .conftest import REGISTRY_SIZE, Run


def read_csv(text: str) -> list[dict[str, str]]:
    """What a spreadsheet reads: a BOM, then « ; »-separated rows."""
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def test_csv_export_reads_back_and_defuses_formulas(run: Run) -> None:
    run("edit", "rivp", "--note", '=HYPERLINK("http://evil.example")')
    run("person", "add", "rivp", "Awa Diallo", "--phone", "+33 1 23 45 67 89", "--role", "@chef")
    result = run("export", "--format", "csv")
    assert result.exit_code == 0, result
    rows = read_csv(result.stdout)
    assert len(rows) == REGISTRY_SIZE
    rivp = next(r for r in rows if r["Identifiant"] == "rivp")
    assert rivp["Note"] == '\'=HYPERLINK("http://evil.example")'
    assert "Paris 20e (75120)" in rivp["Communes de présence"].split("; ")
    assert rivp["Adresse"] == "13, avenue de la Porte d'Italie, 75621 Paris Cedex 13"
    people = read_csv(run("export", "--table", "interlocuteurs").stdout)
    assert people == [
        {
            "Bailleur": "rivp",
            "Interlocuteur": "Awa Diallo",
            "Fonction": "'@chef",
            "E-mail": "",
            "Téléphone": "01 23 45 67 89",
            "Territoire": "",
            "Source": "",
            "Actif": "oui",
        }
    ]
    assert read_csv(run("export", "--table", "people").stdout) == people  # English name too


def test_csv_file_opens_in_a_french_spreadsheet(run: Run, tmp_path: Path) -> None:
    run("contact", "rivp", "--channel", "email", "--summary", "Présentation ; suite à donner")
    target = tmp_path / "echanges.csv"
    assert run("export", "--table", "échanges", "--out", str(target)).exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the accents right
    header = raw[3:].split(b"\r\n")[0].decode("utf-8")
    assert header == (
        "Bailleur;Date;Canal;Sens;Interlocuteur;Résumé;Issue;Étape;Prochaine action;Échéance;Par"
    )
    (row,) = read_csv(raw.decode("utf-8"))
    assert row["Résumé"] == "Présentation ; suite à donner"  # quoted, not split
    # Read by people: French labels, not the slugs of the store; who logged it.
    assert (row["Canal"], row["Sens"], row["Étape"]) == ("e-mail", "sortant", "contacté")
    assert row["Par"]


def test_exported_registry_reimports_without_changes(run: Run, tmp_path: Path) -> None:
    run("edit", "rivp", "--note", "Rencontrés au forum")
    target = tmp_path / "registre.csv"
    run("export", "--out", str(target))
    result = run("import", "csv", str(target), "--dry-run", "--json")
    assert result.exit_code == 0, result
    data = json.loads(result.stdout)
    assert (data["added"], data["rejected"], data["conflicts"], data["near_misses"]) == (
        [], [], [], [],
    )  # fmt: skip
    assert (data["kept"], data["updated"], data["unchanged"]) == (
        REGISTRY_SIZE, [], REGISTRY_SIZE,
    )  # fmt: skip


def test_people_table_cannot_create_landlords_when_reimported(run: Run, tmp_path: Path) -> None:
    run("person", "add", "rivp", "Awa Diallo")
    target = tmp_path / "interlocuteurs.csv"
    run("export", "--table", "interlocuteurs", "--out", str(target))
    result = run("import", "csv", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        "Erreur : interlocuteurs.csv : aucune colonne pour le nom du bailleur ; "
        "ajoutez --map nom=<colonne>.\n"
    )


def test_json_and_yaml_hold_every_table_of_the_store(run: Run, db_url: str, tmp_path: Path) -> None:
    """A user can leave with all their data: every row of every table is exported."""
    from sqlalchemy import create_engine, text
    from sqlmodel import SQLModel

    from bailleurs_cli.report.export import TABLE_KEYS
    from bailleurs_cli.settings.config import Settings, resolve_db_url

    from .test_documents import IDENTITY

    for key, value in IDENTITY.items():
        assert run("config", "set", key, value).exit_code == 0
    run("config", "territoires", "--commune", "Saint-Denis", "--departement", "93")
    run("person", "add", "rivp", "Awa Diallo", "--email", "awa@example.org")
    run("contact", "rivp", "--channel", "email", "--summary", "Présentation")
    run("convention", "rivp", "--contribution", "locaux", "--site", "Paris 20e",
        "--debut", "2027-02-10", "--fin", "2027-02-14", "--valeur", "1200",
        "--out", str(tmp_path))  # fmt: skip
    run("remind", "add", "Rencontre annuelle", "--every", "1a", "--from", "2027-03-01")
    run("edit", "rivp", "--present", "Paris 20e")
    fixture = Path(__file__).parent / "fixtures" / "imports" / "locaux_pm_2024_extrait.csv"
    assert run("import", "locaux-personnes-morales", str(fixture)).exit_code == 0

    written = run("export", "--format", "json").stdout
    data = json.loads(written)
    # Written row by row, the document is the one json.dumps gives, to the byte.
    assert written == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert (data["format"], data["version"]) == ("bailleurs-export", 2)
    assert data["territories"] == {"communes": ["93066"], "departements": ["93"]}
    engine = create_engine(resolve_db_url(db_url, Settings()))
    with engine.connect() as conn:
        for table in SQLModel.metadata.tables:
            count = conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
            assert len(data[TABLE_KEYS[table]]) == count, table
    engine.dispose()
    for key in ("people", "exchanges", "partnerships", "reminders", "import_runs"):
        assert data[key], key
    assert data["exchanges"][0]["landlord"] == "rivp"
    assert data["exchanges"][0]["summary"] == "Présentation"
    assert data["partnerships"][0]["in_kind_value"] == 1200
    assert any(f["origin"] == "utilisateur" for f in data["presence"])
    target = tmp_path / "registre.yaml"
    result = run("export", "--format", "yaml", "--out", str(target))
    assert result.stderr == f"Export écrit : {target}\n"
    assert yaml.safe_load(target.read_text(encoding="utf-8")) == data


def test_export_bad_options(run: Run, tmp_path: Path) -> None:
    assert run("export", "--format", "xls").stderr == (
        "Erreur : --format : « xls » inconnu ; valeurs possibles : csv, json, yaml.\n"
    )
    assert run("export", "--table", "registre").stderr == (
        "Erreur : --table : « registre » inconnue ; valeurs possibles : bailleurs, "
        "interlocuteurs, echanges.\n"
    )
    # JSON and YAML hold every table: a --table beside them was silently ignored.
    whole = run(
        "export", "--format", "yaml", "--table", "echanges", "--out", str(tmp_path / "t.yaml")
    )
    assert (whole.exit_code, whole.stderr) == (
        1,
        "Erreur : --table : une table se choisit pour le CSV ; le YAML contient toutes les "
        "tables : retirez --table.\n",
    )
    assert not (tmp_path / "t.yaml").exists()
    missing = run("export", "--out", str(tmp_path / "nulle-part" / "x.csv"))
    assert missing.exit_code == 1
    assert not (tmp_path / "nulle-part").exists()


def test_export_never_overwrites_a_file_without_force(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "bailleurs.csv"
    target.write_text("mon tableau\n", encoding="utf-8")
    refused = run("export", "--out", str(target))
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr == f"Erreur : {target} existe déjà ; ajoutez --force pour le remplacer.\n"
    assert target.read_text(encoding="utf-8") == "mon tableau\n"
    replaced = run("export", "--out", str(target), "--force")
    assert (replaced.exit_code, replaced.stderr) == (0, f"Export écrit : {target}\n")
    assert len(read_csv(target.read_text(encoding="utf-8"))) == REGISTRY_SIZE


def test_export_on_a_full_disk(run: Run, full_disk: Path) -> None:
    target = full_disk / "bailleurs.csv"
    result = run("export", "--out", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Erreur : impossible d'écrire {target} (disque plein) ; libérez de la "
        "place ou choisissez un autre fichier avec --out.\n"
    )
    assert list(full_disk.iterdir()) == []  # no temporary file left


def test_export_and_list_agree_on_departments_and_name_communes(run: Run) -> None:
    listed = {r["landlord"]: r["departements"] for r in json.loads(run("list", "--json").stdout)}
    exported = json.loads(run("export", "--format", "json").stdout)["landlords"]
    assert {r["landlord"]: r["departements"] for r in exported} == listed
    assert listed["adoma"] == ["75"]  # its head office, as show says
    rows = {r["Identifiant"]: r for r in read_csv(run("export").stdout)}
    assert "Saint-Denis (93066)" in rows["plaine-commune-habitat"]["Communes de présence"]


def test_an_empty_table_is_an_empty_list_in_json_and_yaml(run: Run) -> None:
    """A fresh store has no exchange: the streamed writers still give ``[]``."""
    written = run("export", "--format", "json").stdout
    data = json.loads(written)
    assert data["exchanges"] == [] and data["stage_changes"]
    assert written == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert yaml.safe_load(run("export", "--format", "yaml").stdout) == data


def test_every_json_output_and_the_export_give_one_shape_per_entity(
    run: Run, tmp_path: Path
) -> None:
    """``--json`` and ``export`` serialise each entity from one builder (issue 13,
    :mod:`bailleurs_cli.shapes`): the keys they share hold the same values, and the
    few differences they have always had are these, and only these."""
    from .test_documents import IDENTITY

    for key, value in IDENTITY.items():
        assert run("config", "set", key, value).exit_code == 0
    run("config", "territoires", "--commune", "Saint-Denis", "--departement", "93")
    run("person", "add", "rivp", "Awa Diallo", "--civilite", "Mme", "--email", "awa@rivp.fr")
    run("contact", "rivp", "--channel", "email", "--person", "Awa Diallo", "--summary", "Envoi")
    run("allie", "add", "Les Petits Débrouillards IDF", "--contact", "Jeanne Roux")
    made = run("convention", "rivp", "--contribution", "locaux", "--site", "Paris 20e",
               "--debut", "2027-02-10", "--fin", "2027-02-14", "--valeur", "1200",
               "--out", str(tmp_path))  # fmt: skip
    assert made.exit_code == 0, made
    run("atelier", "add", "rivp", "--site", "Centre social", "--commune", "Paris 20e",
        "--debut", "2027-02-10", "--fin", "2027-02-14", "--seances", "5")  # fmt: skip
    run("remind", "add", "Bilan d'hiver", "--every", "1a", "--from", "2027-03-01",
        "--landlord", "rivp")  # fmt: skip
    exported = json.loads(run("export", "--format", "json").stdout)

    def mine(table: str) -> list[dict[str, Any]]:
        return [r for r in exported[table] if r.get("landlord") == "rivp"]

    def without(row: dict[str, object], *keys: str) -> dict[str, object]:
        return {k: v for k, v in row.items() if k not in keys}

    listed = {r["landlord"]: r for r in json.loads(run("list", "--json").stdout)}
    for row in exported["landlords"]:
        summary = without(listed[row["landlord"]], "priority")
        assert summary == {k: row[k] for k in summary}
    show = json.loads(run("show", "rivp", "--json").stdout)
    (landlord,) = mine("landlords")
    shared = set(show) & set(landlord) - {"communes"}  # stated, vs where present
    assert shared and {k: show[k] for k in shared} == {k: landlord[k] for k in shared}
    assert show["communes"] != landlord["communes"]

    people = json.loads(run("person", "list", "rivp", "--json").stdout)
    assert people == mine("people")
    assert show["people"] == [without(p, "landlord") for p in people]

    history = json.loads(run("history", "rivp", "--json").stdout)
    assert history == [without(e, "landlord", "ally") for e in mine("exchanges")][::-1]
    assert show["exchanges"] == history

    assert json.loads(run("atelier", "list", "--json").stdout) == exported["workshops"]
    (ally,) = json.loads(run("allie", "list", "--json").stdout)
    assert exported["allies"] == [{**ally, "signatory": None}]  # the contact signs

    (partnership,) = mine("partnerships")
    assert show["partnerships"] == [
        {
            "number": partnership["number"], "renews": None, "kind": "non_financier",
            "status": "brouillon",
            "contributions": ["locaux"], "sites": ["Paris 20e"],
            "start": partnership["starts_on"], "end": partnership["ends_on"],
            "in_kind_value": 1200.0, "amount": None, "document": partnership["document"],
        }
    ]  # fmt: skip
    assert partnership["contributions"][0]["kind"] == "locaux"  # the whole contribution
    assert partnership["in_kind_value"] == 1200.0 and partnership["amount"] is None

    presence = [without(p, "landlord") for p in mine("presence")]
    assert len(presence) == len(show["presence"]) > 0
    for shown, row in zip(show["presence"], presence, strict=True):
        assert list(shown) == [("period" if k == "as_of" else k) for k in row]
        assert list(shown.values()) == list(row.values())
    qpv = {q["code"]: without(q, "landlords") for q in json.loads(run("qpv", "--json").stdout)}
    assert qpv and all(
        qpv[q["code"]] == without(q, "source") for q in exported["qpv"] if q["code"] in qpv
    )

    # A reminder's period: the export's in its columns, remind list's as typed (« 1a »).
    (reminder,) = mine("reminders")
    (listed_reminder,) = json.loads(run("remind", "list", "--json").stdout)
    assert reminder == {
        "id": 1, "label": "Bilan d'hiver", "every": 1, "unit": "a", "next_on": "2027-03-01",
        "landlord": "rivp",
    }  # fmt: skip
    assert listed_reminder == {
        "id": 1, "label": "Bilan d'hiver", "every": "1a", "next": "2027-03-01",
        "landlord": "rivp",
    }  # fmt: skip
    row = Reminder(id=1, label="Bilan d'hiver", every=1, unit=Unit.YEAR, next_on=date(2027, 3, 1))
    assert shapes.reminder_json(row, "rivp") == reminder
    assert shapes.reminder_summary(row, "rivp") == listed_reminder
