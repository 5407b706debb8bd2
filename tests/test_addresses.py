"""The one postal address formatter (issue 13): letters, show, export, letterhead."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bailleurs_cli import addresses
from bailleurs_cli.documents.contexts import split_address


def landlord(**fields: str | None) -> SimpleNamespace:
    base: dict[str, str | None] = dict.fromkeys(
        ("street", "complement", "postcode", "city", "cedex")
    )
    return SimpleNamespace(**{**base, **fields})


def test_street_complement_then_city_line() -> None:
    rivp = landlord(
        street="13, avenue de la Porte d'Italie",
        complement="TSA 61371",
        postcode="75621",
        city="Paris",
        cedex="Cedex 13",
    )
    assert addresses.of(rivp) == [
        "13, avenue de la Porte d'Italie",
        "TSA 61371",
        "75621 Paris Cedex 13",
    ]
    assert (
        addresses.one_line_of(rivp)
        == "13, avenue de la Porte d'Italie, TSA 61371, 75621 Paris Cedex 13"
    )


@pytest.mark.parametrize(
    ("fields", "block"),
    [
        ({}, []),
        ({"street": "6 rue Carnot"}, ["6 rue Carnot"]),
        ({"postcode": "93100"}, ["93100"]),
        ({"city": "Montreuil"}, ["Montreuil"]),
        ({"complement": "BP 79"}, ["BP 79"]),
        ({"postcode": "93100", "city": "Montreuil"}, ["93100 Montreuil"]),
        ({"street": "6 rue Carnot", "city": "Montreuil"}, ["6 rue Carnot", "Montreuil"]),
        ({"street": "", "complement": "", "postcode": "", "city": ""}, []),
    ],
)
def test_missing_pieces_leave_no_empty_line(
    fields: dict[str, str | None], block: list[str]
) -> None:
    assert addresses.of(landlord(**fields)) == block
    assert addresses.one_line_of(landlord(**fields)) == ", ".join(block)


def test_street_repeating_postcode_and_town_is_written_once() -> None:
    """The SIRENE API's full ``adresse`` (issue 12): never « … 93000 BOBIGNY / 93000
    BOBIGNY »."""
    sirene = landlord(street="2 RUE HECTOR BERLIOZ 93000 BOBIGNY", postcode="93000", city="BOBIGNY")
    assert addresses.of(sirene) == ["2 RUE HECTOR BERLIOZ", "93000 BOBIGNY"]
    assert addresses.one_line_of(sirene) == "2 RUE HECTOR BERLIOZ, 93000 BOBIGNY"
    # Whatever the case, a comma before it, and with or without the CEDEX.
    mixed = landlord(
        street="2 rue Hector Berlioz, 93000 Bobigny",
        complement="CS 10001",
        postcode="93000",
        city="BOBIGNY",
        cedex="Cedex",
    )
    assert addresses.of(mixed) == ["2 rue Hector Berlioz", "CS 10001", "93000 BOBIGNY Cedex"]
    cedex = landlord(
        street="13 AV DE LA PORTE D'ITALIE 75621 PARIS CEDEX 13",
        postcode="75621",
        city="Paris",
        cedex="Cedex 13",
    )
    assert addresses.of(cedex) == ["13 AV DE LA PORTE D'ITALIE", "75621 Paris Cedex 13"]
    # A street that is nothing but the town's line leaves only that line.
    assert addresses.of(landlord(street="93000 Bobigny", postcode="93000", city="Bobigny")) == [
        "93000 Bobigny"
    ]


def test_a_town_in_the_street_name_stays() -> None:
    """Only a copy starting with the postcode goes: « rue de Paris » is a street."""
    paris = landlord(street="2 rue de Paris", postcode="93100", city="Paris")
    assert addresses.of(paris)[0] == "2 rue de Paris"
    other = landlord(street="12 rue de Bobigny 93100", postcode="93000", city="Bobigny")
    assert addresses.of(other)[0] == "12 rue de Bobigny 93100"
    assert addresses.street_line("6 rue Carnot", None, "Montreuil") == "6 rue Carnot"


def test_association_address_splits_into_the_same_lines() -> None:
    assert split_address("12 rue de la République, 92120 Montrouge") == (
        ["12 rue de la République", "92120 Montrouge"],
        "Montrouge",
    )
    assert split_address("21 bis, rue Claude Bernard, 75253 Paris Cedex 05") == (
        ["21 bis, rue Claude Bernard", "75253 Paris Cedex 05"],
        "Paris",
    )
    assert split_address("Mairie") == (["Mairie"], "")
