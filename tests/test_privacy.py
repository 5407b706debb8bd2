"""Personal data (issue 9, item 7): ``person export``, ``remove`` and ``purge``, and the
digest line, read back from the store as the CNIL would ask."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from bailleurs_cli.reminders import digest
from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import Exchange, Landlord, Partnership, Person

from .conftest import Run
from .test_digest import Inbox, configure_smtp, smtp_server  # noqa: F401 (fixture)
from .test_documents import IDENTITY

AWA = [
    "person",
    "add",
    "rivp",
    "Awa Diallo",
    "--civilite",
    "Mme",
    "--role",
    "Responsable DSU",
    "--email",
    "awa.diallo@example.org",
    "--phone",
    "06 12 34 56 78",
    "--territoire",
    "Paris 20e",
    "--source",
    "Salon HLM 2026",
]
#: Every way the store could still name Awa once she is erased.
TRACES = re.compile(r"diallo|\bawa\b|0?6[\s.\-]?12[\s.\-]?34[\s.\-]?56[\s.\-]?78", re.IGNORECASE)


def ok(run: Run, *args: str, env: dict[str, str] | None = None) -> None:
    result = run(*args, env=env)
    assert result.exit_code == 0, result


def recorded(store: Store, name: str, day: date) -> None:
    """Pretend ``name`` was recorded on ``day`` (``created_at`` comes from the clock)."""
    with store.write() as session:
        person = session.exec(select(Person).where(Person.name == name)).one()
        person.created_at = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
        session.add(person)


def rivp(store: Store) -> Landlord:
    with store.read() as session:
        return session.exec(select(Landlord).where(Landlord.slug == "rivp")).one()


def exchanges(store: Store) -> list[Exchange]:
    with store.read() as session:
        return list(session.exec(select(Exchange).order_by(col(Exchange.id))).all())


def partnerships(store: Store) -> list[Partnership]:
    with store.read() as session:
        return list(session.exec(select(Partnership).order_by(col(Partnership.id))).all())


def names(store: Store) -> list[str]:
    with store.read() as session:
        return sorted(p.name for p in session.exec(select(Person)).all())


@pytest.fixture
def awa(run: Run, tmp_path: Path) -> Path:
    """Awa Diallo at RIVP, named every way the store allows; returns the documents' folder."""
    out = tmp_path / "out"
    for key, value in IDENTITY.items():
        ok(run, "config", "set", key, value)
    ok(run, *AWA)
    ok(run, "person", "add", "rivp", "Jean Martin")
    ok(
        run,
        "contact",
        "rivp",
        "--channel",
        "email",
        "--person",
        "Awa Diallo",
        "--summary",
        "Présentation des ateliers",
        "--date",
        "2026-11-10",
    )
    ok(
        run,
        "contact",
        "rivp",
        "--channel",
        "telephone",
        "--person",
        "Jean",
        "--summary",
        "Jean Martin donne le portable de Mme DIALLO Awa : 06.12.34.56.78",
        "--next-action",
        "Écrire à awa.diallo@example.org",
        "--date",
        "2026-11-16",
    )
    ok(
        run,
        "contact",
        "rivp",
        "--channel",
        "telephone",
        "--summary",
        "Appel au standard",
        "--date",
        "2026-11-17",
    )
    ok(run, "letter", "rivp", "--template", "relance", "--log", "--out", str(out))
    ok(run, "plan", "rivp", "+3j", "Rappeler Awa Diallo", "--person", "Awa Diallo")
    ok(run, "edit", "rivp", "--note", "Contact : Awa Diallo, +33 6 12 34 56 78")
    common = ["--contribution", "locaux", "--site", "Paris 20e", "--out", str(out)]
    ok(run, "convention", "rivp", *common, "--debut", "2027-02-10", "--fin", "2027-02-14")
    ok(
        run,
        "convention",
        "rivp",
        *common,
        "--debut",
        "2027-07-06",
        "--fin",
        "2027-07-10",
        "--referent-bailleur",
        "Awa",
    )
    return out


