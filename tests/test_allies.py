"""Joint approaches with allied associations and the yearly meeting (issue 10, §5–6):
``allie add/list``, ``letter --avec`` read back with python-docx and the email
package, ``show``'s joint approaches, ``rencontre``'s invitations and its ICS event
parsed with icalendar."""

from __future__ import annotations

import email
import email.policy
import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from icalendar import Calendar
from sqlmodel import select

from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import Ally, Exchange, Landlord

from .conftest import Run, built_once, configure, plain_spaces
from .test_letters_french import IDENTITY

ALLY = "Les Petits Débrouillards IDF"
ADD = ["allie", "add", ALLY, "--contact", "Jeanne Roux", "--email", "idf@debrouillards.example",
       "--telephone", "01.45.67.89.10", "--territoire", "93", "--territoire", "75"]  # fmt: skip
LATER = {"BAILLEURS_TODAY": "2027-03-10"}


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out"


@pytest.fixture
def identity(run: Run, home: Path, db_url: str) -> None:
    built_once("identity-allies", db_url, home, lambda: configure(run, IDENTITY))


@pytest.fixture
def ally(run: Run) -> None:
    added = run(*ADD)
    assert added.exit_code == 0, added


def paragraphs(path: Path) -> list[tuple[str, bool]]:
    """Each paragraph's text (plain spaces) and whether it is right-aligned."""
    return [
        (plain_spaces(p.text), p.alignment == WD_ALIGN_PARAGRAPH.RIGHT)
        for p in Document(str(path)).paragraphs
    ]


# --- allie add, allie list ------------------------------------------------------------


def test_add_and_list_allies(run: Run, store: Store) -> None:
    added = run(*ADD, "--signataire", "Paul Martin")
    assert added.exit_code == 0, added
    assert added.stderr == (
        f"Association alliée ajoutée : {ALLY} (les-petits-debrouillards-idf) ; pour un courrier "
        "commun : bailleurs letter BAILLEUR --avec les-petits-debrouillards-idf\n"
    )
    assert json.loads(run("allie", "list", "--json").stdout) == [
        {
            "ally": "les-petits-debrouillards-idf",
            "name": ALLY,
            "contact": "Jeanne Roux",
            "email": "idf@debrouillards.example",
            "phone": "01 45 67 89 10",
            "departements": ["75", "93"],
            "signatory": "Paul Martin",
        }
    ]
    listed = run("allie", "list").stdout.splitlines()
    assert listed[1].split("  ")[0] == ALLY
    assert "Paris et Seine-Saint-Denis" in listed[1]
    with store.read() as session:
        assert [a.name for a in session.exec(select(Ally)).all()] == [ALLY]


def test_no_ally_yet(run: Run) -> None:
    empty = run("allie", "list")
    assert (empty.exit_code, empty.stdout) == (0, "")
    assert empty.stderr.startswith("Aucune association alliée ; exemple : bailleurs allie add")
    assert json.loads(run("allie", "list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--contact", "X"],
         f"NOM : l'association « {ALLY} » est déjà enregistrée (les-petits-debrouillards-idf) "
         "; voir « bailleurs allie list »."),
        (["--contact", "X", "--telephone", "123"],
         "--telephone : « 123 » n'est pas un numéro français ; attendu 10 chiffres "
         "(01 23 45 67 89) ou +33 1 23 45 67 89."),
        (["--contact", "X", "--territoire", "13"],
         "--territoire : « 13 » n'est pas un département d'Île-de-France ; valeurs possibles : "
         "75, 77, 78, 91, 92, 93, 94, 95."),
        (["--contact", " "], "--contact : valeur vide ; donnez un texte."),
    ],
)  # fmt: skip
def test_bad_ally_input_adds_nothing(
    run: Run, store: Store, ally: None, args: list[str], message: str
) -> None:
    name = ALLY if args == ["--contact", "X"] else "Autre association"
    result = run("allie", "add", name, *args)
    assert (result.exit_code, result.stderr) == (1, f"Erreur : {message}\n")
    with store.read() as session:
        assert len(session.exec(select(Ally)).all()) == 1


# --- allie edit --------------------------------------------------------------------------


