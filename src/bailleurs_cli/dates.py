"""Parse the dates users type: ISO, ``jj/mm/aaaa`` and relative French forms.

Pure: "today" is always an argument, never read from the clock here.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, timedelta

from bailleurs_cli.errors import InvalidInput
from bailleurs_cli.formatting import short_date, weekday_names

_RELATIVE = re.compile(r"^\+?\s*(\d{1,4})\s*(j|jours?|s|sem|semaines?|m|mois)$")
_FRENCH = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")

HELP = (
    "AAAA-MM-JJ, JJ/MM/AAAA, +3j, +2s, +1m, aujourd'hui, demain, après-demain ou un jour "
    "de la semaine (lundi)"
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def add_months(day: date, months: int) -> date:
    """Add calendar months, clamping the day to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_date(text: str, *, today: date, field: str = "date") -> date:
    """Turn what the user typed into a date.

    Args:
        text: ``2027-01-15``, ``15/01/2027``, ``+10j``, ``+2s``, ``+1m``,
            ``aujourd'hui``, ``demain``, ``après-demain`` or a weekday name
            (the next such day, strictly after today).
        today: the reference day for relative forms.
        field: the field the date is for (``next_due``…): the error carries it, the
            CLI boundary names its option.

    Raises:
        InvalidInput: the text is not a date in any of these forms.
    """
    raw = text.strip()
    folded = _fold(raw)
    try:
        if match := _ISO.match(raw):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _FRENCH.match(raw):
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        raise InvalidInput(f"« {raw} » n'existe pas au calendrier.", field=field) from None
    if folded in {"aujourd'hui", "aujourd’hui", "aujourdhui", "auj"}:
        return today
    if folded == "demain":
        return today + timedelta(days=1)
    if folded in {"apres-demain", "apres demain"}:
        return today + timedelta(days=2)
    if folded in weekday_names():
        ahead = (weekday_names().index(folded) - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    if match := _RELATIVE.match(folded):
        count, unit = int(match[1]), match[2]
        if unit.startswith("j"):
            return today + timedelta(days=count)
        if unit.startswith("s"):
            return today + timedelta(weeks=count)
        return add_months(today, count)
    raise InvalidInput(f"« {raw} » n'est pas une date ; formats acceptés : {HELP}.", field=field)


def in_order(first: date, last: date) -> None:
    """A period's last day (``until``) is not before its first (``since``).

    Raises:
        InvalidInput: ``last`` precedes ``first``.
    """
    if last < first:
        raise InvalidInput(
            lambda name: (
                f"le {short_date(last)} précède {name('since')} ({short_date(first)}) ; "
                "vérifiez les dates."
            ),
            field="until",
        )
