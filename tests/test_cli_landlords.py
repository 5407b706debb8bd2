"""``list``, ``show``, ``add``, ``edit``: exact French output, then the store itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import Landlord

from .conftest import REGISTRY_SIZE, TODAY, Run, plain_spaces


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
        "oph-aubervilliers",
        "oph-drancy",
        "pantin-habitat",
        "plaine-commune-habitat",
        "seine-saint-denis-habitat",
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
    assert [line.split()[0] for line in lines[1:]] == [
        "adoma",
        "elogie-siemp",
        "pays-de-meaux-habitat",
        "rivp",
        "versailles-habitat",
    ]
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
        "Erreur : --stage : « gagne » inconnu ; valeurs possibles : identifié, contacté, "
        "en discussion, proposition, partenaire, en veille, refus.\n"
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
        "Habitat Témoin de Bobigny",
        "--kind",
        "oph",
        "--departement",
        "93",
        "--adresse",
        "2 rue Hector Berlioz, 93000 Bobigny",
        "--site",
        "https://habitat-temoin.example",
    )
    assert result.exit_code == 0, result
    assert result.stdout == "habitat-temoin-de-bobigny\n"
    assert result.stderr == (
        "Bailleur ajouté : Habitat Témoin de Bobigny (habitat-temoin-de-bobigny), "
        "étape identifié.\n"
    )
    added = landlord(store, "habitat-temoin-de-bobigny")
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
            "Erreur : --kind : « hlm » inconnu ; valeurs possibles : oph, esh, sem, "
            "coopérative HLM, autre, inconnu.\n",
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


# --- Names too long (issue 9) ---------------------------------------------------------

LONG_NAME = "Office " + "x" * 233  # 240 characters
TOO_LONG = "Erreur : nom : 240 caractères, au-delà de la limite de 200 ; raccourcissez-le.\n"


@pytest.mark.parametrize(
    "args", [["add", LONG_NAME], ["edit", "rivp", "--name", LONG_NAME]], ids=["add", "edit"]
)
def test_a_name_too_long_is_refused(run: Run, store: Store, args: list[str]) -> None:
    before = landlord(store, "rivp")
    assert before is not None
    result = run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", TOO_LONG)
    assert landlord_count(store) == REGISTRY_SIZE
    after = landlord(store, "rivp")
    assert after is not None and after.name == before.name


def test_long_names_get_short_slugs(run: Run, store: Store) -> None:
    name = (
        "Société anonyme d'habitations à loyer modéré de la région parisienne et des "
        "communes voisines"
    )
    result = run("add", name)
    assert result.exit_code == 0, result
    assert result.stdout == "societe-anonyme-d-habitations-a-loyer-modere-de-la-region\n"
    longest = "Office " + "x" * 193  # 200 characters: the longest name accepted
    result = run("add", longest)
    assert result.exit_code == 0, result
    assert result.stdout == "office-" + "x" * 53 + "\n"  # cut at 60 characters
    added = landlord(store, "office-" + "x" * 53)
    assert added is not None and added.name == longest


def test_letters_of_long_names_already_in_a_store(run: Run, store: Store, tmp_path: Path) -> None:
    """Names of 240 characters, with the slugs made before the limits, as a store of an
    earlier version may hold: letter file names stay short, and distinct."""
    from bailleurs_cli.followup.pipeline import enter_pipeline

    from .test_documents import IDENTITY

    names = [LONG_NAME, LONG_NAME[:-1] + "y"]
    slugs = [name.lower().replace(" ", "-") for name in names]
    address = {"street": "6 rue Carnot", "postcode": "93100", "city": "Montreuil"}
    with store.write() as session:
        for name, slug in zip(names, slugs, strict=True):
            fields = {"name": name, **address}
            enter_pipeline(session, slug, fields, today=TODAY, reason="version précédente")
    for key, value in IDENTITY.items():
        assert run("config", "set", key, value).exit_code == 0
    out = tmp_path / "out"
    dry = run("letter", "--all", "--dry-run", "--out", str(out))
    assert dry.exit_code == 0, dry
    planned = [
        line.removeprefix(f"écrirait {out}/")
        for line in dry.stdout.splitlines()
        if "office-xxx" in line
    ]
    assert len(set(planned)) == 2
    for file_name in planned:
        assert len(file_name.encode()) <= 120
        assert file_name.startswith("office-xxx") and file_name.endswith("-prospection.docx")
    assert not out.exists()
    written = run("letter", *slugs, "--out", str(out))
    assert written.exit_code == 0, written
    assert sorted(p.name for p in out.iterdir()) == sorted(planned)


def test_registry_name_too_long(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "bailleurs.yaml"
    path.write_text(
        f"version: 1\nreferences: {{}}\nbailleurs:\n  - slug: x\n    name: {LONG_NAME}\n",
        encoding="utf-8",
    )
    result = run("registry", "check", "--file", str(path))
    assert result.exit_code == 5
    assert result.stderr == (
        f"Erreur : bailleurs.yaml, entrée 1 ({LONG_NAME[:39]}…), champ « name » : 240 caractères, "
        "au-delà de la limite de 200 ; raccourcissez-le.\n"
    )


@pytest.mark.parametrize(
    "name",
    [
        "OPH Montreuil",  # opened Versailles Habitat through « OPH Versailles Habitat »
        "Immobilière du Moulin Vert",
        "France Habitation",
        "Batigère",
        "Osica",
        "ICF Novedis",
    ],
)
def test_a_landlord_not_in_the_store_never_opens_another(run: Run, name: str) -> None:
    """Real landlords absent from the store: candidates are listed, nothing is logged."""
    result = run("contact", name, "--channel", "email", "--summary", "Présentation")
    assert result.exit_code == 3, result
    assert result.stderr.startswith(f"Erreur : bailleur « {name} » introuvable ; ")
    assert len(result.stderr.splitlines()) == 1
    history = json.loads(run("export", "--format", "json").stdout)["exchanges"]
    assert history == []


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("Parsi Habitat", "paris-habitat"),  # a typo
        ("Valdevi", "valdevy"),
        ("Plaine Comune Habitat", "plaine-commune-habitat"),
        ("Logement Francilien", "1001-vies-habitat"),  # a former name
        ("OPH d'Aubervilliers", "oph-aubervilliers"),  # opened Pantin Habitat before
        ("Les Résidences Yvelines Essonne", "les-residences-yvelines-essonne"),
    ],
)
def test_typos_and_former_names_open_the_right_landlord(run: Run, typed: str, slug: str) -> None:
    assert json.loads(run("show", typed, "--json").stdout)["landlord"] == slug


def test_a_slug_this_version_does_not_know_is_shown_exported_and_corrected(
    run: Run, store: Store, tmp_path: Path
) -> None:
    """A hand-edited base (a stage no version wrote) stays readable: no traceback."""
    from sqlalchemy import text

    with store.write() as session:
        session.connection().execute(
            text("UPDATE landlord SET stage = 'bizarre' WHERE slug = 'rivp'")
        )
    edited = run("edit", "rivp", "--note", "Toujours lisible")
    assert edited.exit_code == 0, edited
    exported = run("export", "--format", "json", "--out", str(tmp_path / "tout.json"))
    assert exported.exit_code == 0, exported
    rows = json.loads((tmp_path / "tout.json").read_text())["landlords"]
    assert next(r for r in rows if r["landlord"] == "rivp")["stage"] == "bizarre"
    fixed = run("stage", "rivp", "contacte")
    assert fixed.exit_code == 0, fixed
    with store.read() as session:
        rivp = session.exec(select(Landlord).where(Landlord.slug == "rivp")).one()
        assert rivp.stage == "contacte"


def test_an_unexpected_error_is_one_line_with_the_trace_behind_debug(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bailleurs_cli.followup import landlords

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom\nsur deux lignes")

    monkeypatch.setattr(landlords, "edit", broken)
    result = run("edit", "rivp", "--note", "x")
    assert result.exit_code == 70
    assert result.stderr == (
        "Erreur inattendue (RuntimeError : boom sur deux lignes) ; relancez avec --debug "
        "pour voir la trace, et signalez-la.\n"
    )
    assert "Traceback" not in result.stdout + result.stderr
    with pytest.raises(RuntimeError, match="boom"):
        run("--debug", "edit", "rivp", "--note", "x")


def test_show_lists_each_place_once_with_all_its_sources(run: Run) -> None:
    """The thesis names Saint-Denis for Plaine Commune Habitat, and names the EPT that
    holds it: one place, two sources, one line."""
    shown = plain_spaces(run("show", "plaine-commune-habitat").stdout).splitlines()
    places = [line for line in shown if line.startswith("  - Saint-Denis (93)")]
    assert places == [
        "  - Saint-Denis (93) (mémoire, Tableau 1 (Plaine Commune) ; mémoire, Tableau 1)"
    ]
    facts = json.loads(run("show", "plaine-commune-habitat", "--json").stdout)["presence"]
    assert [f["commune"] for f in facts].count("93066") == 2  # both facts kept, said once
