"""Where the association works, where landlords are present, and the priority that follows.

The association's territories are communes (INSEE codes, Paris arrondissements
allowed) and departments, set with ``bailleurs config territoires``. A landlord's
priority rests on the best evidence available, and says which:

- ``haute``: linked to a QPV of your communes by the source (``qpv_code``), or
  present in one of your communes that holds QPV (*présence communale* only: the
  landlord is in the commune, not necessarily in its QPV);
- ``moyenne``: present in one of your communes that holds no QPV;
- ``basse``: present in your departments only;
- ``aucune``: no known presence in your territories.

Within a level: QPV linked by the source first, then QPV placed in their
arrondissement before Paris-wide counts, then more QPV, more communes, and more
dwellings or premises counted there.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlmodel import Session, col, select

from bailleurs_cli.config import Territories
from bailleurs_cli.geo import Commune, TownHall
from bailleurs_cli.tables.exchange import Exchange
from bailleurs_cli.tables.landlord import Landlord
from bailleurs_cli.tables.territory import Presence, Qpv

__all__ = ["Priority", "QpvIndex", "Territories", "priorities", "qpv_index", "seed_qpv"]

PARIS = "75056"

#: Priority levels, strongest first, with the label users read.
LEVELS = {3: "haute", 2: "moyenne", 1: "basse", 0: "aucune"}

QPV_SOURCE = "ANCT, liste des quartiers prioritaires 2024 (décret 2023-1314 modifié)"


def seed_qpv(session: Session) -> int:
    """Load the shipped QPV list into an empty ``qpv`` table; returns the rows added."""
    if session.exec(select(Qpv.code).limit(1)).first() is not None:
        return 0
    from bailleurs_cli.geo import reference_path

    now = datetime.now(UTC)
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
                    updated_at=now,
                )
            )
            added += 1
    return added


def _is_arrondissement(code: str) -> bool:
    return code.startswith("751") and code != PARIS


@dataclass
class QpvIndex:
    """The QPV table, indexed by commune."""

    by_code: dict[str, Qpv]
    by_commune: dict[str, list[str]]
    #: True when the QPV list places Paris QPV in their arrondissements.
    paris_by_arrondissement: bool = False

    def of_commune(self, code: str) -> list[str]:
        """QPV codes of a commune; an arrondissement falls back to all of Paris when the
        list does not place Paris QPV in arrondissements (the shipped list does not)."""
        if _is_arrondissement(code) and not self.paris_by_arrondissement:
            return self.by_commune.get(PARIS, [])
        if code == PARIS and self.paris_by_arrondissement:
            return sorted(
                {q for c, qs in self.by_commune.items() if c.startswith("751") for q in qs}
            )
        return self.by_commune.get(code, [])


def qpv_index(session: Session) -> QpvIndex:
    """Read the QPV table once."""
    by_code = {q.code: q for q in session.exec(select(Qpv).order_by(col(Qpv.code))).all()}
    by_commune: dict[str, list[str]] = {}
    for qpv in by_code.values():
        for commune in qpv.communes:
            by_commune.setdefault(commune, []).append(qpv.code)
    placed = any(_is_arrondissement(c) for c in by_commune)
    return QpvIndex(by_code, by_commune, placed)


def _matches(present: str, wanted: str) -> str | None:
    """The more precise of two codes when a presence falls in a territory commune."""
    if present == wanted:
        return present
    if _is_arrondissement(present) and wanted == PARIS:
        return present
    if present == PARIS and _is_arrondissement(wanted):
        return wanted
    return None


@dataclass
class Priority:
    """How much a landlord matters where the association works, and why."""

    level: int = 0
    exact_qpv: list[str] = field(default_factory=list)
    qpv: list[str] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)  # in your departments only (detail)
    elsewhere_count: int = 0  # how many such communes
    # Your departments among those its record states (registry, add/edit --departement),
    # when no commune there is known.
    departements: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    paris_wide: bool = False  # Paris QPV counted for an arrondissement (not placed)
    volume: int = 0  # dwellings or premises counted in your communes, all sources

    @property
    def label(self) -> str:
        """``haute``, ``moyenne``, ``basse`` or ``aucune``."""
        return LEVELS[self.level]

    def sort_key(self) -> tuple[int, ...]:
        """Strongest first."""
        return (
            -self.level,
            -len(self.exact_qpv),
            int(self.paris_wide),  # placed QPV before Paris-wide approximations
            -len(self.qpv),
            -len(self.communes),
            -self.volume,
            -self.elsewhere_count,
            -len(self.departements),
        )

    def explain(self, index: QpvIndex) -> str:
        """One line: what the priority rests on."""
        from bailleurs_cli.geo import display

        def names(codes: Iterable[str], limit: int = 4) -> str:
            shown = list(codes)
            text = ", ".join(display(c) for c in shown[:limit])
            return text + (", …" if len(shown) > limit else "")

        if self.exact_qpv:
            listed = ", ".join(
                f"{index.by_code[c].name} ({c})" if c in index.by_code else c
                for c in self.exact_qpv[:3]
            )
            more = ", …" if len(self.exact_qpv) > 3 else ""
            return f"présent dans {len(self.exact_qpv)} QPV de vos communes : {listed}{more}"
        if self.qpv:
            plural = "s" if len(self.communes) > 1 else ""
            return (
                f"présent dans {len(self.communes)} de vos communes ({names(self.communes)}), "
                f"qui compte{'nt' if plural else ''} {len(self.qpv)} QPV"
                + (
                    " (tout Paris : la liste ne place pas ses QPV par arrondissement)"
                    if self.paris_wide
                    else ""
                )
                + " ; présence communale seulement, pas forcément dans les QPV"
            )
        if self.communes:
            return f"présent dans {len(self.communes)} de vos communes, sans QPV : " + names(
                self.communes
            )
        if self.elsewhere:
            return "présent dans vos départements, hors de vos communes : " + names(self.elsewhere)
        if self.elsewhere_count:
            return (
                f"présent dans {self.elsewhere_count} commune(s) de vos départements, "
                "hors de vos communes"
            )
        if self.departements:
            where = "vos départements" if len(self.departements) > 1 else "votre département"
            return (
                f"présent dans {where} {', '.join(self.departements)} selon sa fiche, "
                "communes non précisées"
            )
        return "aucune présence connue dans vos territoires"


def priorities(
    session: Session,
    territories: Territories,
    index: QpvIndex | None = None,
    *,
    landlord_id: int | None = None,
) -> dict[int, Priority]:
    """The priority of every landlord with a known presence there (others: level 0).

    With ``landlord_id``, that landlord only, with the names of the communes of your
    departments where it is present (``show``); otherwise those are only counted, in
    the database (``next`` and ``list`` over thousands of presence facts).
    """
    index = index or qpv_index(session)
    result: dict[int, Priority] = {}
    for row in _facts_in(session, territories, landlord_id):
        _add(result.setdefault(row.landlord_id, Priority()), row, territories, index)
    if landlord_id is None:
        for owner, count in _elsewhere_counts(session, territories):
            result.setdefault(owner, Priority()).elsewhere_count = count
    for owner, stated in _stated_departements(session, territories, landlord_id):
        result.setdefault(owner, Priority()).departements = stated
    for priority in result.values():
        # Sorted by name: the order of facts in the store differs between backends.
        from bailleurs_cli.geo import display

        priority.elsewhere = sorted(
            (c for c in priority.elsewhere if c not in priority.communes), key=display
        )
        if priority.elsewhere:
            priority.elsewhere_count = len(priority.elsewhere)
        if priority.exact_qpv or priority.qpv:
            priority.level = 3
        elif priority.communes:
            priority.level = 2
        elif priority.elsewhere_count or priority.departements:
            priority.level = 1
    return result


def _stated_departements(
    session: Session, territories: Territories, landlord_id: int | None
) -> list[tuple[int, list[str]]]:
    """Per landlord, your departments among those its record states."""
    from sqlalchemy import select as sa_select

    if not territories.departements:
        return []
    statement = sa_select(col(Landlord.id), col(Landlord.departements))
    if landlord_id is not None:
        statement = statement.where(col(Landlord.id) == landlord_id)
    wanted = set(territories.departements)
    found = []
    for owner, stated in session.connection().execute(statement).all():
        shared = sorted(wanted.intersection(stated or []))
        if shared and owner is not None:
            found.append((owner, shared))
    return found


class _Fact(NamedTuple):
    landlord_id: int
    commune: str
    qpv_code: str | None
    figure: int | None
    source: str


def _places(territories: Territories) -> tuple[list[str], bool]:
    """Commune codes a presence can have to fall in your communes; True if all of Paris."""
    places: set[str] = set()
    whole_paris = False
    for code in territories.communes:
        places.add(code)
        if code == PARIS:
            whole_paris = True
        elif _is_arrondissement(code):
            places.add(PARIS)
    return sorted(places), whole_paris


def _facts_in(
    session: Session, territories: Territories, landlord_id: int | None = None
) -> list[_Fact]:
    """Presence facts in your communes (and, for one landlord, in your departments)."""
    from sqlalchemy import ColumnElement, and_, or_
    from sqlalchemy import select as sa_select

    places, whole_paris = _places(territories)
    where: list[ColumnElement[bool]] = [col(Presence.commune).in_(places)] if places else []
    if whole_paris:
        where.append(col(Presence.commune).startswith("751"))
    if landlord_id is not None:
        where.extend(col(Presence.commune).startswith(d) for d in territories.departements)
    if not where:
        return []
    condition = or_(*where)
    if landlord_id is not None:
        condition = and_(col(Presence.landlord_id) == landlord_id, condition)
    statement = sa_select(
        col(Presence.landlord_id),
        col(Presence.commune),
        col(Presence.qpv_code),
        col(Presence.count),
        col(Presence.source),
    ).where(condition)
    # Through the connection, not the ORM session: plain rows, several times faster.
    return [_Fact(*row) for row in session.connection().execute(statement).all()]


def labels(session: Session, territories: Territories) -> dict[int, str]:
    """Landlord id → priority label, for every landlord, once territories are set."""
    if not territories.configured:
        return {}
    found = priorities(session, territories)
    ids = session.exec(select(Landlord.id)).all()
    return {i: found[i].label if i in found else LEVELS[0] for i in ids if i is not None}


def _elsewhere_counts(session: Session, territories: Territories) -> list[tuple[int, int]]:
    """Per landlord, the communes of your departments outside your communes (counted)."""
    from sqlalchemy import and_, func, not_, or_
    from sqlalchemy import select as sa_select

    if not territories.departements:
        return []
    places, whole_paris = _places(territories)
    condition = or_(*(col(Presence.commune).startswith(d) for d in territories.departements))
    if places:
        condition = and_(condition, not_(col(Presence.commune).in_(places)))
    if whole_paris:
        condition = and_(condition, not_(col(Presence.commune).startswith("751")))
    statement = (
        sa_select(col(Presence.landlord_id), func.count(func.distinct(col(Presence.commune))))
        .where(condition)
        .group_by(col(Presence.landlord_id))
    )
    return [(int(a), int(b)) for a, b in session.connection().execute(statement).all()]


def _add(priority: Priority, row: _Fact, territories: Territories, index: QpvIndex) -> None:
    hit = None
    for wanted in territories.communes:
        hit = _matches(row.commune, wanted)
        if hit is not None:
            break
    if hit is not None:
        if hit not in priority.communes:
            priority.communes.append(hit)
        priority.volume += row.figure or 0
        local = index.of_commune(hit)
        if _is_arrondissement(hit) and not index.paris_by_arrondissement:
            priority.paris_wide = True
        for code in local:
            if code not in priority.qpv:
                priority.qpv.append(code)
        if row.qpv_code and row.qpv_code in local and row.qpv_code not in priority.exact_qpv:
            priority.exact_qpv.append(row.qpv_code)
        if row.source not in priority.sources:
            priority.sources.append(row.source)
    elif row.commune[:2] in territories.departements and row.commune not in priority.elsewhere:
        priority.elsewhere.append(row.commune)
        if row.source not in priority.sources:
            priority.sources.append(row.source)


def presence_of(session: Session, landlord_id: int) -> list[Presence]:
    """A landlord's presence facts, by commune."""
    return list(
        session.exec(
            select(Presence)
            .where(Presence.landlord_id == landlord_id)
            .order_by(col(Presence.commune), col(Presence.id))
        ).all()
    )