def test_edit_changes_only_what_is_given_and_keeps_the_identifier(
    run: Run, store: Store, identity: None, ally: None, out: Path
) -> None:
    """The ally's new contact signs the next joint letter; the identifier a script or
    ``--avec`` uses stays, even under a new name."""
    edited = run("allie", "edit", "petits debrouillards", "--contact", "Paul Martin",
                 "--telephone", "", "--territoire", "92",
                 "--nom", "Petits Débrouillards")  # fmt: skip
    assert (edited.exit_code, edited.stderr) == (
        0,
        "Association alliée mise à jour : Petits Débrouillards (les-petits-debrouillards-idf).\n",
    )
    [saved] = json.loads(run("allie", "list", "--json").stdout)
    assert saved == {
        "ally": "les-petits-debrouillards-idf",
        "name": "Petits Débrouillards",
        "contact": "Paul Martin",
        "email": "idf@debrouillards.example",  # not given: kept
        "phone": None,  # "" removes it
        "departements": ["92"],  # replaced, not added to
        "signatory": "Paul Martin",
    }
    made = run("letter", "rivp", "--avec", "les-petits-debrouillards-idf", "--out", str(out))
    assert made.exit_code == 0, made
    texts = [
        text
        for text, _ in paragraphs(out / "rivp-prospection-avec-les-petits-debrouillards-idf.docx")
    ]
    assert "Paul Martin" in texts and "Jeanne Roux" not in texts
    assert "Avec Petits Débrouillards · idf@debrouillards.example" in texts


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["zzz", "--contact", "X"], 3,
         "ALLIEE : association « zzz » inconnue ; associations enregistrées : Autre "
         f"association (autre-association), {ALLY} (les-petits-debrouillards-idf)."),
        (["autre-association"], 1, "rien à modifier ; donnez au moins une option (voir --help)."),
        (["autre-association", "--nom", "les petits débrouillards IDF"], 1,
         f"--nom : l'association « {ALLY} » est déjà enregistrée (les-petits-debrouillards-idf) "
         "; voir « bailleurs allie list »."),
        (["autre-association", "--email", "jeanne"], 1,
         "--email : « jeanne » n'est pas une adresse e-mail valide (exemple : "
         "prenom.nom@bailleur.fr)."),
        (["autre-association", "--contact", "X", "--territoire", "13"], 1,
         "--territoire : « 13 » n'est pas un département d'Île-de-France ; valeurs possibles : "
         "75, 77, 78, 91, 92, 93, 94, 95."),
        (["autre-association", "--contact", " "], 1, "--contact : valeur vide ; donnez un texte."),
    ],
)  # fmt: skip
def test_bad_ally_edit_changes_nothing(
    run: Run, store: Store, ally: None, args: list[str], code: int, message: str
) -> None:
    assert run("allie", "add", "Autre association", "--contact", "Zoé").exit_code == 0
    before = run("allie", "list", "--json").stdout
    result = run("allie", "edit", *args)
    assert (result.exit_code, result.stderr) == (code, f"Erreur : {message}\n")
    assert run("allie", "list", "--json").stdout == before


def test_edit_from_python_names_fields_not_options(run: Run, store: Store, ally: None) -> None:
    from bailleurs_cli.errors import InvalidInput
    from bailleurs_cli.followup import allies

    with pytest.raises(InvalidInput) as refused, store.write() as session:
        allies.edit(session, "petits", allies.AllyChanges(phone="123"))
    assert refused.value.message.startswith("téléphone : « 123 » n'est pas un numéro français")
    with store.write() as session:
        allies.edit(session, "petits", allies.AllyChanges(signatory="Paul Martin"))
    assert json.loads(run("allie", "list", "--json").stdout)[0]["signatory"] == "Paul Martin"


# --- Joint letters ---------------------------------------------------------------------


