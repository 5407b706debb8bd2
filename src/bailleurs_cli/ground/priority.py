"""The priority of each landlord where the association works: the engine behind
``next``, ``list``, ``show``, ``territoire`` and ``rapport``.

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

Its queries are plain SQL run through a :class:`~bailleurs_cli.store.reader.Reader`, so that
``next`` ranks by priority without importing SQLAlchemy; a session works as well.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from bailleurs_cli.formatting import pluriel
from bailleurs_cli.store.reader import Reader, as_reader, json_value, placeholders, records

if TYPE_CHECKING:
    from sqlmodel import Session

    from bailleurs_cli.ground.geo import Territories
    from bailleurs_cli.store.tables.territory import Presence, Qpv

PARIS = "75056"

#: Priority levels, strongest first, with the label users read.
LEVELS = {3: "haute", 2: "moyenne", 1: "basse", 0: "aucune"}


def is_arrondissement(code: str) -> bool:
    return code.startswith("751") and code != PARIS


class QpvRow(NamedTuple):
    """What the priority engine reads of a QPV."""

    code: str
    name: str
    communes: list[str]


@dataclass
class QpvIndex:
    """The QPV table, indexed by commune."""

    by_code: dict[str, QpvRow]
    by_commune: dict[str, list[str]]
    #: True when the QPV list places Paris QPV in their arrondissements.
    paris_by_arrondissement: bool = False

    def of_commune(self, code: str) -> list[str]:
        """QPV codes of a commune; an arrondissement falls back to all of Paris when the
        list does not place Paris QPV in arrondissements (the shipped list does not)."""
        if is_arrondissement(code) and not self.paris_by_arrondissement:
            return self.by_commune.get(PARIS, [])
        if code == PARIS and self.paris_by_arrondissement:
            return sorted(
                {q for c, qs in self.by_commune.items() if c.startswith("751") for q in qs}
            )
        return self.by_commune.get(code, [])


def qpv_index(source: Session | Reader) -> QpvIndex:
    """Read the QPV table once."""
    by_code = {
        code: QpvRow(code, name, json_value(communes) or [])
        for code, name, communes in as_reader(source).rows(
            "SELECT code, name, communes FROM qpv ORDER BY code"
        )
    }
    by_commune: dict[str, list[str]] = {}
    for qpv in by_code.values():
        for commune in qpv.communes:
            by_commune.setdefault(commune, []).append(qpv.code)
    placed = any(is_arrondissement(c) for c in by_commune)
    return QpvIndex(by_code, by_commune, placed)


def matching_code(present: str, wanted: str) -> str | None:
    """The more precise of two codes when a presence falls in a territory commune."""
    if present == wanted:
        return present
    if is_arrondissement(present) and wanted == PARIS:
        return present
    if present == PARIS and is_arrondissement(wanted):
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
        from bailleurs_cli.ground.geo import display

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
                f"présent dans {pluriel(self.elsewhere_count, 'commune')} de vos départements, "
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
    source: Session | Reader,
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
    reader = as_reader(source)
    index = index or qpv_index(reader)
    result: dict[int, Priority] = {}
    for row in _facts_in(reader, territories, landlord_id):
        _add(result.setdefault(row.landlord_id, Priority()), row, territories, index)
    if landlord_id is None:
        for owner, count in _elsewhere_counts(reader, territories):
            result.setdefault(owner, Priority()).elsewhere_count = count
    for owner, stated in _stated_departements(reader, territories, landlord_id):
        result.setdefault(owner, Priority()).departements = stated
    for priority in result.values():
        # Sorted by name: the order of facts in the store differs between backends.
        from bailleurs_cli.ground.geo import display

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
    reader: Reader, territories: Territories, landlord_id: int | None
) -> list[tuple[int, list[str]]]:
    """Per landlord, your departments among those its record states."""
    if not territories.departements:
        return []
    sql, params = "SELECT id, departements FROM landlord", {}
    if landlord_id is not None:
        sql, params = sql + " WHERE id = :landlord", {"landlord": landlord_id}
    wanted = set(territories.departements)
    found = []
    for owner, stated in reader.rows(sql, params):
        shared = sorted(wanted.intersection(json_value(stated) or []))
        if shared and owner is not None:
            found.append((owner, shared))
    return found


class _Fact(NamedTuple):
    landlord_id: int
    commune: str
    qpv_code: str | None
    figure: int | None
    source: str


def places_of(territories: Territories) -> tuple[list[str], bool]:
    """Commune codes a presence can have to fall in your communes; True if all of Paris."""
    places: set[str] = set()
    whole_paris = False
    for code in territories.communes:
        places.add(code)
        if code == PARIS:
            whole_paris = True
        elif is_arrondissement(code):
            places.add(PARIS)
    return sorted(places), whole_paris


def _facts_in(
    reader: Reader, territories: Territories, landlord_id: int | None = None
) -> list[_Fact]:
    """Presence facts in your communes (and, for one landlord, in your departments)."""
    places, whole_paris = places_of(territories)
    where: list[str] = []
    params: dict[str, object] = {}
    if places:
        listed, params = placeholders("place", places)
        where.append(f"commune IN ({listed})")
    if whole_paris:
        where.append("commune LIKE '751%'")
    if landlord_id is not None:
        for i, departement in enumerate(territories.departements):
            where.append(f"commune LIKE :dep{i}")
            params[f"dep{i}"] = f"{departement}%"
    if not where:
        return []
    condition = " OR ".join(where)
    if landlord_id is not None:
        condition = f"landlord_id = :landlord AND ({condition})"
        params["landlord"] = landlord_id
    sql = f"SELECT landlord_id, commune, qpv_code, count, source FROM presence WHERE {condition}"
    return [_Fact(*row) for row in reader.rows(sql, params)]


def labels(source: Session | Reader, territories: Territories) -> dict[int, str]:
    """Landlord id → priority label, for every landlord, once territories are set."""
    if not territories.configured:
        return {}
    reader = as_reader(source)
    found = priorities(reader, territories)
    ids = [i for (i,) in reader.rows("SELECT id FROM landlord")]
    return {i: found[i].label if i in found else LEVELS[0] for i in ids if i is not None}


def _elsewhere_counts(reader: Reader, territories: Territories) -> list[tuple[int, int]]:
    """Per landlord, the communes of your departments outside your communes (counted)."""
    if not territories.departements:
        return []
    places, whole_paris = places_of(territories)
    params: dict[str, object] = {f"dep{i}": f"{d}%" for i, d in enumerate(territories.departements)}
    condition = "(" + " OR ".join(f"commune LIKE :dep{i}" for i in range(len(params))) + ")"
    if places:
        listed, more = placeholders("place", places)
        condition += f" AND commune NOT IN ({listed})"
        params.update(more)
    if whole_paris:
        condition += " AND commune NOT LIKE '751%'"
    sql = (
        "SELECT landlord_id, count(DISTINCT commune) FROM presence "
        f"WHERE {condition} GROUP BY landlord_id"
    )
    return [(int(a), int(b)) for a, b in reader.rows(sql, params)]


def _add(priority: Priority, row: _Fact, territories: Territories, index: QpvIndex) -> None:
    hit = None
    for wanted in territories.communes:
        hit = matching_code(row.commune, wanted)
        if hit is not None:
            break
    if hit is not None:
        if hit not in priority.communes:
            priority.communes.append(hit)
        priority.volume += row.figure or 0
        local = index.of_commune(hit)
        if is_arrondissement(hit) and not index.paris_by_arrondissement:
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


# --- Where landlords are present -------------------------------------------------------------


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


def presence_of(source: Session | Reader, landlord_id: int) -> list[Presence]:
    """A landlord's presence facts, by commune."""
    return records(
        source, "presence", "landlord_id = :id", {"id": landlord_id}, order="commune, id"
    )


