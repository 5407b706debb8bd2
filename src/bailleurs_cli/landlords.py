"""Landlords: resolve a name typed by the user, add, edit, list, describe.

Name resolution goes slug → name → alias or former name → all words contained →
fuzzy match (rapidfuzz). An unknown or ambiguous name is an error that lists the
candidates, never a silent guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from bailleurs_cli import validation
from bailleurs_cli.errors import AmbiguousName, Conflict, InvalidInput, NotFound
from bailleurs_cli.models import (
    Exchange,
    Landlord,
    LegalKind,
    Partnership,
    Person,
    Stage,
    StageChange,
)
from bailleurs_cli.registry import enter_pipeline, unique_slug

if TYPE_CHECKING:
    from bailleurs_cli.config import Territories
    from bailleurs_cli.tables.territory import Presence


def _names(landlord: Landlord) -> list[str]:
    return [landlord.name, *landlord.aliases, *landlord.former_names]


def _label(landlord: Landlord) -> str:
    return f"{landlord.name} ({landlord.slug})"


def _listing(landlords: list[Landlord]) -> str:
    shown = ", ".join(_label(ll) for ll in landlords[:6])
    return shown + (", …" if len(landlords) > 6 else "")


def resolve(session: Session, query: str) -> Landlord:
    """Find the one landlord ``query`` designates: its identifier, then a name, alias or
    former name, through the steps of :mod:`bailleurs_cli.names` (a fuzzy match opens a
    landlord only when it is a clear typo: it must never log an exchange on the wrong
    landlord, issue 12).

    Raises:
        NotFound: nothing matches (close names are suggested).
        AmbiguousName: several landlords match equally well.
    """
    from bailleurs_cli import names

    wanted = validation.fold(query)
    if not wanted:
        raise InvalidInput("bailleur : nom vide ; donnez un nom, un alias ou un identifiant.")
    landlords = list(session.exec(select(Landlord).order_by(col(Landlord.id))).all())
    slug = wanted.replace(" ", "-")
    for landlord in landlords:
        if landlord.slug == slug:
            return landlord
    found = names.find(query, landlords, _names)
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


def find_near_duplicate(session: Session, name: str, aliases: list[str]) -> Landlord | None:
    """A landlord whose name or alias is the same as, or very close to, one given."""
    from bailleurs_cli import names

    for landlord in session.exec(select(Landlord)).all():
        if names.near_duplicate([name, *aliases], _names(landlord)):
            return landlord
    return None


@dataclass(frozen=True)
class LandlordInput:
    """What ``add`` and ``edit`` accept; None means "not given"."""

    name: str | None = None
    kind: str | None = None
    departements: list[str] | None = None
    address: str | None = None
    siren: str | None = None
    website: str | None = None
    group: str | None = None
    description: str | None = None
    aliases: list[str] | None = None
    notes: str | None = None


def _clean(data: LandlordInput) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if data.name is not None:
        values["name"] = validation.name(data.name)
    if data.kind is not None:
        values["kind"] = validation.choice(data.kind, LegalKind, "--kind").value
    if data.departements is not None:
        values["departements"] = list(
            dict.fromkeys(validation.departement(d) for d in data.departements)
        )
    if data.address is not None:
        values.update(validation.address(data.address))
    if data.siren is not None:
        values["siren"] = validation.siren(data.siren)
    if data.website is not None:
        values["website"] = validation.website(data.website)
    for key, attr in (("group_name", data.group), ("description", data.description)):
        if attr is not None:
            values[key] = attr.strip() or None
    if data.aliases is not None:
        values["aliases"] = [a.strip() for a in data.aliases if a.strip()]
    if data.notes is not None:
        values["notes"] = data.notes
    return values


def add(session: Session, data: LandlordInput, *, today: date, force: bool = False) -> Landlord:
    """Register a landlord the registry does not have.

    Raises:
        Conflict: a landlord with the same or a very close name exists (unless ``force``).
    """
    values = _clean(data)
    if "name" not in values:
        raise InvalidInput("nom : obligatoire.")
    duplicate = find_near_duplicate(session, values["name"], values.get("aliases", []))
    if duplicate is not None and not force:
        raise Conflict(
            f"un bailleur proche existe déjà : {_label(duplicate)} ; utilisez-le, "
            "ou ajoutez --force pour en créer un autre."
        )
    return enter_pipeline(
        session,
        unique_slug(session, values["name"]),
        values,
        today=today,
        reason="ajouté par l'utilisateur",
    )


def edit(session: Session, query: str, data: LandlordInput) -> Landlord:
    """Change the facts of a landlord; at least one field must be given."""
    landlord = resolve(session, query)
    values = _clean(data)
    if not values:
        raise InvalidInput("rien à modifier ; donnez au moins une option (voir --help).")
    if "name" in values and values["name"] != landlord.name:
        other = find_near_duplicate(session, values["name"], [])
        if other is not None and other.id != landlord.id:
            raise Conflict(f"un autre bailleur porte déjà ce nom : {_label(other)}.")
    for key, value in values.items():
        setattr(landlord, key, value)
    landlord.updated_at = datetime.now(UTC)
    session.add(landlord)
    return landlord


def declare_presence(
    session: Session, landlord: Landlord, communes: list[str], qpvs: list[str]
) -> int:
    """Record what the association learned: presence in communes, or in QPV (exact link).

    Returns the number of new facts (a fact already declared is not repeated).
    """
    from bailleurs_cli import geo, territory
    from bailleurs_cli.tables.territory import Presence

    wanted: list[tuple[str, str | None]] = []
    for name in communes:
        wanted.append((geo.resolve(name, "--present").code, None))
    for code in qpvs:
        found = territory.require_qpv(session, code)
        wanted.append((found.communes[0], found.code))
    assert landlord.id is not None
    existing = {
        (p.commune, p.qpv_code)
        for p in territory.presence_of(session, landlord.id)
        if p.origin == "utilisateur"
    }
    added = 0
    for commune, qpv in dict.fromkeys(wanted):
        if (commune, qpv) in existing:
            continue
        session.add(
            Presence(
                landlord_id=landlord.id,
                commune=commune,
                qpv_code=qpv,
                measure="declaree",
                source="déclaré par l'association",
                origin="utilisateur",
                updated_at=datetime.now(UTC),
            )
        )
        added += 1
    return added


def departements_of(landlord: Landlord) -> list[str]:
    """Departments where the landlord is present, plus its head office's."""
    codes = list(landlord.departements)
    if landlord.postcode and landlord.postcode[:2] not in codes:
        codes.append(landlord.postcode[:2])
    return codes


