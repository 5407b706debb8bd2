"""One vocabulary: every enum value has its French label, in one place."""

from __future__ import annotations

import inspect
from enum import StrEnum

import pytest

from bailleurs_cli import enums, formatting
from bailleurs_cli.enums import Contribution, LegalKind, PartnershipKind, Stage, Unit

ENUMS = [
    member
    for _, member in inspect.getmembers(enums, inspect.isclass)
    if issubclass(member, StrEnum) and member.__module__ == enums.__name__
]


@pytest.mark.parametrize("enum", ENUMS, ids=[e.__name__ for e in ENUMS])
def test_every_enum_value_has_a_french_label(enum: type[StrEnum]) -> None:
    table = formatting.LABELS[enum]
    assert set(table) == set(enum)
    for member in enum:
        assert formatting.label(member) == table[member]
        assert formatting.label(member).strip()


@pytest.mark.parametrize(
    ("column", "enum"),
    [
        (formatting.KIND_SHORT, LegalKind),
        (formatting.CONVENTION_KIND_LABELS, PartnershipKind),
        (formatting.CONTRIBUTION_TEXT, Contribution),
        (formatting.UNIT_PLURALS, Unit),
    ],
)
def test_second_columns_cover_their_enum(column: dict[str, object], enum: type[StrEnum]) -> None:
    assert set(column) == set(enum)


def test_slugs_shared_by_two_enums_keep_their_own_label() -> None:
    # « locaux » is both a contribution and a measure: the label follows the enum.
    assert formatting.label(Contribution.PREMISES) == "locaux"
    assert formatting.label(enums.Measure.PREMISES) == "locaux (logements, parkings, caves…)"
    assert formatting.label(Stage.IN_DISCUSSION) == "en discussion"
