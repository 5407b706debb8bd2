"""Mistakes that can be undone: edit or delete a logged exchange, or a whole batch.

A landlord's ``last_exchange_on`` and next step are derived from its exchanges:
after an edit or a deletion they are recomputed. The next step is only taken back
when it came from the exchange that goes (same action and date); a step set since
by ``plan`` or ``snooze`` stays. The stage is never changed behind the user's back:
a deleted exchange that had moved the landlord says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from bailleurs_cli import validation
from bailleurs_cli.errors import InvalidInput, NotFound
from bailleurs_cli.followup.pipeline import FIRST_STEP
from bailleurs_cli.formatting import short_date
from bailleurs_cli.store.models import CLOSED_STAGES, Channel, Exchange, Landlord, Outcome, Stage


@dataclass
class Undone:
    """What a deletion did, landlord by landlord."""

    exchanges: int = 0
    landlords: list[str] = field(default_factory=list)
    stage_kept: list[tuple[str, str]] = field(default_factory=list)  # (landlord, stage)


def get(session: Session, exchange_id: int) -> tuple[Exchange, Landlord]:
    """The exchange with this number, and its landlord.

    Raises:
        NotFound: no such exchange (``history --json`` gives the numbers).
    """
    exchange = session.get(Exchange, exchange_id)
    if exchange is None:
        raise NotFound(
            f"échange n° {exchange_id} introuvable ; les numéros sont dans "
            "« bailleurs history BAILLEUR » (colonne N°) ou --json (clé id)."
        )
    landlord = session.get(Landlord, exchange.landlord_id)
    assert landlord is not None
    return exchange, landlord


def _recompute(session: Session, landlord: Landlord, gone: list[Exchange]) -> None:
    """Derive last exchange and next step again from the exchanges that remain."""
    session.flush()
    remaining = list(
        session.exec(
            select(Exchange)
            .where(Exchange.landlord_id == landlord.id)
            .order_by(col(Exchange.occurred_on).desc(), col(Exchange.id).desc())
        ).all()
    )
    landlord.last_exchange_on = remaining[0].occurred_on if remaining else None
    came_from_gone = any(
        (e.next_action, e.next_due) == (landlord.next_action, landlord.next_due) for e in gone
    )
    if came_from_gone and landlord.stage not in CLOSED_STAGES:
        later = next((e for e in remaining if e.next_action), None)
        if later is not None:
            landlord.next_action, landlord.next_due = later.next_action, later.next_due
        elif landlord.stage == Stage.IDENTIFIED or not remaining:
            landlord.next_action, landlord.next_due = FIRST_STEP, None
        else:
            landlord.next_action, landlord.next_due = "Reprendre contact", None
    session.add(landlord)


def delete(session: Session, exchange_ids: list[int]) -> Undone:
    """Delete exchanges and recompute their landlords."""
    undone = Undone()
    by_landlord: dict[int, tuple[Landlord, list[Exchange]]] = {}
    for exchange_id in exchange_ids:
        exchange, landlord = get(session, exchange_id)
        assert landlord.id is not None
        by_landlord.setdefault(landlord.id, (landlord, []))[1].append(exchange)
    for landlord, gone in by_landlord.values():
        for exchange in gone:
            if exchange.stage_to:
                undone.stage_kept.append((landlord.name, landlord.stage))
            session.delete(exchange)
            undone.exchanges += 1
        _recompute(session, landlord, gone)
        undone.landlords.append(landlord.name)
    return undone


def batch(session: Session, batch_id: str) -> list[int]:
    """The exchanges a ``letter --all --log`` run logged.

    Raises:
        NotFound: no exchange carries this batch id.
    """
    found = list(session.exec(select(Exchange.id).where(Exchange.batch == batch_id)).all())
    if not found:
        raise NotFound(
            f"lot « {batch_id} » introuvable ; son identifiant (lot-AAAAMMJJ-HHMMSS) est "
            "affiché par letter --log et donné par history --json (clé batch)."
        )
    return [i for i in found if i is not None]


@dataclass(frozen=True)
class Edit:
    """What to change in an exchange (None: keep)."""

    summary: str | None = None
    on: date | None = None
    channel: Channel | None = None
    outcome: Outcome | None = None


def edit(session: Session, exchange_id: int, changes: Edit, *, today: date) -> Exchange:
    """Correct an exchange; its landlord's last exchange follows.

    Raises:
        InvalidInput: a date in the future, an empty summary.
    """
    exchange, landlord = get(session, exchange_id)
    if changes.on is not None:
        if changes.on > today:
            raise InvalidInput(
                f"le {short_date(changes.on)} est à venir ; un échange se note une fois "
                "qu'il a eu lieu.",
                field="occurred_on",
            )
        exchange.occurred_on = changes.on
    if changes.summary is not None:
        exchange.summary = validation.required_text(changes.summary, "summary")
    if changes.channel is not None:
        exchange.channel = changes.channel
    if changes.outcome is not None:
        exchange.outcome = changes.outcome
    session.add(exchange)
    session.flush()
    last: date | None = session.exec(
        select(col(Exchange.occurred_on))
        .where(Exchange.landlord_id == landlord.id)
        .order_by(col(Exchange.occurred_on).desc())
        .limit(1)
    ).first()
    landlord.last_exchange_on = last
    session.add(landlord)
    return exchange