def test_export_json_holds_everything(run: Run, store: Store, awa: Path) -> None:
    result = run("person", "export", "rivp", "Awa Diallo", "--json")
    assert result.exit_code == 0, result
    data = json.loads(result.stdout)
    created = datetime.fromisoformat(data.pop("created_at"))
    with store.read() as session:
        person = session.exec(select(Person).where(Person.name == "Awa Diallo")).one()
    assert created == person.created_at
    made = [p.created_at.date().isoformat() for p in partnerships(store)]
    assert data == {
        "landlord": "rivp",
        "landlord_name": "RIVP",
        "name": "Awa Diallo",
        "civility": "Mme",
        "role": "Responsable DSU",
        "email": "awa.diallo@example.org",
        "phone": "06 12 34 56 78",
        "territory": "Paris 20e",
        "source": "Salon HLM 2026",
        "active": True,
        "next_step_contact": True,
        "exchanges": [
            {
                "id": 2,
                "date": "2026-11-16",
                "channel": "telephone",
                "direction": "sortant",
                "linked": False,
                "mentioned": True,
                "summary": "Jean Martin donne le portable de Mme DIALLO Awa : 06.12.34.56.78",
                "next_action": "Écrire à awa.diallo@example.org",
                "next_due": "2026-11-23",
            },
            {
                "id": 1,
                "date": "2026-11-10",
                "channel": "email",
                "direction": "sortant",
                "linked": True,
                "mentioned": False,
                "summary": "Présentation des ateliers",
                "next_action": "Relancer",
                "next_due": "2026-11-23",
            },
        ],
        "partnerships": [
            {
                "id": 1,
                "number": "2027-001",
                "status": "brouillon",
                "starts_on": "2027-02-10",
                "ends_on": "2027-02-14",
                "referent_landlord": "Awa Diallo",
                "document": "rivp-convention-non-financiere-2027-001.docx",
            },
            {
                "id": 2,
                "number": "2027-002",
                "status": "brouillon",
                "starts_on": "2027-07-06",
                "ends_on": "2027-07-10",
                "referent_landlord": "Awa",
                "document": "rivp-convention-non-financiere-2027-002.docx",
            },
        ],
        "documents": [
            {"date": "2026-11-23", "file": "rivp-relance.docx"},
            {"date": made[0], "file": "rivp-convention-non-financiere-2027-001.docx"},
            {"date": made[1], "file": "rivp-convention-non-financiere-2027-002.docx"},
        ],
        "other_mentions": [
            {"where": "prochaine étape du bailleur", "text": "Rappeler Awa Diallo"},
            {"where": "notes du bailleur", "text": "Contact : Awa Diallo, +33 6 12 34 56 78"},
        ],
    }


def test_export_as_french_text(run: Run, store: Store) -> None:
    ok(run, *AWA)
    recorded(store, "Awa Diallo", date(2026, 3, 14))
    ok(
        run,
        "contact",
        "rivp",
        "--channel",
        "email",
        "--person",
        "Awa",
        "--summary",
        "Présentation des ateliers",
        "--date",
        "2026-11-10",
    )
    result = run("person", "export", "rivp", "awa")
    assert result.exit_code == 0, result
    assert result.stdout.splitlines() == [
        "Données détenues sur Awa Diallo, interlocuteur chez RIVP (rivp)",
        "  Civilité\u00a0: Mme",
        "  Fonction\u00a0: Responsable DSU",
        "  E-mail\u00a0: awa.diallo@example.org",
        "  Téléphone\u00a0: 06 12 34 56 78",
        "  Territoire\u00a0: Paris 20e",
        "  Source\u00a0: Salon HLM 2026",
        "  Actif\u00a0: oui",
        "  Enregistré le\u00a0: 14/03/2026",
        "  Interlocuteur de la prochaine étape\u00a0: oui",
        "Échanges (1)\u00a0:",
        "  - 10/11/2026, e-mail, sortant (lié à la fiche)\u00a0: Présentation des ateliers "
        "— suite\u00a0: Relancer",
        "Conventions dont cette personne est la référente\u00a0: aucune",
        "Documents produits pour RIVP, qui peuvent la nommer\u00a0: aucun",
        "Autres mentions\u00a0: aucune",
    ]
    assert result.stderr == ""


def test_export_of_an_unknown_person_lists_who_is_known(run: Run) -> None:
    ok(run, *AWA)
    result = run("person", "export", "rivp", "Inconnu", "--json")
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == (
        "Erreur : interlocuteur « Inconnu » introuvable chez RIVP (connus : Awa Diallo) ; "
        "ajoutez-le avec « bailleurs person add ».\n"
    )


