"""Every scheduled next step as RFC 5545 all-day events (VEVENT, not VTODO: Google,
iOS and Outlook ignore VTODO). UIDs are stable per landlord's next step and per
reminder, so re-importing the file updates the entries instead of duplicating them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bailleurs_cli.enums import Reason
from bailleurs_cli.followup.scheduling import NextItem

if TYPE_CHECKING:
    from bailleurs_cli.store.core import Store


def calendar_bytes(items: list[NextItem], *, now: datetime) -> bytes:
    """The .ics content for ``items`` (those with a date)."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//bailleurs//suivi des bailleurs sociaux//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Suivi des bailleurs")
    calendar.add("x-wr-timezone", "Europe/Paris")
    # A client replaces an event on re-import only if its SEQUENCE grew (RFC 5546):
    # the seconds from 2020 to the step's last change (to the reminder's date) grow
    # exactly when the event changes, and stay when it does not.
    epoch = datetime(2020, 1, 1, tzinfo=UTC)
    for item in items:
        if item.due is None:
            continue
        event = Event()
        if item.reason == Reason.REMINDER:
            uid = f"rappel-{item.reminder_id}@bailleurs"
        else:
            uid = f"etape-{item.landlord}@bailleurs"
        title = f"{item.name} : {item.action}" if item.landlord else str(item.action)
        event.add("uid", uid)
        event.add("summary", title)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + timedelta(days=1))
        event.add("dtstamp", now.astimezone(UTC))
        event.add("last-modified", now.astimezone(UTC))
        if item.reason == Reason.REMINDER or item.changed_at is None:
            sequence = item.due.toordinal() - date(2020, 1, 1).toordinal()
        else:
            changed = item.changed_at
            changed = changed if changed.tzinfo else changed.replace(tzinfo=UTC)
            sequence = max(0, int((changed - epoch).total_seconds()))
        event.add("sequence", sequence)
        event.add("transp", "TRANSPARENT")
        lines = [f"Bailleur : {item.name}"] if item.landlord else []
        if item.person:
            lines.append(f"Interlocuteur : {item.person}")
        lines.append(f"Action : {item.action}")
        lines.append(f"Pour agir : {item.command()}")
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def export(
    store: Store,
    target: Path,
    *,
    today: date,
    horizon_days: int,
    stale_after_days: int,
    force: bool = False,
) -> int:
    """Write every dated next step to ``target`` (atomically); returns the event count.

    With nothing dated, nothing is written (a calendar without events is invalid,
    RFC 5545) and 0 is returned.

    Raises:
        Conflict: ``target`` exists and ``force`` is not given.
        InvalidInput: ``target`` cannot be written.
    """
    from bailleurs_cli.files import refuse_overwrite, write_atomic
    from bailleurs_cli.followup.scheduling import next_items

    refuse_overwrite(target, force)

    with store.read() as session:
        items = next_items(
            session,
            today=today,
            days=horizon_days,
            stale_after_days=stale_after_days,
            everything=True,
        )
    count = sum(1 for item in items if item.due is not None)
    if count == 0:
        return 0
    data = calendar_bytes(items, now=datetime.now(UTC))
    write_atomic(
        target, data, fix=lambda name: f"choisissez un autre fichier avec {name('calendar')}"
    )
    return count
