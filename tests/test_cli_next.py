"""``next`` end to end, the pipeline invariant, and concurrent writers."""

from __future__ import annotations

import json
import multiprocessing
import random

from sqlmodel import select

from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import CLOSED_STAGES, Landlord

from .conftest import REGISTRY_SIZE, TODAY, Run, plain_spaces


def test_next_on_a_fresh_store_lists_landlords_never_contacted(run: Run) -> None:
    result = run("next", "--json", "--all")
    assert result.exit_code == 0, result
    items = json.loads(result.stdout)
    assert len(items) == REGISTRY_SIZE - 1  # Efidis, absorbed by CDC Habitat social, is not
    assert {i["reason"] for i in items} == {"jamais_contacte"}
    assert "efidis" not in {i["landlord"] for i in items}
    # Without territories, what is known first: the thesis' Tableau 1 landlords, those
    # with the most sourced presence facts (Paris' funded dwellings) at their head.
    assert items[0]["landlord"] == "elogie-siemp"
    thesis = {i["landlord"] for i in items[:15]}
    assert {"plaine-commune-habitat", "est-ensemble-habitat", "rivp"} <= thesis


def in_the_past(day: str) -> dict[str, str]:
    return {"BAILLEURS_TODAY": day}


def test_next_orders_late_before_due_before_never_contacted(run: Run) -> None:
    run(
        "contact", "rivp", "--channel", "email", "--summary", "Envoi", env=in_the_past("2026-11-01")
    )
    run("contact", "adoma", "--channel", "telephone", "--summary", "Appel", "--next", "+2j")
    run(
        "contact",
        "valdevy",
        "--channel",
        "email",
        "--summary",
        "Mail",
        env=in_the_past("2026-11-10"),
    )
    run("contact", "seqens", "--channel", "email", "--summary", "Mail", "--date", "01/11/2026")
    items = json.loads(run("next", "--json", "--limit", "5").stdout)
    assert [(i["landlord"], i["reason"], i["days_late"]) for i in items] == [
        ("rivp", "en_retard", 12),  # 1 Nov + 10 days = 11 Nov
        ("valdevy", "en_retard", 3),
        ("seqens", "aujourdhui", 0),  # logged late: the relaunch is due today, not in the past
        ("adoma", "a_venir", -2),
        ("elogie-siemp", "jamais_contacte", None),
    ]


def test_next_plain_output(run: Run) -> None:
    run("person", "add", "rivp", "Awa Diallo")
    run(
        "contact",
        "rivp",
        "--channel",
        "email",
        "--person",
        "Awa",
        "--summary",
        "Envoi",
        env=in_the_past("2026-11-01"),
    )
    result = run("next", "--limit", "2")
    assert result.stdout.splitlines() == [
        "Bailleur      Interlocuteur  Action                                                 "
        "Échéance                   Pourquoi         Étape",
        "RIVP          Awa Diallo     Relancer                                               "
        "mercredi 11 novembre 2026  12 j de retard   contacté depuis le 01/11/2026",
        "Elogie-Siemp                 Trouver l'interlocuteur et prendre un premier contact  "
        "à planifier                jamais contacté  identifié depuis le 23/11/2026",
    ]
    assert result.stderr.splitlines() == [
        f"… et {REGISTRY_SIZE - 3} autres (--limit, ou --all pour tout voir).",
        "Astuce : dites où l'association intervient pour classer les bailleurs par leur "
        "présence sur vos communes et leurs QPV : bailleurs config territoires --commune "
        '"Saint-Denis" --departement 93 ; et qui elle est : bailleurs config set '
        'association.nom "…".',
    ]


def test_first_next_hides_empty_columns(run: Run) -> None:
    lines = run("next", "--limit", "3").stdout.splitlines()
    assert lines[0].split() == ["Bailleur", "Action", "Échéance", "Pourquoi", "Étape"]


def test_next_stale_partner(run: Run) -> None:
    run(
        "contact",
        "rivp",
        "--channel",
        "rdv",
        "--summary",
        "Signature",
        "--stage",
        "partenaire",
        "--date",
        "01/08/2026",
        "--next",
        "2027-06-01",
        "--next-action",
        "Bilan annuel",
    )
    items = json.loads(run("next", "--json", "--limit", "100").stdout)
    stale = [i for i in items if i["landlord"] == "rivp"]
    assert stale == [
        {
            "landlord": "rivp",
            "name": "RIVP",
            "person": None,
            "action": "Bilan annuel",
            "due": "2027-06-01",
            "days_late": -190,
            "reason": "sans_nouvelles",
            "stage": "partenaire",
            "stage_since": "2026-11-23",
            "priority": None,
        }
    ]


