"""Conventions as records: their numbers, status, renewal and bilan (the document
that formalises one is written by :mod:`bailleurs_cli.documents.conventions`).

A convention is created as a *brouillon* partnership (kind, contributions,
sites, period, value) that ``show`` displays; ``--status`` moves it along
(envoyée, signée, échue). Non-financial contributions are the door to financial
ones (thesis, ch. IV, préconisation 3), so both kinds share one frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from bailleurs_cli import validation
from bailleurs_cli.enums import Contribution, ConventionStatus
from bailleurs_cli.errors import InvalidInput, NotFound
from bailleurs_cli.followup.landlords import resolve
from bailleurs_cli.formatting import montant
from bailleurs_cli.store.models import Landlord, Partnership


@dataclass
class ConventionInput:
    """A convention as typed at the terminal."""

    kind: str | None = None
    contributions: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    value: str | None = None
    amount: str | None = None
    covers: str | None = None
    schedule: str | None = None
    pieces: str | None = None
    object: str | None = None
    referent_association: str | None = None
    referent_landlord: str | None = None
    landlord_signatory: str | None = None
    status: str | None = None
    previous_id: int | None = None  # set by renew(): the convention this one renews

    def only_status(self) -> bool:
        """True when the user only asks to move an existing convention's status."""
        given = [
            v
            for k, v in vars(self).items()
            if k not in ("status", "previous_id") and v not in (None, [])
        ]
        return self.status is not None and not given


#: Largest amount a convention records, in cents: 10 million euros, far above any
#: partnership of an association, and below the 2**31 cents of a PostgreSQL INTEGER
#: column (issue 13: « 9999…9 » made ``float`` infinite and ``round`` crash).
MAX_CENTS = 10_000_000_00


