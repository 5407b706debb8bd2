"""People at a landlord (interlocuteurs): add, list, edit.

Personal data: RGPD applies. Each person records where the data came from
(``source``); access, erasure and retention live in :mod:`bailleurs_cli.privacy.rights`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from bailleurs_cli import validation
from bailleurs_cli.errors import AmbiguousName, Conflict, InvalidInput, NotFound
from bailleurs_cli.followup.landlords import resolve
from bailleurs_cli.store.models import Landlord, Person


@dataclass(frozen=True)
class PersonInput:
    """What ``person add`` and ``person edit`` accept; None means "not given"."""

    name: str | None = None
    civility: str | None = None  # "Mme", "M.", "Madame", "monsieur"…; "" clears it
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    territory: str | None = None
    source: str | None = None
    active: bool | None = None


#: What ``--civilite`` accepts, folded (case, accents, the period of « M. »).
_CIVILITIES = {"mme": "Mme", "madame": "Mme", "m": "M.", "monsieur": "M."}


def civility(text: str) -> str | None:
    """``Mme`` or ``M.`` (stored as such, used by letters to greet); empty clears it.

    Raises:
        InvalidInput: anything else.
    """
    if not text.strip():
        return None
    found = _CIVILITIES.get(validation.fold(text))
    if found is None:
        raise InvalidInput(
            f"« {text.strip()} » inconnue ; valeurs possibles : Mme (Madame) ou M. (Monsieur).",
            field="civility",
        )
    return found


def _clean(data: PersonInput) -> dict[str, object]:
    values: dict[str, object] = {}
    if data.name is not None:
        values["name"] = validation.name(data.name)
    if data.civility is not None:
        values["civility"] = civility(data.civility)
    if data.email is not None:
        values["email"] = validation.email(data.email) if data.email.strip() else None
    if data.phone is not None:
        values["phone"] = validation.phone(data.phone) if data.phone.strip() else None
    for key in ("role", "territory", "source"):
        value = getattr(data, key)
        if value is not None:
            values[key] = value.strip() or None
    if data.active is not None:
        values["active"] = data.active
    return values


def find(session: Session, landlord: Landlord, query: str) -> Person:
    """The person of ``landlord`` that ``query`` names (exact, all words, a clear typo:
    :mod:`bailleurs_cli.names`).

    Raises:
        NotFound: nobody at this landlord has that name.
        AmbiguousName: several people match.
    """
    from bailleurs_cli import names

    people = list(session.exec(select(Person).where(Person.landlord_id == landlord.id)).all())
    found = names.find(query, people, lambda p: [p.name])
    if found.item is not None:
        return found.item
    if found.ambiguous:
        listed = ", ".join(p.name for p in found.ambiguous)
        raise AmbiguousName(
            f"« {query} » désigne plusieurs interlocuteurs chez {landlord.name} : {listed} ; "
            "donnez le nom complet."
        )
    known = ", ".join(p.name for p in people) or "aucun"
    raise NotFound(
        f"interlocuteur « {query} » introuvable chez {landlord.name} (connus : {known}) ; "
        f"ajoutez-le avec « bailleurs person add »."
    )


def add(session: Session, landlord_query: str, data: PersonInput) -> tuple[Landlord, Person]:
    """Add someone at a landlord; the same name twice is refused."""
    landlord = resolve(session, landlord_query)
    values = _clean(data)
    if "name" not in values:
        raise InvalidInput("nom : obligatoire.")
    folded = validation.fold(str(values["name"]))
    for other in session.exec(select(Person).where(Person.landlord_id == landlord.id)).all():
        if validation.fold(other.name) == folded:
            raise Conflict(
                f"{other.name} est déjà enregistré(e) chez {landlord.name} ; "
                "modifiez la fiche avec « bailleurs person edit »."
            )
    assert landlord.id is not None
    person = Person(landlord_id=landlord.id, **values)  # type: ignore[arg-type]
    session.add(person)
    session.flush()
    return landlord, person


def list_people(
    session: Session, landlord_query: str | None = None, *, include_inactive: bool = False
) -> list[tuple[Person, Landlord]]:
    """People, with their landlord, by landlord then name."""
    statement = (
        select(Person, Landlord)
        .join(Landlord, col(Landlord.id) == col(Person.landlord_id))
        .order_by(col(Landlord.name), col(Person.name))
    )
    if landlord_query is not None:
        landlord = resolve(session, landlord_query)
        statement = statement.where(Person.landlord_id == landlord.id)
    if not include_inactive:
        statement = statement.where(col(Person.active).is_(True))
    return [(p, ll) for p, ll in session.exec(statement).all()]


def edit(session: Session, landlord_query: str, person_query: str, data: PersonInput) -> Person:
    """Change a person's details."""
    landlord = resolve(session, landlord_query)
    person = find(session, landlord, person_query)
    values = _clean(data)
    if not values:
        raise InvalidInput(
            lambda name: f"rien à modifier ; donnez au moins une option (voir {name('help')})."
        )
    for key, value in values.items():
        setattr(person, key, value)
    session.add(person)
    if values.get("active") is False and landlord.next_person_id == person.id:
        landlord.next_person_id = None  # gone: not the next step's contact any more
        session.add(landlord)
    return person
