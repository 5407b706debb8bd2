"""Letters and conventions, read back as a user would: python-docx, email, the store."""

from __future__ import annotations

import email
import email.policy
import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from sqlmodel import select

from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import Exchange, Landlord, Partnership

from .conftest import REGISTRY_SIZE, Run, built_once, configure

IDENTITY = {
    "association.nom": "Les Ateliers & Co <Paris>",
    "association.forme": "association loi 1901",
    "association.adresse": "12 rue de la République, 92120 Montrouge",
    "association.siret": "732 829 320 00074",
    "association.signataire": "Camille Martin",
    "association.signataire_titre": "présidente",
    "association.email": "contact@ateliers.example",
    "association.telephone": "01 23 45 67 89",
}


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """Where documents go: a folder of their own, not created in advance."""
    return tmp_path / "out"


@pytest.fixture
def identity(run: Run, home: Path, db_url: str) -> None:
    built_once("identity-documents", db_url, home, lambda: configure(run, IDENTITY))


def text(path: Path) -> str:
    """Every paragraph, table cell, header and footer of a .docx."""
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs + section.footer.paragraphs)
    return "\n".join(parts)


def test_letter_needs_the_association_identity(run: Run, out: Path) -> None:
    result = run("letter", "rivp", "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr == (
        "Erreur : identité de l'association incomplète : il manque association.nom, "
        "association.forme, association.adresse, association.siret, association.signataire, "
        "association.signataire_titre, association.email, association.telephone ; "
        'renseignez-la avec « bailleurs config set CLÉ "valeur" ».\n'
    )
    assert not out.exists() or list(out.iterdir()) == []


def test_config_set_validates_and_keeps_comments(run: Run, home: Path) -> None:
    (home / "config.toml").write_text("# mes réglages\n[suivi]\nhorizon_jours = 7\n")
    assert run("config", "set", "association.siret", "732 829 320 00074").exit_code == 0
    bad = run("config", "set", "association.siret", "123")
    assert bad.exit_code == 1
    assert bad.stderr == (
        "Erreur : association.siret : « 123 » invalide ; un SIRET a 14 chiffres (SIREN + NIC) "
        "dont le dernier est une clé de contrôle.\n"
    )
    unknown = run("config", "set", "association.couleur", "bleu")
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith(
        "Erreur : clé « association.couleur » inconnue ; clés possibles : "
    )
    saved = (home / "config.toml").read_text(encoding="utf-8")
    assert saved.startswith("# mes réglages\n")
    assert 'siret = "73282932000074"' in saved
    shown = run("config").stdout
    assert "association.siret" in shown and "73282932000074" in shown


def test_prospection_letter_reads_back(run: Run, identity: None, out: Path) -> None:
    run("person", "add", "rivp", "Awa Diallo", "--role", "Responsable DSU")
    result = run("letter", "rivp", "--out", str(out))
    assert result.exit_code == 0, result
    target = out / "rivp-prospection.docx"
    assert result.stdout == f"{target}\n"
    body = text(target)
    assert "Les Ateliers & Co <Paris>" in body  # escaped in XML, verbatim for the reader
    assert "À l'attention d'Awa Diallo, Responsable DSU" in body
    assert "13, avenue de la Porte d'Italie\nTSA 61371\n75621 Paris Cedex 13" in body
    assert "Montrouge, le 23 novembre 2026" in body
    assert (
        "Objet\u00a0: Proposition de partenariat autour d'ateliers éducatifs pour les "
        "enfants de vos résidences" in body
    )
    assert "notre démarche n'est pas une demande de logement" in body
    assert "abattement de 30\u202f% de la taxe foncière" in body
    assert "{{" not in body and "{%" not in body
    assert word_language(target) == "fr-FR"


def word_language(path: Path) -> str:
    """The language Word checks spelling in (the styles' default), after checking that
    the document's properties say the same and nothing about the tool that made it."""
    import zipfile
    from xml.etree import ElementTree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(path) as archive:
        styles = ElementTree.fromstring(archive.read("word/styles.xml"))
    language = styles.find(f"{w}docDefaults/{w}rPrDefault/{w}rPr/{w}lang")
    assert language is not None
    properties = Document(str(path)).core_properties
    assert (properties.language, properties.comments) == ("fr-FR", "")
    return str(language.get(f"{w}val"))


