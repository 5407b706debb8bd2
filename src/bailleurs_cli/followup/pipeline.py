"""Pipeline stages and the one invariant of the store.

identifié → contacté → en discussion → proposition → partenaire, with the side
states *en veille* and *refus* (README, « Étapes et prochaine étape »). Invariant: every landlord
not in *refus* or *en veille* has exactly one next step (``next_action``, dated
except the first step of a landlord never contacted); parked landlords have none.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from bailleurs_cli.errors import Conflict, InvalidInput
from bailleurs_cli.store.models import CLOSED_STAGES, Landlord, Stage, StageChange

#: The step every new landlord starts with: undated until the user plans it.
FIRST_STEP = "Trouver l'interlocuteur et prendre un premier contact"
REOPEN_STEP = "Reprendre contact"


def move(
    session: Session,
    landlord: Landlord,
    target: Stage,
    *,
    today: date,
    reason: str | None = None,
    default_delay: int,
) -> bool:
    """Move ``landlord`` to ``target`` and keep the invariant; False if already there.

    Raises:
        InvalidInput: ``refus`` without a reason.
        Conflict: leaving ``refus`` for anything but ``identifie``.
    """
    # A stage this version does not know (a hand-edited base) reads back as a plain
    # string: the landlord can still be moved to a real stage, from « unknown ».
    current: Stage | None = landlord.stage if isinstance(landlord.stage, Stage) else None
    reason = reason.strip() if reason else None
    if target == Stage.REFUSED and not reason:
        raise InvalidInput(
            lambda name: (
                "obligatoire pour un refus ; dites pourquoi "
                f'(exemple : {name("reason")} "Pas de budget cette année").'
            ),
            field="reason",
        )
    if current == target:
        return False
    if current == Stage.REFUSED and target != Stage.IDENTIFIED:
        raise Conflict(
            f"{landlord.name} est en refus ; rouvrez d'abord le dossier avec "
            f"« bailleurs stage {landlord.slug} identifie »."
        )
    assert landlord.id is not None, "landlord must be flushed"
    session.add(
        StageChange(
            landlord_id=landlord.id,
            from_stage=current,
            to_stage=target,
            changed_on=today,
            reason=reason,
        )
    )
    landlord.stage = target
    landlord.stage_since = today
    landlord.stage_reason = reason
    if target in CLOSED_STAGES:
        landlord.next_action = None
        landlord.next_due = None
        landlord.next_person_id = None
    elif landlord.next_action is None:
        if target == Stage.IDENTIFIED and landlord.last_exchange_on is None:
            landlord.next_action, landlord.next_due = FIRST_STEP, None
        else:
            landlord.next_action = REOPEN_STEP
            landlord.next_due = today + timedelta(days=default_delay)
    session.add(landlord)
    return True


def enter_pipeline(
    session: Session, slug: str, fields: dict[str, Any], *, today: date, reason: str
) -> Landlord:
    """Add a landlord to the store: identified, with its undated first step, and the
    stage change that says where it came from (registry, user, import)."""
    landlord = Landlord(
        slug=slug,
        stage=Stage.IDENTIFIED,
        stage_since=today,
        next_action=FIRST_STEP,
        **fields,
    )
    session.add(landlord)
    session.flush()
    assert landlord.id is not None
    session.add(
        StageChange(
            landlord_id=landlord.id,
            to_stage=Stage.IDENTIFIED,
            changed_on=today,
            reason=reason,
        )
    )
    return landlord
