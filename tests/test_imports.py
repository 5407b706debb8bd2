"""Imports of the public files and of the association's spreadsheet (issue #5).

Each fixture reproduces a real format with its quirks (see fixtures/imports/README.md);
the tests check what a user would: the report, then the store itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zipfile
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, func, select

from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import ImportRun, Landlord, Person, Presence, Qpv

from .conftest import REGISTRY_SIZE, Run

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
QPV_FILE = FIXTURES / "listeqp2024-cog2024.csv"
SIRENE_CSV = FIXTURES / "StockUniteLegale_extrait.csv"
SIRENE_JSON = FIXTURES / "recherche-entreprises.json"
DGFIP = FIXTURES / "locaux_pm_2024_extrait.csv"
SHEET = FIXTURES / "tableur_association.csv"
SHEET_MAP = [
    "--map", "nom=Bailleur", "--map", "personne=Contact", "--map", "email=Courriel",
    "--map", "commune=Ville", "--map", "telephone=Téléphone", "--map", "fonction=Fonction",
]  # fmt: skip


def snapshot(store: Store) -> tuple[int, ...]:
    """Row counts of what imports may touch."""
    with store.read() as session:
        return tuple(
            session.exec(select(func.count()).select_from(table)).one()
            for table in (Landlord, Person, Presence, Qpv, ImportRun)
        )


def landlord(store: Store, slug: str) -> Landlord:
    with store.read() as session:
        return session.exec(select(Landlord).where(Landlord.slug == slug)).one()


def report(run: Run, *args: str) -> dict[str, Any]:
    result = run("import", *args, "--json")
    assert result.exit_code == 0, result
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# --- QPV (ANCT) -------------------------------------------------------------------


def test_qpv_import_handles_the_anct_quirks(run: Run, store: Store) -> None:
    data = report(run, "qpv", str(QPV_FILE))
    assert (data["rows"], data["kept"], data["encoding"], data["delimiter"]) == (
        10, 6, "utf-8-sig", ";",
    )  # fmt: skip
    assert data["counts"]["hors_idf"] == 1  # the Ain row, whose leading zeros were lost
    assert [r["reason"] for r in data["rejected"]] == [
        "code QPV invalide (attendu QN + 5 chiffres + M, N ou I)",
        "commune 93999 inconnue en Île-de-France",
    ]
    with store.read() as session:
        placed = {
            q.code: q.communes
            for q in session.exec(select(Qpv).where(col(Qpv.departement).in_(["75", "93"]))).all()
        }
    assert placed == {
        "QN07501M": ["75113"],  # Excel-wrapped code, arrondissement kept
        "QN07502M": ["75119"],
        "QN07521N": ["75119", "75120"],  # two communes in one cell
        "QN09342M": ["93066"],  # Pierrefitte-sur-Seine merged into Saint-Denis
        "QN09328M": ["93001", "93008", "93027", "93066"],  # ="…";="…" in one cell
        "QN09309M": ["93006", "93048"],  # one row per commune, merged
    }
    # A QPV spanning two EPT keeps both (Bobigny is in Est Ensemble, the rest in Plaine
    # Commune), as the shipped table writes them.
    qpv = json.loads(run("qpv", "--departement", "93", "--json").stdout)
    spanning = next(q for q in qpv if q["code"] == "QN09328M")
    assert spanning["ept"] == "Est Ensemble;Plaine Commune"
    # The extract covers Paris (21 QPV) and the 93 (75): only those are replaced.
    assert data["counts"]["departements"] == 2
    assert data["counts"]["supprimes"] == 21 + 75 - 6


def test_qpv_import_reports_declared_links_to_removed_qpv(
    run: Run, store: Store, tmp_path: Path
) -> None:
    assert run("edit", "valdevy", "--present", "Argenteuil", "--qpv", "QN09503I").exit_code == 0
    extract = tmp_path / "qpv_95.csv"
    extract.write_text("code_qp;lib_qp;insee_com\nQN09501M;Noyer Crapaud;95598\n", encoding="utf-8")
    data = report(run, "qpv", str(extract))
    assert data["counts"]["liens_qpv_retires"] == 1
    with store.read() as session:  # the user's fact is kept as they declared it
        codes = session.exec(select(Presence.qpv_code).where(col(Presence.qpv_code).is_not(None)))
        assert codes.all() == ["QN09503I"]
    shown = run("import", "qpv", str(extract)).stderr
    assert "1 lien déclaré vers un QPV retiré" not in shown  # none removed this time
    assert "liens_qpv_retires" not in report(run, "qpv", str(QPV_FILE))["counts"]


def test_qpv_import_of_one_department_leaves_the_others(
    run: Run, store: Store, tmp_path: Path
) -> None:
    extract = tmp_path / "qpv_95.csv"
    extract.write_text(
        "code_qp;lib_qp;insee_com\n"
        "QN09501M;Quartier Renommé;95018\n"
        "QN09599M;Nouveau Quartier;95018\n",
        encoding="utf-8",
    )
    data = report(run, "qpv", str(extract))
    assert [c["qpv"] for c in data["added"]] == ["QN09599M"]
    assert [(c["qpv"], sorted(c["fields"])) for c in data["updated"]] == [
        ("QN09501M", ["communes", "epci", "ept", "name"])
    ]
    assert data["counts"]["departements"] == 1
    assert data["counts"]["supprimes"] == 42 - 1  # the 95's other QPV; nobody else's
    with store.read() as session:
        by_department = Counter(q.departement for q in session.exec(select(Qpv)).all())
    assert by_department["95"] == 2
    assert by_department["93"] == 75 and by_department["75"] == 21
    assert sum(by_department.values()) == 298 - 42 + 2


def test_qpv_import_places_paris_qpv_in_their_arrondissement(run: Run) -> None:
    run("import", "qpv", str(QPV_FILE))
    data = json.loads(run("territoire", "Paris 20e", "--json").stdout)
    assert [q["code"] for q in data["qpv"]] == ["QN07521N"]
    assert data["qpv_paris_wide"] is False
    run("config", "territoires", "--commune", "Paris 13e")
    shown = json.loads(run("show", "paris-habitat", "--json").stdout)
    assert shown["priority_reason"].startswith(
        "présent dans 1 de vos communes (Paris 13e), qui compte 1 QPV ;"
    )


def test_qpv_dry_run_changes_nothing(run: Run, store: Store) -> None:
    before = snapshot(store)
    data = report(run, "qpv", str(QPV_FILE), "--dry-run")
    # 3: QN09328M keeps both its EPT now, as the shipped table has them (no change).
    assert data["dry_run"] is True and len(data["updated"]) == 3
    assert snapshot(store) == before


def test_qpv_import_of_another_file_is_refused(run: Run, store: Store) -> None:
    before = snapshot(store)
    result = run("import", "qpv", str(SIRENE_CSV))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Erreur : StockUniteLegale_extrait.csv : colonne « code_qp » introuvable ; colonnes lues :"
    )
    assert snapshot(store) == before


# --- SIRENE ------------------------------------------------------------------------


def test_sirene_csv_kinds_exclusions_and_matching(run: Run, store: Store) -> None:
    data = report(run, "sirene", str(SIRENE_CSV))
    reasons = {r["value"]: r["reason"] for r in data["rejected"]}
    assert reasons == {
        "900000035": "catégorie juridique 5548 : SA de crédit immobilier (SACICAP), "
        "pas un bailleur social",
        "900000043": "catégorie juridique 5515 : SEM sans activité de logement (NAF 41.10A)",
        "900000068": "unité légale cessée",
        "123456789": "SIREN invalide (9 chiffres, clé de Luhn)",
        "900000076": "catégorie juridique 5710 : pas une catégorie de bailleur social",
        "900000027": "SIREN en double dans le fichier",
    }
    assert sorted(a["landlord"] for a in data["added"]) == [
        "office-exemple-habitat-de-seine-et-marne",
        "sem-exemple-locative",
    ]
    matched = {u["landlord"]: u["matched_by"] for u in data["updated"]}
    assert matched == {"paris-habitat": "siren", "toit-et-joie": "nom", "elogie-siemp": "nom"}
    # The registry's legal kind is kept; SIRENE's different one is reported.
    assert data["conflicts"] == [
        {"line": 11, "landlord": "elogie-siemp", "field": "kind", "kept": "sem", "file": "esh"}
    ]
    toit = landlord(store, "toit-et-joie")
    assert (toit.siren, toit.kind, toit.legal_category, toit.to_verify) == (
        "900000019", "esh", "5546", False,
    )  # fmt: skip
    office = landlord(store, "office-exemple-habitat-de-seine-et-marne")
    assert (office.kind, office.postcode, office.city, office.aliases) == (
        "oph", "77000", "Melun", ["OEH77"],
    )  # fmt: skip
    assert landlord(store, "elogie-siemp").kind == "sem"


def test_sirene_import_is_idempotent_and_recorded(run: Run, store: Store) -> None:
    report(run, "sirene", str(SIRENE_CSV))
    again = report(run, "sirene", str(SIRENE_CSV))
    assert (again["added"], again["updated"], again["unchanged"]) == ([], [], 5)
    with store.read() as session:
        runs = session.exec(select(ImportRun).order_by(col(ImportRun.id))).all()
    assert [(r.kind, r.file_name, r.rows) for r in runs] == [
        ("sirene", "StockUniteLegale_extrait.csv", 11),
        ("sirene", "StockUniteLegale_extrait.csv", 11),
    ]
    assert runs[0].report["added"] == 2 and len(runs[0].sha256) == 64


def test_generic_e_mail_without_a_person_keeps_the_landlord(
    run: Run, store: Store, tmp_path: Path
) -> None:
    sheet = tmp_path / "contacts.csv"
    sheet.write_text(
        "Bailleur;Courriel;Tél\n"
        "Habitat Témoin;contact@temoin.example;\n"
        "Valophis;;01 49 00 00 00\n"
        "Habitat Faux;;12\n",
        encoding="utf-8",
    )
    data = report(
        run, "csv", str(sheet), "--map", "nom=Bailleur", "--map", "email=Courriel",
        "--map", "telephone=Tél",
    )  # fmt: skip
    assert [c["landlord"] for c in data["added"]] == ["habitat-temoin"]
    assert data["kept"] == 2
    assert [(r["line"], r["value"], r["reason"]) for r in data["rejected"]] == [
        (2, "contact@temoin.example", "e-mail ou téléphone sans nom d'interlocuteur "
         "(colonne personne) : bailleur importé, contact laissé de côté"),
        (3, "01 49 00 00 00", "e-mail ou téléphone sans nom d'interlocuteur "
         "(colonne personne) : bailleur importé, contact laissé de côté"),
        (4, "Habitat Faux", "colonne « Tél » : « 12 » n'est pas un numéro français ; "
         "attendu 10 chiffres (01 23 45 67 89) ou +33 1 23 45 67 89"),
    ]  # fmt: skip
    assert landlord(store, "habitat-temoin").name == "Habitat Témoin"
    with store.read() as session:
        assert session.exec(select(Person)).all() == []


def test_every_importer_has_its_command_and_title() -> None:
    """One table of importers: each kind is an ``import`` subcommand, and back."""
    import typer

    from bailleurs_cli.cli.imports import app
    from bailleurs_cli.sources.imports import IMPORTERS

    group = typer.main.get_group(app)
    commands = set(group.list_commands(typer.Context(group))) - {"historique"}
    assert commands == set(IMPORTERS)
    assert all(i.title.startswith("Import ") for i in IMPORTERS.values())
    assert {k for k, i in IMPORTERS.items() if i.stepped} == {"sirene", "csv"}


def test_history_lists_real_imports_newest_first(run: Run) -> None:
    empty = run("import", "historique")
    assert (empty.exit_code, empty.stdout) == (0, "")
    assert empty.stderr == "Aucun import enregistré ; voir « bailleurs import --help ».\n"
    first = report(run, "locaux-personnes-morales", str(DGFIP))
    report(run, "qpv", str(QPV_FILE), "--dry-run")  # a simulation is not history
    report(run, "qpv", str(QPV_FILE))
    listed = json.loads(run("import", "historique", "--json").stdout)
    assert [(r["kind"], r["files"], r["rows"]) for r in listed] == [
        ("qpv", ["listeqp2024-cog2024.csv"], 10),
        ("locaux-personnes-morales", ["locaux_pm_2024_extrait.csv"], 12),
    ]
    assert listed[1]["sha256"] == hashlib.sha256(DGFIP.read_bytes()).hexdigest()
    assert listed[1]["counts"]["added"] == len(first["added"])
    assert listed[1]["counts"]["locaux"] == first["counts"]["locaux"]
    assert datetime.fromisoformat(listed[0]["run_at"]).utcoffset() == timedelta(0)
    assert json.loads(run("import", "historique", "--json", "--limit", "1").stdout) == listed[:1]
    text = run("import", "historique").stdout.splitlines()
    assert text[0].split() == ["Date", "Import", "Fichiers", "SHA-256", "Lignes", "Effet"]
    assert "listeqp2024-cog2024.csv" in text[1] and listed[0]["sha256"][:12] in text[1]
    assert "1 ajouté" in text[2] and "9 locaux" in text[2]
    refused = run("import", "historique", "--limit", "0")
    assert refused.exit_code != 0
    assert refused.stderr.strip() == (
        "Erreur : --limit : valeur invalide ; attendu un nombre entier ≥ 1."
    )


def test_importing_the_same_file_again_says_when(run: Run) -> None:
    assert report(run, "qpv", str(QPV_FILE))["previous_run"] is None
    recorded = json.loads(run("import", "historique", "--json").stdout)[0]["run_at"]
    again = report(run, "qpv", str(QPV_FILE), "--dry-run")
    assert again["previous_run"] == recorded
    shown = run("import", "qpv", str(QPV_FILE))
    assert "Fichier identique (même empreinte SHA-256) déjà importé le " in shown.stderr
    other = report(run, "locaux-personnes-morales", str(DGFIP))
    assert other["previous_run"] is None  # another file, another importer


def test_sirene_confirmation_survives_a_registry_sync(run: Run, store: Store) -> None:
    run("import", "sirene", str(SIRENE_CSV))
    assert run("registry", "sync").exit_code == 0
    toit = landlord(store, "toit-et-joie")
    assert (toit.siren, toit.kind, toit.to_verify) == ("900000019", "esh", False)


def test_sirene_api_answer_never_imports_directors(run: Run, store: Store) -> None:
    data = report(run, "sirene", str(SIRENE_JSON))
    assert [a["landlord"] for a in data["added"]] == ["cooperative-exemple-hlm"]
    coop = landlord(store, "cooperative-exemple-hlm")
    assert (coop.kind, coop.siren, coop.aliases) == ("coop", "900000092", ["CEH"])
    with store.read() as session:
        assert session.exec(select(func.count()).select_from(Person)).one() == 0
    dump = json.dumps(json.loads(run("show", "ratp-habitat", "--json").stdout))
    assert "EXEMPLE" not in dump and "Camille" not in dump


def test_sirene_missing_column_is_named(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "sans-categorie.csv"
    path.write_text("siren,denominationUniteLegale\n344810825,PARIS HABITAT-OPH\n", "utf-8")
    result = run("import", "sirene", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        "Erreur : sans-categorie.csv : colonne « categorieJuridiqueUniteLegale » introuvable ; "
        "colonnes lues : « siren », « denominationUniteLegale ». Vérifiez le fichier ou le "
        "séparateur.\n"
    )


# --- DGFiP premises of legal persons -------------------------------------------------


def test_dgfip_counts_premises_per_landlord_and_commune(run: Run, store: Store) -> None:
    data = report(run, "locaux-personnes-morales", str(DGFIP))
    assert (data["encoding"], data["delimiter"]) == ("windows-1252", ";")
    assert data["counts"] == {
        "proprietaires": 3, "communes": 4, "locaux": 9, "communes_inconnues": 1,
    }  # fmt: skip
    assert [a["landlord"] for a in data["added"]] == ["entreprise-sociale-exemple-pour-l-habitat"]
    with store.read() as session:
        rows = session.exec(
            select(Landlord.slug, Presence.commune, Presence.count)
            .join(Landlord, col(Landlord.id) == col(Presence.landlord_id))
            .where(Presence.measure == "locaux")
            .order_by(col(Landlord.slug), col(Presence.commune))
        ).all()
    assert [tuple(r) for r in rows] == [
        ("entreprise-sociale-exemple-pour-l-habitat", "93048", 1),
        ("entreprise-sociale-exemple-pour-l-habitat", "93066", 1),
        ("paris-habitat", "75113", 1),
        ("paris-habitat", "75120", 3),
        ("toit-et-joie", "93066", 3),  # Saint-Denis + Pierrefitte (merged)
    ]
    new = landlord(store, "entreprise-sociale-exemple-pour-l-habitat")
    assert (new.kind, new.siren, new.to_verify, new.in_registry) == (
        "esh",
        "900000118",
        True,
        False,
    )


def test_dgfip_reimport_replaces_counts(run: Run, store: Store) -> None:
    run("import", "locaux-personnes-morales", str(DGFIP))
    before = snapshot(store)
    again = report(run, "locaux-personnes-morales", str(DGFIP))
    assert again["added"] == [] and again["unchanged"] == 3
    assert snapshot(store)[:4] == before[:4]


def test_dgfip_presence_feeds_territory_and_priority(run: Run) -> None:
    run("import", "locaux-personnes-morales", str(DGFIP))
    run("config", "territoires", "--commune", "Saint-Denis")
    data = json.loads(run("territoire", "Saint-Denis", "--json").stdout)
    assert [b["landlord"] for b in data["landlords"]] == [
        "entreprise-sociale-exemple-pour-l-habitat", "plaine-commune-habitat", "toit-et-joie",
    ]  # fmt: skip
    ranked = {i["landlord"]: i["priority"] for i in json.loads(run("next", "--json").stdout)}
    assert ranked["toit-et-joie"] == "haute"  # its premises in Saint-Denis (DGFiP)


# --- The association's spreadsheet ----------------------------------------------------


def test_spreadsheet_import_adds_completes_and_reports(run: Run, store: Store) -> None:
    data = report(run, "csv", str(SHEET), *SHEET_MAP)
    assert data["encoding"] == "windows-1252"
    assert [a["landlord"] for a in data["added"]] == ["office-nouveau-exemple"]
    assert {u["landlord"] for u in data["updated"]} == {"paris-habitat", "valophis-habitat"}
    assert data["unchanged"] == 1  # the repeated row
    assert data["near_misses"] == [
        {"line": 4, "name": "Toit et Joye", "candidate": "toit-et-joie", "score": 88.9}
    ]
    reasons = {r["line"]: r["reason"] for r in data["rejected"]}
    # Errors name the user's column (accents from Windows-1252 kept), not a CLI option.
    assert reasons[5].startswith(
        "colonne « Courriel » : « jn.cote@exemple » n'est pas une adresse e-mail valide"
    )
    assert reasons[8] == "colonne « Ville » : commune « Atlantide » inconnue en Île-de-France"
    assert reasons[9] == "nom du bailleur vide"
    with store.read() as session:
        people = session.exec(select(Person.name, Person.phone, Person.source)).all()
        declared = session.exec(
            select(Presence.commune).where(Presence.origin == "utilisateur")
        ).all()
        names = set(session.exec(select(Landlord.name)).all())
    assert sorted(tuple(p) for p in people) == [
        ("Awa Diallo", "01 23 45 67 89", "import tableur_association.csv"),
        ("Éloïse Martin", "06 12 34 56 78", "import tableur_association.csv"),
    ]
    assert sorted(declared) == ["75120", "93066", "94081"]
    assert "Résidence Exemple Sociale" not in names and "Toit et Joye" not in names


def test_spreadsheet_xlsx(run: Run, store: Store, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Bailleurs"
    sheet.append(["nom", "siren", "personne", "email"])
    sheet.append(["RIVP", None, "Inès Bernard", "ines.bernard@rivp.example"])
    sheet.append(["Nouvelle Coopérative Exemple", 900000092, None, None])
    path = tmp_path / "suivi.xlsx"
    book.save(path)
    data = report(run, "csv", str(path), "--feuille", "Bailleurs")
    assert data["encoding"] == "xlsx"
    assert [a["landlord"] for a in data["added"]] == ["nouvelle-cooperative-exemple"]
    assert landlord(store, "nouvelle-cooperative-exemple").siren == "900000092"
    missing = run("import", "csv", str(path), "--feuille", "Feuil9")
    assert (
        missing.stderr
        == "Erreur : --feuille : « Feuil9 » absente de suivi.xlsx ; feuilles : Bailleurs.\n"
    )


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (
            "Bailleur Courriel\nRIVP a@b.fr\n",
            [],
            "Erreur : tableur.csv : une seule colonne lue ; séparateur non reconnu "
            "(attendu « ; », « , » ou tabulation).\n",
        ),
        (
            "Bailleur;Courriel\nRIVP;a@b.fr\n",
            ["--map", "nom=Organisme"],
            "Erreur : --map nom : colonne « organisme » absente de tableur.csv ; colonnes lues : "
            "« Bailleur », « Courriel ».\n",
        ),
        (
            "Bailleur;Courriel\nRIVP;a@b.fr\n",
            ["--map", "ville=Bailleur"],
            "Erreur : --map : champ « ville » inconnu ; champs possibles : nom, siren, sigle, "
            "nature, adresse, site, groupe, commune, note, personne, fonction, email, telephone.\n",
        ),
        (
            "Bailleur;Bailleur\nRIVP;RIVP\n",
            [],
            "Erreur : tableur.csv : colonne « Bailleur » en double ; renommez l'une des deux.\n",
        ),
    ],
)
def test_spreadsheet_bad_input(
    run: Run, store: Store, tmp_path: Path, content: str, args: list[str], message: str
) -> None:
    path = tmp_path / "tableur.csv"
    path.write_text(content, encoding="utf-8")
    before = snapshot(store)
    result = run("import", "csv", str(path), *args)
    assert (result.exit_code, result.stderr) == (1, message)
    assert snapshot(store) == before


def test_an_error_late_in_the_file_leaves_nothing_half_imported(
    run: Run, store: Store, tmp_path: Path
) -> None:
    # Accents on every line: a UTF-8 file whose last line is in Windows-1252.
    good = "".join(f"Société Exemple {i};contact{i}@exemple.fr\n" for i in range(3000))
    path = tmp_path / "mixte.csv"
    path.write_bytes(("nom;email\n" + good).encode("utf-8") + "Fin;é\n".encode("cp1252"))
    before = snapshot(store)
    result = run("import", "csv", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        "Erreur : mixte.csv, ligne 3002 : encodage mixte ; réenregistrez le fichier en UTF-8.\n"
    )
    assert snapshot(store) == before
    assert before[0] == REGISTRY_SIZE


def test_import_of_a_missing_file(run: Run) -> None:
    result = run("import", "sirene", "introuvable.csv")
    assert result.exit_code == 1
    assert (
        result.stderr == "Erreur : fichier « introuvable.csv » introuvable ; vérifiez le chemin.\n"
    )


def test_human_report(run: Run) -> None:
    result = run("import", "sirene", str(SIRENE_CSV), "--dry-run")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "Import SIRENE (StockUniteLegale_extrait.csv ; utf-8, séparateur « , ») : "
        "11 lignes lues, 5 retenues.",
        "Simulation : 2 ajoutés, 3 complétés, aucun inchangé, 6 rejetés, aucun proche, "
        "1 conflit ; rien n'a été enregistré.",
    ]
    lines = result.stdout.splitlines()
    assert (
        "conflit   ligne 11  elogie-siemp, nature : « SEM » gardé, le fichier dit « ESH »" in lines
    )
    # Fields in French; --json keeps their stable names.
    assert (
        "complété  toit-et-joie  Toit et Joie (SIREN, nature, catégorie juridique, "
        "forme juridique, identité confirmée, autres noms, rapproché par nom)"
    ) in lines


# --- Hostile files (issue 9) ----------------------------------------------------------


def zip_bomb(path: Path, member: str, megabytes: int, *, level: int = 9) -> Path:
    """A real zip bomb: ``megabytes`` Mo of zeros deflated into ``member`` of ``path``
    (appended, so a real workbook can carry it). Written by chunks: memory stays small."""
    chunk = bytes(1_000_000)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=level) as archive,
        archive.open(member, "w", force_zip64=True) as stream,
    ):
        for _ in range(megabytes):
            stream.write(chunk)
    return path


def workbook(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["nom", "siren"])
    sheet.append(["Nouvelle Coopérative Exemple", "900000092"])
    book.save(path)
    return path


@pytest.fixture
def nothing_inflated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading any member of any archive fails the test: a bomb is refused unread."""

    def inflate(*_: object) -> bytes:
        raise AssertionError("a member was inflated")

    monkeypatch.setattr(zipfile.ZipExtFile, "read", inflate)
    monkeypatch.setattr(zipfile.ZipExtFile, "read1", inflate)