@pytest.mark.parametrize(
    "name",
    [
        "prospection",
        "relance",
        "remerciement",
        "bilan",
        "invitation",
        "convention-financiere",
        "convention-non-financiere",
    ],
)
def test_every_shipped_template_is_french_for_word(name: str) -> None:
    """Word and LibreOffice check spelling and hyphenate in the styles' language: en-US
    (python-docx's default) underlined every French word of every document."""
    templates = Path(__file__).resolve().parents[1] / "templates"
    assert word_language(templates / f"{name}.docx") == "fr-FR"


def test_bulk_letters_resume_without_rewriting(run: Run, identity: None, out: Path) -> None:
    args = [
        "letter",
        "--all",
        "--departement",
        "93",
        "--stage",
        "identifie",
        "--out",
        str(out),
    ]
    first = run(*args)
    # The three OPH of the 93 whose head office no source gives are named failures.
    assert first.exit_code == 1, first
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "est-ensemble-habitat-prospection.docx",
        "pantin-habitat-prospection.docx",
        "plaine-commune-habitat-prospection.docx",
        "valophis-habitat-prospection.docx",
    ]
    stamp = (out / names[0]).stat().st_mtime_ns
    again = run(*args)
    assert again.exit_code == 1
    assert again.stderr.splitlines()[-1] == (
        "aucun document écrit, 4 ignorés car existants (--force pour remplacer), 3 échecs."
    )
    assert (out / names[0]).stat().st_mtime_ns == stamp
    assert run(*args, "--force").stderr.splitlines()[-1].startswith("4 documents écrits")


def test_bulk_letters_on_both_cores(run: Run, identity: None, out: Path) -> None:
    result = run("letter", "--all", "--template", "relance", "--out", str(out))
    # Landlords listed from the Paris file have no head-office address yet.
    assert result.exit_code == 1, result
    files = sorted(out.glob("*.docx"))
    assert len(files) == 19
    # Efidis, absorbed, is not written to.
    assert result.stderr.splitlines()[-1] == (
        f"19 documents écrits, aucun ignoré, {REGISTRY_SIZE - 1 - 19} échecs."
    )
    assert "Adoma" in text(out / "adoma-relance.docx")
    assert not list(out.glob(".*"))  # no temporary file left


def test_dry_run_writes_nothing(run: Run, identity: None, out: Path) -> None:
    result = run("letter", "--all", "--stage", "identifie", "--dry-run", "--out", str(out))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"écrirait {out}/1001-vies-habitat-prospection.docx"
    assert result.stderr == (
        f"Simulation : 19 documents à écrire, {REGISTRY_SIZE - 1 - 19} échecs prévus, "
        "rien n'a été écrit.\n"
    )
    assert not out.exists() or list(out.iterdir()) == []


def test_missing_address_is_a_named_failure(run: Run, identity: None, out: Path) -> None:
    run("add", "Office Sans Adresse", "--kind", "oph")
    result = run("letter", "office-sans-adresse", "rivp", "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Échec : Office Sans Adresse (office-sans-adresse) — adresse du siège manquante ; "
        'complétez-la avec « bailleurs edit office-sans-adresse --adresse "…" ».',
        "1 document écrit, aucun ignoré, 1 échec.",
    ]
    assert [p.name for p in out.iterdir()] == ["rivp-prospection.docx"]


def test_log_records_each_letter_with_its_relaunch(
    run: Run, store: Store, identity: None, out: Path
) -> None:
    result = run("letter", "rivp", "--log", "--out", str(out))
    assert result.exit_code == 0, result
    with store.read() as session:
        rivp = session.exec(select(Landlord).where(Landlord.slug == "rivp")).one()
        [exchange] = session.exec(select(Exchange)).all()
    assert (exchange.channel, exchange.summary) == (
        "courrier",
        "Courrier « prospection » envoyé (rivp-prospection.docx)",
    )
    assert (rivp.stage, rivp.next_action, rivp.next_due) == (
        "contacte",
        "Relancer",
        date(2026, 12, 14),
    )