def rows_at(source: Session | Reader, communes: Iterable[str], qpv: str | None) -> list[Presence]:
    """Presence facts in ``communes`` (arrondissements match Paris and back) or in ``qpv``."""
    from bailleurs_cli.ground.geo import Territories

    places, whole_paris = places_of(Territories(tuple(communes)))
    listed, params = placeholders("place", places)
    where = [f"commune IN ({listed})"] if places else []
    if whole_paris:
        where.append("commune LIKE '751%'")
    if qpv is not None:
        where.append("qpv_code = :qpv")
        params["qpv"] = qpv
    if not where:
        return []
    return records(source, "presence", " OR ".join(where), params, order="id")


def present_in(
    source: Session | Reader, communes: Iterable[str], qpv: str | None = None
) -> list[int]:
    """Landlords present in any of ``communes`` (arrondissements match Paris and back),
    or linked to the QPV ``qpv``, in the order of their first fact."""
    return list(dict.fromkeys(row.landlord_id for row in rows_at(source, communes, qpv)))


def present_in_departement(source: Session | Reader, departement: str) -> list[int]:
    """Landlords with a known presence in a department."""
    rows = as_reader(source).rows(
        "SELECT DISTINCT landlord_id FROM presence WHERE commune LIKE :prefix",
        {"prefix": f"{departement}%"},
    )
    return sorted(owner for (owner,) in rows)


def require_qpv(source: Session | Reader, code: str) -> Qpv:
    """The QPV with this code (case and spaces tolerated).

    Raises:
        NotFound: unknown code, with close codes or names suggested.
    """
    from bailleurs_cli import names
    from bailleurs_cli.errors import NotFound
    from bailleurs_cli.validation import fold

    wanted = code.strip().upper().replace(" ", "")
    # Codes are ASCII letters and digits; anything else (a NUL byte PostgreSQL refuses
    # in a query) cannot be one, and only gets the suggestions.
    if wanted.isascii() and wanted.isalnum():
        found = records(source, "qpv", "code = :code", {"code": wanted})
        if found:
            return found[0]  # type: ignore[no-any-return]
    quarters = records(source, "qpv", order="code")
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
    raise NotFound(f"quartier « {code} » inconnu{hint}", field="qpv_code")
