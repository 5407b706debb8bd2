"""bailleurs search: accent- and case-insensitive, ranked, each hit with its command."""

from __future__ import annotations

import json

from .conftest import Run


def test_search_finds_people_notes_steps_and_exchanges(run: Run) -> None:
    run("person", "add", "rivp", "Éloïse Martin", "--role", "chargée DSU")
    run("contact", "rivp", "--channel", "telephone", "--person", "Éloïse",
        "--summary", "Appel à Éloïse : envoyer la plaquette", "--next-action",
        "Envoyer la PLAQUETTE à Eloise")  # fmt: skip
    run("edit", "adoma", "--note", "Éloïse connaît la directrice d'agence")
    hits = json.loads(run("search", "ELOISE", "--json").stdout)
    assert [(h["kind"], h["landlord"]) for h in hits] == [
        ("person", "rivp"),
        ("next_step", "rivp"),
        ("note", "adoma"),
        ("exchange", "rivp"),
    ]
    assert hits[0]["command"] == "bailleurs person list rivp"
    assert hits[3]["date"] == "2026-11-23" and hits[3]["command"] == "bailleurs history rivp"
    both = json.loads(run("search", "eloise", "plaquette", "--json").stdout)
    assert {h["kind"] for h in both} == {"next_step", "exchange"}
    table = run("search", "plaine", "commune").stdout.splitlines()
    assert table[1].split()[0] == "bailleur" and "bailleurs show plaine-commune-habitat" in table[1]


def test_search_bad_input(run: Run) -> None:
    empty = run("search", "  ")
    assert (empty.exit_code, empty.stderr) == (
        1,
        "Erreur : recherche vide : donnez au moins un mot (exemple : bailleurs search diallo).\n",
    )
    nothing = run("search", "zzzz")
    assert (nothing.exit_code, nothing.stdout, nothing.stderr) == (
        0, "", "Rien trouvé pour « zzzz ».\n",
    )  # fmt: skip
