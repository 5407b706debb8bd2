"""``person``, ``contact``, ``plan``, ``snooze``, ``stage``, ``history``."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import Exchange, Landlord, Person, StageChange

from .conftest import Run


def get(store: Store, slug: str) -> Landlord:
    with store.read() as session:
        return session.exec(select(Landlord).where(Landlord.slug == slug)).one()


def exchanges(store: Store, slug: str) -> list[Exchange]:
    with store.read() as session:
        ll = session.exec(select(Landlord).where(Landlord.slug == slug)).one()
        return list(session.exec(select(Exchange).where(Exchange.landlord_id == ll.id)).all())


def people(store: Store) -> list[Person]:
    with store.read() as session:
        return list(session.exec(select(Person)).all())


AWA = [
    "person",
    "add",
    "Plaine Commune Habitat",
    "Awa Diallo",
    "--role",
    "Responsable développement social",
    "--email",
    "awa.diallo@example.org",
    "--phone",
    "+33 1 23 45 67 89",
]


def test_person_add_validates_and_formats(run: Run, store: Store) -> None:
    result = run(*AWA)
    assert result.exit_code == 0, result
    assert result.stderr == "Interlocuteur ajouté : Awa Diallo (Plaine Commune Habitat).\n"
    [awa] = people(store)
    assert (awa.name, awa.email, awa.phone, awa.active) == (
        "Awa Diallo",
        "awa.diallo@example.org",
        "01 23 45 67 89",
        True,
    )


def test_person_add_twice_is_refused(run: Run, store: Store) -> None:
    run(*AWA)
    result = run(*AWA)
    assert result.exit_code == 1
    assert result.stderr == (
        "Erreur : Awa Diallo est déjà enregistré(e) chez Plaine Commune Habitat ; "
        "modifiez la fiche avec « bailleurs person edit ».\n"
    )
    assert len(people(store)) == 1


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "--email",
            "awa@",
            "Erreur : --email : « awa@ » n'est pas une adresse e-mail valide (exemple : "
            "prenom.nom@bailleur.fr).\n",
        ),
        (
            "--phone",
            "12 34",
            "Erreur : --phone : « 12 34 » n'est pas un numéro français ; attendu 10 chiffres "
            "(01 23 45 67 89) ou +33 1 23 45 67 89.\n",
        ),
    ],
)
def test_person_bad_contact_details(
    run: Run, store: Store, option: str, value: str, message: str
) -> None:
    result = run("person", "add", "rivp", "Jean Martin", option, value)
    assert result.exit_code == 1
    assert result.stderr == message
    assert people(store) == []


def test_person_list_edit_remove(run: Run, store: Store) -> None:
    run(*AWA)
    run("person", "add", "rivp", "Jean Martin", "--territoire", "Paris 20e")
    listed = json.loads(run("person", "list", "--json").stdout)
    assert [(p["landlord"], p["name"]) for p in listed] == [
        ("plaine-commune-habitat", "Awa Diallo"),
        ("rivp", "Jean Martin"),
    ]
    assert run("person", "edit", "rivp", "jean", "--inactif").exit_code == 0
    assert [p["name"] for p in json.loads(run("person", "list", "--json").stdout)] == ["Awa Diallo"]
    assert len(json.loads(run("person", "list", "--inactifs", "--json").stdout)) == 2
    removed = run("person", "remove", "plaine commune", "Awa Diallo", "--yes")
    assert removed.stderr.splitlines() == [
        "Interlocuteur supprimé : Awa Diallo (Plaine Commune Habitat).",
        "Aucune mention dans les échanges, les conventions ni la fiche du bailleur.",
        "Hors de portée de bailleurs, à effacer vous-même :",
        "  - les exports (bailleurs export) et les copies envoyées, là où ils sont rangés",
    ]
    assert [p.name for p in people(store)] == ["Jean Martin"]


def test_first_contact_moves_to_contacte_and_sets_next_step(run: Run, store: Store) -> None:
    run(*AWA)
    result = run(
        "contact",
        "Plaine Commune Habitat",
        "--channel",
        "email",
        "--person",
        "Awa Diallo",
        "--summary",
        "Présentation des ateliers d'été",
        "--next",
        "+10j",
        "--next-action",
        "Relancer par téléphone",
    )
    assert result.exit_code == 0, result
    assert result.stderr == (
        "Échange noté avec Plaine Commune Habitat (contacté). Suite : Relancer par téléphone, "
        "le jeudi 3 décembre 2026.\n"
    )
    ll = get(store, "plaine-commune-habitat")
    assert (ll.stage, ll.stage_since, ll.next_action, ll.next_due, ll.last_exchange_on) == (
        "contacte",
        date(2026, 11, 23),
        "Relancer par téléphone",
        date(2026, 12, 3),
        date(2026, 11, 23),
    )
    [exchange] = exchanges(store, "plaine-commune-habitat")
    assert (exchange.channel, exchange.direction, exchange.summary) == (
        "email",
        "sortant",
        "Présentation des ateliers d'été",
    )


def test_contact_with_stage_and_french_date(run: Run, store: Store) -> None:
    result = run(
        "contact",
        "rivp",
        "--channel",
        "rdv",
        "--outcome",
        "positif",
        "--summary",
        "Accord de principe, 3 000 € pour le 20e",
        "--stage",
        "proposition",
        "--next",
        "15/01/2027",
        "--next-action",
        "Envoyer la convention",
    )
    assert result.exit_code == 0, result
    ll = get(store, "rivp")
    assert (ll.stage, ll.next_due, ll.next_action) == (
        "proposition",
        date(2027, 1, 15),
        "Envoyer la convention",
    )
    assert exchanges(store, "rivp")[0].outcome == "positif"


@pytest.mark.parametrize(("channel", "days"), [("email", 10), ("telephone", 7), ("courrier", 21)])
def test_default_follow_up_delay_per_channel(
    run: Run, store: Store, channel: str, days: int
) -> None:
    assert (
        run("contact", "adoma", "--channel", channel, "--summary", "Premier contact").exit_code == 0
    )
    ll = get(store, "adoma")
    assert ll.next_due is not None
    assert (ll.next_action, (ll.next_due - date(2026, 11, 23)).days) == ("Relancer", days)


def test_follow_up_delay_from_config(run: Run, store: Store, home: object) -> None:
    from pathlib import Path

    assert isinstance(home, Path)
    (home / "config.toml").write_text("[suivi.delais]\nemail = 3\n", encoding="utf-8")
    run("contact", "adoma", "--channel", "email", "--summary", "Premier contact")
    assert get(store, "adoma").next_due == date(2026, 11, 26)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--channel", "fax"],
            "Erreur : --channel : « fax » inconnu ; valeurs possibles : e-mail, téléphone, "
            "rendez-vous, visio, courrier, visite d'atelier, événement.\n",
        ),
        (
            ["--channel", "email", "--outcome", "super"],
            "Erreur : --outcome : « super » inconnu ; valeurs possibles : positif, neutre, "
            "négatif, sans réponse.\n",
        ),
        (
            ["--channel", "email", "--next", "01/01/2020"],
            "Erreur : --next : le 01/01/2020 est passé ; donnez une date à partir d'aujourd'hui "
            "(23/11/2026).\n",
        ),
        (
            ["--channel", "email", "--next", "bientôt"],
            "Erreur : --next : « bientôt » n'est pas une date ; formats acceptés : AAAA-MM-JJ, "
            "JJ/MM/AAAA, +3j, +2s, +1m, aujourd'hui, demain, après-demain ou un jour de la semaine "
            "(lundi).\n",
        ),
        (
            ["--channel", "email", "--stage", "gagne"],
            "Erreur : --stage : « gagne » inconnu ; valeurs possibles : identifié, contacté, "
            "en discussion, proposition, partenaire, en veille, refus.\n",
        ),
        (
            ["--channel", "email", "--stage", "refus"],
            "Erreur : --reason : obligatoire pour un refus ; dites pourquoi (exemple : "
            '--reason "Pas de budget cette année").\n',
        ),
        (
            ["--channel", "email", "--person", "Inconnu"],
            "Erreur : interlocuteur « Inconnu » introuvable chez RIVP (connus : aucun) ; "
            "ajoutez-le avec « bailleurs person add ».\n",
        ),
    ],
)
def test_contact_bad_input_leaves_store_unchanged(
    run: Run, store: Store, args: list[str], message: str
) -> None:
    result = run("contact", "rivp", "--summary", "Appel", *args)
    assert result.exit_code in (1, 3)
    assert result.stderr == message
    assert exchanges(store, "rivp") == []
    ll = get(store, "rivp")
    assert (ll.stage, ll.next_due) == ("identifie", None)


def test_plan_and_snooze(run: Run, store: Store) -> None:
    result = run("plan", "rivp", "2027-01-20", "Envoyer le bilan des ateliers d'hiver")
    assert result.exit_code == 0, result
    assert result.stderr == (
        "Prochaine étape pour RIVP : Envoyer le bilan des ateliers d'hiver, "
        "le mercredi 20 janvier 2027.\n"
    )
    # Postponing a step still to come counts from its due date, not from today.
    assert run("snooze", "rivp", "+7j").exit_code == 0
    ll = get(store, "rivp")
    assert (ll.next_action, ll.next_due) == (
        "Envoyer le bilan des ateliers d'hiver",
        date(2027, 1, 27),
    )
    earlier = run("snooze", "rivp", "2027-01-10")
    assert (earlier.exit_code, earlier.stderr) == (
        1,
        "Erreur : date : le 10/01/2027 est avant l'échéance actuelle (27/01/2027) ; reporter "
        "ne rapproche jamais une étape : utilisez « bailleurs plan » pour l'avancer.\n",
    )
    assert get(store, "rivp").next_due == date(2027, 1, 27)
    # A step already late is postponed from today.
    run("plan", "adoma", "2026-11-23", "Relancer")
    assert run("snooze", "adoma", "+3j").exit_code == 0
    assert get(store, "adoma").next_due == date(2026, 11, 26)


def test_refusal_needs_a_reason_then_closes_the_next_step(run: Run, store: Store) -> None:
    refused = run("stage", "seqens", "refus")
    assert refused.exit_code == 1
    assert get(store, "seqens").stage == "identifie"
    result = run("stage", "seqens", "refus", "--reason", "Pas de budget cette année")
    assert result.exit_code == 0, result
    ll = get(store, "seqens")
    assert (ll.stage, ll.stage_reason, ll.next_action, ll.next_due) == (
        "refus",
        "Pas de budget cette année",
        None,
        None,
    )
    planned = run("plan", "seqens", "+3j", "Relancer")
    assert planned.exit_code == 1
    assert planned.stderr == (
        "Erreur : Seqens est en refus et n'a pas de prochaine étape ; rouvrez-le avec "
        "« bailleurs stage seqens identifie » (ou une autre étape).\n"
    )
    moved = run("stage", "seqens", "proposition")
    assert moved.exit_code == 1
    assert moved.stderr == (
        "Erreur : Seqens est en refus ; rouvrez d'abord le dossier avec "
        "« bailleurs stage seqens identifie ».\n"
    )


def test_reopening_a_refusal_restores_a_next_step(run: Run, store: Store) -> None:
    run("stage", "seqens", "refus", "--reason", "Pas de budget")
    assert run("stage", "seqens", "identifie").exit_code == 0
    ll = get(store, "seqens")
    assert (ll.stage, ll.next_action, ll.next_due) == (
        "identifie",
        "Trouver l'interlocuteur et prendre un premier contact",
        None,
    )
    with store.read() as session:
        changes = session.exec(select(StageChange).where(StageChange.landlord_id == ll.id)).all()
    assert [(c.from_stage, c.to_stage) for c in changes] == [
        (None, "identifie"),
        ("identifie", "refus"),
        ("refus", "identifie"),
    ]


def test_history_latest_first(run: Run) -> None:
    run(
        "contact",
        "rivp",
        "--channel",
        "email",
        "--summary",
        "Premier e-mail",
        "--date",
        "10/11/2026",
    )
    run("contact", "rivp", "--channel", "telephone", "--summary", "Appel", "--outcome", "neutre")
    data = json.loads(run("history", "rivp", "--json").stdout)
    assert [(d["date"], d["channel"], d["summary"]) for d in data] == [
        ("2026-11-23", "telephone", "Appel"),
        ("2026-11-10", "email", "Premier e-mail"),
    ]
    assert set(data[0]) == {
        "date",
        "channel",
        "direction",
        "person",
        "summary",
        "outcome",
        "stage",
        "next_action",
        "next_due",
        "id",
        "author",
        "document",
        "batch",
    }


def test_each_exchange_records_its_author_shown_when_not_you(run: Run) -> None:
    """A team base says who logged what (utilisateur.nom, else the login name)."""
    assert run("config", "set", "utilisateur.nom", "Camille Martin").exit_code == 0
    run("contact", "rivp", "--channel", "email", "--summary", "Premier e-mail")
    alone = run("history", "rivp")
    assert "Par" not in alone.stdout.splitlines()[1]  # only you: no column
    assert run("config", "set", "utilisateur.nom", "Jean Dupont").exit_code == 0
    run("contact", "rivp", "--channel", "telephone", "--summary", "Appel")
    data = json.loads(run("history", "rivp", "--json").stdout)
    assert [d["author"] for d in data] == ["Jean Dupont", "Camille Martin"]
    lines = run("history", "rivp").stdout.splitlines()
    assert lines[1].split()[-1] == "Par"
    assert lines[2].endswith("Jean Dupont") and lines[3].endswith("Camille Martin")
    stages = json.loads(run("export", "--format", "json").stdout)
    assert {e["author"] for e in stages["exchanges"]} == {"Jean Dupont", "Camille Martin"}


def test_exchange_in_the_future_is_refused(run: Run, store: Store) -> None:
    result = run("contact", "rivp", "--channel", "email", "--summary", "x", "--date", "demain")
    assert result.exit_code == 1
    assert result.stderr == (
        "Erreur : --date : le 24/11/2026 est à venir ; un échange se note une fois qu'il a eu "
        "lieu (pour le prévoir : « bailleurs plan »).\n"
    )
    assert exchanges(store, "rivp") == []


@pytest.mark.parametrize(
    "args",
    [
        ["person", "add", "rivp", "Awa " + "x" * 236],
        ["person", "edit", "rivp", "Jean Martin", "--name", "Jean " + "x" * 235],
    ],
    ids=["add", "edit"],
)
def test_person_name_too_long_is_refused(run: Run, store: Store, args: list[str]) -> None:
    assert run("person", "add", "rivp", "Jean Martin").exit_code == 0
    result = run(*args)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Erreur : nom : 240 caractères, au-delà de la limite de 200 ; raccourcissez-le.\n"
    )
    assert [p.name for p in people(store)] == ["Jean Martin"]


def test_an_inactive_person_is_not_the_next_steps_contact(run: Run, store: Store) -> None:
    run("person", "add", "rivp", "Awa Diallo")
    run("person", "add", "rivp", "Jean Martin")
    run("contact", "rivp", "--channel", "email", "--person", "Awa", "--summary", "Mail")
    items = {i["landlord"]: i for i in json.loads(run("next", "--json", "--all").stdout)}
    assert items["rivp"]["person"] == "Awa Diallo"
    run("person", "edit", "rivp", "Awa Diallo", "--inactif")
    items = {i["landlord"]: i for i in json.loads(run("next", "--json", "--all").stdout)}
    assert items["rivp"]["person"] is None
    run("contact", "rivp", "--channel", "telephone", "--person", "Awa", "--summary", "Appel")
    assert get(store, "rivp").next_person_id is None  # she answered, but she has left


def test_a_phone_may_carry_an_extension(run: Run) -> None:
    result = run("person", "add", "rivp", "Awa Diallo", "--phone", "01 23 45 67 89 poste 214")
    assert result.exit_code == 0, result
    people = json.loads(run("person", "list", "rivp", "--json").stdout)
    assert people[0]["phone"] == "01 23 45 67 89 poste 214"


def test_a_script_reads_the_field_not_the_option(store: Store) -> None:
    """Core errors carry their field; only the CLI boundary names the option (issue 13)."""
    from bailleurs_cli.enums import Channel, Stage
    from bailleurs_cli.errors import InvalidInput
    from bailleurs_cli.followup.exchanges import ContactInput, contact
    from bailleurs_cli.settings.config import Settings

    from .conftest import TODAY

    cases = [
        (
            ContactInput(channel=Channel.EMAIL, summary="x", next=date(2026, 11, 1)),
            "next_due",
            "échéance : le 01/11/2026 est passé ; ",
        ),
        (
            ContactInput(channel=Channel.EMAIL, summary="x", on=date(2026, 12, 24)),
            "occurred_on",
            "date : le 24/12/2026 est à venir ; ",
        ),
        (
            ContactInput(
                channel=Channel.EMAIL, summary="x", stage=Stage.REFUSED, next=date(2026, 12, 1)
            ),
            "next_due",
            "échéance : un bailleur en refus n'a pas de prochaine étape ; retirez échéance "
            "et prochaine étape.",
        ),
        (
            ContactInput(channel=Channel.EMAIL, summary="x", stage=Stage.REFUSED),
            "reason",
            "motif : ",
        ),
    ]
    for data, field, start in cases:
        with pytest.raises(InvalidInput) as caught, store.write() as session:
            contact(session, "rivp", data, today=TODAY, delays=Settings().delays)
        assert caught.value.field == field
        assert caught.value.message.startswith(start), caught.value.message
        assert "--" not in caught.value.message
