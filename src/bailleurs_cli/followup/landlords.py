"""Landlords: add, edit, describe; resolve and search as ORM entities.

Resolving a typed name and filtering the list are read in :mod:`bailleurs_cli.followup.lookup`
(plain SQL, no ORM); the wrappers here give the commands that write the entities.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from bailleurs_cli import validation
from bailleurs_cli.addresses import departements_of as departements_of
from bailleurs_cli.enums import Measure, Origin
from bailleurs_cli.errors import Conflict, InvalidInput
from bailleurs_cli.followup import lookup
from bailleurs_cli.followup.lookup import PRIORITY_FILTERS as PRIORITY_FILTERS
from bailleurs_cli.followup.lookup import names_of
from bailleurs_cli.followup.pipeline import enter_pipeline
from bailleurs_cli.store.models import (
    Landlord,
    LegalKind,
)

if TYPE_CHECKING:
    pass


def resolve(session: Session, query: str) -> Landlord:
    """Find the one landlord ``query`` designates (:func:`lookup.resolve`), as the ORM
    entity a command can change.

    Raises:
        InvalidInput: empty query.
        NotFound: nothing matches (close names are suggested).
        AmbiguousName: several landlords match equally well.
    """
    found = session.get(Landlord, lookup.resolve(session, query).id)
    assert found is not None
    return found


def find_near_duplicate(session: Session, name: str, aliases: list[str]) -> Landlord | None:
    """A landlord whose name or alias is the same as, or very close to, one given."""
    from bailleurs_cli import names

    for landlord in session.exec(select(Landlord)).all():
        if names.near_duplicate([name, *aliases], names_of(landlord)):
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
        values["kind"] = validation.choice(data.kind, LegalKind, "kind").value
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


def unique_slug(session: Session, name: str) -> str:
    """A free identifier for ``name`` (``office-exemple``, then ``office-exemple-2``…).

    The slugs taken are read once per session, so a bulk import asks only once.

    Raises:
        InvalidInput: the name has no letter or digit.
    """
    base = validation.slugify(name)
    if not base:
        raise InvalidInput("nom : aucun caractère alphanumérique ; donnez un nom lisible.")
    if "slugs_taken" not in session.info:  # not setdefault: it would query every time
        session.info["slugs_taken"] = set(session.exec(select(Landlord.slug)).all())
    taken: set[str] = session.info["slugs_taken"]
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    taken.add(slug)
    return slug


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
        near = lookup.label(duplicate)
        raise Conflict(
            lambda name: (
                f"un bailleur proche existe déjà : {near} ; utilisez-le, "
                f"ou ajoutez {name('force')} pour en créer un autre."
            )
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
        raise InvalidInput(
            lambda name: f"rien à modifier ; donnez au moins une option (voir {name('help')})."
        )
    if "name" in values and values["name"] != landlord.name:
        other = find_near_duplicate(session, values["name"], [])
        if other is not None and other.id != landlord.id:
            raise Conflict(f"un autre bailleur porte déjà ce nom : {lookup.label(other)}.")
    for key, value in values.items():
        setattr(landlord, key, value)
    session.add(landlord)
    return landlord


def declare_presence(
    session: Session, landlord: Landlord, communes: list[str], qpvs: list[str]
) -> int:
    """Record what the association learned: presence in communes, or in QPV (exact link).

    Returns the number of new facts (a fact already declared is not repeated).
    """
    from bailleurs_cli.ground import geo, priority
    from bailleurs_cli.store.tables.territory import Presence

    wanted: list[tuple[str, str | None]] = []
    for name in communes:
        wanted.append((geo.resolve(name, "present").code, None))
    for code in qpvs:
        found = priority.require_qpv(session, code)
        wanted.append((found.communes[0], found.code))
    assert landlord.id is not None
    existing = {
        (p.commune, p.qpv_code)
        for p in priority.presence_of(session, landlord.id)
        if p.origin == Origin.USER
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
                measure=Measure.DECLARED,
                source="déclaré par l'association",
                origin=Origin.USER,
            )
        )
        added += 1
    return added


def search(session: Session, **filters: Any) -> list[Landlord]:
    """:func:`lookup.search`, as ORM entities (bulk letters log exchanges on them)."""
    ids = [ll.id for ll in lookup.search(session, **filters)]
    loaded = {
        ll.id: ll for ll in session.exec(select(Landlord).where(col(Landlord.id).in_(ids))).all()
    }
    return [loaded[i] for i in ids]