@pytest.mark.usefixtures("nothing_inflated")
def test_xlsx_bomb_is_refused_before_openpyxl_reads_it(
    run: Run, store: Store, tmp_path: Path
) -> None:
    # 210 Mo of zeros (about 1 Mo on disk at level 1) beside a real workbook.
    path = zip_bomb(workbook(tmp_path / "bombe.xlsx"), "xl/worksheets/sheet2.xml", 210, level=1)
    before = snapshot(store)
    result = run("import", "csv", str(path))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Erreur : bombe.xlsx : 211 Mo une fois décompressé, au-delà de la limite de 200 Mo "
        "pour un classeur XLSX ; enregistrez-le en CSV.\n"
    )  # 211: the workbook's own parts come on top of the 210 Mo of zeros
    assert snapshot(store) == before


@pytest.mark.usefixtures("nothing_inflated")
def test_zip_of_csv_bomb_is_refused_before_reading(run: Run, store: Store, tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "locaux.zip", "locaux_pm_93.csv", 510, level=1)
    before = snapshot(store)
    result = run("import", "locaux-personnes-morales", str(path))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Erreur : locaux.zip : 510 Mo une fois décompressé, au-delà de la limite de 500 Mo "
        "pour une archive ZIP ; décompressez-la et importez le CSV qu'elle contient.\n"
    )
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("name", "member", "fix"),
    [
        ("bombe.xlsx", "xl/worksheets/sheet2.xml", "enregistrez-le en CSV"),
        ("bombe.zip", "export.csv", "décompressez-la et importez le CSV qu'elle contient"),
    ],
)
@pytest.mark.usefixtures("nothing_inflated")
def test_a_member_inflating_a_thousand_times_is_refused(
    run: Run, store: Store, tmp_path: Path, name: str, member: str, fix: str
) -> None:
    # 20 Mo of zeros: under the size limits, but no real file shrinks a thousand times.
    path = tmp_path / name
    if name.endswith(".xlsx"):
        workbook(path)
    zip_bomb(path, member, 20)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    ratio = info.file_size // info.compress_size
    assert ratio > 900
    before = snapshot(store)
    result = run("import", "csv", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Erreur : {name} : « {member} » grossit {ratio} fois à la décompression (100 au plus) : "
        f"bombe de décompression probable ; si le fichier est sûr, {fix}.\n"
    )
    assert snapshot(store) == before