def test_next_when_nothing_is_due(run: Run) -> None:
    for slug in [i["landlord"] for i in json.loads(run("next", "--json", "--all").stdout)]:
        run("stage", slug, "en_veille")
    result = run("next")
    assert (result.exit_code, result.stdout) == (0, "")
    assert (
        result.stderr == "Rien à faire pour l'instant : aucune étape due ni bailleur en attente.\n"
    )
    assert run("next", "--json").stdout == "[]\n"


def check_invariant(store: Store) -> None:
    """Every open landlord has one next step, and ``next --all`` shows it (a step
    without a date too: nothing else would bring it back)."""
    from bailleurs_cli.followup.scheduling import next_items

    with store.read() as session:
        listed = [
            item.landlord
            for item in next_items(
                session, today=TODAY, days=7, stale_after_days=45, everything=True
            )
        ]
        for ll in session.exec(select(Landlord)).all():
            if ll.stage in CLOSED_STAGES or ll.absorbed_by:  # absorbed: its successor's steps
                assert (ll.next_action, ll.next_due) == (None, None), ll.slug
                assert ll.slug not in listed, ll.slug
            else:
                assert ll.next_action, ll.slug
                if ll.last_exchange_on is not None:
                    assert ll.next_due is not None, ll.slug
                assert listed.count(ll.slug) == 1, ll.slug


def test_every_open_landlord_keeps_exactly_one_next_step(run: Run, store: Store) -> None:
    rng = random.Random(2026)
    slugs = ["rivp", "adoma", "seqens", "valdevy", "pantin-habitat"]
    stages = ["identifie", "contacte", "en_discussion", "proposition", "partenaire", "en_veille"]
    for _ in range(40):
        slug = rng.choice(slugs)
        action = rng.randrange(5)
        if action == 0:
            run(
                "contact",
                slug,
                "--channel",
                rng.choice(["email", "rdv", "visio"]),
                "--summary",
                "x",
            )
        elif action == 1:
            run("stage", slug, rng.choice(stages))
        elif action == 2:
            run("stage", slug, "refus", "--reason", "Pas cette année")
        elif action == 3:
            run("plan", slug, "+5j", "Relancer")
        else:
            run("snooze", slug, "+3j")
        check_invariant(store)


def test_a_step_left_without_a_date_stays_on_the_list(run: Run, store: Store) -> None:
    """Deleting a landlord's only exchange leaves it « contacté » with a step to plan:
    ``next`` says so until it is planned, instead of dropping it from every list."""
    assert run("contact", "adoma", "--channel", "email", "--summary", "Apel").exit_code == 0
    [logged] = json.loads(run("history", "adoma", "--json").stdout)
    assert run("exchange", "delete", str(logged["id"]), "--yes").exit_code == 0
    check_invariant(store)
    shown = {item["landlord"]: item for item in json.loads(run("next", "--json").stdout)}
    assert shown["adoma"]["reason"] == "a_planifier"
    assert shown["adoma"]["due"] is None
    assert shown["adoma"]["stage"] == "contacte"
    line = next(r for r in plain_spaces(run("next", "--all").stdout).splitlines() if "Adoma" in r)
    assert "étape sans date" in line
    assert run("plan", "adoma", "+3j", "Appeler la DSU").exit_code == 0
    again = {item["landlord"]: item for item in json.loads(run("next", "--json").stdout)}
    assert again["adoma"]["reason"] == "a_venir"


def _log_contacts(db: str, slug: str, count: int) -> int:
    from bailleurs_cli.api import open_default
    from bailleurs_cli.enums import Channel
    from bailleurs_cli.errors import StoreError
    from bailleurs_cli.followup.exchanges import ContactInput, contact
    from bailleurs_cli.settings.config import Settings

    from .conftest import TODAY

    store = open_default(db, today=TODAY)
    failures = 0
    for index in range(count):
        try:
            with store.write() as session:
                contact(
                    session,
                    slug,
                    ContactInput(channel=Channel.EMAIL, summary=f"Envoi {index}"),
                    today=TODAY,
                    delays=Settings().delays,
                )
        except StoreError:
            failures += 1
    store.dispose()
    return failures


def test_concurrent_writers_never_fail(db_url: str) -> None:
    """Two processes logging exchanges at once: no "database is locked", no lost row."""
    db = db_url
    from bailleurs_cli.api import open_default

    from .conftest import TODAY

    open_default(db, today=TODAY).dispose()
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        failures = pool.starmap(_log_contacts, [(db, "rivp", 60), (db, "adoma", 60)])
    assert failures == [0, 0]
    store = open_default(db, today=TODAY)
    with store.read() as session:
        from bailleurs_cli.store.models import Exchange

        assert len(session.exec(select(Exchange)).all()) == 120
    store.dispose()