def test_a_joint_letter_names_both_and_both_sign(
    run: Run, store: Store, identity: None, ally: None, out: Path
) -> None:
    run("person", "add", "rivp", "Awa Diallo", "--civilite", "Mme")
    result = run("letter", "rivp", "--avec", ALLY, "--log", "--out", str(out))
    assert result.exit_code == 0, result
    target = out / "rivp-prospection-avec-les-petits-debrouillards-idf.docx"
    assert result.stdout == f"{target}\n"
    found = paragraphs(target)
    texts = [text for text, _ in found]
    assert f"Avec {ALLY} · 01 45 67 89 10 · idf@debrouillards.example" in texts
    assert (
        f"Les Ateliers Amasco et {ALLY} vous écrivent ensemble : plutôt que deux démarches "
        "séparées, nos deux associations vous présentent une proposition commune." in texts
    )
    signatures = [text for text, right in found[texts.index("Madame,") :] if right and text]
    assert signatures == [
        "Camille Martin", "présidente", "Les Ateliers Amasco", "Jeanne Roux", ALLY,
    ]  # fmt: skip
    with store.read() as session:
        [exchange] = session.exec(select(Exchange)).all()
        [saved] = session.exec(select(Ally)).all()
    assert exchange.ally_id == saved.id
    assert exchange.document == str(target.resolve())
    shown = plain_spaces(run("show", "rivp").stdout).splitlines()
    assert shown[-2:] == [
        "Démarches communes (1) :",
        f"  - 23/11/2026 · courrier avec {ALLY} : Courrier « prospection » envoyé "
        "(rivp-prospection-avec-les-petits-debrouillards-idf.docx)",
    ]
    data = json.loads(run("show", "rivp", "--json").stdout)
    assert data["joint_approaches"] == [
        {
            "date": "2026-11-23",
            "ally": "les-petits-debrouillards-idf",
            "ally_name": ALLY,
            "channel": "courrier",
            "summary": "Courrier « prospection » envoyé "
            "(rivp-prospection-avec-les-petits-debrouillards-idf.docx)",
            "document": str(target.resolve()),
        }
    ]
    assert json.loads(run("show", "paris-habitat", "--json").stdout)["joint_approaches"] == []


def test_a_joint_relance_does_not_sign_our_first_letter_for_the_ally(
    run: Run, identity: None, ally: None, out: Path
) -> None:
    """Our letter went alone: the joint relance says who sent it, not « notre courrier »."""
    contact = ["contact", "rivp", "--channel", "courrier", "--summary", "Envoi", "--date"]
    assert run(*contact, "15/10/2026").exit_code == 0
    made = run("letter", "rivp", "--template", "relance", "--avec", ALLY, "--out", str(out))
    assert made.exit_code == 0, made
    joint_letter = out / "rivp-relance-avec-les-petits-debrouillards-idf.docx"
    texts = [text for text, _ in paragraphs(joint_letter)]
    assert (
        "Le 15 octobre 2026, Les Ateliers Amasco vous présentaient par courrier leurs ateliers "
        "éducatifs pour les enfants de 6 à 11 ans des quartiers prioritaires, pendant les "
        "vacances scolaires. Faute de réponse à ce jour, nous nous permettons de vous en "
        "reparler ensemble."
    ) in texts
    assert not any("notre courrier" in text for text in texts)
    alone = run("letter", "rivp", "--template", "relance", "--out", str(out))
    assert alone.exit_code == 0, alone
    solo = [text for text, _ in paragraphs(out / "rivp-relance.docx")]
    assert any(text.startswith("Par notre courrier du 15 octobre 2026") for text in solo)


def test_a_solo_letter_is_unchanged(run: Run, identity: None, ally: None, out: Path) -> None:
    assert run("letter", "rivp", "--out", str(out)).exit_code == 0
    texts = [text for text, _ in paragraphs(out / "rivp-prospection.docx")]
    assert not any(ALLY in text or "Jeanne Roux" in text for text in texts)
    assert "Démarches communes" not in run("show", "rivp").stdout


def test_joint_relance_remerciement_and_email(
    run: Run, identity: None, ally: None, out: Path
) -> None:
    run("person", "add", "rivp", "Awa Diallo", "--civilite", "Mme", "--email", "awa@rivp.example")
    run("contact", "rivp", "--channel", "rdv", "--summary", "Rencontre", "--outcome", "positif")
    for template, sentence in (
        ("relance", f"Les Ateliers Amasco et {ALLY} vous écrivent ensemble, avec la "
                    "proposition commune de nos deux associations."),
        ("remerciement", f"Les Ateliers Amasco et {ALLY} vous écrivent ensemble."),
    ):  # fmt: skip
        made = run("letter", "rivp", "--template", template, "--avec", "petits debrouillards",
                   "--out", str(out))  # fmt: skip
        assert made.exit_code == 0, made
        written = out / f"rivp-{template}-avec-les-petits-debrouillards-idf.docx"
        assert sentence in [text for text, _ in paragraphs(written)]
    drafted = run("letter", "rivp", "--avec", ALLY, "--format", "eml", "--out", str(out))
    assert drafted.exit_code == 0, drafted
    eml = out / "rivp-prospection-avec-les-petits-debrouillards-idf.eml"
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["To"] == "Awa Diallo <awa@rivp.example>"
    assert message["Cc"] == f"{ALLY} <idf@debrouillards.example>"  # the ally sees it go
    plain = message.get_body(preferencelist=("plain",))
    assert plain is not None
    body = plain_spaces(plain.get_content())
    assert f"Les Ateliers Amasco et {ALLY} vous écrivent ensemble" in body
    # Each association signs in its own block.
    assert body.endswith(
        f"Camille Martin\nprésidente\nLes Ateliers Amasco\n\nJeanne Roux\n{ALLY}\n"
    )


