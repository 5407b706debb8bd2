"""Île-de-France reference geography: communes, arrondissements, town halls, QPV.

The tables ship with the package (``data/reference/``, rebuilt by
``data/reference/build.py``) and are read once per process. A commune typed by the
user resolves from its INSEE code, a postcode, its name with or without accents,
``Paris 20e`` or ``Saint-Denis (93)``; an ambiguous or unknown one is an error
that lists the candidates.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bailleurs_cli import validation
from bailleurs_cli.errors import AmbiguousName, InvalidInput, NotFound
from bailleurs_cli.files import shipped

PARIS = "75056"

#: Communes merged since the QPV list was drawn (COG 2024 → COG 2026): old code → new.
MERGED = {"93059": ("Pierrefitte-sur-Seine", "93066")}

_ARRONDISSEMENT = re.compile(
    r"^paris\s*(?P<n>\d{1,2})\s*(?:e|eme|er|ere)?(?:\s+arr(?:ondissement)?)?$"
)
_DEPARTEMENT_SUFFIX = re.compile(r"^(?P<name>.+?)\s*\(\s*(?P<dep>\d{2})\s*\)$")


@dataclass(frozen=True)
class Commune:
    """A current IDF commune or a Paris arrondissement."""

    code: str
    name: str
    departement: str
    postcodes: tuple[str, ...]
    population: int | None
    parent: str | None
    epci: str | None
    ept: str | None
    qpv: tuple[str, ...]

    @property
    def label(self) -> str:
        """``Saint-Denis (93)``, ``Paris 20e``."""
        if self.parent == PARIS:
            number = int(self.code[3:])
            return f"Paris {number}{'er' if number == 1 else 'e'}"
        return f"{self.name} ({self.departement})"

    @property
    def commune_code(self) -> str:
        """The commune itself: Paris for an arrondissement."""
        return self.parent or self.code


@dataclass(frozen=True)
class TownHall:
    """The town hall's institutional contact (no named person)."""

    address: str | None
    phone: str | None
    email: str | None
    website: str | None


@dataclass(frozen=True)
class Territories:
    """The communes (INSEE codes) and departments where the association works."""

    communes: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()

    @property
    def configured(self) -> bool:
        """True once the user has said where the association works."""
        return bool(self.communes or self.departements)


def reference_path(name: str) -> Path:
    """A reference table shipped with the package (or the repository, from source)."""
    return shipped("data", "reference", name)


