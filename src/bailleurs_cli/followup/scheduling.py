"""What to do next, for whom, by when, and why: the ranking behind ``bailleurs next``.

:func:`rank` is pure: it takes candidate rows and ``today`` and never reads the
clock or the store. :func:`candidates` is the one query (:data:`CANDIDATES_SQL`); it
reads only the ``landlord`` table (whose ``last_exchange_on`` is kept up to date by
``contact``), so its cost does not grow with the number of exchanges. Every query
here is plain SQL run through a :class:`~bailleurs_cli.store.reader.Reader`: ``next`` and
``digest`` answer without importing SQLAlchemy (issue 14).

Order: overdue steps (most late first), due today, due within the horizon, then
landlords never contacted (by priority where the association works, when its
territories are set; see :mod:`bailleurs_cli.ground.territory`), then stale ones (no
exchange for ``stale_after_days`` while *en discussion*, *proposition* or *partenaire*).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bailleurs_cli.enums import CLOSED_STAGES, STALE_STAGES, Reason, Stage
from bailleurs_cli.store.reader import Reader, as_reader, day, json_value, moment, required_day

if TYPE_CHECKING:
    from sqlmodel import Session

    from bailleurs_cli.ground.geo import Territories


@dataclass(frozen=True)
class Candidate:
    """The columns ranking needs, for one open landlord."""

    slug: str
    name: str
    stage: str
    stage_since: date
    next_action: str | None
    next_due: date | None
    last_exchange_on: date | None
    person: str | None
    changed_at: datetime | None = None  # when the landlord's record last changed


@dataclass(frozen=True)
class ReminderRow:
    """A recurring reminder, as ranking needs it."""

    id: int
    label: str
    next_on: date
    landlord_slug: str | None
    landlord_name: str | None


@dataclass(frozen=True)
class NextItem:
    """One row of ``bailleurs next``."""

    landlord: str | None
    name: str
    person: str | None
    action: str | None
    due: date | None
    days_late: int | None
    reason: Reason
    stage: str | None
    stage_since: date | None
    silent_days: int | None = None
    reminder_id: int | None = None
    priority: str | None = None  # priority.LEVELS label, when territories are set
    changed_at: datetime | None = None  # when the step last changed (agenda SEQUENCE)

    def command(self) -> str:
        """The command that acts on this item (shown in the digest and the agenda),
        on the channel the step names (« Relancer par téléphone »: telephone)."""
        if self.reason == Reason.REMINDER:
            return f"bailleurs remind done {self.reminder_id}"
        return f'bailleurs contact {self.landlord} --channel {self.channel()} --summary "…"'

    def channel(self) -> str:
        """The channel the step's wording names, e-mail by default."""
        from bailleurs_cli.validation import fold

        words = fold(self.action or "")
        for channel, keys in _CHANNEL_WORDS:
            if any(key in words for key in keys):
                return channel
        return "email"

    def as_json(self) -> dict[str, object]:
        """Stable keys, ISO dates (documented in the README)."""
        return {
            "landlord": self.landlord,
            "name": self.name,
            "person": self.person,
            "action": self.action,
            "due": self.due.isoformat() if self.due else None,
            "days_late": self.days_late,
            "reason": self.reason.value,
            "stage": self.stage,
            "stage_since": self.stage_since.isoformat() if self.stage_since else None,
            "priority": self.priority,
        }


#: Words of a next step that name its channel, checked in this order.
_CHANNEL_WORDS = (
    ("rdv", ("rendez vous", "rdv", "rencontr", "reunion")),
    ("visio", ("visio",)),
    ("telephone", ("telephon", "appel", "rappel", "tel ")),
    ("courrier", ("courrier", "lettre")),
    ("visite", ("visite",)),
    ("evenement", ("evenement", "salon", "forum")),
)


def _classify(
    row: Candidate, *, today: date, horizon: date, stale_before: date
) -> tuple[Reason, int | None]:
    due = row.next_due
    if due is not None and due <= horizon:
        if due < today:
            return Reason.OVERDUE, None
        return (Reason.TODAY if due == today else Reason.SOON), None
    if row.last_exchange_on is None and row.stage == Stage.IDENTIFIED:
        return Reason.NEVER_CONTACTED, None
    if row.stage in STALE_STAGES:
        last = row.last_exchange_on
        if last is None or last < stale_before:
            return Reason.STALE, (today - last).days if last else None
    if due is not None:
        return Reason.LATER, None
    # An open step without a date (exchanges deleted, a stage moved by hand): shown
    # until it is planned, or the landlord would drop out of every list.
    return Reason.UNPLANNED, None


