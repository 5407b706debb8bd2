"""``bailleurs export``: read back what a spreadsheet or a script would (issue #5)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import yaml

from .conftest import REGISTRY_SIZE, Run


def test_csv_export_reads_back_and_defuses_formulas(run: Run) -> None:
    run("edit", "rivp", "--note", '=HYPERLINK("http://evil.example")')
    run("person", "add", "rivp", "Awa Diallo", "--phone", "+33 1 23 45 67 89", "--role", "@chef")
    result = run("export", "--format", "csv")
    assert result.exit_code == 0, result
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == REGISTRY_SIZE
    rivp = next(r for r in rows if r["landlord"] == "rivp")
    assert rivp["notes"] == '\'=HYPERLINK("http://evil.example")'
    assert "75120" in rivp["communes"].split("; ")
    people = list(csv.DictReader(io.StringIO(run("export", "--table", "people").stdout)))
    assert people == [
        {
            "landlord": "rivp",
            "name": "Awa Diallo",
            "role": "'@chef",
            "email": "",
            "phone": "01 23 45 67 89",
            "territory": "",
            "source": "",
            "active": "oui",
        }
    ]


def test_json_and_yaml_hold_the_three_tables(run: Run, tmp_path: Path) -> None:
    run("contact", "rivp", "--channel", "email", "--summary", "Présentation")
    data = json.loads(run("export", "--format", "json").stdout)
    assert set(data) == {"landlords", "people", "exchanges"}
    assert data["exchanges"][0]["landlord"] == "rivp"
    assert data["exchanges"][0]["summary"] == "Présentation"
    target = tmp_path / "registre.yaml"
    result = run("export", "--format", "yaml", "--out", str(target))
    assert result.stderr == f"Export écrit : {target}\n"
    assert yaml.safe_load(target.read_text(encoding="utf-8")) == data


def test_export_bad_options(run: Run, tmp_path: Path) -> None:
    assert run("export", "--format", "xls").stderr == (
        "Erreur : --format : « xls » inconnu ; valeurs possibles : csv, json, yaml.\n"
    )
    assert run("export", "--table", "bailleurs").stderr == (
        "Erreur : --table : « bailleurs » inconnue ; valeurs possibles : landlords, people, "
        "exchanges.\n"
    )
    missing = run("export", "--out", str(tmp_path / "nulle-part" / "x.csv"))
    assert missing.exit_code == 1
    assert not (tmp_path / "nulle-part").exists()
