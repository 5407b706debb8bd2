from __future__ import annotations

from datetime import date, timedelta

import pytest
from babel.dates import format_date

from bailleurs_cli.dates import parse_date
from bailleurs_cli.errors import InvalidInput
from bailleurs_cli.formatting import lateness, long_date

MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-01-15", date(2027, 1, 15)),
        ("15/01/2027", date(2027, 1, 15)),
        ("5/1/2027", date(2027, 1, 5)),
        ("+3j", date(2026, 11, 26)),
        ("+10 jours", date(2026, 12, 3)),
        ("+2s", date(2026, 12, 7)),
        ("+1m", date(2026, 12, 23)),
        ("demain", date(2026, 11, 24)),
        ("après-demain", date(2026, 11, 25)),
        ("aujourd'hui", MONDAY),
        ("lundi", date(2026, 11, 30)),  # strictly after today, even on a Monday
        ("Vendredi", date(2026, 11, 27)),
        ("dimanche", date(2026, 11, 29)),
    ],
)
def test_parse_date_forms(text: str, expected: date) -> None:
    assert parse_date(text, today=MONDAY) == expected


def test_parse_date_month_end_is_clamped() -> None:
    assert parse_date("+1m", today=date(2027, 1, 31)) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "bientôt",
            "--next : « bientôt » n'est pas une date ; formats acceptés : AAAA-MM-JJ, "
            "JJ/MM/AAAA, +3j, +2s, +1m, aujourd'hui, demain, après-demain ou un jour de la semaine "
            "(lundi).",
        ),
        ("31/02/2027", "--next : « 31/02/2027 » n'existe pas au calendrier."),
    ],
)
def test_parse_date_errors_name_the_field(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, today=MONDAY, field="--next")
    assert caught.value.message == message


def test_long_date_matches_babel_for_a_whole_year() -> None:
    """Babel's French long date, with the ordinal French writes on the first of the
    month (« 1er »), which CLDR leaves out."""
    day = date(2026, 1, 1)
    while day.year == 2026:
        expected = format_date(day, "EEEE d MMMM y", locale="fr_FR")
        if day.day == 1:
            weekday, _, rest = expected.split(" ", 2)
            expected = f"{weekday} 1er {rest}"
        assert long_date(day) == expected
        day += timedelta(days=1)


def test_long_date_example_from_the_brief() -> None:
    assert long_date(date(2026, 12, 1)) == "mardi 1er décembre 2026"


@pytest.mark.parametrize(
    ("days", "text"), [(0, "aujourd'hui"), (3, "3 j de retard"), (-1, "demain"), (-7, "dans 7 j")]
)
def test_lateness(days: int, text: str) -> None:
    assert lateness(days) == text
