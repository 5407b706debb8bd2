"""The retention rule: who is due for erasure (``person purge``, the monthly digest line).

The CNIL keeps prospection data three years after the last contact: a person whose
landlord had no exchange for ``rgpd.conservation_mois`` months, and who was recorded
before that, is due. Plain SQL through a :class:`~bailleurs_cli.store.reader.Reader`, so that
the digest run by cron checks it without importing SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bailleurs_cli.dates import add_months
from bailleurs_cli.store.reader import Reader, as_reader, day, moment

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True)
class Due:
    """A person due for erasure under the retention rule."""

    person_id: int
    name: str
    landlord_slug: str
    landlord_name: str
    last_exchange: date | None
    recorded_on: date


_PEOPLE_SQL = """
SELECT p.id, p.name, l.slug, l.name, p.created_at, x.latest
FROM person p
JOIN landlord l ON l.id = p.landlord_id
LEFT JOIN (SELECT landlord_id, max(occurred_on) AS latest FROM exchange GROUP BY landlord_id) x
  ON x.landlord_id = l.id
ORDER BY l.name, p.name
"""


def due_for_purge(source: Session | Reader, *, today: date, months: int) -> list[Due]:
    """People whose landlord had no exchange for more than ``months`` months and who were
    recorded before that, by landlord then name."""
    cutoff = add_months(today, -months)
    due = []
    for person_id, name, slug, landlord, created_at, latest in as_reader(source).rows(_PEOPLE_SQL):
        at = moment(created_at)
        assert at is not None  # person.created_at is NOT NULL
        recorded = at.date()
        last = day(latest)
        if max(recorded, last or recorded) < cutoff:
            due.append(Due(person_id, name, slug, landlord, last, recorded))
    return due