def test_log_says_which_planned_steps_its_relaunch_replaces(
    run: Run, identity: None, out: Path
) -> None:
    """A step the user planned for later is replaced by the letter's relaunch, as every
    logged exchange does: said, with the command that plans it again."""
    assert run("plan", "rivp", "2027-01-20", "Envoyer le bilan des ateliers").exit_code == 0
    assert run("plan", "adoma", "+3j", "Relancer").exit_code == 0  # a relaunch: nothing said
    one = run("letter", "rivp", "adoma", "--log", "--out", str(out))
    assert one.exit_code == 0, one
    warned = [line for line in one.stderr.splitlines() if line.startswith("Attention")]
    assert warned == [
        "Attention : l'étape prévue pour RIVP (« Envoyer le bilan des ateliers », 20/01/2027) "
        "est remplacée par la relance de ce courrier ; pour la garder : bailleurs plan rivp "
        '2027-01-20 "Envoyer le bilan des ateliers".'
    ]
    assert run("plan", "rivp", "2027-01-20", "Envoyer le bilan des ateliers").exit_code == 0
    assert run("plan", "paris-habitat", "2027-02-01", "Rencontre DSU").exit_code == 0
    both = run("letter", "rivp", "paris-habitat", "--template", "relance", "--log",
               "--out", str(out / "b"))  # fmt: skip
    assert both.exit_code == 0, both
    assert (
        "Attention : 2 étapes prévues sont remplacées par la relance de ces courriers : RIVP "
        "(« Envoyer le bilan des ateliers », 20/01/2027) ; Paris Habitat (« Rencontre DSU », "
        "01/02/2027) ; replanifiez-les avec bailleurs plan si besoin."
    ) in both.stderr.splitlines()


def test_a_prospection_to_a_landlord_in_talks_is_said(run: Run, identity: None, out: Path) -> None:
    """Written all the same (the user may mean it), but a partner does not receive a
    letter that introduces the association as to a stranger without a word."""
    assert run("stage", "rivp", "partenaire").exit_code == 0
    one = run("letter", "rivp", "--out", str(out))
    assert one.exit_code == 0, one
    assert (out / "rivp-prospection.docx").is_file()
    assert (
        "Attention : RIVP est à l'étape partenaire ; ce courrier de prospection lui présente "
        "l'association comme à un bailleur qui ne la connaît pas (--template relance ou "
        "remerciement ?)."
    ) in one.stderr.splitlines()
    assert run("stage", "adoma", "en_discussion").exit_code == 0
    both = run("letter", "rivp", "adoma", "paris-habitat", "--out", str(out / "b"))
    assert both.exit_code == 0, both
    assert (
        "Attention : 2 de ces bailleurs sont déjà en discussion, en proposition ou partenaires "
        "(RIVP, Adoma) ; ces courriers de prospection les abordent comme des bailleurs qui ne "
        "connaissent pas l'association."
    ) in both.stderr.splitlines()
    relance = run("letter", "rivp", "--template", "relance", "--out", str(out / "c"))
    assert "prospection" not in relance.stderr


def test_eml_drafts_parse_and_name_landlords_without_email(
    run: Run, identity: None, out: Path
) -> None:
    run("person", "add", "rivp", "Awa Diallo", "--email", "awa.diallo@example.org")
    result = run("letter", "rivp", "adoma", "--format", "eml", "--out", str(out))
    assert result.exit_code == 1
    assert (
        "Échec : Adoma (adoma) — aucun interlocuteur actif avec une adresse e-mail ; ajoutez-en "
        'un avec « bailleurs person add adoma "Nom" --email … ».'
    ) in result.stderr
    raw = (out / "rivp-prospection.eml").read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"] == "Awa Diallo <awa.diallo@example.org>"
    assert message["From"] == '"Les Ateliers & Co <Paris>" <contact@ateliers.example>'
    assert str(message["Subject"]).startswith("Proposition de partenariat")
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and "pas une demande de logement" in body.get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "rivp-prospection.docx"


