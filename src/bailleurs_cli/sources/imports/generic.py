"""``import csv``: the association's own spreadsheet of landlords and people.

Columns are mapped to fields with ``--map champ=Colonne`` (a column named like
the field is mapped by itself). Each row names a landlord (matched by SIREN, then
by name, exactly or fuzzily) and optionally a person there. A landlord not found
is added; a name only *close* to a known one is not: it is reported as a near
miss, for a human to decide. Filled fields are never overwritten.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from bailleurs_cli import validation
from bailleurs_cli.enums import Measure, Origin
from bailleurs_cli.errors import BailleursError, InvalidInput
from bailleurs_cli.ground import geo
from bailleurs_cli.sources.imports.core import (
    Change,
    ImportReport,
    Steps,
    all_landlords,
    create,
    fill,
)
from bailleurs_cli.sources.imports.matching import Matcher
from bailleurs_cli.sources.imports.tabular import Progress, open_table
from bailleurs_cli.store.tables.person import Person
from bailleurs_cli.store.tables.territory import Presence

#: Fields a column can feed, with what they mean (shown in ``--help`` and errors).
FIELDS = {
    "nom": "nom du bailleur (obligatoire)",
    "siren": "SIREN",
    "sigle": "sigle ou autre nom",
    "nature": "oph, esh, sem, coop, autre",
    "adresse": "adresse du siège",
    "site": "site web",
    "groupe": "groupe",
    "commune": "commune où il est présent",
    "note": "note",
    "personne": "nom de l'interlocuteur",
    "fonction": "sa fonction",
    "email": "son e-mail",
    "telephone": "son téléphone",
}


def parse_mapping(items: list[str]) -> dict[str, str]:
    """``["nom=Bailleur", "email=Courriel"]`` → ``{"nom": "bailleur", "email": "courriel"}``."""
    from bailleurs_cli.sources.imports.tabular import normalise

    mapping: dict[str, str] = {}
    for item in items:
        key, sep, column = item.partition("=")
        key = validation.fold(key).replace(" ", "")
        if not sep or not column.strip():
            raise InvalidInput(
                f"« {item} » ; attendu champ=Colonne, par exemple nom=Bailleur.", field="mapping"
            )
        if key not in FIELDS:
            raise InvalidInput(
                f"champ « {key} » inconnu ; champs possibles : {', '.join(FIELDS)}.",
                field="mapping",
            )
        mapping[key] = normalise(column)
    return mapping


def _column_missing(key: str, wanted: str, where: str, shown: str) -> InvalidInput:
    return InvalidInput(
        lambda name: (
            f"{name('mapping')} {key} : colonne « {wanted} » absente de {where} ; "
            f"colonnes lues : {shown}."
        )
    )


def _no_name_column(where: str) -> InvalidInput:
    return InvalidInput(
        lambda name: (
            f"{where} : aucune colonne pour le nom du bailleur ; ajoutez "
            f"{name('mapping')} nom=<colonne>."
        )
    )


def read(
    paths: list[Path],
    report: ImportReport,
    progress: Progress | None,
    *,
    mapping: dict[str, str],
    sheet: str | None = None,
) -> Iterator[tuple[int, dict[str, str], dict[str, str]]]:
    """Each row as ``(line, {field: value}, {field: column label})``.

    Raises:
        InvalidInput: a file, a mapped column or the name column is missing, or the
            file is malformed (read to its end before anything is written).
    """
    for path in paths:
        for table in open_table(path, sheet=sheet):
            report.encoding, report.delimiter = table.encoding, table.delimiter
            columns: dict[str, str] = {}
            for key in FIELDS:
                wanted = mapping.get(key, key)
                if wanted in table.keys:
                    columns[key] = wanted
                elif key in mapping:
                    shown = ", ".join(f"« {c} »" for c in table.columns[:12])
                    raise _column_missing(key, wanted, table.name, shown)
            if "nom" not in columns:
                raise _no_name_column(table.name)
            labels = dict(zip(table.keys, table.columns, strict=True))
            named = {k: labels[c] for k, c in columns.items()}
            for line, row in table.rows(progress):
                yield line, {k: row.get(c, "").strip() for k, c in columns.items()}, named


def run(
    session: Session,
    paths: list[Path],
    report: ImportReport,
    progress: Progress | None,
    *,
    today: date,
    mapping: dict[str, str],
    sheet: str | None = None,
    steps: Steps | None = None,
) -> None:
    """Add or complete landlords (and their people) from the user's table.

    With ``steps``, the work is committed every few hundred rows (see
    :class:`~bailleurs_cli.sources.imports.core.Steps`).
    """
    matcher = Matcher(all_landlords(session))
    source = f"import {', '.join(p.name for p in paths)}"
    for line, values, named in read(paths, report, progress, mapping=mapping, sheet=sheet):
        if steps is not None and not steps.take():
            continue
        report.rows += 1
        try:
            checked = _checked(values, named)
            _apply(session, matcher, checked, line, report, today=today, source=source)
        except BailleursError as exc:
            report.reject(line, exc.message, values.get("nom"))
        if steps is not None:
            steps.done(line)


def _kind(value: str) -> str:
    from bailleurs_cli.enums import LegalKind

    return validation.choice(value, LegalKind, "nature").value


#: How each field's value is checked and normalised (the others are kept as text).
_CHECKS: dict[str, Any] = {
    "nom": validation.name_length,
    "personne": validation.name_length,
    "siren": validation.siren,
    "nature": _kind,
    "adresse": validation.address,
    "site": validation.website,
    "commune": lambda value: geo.resolve(value, "commune"),
    "email": validation.email,
    "telephone": validation.phone,
}


def _checked(values: dict[str, str], labels: dict[str, str]) -> dict[str, Any]:
    """The row's values, checked; an error names the user's column, not a CLI option."""
    checked: dict[str, Any] = dict(values)
    for key, check in _CHECKS.items():
        if not values.get(key):
            continue
        try:
            checked[key] = check(values[key])
        except BailleursError as exc:
            reason = exc.message.split(" : ", 1)[-1].rstrip(".")
            raise InvalidInput(f"colonne « {labels[key]} » : {reason}") from None
    return checked


#: Table field → model attribute, for the landlord and the person of a row.
_LANDLORD_ATTRS = {
    "siren": "siren", "nature": "kind", "site": "website", "groupe": "group_name", "note": "notes",
}  # fmt: skip
_PERSON_ATTRS = {"fonction": "role", "email": "email", "telephone": "phone"}


def _renamed(values: dict[str, Any], attrs: dict[str, str]) -> dict[str, Any]:
    """The row's non-empty ``values`` under their model attribute names."""
    return {attr: values[key] for key, attr in attrs.items() if values.get(key)}


