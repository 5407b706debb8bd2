"""Load and apply the shipped registry of IDF landlords (``data/bailleurs.yaml``).

Entries go through pydantic models with ``extra="forbid"``, so a typo in a key is
an error, not silent data loss; every error names the file, the entry and the
field. Every filled fact must be covered by one of the entry's ``sources``.

Seeding and ``registry sync`` write only the *reference* fields below; what the
user owns (stage, notes, next step, people, exchanges) is never touched, and
landlords the user added are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlmodel import Session, col, select

from bailleurs_cli import validation
from bailleurs_cli.errors import InvalidInput, RegistryError
from bailleurs_cli.files import reason, shipped
from bailleurs_cli.followup.pipeline import FIRST_STEP, enter_pipeline
from bailleurs_cli.formatting import SOURCE_LABELS, label
from bailleurs_cli.store.models import (
    Landlord,
    LegalKind,
    Measure,
    Origin,
    Presence,
    Stage,
    StageChange,
)
from bailleurs_cli.store.tables import touch
from bailleurs_cli.validation import IDF_DEPARTEMENTS

_SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Dwellings(_Strict):
    """A dwellings figure as the source states it, with its unit and scope."""

    count: int = Field(gt=0)
    qualifier: Literal["exact", "plus_de", "environ", "pres_de"]
    unit: str
    scope: Literal["idf", "national", "local", "non_precise"]
    as_of: str


class HeadOffice(_Strict):
    """Head-office postal address; CEDEX, TSA, CS and BP lines are kept."""

    street: str
    complement: str | None = None
    postcode: str = Field(pattern=r"^\d{5}$")
    city: str
    cedex: str | None = None


class Source(_Strict):
    """Which fields of the entry a reference supports."""

    ref: str
    fields: list[str] = Field(min_length=1)
    urls: list[str] = Field(default_factory=list)
    note: str | None = None


class Entry(_Strict):
    """One landlord of the registry."""

    slug: str = Field(pattern=_SLUG)
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    former_names: list[str] = Field(default_factory=list)
    kind: LegalKind
    legal_form: str | None = None
    siren: str | None = Field(default=None, pattern=r"^\d{9}$")
    group: str | None = None
    description: str | None = None
    history: str | None = None
    dwellings: list[Dwellings] = Field(default_factory=list)
    head_office: HeadOffice | None = None
    website: str | None = Field(default=None, pattern=r"^https?://\S+$")
    departements: list[str] = Field(default_factory=list)
    communes: list[str] = Field(default_factory=list)
    operates_in: list[str] = Field(default_factory=list)  # EPT or EPCI names
    absorbed_by: str | None = Field(default=None, pattern=_SLUG)
    governance: str | None = None
    paris_labels: list[str] = Field(default_factory=list)
    to_verify: bool | None = None
    sources: list[Source] = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        """The same length limit as ``add`` and the imports (validation.NAME_MAX_LENGTH)."""
        try:
            return validation.name(value)
        except InvalidInput as exc:
            raise ValueError(exc.message.split(" : ", 1)[-1].rstrip(".")) from None

    @field_validator("departements")
    @classmethod
    def _idf_only(cls, value: list[str]) -> list[str]:
        for code in value:
            if code not in IDF_DEPARTEMENTS:
                raise ValueError(f"« {code} » n'est pas un département d'Île-de-France")
        return value


#: Fields a source can vouch for; ``kind: inconnu`` needs no source.
FACT_FIELDS = frozenset(Entry.model_fields) - {"slug", "sources", "to_verify"}


class Registry(_Strict):
    """The whole file."""

    version: Literal[1]
    references: dict[str, str]
    bailleurs: list[Entry]


def shipped_path() -> Path:
    """The registry shipped with the package (or the repository, when run from source)."""
    return shipped("data", "bailleurs.yaml")


_MESSAGES = {
    "extra_forbidden": "clé inconnue ; vérifiez l'orthographe (voir l'en-tête du fichier)",
    "missing": "champ obligatoire absent",
    "string_pattern_mismatch": "format invalide",
    "literal_error": "valeur non permise",
    "enum": "valeur non permise",
    "int_parsing": "doit être un nombre entier",
    "int_type": "doit être un nombre entier",
    "string_type": "doit être un texte",
    "list_type": "doit être une liste",
    "too_short": "ne doit pas être vide",
    "greater_than": "doit être positif",
}


def _describe(error: Any) -> str:
    kind = error["type"]
    if kind in ("literal_error", "enum"):
        expected = error.get("ctx", {}).get("expected", "")
        return f"valeur « {error.get('input')} » non permise (attendu : {expected})"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return str(_MESSAGES.get(kind, error["msg"]))


def _field_path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _check_sources(entry: Entry, index: int, name: str, references: dict[str, str]) -> None:
    covered: set[str] = set()
    for source in entry.sources:
        if source.ref not in references:
            raise RegistryError(
                f"entrée {index} ({name}), champ « sources » : référence « {source.ref} » "
                f"absente de « references »."
            )
        unknown = set(source.fields) - FACT_FIELDS
        if unknown:
            raise RegistryError(
                f"entrée {index} ({name}), champ « sources » : champ « {sorted(unknown)[0]} » "
                "inconnu."
            )
        covered.update(source.fields)
    for fact in sorted(FACT_FIELDS - covered):
        value = getattr(entry, fact)
        if fact == "kind" and value == LegalKind.UNKNOWN:
            continue
        if value not in (None, [], ""):
            raise RegistryError(
                f"entrée {index} ({name}), champ « {fact} » : aucune source ne le cite ; "
                "ajoutez-le aux « fields » d'une source."
            )


def load(path: Path | None = None) -> list[Entry]:
    """Read and validate a registry file.

    Raises:
        RegistryError: the file is missing, not YAML, or an entry is invalid.
    """
    import yaml

    path = path or shipped_path()
    label = path.name
    try:
        text = path.read_text(encoding="utf-8")
        try:  # libyaml's loader, in PyYAML's wheels, reads the registry ten times faster
            raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError:  # the pure-Python loader says more about a mistake
            raw = yaml.safe_load(text)
    except OSError as exc:
        raise RegistryError(f"{label} : lecture impossible ({reason(exc)}).") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", ligne {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntaxe YAML invalide"
        raise RegistryError(f"{label}{where} : {problem}.") from None
    if not isinstance(raw, dict):
        raise RegistryError(
            f"{label} : attendu les clés « version », « references », « bailleurs »."
        )
    entries = raw.get("bailleurs")
    try:
        registry = Registry.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        if len(loc) >= 2 and loc[0] == "bailleurs" and isinstance(loc[1], int):
            index = loc[1]
            item = entries[index] if isinstance(entries, list) else None
            name = "?"
            if isinstance(item, dict):
                name = str(item.get("name") or item.get("slug") or "?")
                # Shortened: the name may be what is too long.
                name = name if len(name) <= 40 else f"{name[:39]}…"
            field_name = _field_path(loc[2:]) or "entrée"
            raise RegistryError(
                f"{label}, entrée {index + 1} ({name}), champ « {field_name} » : "
                f"{_describe(error)}."
            ) from None
        raise RegistryError(
            f"{label}, champ « {_field_path(loc)} » : {_describe(error)}."
        ) from None
    seen: dict[str, int] = {}
    labels_seen: dict[str, int] = {}
    for index, entry in enumerate(registry.bailleurs, start=1):
        if entry.slug in seen:
            raise RegistryError(
                f"{label}, entrée {index} ({entry.name}), champ « slug » : « {entry.slug} » "
                f"déjà utilisé par l'entrée {seen[entry.slug]}."
            )
        seen[entry.slug] = index
        try:
            _check_sources(entry, index, entry.name, registry.references)
            _check_places(entry, index, labels_seen)
        except RegistryError as exc:
            raise RegistryError(f"{label}, {exc.message}") from None
    for index, entry in enumerate(registry.bailleurs, start=1):
        if entry.absorbed_by is not None and entry.absorbed_by not in seen:
            raise RegistryError(
                f"{label}, entrée {index} ({entry.name}), champ « absorbed_by » : "
                f"« {entry.absorbed_by} » n'est l'identifiant d'aucune entrée du registre."
            )
    return registry.bailleurs


def _check_places(entry: Entry, index: int, labels_seen: dict[str, int]) -> None:
    """Every commune named resolves; every Paris label exists and is used once."""
    from bailleurs_cli.errors import NotFound
    from bailleurs_cli.ground import geo

    where = f"entrée {index} ({entry.name})"
    for name in entry.communes:
        try:
            geo.resolve(name)
        except NotFound as exc:
            raise RegistryError(f"{where}, champ « communes » : {exc.message}") from None
    for area in entry.operates_in:
        if not geo.of_area(area):
            raise RegistryError(
                f"{where}, champ « operates_in » : « {area} » n'est ni un EPT ni un EPCI "
                "d'Île-de-France ; recopiez son nom (exemple : Plaine Commune)."
            )
    known = paris_funded()
    for paris_label in entry.paris_labels:
        if paris_label not in known:
            raise RegistryError(
                f"{where}, champ « paris_labels » : « {paris_label} » absent de "
                "paris_logements_finances.csv ; recopiez le libellé « bs » exact."
            )
        if paris_label in labels_seen:
            raise RegistryError(
                f"{where}, champ « paris_labels » : « {paris_label} » déjà rattaché "
                f"à l'entrée {labels_seen[paris_label]}."
            )
        labels_seen[paris_label] = index


@dataclass(frozen=True)
class Funded:
    """Dwellings funded in one Paris arrondissement under one landlord label."""

    commune: str
    dwellings: int
    first_year: int
    last_year: int


@cache
def paris_funded() -> dict[str, list[Funded]]:
    """The Ville de Paris programmes, totalled per label and arrondissement."""
    import csv

    from bailleurs_cli.ground.geo import reference_path

    table: dict[str, list[Funded]] = {}
    path = reference_path("paris_logements_finances.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(row["bs"], []).append(
                Funded(
                    row["commune_insee"],
                    int(row["logements_finances"]),
                    int(row["premiere_annee"]),
                    int(row["derniere_annee"]),
                )
            )
    return table


def _source_of(entry: Entry, field_name: str) -> str:
    refs = [s.ref for s in entry.sources if field_name in s.fields]
    return SOURCE_LABELS.get(refs[0], refs[0]) if refs else label(Origin.REGISTRY)


def presence_facts(entry: Entry) -> list[dict[str, Any]]:
    """The presence rows an entry states: communes it names, the EPT or EPCI it
    operates across (each of their communes), its head office, Paris funding."""
    from bailleurs_cli.ground import geo

    facts: list[dict[str, Any]] = []

    def fact(commune: str, measure: Measure, source: str) -> None:
        facts.append(
            {
                "commune": commune,
                "measure": measure.value,
                "count": None,
                "source": source,
                "as_of": None,
            }
        )

    for name in entry.communes:
        fact(geo.resolve(name).code, Measure.DECLARED, _source_of(entry, "communes"))
    for area in entry.operates_in:
        for commune in geo.of_area(area):
            fact(commune.code, Measure.AREA, f"{_source_of(entry, 'operates_in')} ({area})")
    office = entry.head_office
    if office is not None:
        found = [
            c
            for c in geo.communes().values()
            if office.postcode in c.postcodes
            and validation.fold(c.name) in validation.fold(office.city)
        ]
        if len(found) == 1:
            fact(found[0].code, Measure.HEAD_OFFICE, _source_of(entry, "head_office"))
    for paris_label in entry.paris_labels:
        for funded in paris_funded()[paris_label]:
            facts.append(
                {
                    "commune": funded.commune,
                    "measure": Measure.FUNDED.value,
                    "count": funded.dwellings,
                    "source": f"{SOURCE_LABELS['paris-lsf']} (« {paris_label} »)",
                    "as_of": f"{funded.first_year}-{funded.last_year}",
                }
            )
    return facts


def reference_fields(entry: Entry) -> dict[str, Any]:
    """The landlord columns the registry owns, from one entry."""
    office = entry.head_office
    return {
        "name": entry.name,
        "aliases": list(entry.aliases),
        "former_names": list(entry.former_names),
        "kind": entry.kind.value,
        "legal_form": entry.legal_form,
        "siren": entry.siren,
        "group_name": entry.group,
        "description": entry.description,
        "history": entry.history,
        "dwellings": [d.model_dump() for d in entry.dwellings],
        "street": office.street if office else None,
        "complement": office.complement if office else None,
        "postcode": office.postcode if office else None,
        "city": office.city if office else None,
        "cedex": office.cedex if office else None,
        "website": entry.website,
        "departements": list(entry.departements),
        "communes": list(entry.communes),
        "governance": entry.governance,
        "absorbed_by": entry.absorbed_by,
        "sources": [s.model_dump(exclude_none=True) for s in entry.sources],
        "in_registry": True,
        "to_verify": entry.siren is None if entry.to_verify is None else entry.to_verify,
    }


#: Identity fields an import (SIRENE) may fill: a sync never blanks them.
_IDENTITY = ("siren", "kind", "legal_form", "to_verify")


def _keep_imported(current: Landlord, fields: dict[str, Any]) -> dict[str, Any]:
    """Registry fields minus those that would undo a SIRENE confirmation."""
    if current.legal_category is None:
        return fields
    kept = dict(fields)
    for key in _IDENTITY:
        if key == "to_verify" or fields[key] in (None, LegalKind.UNKNOWN):
            kept.pop(key)
    return kept


@dataclass
class SyncReport:
    """What ``registry sync`` did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    #: Registry landlords gone from the registry, removed: nothing of the user's on them.
    retired: list[str] = field(default_factory=list)
    #: Gone from the registry but followed by the user: kept, as the user's own.
    released: list[str] = field(default_factory=list)