_ORDER = {
    Reason.OVERDUE: 0,
    Reason.TODAY: 1,
    Reason.SOON: 2,
    Reason.UNPLANNED: 3,  # a landlord already in touch, whose next step needs a date
    Reason.NEVER_CONTACTED: 4,
    Reason.STALE: 5,
    Reason.LATER: 6,
}


def rank(
    rows: list[Candidate],
    *,
    today: date,
    days: int,
    stale_after_days: int,
    include_later: bool = False,
    reminders: list[ReminderRow] | None = None,
    priorities: dict[str, tuple[str, tuple[int, ...]]] | None = None,
    known: dict[str, tuple[int, ...]] | None = None,
) -> list[NextItem]:
    """Order what to do; pure function of ``rows``, ``reminders``, ``priorities``
    (slug → label and sort key, when territories are set), ``known`` (slug → sort
    key of what the store knows about it, when they are not) and ``today``."""
    unranked: tuple[str, tuple[int, ...]] = ("", (0,))
    horizon = today + timedelta(days=days)
    stale_before = today - timedelta(days=stale_after_days)
    items: list[NextItem] = []
    for row in rows:
        if row.stage in CLOSED_STAGES:
            continue
        reason, silent = _classify(row, today=today, horizon=horizon, stale_before=stale_before)
        if reason == Reason.LATER and not include_later:
            continue
        items.append(
            NextItem(
                landlord=row.slug,
                name=row.name,
                person=row.person,
                action=row.next_action,
                due=row.next_due,
                days_late=(today - row.next_due).days if row.next_due else None,
                reason=reason,
                stage=row.stage,
                stage_since=row.stage_since,
                silent_days=silent,
                changed_at=row.changed_at,
                priority=priorities.get(row.slug, ("aucune", (0,)))[0]
                if priorities is not None
                else None,
            )
        )

    for reminder in reminders or []:
        if reminder.next_on > horizon and not include_later:
            continue
        items.append(
            NextItem(
                landlord=reminder.landlord_slug,
                name=reminder.landlord_name or "Rappel",
                person=None,
                action=reminder.label,
                due=reminder.next_on,
                days_late=(today - reminder.next_on).days,
                reason=Reason.REMINDER,
                stage=None,
                stage_since=None,
                reminder_id=reminder.id,
            )
        )

    def group(item: NextItem) -> int:
        if item.reason == Reason.REMINDER:
            late = item.days_late or 0
            if item.due is not None and item.due > horizon:
                return _ORDER[Reason.LATER]
            return _ORDER[
                Reason.OVERDUE if late > 0 else Reason.TODAY if late == 0 else Reason.SOON
            ]
        return _ORDER[item.reason]

    def key(item: NextItem) -> tuple[int, int, tuple[int, ...], str, str]:
        if item.reason in (
            Reason.OVERDUE,
            Reason.TODAY,
            Reason.SOON,
            Reason.LATER,
            Reason.REMINDER,
        ):
            secondary = -(item.days_late or 0)  # most late first, then soonest
        elif item.reason == Reason.STALE:
            secondary = -(item.silent_days or 10**6)  # longest silence first
        else:
            secondary = 0
        strength = unranked[1]
        if item.reason == Reason.NEVER_CONTACTED and priorities is not None:
            strength = priorities.get(item.landlord or "", unranked)[1]
        elif item.reason == Reason.NEVER_CONTACTED and known is not None:
            strength = known.get(item.landlord or "", unranked[1])
        return (group(item), secondary, strength, item.name.casefold(), item.landlord or "")

    return sorted(items, key=key)


def _quoted(stages: frozenset[Stage]) -> str:
    return ", ".join(f"'{s.value}'" for s in sorted(stages))


