"""Workshops and their results: what a partnership gives, in the figures landlords ask.

The thesis is explicit: landlords judge a project on « le nombre de participants,
leur implication, l'avis des enfants et de leurs parents, l'assiduité, le retour de
la structure accueillante, le taux de locataires du bailleur parmi les participants
et leur satisfaction », and one funds only if « au moins 15 % à 30 % des locataires
concernés par site sont présents aux ateliers ». The tenant share is computed here
and stated against the landlord's target (15–30 % unless set otherwise).

Core functions take resolved objects and typed values; parsing of what users type
happens in the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING

from bailleurs_cli.enums import ConventionStatus, Situation
from bailleurs_cli.errors import InvalidInput, NotFound
from bailleurs_cli.store.reader import Reader, records

if TYPE_CHECKING:
    from sqlmodel import Session

    from bailleurs_cli.store.models import Landlord, Partnership, Workshop

#: The share of its tenants among participants a landlord expects unless told otherwise.
DEFAULT_TARGET = (15, 30)


@dataclass(frozen=True)
class WorkshopInput:
    """A workshop as the user describes it (already parsed)."""

    site: str
    commune: str  # INSEE code
    starts_on: date
    ends_on: date
    sessions: int
    qpv_code: str | None = None
    theme: str | None = None
    animators: int | None = None


@dataclass(frozen=True)
class Results:
    """What a workshop gave; None: not known (or not changed)."""

    participants: int | None = None
    tenants: int | None = None
    families: int | None = None
    attendance: int | None = None
    satisfaction_children: float | None = None
    satisfaction_parents: float | None = None
    host_feedback: str | None = None
    landlord_visit: date | None = None


def target(landlord: Landlord) -> tuple[int, int]:
    """The tenant share the landlord expects, in percent."""
    if landlord.tenant_target_min is None or landlord.tenant_target_max is None:
        return DEFAULT_TARGET
    return landlord.tenant_target_min, landlord.tenant_target_max


def parse_target(text: str) -> tuple[int, int]:
    """``15-30`` (or ``15–30``, ``15 à 30``, ``20``) → (15, 30).

    Raises:
        InvalidInput: not a range of percents.
    """
    import re

    match = re.fullmatch(r"\s*(\d{1,3})\s*(?:%?\s*(?:-|–|à|a)\s*(\d{1,3}))?\s*%?\s*", text)
    if match is None:
        raise InvalidInput(
            f"« {text} » n'est pas une fourchette de pourcentages ; exemple : 15-30.",
            field="tenant_target",
        )
    low = int(match[1])
    high = int(match[2]) if match[2] else low
    if not 0 <= low <= high <= 100:
        raise InvalidInput(
            f"« {text} » : attendu deux pourcentages de 0 à 100, le "
            "plus petit d'abord (exemple : 15-30).",
            field="tenant_target",
        )
    return low, high


def share(workshop: Workshop) -> float | None:
    """Tenants among participants, in percent (None when not counted)."""
    if not workshop.participants or workshop.tenants is None:
        return None
    return 100 * workshop.tenants / workshop.participants


def situation(value: float | None, wanted: tuple[int, int]) -> Situation | None:
    """Where a tenant share stands against the landlord's target, bounds included
    (None: not counted); the one rule for bilans, the report and their sentences."""
    if value is None:
        return None
    low, high = wanted
    if value < low:
        return Situation.BELOW
    return Situation.ABOVE if value > high else Situation.WITHIN


#: How each situation reads after the share (« 21 % de locataires, dans la cible … »).
_AGAINST = {
    Situation.BELOW: "sous la cible",
    Situation.WITHIN: "dans la cible",
    Situation.ABOVE: "au-dessus de la cible",
}


def share_sentence(value: float | None, wanted: tuple[int, int]) -> str:
    """« 29 % de locataires, dans la cible 15–30 % » (« sous la cible », « au-dessus »)."""
    low, high = wanted
    band = f"{low}\u202f%" if low == high else f"{low}–{high}\u202f%"
    placed = situation(value, wanted)
    if value is None or placed is None:
        return f"part de locataires non comptée (cible {band})"
    return f"{round(value)}\u202f% de locataires, {_AGAINST[placed]} {band}"


def _covering(session: Session, landlord: Landlord, day: date) -> Partnership | None:
    """The landlord's convention whose period holds ``day`` (a signed one first)."""
    from sqlmodel import col, select

    from bailleurs_cli.store.models import Partnership

    rows = session.exec(
        select(Partnership)
        .where(
            Partnership.landlord_id == landlord.id,
            col(Partnership.starts_on) <= day,
            col(Partnership.ends_on) >= day,
        )
        .order_by(col(Partnership.id).desc())
    ).all()
    signed = [p for p in rows if p.status == ConventionStatus.SIGNED]
    chosen = signed or list(rows)
    return chosen[0] if chosen else None