def test_remove_without_yes_and_without_a_terminal_changes_nothing(
    run: Run, store: Store, awa: Path
) -> None:
    before = [(e.person_id, e.summary, e.next_action) for e in exchanges(store)]
    result = run("person", "remove", "rivp", "Awa Diallo")
    assert result.exit_code == 1
    assert result.stderr == (
        "Erreur : person remove efface Awa Diallo (RIVP) pour de bon : ajoutez --yes pour "
        "confirmer (hors terminal).\n"
    )
    assert names(store) == ["Awa Diallo", "Jean Martin"]
    assert [(e.person_id, e.summary, e.next_action) for e in exchanges(store)] == before
    assert [p.referent_landlord for p in partnerships(store)] == ["Awa Diallo", "Awa"]


def test_remove_scrubs_every_mention_and_lists_what_it_cannot_reach(
    run: Run, store: Store, awa: Path, home: Path
) -> None:
    ok(run, "backup")
    result = run("person", "remove", "rivp", "Awa Diallo", "--yes")
    assert result.exit_code == 0, result
    assert result.stderr.splitlines() == [
        "Interlocuteur supprimé : Awa Diallo (RIVP).",
        "Nom, e-mail et téléphone remplacés par « interlocuteur supprimé » dans 2 échanges, "
        "2 conventions et la fiche du bailleur.",
        "RIVP n'a plus d'interlocuteur pour sa prochaine étape.",
        "Hors de portée de bailleurs, à effacer vous-même :",
        "  - documents déjà produits : rivp-convention-non-financiere-2027-001.docx, "
        "rivp-convention-non-financiere-2027-002.docx, rivp-relance.docx",
        f"  - 1 sauvegarde dans {home / 'sauvegardes'} (bailleurs backup --list)",
        "  - les exports (bailleurs export) et les copies envoyées, là où ils sont rangés",
    ]
    assert names(store) == ["Jean Martin"]
    first, second, third, letter = exchanges(store)
    assert (first.person_id, first.summary) == (None, "Présentation des ateliers")
    assert (second.summary, second.next_action) == (
        "Jean Martin donne le portable de interlocuteur supprimé : interlocuteur supprimé",
        "Écrire à interlocuteur supprimé",
    )
    assert second.person_id is not None  # still Jean's exchange
    assert (third.summary, letter.summary) == (
        "Appel au standard",
        "Courrier « relance » envoyé (rivp-relance.docx)",
    )
    assert [p.referent_landlord for p in partnerships(store)] == ["interlocuteur supprimé"] * 2
    landlord = rivp(store)
    assert (landlord.next_person_id, landlord.next_action, landlord.notes) == (
        None,
        "Rappeler interlocuteur supprimé",
        "Contact : interlocuteur supprimé, interlocuteur supprimé",
    )
    everything = run("export", "--format", "json")
    assert everything.exit_code == 0, everything
    assert TRACES.findall(everything.stdout) == []
    assert TRACES.findall(run("history", "rivp", "--json").stdout) == []
    assert run("person", "export", "rivp", "Awa").exit_code == 3


def _on_a_terminal(db_url: str, home: Path, answer: str) -> subprocess.CompletedProcess[str]:
    """``person remove`` with a pseudo-terminal as stdin, answering ``answer``."""
    import pty

    leader, follower = pty.openpty()
    os.write(leader, answer.encode() + b"\n")
    try:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "bailleurs_cli",
                "--db",
                db_url,
                "person",
                "remove",
                "rivp",
                "Awa Diallo",
            ],
            env={
                "PATH": os.environ["PATH"],
                "BAILLEURS_HOME": str(home),
                "BAILLEURS_TODAY": "2026-11-23",
                "NO_COLOR": "1",
            },
            stdin=follower,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(follower)
        os.close(leader)


def test_remove_asks_on_a_terminal(run: Run, store: Store, db_url: str, home: Path) -> None:
    ok(run, *AWA)
    refused = _on_a_terminal(db_url, home, "n")
    assert refused.returncode == 1, refused.stderr
    assert refused.stdout == (
        "Effacer Awa Diallo (RIVP) et ses mentions dans les échanges et conventions ? [y/N]: "
    )
    assert refused.stderr == "Rien n'a été modifié.\n"
    assert names(store) == ["Awa Diallo"]
    accepted = _on_a_terminal(db_url, home, "y")
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stderr.startswith("Interlocuteur supprimé\u00a0: Awa Diallo (RIVP).\n")
    assert names(store) == []