def test_convention_records_the_partnership(
    run: Run, store: Store, identity: None, out: Path
) -> None:
    run("person", "add", "rivp", "Awa Diallo")
    result = run(
        "convention",
        "rivp",
        "--contribution",
        "locaux=800",
        "--contribution",
        "communication=400",
        "--site",
        "Centre social Belleville, Paris 20e",
        "--debut",
        "2027-02-10",
        "--fin",
        "2027-02-14",
        "--valeur",
        "1200",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result
    target = out / "rivp-convention-non-financiere-2027-001.docx"
    assert result.stdout == f"{target}\n"
    body = text(target)
    assert "Convention de partenariat non financier" in body
    assert "Mise à disposition de locaux\u00a0: prêt gracieux" in body
    assert "800\u00a0€" in body and "1\u202f200\u00a0€" in body
    assert "Article 8 – Assurance des locaux" in body
    assert "Article 9 – Durée, renouvellement et résiliation" in body
    assert "du 10 au 14 février 2027" in body
    assert "Pour le bailleur\u00a0: Awa Diallo" in body
    with store.read() as session:
        [record] = session.exec(select(Partnership)).all()
    assert (record.kind, record.status, record.in_kind_cents, record.sites) == (
        "non_financier",
        "brouillon",
        120000,
        ["Centre social Belleville, Paris 20e"],
    )
    assert record.contributions == [
        {"kind": "locaux", "cents": 80000},
        {"kind": "communication", "cents": 40000},
    ]
    assert run("convention", "rivp", "--status", "signee").exit_code == 0
    shown = json.loads(run("show", "rivp", "--json").stdout)["partnerships"]
    assert [(p["status"], p["in_kind_value"]) for p in shown] == [("signee", 1200.0)]


def test_convention_without_premises_has_no_insurance_clause(
    run: Run, identity: None, out: Path
) -> None:
    result = run(
        "convention",
        "rivp",
        "--contribution",
        "mobilisation",
        "--site",
        "Paris 20e",
        "--debut",
        "2027-02-10",
        "--fin",
        "2027-02-14",
        "--referent-bailleur",
        "Jean Martin",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result
    body = text(next(out.glob("*.docx")))
    assert "Assurance" not in body
    assert "Article 8 – Durée, renouvellement et résiliation" in body
    # One contribution, valued by no one: said in the singular, and no « valorisation ».
    assert "sans contrepartie financière, la contribution suivante\u00a0:" in body
    assert (
        "autour des ateliers éducatifs organisés pendant les vacances scolaires pour les "
        "enfants de 6 à 11 ans\u00a0: les contributions de chacun et le bilan remis au "
        "bailleur." in body
    )
    assert "valeur de" not in body


def test_financial_convention(run: Run, identity: None, out: Path) -> None:
    result = run(
        "convention",
        "rivp",
        "--type",
        "financier",
        "--montant",
        "3000",
        "--site",
        "Paris 20e",
        "--debut",
        "2027-07-05",
        "--fin",
        "2027-07-09",
        "--referent-bailleur",
        "Jean Martin",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result
    body = text(out / "rivp-convention-financiere-2027-001.docx")
    assert "participation de 3\u202f000\u00a0€" in body
    assert "Échéancier\u00a0: 70\u202f% à la signature" in body


def test_convention_amount_above_the_ceiling(run: Run, store: Store, identity: None) -> None:
    result = run("convention", "rivp", "--type", "financier", "--montant", "30000000",
                 "--site", "Paris 20e", "--debut", "2027-07-05", "--fin", "2027-07-09",
                 "--referent-bailleur", "Jean Martin")  # fmt: skip
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Erreur : --montant : « 30000000 » dépasse le plafond de 10 000 000 € ; vérifiez le "
        "montant.\n"
    )
    with store.read() as session:
        assert session.exec(select(Partnership)).all() == []


def test_convention_lists_what_is_missing(run: Run, store: Store, identity: None) -> None:
    result = run("convention", "adoma", "--contribution", "locaux")
    assert result.exit_code == 1
    assert result.stderr == (
        "Erreur : convention pour Adoma : il manque --site, --debut, --fin, --referent-bailleur "
        "(ou un interlocuteur : bailleurs person add adoma …) ; voir « bailleurs convention "
        "--help ».\n"
    )
    with store.read() as session:
        assert session.exec(select(Partnership)).all() == []


def test_templates_variables_and_list(run: Run) -> None:
    listed = run("templates", "list").stdout
    assert "convention-non-financiere" in listed and "prospection" in listed
    variables = run("templates", "variables", "convention-non-financiere").stdout
    assert "{{ convention.contributions }}" in variables
    assert "{{ association.signataire }}" in variables


def test_one_table_of_document_kinds() -> None:
    """``doc_kinds`` names every shipped template: each is made by make_templates.py,
    lies in templates/, ships in the wheel, and its kind's builder makes its context."""
    import importlib.util
    import inspect
    import tomllib

    from bailleurs_cli.documents import kinds

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location(
        "make_templates", root / "templates" / "make_templates.py"
    )
    assert spec is not None and spec.loader is not None
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    shipped = set(kinds.BUILTIN)
    assert set(maker.MAKERS) == shipped
    assert {p.stem for p in (root / "templates").glob("*.docx")} == shipped
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert {Path(k).stem for k in wheel if k.startswith("templates/")} == shipped
    for kind in kinds.KINDS.values():
        assert all(t.kind == kind.slug for t in kind.templates), kind.slug
        builder = kind.build_function()
        module = inspect.getmodule(builder)
        assert module is not None
        assert f"contexts.{kind.context.__name__}(" in inspect.getsource(module)
        assert kinds.info_for(f"{kind.slug}-perso").kind == kind.slug
    assert kinds.info_for("mon-courrier").kind == kinds.DEFAULT_KIND


def test_variables_of_an_unknown_template(run: Run) -> None:
    result = run("templates", "variables", "nope")
    assert (result.exit_code, result.stdout) == (6, "")
    assert result.stderr == (
        "Erreur : modèle « nope » introuvable ; voir « bailleurs templates list ».\n"
    )


LETTER = "« relance » est un modèle de courrier ; utilisez « bailleurs letter »"


@pytest.mark.parametrize(
    ("command", "other", "wrong_kind"),
    [
        ("letter", "bilan", "« bilan » est un modèle de bilan ; utilisez « bailleurs bilan »"),
        ("bilan", "relance", LETTER),
        ("convention", "relance", LETTER),
    ],
)
def test_a_template_is_found_before_its_kind_is_checked(
    run: Run, store: Store, identity: None, out: Path, command: str, other: str, wrong_kind: str
) -> None:
    """A missing or misspelt name is said as such, by every command that renders one
    (``doc_kinds.checked_template``); only a template that exists is of the wrong kind."""
    args = {
        "letter": ["letter", "rivp", "--out", str(out)],
        "bilan": ["bilan", "rivp", "--out", str(out)],
        "convention": ["convention", "rivp", "--contribution", "locaux", "--site", "Paris 20e",
                       "--debut", "2027-02-10", "--fin", "2027-02-14",
                       "--referent-bailleur", "Awa", "--out", str(out)],
    }[command]  # fmt: skip
    missing = run(*args, "--template", "nope")
    assert (missing.exit_code, missing.stderr) == (
        6,
        "Erreur : modèle « nope » introuvable ; voir « bailleurs templates list ».\n",
    )
    misspelt = run(*args, "--template", "Bad Name")
    assert misspelt.stderr == (
        "Erreur : --template : « Bad Name » n'est pas un nom de modèle (lettres minuscules, "
        "chiffres et tirets) ; voir « bailleurs templates list ».\n"
    )
    wrong = run(*args, "--template", other)
    assert wrong.stderr == f"Erreur : --template : {wrong_kind}.\n"
    assert not out.exists()  # not even an empty folder
    with store.read() as session:
        assert session.exec(select(Partnership)).all() == []


def test_export_then_check_an_edited_template(run: Run, tmp_path: Path, home: Path) -> None:
    folder = tmp_path / "modeles"
    exported = run("templates", "export", str(folder))
    assert exported.exit_code == 0, exported
    assert f'dossier = "{folder}"' in (home / "config.toml").read_text()
    assert run("templates", "check", str(folder / "prospection.docx")).exit_code == 0
    document = Document(str(folder / "prospection.docx"))
    paragraph = next(p for p in document.paragraphs if p.text == "{{ appel }},")
    paragraph.runs[0].text = "{{ bailleur.nom|upper }} {{ bailleur.couleur }} {{ “x” }} {{ oubli"
    document.save(str(folder / "prospection.docx"))
    result = run("templates", "check", str(folder / "prospection.docx"))
    assert result.exit_code == 6
    lines = result.stderr.splitlines()
    assert any("guillemets typographiques dans la balise « {{ “x” }} »" in line for line in lines)
    assert any("balise {{ … }} non refermée" in line for line in lines)


def test_unknown_variable_is_named(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "modeles"
    run("templates", "export", str(folder))
    document = Document(str(folder / "relance.docx"))
    document.paragraphs[-1].add_run("{{ bailleur.couleur }}{{ inconnue }}")
    document.save(str(folder / "relance.docx"))
    result = run("templates", "check", str(folder / "relance.docx"))
    assert result.exit_code == 6
    assert "variable inconnue « bailleur.couleur »" in result.stderr
    assert "variable inconnue « inconnue »" in result.stderr


def test_pdf_without_libreoffice(run: Run, store: Store, identity: None, out: Path) -> None:
    nowhere = {"PATH": str(out.parent / "nowhere")}
    line = (
        "Erreur : --pdf : LibreOffice introuvable ; installez le paquet Debian "
        "libreoffice-writer-nogui (sudo apt install libreoffice-writer-nogui) ou retirez --pdf.\n"
    )
    result = run("letter", "rivp", "--pdf", "--out", str(out), env=nowhere)
    assert (result.exit_code, result.stderr) == (8, line)  # an outside program is missing
    assert not out.exists() or list(out.iterdir()) == []
    run("person", "add", "rivp", "Awa Diallo")
    convention = run("convention", "rivp", "--contribution", "locaux", "--site", "Paris 20e",
                     "--debut", "2027-02-10", "--fin", "2027-02-14", "--pdf", "--out", str(out),
                     env=nowhere)  # fmt: skip
    assert (convention.exit_code, convention.stderr) == (8, line)
    assert not out.exists() or list(out.iterdir()) == []
    with store.read() as session:
        assert session.exec(select(Partnership)).all() == []


def _add_paragraph(path: Path, text: str) -> int:
    """Add a paragraph holding ``text`` at the end of a template's body; its number."""
    document = Document(str(path))
    document.add_paragraph(text)
    document.save(str(path))
    return len(document.paragraphs)


def test_unknown_filter_is_one_french_line(
    run: Run, identity: None, tmp_path: Path, out: Path
) -> None:
    folder = tmp_path / "modeles"
    run("templates", "export", str(folder))
    template = folder / "prospection.docx"
    number = _add_paragraph(template, "Madame {{ bailleur.nom|majuscules }},")
    line = (
        f"Erreur : modèle prospection.docx, paragraphe {number} « Madame "
        "{{ bailleur.nom|majuscules }}, » : filtre inconnu « majuscules » ; filtres possibles : "
        "date_lettre, date_longue, montant et ceux de Jinja (upper, lower, capitalize, title, "
        "trim, replace, default, join…).\n"
    )
    checked = run("templates", "check", str(template))
    assert (checked.exit_code, checked.stderr) == (6, line)
    letter = run("letter", "rivp", "--out", str(out))
    assert (letter.exit_code, letter.stdout, letter.stderr) == (6, "", line)
    assert not out.exists()


def test_a_close_filter_name_is_suggested(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "modeles"
    run("templates", "export", str(folder))
    number = _add_paragraph(folder / "relance.docx", "{{ bailleur.nom|montnt }}")
    result = run("templates", "check", str(folder / "relance.docx"))
    assert result.exit_code == 6
    assert result.stderr.startswith(
        f"Erreur : modèle relance.docx, paragraphe {number} « {{{{ bailleur.nom|montnt }}}} » : "
        "filtre inconnu « montnt » (vouliez-vous dire « montant » ?) ; filtres possibles : "
    )


def test_unclosed_if_is_named_by_its_word_paragraph(
    run: Run, identity: None, tmp_path: Path, out: Path
) -> None:
    folder = tmp_path / "modeles"
    run("templates", "export", str(folder))
    template = folder / "relance.docx"
    number = _add_paragraph(template, "{%p if bailleur.groupe %}Madame, Monsieur,")
    line = (
        f"Erreur : modèle relance.docx, paragraphe {number} « {{%p if bailleur.groupe %}}Madame, "
        "Monsieur, » : bloc {% if %} jamais refermé ; ajoutez {%p endif %} là où il doit "
        "finir.\n"
    )
    checked = run("templates", "check", str(template))
    assert (checked.exit_code, checked.stderr) == (6, line)
    letter = run("letter", "rivp", "--template", "relance", "--out", str(out))
    assert (letter.exit_code, letter.stderr) == (6, line)
    assert not out.exists()


def test_a_tag_that_fails_while_filling_is_one_line(
    run: Run, store: Store, identity: None, tmp_path: Path, out: Path
) -> None:
    folder = tmp_path / "modeles"
    run("templates", "export", str(folder))
    _add_paragraph(folder / "convention-non-financiere.docx", "{{ convention.numero + 1 }}")
    result = run("convention", "rivp", "--contribution", "locaux", "--site", "Paris 20e",
                 "--debut", "2027-02-10", "--fin", "2027-02-14", "--referent-bailleur",
                 "Jean Martin", "--out", str(out))  # fmt: skip
    assert (result.exit_code, result.stdout) == (6, "")
    assert result.stderr == (
        "Erreur : modèle convention-non-financiere.docx : une balise n'a pas pu être remplie "
        '(can only concatenate str (not "int") to str) ; vérifiez les calculs et les filtres '
        "du modèle.\n"
    )
    assert list(out.iterdir()) == []
    with store.read() as session:
        assert session.exec(select(Partnership)).all() == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "{% endif %}Madame, Monsieur,",
            "balise {% endif %} sans {% if %} avant elle ; retirez-la ou ouvrez le bloc plus haut",
        ),
        (
            "{% for x in bailleur.adresse_lignes %}{% if x %}{{ x }}{% endfor %}",
            "{% endfor %} ferme un bloc {% for %} alors que le bloc {% if %} ouvert plus tôt "
            "dans ce paragraphe n'est pas refermé ; ajoutez {% endif %} avant",
        ),
        (
            "{% else %}Madame",
            "balise {% else %} hors d'un bloc {% if %} ; retirez-la ou ouvrez le bloc plus haut",
        ),
        (
            "{{ bailleur.nom + }}",
            "syntaxe incorrecte dans la balise « {{ bailleur.nom + }} » ; vérifiez parenthèses, "
            "guillemets et opérateurs",
        ),
    ],
    ids=["endif-seul", "croisement", "else-seul", "expression"],
)
def test_syntax_errors_are_french_and_located(
    run: Run, tmp_path: Path, text: str, problem: str
) -> None:
    folder = tmp_path / "modeles"
    run("templates", "export", str(folder))
    number = _add_paragraph(folder / "relance.docx", text)
    result = run("templates", "check", str(folder / "relance.docx"))
    shown = " ".join(text.split())
    shown = f"{shown[:60]}…" if len(shown) > 60 else shown
    assert (result.exit_code, result.stderr) == (
        6,
        f"Erreur : modèle relance.docx, paragraphe {number} « {shown} » : {problem}.\n",
    )


def test_letter_on_a_full_disk_writes_and_logs_nothing(
    run: Run, store: Store, identity: None, full_disk: Path
) -> None:
    result = run("letter", "rivp", "--log", "--out", str(full_disk))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Erreur : impossible d'écrire {full_disk}/rivp-prospection.docx (disque plein) ; "
        "libérez de la place ou choisissez un autre dossier avec --out.\n"
    )
    assert list(full_disk.iterdir()) == []  # no temporary file left either
    with store.read() as session:
        assert session.exec(select(Exchange)).all() == []


