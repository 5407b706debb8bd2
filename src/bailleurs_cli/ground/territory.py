"""The ground the association stands on: the QPV list and what is known per commune.

Seeds the shipped QPV list, and answers ``territoire`` (a commune: its QPV, head
offices, landlords present with their priority, town hall) and ``qpv`` (the listing).
The priority itself, and the rules it follows, are :mod:`bailleurs_cli.ground.priority`'s.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from bailleurs_cli.ground.geo import Commune, Territories, TownHall
from bailleurs_cli.ground.priority import (
    PARIS,
    is_arrondissement,
    matching_code,
    qpv_index,
    rows_at,
)
from bailleurs_cli.store.tables.exchange import Exchange
from bailleurs_cli.store.tables.landlord import Landlord
from bailleurs_cli.store.tables.territory import Presence, Qpv

QPV_SOURCE = "ANCT, liste des quartiers prioritaires 2024 (décret 2023-1314 modifié)"


def seed_qpv(session: Session) -> int:
    """Load the shipped QPV list into an empty ``qpv`` table; returns the rows added."""
    if session.exec(select(Qpv.code).limit(1)).first() is not None:
        return 0
    from bailleurs_cli.ground.geo import reference_path

    added = 0
    with reference_path("qpv.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            session.add(
                Qpv(
                    code=row["code_qp"],
                    name=row["lib_qp"],
                    departement=row["departement"],
                    communes=[c for c in row["insee_communes"].split(";") if c],
                    epci=row["epci_nom"] or None,
                    ept=row["ept_nom"] or None,
                    source=QPV_SOURCE,
                )
            )
            added += 1
    return added


def qpv_json(qpv: Qpv) -> dict[str, Any]:
    """Stable keys for one QPV."""
    return {
        "code": qpv.code,
        "name": qpv.name,
        "departement": qpv.departement,
        "communes": list(qpv.communes),
        "epci": qpv.epci,
        "ept": qpv.ept,
    }


@dataclass
class PresentLandlord:
    """A landlord present in a place, with the facts that say so."""

    landlord: Landlord
    facts: list[Presence]

    @property
    def linked_qpv(self) -> list[str]:
        """QPV the sources link the landlord to (not just its commune)."""
        return sorted({f.qpv_code for f in self.facts if f.qpv_code})


def _present(
    session: Session, places: Iterable[str], qpv: str | None = None
) -> list[PresentLandlord]:
    by_landlord: dict[int, list[Presence]] = {}
    for row in rows_at(session, places, qpv):
        by_landlord.setdefault(row.landlord_id, []).append(row)
    if not by_landlord:
        return []
    landlords = session.exec(
        select(Landlord).where(col(Landlord.id).in_(list(by_landlord))).order_by(col(Landlord.name))
    ).all()
    return [PresentLandlord(ll, by_landlord[ll.id or 0]) for ll in landlords]


@dataclass
class CommuneReport:
    """``bailleurs territoire``: a commune, its QPV, the landlords there, the town hall."""

    commune: Commune
    qpv: list[Qpv]
    paris_wide: bool
    landlords: list[PresentLandlord]
    town_hall: TownHall | None
    exchanges: list[tuple[Exchange, str]]
    in_territories: bool
    head_offices: list[Landlord] = field(default_factory=list)


def head_offices_in(session: Session, commune: Commune) -> list[Landlord]:
    """Landlords whose head office is in ``commune``: same department and town name; in
    a Paris arrondissement, its geographic postcode (a CEDEX one does not say which)."""
    from bailleurs_cli.validation import fold

    candidates = session.exec(
        select(Landlord)
        .where(col(Landlord.postcode).startswith(commune.departement))
        .order_by(col(Landlord.name))
    ).all()
    if commune.parent is not None:
        return [ll for ll in candidates if ll.postcode in commune.postcodes and not ll.cedex]
    return [ll for ll in candidates if ll.city and fold(ll.city) == fold(commune.name)]


def commune_report(
    session: Session, query: str, territories: Territories, *, exchanges: int = 5
) -> CommuneReport:
    """Everything known about one commune, for the association."""
    from bailleurs_cli.ground import geo

    commune = geo.resolve(query)
    index = qpv_index(session)
    codes = index.of_commune(commune.code)
    present = _present(session, [commune.code])
    ids = [p.landlord.id for p in present]
    names = {p.landlord.id: p.landlord.name for p in present}
    recent = session.exec(
        select(Exchange)
        .where(col(Exchange.landlord_id).in_(ids))
        .order_by(col(Exchange.occurred_on).desc(), col(Exchange.id).desc())
        .limit(exchanges)
    ).all()
    halls = geo.town_halls()
    inside = any(matching_code(commune.code, w) for w in territories.communes) or (
        commune.departement in territories.departements
    )
    return CommuneReport(
        commune=commune,
        qpv=[q for q in _quarters(session) if q.code in codes],
        paris_wide=commune.parent is not None and not index.paris_by_arrondissement,
        landlords=present,
        town_hall=halls.get(commune.commune_code),
        exchanges=[(e, names[e.landlord_id]) for e in recent],
        in_territories=inside,
        head_offices=head_offices_in(session, commune),
    )


def _quarters(session: Session) -> list[Qpv]:
    return list(session.exec(select(Qpv).order_by(col(Qpv.code))).all())


def qpv_listing(
    session: Session, *, departement: str | None = None, commune: str | None = None
) -> list[tuple[Qpv, list[PresentLandlord]]]:
    """QPV of a department or a commune (all IDF otherwise), with the landlords known there."""
    from bailleurs_cli import validation
    from bailleurs_cli.ground import geo

    index = qpv_index(session)
    chosen = _quarters(session)
    if departement is not None:
        code = validation.departement(departement)
        chosen = [q for q in chosen if q.departement == code]
    if commune is not None:
        chosen_place = geo.resolve(commune, "commune")
        wanted = set(index.of_commune(chosen_place.code))
        chosen = [q for q in chosen if q.code in wanted]
    by_place: dict[str, list[Presence]] = {}
    by_qpv: dict[str, list[Presence]] = {}
    for row in session.exec(select(Presence)).all():
        by_place.setdefault(row.commune, []).append(row)
        if is_arrondissement(row.commune):
            by_place.setdefault("751", []).append(row)
        if row.qpv_code:
            by_qpv.setdefault(row.qpv_code, []).append(row)
    landlords = {ll.id: ll for ll in session.exec(select(Landlord).order_by(col(Landlord.name)))}
    listing = []
    for qpv in chosen:
        facts: dict[int, list[Presence]] = {}
        rows = list(by_qpv.get(qpv.code, []))
        for place in qpv.communes:
            rows += by_place.get(place, [])
            if place == PARIS:
                rows += by_place.get("751", [])
            elif is_arrondissement(place):
                rows += by_place.get(PARIS, [])
        for row in rows:
            if row not in facts.get(row.landlord_id, []):
                facts.setdefault(row.landlord_id, []).append(row)
        present = sorted(
            (PresentLandlord(landlords[i], rows) for i, rows in facts.items()),
            key=lambda p: (not p.linked_qpv, p.landlord.name.casefold()),
        )
        listing.append((qpv, present))
    return listing