@pytest.fixture
def silent(run: Run, store: Store) -> None:
    """Adoma silent since 2 October 2023, Paris Habitat never contacted, RIVP's last
    exchange exactly 36 months ago; everyone recorded in September 2023 but Nadia."""
    for landlord, name in (
        ("adoma", "Jean Martin"),
        ("paris habitat", "Lina Benali"),
        ("rivp", "Awa Diallo"),
        ("paris habitat", "Nadia Saïdi"),
    ):
        ok(run, "person", "add", landlord, name)
    ok(
        run,
        "contact",
        "adoma",
        "--channel",
        "email",
        "--person",
        "Jean",
        "--summary",
        "Premier contact avec Jean Martin",
        "--date",
        "2023-10-02",
    )
    ok(run, "contact", "rivp", "--channel", "email", "--summary", "Envoi", "--date", "2023-11-23")
    for name in ("Jean Martin", "Lina Benali", "Awa Diallo"):
        recorded(store, name, date(2023, 9, 1))
    recorded(store, "Nadia Saïdi", date(2026, 1, 5))


def test_purge_lists_by_default_then_erases_with_yes(run: Run, store: Store, silent: None) -> None:
    listed = run("person", "purge")
    assert listed.exit_code == 0, listed
    assert listed.stdout.splitlines() == [
        "Bailleur       Interlocuteur  Dernier échange  Enregistré le",
        "Adoma          Jean Martin    02/10/2023       01/09/2023",
        "Paris Habitat  Lina Benali    aucun            01/09/2023",
    ]
    assert listed.stderr == (
        "2 interlocuteurs à effacer (plus de 36 mois sans échange avec leur bailleur) ; "
        "rien n'a été modifié : ajoutez --yes pour effacer.\n"
    )
    assert names(store) == ["Awa Diallo", "Jean Martin", "Lina Benali", "Nadia Saïdi"]
    as_json = json.loads(run("person", "purge", "--json").stdout)
    assert as_json == [
        {
            "landlord": "adoma",
            "landlord_name": "Adoma",
            "name": "Jean Martin",
            "last_exchange": "2023-10-02",
            "recorded_on": "2023-09-01",
        },
        {
            "landlord": "paris-habitat",
            "landlord_name": "Paris Habitat",
            "name": "Lina Benali",
            "last_exchange": None,
            "recorded_on": "2023-09-01",
        },
    ]
    erased = run("person", "purge", "--yes")
    assert erased.exit_code == 0, erased
    assert erased.stdout == ""
    assert erased.stderr.splitlines() == [
        "Interlocuteur supprimé : Jean Martin (Adoma).",
        "Interlocuteur supprimé : Lina Benali (Paris Habitat).",
        "Nom, e-mail et téléphone remplacés par « interlocuteur supprimé » dans 1 échange.",
        "Adoma n'a plus d'interlocuteur pour sa prochaine étape.",
        "Hors de portée de bailleurs, à effacer vous-même :",
        "  - les exports (bailleurs export) et les copies envoyées, là où ils sont rangés",
    ]
    assert names(store) == ["Awa Diallo", "Nadia Saïdi"]
    [adoma] = [e for e in exchanges(store) if e.summary.startswith("Premier contact")]
    assert (adoma.person_id, adoma.summary) == (None, "Premier contact avec interlocuteur supprimé")
    again = run("person", "purge")
    assert (again.exit_code, again.stdout) == (0, "")
    assert again.stderr == (
        "Aucun interlocuteur à effacer (plus de 36 mois sans échange avec leur bailleur).\n"
    )


def test_purge_period_from_the_option_and_the_config(run: Run, store: Store, silent: None) -> None:
    shorter = json.loads(run("person", "purge", "--mois", "12", "--json").stdout)
    assert [p["name"] for p in shorter] == ["Jean Martin", "Lina Benali", "Awa Diallo"]
    ok(run, "config", "set", "rgpd.conservation_mois", "48")
    assert run("person", "purge").stderr == (
        "Aucun interlocuteur à effacer (plus de 48 mois sans échange avec leur bailleur).\n"
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--mois", "0"], 1, "Erreur : --mois : valeur invalide ; attendu un nombre entier ≥ 1.\n"),
        (["--mois", "trois"], 2, "Erreur : --mois : valeur invalide ; attendu un nombre entier.\n"),
    ],
)
def test_purge_refuses_a_bad_period(
    run: Run, store: Store, silent: None, args: list[str], code: int, message: str
) -> None:
    result = run("person", "purge", "--yes", *args)
    assert (result.exit_code, result.stderr) == (code, message)
    assert len(names(store)) == 4


