"""Recurring reminders: the yearly or half-yearly multi-actor meeting, bilans after
each holiday period (thesis, ch. IV, préconisation 4). A reminder has its next
date; ``done`` moves it one period on. Due reminders appear in ``next`` and in
the digest.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlmodel import Session, col, select

from bailleurs_cli import validation
from bailleurs_cli.dates import add_months, parse_date
from bailleurs_cli.enums import Unit
from bailleurs_cli.errors import InvalidInput, NotFound
from bailleurs_cli.followup.landlords import resolve
from bailleurs_cli.store.models import Landlord, Reminder

_EVERY = re.compile(r"^\s*(\d{1,3})\s*(j|jours?|s|sem|semaines?|m|mois|a|ans?)\s*$")


def period(every: int, unit: str) -> str:
    """``1 an``, ``6 mois``, ``2 semaines``."""
    from bailleurs_cli.formatting import UNIT_LABELS, UNIT_PLURALS, pluriel

    return pluriel(every, UNIT_LABELS[unit], UNIT_PLURALS[unit])


def parse_every(text: str) -> tuple[int, Unit]:
    """``6m`` → (6, "m"); units j, s, m, a."""
    match = _EVERY.match(validation.fold(text).replace(" ", ""))
    if not match or int(match[1]) == 0:
        raise InvalidInput(
            f"« {text} » n'est pas une période ; exemples : 15j, 2s, 6m, 1a.", field="every"
        )
    return int(match[1]), Unit(match[2][0])


def advance(day: date, every: int, unit: str) -> date:
    """The next occurrence after ``day``."""
    if unit == Unit.DAY:
        return day + timedelta(days=every)
    if unit == Unit.WEEK:
        return day + timedelta(weeks=every)
    return add_months(day, every * (12 if unit == Unit.YEAR else 1))


def add(
    session: Session,
    label: str,
    every: str,
    *,
    start: str | None,
    landlord: str | None,
    today: date,
) -> Reminder:
    """Create a reminder; its first date is ``start`` (default: today)."""
    count, unit = parse_every(every)
    first = parse_date(start, today=today, field="first_on") if start else today
    owner: Landlord | None = resolve(session, landlord) if landlord else None
    reminder = Reminder(
        label=validation.required_text(label, "libellé"),
        every=count,
        unit=unit,
        next_on=first,
        landlord_id=owner.id if owner else None,
    )
    session.add(reminder)
    session.flush()
    return reminder


def all_reminders(session: Session) -> list[tuple[Reminder, Landlord | None]]:
    """Every reminder with its landlord, soonest first."""
    statement = (
        select(Reminder, Landlord)
        .join(Landlord, col(Landlord.id) == col(Reminder.landlord_id), isouter=True)
        .order_by(col(Reminder.next_on), col(Reminder.id))
    )
    return [(r, ll) for r, ll in session.exec(statement).all()]


def _get(session: Session, reminder_id: int) -> Reminder:
    reminder = session.get(Reminder, reminder_id)
    if reminder is None:
        raise NotFound(f"rappel n° {reminder_id} introuvable ; voir « bailleurs remind list ».")
    return reminder


def remove(session: Session, reminder_id: int) -> Reminder:
    """Delete a reminder."""
    reminder = _get(session, reminder_id)
    session.delete(reminder)
    return reminder


def done(session: Session, reminder_id: int, *, today: date) -> Reminder:
    """Mark the current occurrence done: move to the first occurrence after today."""
    reminder = _get(session, reminder_id)
    following = advance(reminder.next_on, reminder.every, reminder.unit)
    while following <= today:
        following = advance(following, reminder.every, reminder.unit)
    reminder.next_on = following
    session.add(reminder)
    return reminder
