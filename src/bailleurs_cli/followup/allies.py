"""Allied associations, for joint approaches to landlords (thesis, recommendation 2).

Landlords are approached by several associations for the same kind of project (the
thesis' « Bailleur F »); a letter written and signed together reads as one
proposal instead of competing ones. An ally is recorded once (``allie add``), then
named in ``letter --avec``; the exchange a joint letter logs keeps the ally, so
``show`` lists the joint approaches made with each landlord.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bailleurs_cli import formatting, validation
from bailleurs_cli.errors import AmbiguousName, Conflict, InvalidInput, NotFound
from bailleurs_cli.store.reader import Reader, records

if TYPE_CHECKING:
    from sqlmodel import Session

    from bailleurs_cli.store.models import Ally, Exchange, Landlord


@dataclass(frozen=True)
class AllyInput:
    """What ``allie add`` accepts."""

    name: str
    contact: str
    email: str | None = None
    phone: str | None = None
    departements: tuple[str, ...] = ()
    signatory: str | None = None


def add(session: Session, data: AllyInput) -> Ally:
    """Record an allied association.

    Raises:
        InvalidInput: an empty name or contact, a malformed e-mail, phone or department.
        Conflict: an ally with the same name is already recorded.
    """
    from sqlmodel import select

    from bailleurs_cli.store.models import Ally

    name = validation.name(data.name)
    slug = validation.slugify(name)
    if not slug:
        raise InvalidInput(f"« {name} » ne contient ni lettre ni chiffre.", field="name")
    existing = session.exec(select(Ally).where(Ally.slug == slug)).first()
    if existing is not None:
        raise Conflict(
            f"l'association « {existing.name} » est déjà enregistrée ({existing.slug}) ; "
            "voir « bailleurs allie list ».",
            field="name",
        )
    contact = validation.name(data.contact, "contact")
    signatory = validation.name(data.signatory, "signatory") if data.signatory else None
    departements = sorted({_checked(validation.departement, d) for d in data.departements})
    ally = Ally(
        slug=slug,
        name=name,
        contact=contact,
        email=_checked(validation.email, data.email),
        phone=_checked(validation.phone, data.phone),
        departements=departements,
        signatory=signatory,
    )
    session.add(ally)
    session.flush()
    return ally


@dataclass(frozen=True)
class AllyChanges:
    """What ``allie edit`` changes: None leaves a field as it is; an empty e-mail,
    phone or signatory removes it; ``departements`` replaces the list (empty: none)."""

    name: str | None = None
    contact: str | None = None
    email: str | None = None
    phone: str | None = None
    departements: tuple[str, ...] | None = None
    signatory: str | None = None


def edit(session: Session, query: str, changes: AllyChanges) -> Ally:
    """Change an ally's details; its identifier (named by ``letter --avec``) stays.

    Raises:
        NotFound, AmbiguousName: ``query`` names no ally, or several.
        InvalidInput: nothing to change, or a value refused as ``add`` refuses it.
        Conflict: the new name is another ally's.
    """
    from sqlmodel import select

    from bailleurs_cli.store.models import Ally

    values: dict[str, Any] = {}
    if changes.name is not None:
        values["name"] = validation.name(changes.name)
    if changes.contact is not None:
        values["contact"] = validation.name(changes.contact, "contact")
    if changes.email is not None:
        values["email"] = _checked(validation.email, changes.email)
    if changes.phone is not None:
        values["phone"] = _checked(validation.phone, changes.phone)
    if changes.departements is not None:
        checked = (_checked(validation.departement, d) for d in changes.departements)
        values["departements"] = sorted({d for d in checked if d is not None})
    if changes.signatory is not None:
        signatory = changes.signatory
        values["signatory"] = validation.name(signatory, "signatory") if signatory.strip() else None
    if not values:
        raise InvalidInput(
            lambda name: f"rien à modifier ; donnez au moins une option (voir {name('help')})."
        )
    found = session.get(Ally, resolve(session, query).id)
    assert found is not None
    if "name" in values:
        slug = validation.slugify(values["name"])
        if not slug:
            raise InvalidInput(
                f"« {values['name']} » ne contient ni lettre ni chiffre.", field="name"
            )
        for other in session.exec(select(Ally).where(Ally.id != found.id)).all():
            if validation.slugify(other.name) == slug or other.slug == slug:
                raise Conflict(
                    f"l'association « {other.name} » est déjà enregistrée ({other.slug}) ; "
                    "voir « bailleurs allie list ».",
                    field="name",
                )
    for key, value in values.items():
        setattr(found, key, value)
    session.add(found)
    session.flush()
    return found


def _checked(check: Callable[[str], str], value: str | None) -> Any:
    """``check(value)``, None for nothing given; its error carries its field (``phone``,
    which ``allie add`` calls --telephone)."""
    if value is None or not value.strip():
        return None
    return check(value)


def listing(source: Session | Reader) -> list[Ally]:
    """Every ally, by name (read-only records)."""
    found: list[Ally] = records(source, "ally")
    return sorted(found, key=lambda ally: (ally.name, ally.id))


def resolve(session: Session | Reader, query: str, field: str = "ally") -> Ally:
    """The ally ``query`` names: its identifier, its name, all the words of it or a clear
    typo of it (:mod:`bailleurs_cli.names`).

    Raises:
        NotFound: no such ally (the known ones are listed) — exit code 3.
        AmbiguousName: the words given fit several allies.
    """
    from bailleurs_cli import names

    allies = listing(session)
    slug = validation.fold(query).replace(" ", "-")
    for ally in allies:
        if ally.slug == slug:
            return ally
    found = names.find(query, allies, lambda a: [a.name])
    if found.item is not None:
        return found.item
    if found.ambiguous:
        listed = ", ".join(f"{a.name} ({a.slug})" for a in found.ambiguous)
        raise AmbiguousName(
            f"« {query} » désigne plusieurs associations : {listed} ; "
            "donnez le nom complet ou l'identifiant entre parenthèses.",
            field=field,
        )
    if not allies:
        raise NotFound(
            f"association « {query} » inconnue ; aucune n'est enregistrée : "
            'ajoutez-la avec « bailleurs allie add "Nom" --contact … ».',
            field=field,
        )
    known = ", ".join(f"{a.name} ({a.slug})" for a in allies)
    raise NotFound(
        f"association « {query} » inconnue ; associations enregistrées : {known}.", field=field
    )


def as_json(ally: Ally) -> dict[str, Any]:
    """Stable keys, as ``allie list --json`` prints them."""
    return {
        "ally": ally.slug,
        "name": ally.name,
        "contact": ally.contact,
        "email": ally.email,
        "phone": ally.phone,
        "departements": list(ally.departements),
        "signatory": ally.signatory or ally.contact,
    }


@dataclass(frozen=True)
class JointApproach:
    """An exchange made with a landlord together with an ally."""

    exchange: Exchange
    ally: Ally


def joint_approaches(source: Session | Reader, landlord: Landlord) -> list[JointApproach]:
    """The exchanges made with ``landlord`` together with an ally, latest first."""
    made = records(
        source,
        "exchange",
        "landlord_id = :landlord AND ally_id IS NOT NULL",
        {"landlord": landlord.id},
        order="occurred_on DESC, id DESC",
    )
    allies = {ally.id: ally for ally in records(source, "ally")} if made else {}
    return [JointApproach(e, allies[e.ally_id]) for e in made if e.ally_id in allies]


def approach_json(item: JointApproach) -> dict[str, Any]:
    """One joint approach, as ``show --json`` lists it under ``joint_approaches``."""
    return {
        "date": item.exchange.occurred_on.isoformat(),
        "ally": item.ally.slug,
        "ally_name": item.ally.name,
        "channel": item.exchange.channel,
        "summary": item.exchange.summary,
        "document": item.exchange.document,
    }


def approach_line(item: JointApproach) -> str:
    """``23/11/2026 · courrier avec Les Petits Débrouillards IDF : Courrier « prospection »…``."""
    channel = formatting.CHANNEL_LABELS.get(item.exchange.channel, item.exchange.channel)
    return (
        f"{formatting.short_date(item.exchange.occurred_on)} · {channel} avec "
        f"{item.ally.name}\u00a0: {item.exchange.summary}"
    )