def test_an_unknown_ally_is_one_line(run: Run, store: Store, identity: None, out: Path) -> None:
    none_yet = run("letter", "rivp", "--avec", "Les Francas", "--out", str(out))
    assert (none_yet.exit_code, none_yet.stderr) == (3, (
        "Erreur : --avec : association « Les Francas » inconnue ; aucune n'est enregistrée : "
        'ajoutez-la avec « bailleurs allie add "Nom" --contact … ».\n'
    ))  # fmt: skip
    run(*ADD)
    unknown = run("letter", "rivp", "--avec", "Les Francas", "--log", "--out", str(out))
    assert (unknown.exit_code, unknown.stdout, unknown.stderr) == (3, "", (
        "Erreur : --avec : association « Les Francas » inconnue ; associations enregistrées : "
        f"{ALLY} (les-petits-debrouillards-idf).\n"
    ))  # fmt: skip
    assert not out.exists()
    with store.read() as session:
        assert session.exec(select(Exchange)).all() == []


# --- The yearly meeting ----------------------------------------------------------------


@pytest.fixture
def partner(run: Run, identity: None, home: Path, db_url: str) -> None:
    """RIVP at the partenaire stage (its convention signed), Awa Diallo its contact."""
    built_once("partner", db_url, home, lambda: _partner(run))


def _partner(run: Run) -> None:
    run("person", "add", "rivp", "Awa Diallo", "--civilite", "Mme", "--email",
        "awa.diallo@rivp.example", "--role", "Responsable DSU")  # fmt: skip
    made = run("convention", "rivp", "--contribution", "locaux", "--site", "Paris 20e",
               "--debut", "2027-02-01", "--fin", "2027-03-31",
               "--out", str(Path(os.environ["BAILLEURS_HOME"]) / "conventions"))  # fmt: skip
    assert made.exit_code == 0, made
    assert run("convention", "rivp", "--status", "signee").exit_code == 0


MEETING = ["rencontre", "--date", "2027-06-15", "--heure", "14h30", "--lieu",
           "Maison des associations, 35 rue Marceau, Montreuil", "--objet",
           "Rencontre annuelle des bailleurs et des associations"]  # fmt: skip


