"""One name matcher for landlords, people, allies, communes, QPV and imports (issue 13).

The same steps everywhere (exact, all words, a clear typo, else suggestions), with
one table of thresholds; each test goes through the command a user types.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bailleurs_cli import names
from bailleurs_cli.sources.imports import matching

from .conftest import Run


def test_the_steps_in_order() -> None:
    people = ["Awa Diallo", "Jean Martin", "Jeanne Martin"]

    def same(name: str) -> list[str]:
        return [name]

    assert names.find("awa diallo", people, same) == names.Found("exact", "Awa Diallo")
    assert names.find("Diallo", people, same) == names.Found("words", "Awa Diallo")
    assert names.find("Awa Dialo", people, same) == names.Found("typo", "Awa Diallo")
    martin = names.find("Martin", people, same)
    assert (martin.how, martin.item, martin.ambiguous) == (
        "words",
        None,
        ["Jean Martin", "Jeanne Martin"],
    )
    # « Jean Martine » is a typo of both Martins: too close to call, nothing chosen.
    close = names.find("Jean Martine", people, same)
    assert close.item is None and close.suggestions[:2] == ["Jean Martin", "Jeanne Martin"]
    assert names.find("", people, same) == names.Found("none")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_query_designates_at_most_one_item(text: str) -> None:
    items = ["Paris Habitat", "Paris Habitat OPH", "RIVP", "Seqens", "Seqens Solidarités"]
    found = names.find(text, items, lambda name: [name])
    assert (found.item is None) or not found.ambiguous
    assert set(found.suggestions) <= set(items) and len(found.suggestions) <= 3


def test_imports_use_the_shared_thresholds() -> None:
    assert (matching.ACCEPT, matching.NEAR) == (names.SAME, names.NEAR)
    assert names.SUGGEST < names.NEAR < names.TYPO < names.SAME


def test_a_person_is_found_through_a_typo(run: Run) -> None:
    assert run("person", "add", "rivp", "Awa Diallo").exit_code == 0
    logged = run("contact", "rivp", "--channel", "email", "--person", "Awa Dialo",
                 "--summary", "Présentation")  # fmt: skip
    assert logged.exit_code == 0, logged.stderr
    assert "Awa Diallo" in run("history", "rivp").stdout


def test_an_ally_is_found_through_a_typo_and_ambiguity_is_said(run: Run) -> None:
    from .test_documents import IDENTITY

    for key, value in IDENTITY.items():
        assert run("config", "set", key, value).exit_code == 0
    for name in ("Les Petits Débrouillards IDF", "Les Petits Chercheurs"):
        added = run("allie", "add", name, "--contact", "Jeanne Roux")
        assert added.exit_code == 0, added.stderr
    assert run("letter", "rivp", "--avec", "Petits Debrouilards IDF", "--dry-run").exit_code == 0
    both = run("letter", "rivp", "--avec", "Les Petits", "--dry-run")
    assert both.exit_code != 0
    assert both.stderr.startswith("Erreur : --avec : « Les Petits » désigne plusieurs associations")
    assert both.stderr.count("\n") == 1


def test_an_unknown_qpv_suggests_close_codes(run: Run) -> None:
    result = run("edit", "rivp", "--qpv", "QN07520X")
    assert result.exit_code != 0
    assert "vouliez-vous dire" in result.stderr and "(QN07520M)" in result.stderr


def test_an_unknown_commune_suggests_close_names(run: Run) -> None:
    result = run("territoire", "Montreuill")
    assert result.exit_code != 0
    assert "Montreuil" in result.stderr and "vouliez-vous dire" in result.stderr