#: ``--priorite`` values: the lowest level kept.
PRIORITY_FILTERS = {"haute": 3, "moyenne": 2, "basse": 1}


def _need_territories(territories: Territories | None, option: str) -> Territories:
    if territories is None or not territories.configured:
        raise InvalidInput(
            f"{option} : vos territoires ne sont pas réglés ; faites d'abord "
            "« bailleurs config territoires --commune … --departement … »."
        )
    return territories


def search(
    session: Session,
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
    from bailleurs_cli import territory

    if sort not in ("nom", "priorite"):
        raise InvalidInput(f"--sort : « {sort} » inconnu ; valeurs possibles : nom, priorite.")
    statement = select(Landlord).order_by(col(Landlord.name))
    if not absorbed:
        statement = statement.where(col(Landlord.absorbed_by).is_(None))
    if stage is not None:
        statement = statement.where(
            Landlord.stage == validation.choice(stage, Stage, "--stage").value
        )
    if kind is not None:
        statement = statement.where(
            Landlord.kind == validation.choice(kind, LegalKind, "--kind").value
        )
    landlords = list(session.exec(statement).all())
    if departement is not None:
        code = validation.departement(departement)
        present = set(territory.present_in_departement(session, code))
        landlords = [ll for ll in landlords if code in departements_of(ll) or ll.id in present]
    if commune is not None:
        from bailleurs_cli import geo

        place = geo.resolve(commune, "--commune")
        present = set(territory.present_in(session, [place.code]))
        landlords = [ll for ll in landlords if ll.id in present]
    if qpv is not None:
        found = territory.require_qpv(session, qpv)
        present = set(territory.present_in(session, found.communes, qpv=found.code))
        landlords = [ll for ll in landlords if ll.id in present]
    if priority is not None or sort == "priorite":
        zones = _need_territories(territories, "--priorite" if priority else "--sort priorite")
        ranks = territory.priorities(session, zones)
        nothing = territory.Priority()
        if priority is not None:
            minimum = PRIORITY_FILTERS.get(validation.fold(priority))
            if minimum is None:
                raise InvalidInput(
                    f"--priorite : « {priority} » inconnu ; valeurs possibles : haute, "
                    "moyenne, basse."
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
                for value in [*_names(ll), ll.city or "", ll.description or "", ll.notes or ""]
            )
        ]
    return landlords


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
    session: Session,
    query: str,
    *,
    exchanges: int = 5,
    territories: Territories | None = None,
) -> LandlordDetail:
    """Facts, people, last exchanges, stage, next step and priority of one landlord."""
    from bailleurs_cli import territory

    landlord = resolve(session, query)
    assert landlord.id is not None
    level = reason = None
    if territories is not None and territories.configured:
        index = territory.qpv_index(session)
        found = territory.priorities(session, territories, index, landlord_id=landlord.id).get(
            landlord.id, territory.Priority()
        )
        level, reason = found.label, found.explain(index)
    people = list(
        session.exec(
            select(Person)
            .where(Person.landlord_id == landlord.id)
            .order_by(col(Person.active).desc(), col(Person.name))
        ).all()
    )
    names = {p.id: p.name for p in people}
    recent = session.exec(
        select(Exchange)
        .where(Exchange.landlord_id == landlord.id)
        .order_by(col(Exchange.occurred_on).desc(), col(Exchange.id).desc())
        .limit(exchanges)
    ).all()
    history = list(
        session.exec(
            select(StageChange)
            .where(StageChange.landlord_id == landlord.id)
            .order_by(col(StageChange.changed_on), col(StageChange.id))
        ).all()
    )
    partnerships = list(
        session.exec(
            select(Partnership)
            .where(Partnership.landlord_id == landlord.id)
            .order_by(col(Partnership.id).desc())
        ).all()
    )
    return LandlordDetail(
        partnerships=partnerships,
        landlord=landlord,
        people=people,
        exchanges=[(e, names.get(e.person_id)) for e in recent],
        next_person=names.get(landlord.next_person_id),
        stage_history=history,
        presence=territory.presence_of(session, landlord.id),
        priority=level,
        priority_reason=reason,
    )
