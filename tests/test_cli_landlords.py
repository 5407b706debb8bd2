"""``list``, ``show``, ``add``, ``edit``: exact French output, then the store itself."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from bailleurs_cli.models import Landlord
from bailleurs_cli.store import Store

from .conftest import REGISTRY_SIZE, Run


def landlord(store: Store, slug: str) -> Landlord | None:
    with store.read() as session:
        return session.exec(select(Landlord).where(Landlord.slug == slug)).first()


def landlord_count(store: Store) -> int:
    with store.read() as session:
        return len(session.exec(select(Landlord)).all())


def test_list_by_departement(run: Run) -> None:
    result = run("list", "--departement", "93", "--json")
    assert result.exit_code == 0, result
    assert [row["landlord"] for row in json.loads(result.stdout)] == [
        "est-ensemble-habitat",
        "pantin-habitat",
        "plaine-commune-habitat",
        "valophis-habitat",
    ]


def test_list_plain_output_is_a_text_table(run: Run) -> None:
    result = run("list", "--kind", "sem")
    assert result.exit_code == 0, result
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "Identifiant",
        "Nom",
        "Nature",
        "Dép.",
        "Étape",
        "Prochaine",
        "étape",
    ]
    assert [line.split()[0] for line in lines[1:]] == ["adoma", "elogie-siemp", "rivp"]
    assert "\x1b[" not in result.stdout


def test_list_filters_by_stage_and_search(run: Run) -> None:
    assert run("stage", "rivp", "en_discussion").exit_code == 0
    result = run("list", "--stage", "en_discussion", "--json")
    assert [r["landlord"] for r in json.loads(result.stdout)] == ["rivp"]
    found = json.loads(run("list", "--search", "opac de paris", "--json").stdout)
    assert [r["landlord"] for r in found] == ["paris-habitat"]


def test_list_with_unknown_stage(run: Run) -> None:
    result = run("list", "--stage", "gagne")
    assert result.exit_code == 1
    assert result.stderr == (
        "Erreur : --stage : « gagne » inconnu ; valeurs possibles : identifie, contacte, "
        "en_discussion, proposition, partenaire, en_veille, refus.\n"
    )


def test_show_resolves_a_partial_name(run: Run) -> None:
    result = run("show", "plaine commune")
    assert result.exit_code == 0, result
    assert result.stdout.splitlines()[0] == "Plaine Commune Habitat (plaine-commune-habitat)"
    assert "  Siège\u00a0: 5 bis rue Danielle Casanova, 93200 Saint-Denis" in result.stdout
    assert "Étape\u00a0: identifié depuis le lundi 23 novembre 2026" in result.stdout


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("rivp", "rivp"),
        ("Régie immobilière de la ville de Paris", "rivp"),
        ("Opac de Paris", "paris-habitat"),
        ("logement français", "1001-vies-habitat"),
        ("3f", "immobiliere-3f"),
        ("elogie", "elogie-siemp"),
        ("Valdevi", "valdevy"),
    ],
)
def test_show_resolves_aliases_former_names_and_typos(run: Run, query: str, slug: str) -> None:
    result = run("show", query, "--json")
    assert result.exit_code == 0, result
    assert json.loads(result.stdout)["landlord"] == slug


def test_show_unknown_landlord(run: Run) -> None:
    result = run("show", "Bailleur Imaginaire Zzz")
    assert result.exit_code == 3
    assert result.stderr == (
        "Erreur : bailleur « Bailleur Imaginaire Zzz » introuvable ; voyez la liste avec "
        "« bailleurs list ».\n"
    )


def test_show_ambiguous_landlord_lists_candidates(run: Run) -> None:
    result = run("show", "habitat")
    assert result.exit_code == 3
    assert result.stderr.startswith(
        "Erreur : « habitat » désigne plusieurs bailleurs : Paris Habitat (paris-habitat), "
    )
    assert result.stderr.endswith("; précisez le nom ou donnez l'identifiant entre parenthèses.\n")


def test_show_json_has_facts_and_sources(run: Run) -> None:
    data = json.loads(run("show", "paris habitat", "--json").stdout)
    assert data["siren"] == "344810825"
    assert data["address"] == "21 bis, rue Claude Bernard, 75253 Paris Cedex 05"
    assert data["kind"] == "oph"
    assert data["sources"][0]["ref"] == "memoire-t1"
    assert data["next_action"] == "Trouver l'interlocuteur et prendre un premier contact"
    assert data["next_due"] is None


def test_add_registers_a_new_landlord(run: Run, store: Store) -> None:
    result = run(
        "add",
        "Seine-Saint-Denis Habitat",
        "--kind",
        "oph",
        "--departement",
        "93",
        "--adresse",
        "2 rue Hector Berlioz, 93000 Bobigny",
        "--site",
        "https://seinesaintdenishabitat.fr",
    )
    assert result.exit_code == 0, result
    assert result.stdout == "seine-saint-denis-habitat\n"
    assert result.stderr == (
        "Bailleur ajouté : Seine-Saint-Denis Habitat (seine-saint-denis-habitat), "
        "étape identifié.\n"
    )
    added = landlord(store, "seine-saint-denis-habitat")
    assert added is not None
    assert (added.kind, added.departements, added.postcode, added.city) == (
        "oph",
        ["93"],
        "93000",
        "Bobigny",
    )
    assert (added.stage, added.in_registry) == ("identifie", False)


def test_add_refuses_a_near_duplicate(run: Run, store: Store) -> None:
    result = run("add", "Paris-Habitat")
    assert result.exit_code == 1
    assert result.stderr == (
        "Erreur : un bailleur proche existe déjà : Paris Habitat (paris-habitat) ; "
        "utilisez-le, ou ajoutez --force pour en créer un autre.\n"
    )
    assert landlord_count(store) == REGISTRY_SIZE
    forced = run("add", "Paris-Habitat", "--force")
    assert forced.exit_code == 0, forced
    assert forced.stdout == "paris-habitat-2\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--kind", "hlm"],
            "Erreur : --kind : « hlm » inconnu ; valeurs possibles : oph, esh, sem, coop, "
            "autre, inconnu.\n",
        ),
        (
            ["--departement", "13"],
            "Erreur : --departement : « 13 » n'est pas un département d'Île-de-France ; "
            "valeurs possibles : 75, 77, 78, 91, 92, 93, 94, 95.\n",
        ),
        (
            ["--siren", "123456789"],
            "Erreur : --siren : « 123456789 » invalide ; un SIREN a 9 chiffres dont le dernier "
            "est une clé de contrôle (voir l'annuaire des entreprises).\n",
        ),
        (
            ["--site", "bailleur.fr"],
            "Erreur : --site : « bailleur.fr » n'est pas une adresse web ; exemple : "
            "https://bailleur.fr.\n",
        ),
    ],
)
def test_add_bad_input_changes_nothing(
    run: Run, store: Store, args: list[str], message: str
) -> None:
    result = run("add", "Nouvel Office", *args)
    assert result.exit_code == 1
    assert result.stderr == message
    assert result.stdout == ""
    assert landlord_count(store) == REGISTRY_SIZE


def test_note_is_stored_and_shown_verbatim(run: Run, store: Store) -> None:
    note = 'Voir [rouge] & <Paris> "guillemets" « chevrons » 🏠'
    assert run("edit", "rivp", "--note", note).exit_code == 0
    stored = landlord(store, "rivp")
    assert stored is not None and stored.notes == note
    assert f"  Notes\u00a0: {note}" in run("show", "rivp").stdout  # the note itself verbatim
    assert json.loads(run("show", "rivp", "--json").stdout)["notes"] == note


def test_edit_without_options(run: Run) -> None:
    result = run("edit", "rivp")
    assert result.exit_code == 1
    assert result.stderr == "Erreur : rien à modifier ; donnez au moins une option (voir --help).\n"