def test_invitations_and_the_meeting_event(
    run: Run, store: Store, partner: None, ally: None, out: Path
) -> None:
    result = run(*MEETING, "--log", "--out", str(out), env=LATER)
    assert result.exit_code == 0, result
    landlord = out / "rivp-invitation-2027-06-15.docx"
    friend = out / "allie-les-petits-debrouillards-idf-invitation-2027-06-15.docx"
    ics = out / "rencontre-2027-06-15.ics"
    assert result.stdout.splitlines() == [str(landlord), str(friend), str(ics)]
    assert result.stderr.splitlines() == [
        "Invitations écrites : 1 bailleur partenaire, 1 association alliée ; agenda de la "
        "rencontre : rencontre-2027-06-15.ics.",
        "1 invitation notée dans l'historique des bailleurs ; suite : confirmer sa venue une "
        "semaine avant.",
    ]
    texts = [text for text, _ in paragraphs(landlord)]
    assert "À l'attention de Mme Awa Diallo, Responsable DSU" in texts
    assert "Objet : Invitation à notre rencontre annuelle du 15 juin 2027" in texts
    assert "Nous avons le plaisir de vous inviter à notre prochaine rencontre :" in texts
    assert not any("politique de la ville" in text for text in texts)  # not invited
    assert "« Rencontre annuelle des bailleurs et des associations »" in texts
    assert "Date : mardi 15 juin 2027, à 14 h 30" in texts
    assert "Lieu : Maison des associations, 35 rue Marceau, Montreuil" in texts
    assert f"Sont invités à cette rencontre le bailleur RIVP et l'association {ALLY}." in texts
    ally_texts = [text for text, _ in paragraphs(friend)]
    assert ally_texts[ally_texts.index(ALLY) + 1] == "À l'attention de Jeanne Roux"
    assert "Madame, Monsieur," in ally_texts
    # The event, as a calendar reads it.
    calendar = Calendar.from_ical(ics.read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Rencontre annuelle des bailleurs et des associations"
    assert str(event["location"]) == "Maison des associations, 35 rue Marceau, Montreuil"
    assert event.decoded("dtstart") == datetime(2027, 6, 15, 12, 30, tzinfo=UTC)  # 14 h 30 CEST
    assert event.decoded("dtend") == datetime(2027, 6, 15, 14, 30, tzinfo=UTC)
    assert str(event["uid"]) == "rencontre-2027-06-15@bailleurs"
    assert str(event["organizer"]) == "mailto:contact@amasco.example"
    attendees = event["attendee"]
    assert isinstance(attendees, list), attendees  # several: one vCalAddress each
    assert sorted(str(a) for a in attendees) == [
        "mailto:awa.diallo@rivp.example",
        "mailto:idf@debrouillards.example",
    ]
    assert "Bailleurs invités : RIVP" in plain_spaces(str(event["description"]))
    # --log: the landlord's invitation is an exchange, to confirm a week before.
    with store.read() as session:
        [exchange] = session.exec(select(Exchange)).all()
        rivp = session.exec(select(Landlord).where(Landlord.slug == "rivp")).one()
    assert exchange.summary == (
        "Invitation à la rencontre du 15 juin 2027 envoyée (rivp-invitation-2027-06-15.docx)"
    )
    assert (rivp.next_action, rivp.next_due) == (
        "Confirmer sa venue à la rencontre du 15/06/2027",
        date(2027, 6, 8),
    )
    again = run(*MEETING, "--out", str(out), env=LATER)
    assert (again.exit_code, again.stderr) == (1, (
        f"Erreur : {landlord} existe déjà (et 2 autres) ; ajoutez --force pour le remplacer.\n"
    ))  # fmt: skip


def test_an_all_day_meeting(run: Run, ally: None, identity: None, out: Path) -> None:
    result = run("rencontre", "--date", "2027-06-15", "--lieu", "Mairie de Montreuil",
                 "--objet", "Rencontre annuelle", "--out", str(out), env=LATER)  # fmt: skip
    assert result.exit_code == 0, result
    assert result.stderr.startswith(  # only the ally: no partner landlord yet
        "Invitations écrites : aucun bailleur partenaire, 1 association alliée ;"
    )
    [event] = Calendar.from_ical((out / "rencontre-2027-06-15.ics").read_bytes()).walk("VEVENT")
    assert (event.decoded("dtstart"), event.decoded("dtend")) == (
        date(2027, 6, 15), date(2027, 6, 16)
    )  # fmt: skip
    texts = [text for text, _ in paragraphs(out / next(p.name for p in out.glob("*.docx")))]
    assert "Date : mardi 15 juin 2027" in texts


def test_nothing_to_invite(run: Run, identity: None, out: Path) -> None:
    result = run(*MEETING, "--log", "--out", str(out), env=LATER)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        "Personne à inviter : aucun bailleur à l'étape partenaire ni aucune association alliée "
        "(bailleurs allie add) ; rien n'a été écrit.\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--date", "2027-01-15"],
         "--date : le 15/01/2027 est passé ; une rencontre se prévoit, donnez une date à partir "
         "d'aujourd'hui (10/03/2027)."),
        (["--heure", "25h"], "--heure : « 25h » n'est pas une heure ; exemple : 14h30."),
        (["--lieu", " "], "--lieu : valeur vide ; donnez un texte."),
    ],
)  # fmt: skip
def test_bad_meeting_input_writes_nothing(
    run: Run, store: Store, partner: None, out: Path, change: list[str], message: str
) -> None:
    args = list(MEETING)
    args[args.index(change[0]) + 1] = change[1]
    result = run(*args, "--log", "--out", str(out), env=LATER)
    assert (result.exit_code, result.stderr) == (1, f"Erreur : {message}\n")
    assert not out.exists()
    with store.read() as session:
        assert session.exec(select(Exchange)).all() == []


@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (CI installs it)",
)
def test_invitations_as_pdf(run: Run, partner: None, ally: None, out: Path) -> None:
    result = run(*MEETING, "--pdf", "--out", str(out), env=LATER)
    assert result.exit_code == 0, result
    pdf = out / "rivp-invitation-2027-06-15.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert (out / "allie-les-petits-debrouillards-idf-invitation-2027-06-15.pdf").is_file()
    if shutil.which("pdftotext"):
        extracted = plain_spaces(
            subprocess.run(
                ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout
        )
        assert "Date : mardi 15 juin 2027, à 14 h 30" in extracted