def _read(name: str) -> list[dict[str, str]]:
    with reference_path(name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _split(value: str) -> tuple[str, ...]:
    return tuple(part for part in value.split(";") if part)


@cache
def communes() -> dict[str, Commune]:
    """Every IDF commune and Paris arrondissement, by INSEE code."""
    table: dict[str, Commune] = {}
    for row in _read("communes.csv"):
        table[row["code_insee"]] = Commune(
            code=row["code_insee"],
            name=row["nom"],
            departement=row["departement"],
            postcodes=_split(row["codes_postaux"]),
            population=int(row["population"]) if row["population"] else None,
            parent=row["commune_parent"] or None,
            epci=row["epci_nom"] or None,
            ept=row["ept_nom"] or None,
            qpv=_split(row["qpv_2024"]),
        )
    return table


def of_area(name: str) -> list[Commune]:
    """The communes of an EPT or EPCI, by its name (accents and case ignored)."""
    return list(_by_area().get(_key(name), ()))


@cache
def _by_area() -> dict[str, list[Commune]]:
    index: dict[str, list[Commune]] = {}
    for commune in communes().values():
        if commune.parent is None:
            for area in {_key(commune.ept or ""), _key(commune.epci or "")} - {""}:
                index.setdefault(area, []).append(commune)
    return index


@cache
def town_halls() -> dict[str, TownHall]:
    """Town-hall contacts by INSEE code (DILA directory; Paris has none)."""
    return {
        row["code_insee"]: TownHall(
            address=row["mairie_adresse"] or None,
            phone=row["mairie_telephone"] or None,
            email=row["mairie_email"] or None,
            website=row["mairie_site"] or None,
        )
        for row in _read("mairies.csv")
    }


def _key(text: str) -> str:
    folded = validation.fold(text)
    folded = re.sub(r"\bste\b", "sainte", folded)
    return re.sub(r"\bst\b", "saint", folded)


@cache
def _by_name() -> dict[str, list[Commune]]:
    index: dict[str, list[Commune]] = {}
    for commune in communes().values():
        if commune.parent is None:
            index.setdefault(_key(commune.name), []).append(commune)
    return index


@cache
def _by_postcode() -> dict[str, list[Commune]]:
    index: dict[str, list[Commune]] = {}
    for commune in communes().values():
        if commune.code == PARIS:
            continue  # its arrondissements carry the Paris postcodes
        for postcode in commune.postcodes:
            index.setdefault(postcode, []).append(commune)
    return index


def _choices(found: list[Commune]) -> str:
    shown = ", ".join(f"{c.label} [{c.code}]" for c in found[:6])
    return shown + (", …" if len(found) > 6 else "")


def resolve(query: str, field: str | None = None) -> Commune:
    """The one commune or arrondissement ``query`` designates.

    Errors carry ``field`` (``commune``, ``present``, or the column the user typed it
    in), when there is one: the CLI then reads ``--commune : commune « Atlantide »
    inconnue…``.

    Raises:
        InvalidInput: empty query.
        NotFound: no IDF commune matches (close names are suggested).
        AmbiguousName: several communes match (each is listed with its code).
    """
    text = query.strip()
    if not text:
        raise InvalidInput("commune vide ; donnez un nom, un code INSEE ou postal.", field=field)
    table = communes()
    if re.fullmatch(r"\d{5}", text):
        if text in MERGED:
            return table[MERGED[text][1]]
        found = [table[text]] if text in table else []
        found += [c for c in _by_postcode().get(text, []) if c.code != text]
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousName(
                f"« {text} » (code INSEE ou postal) désigne plusieurs communes : "
                f"{_choices(found)} ; donnez le nom de la commune.",
                field=field,
            )
        raise NotFound(
            f"aucun code INSEE ni code postal d'Île-de-France ne vaut « {text} ».", field=field
        )
    departement = None
    suffix = _DEPARTEMENT_SUFFIX.match(text)
    if suffix:
        text, departement = suffix["name"], suffix["dep"]
    key = _key(text)
    arrondissement = _ARRONDISSEMENT.match(key)
    if arrondissement:
        number = int(arrondissement["n"])
        if 1 <= number <= 20:
            return table[f"751{number:02d}"]
        raise NotFound(f"Paris n'a pas de {number}e arrondissement.", field=field)
    for old_name, new_code in MERGED.values():
        if key == _key(old_name):
            return table[new_code]
    found = _by_name().get(key, [])
    if departement:
        found = [c for c in found if c.departement == departement]
    if len(found) == 1:
        return found[0]
    if found:
        raise AmbiguousName(
            f"« {query} » désigne plusieurs communes : {_choices(found)} ; "
            "ajoutez le département, par exemple « Blandy (77) », ou donnez le code INSEE.",
            field=field,
        )
    suggestions = _suggest(key, departement)
    hint = f" ; vouliez-vous dire : {_choices(suggestions)} ?" if suggestions else "."
    raise NotFound(f"commune « {query} » inconnue en Île-de-France{hint}", field=field)


def _suggest(key: str, departement: str | None) -> list[Commune]:
    from bailleurs_cli import names as matching

    names = dict(_by_name())
    for old_name, new_code in MERGED.values():
        names[_key(old_name)] = [communes()[new_code]]
    starting = [c for name, cs in names.items() if name.startswith(key + " ") for c in cs]
    if starting:
        return starting[:3]
    close = matching.suggest(key, [(cs, [name]) for name, cs in names.items()], limit=5)
    found = [c for cs in close for c in cs]
    if departement:
        found = [c for c in found if c.departement == departement] or found
    return found[:3]


def display(code: str) -> str:
    """A commune code as users read it (``Saint-Denis (93)``); unknown codes as is."""
    commune = communes().get(code)
    return commune.label if commune else code
