"""The shipped registry: faithful to Tableau 1, sourced, and strictly validated."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from bailleurs_cli.errors import RegistryError
from bailleurs_cli.sources import registry

from .conftest import REGISTRY_SIZE

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "landlords_facts.csv"

TABLEAU_1 = [
    "Paris Habitat",
    "Pantin Habitat",
    "RIVP",
    "Efidis",
    "Adoma",
    "Antin Résidences",
    "Elogie-Siemp",
    "Immobilière 3F",
    "CDC Habitat",
    "ICF Habitat La Sablière",
    "Est Ensemble Habitat",
    "Plaine Commune Habitat",
    "Essonne Habitat",
    "Valdevy",
    "Valophis Habitat",
    "1001 Vies Habitat",
]


def entries_by_slug() -> dict[str, registry.Entry]:
    return {e.slug: e for e in registry.load()}


def test_shipped_registry_starts_with_the_16_landlords_of_tableau_1() -> None:
    names = [e.name for e in registry.load()]
    assert names[:16] == TABLEAU_1
    assert len(names) == REGISTRY_SIZE


def test_head_offices_keep_cedex_and_postal_boxes() -> None:
    by_slug = entries_by_slug()
    rivp = by_slug["rivp"].head_office
    assert rivp is not None
    assert (rivp.street, rivp.complement, rivp.postcode, rivp.city, rivp.cedex) == (
        "13, avenue de la Porte d'Italie",
        "TSA 61371",
        "75621",
        "Paris",
        "Cedex 13",
    )
    essonne = by_slug["essonne-habitat"].head_office
    assert essonne is not None and (essonne.complement, essonne.cedex) == ("BP 79", "Cedex")


def test_legal_kind_stays_unknown_where_no_source_says() -> None:
    assert entries_by_slug()["cdc-habitat"].kind == "inconnu"


def test_former_names_are_registered() -> None:
    by_slug = entries_by_slug()
    assert "Opac de Paris" in by_slug["paris-habitat"].former_names
    assert {"Elogie", "SIEMP"} <= set(by_slug["elogie-siemp"].former_names)
    assert "Logement Français" in by_slug["1001-vies-habitat"].former_names


def test_dwellings_keep_their_scope_and_unit() -> None:
    adoma = entries_by_slug()["adoma"].dwellings
    assert [(d.count, d.unit, d.scope) for d in adoma] == [
        (88000, "clients hébergés et accompagnés", "national"),
        (4184, "places d'hébergement généraliste", "non_precise"),
    ]


@pytest.mark.skipif(not SHARED.exists(), reason="shared/data is beside the clone in CI only")
def test_sirens_match_the_sourced_fact_sheet() -> None:
    with SHARED.open(encoding="utf-8") as handle:
        facts = {row["name"]: row["siren"] for row in csv.DictReader(handle)}
    for entry in registry.load():
        if entry.siren:
            assert facts[entry.name] == entry.siren


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "bailleurs.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def minimal(**overrides: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "slug": "exemple-habitat",
        "name": "Exemple Habitat",
        "kind": "oph",
        "sources": [{"ref": "doc", "fields": ["name", "kind"]}],
    }
    entry.update(overrides)
    return {"version": 1, "references": {"doc": "Un document"}, "bailleurs": [entry]}


def test_minimal_registry_loads(tmp_path: Path) -> None:
    assert [e.slug for e in registry.load(write(tmp_path, minimal()))] == ["exemple-habitat"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"adresse": "x"},
            "bailleurs.yaml, entrée 1 (Exemple Habitat), champ « adresse » : clé inconnue ; "
            "vérifiez l'orthographe (voir l'en-tête du fichier).",
        ),
        (
            {"kind": "hlm"},
            "bailleurs.yaml, entrée 1 (Exemple Habitat), champ « kind » : valeur « hlm » non "
            "permise (attendu : 'oph', 'esh', 'sem', 'coop', 'autre' or 'inconnu').",
        ),
        (
            {"siren": "12345"},
            "bailleurs.yaml, entrée 1 (Exemple Habitat), champ « siren » : format invalide.",
        ),
        (
            {"departements": ["13"]},
            "bailleurs.yaml, entrée 1 (Exemple Habitat), champ « departements » : « 13 » n'est "
            "pas un département d'Île-de-France.",
        ),
        (
            {"description": "Sans source"},
            "bailleurs.yaml, entrée 1 (Exemple Habitat), champ « description » : aucune source "
            "ne le cite ; ajoutez-le aux « fields » d'une source.",
        ),
        (
            {"sources": [{"ref": "inconnue", "fields": ["name"]}]},
            "bailleurs.yaml, entrée 1 (Exemple Habitat), champ « sources » : référence "
            "« inconnue » absente de « references ».",
        ),
    ],
)
def test_invalid_entry_names_file_entry_and_field(
    tmp_path: Path, overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(RegistryError) as caught:
        registry.load(write(tmp_path, minimal(**overrides)))
    assert caught.value.message == message


def test_duplicate_slug_is_an_error(tmp_path: Path) -> None:
    data = minimal()
    entries = data["bailleurs"]
    assert isinstance(entries, list)
    entries.append(dict(entries[0], name="Autre"))
    with pytest.raises(RegistryError) as caught:
        registry.load(write(tmp_path, data))
    assert caught.value.message == (
        "bailleurs.yaml, entrée 2 (Autre), champ « slug » : « exemple-habitat » déjà utilisé "
        "par l'entrée 1."
    )


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bailleurs.yaml"
    path.write_text("version: 1\nbailleurs:\n  - name: [unclosed\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"^bailleurs\.yaml, ligne \d+ : "):
        registry.load(path)