def add(
    session: Session, landlord: Landlord, data: WorkshopInput, *, qpv_communes: list[str] | None
) -> Workshop:
    """Record a workshop; it is attached to the convention covering its start, if any.

    ``qpv_communes`` are the communes of ``data.qpv_code`` (checked by the caller
    against the shipped QPV list).

    Raises:
        InvalidInput: an empty site, a workshop ending before it starts, no session,
            a QPV outside the commune.
    """
    site = " ".join(data.site.split())
    if not site:
        raise InvalidInput("vide ; nommez la structure accueillante.", field="site")
    if data.ends_on < data.starts_on:
        raise InvalidInput(
            f"le {data.ends_on:%d/%m/%Y} précède le début ({data.starts_on:%d/%m/%Y}) ; "
            "vérifiez les dates.",
            field="ends_on",
        )
    if data.sessions < 1:
        raise InvalidInput(f"{data.sessions} ; au moins une séance.", field="sessions")
    if data.animators is not None and data.animators < 1:
        raise InvalidInput(
            f"{data.animators} ; au moins un animateur, ou ne donnez pas ce nombre.",
            field="animators",
        )
    if data.qpv_code is not None and qpv_communes is not None:
        from bailleurs_cli.ground.geo import display

        inside = data.commune in qpv_communes or (
            data.commune.startswith("751") and "75056" in qpv_communes
        )
        if not inside:
            raise InvalidInput(
                f"{data.qpv_code} n'est pas dans {display(data.commune)} ; "
                "vérifiez le code avec « bailleurs territoire COMMUNE ».",
                field="qpv_code",
            )
    from bailleurs_cli.store.models import Workshop

    covering = _covering(session, landlord, data.starts_on)
    workshop = Workshop(
        landlord_id=landlord.id,  # type: ignore[arg-type]
        partnership_id=covering.id if covering else None,
        site=site,
        commune=data.commune,
        qpv_code=data.qpv_code,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        sessions=data.sessions,
        theme=(data.theme or "").strip() or None,
        animators=data.animators,
    )
    session.add(workshop)
    session.flush()
    return workshop


def get(session: Session, number: int) -> Workshop:
    """The workshop with this number.

    Raises:
        NotFound: no such workshop (``atelier list`` gives the numbers).
    """
    from bailleurs_cli.store.models import Workshop

    found = session.get(Workshop, number)
    if found is None:
        raise NotFound(
            f"atelier n° {number} introuvable ; les numéros sont dans « bailleurs atelier list »."
        )
    return found


def record_results(session: Session, number: int, results: Results) -> Workshop:
    """Set what is given of a workshop's results; the whole must stay coherent.

    Raises:
        NotFound: unknown workshop.
        InvalidInput: tenants above participants, a rate outside 0–100, a score
            outside 1–5, a visit outside any sensible date.
    """
    workshop = get(session, number)
    given = {f.name: getattr(results, f.name) for f in fields(results)}
    if all(v is None for v in given.values()):
        raise InvalidInput(
            lambda name: (
                f"rien à noter : donnez {name('participants')}, {name('tenants')}, … "
                f"(voir {name('help')})."
            )
        )
    merged = {k: v if v is not None else getattr(workshop, k) for k, v in given.items()}
    for key in ("participants", "tenants", "families"):
        value = merged[key]
        if value is not None and value < 0:
            raise InvalidInput(f"{value} ; un nombre ne peut pas être négatif.", field=key)
    tenants, participants = merged["tenants"], merged["participants"]
    if tenants is not None and participants is not None and tenants > participants:
        raise InvalidInput(
            f"{tenants} locataires pour {participants} participants ; "
            "les locataires sont comptés parmi les participants.",
            field="tenants",
        )
    if merged["attendance"] is not None and not 0 <= merged["attendance"] <= 100:
        raise InvalidInput(f"{merged['attendance']} % ; un taux va de 0 à 100.", field="attendance")
    for key in ("satisfaction_children", "satisfaction_parents"):
        score = merged[key]
        if score is not None and not 1 <= score <= 5:
            raise InvalidInput(f"{score:g} ; une note va de 1 à 5.", field=key)
    if merged["host_feedback"] is not None:
        merged["host_feedback"] = " ".join(str(merged["host_feedback"]).split()) or None
    for key, value in merged.items():
        setattr(workshop, key, value)
    session.add(workshop)
    return workshop


def listing(
    source: Session | Reader, *, landlord: Landlord | None = None, year: int | None = None
) -> list[tuple[Workshop, Landlord]]:
    """Workshops, oldest first, with their landlord (read-only records)."""
    where: list[str] = []
    params: dict[str, object] = {}
    if landlord is not None:
        where.append("landlord_id = :landlord")
        params["landlord"] = landlord.id
    if year is not None:
        where.append("starts_on >= :first AND starts_on <= :last")
        params.update(first=date(year, 1, 1), last=date(year, 12, 31))
    found = records(source, "workshop", " AND ".join(where), params, order="starts_on, id")
    if landlord is not None:
        owners = {landlord.id: landlord}
    else:
        owners = {ll.id: ll for ll in records(source, "landlord")} if found else {}
    return [(w, owners[w.landlord_id]) for w in found]


def as_json(workshop: Workshop, landlord: Landlord) -> dict[str, object]:
    """Stable keys, ISO dates; ``tenant_share`` in percent, rounded to one decimal."""
    value = share(workshop)
    low, high = target(landlord)
    return {
        "id": workshop.id,
        "landlord": landlord.slug,
        "partnership_id": workshop.partnership_id,
        "site": workshop.site,
        "commune": workshop.commune,
        "qpv": workshop.qpv_code,
        "starts_on": workshop.starts_on.isoformat(),
        "ends_on": workshop.ends_on.isoformat(),
        "sessions": workshop.sessions,
        "theme": workshop.theme,
        "animators": workshop.animators,
        "participants": workshop.participants,
        "tenants": workshop.tenants,
        "families": workshop.families,
        "attendance": workshop.attendance,
        "satisfaction_children": workshop.satisfaction_children,
        "satisfaction_parents": workshop.satisfaction_parents,
        "host_feedback": workshop.host_feedback,
        "landlord_visit": workshop.landlord_visit.isoformat() if workshop.landlord_visit else None,
        "tenant_share": None if value is None else round(value, 1),
        "tenant_target": [low, high],
        "author": workshop.author,
    }