def present_in(session: Session, communes: Iterable[str], qpv: str | None = None) -> list[int]:
    """Landlords present in any of ``communes`` (arrondissements match Paris and back),
    or linked to the QPV ``qpv``."""
    return list(dict.fromkeys(row.landlord_id for row in _rows_at(session, communes, qpv)))


def _rows_at(session: Session, communes: Iterable[str], qpv: str | None) -> list[Presence]:
    """Presence facts in ``communes`` (arrondissements match Paris and back) or in ``qpv``."""
    from sqlalchemy import ColumnElement, or_

    places, whole_paris = _places(Territories(tuple(communes)))
    where: list[ColumnElement[bool]] = [col(Presence.commune).in_(places)]
    if whole_paris:
        where.append(col(Presence.commune).startswith("751"))
    if qpv is not None:
        where.append(col(Presence.qpv_code) == qpv)
    statement = select(Presence).where(or_(*where)).order_by(col(Presence.id))
    return list(session.exec(statement).all())


def present_in_departement(session: Session, departement: str) -> list[int]:
    """Landlords with a known presence in a department."""
    rows = session.exec(
        select(Presence.landlord_id).where(col(Presence.commune).startswith(departement))
    ).all()
    return sorted(set(rows))


def require_qpv(session: Session, code: str) -> Qpv:
    """The QPV with this code (case and spaces tolerated).

    Raises:
        NotFound: unknown code, with close codes or names suggested.
    """
    from bailleurs_cli.errors import NotFound

    wanted = code.strip().upper().replace(" ", "")
    # Codes are ASCII letters and digits; anything else (a NUL byte PostgreSQL refuses
    # in a query) cannot be one, and only gets the suggestions.
    found = session.get(Qpv, wanted) if wanted.isascii() and wanted.isalnum() else None
    if found is not None:
        return found
    from bailleurs_cli import names
    from bailleurs_cli.validation import fold

    quarters = session.exec(select(Qpv).order_by(col(Qpv.code))).all()
    # A code or a name: too short a query (« QN ») would look like anything.
    close = (
        names.suggest(fold(code), [(q, [fold(q.code), fold(q.name)]) for q in quarters])
        if len(wanted) >= 6
        else []
    )
    hint = (
        " ; vouliez-vous dire : " + ", ".join(f"{q.name} ({q.code})" for q in close) + " ?"
        if close
        else " ; voyez la liste avec « bailleurs qpv »."
    )
    raise NotFound(f"--qpv : quartier « {code} » inconnu{hint}")


