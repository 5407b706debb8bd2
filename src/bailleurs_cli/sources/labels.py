"""The raw labels of the Ville de Paris list (« HAB.CONF. », « RES.L.F. »…).

The list of social housing funded in Paris names its landlords by short labels.
A label is attached to a landlord only where the registry states it with a source
(``paris_labels``) or where the user decides (``registry label``); the others are
*libellés à identifier*: they are not landlords, so they are not in the pipeline,
``next`` or ``letter --all``, but their funded dwellings stay visible, by
arrondissement, for the user to identify.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from bailleurs_cli import formatting, validation
from bailleurs_cli.enums import Measure, Origin
from bailleurs_cli.errors import Conflict, NotFound
from bailleurs_cli.sources import registry
from bailleurs_cli.store.tables import touch
from bailleurs_cli.store.tables.landlord import Landlord
from bailleurs_cli.store.tables.territory import LabelLink, Presence

#: Not landlords at all: one-off property companies of a single programme, and rows
#: without a label (the registry leaves them out too).
_NOT_A_LANDLORD = re.compile(r"^(\(vide\)|SCI\b|SCCV\b|SNC\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Label:
    """One label of the Ville de Paris list, and whom it belongs to (if known)."""

    label: str
    dwellings: int
    arrondissements: tuple[str, ...]  # INSEE codes 751xx
    first_year: int
    last_year: int
    landlord: str | None = None  # slug, when attached
    by: str | None = None  # "registre" or "vous"


def _known(session: Session) -> dict[str, tuple[str, str]]:
    """Label → (landlord slug, who attached it)."""
    attached: dict[str, tuple[str, str]] = {}
    for entry in registry.load():
        for label in entry.paris_labels:
            attached[label] = (entry.slug, "registre")
    rows = session.exec(
        select(LabelLink.label, Landlord.slug).join(
            Landlord, col(Landlord.id) == col(LabelLink.landlord_id)
        )
    ).all()
    for label, slug in rows:
        attached[label] = (slug, "vous")
    return attached


def all_labels(session: Session, *, commune: str | None = None) -> list[Label]:
    """Every label, the unidentified first (most dwellings first), optionally only
    those with programmes in one arrondissement (or anywhere in Paris)."""
    attached = _known(session)
    found = []
    for label, rows in registry.paris_funded().items():
        if _NOT_A_LANDLORD.match(label):
            continue
        if commune is not None and commune != "75056":
            rows = [r for r in rows if r.commune == commune]
            if not rows:
                continue
        slug, by = attached.get(label, (None, None))
        found.append(
            Label(
                label=label,
                dwellings=sum(r.dwellings for r in rows),
                arrondissements=tuple(sorted({r.commune for r in rows})),
                first_year=min(r.first_year for r in rows),
                last_year=max(r.last_year for r in rows),
                landlord=slug,
                by=by,
            )
        )
    return sorted(found, key=lambda x: (x.landlord is not None, -x.dwellings, x.label))


def attach(session: Session, label: str, landlord: Landlord) -> int:
    """Attach ``label`` to ``landlord``: its funded dwellings become the landlord's
    presence facts (the user's, which ``registry sync`` never replaces). Returns the
    number of facts recorded.

    Raises:
        NotFound: no such label in the Ville de Paris list.
        Conflict: the registry already attaches it to another landlord.
    """
    funded = registry.paris_funded()
    if label not in funded:
        from bailleurs_cli import names

        near = names.suggest(validation.fold(label), [(f, [validation.fold(f)]) for f in funded])
        close = f" (proches : {', '.join(near)})" if near else ""
        raise NotFound(
            f"libellé « {label} » absent de la liste des logements financés à Paris{close} ; "
            "voir bailleurs registry labels."
        )
    for entry in registry.load():
        if label in entry.paris_labels:
            if entry.slug == landlord.slug:
                raise Conflict(f"« {label} » est déjà rattaché à {landlord.name} par le registre.")
            raise Conflict(
                f"« {label} » est rattaché à « {entry.slug} » par le registre, qui en cite "
                "la source ; il ne peut pas l'être à un autre bailleur."
            )
    assert landlord.id is not None
    source = f"{formatting.SOURCE_LABELS['paris-lsf']} (« {label} », rattaché par vous)"
    previous = session.get(LabelLink, label)
    if previous is not None:
        session.exec(delete(Presence).where(col(Presence.source) == source))
        session.delete(previous)
        session.flush()
    session.add(LabelLink(label=label, landlord_id=landlord.id))
    for row in funded[label]:
        session.add(
            Presence(
                landlord_id=landlord.id,
                commune=row.commune,
                measure=Measure.FUNDED,
                count=row.dwellings,
                source=source,
                as_of=f"{row.first_year}-{row.last_year}",
                origin=Origin.USER,
            )
        )
    touch(landlord)  # its presence changed, not its own columns
    session.add(landlord)
    return len(funded[label])