def test_convention_on_a_full_disk_records_nothing(
    run: Run, store: Store, identity: None, full_disk: Path
) -> None:
    result = run("convention", "rivp", "--contribution", "locaux", "--site", "Paris 20e",
                 "--debut", "2027-02-10", "--fin", "2027-02-14", "--referent-bailleur",
                 "Jean Martin", "--out", str(full_disk))  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        f"Erreur : impossible d'écrire {full_disk}/rivp-convention-non-financiere-2027-001.docx "
        "(disque plein) ; libérez de la place ou choisissez un autre dossier avec "
        "--out.\n"
    )
    assert list(full_disk.iterdir()) == []
    with store.read() as session:
        assert session.exec(select(Partnership)).all() == []


def test_config_set_on_a_full_disk_keeps_nothing(run: Run, full_disk: Path) -> None:
    result = run("config", "set", "association.nom", "Les Ateliers", env={
        "BAILLEURS_HOME": str(full_disk)})  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        f"Erreur : impossible d'écrire {full_disk}/config.toml (disque plein) ; "
        "libérez de la place ou vérifiez le dossier de configuration.\n"
    )
    assert list(full_disk.iterdir()) == []


def test_config_set_where_the_folder_cannot_be(run: Run, home: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    before = sorted(home.iterdir())
    result = run("config", "set", "association.nom", "Les Ateliers", env={
        "BAILLEURS_HOME": str(blocker / "maison")})  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        f"Erreur : impossible d'écrire {blocker}/maison/config.toml (un élément du chemin "
        "n'est pas un dossier) ; vérifiez le dossier de configuration.\n"
    )
    assert blocker.read_text() == "x" and sorted(home.iterdir()) == before