def test_a_member_lying_about_its_size_is_an_error(run: Run, store: Store, tmp_path: Path) -> None:
    """The size checks trust the declared sizes: zipfile inflates no further, so a lie
    (a small declared size on a big member) ends in a CRC error, said in French."""
    path = tmp_path / "menteur.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export.csv", "nom;email\n" + "Office;a@b.fr\n" * 200_000)
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local, central
        struct.pack_into("<I", data, data.find(signature) + offset, 1000)
    path.write_bytes(data)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("export.csv").file_size == 1000
    before = snapshot(store)
    result = run("import", "csv", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        "Erreur : menteur.zip:export.csv : archive ZIP abîmée ; téléchargez-la de nouveau.\n"
    )
    assert snapshot(store) == before


def mixed(majority: str, odd: str, odd_line: int) -> bytes:
    """A CSV in ``majority`` whose line ``odd_line`` is in ``odd`` (accents on every line)."""
    lines = ["nom;email\n"] + [f"Société n°{i};contact{i}@exemple.fr\n" for i in range(2, 61)]
    return b"".join(
        line.encode(odd if number == odd_line else majority)
        for number, line in enumerate(lines, start=1)
    )


@pytest.mark.parametrize(
    ("majority", "odd"), [("utf-8", "cp1252"), ("cp1252", "utf-8")], ids=["utf8", "cp1252"]
)
def test_mixed_encodings_are_refused_at_the_odd_line(
    run: Run, store: Store, tmp_path: Path, majority: str, odd: str
) -> None:
    path = tmp_path / "mixte.csv"
    path.write_bytes(mixed(majority, odd, 37))
    before = snapshot(store)
    result = run("import", "csv", str(path), "--dry-run")
    assert result.exit_code == 1
    assert result.stderr == (
        "Erreur : mixte.csv, ligne 37 : encodage mixte ; réenregistrez le fichier en UTF-8.\n"
    )
    assert snapshot(store) == before
    assert result.stdout == ""  # no report of garbled names