def test_configured_period_is_validated(run: Run, store: Store, silent: None, home: Path) -> None:
    refused = run("config", "set", "rgpd.conservation_mois", "0")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Erreur : rgpd.conservation_mois : « 0 » n'est pas un nombre de mois (1 à 120).\n"
    )
    config = home / "config.toml"
    config.write_text('[rgpd]\nconservation_mois = "trois ans"\n', encoding="utf-8")
    result = run("person", "purge", "--yes")
    assert result.exit_code == 1
    assert result.stderr == (
        f'Erreur : {config} : rgpd.conservation_mois = "trois ans" n\'est pas un nombre de mois '
        "(1 à 120) ; corrigez-le avec « bailleurs config set rgpd.conservation_mois 36 ».\n"
    )
    assert len(names(store)) == 4


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("RDV avec awa diallo", "RDV avec interlocuteur supprimé"),
        ("Mme DIALLO Awa : OK", "interlocuteur supprimé : OK"),
        ("Joindre Awa-Diallo", "Joindre interlocuteur supprimé"),
        (
            "M. Diallo absente, rappeler Mme Awa",
            "interlocuteur supprimé absente, rappeler interlocuteur supprimé",
        ),
        ("Écrire à AWA.DIALLO@example.org.", "Écrire à interlocuteur supprimé."),
        (
            "Tél. +33 (0)6 12 34 56 78 ou 0612345678",
            "Tél. interlocuteur supprimé ou interlocuteur supprimé",
        ),
        ("Awa absente", "Awa absente"),  # a first name alone is not a mention
        ("Voir Mme Dialloux au 06 12 34 56 789", "Voir Mme Dialloux au 06 12 34 56 789"),
    ],
)
def test_what_counts_as_a_mention(text: str, scrubbed: str) -> None:
    from bailleurs_cli.privacy.rights import Matcher

    person = Person(
        landlord_id=1,
        name="Awa Diallo",
        email="awa.diallo@example.org",
        phone="06 12 34 56 78",
        created_at=datetime.now(UTC),
    )
    assert Matcher.of(person).scrub(text) == scrubbed


def test_digest_line_is_pure_and_says_its_rule() -> None:
    built = digest.build([], [], today=date(2026, 11, 23), days=7, purge_due=3)
    assert digest.as_text(built).splitlines() == [
        "Suivi des bailleurs\u00a0: 1 action (lundi 23 novembre 2026)",
        "",
        "Données personnelles (1)",
        "  • RGPD\u00a0: 3 interlocuteurs à effacer, plus de 36 mois sans échange (rappel mensuel)",
        "    → bailleurs person purge",
    ]
    assert [line.key for line in built.lines()] == ["rgpd:2026-11"]
    assert not digest.build([], [], today=date(2026, 11, 23), days=7, purge_due=0)


def test_digest_mentions_the_purge_once_a_month(
    run: Run,
    silent: None,
    smtp_server: Inbox,  # noqa: F811
) -> None:
    ok(run, "config", "set", "rgpd.conservation_mois", "24")
    line = (
        "  • RGPD\u00a0: 3 interlocuteurs à effacer, plus de 24 mois sans échange (rappel mensuel)"
    )
    assert line in run("digest").stdout.splitlines()
    configure_smtp(run, smtp_server.port)
    send = ["digest", "--send", "--only-new", "--to", "dev@asso.example"]
    ok(run, *send)
    ok(run, "contact", "valdevy", "--channel", "email", "--summary", "x", "--next", "+1j")
    ok(run, *send)  # something new, but the purge was already mentioned this month
    ok(run, *send, env={"BAILLEURS_TODAY": "2026-12-01"})
    texts = []
    for message in smtp_server.messages:
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        texts.append(body.get_content())
    assert [line in text.splitlines() for text in texts] == [True, False, True]