def apply(session: Session, entries: list[Entry], *, today: date) -> SyncReport:
    """Insert new registry landlords and refresh the reference fields of known ones."""
    report = SyncReport()
    existing = {ll.slug: ll for ll in session.exec(select(Landlord)).all()}
    presence_of: dict[int, list[Presence]] = {}
    registry_rows = select(Presence).where(Presence.origin == Origin.REGISTRY)
    for row in session.exec(registry_rows).all():
        presence_of.setdefault(row.landlord_id, []).append(row)
    for entry in entries:
        fields = reference_fields(entry)
        current = existing.get(entry.slug)
        if current is None:
            landlord = enter_pipeline(
                session, entry.slug, fields, today=today, reason="registre livré avec bailleurs"
            )
            assert landlord.id is not None
            if entry.absorbed_by:  # its successor is the one to follow: no step of its own
                landlord.next_action = None
            _replace_presence(session, landlord.id, presence_facts(entry), present=[])
            report.added.append(entry.slug)
            continue
        if not current.in_registry:
            report.skipped.append(entry.slug)
            continue
        assert current.id is not None
        fields = _keep_imported(current, fields)
        if entry.absorbed_by and current.next_action == FIRST_STEP and current.next_due is None:
            fields["next_action"] = None  # absorbed since: no step of its own
        changed = {k: v for k, v in fields.items() if getattr(current, k) != v}
        if _replace_presence(
            session, current.id, presence_facts(entry), present=presence_of.get(current.id, [])
        ):
            changed["presence"] = True
        if changed:
            for key, value in changed.items():
                if key != "presence":
                    setattr(current, key, value)
            if changed.keys() == {"presence"}:  # the record's own columns are as they were
                touch(current)
            session.add(current)
            report.updated.append(entry.slug)
        else:
            report.unchanged.append(entry.slug)
    shipped = {entry.slug for entry in entries}
    for slug, landlord in existing.items():
        if landlord.in_registry and slug not in shipped:
            if _followed(session, landlord):
                landlord.in_registry = False
                session.add(landlord)
                report.released.append(slug)
            else:
                _remove(session, landlord)
                report.retired.append(slug)
    return report