def euros(text: str, field: str) -> int:
    """``1200``, ``1 200,50`` or ``1200.5`` → cents (at most :data:`MAX_CENTS`); an
    error names ``field`` (``amount``, ``value``, ``contributions``)."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text).replace(",", ".")
    if not re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", cleaned):
        raise InvalidInput(
            f"« {text} » n'est pas un montant en euros (exemple : 1200).", field=field
        )
    units, _, decimals = cleaned.lstrip("0").partition(".")
    # Past 4,300 digits ``int()`` refuses the text: a long number is too big anyway.
    cents = int(units or 0) * 100 + int(decimals.ljust(2, "0")) if len(units) < 12 else None
    return capped(cents, field, f"« {text} »")


def capped(cents: int | None, field: str, shown: str) -> int:
    """``cents`` if at most :data:`MAX_CENTS` (``None``: far too big to count)."""
    if cents is None or cents > MAX_CENTS:
        raise InvalidInput(
            f"{shown} dépasse le plafond de {montant(MAX_CENTS // 100)} ; vérifiez le montant.",
            field=field,
        )
    return cents


def contributions(items: list[str]) -> list[dict[str, Any]]:
    parsed: list[dict[str, Any]] = []
    for item in items:
        code, _, value = item.partition("=")
        kind = validation.choice(code.strip(), Contribution, "contributions")
        parsed.append(
            {"kind": kind.value, "cents": euros(value, "contributions") if value else None}
        )
    return parsed


def next_number(session: Session, year: int) -> str:
    """The next convention number of a year, without gaps: « 2027-003 »."""
    taken = session.exec(
        select(Partnership.number).where(col(Partnership.number).like(f"{year}-%"))
    ).all()
    last = max((int(n.split("-", 1)[1]) for n in taken if n), default=0)
    return f"{year}-{last + 1:03d}"


def pick(session: Session, landlord: Landlord, number: str | None) -> Partnership:
    """The landlord's convention with this number, or its latest one.

    Raises:
        NotFound: no convention (or none with this number; the known ones are listed).
    """
    mine = list(
        session.exec(
            select(Partnership)
            .where(Partnership.landlord_id == landlord.id)
            .order_by(col(Partnership.id).desc())
        ).all()
    )
    if not mine:
        raise NotFound(
            f"aucune convention pour {landlord.name} ; créez-en une avec « bailleurs convention "
            f"{landlord.slug} --contribution … --site … --debut … --fin … »."
        )
    if number is None:
        return mine[0]
    for partnership in mine:
        if partnership.number == number.strip():
            return partnership
    known = ", ".join(p.number or "?" for p in mine)
    raise NotFound(
        f"pas de convention n° {number} pour {landlord.name} ; ses conventions : {known}.",
        field="number",
    )


def set_status(
    session: Session,
    landlord_query: str,
    status: str,
    *,
    today: date,
    number: str | None = None,
    default_delay: int = 14,
) -> tuple[Partnership, bool]:
    """Move a convention (by number, else the latest) to ``status``; a signed one makes
    its landlord a partner (the stage change is recorded). Returns the convention and
    whether the landlord changed stage."""
    from bailleurs_cli.enums import Stage
    from bailleurs_cli.followup import pipeline

    landlord = resolve(session, landlord_query)
    target = validation.choice(status, ConventionStatus, "status")
    chosen = pick(session, landlord, number)
    chosen.status = target
    session.add(chosen)
    moved = False
    if target == ConventionStatus.SIGNED and landlord.stage != Stage.PARTNER:
        moved = pipeline.move(
            session,
            landlord,
            Stage.PARTNER,
            today=today,
            reason=f"convention n° {chosen.number} signée",
            default_delay=default_delay,
        )
    return chosen, moved


def renewal(
    session: Session, landlord_query: str, data: ConventionInput, *, number: str | None = None
) -> ConventionInput:
    """The next period's convention: the previous one's terms (contributions, sites,
    amounts, referents), with what ``data`` changes; linked to it.

    Raises:
        NotFound: no convention to renew.
        InvalidInput: no new period (--debut, --fin).
    """
    landlord = resolve(session, landlord_query)
    try:
        previous = pick(session, landlord, number)
    except NotFound:
        raise NotFound(
            f"aucune convention à renouveler pour {landlord.name} ; créez la "
            "première avec « bailleurs convention … ».",
            field="renew",
        ) from None
    if not data.start or not data.end:
        raise InvalidInput(
            lambda name: (
                f"donnez la nouvelle période avec {name('starts_on')} et {name('ends_on')}."
            ),
            field="renew",
        )

    def cents(value: int | None) -> str | None:
        return None if value is None else f"{value / 100:g}"

    contributions = data.contributions or [
        f"{c['kind']}={cents(c['cents'])}" if c.get("cents") else str(c["kind"])
        for c in previous.contributions
    ]
    return ConventionInput(
        kind=data.kind or previous.kind,
        contributions=contributions,
        sites=data.sites or list(previous.sites),
        start=data.start,
        end=data.end,
        value=data.value or (None if data.contributions else cents(previous.in_kind_cents)),
        amount=data.amount or cents(previous.amount_cents),
        covers=data.covers,
        schedule=data.schedule,
        pieces=data.pieces,
        object=data.object or previous.object,
        referent_association=data.referent_association or previous.referent_association,
        referent_landlord=data.referent_landlord or previous.referent_landlord,
        landlord_signatory=data.landlord_signatory,
        status=data.status,
        previous_id=previous.id,
    )


def bilan_delivered(
    session: Session,
    landlord_query: str,
    *,
    today: date,
    number: str | None = None,
    again: bool = True,
) -> tuple[Partnership, date | None]:
    """Record that the bilan of a convention (``number``, else the latest signed one)
    was handed over today: the digest stops asking for it. Returns the convention and
    the day a bilan was recorded before, if any; without ``again``, that day is kept."""
    landlord = resolve(session, landlord_query)
    if number is not None:
        chosen = pick(session, landlord, number)
    else:
        chosen = _latest_signed(session, landlord)
    before = chosen.bilan_on
    if before is None or again:
        chosen.bilan_on = today
        session.add(chosen)
    return chosen, before


def _latest_signed(session: Session, landlord: Landlord) -> Partnership:
    signed = session.exec(
        select(Partnership)
        .where(
            Partnership.landlord_id == landlord.id, Partnership.status == ConventionStatus.SIGNED
        )
        .order_by(col(Partnership.ends_on).desc())
    ).first()
    if signed is None:
        raise NotFound(f"aucune convention signée pour {landlord.name} ; rien à noter.")
    return signed