def test_windows_1252_file_still_imports(run: Run, store: Store, tmp_path: Path) -> None:
    names = ["Résidences de l’Yonne", "Foyer « Été » Rémois", "Œuvre Coopérative Française"]
    path = tmp_path / "excel.csv"
    path.write_bytes("".join(f"{n};\n" for n in ["Nom", *names]).encode("cp1252"))
    data = report(run, "csv", str(path))
    assert data["encoding"] == "windows-1252"
    assert [a["name"] for a in data["added"]] == names
    with store.read() as session:
        stored = session.exec(select(Landlord.name).where(col(Landlord.name).in_(names))).all()
    assert sorted(stored) == sorted(names)


LONG_NAME = "Office " + "x" * 233  # 240 characters


def test_names_too_long_are_rejected_row_by_row(run: Run, store: Store, tmp_path: Path) -> None:
    assert len(LONG_NAME) == 240
    sheet = tmp_path / "tableur.csv"
    sheet.write_text(
        f"Bailleur;Contact\n{LONG_NAME};\nOffice Court Exemple;{LONG_NAME}\n"
        "Nouvel Office Exemple;Awa Diallo\n",
        encoding="utf-8",
    )
    data = report(run, "csv", str(sheet), "--map", "nom=Bailleur", "--map", "personne=Contact")
    too_long = "240 caractères, au-delà de la limite de 200 ; raccourcissez-le"
    assert [(r["line"], r["reason"]) for r in data["rejected"]] == [
        (2, f"colonne « Bailleur » : {too_long}"),
        (3, f"colonne « Contact » : {too_long}"),
    ]
    assert [a["landlord"] for a in data["added"]] == ["nouvel-office-exemple"]
    sirene = tmp_path / "sirene.csv"
    sirene.write_text(
        "siren,denominationUniteLegale,categorieJuridiqueUniteLegale\n"
        f"900000092,{LONG_NAME},7371\n",
        encoding="utf-8",
    )
    data = report(run, "sirene", str(sirene))
    assert data["rejected"] == [{"line": 2, "value": "900000092", "reason": f"nom : {too_long}"}]
    with store.read() as session:
        assert session.exec(select(Landlord).where(Landlord.name == LONG_NAME)).first() is None
        assert session.exec(select(Person).where(Person.name == LONG_NAME)).first() is None


