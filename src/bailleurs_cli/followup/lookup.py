"""Reading landlords: resolve a typed name, filter the list, read one's exchanges.

Plain SQL through a :class:`~bailleurs_cli.store.reader.Reader`, so that ``list`` and
``history`` answer without importing SQLAlchemy; rows come back as
:class:`~bailleurs_cli.store.reader.Record` objects with the ORM entities' attributes.
:mod:`bailleurs_cli.followup.landlords` wraps :func:`resolve` and :func:`search` for the
commands that write, which need the ORM entities themselves.

Name resolution goes slug → name → alias or former name → all words contained →
a clear typo (:mod:`bailleurs_cli.names`). An unknown or ambiguous name is an error
that lists the candidates, never a silent guess: a fuzzy match must never log an
exchange on the wrong landlord (issue 12).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bailleurs_cli import validation
from bailleurs_cli.addresses import departements_of
from bailleurs_cli.enums import LegalKind, Stage
from bailleurs_cli.errors import AmbiguousName, InvalidInput, NotFound
from bailleurs_cli.store.reader import Reader, as_reader, records

if TYPE_CHECKING:
    from sqlmodel import Session

    from bailleurs_cli.ground.geo import Territories
    from bailleurs_cli.store.tables.exchange import Exchange, StageChange
    from bailleurs_cli.store.tables.landlord import Landlord
    from bailleurs_cli.store.tables.partnership import Partnership
    from bailleurs_cli.store.tables.person import Person
    from bailleurs_cli.store.tables.territory import Presence


def names_of(landlord: Landlord) -> list[str]:
    """A landlord's name, aliases and former names."""
    return [landlord.name, *landlord.aliases, *landlord.former_names]


def label(landlord: Landlord) -> str:
    return f"{landlord.name} ({landlord.slug})"


def _listing(landlords: list[Landlord]) -> str:
    shown = ", ".join(label(ll) for ll in landlords[:6])
    return shown + (", …" if len(landlords) > 6 else "")


def resolve(source: Session | Reader, query: str) -> Landlord:
    """The one landlord ``query`` designates: its identifier, then a name, alias or
    former name (read-only: a :class:`~bailleurs_cli.store.reader.Record`).

    Raises:
        InvalidInput: empty query.
        NotFound: nothing matches (close names are suggested).
        AmbiguousName: several landlords match equally well.
    """
    from bailleurs_cli import names

    wanted = validation.fold(query)
    if not wanted:
        raise InvalidInput("bailleur : nom vide ; donnez un nom, un alias ou un identifiant.")
    landlords: list[Landlord] = records(source, "landlord", order="id")
    slug = wanted.replace(" ", "-")
    for landlord in landlords:
        if landlord.slug == slug:
            return landlord
    found = names.find(query, landlords, names_of)
    if found.item is not None:
        return found.item
    if found.ambiguous:
        precise = "précisez le nom ou " if found.how == "words" else ""
        raise AmbiguousName(
            f"« {query} » désigne plusieurs bailleurs : {_listing(found.ambiguous)} ; "
            f"{precise}donnez l'identifiant entre parenthèses."
        )
    if found.suggestions:
        raise NotFound(
            f"bailleur « {query} » introuvable ; vouliez-vous dire : "
            f"{_listing(found.suggestions)} ? "
            "Donnez le nom exact ou l'identifiant entre parenthèses."
        )
    raise NotFound(f"bailleur « {query} » introuvable ; voyez la liste avec « bailleurs list ».")


#: ``--priorite`` values: the lowest level kept.
PRIORITY_FILTERS = {"haute": 3, "moyenne": 2, "basse": 1}


def _need_territories(territories: Territories | None, *, by_filter: bool) -> Territories:
    """The configured territories, which a priority filter (else sort) needs."""
    if territories is None or not territories.configured:
        why = (
            "vos territoires ne sont pas réglés ; faites d'abord "
            "« bailleurs config territoires --commune … --departement … »."
        )
        if by_filter:
            raise InvalidInput(why, field="priority")
        raise InvalidInput(lambda name: f"{name('sort')} priorite : {why}")
    return territories


