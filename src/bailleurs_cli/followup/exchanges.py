"""Log exchanges and manage each landlord's next step: contact, plan, snooze, stage.

Every function takes ``today`` and the follow-up delays it needs (resolved from the
settings by the caller); none reads the clock. Each is meant to run inside one write
transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from bailleurs_cli import validation
from bailleurs_cli.dates import parse_date
from bailleurs_cli.errors import Conflict, InvalidInput
from bailleurs_cli.followup import people, pipeline
from bailleurs_cli.followup.landlords import resolve
from bailleurs_cli.formatting import short_date
from bailleurs_cli.store.models import (
    CLOSED_STAGES,
    Channel,
    Direction,
    Exchange,
    Landlord,
    Outcome,
    Person,
    Stage,
)

DEFAULT_FOLLOW_UP = "Relancer"


@dataclass(frozen=True)
class ContactInput:
    """One exchange, in typed values: the CLI parses what was typed (``--channel
    rdv``, ``--next +10j``) before calling :func:`contact`."""

    channel: Channel
    summary: str
    person: str | None = None
    direction: Direction = Direction.OUTBOUND
    outcome: Outcome | None = None
    on: date | None = None  #: the day of the exchange (default: today)
    stage: Stage | None = None
    reason: str | None = None
    next: date | None = None  #: the next step's due date (default: the channel's delay)
    next_action: str | None = None


def _passed(due: date, today: date) -> InvalidInput:
    return InvalidInput(
        f"le {short_date(due)} est passé ; donnez une date à partir "
        f"d'aujourd'hui ({short_date(today)}).",
        field="next_due",
    )


def _future_or_today(due: date, *, today: date) -> date:
    if due < today:
        raise _passed(due, today)
    return due


def _refuse_absorbed(session: Session, landlord: Landlord) -> None:
    """An absorbed landlord has no follow-up of its own: its successor has."""
    if landlord.absorbed_by is None:
        return
    successor = session.exec(select(Landlord).where(Landlord.slug == landlord.absorbed_by)).first()
    name = successor.name if successor else landlord.absorbed_by
    raise Conflict(
        f"{landlord.name} a été absorbé par {name} : suivez-le là, par exemple "
        f"« bailleurs contact {landlord.absorbed_by} … » (son historique reste dans "
        f"bailleurs history {landlord.slug})."
    )


def _closed_error(landlord: Landlord) -> Conflict:
    return Conflict(
        f"{landlord.name} est {'en refus' if landlord.stage == Stage.REFUSED else 'en veille'} "
        f"et n'a pas de prochaine étape ; rouvrez-le avec « bailleurs stage {landlord.slug} "
        "identifie » (ou une autre étape)."
    )


def contact(
    session: Session,
    landlord_query: str,
    data: ContactInput,
    *,
    today: date,
    delays: Mapping[str, int],
) -> tuple[Landlord, Exchange]:
    """Log an exchange and set the landlord's next step.

    The first exchange of an identified landlord moves it to *contacté*. Without
    ``next``, the follow-up falls the channel's delay after the exchange (today at the
    earliest, for an exchange logged late). ``delays`` gives the follow-up delay in
    days by channel slug (``Settings.delays``); a channel it lacks waits as long as an
    e-mail.
    """
    landlord = resolve(session, landlord_query)
    _refuse_absorbed(session, landlord)
    channel, direction, outcome = data.channel, data.direction, data.outcome
    summary = validation.required_text(data.summary, "summary")
    occurred = data.on or today
    if occurred > today:
        raise InvalidInput(
            f"le {short_date(occurred)} est à venir ; un échange se note une fois "
            "qu'il a eu lieu (pour le prévoir : « bailleurs plan »).",
            field="occurred_on",
        )
    person: Person | None = people.find(session, landlord, data.person) if data.person else None
    target = data.stage
    if target is None and landlord.stage == Stage.IDENTIFIED:
        target = Stage.CONTACTED
    if target is None and landlord.stage in CLOSED_STAGES:
        raise _closed_error(landlord)
    closing = target in CLOSED_STAGES
    if closing and (data.next or data.next_action):
        state = "en refus" if target == Stage.REFUSED else "en veille"
        raise InvalidInput(
            lambda name: (
                f"un bailleur {state} n'a pas de prochaine étape ; "
                f"retirez {name('next_due')} et {name('next_action')}."
            ),
            field="next_due",
        )
    delay = delays.get(channel, delays[Channel.EMAIL])
    due: date | None = None
    action: str | None = None
    if not closing:
        due = (
            _future_or_today(data.next, today=today)
            if data.next
            else max(today, occurred + timedelta(days=delay))
        )
        action = (data.next_action or "").strip() or DEFAULT_FOLLOW_UP
    if target is not None:
        pipeline.move(
            session,
            landlord,
            target,
            today=today,
            reason=data.reason,
            default_delay=delay,
        )
    exchange = Exchange(
        landlord_id=landlord.id,  # type: ignore[arg-type]
        person_id=person.id if person else None,
        occurred_on=occurred,
        channel=channel,
        direction=direction,
        summary=summary,
        outcome=outcome,
        stage_to=target,
        next_action=action,
        next_due=due,
    )
    session.add(exchange)
    if not closing:
        landlord.next_action, landlord.next_due = action, due
        if person is not None and person.active:
            landlord.next_person_id = person.id
    if landlord.last_exchange_on is None or occurred > landlord.last_exchange_on:
        landlord.last_exchange_on = occurred
    session.add(landlord)
    session.flush()
    return landlord, exchange


def plan(
    session: Session,
    landlord_query: str,
    when: date,
    action: str,
    *,
    person: str | None = None,
    today: date,
) -> Landlord:
    """Replace the landlord's next step with ``action`` on ``when``."""
    landlord = resolve(session, landlord_query)
    _refuse_absorbed(session, landlord)
    if landlord.stage in CLOSED_STAGES:
        raise _closed_error(landlord)
    due = _future_or_today(when, today=today)
    landlord.next_action = validation.required_text(action, "next_action")
    landlord.next_due = due
    if person is not None:
        landlord.next_person_id = people.find(session, landlord, person).id
    session.add(landlord)
    return landlord


