"""One JSON shape per entity, shared by every ``--json`` and by ``export``.

Each field of a landlord, a person, an exchange, a partnership or a reminder is turned
into JSON (ISO dates, euros, the landlord's identifier, its postal address) here, once.
Each output then picks its keys, in its own order, and adds what only it knows: ``list``
its priority, ``show`` the people and exchanges, ``export`` the landlord's identifier
on every row and the communes where a landlord is present. The other entities'
builders live with them and serve ``--json`` and ``export`` alike:
:func:`bailleurs_cli.followup.workshops.as_json`,
:func:`bailleurs_cli.followup.allies.as_json`,
:func:`bailleurs_cli.ground.priority.presence_json`,
:func:`bailleurs_cli.ground.territory.qpv_json`.

The builders read attributes only, so an ORM entity and a lean-path
:class:`~bailleurs_cli.store.reader.Record` both do: nothing here imports SQLAlchemy, as
``list``, ``show`` and ``history`` read without it (``tests/test_meta.py``). Where two
public outputs of one entity differ (keys named or valued differently), the difference
is kept and written down beside the keys below: scripts read both, and the export's
shape is versioned (``export.SHAPE_VERSION``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from bailleurs_cli import addresses
from bailleurs_cli.addresses import departements_of

if TYPE_CHECKING:
    from bailleurs_cli.store.tables.exchange import Exchange
    from bailleurs_cli.store.tables.landlord import Landlord
    from bailleurs_cli.store.tables.partnership import Partnership
    from bailleurs_cli.store.tables.person import Person
    from bailleurs_cli.store.tables.reminder import Reminder


def iso(value: date | datetime | None) -> str | None:
    """ISO 8601, or None."""
    return value.isoformat() if value else None


def renamed(data: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """``data`` with key ``old`` named ``new``, in the same place."""
    return {(new if key == old else key): value for key, value in data.items()}


def _attribute(name: str) -> Callable[[Landlord], Any]:
    return attrgetter(name)


#: Every landlord field an output gives, each serialised once, by its JSON key.
#: ``communes`` is the communes the registry or the user state; ``export`` gives,
#: under the same key, the communes where the landlord is present (its presence
#: facts) instead.
LANDLORD_FIELDS: dict[str, Callable[[Landlord], Any]] = {
    "landlord": _attribute("slug"),
    **{
        key: _attribute(key)
        for key in (
            "name", "aliases", "former_names", "kind", "legal_form", "legal_category",
            "siren", "to_verify", "description", "history", "absorbed_by", "dwellings",
            "street", "complement", "postcode", "city", "cedex", "website", "communes",
            "governance", "in_registry", "stage", "stage_reason", "next_action", "notes",
            "sources",
        )
    },
    "group": _attribute("group_name"),
    "address": lambda ll: addresses.one_line_of(ll) or None,
    # As list, show and export give them: stated, plus the head office's.
    "departements": departements_of,
    "stage_since": lambda ll: iso(ll.stage_since),
    "next_due": lambda ll: iso(ll.next_due),
    "last_exchange": lambda ll: iso(ll.last_exchange_on),
}  # fmt: skip


def landlord_json(landlord: Landlord, keys: Iterable[str]) -> dict[str, Any]:
    """``keys`` of :data:`LANDLORD_FIELDS`, in that order."""
    return {key: LANDLORD_FIELDS[key](landlord) for key in keys}


#: ``list --json``, and the head of ``show --json`` (each then adds ``priority``).
LANDLORD_LIST_KEYS = (
    "landlord", "name", "kind", "departements", "city", "stage", "stage_since",
    "next_action", "next_due", "last_exchange", "in_registry", "to_verify",
)  # fmt: skip
#: ``show --json``'s facts beyond the list's, in its order (after ``presence``).
LANDLORD_DETAIL_KEYS = (
    "aliases", "former_names", "legal_form", "siren", "group", "description", "history",
    "absorbed_by", "dwellings", "address", "website", "communes", "governance", "notes",
    "stage_reason",
)  # fmt: skip
#: ``export``'s landlords: the address in its parts (the CSV joins street, postcode and
#: town into its « Adresse » cell, the complement keeping its own column, where
#: ``show --json``'s ``address`` has it), ``communes`` where present (see
#: :data:`LANDLORD_FIELDS`).
LANDLORD_EXPORT_KEYS = (
    "landlord", "name", "aliases", "kind", "legal_form", "legal_category", "siren",
    "to_verify", "group", "street", "complement", "postcode", "city", "cedex", "website",
    "departements", "communes", "in_registry", "stage", "stage_since", "next_action",
    "next_due", "last_exchange", "notes",
)  # fmt: skip


def landlord_summary(landlord: Landlord, priority: str | None = None) -> dict[str, Any]:
    """One landlord as ``list --json`` prints it (``priority`` once territories are set)."""
    return {**landlord_json(landlord, LANDLORD_LIST_KEYS), "priority": priority}


def person_json(person: Person, landlord: str | None = None) -> dict[str, Any]:
    """One person as ``person list --json`` and ``export`` give it, after its landlord's
    identifier when ``landlord`` is given (``show --json`` lists them under it)."""
    data: dict[str, Any] = {
        "name": person.name,
        "civility": person.civility,
        "role": person.role,
        "email": person.email,
        "phone": person.phone,
        "territory": person.territory,
        "source": person.source,
        "active": person.active,
    }
    return data if landlord is None else {"landlord": landlord, **data}


def exchange_json(exchange: Exchange, person: str | None) -> dict[str, Any]:
    """One exchange as ``history --json`` and ``show --json`` print it (``person``: the
    person's name); ``export`` adds the landlord's identifier after ``id`` and the
    ally's at the end."""
    e = exchange
    return exchange_shape(
        id=e.id,
        occurred_on=e.occurred_on,
        channel=e.channel,
        direction=e.direction,
        person=person,
        summary=e.summary,
        outcome=e.outcome,
        stage_to=e.stage_to,
        next_action=e.next_action,
        next_due=e.next_due,
        author=e.author,
        document=e.document,
        batch=e.batch,
    )


def exchange_shape(
    *,
    id: int | None,
    occurred_on: date,
    channel: str,
    direction: str,
    person: str | None,
    summary: str,
    outcome: str | None,
    stage_to: str | None,
    next_action: str | None,
    next_due: date | None,
    author: str | None,
    document: str | None,
    batch: str | None,
) -> dict[str, Any]:
    """:func:`exchange_json` from the columns' values: ``export`` streams a million
    exchanges as plain tuples, whose unpacking costs a fraction of reading attributes
    off a SQLAlchemy row."""
    return {
        "id": id,
        "date": occurred_on.isoformat(),
        "channel": channel,
        "direction": direction,
        "person": person,
        "summary": summary,
        "outcome": outcome,
        "stage": stage_to,
        "next_action": next_action,
        "next_due": next_due.isoformat() if next_due else None,
        "author": author,
        "document": document,
        "batch": batch,
    }


def _euros(cents: int | None) -> float | None:
    return None if cents is None else cents / 100


def partnership_json(partnership: Partnership, landlord: str | None) -> dict[str, Any]:
    """One partnership (convention) as ``export`` gives it; amounts in euros."""
    p = partnership
    return {
        "id": p.id,
        "number": p.number,
        "renews": p.previous_id,
        "landlord": landlord,
        "kind": p.kind,
        "object": p.object,
        "contributions": p.contributions,
        "sites": p.sites,
        "starts_on": iso(p.starts_on),
        "ends_on": iso(p.ends_on),
        "in_kind_value": _euros(p.in_kind_cents),
        "amount": _euros(p.amount_cents),
        "status": p.status,
        "referent_association": p.referent_association,
        "referent_landlord": p.referent_landlord,
        "document": p.document,
        "bilan_on": iso(p.bilan_on),
        "author": p.author,
        "created_at": iso(p.created_at),
    }


def partnership_summary(partnership: Partnership) -> dict[str, Any]:
    """One partnership as ``show --json`` lists it: the same values under the names it
    has always used (``start``, ``end``), contributions by kind, and no amount (None)
    rather than 0 €."""
    full = partnership_json(partnership, None)
    return {
        "number": full["number"],
        "renews": full["renews"],
        "kind": full["kind"],
        "status": full["status"],
        "contributions": [c["kind"] for c in full["contributions"]],
        "sites": full["sites"],
        "start": full["starts_on"],
        "end": full["ends_on"],
        "in_kind_value": full["in_kind_value"] or None,
        "amount": full["amount"] or None,
        "document": full["document"],
    }


def reminder_json(reminder: Reminder, landlord: str | None) -> dict[str, Any]:
    """One recurring reminder as ``export`` gives it: its period in its two columns."""
    r = reminder
    return {
        "id": r.id,
        "label": r.label,
        "every": r.every,
        "unit": r.unit,
        "next_on": iso(r.next_on),
        "landlord": landlord,
    }


def reminder_summary(reminder: Reminder, landlord: str | None) -> dict[str, Any]:
    """One reminder as ``remind list --json`` prints it: the same values, the period as
    it is typed (« 6m ») and the next date under the name it has always had (``next``)."""
    full = reminder_json(reminder, landlord)
    return {
        "id": full["id"],
        "label": full["label"],
        "every": f"{full['every']}{full['unit']}",
        "next": full["next_on"],
        "landlord": full["landlord"],
    }