def presence_json(row: Presence) -> dict[str, Any]:
    """Stable keys for one presence fact."""
    return {
        "commune": row.commune,
        "qpv": row.qpv_code,
        "measure": row.measure,
        "count": row.count,
        "source": row.source,
        "period": row.as_of,
        "origin": row.origin,
    }


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
    for row in _rows_at(session, places, qpv):
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
    from bailleurs_cli import geo

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
    inside = any(_matches(commune.code, w) for w in territories.communes) or (
        commune.departement in territories.departements
    )
    return CommuneReport(
        commune=commune,
        qpv=[index.by_code[c] for c in codes],
        paris_wide=commune.parent is not None and not index.paris_by_arrondissement,
        landlords=present,
        town_hall=halls.get(commune.commune_code),
        exchanges=[(e, names[e.landlord_id]) for e in recent],
        in_territories=inside,
        head_offices=head_offices_in(session, commune),
    )


def qpv_listing(
    session: Session, *, departement: str | None = None, commune: str | None = None
) -> list[tuple[Qpv, list[PresentLandlord]]]:
    """QPV of a department or a commune (all IDF otherwise), with the landlords known there."""
    from bailleurs_cli import geo, validation

    index = qpv_index(session)
    chosen = list(index.by_code.values())
    if departement is not None:
        code = validation.departement(departement)
        chosen = [q for q in chosen if q.departement == code]
    if commune is not None:
        chosen_place = geo.resolve(commune, "--commune")
        wanted = set(index.of_commune(chosen_place.code))
        chosen = [q for q in chosen if q.code in wanted]
    by_place: dict[str, list[Presence]] = {}
    by_qpv: dict[str, list[Presence]] = {}
    for row in session.exec(select(Presence)).all():
        by_place.setdefault(row.commune, []).append(row)
        if _is_arrondissement(row.commune):
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
            elif _is_arrondissement(place):
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