def search(
    source: Session | Reader,
    *,
    stage: str | None = None,
    departement: str | None = None,
    kind: str | None = None,
    text: str | None = None,
    commune: str | None = None,
    qpv: str | None = None,
    priority: str | None = None,
    territories: Territories | None = None,
    sort: str = "nom",
    absorbed: bool = True,
) -> list[Landlord]:
    """Landlords matching every filter given, by name or by priority (``sort="priorite"``).

    ``absorbed=False`` leaves out landlords absorbed by another (bulk letters).

    ``commune`` keeps landlords present there; ``qpv`` those present in the QPV's
    communes or linked to it; ``priority`` those at that level or above.
    """
    from bailleurs_cli.ground import priority as engine

    if sort not in ("nom", "priorite"):
        raise InvalidInput(f"« {sort} » inconnu ; valeurs possibles : nom, priorite.", field="sort")
    reader = as_reader(source)
    where: list[str] = []
    params: dict[str, object] = {}
    if not absorbed:
        where.append("absorbed_by IS NULL")
    if stage is not None:
        where.append("stage = :stage")
        params["stage"] = validation.choice(stage, Stage, "stage").value
    if kind is not None:
        where.append("kind = :kind")
        params["kind"] = validation.choice(kind, LegalKind, "kind").value
    landlords: list[Landlord] = records(reader, "landlord", " AND ".join(where), params)
    # Sorted here, not by the database: its collation differs between SQLite and
    # PostgreSQL, and the list must read the same on both.
    landlords.sort(key=lambda ll: (ll.name, ll.id))
    if departement is not None:
        code = validation.departement(departement)
        present = set(engine.present_in_departement(reader, code))
        landlords = [ll for ll in landlords if code in departements_of(ll) or ll.id in present]
    if commune is not None:
        from bailleurs_cli.ground import geo

        place = geo.resolve(commune, "commune")
        present = set(engine.present_in(reader, [place.code]))
        landlords = [ll for ll in landlords if ll.id in present]
    if qpv is not None:
        found = engine.require_qpv(reader, qpv)
        present = set(engine.present_in(reader, found.communes, qpv=found.code))
        landlords = [ll for ll in landlords if ll.id in present]
    if priority is not None or sort == "priorite":
        zones = _need_territories(territories, by_filter=priority is not None)
        ranks = engine.priorities(reader, zones)
        nothing = engine.Priority()
        if priority is not None:
            minimum = PRIORITY_FILTERS.get(validation.fold(priority))
            if minimum is None:
                raise InvalidInput(
                    f"« {priority} » inconnu ; valeurs possibles : haute, moyenne, basse.",
                    field="priority",
                )
            landlords = [ll for ll in landlords if ranks.get(ll.id or 0, nothing).level >= minimum]
        if sort == "priorite":
            landlords.sort(key=lambda ll: ranks.get(ll.id or 0, nothing).sort_key())
    if text:
        wanted = validation.fold(text)
        landlords = [
            ll
            for ll in landlords
            if any(
                wanted in validation.fold(value)
                for value in [*names_of(ll), ll.city or "", ll.description or "", ll.notes or ""]
            )
        ]
    return landlords


def history(
    source: Session | Reader, landlord_query: str, *, limit: int | None = None
) -> tuple[Landlord, list[tuple[Exchange, str | None]]]:
    """Exchanges with a landlord, latest first, with the person's name."""
    reader = as_reader(source)
    landlord = resolve(reader, landlord_query)
    found = records(
        reader,
        "exchange",
        "landlord_id = :landlord",
        {"landlord": landlord.id},
        order="occurred_on DESC, id DESC",
        limit=limit,
    )
    people = dict(
        reader.rows(
            "SELECT id, name FROM person "
            "WHERE id IN (SELECT person_id FROM exchange WHERE landlord_id = :id)",
            {"id": landlord.id},
        )
    )
    return landlord, [(e, people.get(e.person_id)) for e in found]


@dataclass(frozen=True)
class LandlordDetail:
    """Everything ``show`` displays about one landlord."""

    landlord: Landlord
    people: list[Person]
    exchanges: list[tuple[Exchange, str | None]]
    next_person: str | None
    stage_history: list[StageChange]
    partnerships: list[Partnership]
    presence: list[Presence]
    priority: str | None  # level label, when territories are set
    priority_reason: str | None  # the one line that explains it


def detail(
    source: Session | Reader,
    query: str,
    *,
    exchanges: int = 5,
    territories: Territories | None = None,
) -> LandlordDetail:
    """Facts, people, last exchanges, stage, next step and priority of one landlord."""
    from bailleurs_cli.ground import priority as engine

    reader = as_reader(source)
    landlord = resolve(reader, query)
    ident = landlord.id
    assert ident is not None  # a stored row
    level = reason = None
    if territories is not None and territories.configured:
        index = engine.qpv_index(reader)
        found = engine.priorities(reader, territories, index, landlord_id=ident).get(
            ident, engine.Priority()
        )
        level, reason = found.label, found.explain(index)
    mine = {"landlord": landlord.id}
    people: list[Person] = records(reader, "person", "landlord_id = :landlord", mine)
    # Active first, then by name (sorted here: collations differ between backends).
    people.sort(key=lambda p: (not p.active, p.name))
    names = {p.id: p.name for p in people}
    recent: list[Exchange] = records(
        reader,
        "exchange",
        "landlord_id = :landlord",
        mine,
        order="occurred_on DESC, id DESC",
        limit=exchanges,
    )
    return LandlordDetail(
        landlord=landlord,
        people=people,
        exchanges=[(e, names.get(e.person_id)) for e in recent],
        next_person=names.get(landlord.next_person_id),
        stage_history=records(
            reader, "stage_change", "landlord_id = :landlord", mine, order="changed_on, id"
        ),
        partnerships=records(
            reader, "partnership", "landlord_id = :landlord", mine, order="id DESC"
        ),
        presence=engine.presence_of(reader, ident),
        priority=level,
        priority_reason=reason,
    )