@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (CI installs it)",
)
def test_pdf_in_one_libreoffice_run(run: Run, identity: None, out: Path) -> None:
    result = run("letter", "rivp", "paris-habitat", "--pdf", "--out", str(out))
    assert result.exit_code == 0, result
    pdf = out / "rivp-prospection.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        extracted = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Les Ateliers & Co <Paris>" in extracted
        assert "75621 Paris Cedex 13" in extracted
    assert (out / "paris-habitat-prospection.pdf").is_file()


def test_output_folder_that_cannot_be_created(run: Run, identity: None, tmp_path: Path) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    result = run("letter", "rivp", "--out", str(blocker / "courriers"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Erreur : --out : impossible de créer le dossier {blocker / 'courriers'} (un élément "
        "du chemin n'est pas un dossier) ; choisissez un autre dossier.\n"
    )


def test_check_a_file_that_is_not_a_docx(run: Run, tmp_path: Path) -> None:
    fake = tmp_path / "prospection.docx"
    fake.write_text("pas un document")
    result = run("templates", "check", str(fake))
    assert result.exit_code == 6
    assert result.stderr == (
        "Erreur : modèle prospection.docx, fichier : ce n'est pas un document Word ; "
        "enregistrez-le au format .docx.\n"
    )


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait(condition: Any, seconds: float = 20.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return False


def test_killed_bulk_run_and_one_rerun_log_every_letter(
    run: Run, db_url: str, store: Store, identity: None, out: Path, home: Path
) -> None:
    """kill -9 during rendering leaves no worker behind; kill -9 while writing leaves
    letters without exchanges that the documented re-run logs (issue 9)."""
    import signal
    import sys

    args = [sys.executable, "-m", "bailleurs_cli", "--db", db_url, "letter", "--all",
            "--template", "relance", "--out", str(out), "--log"]  # fmt: skip
    env = {**os.environ, "BAILLEURS_HOME": str(home)}

    def exchanges() -> list[Exchange]:
        with store.read() as session:
            return list(session.exec(select(Exchange)).all())

    # 1. Killed while its workers render: the workers die with it.
    first = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait(lambda: len(_children(first.pid)) >= 2), "no worker started"
        workers = _children(first.pid)
    finally:  # a failed assertion must not leave the run going
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert _wait(lambda: not any(_alive(w) for w in workers), 5), "orphan workers"

    # 2. Killed while it writes and logs: some letters written, at most one unlogged.
    second = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait(lambda: out.is_dir() and any(out.glob("*.docx")))
    finally:
        second.send_signal(signal.SIGKILL)
        second.wait()
    written = len(list(out.glob("*.docx")))
    assert written >= 1
    assert len(exchanges()) in (written - 1, written)

    # 3. The documented re-run: every letter written and logged exactly once.
    again = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    letters = sorted(out.glob("*.docx"))
    logged = exchanges()
    assert len(letters) == 19, again.stderr
    assert len(logged) == len(letters)
    assert sorted(Path(e.document or "").name for e in logged) == [p.name for p in letters]
    assert not list(out.glob(".*"))  # no temporary file left