def snooze(session: Session, landlord_query: str, when: str, *, today: date) -> Landlord:
    """Postpone the next step to ``when``.

    A relative date (``+7j``) counts from the step's due date when it is still to
    come (postponing a step due in ten days by a week gives seventeen days), else
    from today; a date earlier than the current one is refused: postponing never
    brings a step forward (``plan`` does that).
    """
    landlord = resolve(session, landlord_query)
    _refuse_absorbed(session, landlord)
    if landlord.stage in CLOSED_STAGES:
        raise _closed_error(landlord)
    current = landlord.next_due
    base = current if current is not None and current > today else today
    due = parse_date(when, today=base, field="next_due")
    if due < today:
        raise _passed(due, today)
    if current is not None and due < current:
        raise InvalidInput(
            f"le {short_date(due)} est avant l'échéance actuelle ({short_date(current)}) ; "
            "reporter ne rapproche jamais une étape : utilisez « bailleurs plan » pour "
            "l'avancer.",
            field="next_due",
        )
    landlord.next_due = due
    session.add(landlord)
    return landlord


def set_stage(
    session: Session,
    landlord_query: str,
    target: Stage,
    *,
    reason: str | None,
    today: date,
    default_delay: int,
) -> tuple[Landlord, bool]:
    """Move a landlord in the pipeline; returns whether anything changed.

    ``default_delay`` dates the step of a reopened landlord (the e-mail follow-up
    delay, as the CLI gives it)."""
    landlord = resolve(session, landlord_query)
    changed = pipeline.move(
        session,
        landlord,
        target,
        today=today,
        reason=reason,
        default_delay=default_delay,
    )
    return landlord, changed