#: Open landlords, with the person of their step: an inactive person (gone from the
#: landlord) is not proposed as the contact; an absorbed landlord neither (its
#: successor is the one). The one definition, for the lean path and the ORM alike.
CANDIDATES_SQL = f"""
SELECT l.slug, l.name, l.stage, l.stage_since, l.next_action, l.next_due,
       l.last_exchange_on, p.name, l.updated_at
FROM landlord l
LEFT JOIN person p ON p.id = l.next_person_id AND p.active = TRUE
WHERE l.stage NOT IN ({_quoted(CLOSED_STAGES)}) AND l.absorbed_by IS NULL
"""

#: Among them, those ``next`` may show without ``--all``: a step within the horizon
#: or without a date, never contacted, or silent too long in a stage where silence
#: matters.
_DUE_SQL = f"""
  AND (l.next_due <= :horizon OR l.next_due IS NULL
       OR (l.last_exchange_on IS NULL AND l.stage = '{Stage.IDENTIFIED.value}')
       OR (l.stage IN ({_quoted(STALE_STAGES)})
           AND (l.last_exchange_on IS NULL OR l.last_exchange_on < :stale_before)))
"""


def candidates(
    source: Session | Reader, *, today: date, days: int, stale_after_days: int, everything: bool
) -> list[Candidate]:
    """Open landlords that may appear in ``next``, with the person of their step."""
    sql, params = CANDIDATES_SQL, {}
    if not everything:
        sql += _DUE_SQL
        params = {
            "horizon": today + timedelta(days=days),
            "stale_before": today - timedelta(days=stale_after_days),
        }
    return [
        Candidate(
            slug, name, stage, required_day(since), action, day(due), day(last), person, moment(at)
        )
        for slug, name, stage, since, action, due, last, person, at in as_reader(source).rows(
            sql, params
        )
    ]


def next_items(
    source: Session | Reader,
    *,
    today: date,
    days: int,
    stale_after_days: int,
    everything: bool = False,
    territories: Territories | None = None,
) -> list[NextItem]:
    """Query and rank in one call (what the CLI and scripts use), through an ORM
    session or a lean :class:`~bailleurs_cli.store.reader.Reader`."""
    reader = as_reader(source)
    rows = candidates(
        reader, today=today, days=days, stale_after_days=stale_after_days, everything=everything
    )
    ranked = None
    known = None
    if territories is not None and territories.configured:
        ranked = priority_keys(reader, territories)
    else:
        known = knowledge_keys(reader)
    return rank(
        rows,
        priorities=ranked,
        known=known,
        today=today,
        days=days,
        stale_after_days=stale_after_days,
        include_later=everything,
        reminders=reminder_rows(reader),
    )


def priority_keys(
    source: Session | Reader, territories: Territories
) -> dict[str, tuple[str, tuple[int, ...]]]:
    """Slug → (priority label, sort key) of every landlord, for :func:`rank`."""
    from bailleurs_cli.ground.priority import priorities

    reader = as_reader(source)
    found = priorities(reader, territories)
    return {
        slug: (found[landlord_id].label, found[landlord_id].sort_key())
        for landlord_id, slug in reader.rows("SELECT id, slug FROM landlord")
        if landlord_id in found
    }


def knowledge_keys(source: Session | Reader) -> dict[str, tuple[int, ...]]:
    """Slug → sort key of what is known of a landlord, for ranking the never-contacted
    ones before territories are set: the thesis' Tableau 1 landlords first, then those
    with more sourced presence facts, then those with a known head office."""
    reader = as_reader(source)
    facts = dict(reader.rows("SELECT landlord_id, count(*) FROM presence GROUP BY landlord_id"))
    keys: dict[str, tuple[int, ...]] = {}
    for landlord_id, slug, sources, street in reader.rows(
        "SELECT id, slug, sources, street FROM landlord"
    ):
        in_thesis = any(s.get("ref") == "memoire-t1" for s in json_value(sources) or [])
        keys[slug] = (-int(in_thesis), -int(facts.get(landlord_id, 0)), -int(bool(street)))
    return keys


def reminder_rows(source: Session | Reader) -> list[ReminderRow]:
    """Every recurring reminder (a handful), with its landlord if any."""
    rows = as_reader(source).rows(
        "SELECT r.id, r.label, r.next_on, l.slug, l.name FROM reminder r "
        "LEFT JOIN landlord l ON l.id = r.landlord_id ORDER BY r.next_on, r.id"
    )
    return [
        ReminderRow(i, label, required_day(on), slug, name) for i, label, on, slug, name in rows
    ]