def _followed(session: Session, landlord: Landlord) -> bool:
    """Whether the user did anything with a landlord the registry made."""
    from bailleurs_cli.store.models import Exchange, LabelLink, Partnership, Person, Reminder

    if landlord.notes or landlord.stage != Stage.IDENTIFIED:
        return True
    if landlord.next_due is not None or landlord.next_action not in (None, FIRST_STEP):
        return True
    assert landlord.id is not None
    for table in (Person, Exchange, Partnership, Reminder, LabelLink):
        column = table.landlord_id
        if session.exec(select(column).where(column == landlord.id).limit(1)).first():
            return True
    mine = select(Presence.id).where(
        Presence.landlord_id == landlord.id, Presence.origin != Origin.REGISTRY
    )
    if session.exec(mine.limit(1)).first() is not None:
        return True
    moves = select(StageChange.id).where(StageChange.landlord_id == landlord.id)
    return len(session.exec(moves.limit(2)).all()) > 1


def _remove(session: Session, landlord: Landlord) -> None:
    """Delete a landlord the registry made and nobody used, with the rows the registry
    made for it. Explicitly: the seed of an upgrade runs with foreign keys off."""
    from sqlmodel import delete

    session.exec(delete(Presence).where(col(Presence.landlord_id) == landlord.id))
    session.exec(delete(StageChange).where(col(StageChange.landlord_id) == landlord.id))
    session.delete(landlord)


def _fact_key(fact: dict[str, Any]) -> tuple[Any, ...]:
    return (fact["commune"], fact["measure"], fact["count"], fact["source"], fact["as_of"])


def _replace_presence(
    session: Session, landlord_id: int, facts: list[dict[str, Any]], *, present: list[Presence]
) -> bool:
    """Make the registry's presence rows of a landlord equal ``facts``; True if changed."""
    current = sorted(
        _fact_key(
            {
                "commune": p.commune,
                "measure": p.measure,
                "count": p.count,
                "source": p.source,
                "as_of": p.as_of,
            }
        )
        for p in present
    )
    if current == sorted(_fact_key(f) for f in facts):
        return False
    for row in present:
        session.delete(row)
    for fact in facts:
        session.add(Presence(landlord_id=landlord_id, origin=Origin.REGISTRY, **fact))
    return True
