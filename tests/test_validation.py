from __future__ import annotations

import pytest

from bailleurs_cli import validation
from bailleurs_cli.cli._common import option_namer
from bailleurs_cli.errors import InvalidInput


def shown(exc: InvalidInput) -> str:
    """The line the CLI prints after « Erreur : » (the field named by its option); a
    script reads the field's French label instead, never an option (issue 13)."""
    assert "--" not in exc.message.split(" : ", 1)[0]
    return exc.naming(option_namer(""))


@pytest.mark.parametrize(
    ("raw", "formatted"),
    [
        ("01 23 45 67 89", "01 23 45 67 89"),
        ("0123456789", "01 23 45 67 89"),
        ("01.23.45.67.89", "01 23 45 67 89"),
        ("+33 1 23 45 67 89", "01 23 45 67 89"),
        ("0033 6 12 34 56 78", "06 12 34 56 78"),
    ],
)
def test_phone_is_formatted_the_french_way(raw: str, formatted: str) -> None:
    assert validation.phone(raw) == formatted


@pytest.mark.parametrize("raw", ["123", "00 23 45 67 89", "01 23 45 67 8", "+44 20 7946 0958"])
def test_phone_rejects_non_french_numbers(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validation.phone(raw)
    assert caught.value.field == "phone"
    assert shown(caught.value).startswith("--phone : ")
    assert caught.value.message.startswith("téléphone : ")


def test_email_is_checked_offline() -> None:
    assert validation.email(" awa.diallo@example.org ") == "awa.diallo@example.org"
    with pytest.raises(InvalidInput) as caught:
        validation.email("awa.diallo@")
    assert shown(caught.value) == (
        "--email : « awa.diallo@ » n'est pas une adresse e-mail valide "
        "(exemple : prenom.nom@bailleur.fr)."
    )


def test_siren_checks_the_luhn_key() -> None:
    assert validation.siren("344 810 825") == "344810825"  # Paris Habitat
    with pytest.raises(InvalidInput, match="clé de contrôle"):
        validation.siren("344810826")


def test_siret_checks_the_luhn_key_and_la_postes_rule() -> None:
    assert validation.is_siret("73282932000074")
    assert not validation.is_siret("73282932000075")
    assert validation.is_siret("35600000000048")  # La Poste's head office: Luhn
    assert validation.is_siret("35600000049837")  # a post office: digits add up to 5k
    assert not validation.is_siret("35600000049838")
    assert not validation.is_siret("7328293200007³")


def test_address_keeps_cedex_and_complement() -> None:
    assert validation.address(
        "13, avenue de la Porte d'Italie, TSA 61371, 75621 Paris Cedex 13"
    ) == {
        "street": "13, avenue de la Porte d'Italie, TSA 61371",
        "postcode": "75621",
        "city": "Paris",
        "cedex": "Cedex 13",
    }


def test_address_without_postcode_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        validation.address("rue Carnot")
    assert shown(caught.value).startswith("--adresse : « rue Carnot » sans code postal")


def test_fold_and_slugify() -> None:
    assert validation.fold("Élogie-Siemp") == "elogie siemp"
    assert validation.slugify("Immobilière 3F") == "immobiliere-3f"


def test_superscript_digits_are_refused_not_a_crash() -> None:
    """« ⁵ » passes str.isdigit() but not int(): a ValueError stopped a whole import."""
    with pytest.raises(InvalidInput) as caught:
        validation.siren("34481082⁵")
    assert shown(caught.value) == (
        "--siren : « 34481082⁵ » invalide ; un SIREN a 9 chiffres dont le dernier est une clé "
        "de contrôle (voir l'annuaire des entreprises)."
    )


def test_phone_digits_are_ascii() -> None:
    with pytest.raises(InvalidInput) as caught:
        validation.phone("0١٢٣٤٥٦٧٨٩")
    assert shown(caught.value).startswith("--phone : « 0١٢٣٤٥٦٧٨٩ » n'est pas")


def test_a_line_break_typed_stays_on_the_error_line() -> None:
    with pytest.raises(InvalidInput) as caught:
        validation.phone("01 23\n45")
    assert shown(caught.value) == (
        "--phone : « 01 23 45 » n'est pas un numéro français ; attendu 10 chiffres "
        "(01 23 45 67 89) ou +33 1 23 45 67 89."
    )