def _landlord_values(values: dict[str, Any]) -> dict[str, Any]:
    out = _renamed(values, _LANDLORD_ATTRS)
    if values.get("adresse"):
        out.update(values["adresse"])  # street, postcode, city, cedex
    return out


def _apply(
    session: Session,
    matcher: Matcher,
    values: dict[str, Any],
    line: int,
    report: ImportReport,
    *,
    today: date,
    source: str,
) -> None:
    name = " ".join(values.get("nom", "").split())
    if not name:
        report.reject(line, "nom du bailleur vide")
        return
    facts = _landlord_values(values)
    place: geo.Commune | None = values.get("commune") or None
    person = _person_values(values)
    match = matcher.find(facts.get("siren"), name, values.get("sigle", ""))
    if match.landlord is None and match.near is not None:
        report.near(line, name, match.near, match.near_score)
        report.reject(
            line, f"nom proche de « {match.near.name} » ; vérifiez avant d'importer", name
        )
        return
    report.kept += 1
    changed: dict[str, Any] = {}
    if match.landlord is None:
        aliases = [values["sigle"]] if values.get("sigle") else []
        landlord = create(session, name, {**facts, "aliases": aliases}, today=today, why=source)
        matcher.add(landlord)
        report.added.append(Change(landlord.slug, landlord.name, fields=facts))
    else:
        landlord = match.landlord
        changed = fill(landlord, facts, report, line=line)
    assert landlord.id is not None
    new = match.landlord is None  # a landlord just created has no presence nor person yet
    if place is not None and _declare(session, landlord.id, place.code, source, new=new):
        changed["presence"] = place.code
    if person is not None and _add_person(session, landlord.id, person, source, new=new):
        changed.setdefault("people", []).append(person["name"])
    if person is None and (values.get("email") or values.get("telephone")):
        report.reject(
            line,
            "e-mail ou téléphone sans nom d'interlocuteur (colonne personne) : "
            "bailleur importé, contact laissé de côté",
            values.get("email") or values.get("telephone"),
        )
    if match.landlord is None:
        return
    report.matched(session, landlord, match, changed)


def _person_values(values: dict[str, Any]) -> dict[str, Any] | None:
    if not values.get("personne"):
        return None
    return {"name": " ".join(values["personne"].split()), **_renamed(values, _PERSON_ATTRS)}


def _add_person(
    session: Session, landlord_id: int, person: dict[str, Any], source: str, *, new: bool
) -> bool:
    folded = validation.fold(person["name"])
    known: list[Person] = []
    if not new:
        known = list(session.exec(select(Person).where(Person.landlord_id == landlord_id)))
    if any(validation.fold(other.name) == folded for other in known):
        return False
    session.add(Person(landlord_id=landlord_id, source=source, **person))
    return True


def _declare(session: Session, landlord_id: int, commune: str, source: str, *, new: bool) -> bool:
    exists = (
        None
        if new
        else session.exec(
            select(Presence).where(
                Presence.landlord_id == landlord_id,
                Presence.commune == commune,
                Presence.origin == Origin.USER,
            )
        ).first()
    )
    if exists is not None:
        return False
    session.add(
        Presence(
            landlord_id=landlord_id,
            commune=commune,
            measure=Measure.DECLARED,
            source=source,
            origin=Origin.USER,
        )
    )
    return True