def _spreadsheet(path: Path, rows: int, *, odd_line: int | None = None) -> Path:
    """A real association spreadsheet of distinct landlords, each with a person."""
    import random
    import string

    rng = random.Random(7)

    def word() -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(7)).capitalize()

    lines = ["Nom;Personne;Email;Commune"]
    for i in range(rows):
        lines.append(f"{word()} {word()} {word()};Émile {word()};p{i}@exemple.org;Saint-Denis")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if odd_line is not None:  # one line saved by another program, in Windows-1252
        raw = data.split(b"\n")
        raw[odd_line - 1] = raw[odd_line - 1].replace("Émile".encode(), "Émile".encode("cp1252"))
        data = b"\n".join(raw)
    path.write_bytes(data)
    return path


def _bailleurs(db_url: str, home: Path, *args: str) -> Any:
    import subprocess
    import sys

    env = {**os.environ, "BAILLEURS_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "bailleurs_cli", "--db", db_url, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _count(store: Store, table: Any) -> int:
    with store.read() as session:
        return int(session.exec(select(func.count()).select_from(table)).one())


def test_a_long_import_commits_in_steps_and_resumes_after_a_kill(
    run: Run, store: Store, db_url: str, home: Path, tmp_path: Path
) -> None:
    """Other writers get their turn between steps of 500 rows; a killed import is
    resumed by the same command after its last committed row (issue 9)."""
    import signal
    import time

    sheet = _spreadsheet(tmp_path / "suivi.csv", 1_500)
    args = ("import", "csv", str(sheet))
    first = _bailleurs(db_url, home, *args)
    try:
        deadline = time.monotonic() + 60
        while _count(store, Landlord) < REGISTRY_SIZE + 500 and time.monotonic() < deadline:
            assert first.poll() is None
            time.sleep(0.01)
        # A step is committed while the import runs: another writer can write now.
        assert first.poll() is None
        contact = run("contact", "rivp", "--channel", "email", "--summary", "Pendant l'import")
        assert contact.exit_code == 0, contact
    finally:  # a failed assertion must not leave the import running
        first.send_signal(signal.SIGKILL)
        first.wait()
    kept = _count(store, Landlord) - REGISTRY_SIZE
    assert 500 <= kept < 1_500 and kept % 500 == 0
    history = json.loads(run("import", "historique", "--json").stdout)
    assert history[0]["finished"] is False
    assert history[0]["stopped_after_line"] == kept + 1  # the header is line 1
    assert "interrompu après la ligne" in run("import", "historique").stdout

    again = run(*args)
    assert again.exit_code == 0, again
    assert (
        "Reprise de l'import interrompu de ce fichier : les lignes jusqu'à la "
        f"{kept + 1} étaient déjà enregistrées" in again.stderr
    )
    assert _count(store, Landlord) == REGISTRY_SIZE + 1_500  # no row twice, none lost
    assert _count(store, Person) == 1_500
    [record] = json.loads(run("import", "historique", "--json").stdout)
    assert record["finished"] is True
    assert record["rows"] == 1_500
    assert record["counts"]["added"] == 1_500


def test_a_malformed_line_late_in_a_long_import_writes_nothing(
    run: Run, store: Store, tmp_path: Path
) -> None:
    """Steps are committed as they go, so the whole file is read first."""
    sheet = _spreadsheet(tmp_path / "suivi.csv", 1_500, odd_line=1_200)
    before = snapshot(store)
    result = run("import", "csv", str(sheet))
    assert result.exit_code == 1
    assert result.stderr == (
        "Erreur : suivi.csv, ligne 1200 : encodage mixte ; réenregistrez le fichier en UTF-8.\n"
    )
    assert snapshot(store) == before
    assert _count(store, ImportRun) == 0


def test_sirene_capitals_and_a_full_address_line(run: Run, tmp_path: Path) -> None:
    """The register writes names and streets in capitals, and the API's « adresse »
    repeats postcode and city: a created landlord gets French case and one street line;
    a known landlord keeps its registry name."""
    answer = {
        "results": [
            {
                "siren": "900000126",
                "nom_raison_sociale": "OFFICE EXEMPLE DE L'HABITAT DE BOBIGNY",
                "nature_juridique": "7371",
                "etat_administratif": "A",
                "siege": {
                    "adresse": "2 RUE HECTOR BERLIOZ 93000 BOBIGNY",
                    "code_postal": "93000",
                    "libelle_commune": "BOBIGNY",
                },
            },
            {
                "siren": "900000209",
                "nom_raison_sociale": "SEINE-SAINT-DENIS HABITAT",
                "nature_juridique": "7371",
                "etat_administratif": "A",
                "siege": {"code_postal": "93000", "libelle_commune": "BOBIGNY"},
            },
        ]
    }
    path = tmp_path / "recherche.json"
    path.write_text(json.dumps(answer), encoding="utf-8")
    assert run("import", "sirene", str(path)).exit_code == 0
    listed = {r["name"]: r for r in json.loads(run("list", "--json").stdout)}
    assert "Office Exemple de l'Habitat de Bobigny" in listed
    shown = json.loads(
        run("show", listed["Office Exemple de l'Habitat de Bobigny"]["landlord"], "--json").stdout
    )
    assert shown["address"] == "2 rue Hector Berlioz, 93000 Bobigny"
    assert "SEINE-SAINT-DENIS HABITAT" not in listed
    ssd = json.loads(run("show", "seine-saint-denis-habitat", "--json").stdout)
    assert (ssd["name"], ssd["siren"]) == ("Seine-Saint-Denis Habitat", "900000209")
