"""``import locaux-personnes-morales``: where landlords own premises, from the DGFiP files.

The DGFiP publishes, per department and year, the premises (*locaux*) owned by
legal persons: one row per local with the commune, the owner's SIREN, its
"groupe personne", its legal form (INSEE code) and name. Rows of social
landlords are kept (legal category of a landlord, groupe personne 5 « office
HLM », or a SIREN the store knows), then counted per SIREN and commune: that
count is the landlord's presence there (``locaux``: dwellings but also parking
spaces and cellars, so a relative weight, not a number of homes).

Re-importing a department replaces the counts of that department. Only legal
persons are in these files; no personal data is read.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from pathlib import Path

from sqlalchemy import delete, insert
from sqlmodel import Session, col

from bailleurs_cli import validation
from bailleurs_cli.enums import LegalKind, Measure, Origin
from bailleurs_cli.errors import InvalidInput
from bailleurs_cli.ground import geo
from bailleurs_cli.sources.imports import categories
from bailleurs_cli.sources.imports.core import (
    Change,
    ImportReport,
    add_alias,
    all_landlords,
    create,
    fill,
    long_name,
)
from bailleurs_cli.sources.imports.matching import Matcher
from bailleurs_cli.sources.imports.tabular import Progress, open_table
from bailleurs_cli.store.tables.territory import Presence

SOURCE = "DGFiP, locaux des personnes morales"
HLM_GROUP = "5"


def _year(path: Path) -> str | None:
    found = re.findall(r"20\d\d", path.name)
    return found[-1] if found else None


def run(
    session: Session,
    paths: list[Path],
    report: ImportReport,
    progress: Progress | None,
    *,
    today: date,
) -> None:
    """Count the landlords' premises per commune and store them as presence."""
    matcher = Matcher(all_landlords(session))
    communes = geo.communes()
    counts: dict[tuple[str, str], int] = defaultdict(int)
    owners: dict[str, tuple[str, str, int]] = {}  # siren → (name, category, first line)
    departements: set[str] = set()
    years: set[str] = set()
    unknown_communes: set[str] = set()
    for path in paths:
        if (year := _year(path)) is not None:
            years.add(year)
        for table in open_table(path):
            report.encoding, report.delimiter = table.encoding, table.delimiter
            dep_col = table.require("Département", "departement", prefix=True)
            com_col = table.require("Code Commune", "code commune", prefix=True)
            siren_col = table.require("N° SIREN", "n siren", "siren", prefix=True)
            group_col = table.require("Groupe personne", "groupe personne", prefix=True)
            name_col = table.require("Dénomination", "denomination", prefix=True)
            form_col = table.find("forme juridique", prefix=False) or table.find(
                "forme juridique p", prefix=True
            )
            for line, row in table.rows(progress):
                report.rows += 1
                siren = row[siren_col].replace(" ", "")
                if not siren:
                    continue  # a local without a SIREN: not an organisation we can follow
                name = " ".join(row[name_col].split())
                code = row.get(form_col, "") if form_col else ""
                known = siren in matcher.by_siren
                kind, _ = categories.classify(code, name)
                if not (known or kind or row[group_col].strip() == HLM_GROUP):
                    continue
                departement = row[dep_col].strip().zfill(2)
                if departement not in validation.IDF_DEPARTEMENTS:
                    report.reject(line, "département hors Île-de-France", departement)
                    continue
                insee = departement + row[com_col].strip().zfill(3)
                insee = geo.MERGED[insee][1] if insee in geo.MERGED else insee
                if insee not in communes:
                    unknown_communes.add(insee)
                    report.reject(line, f"commune {insee} inconnue", siren)
                    continue
                if siren not in owners:
                    if not re.fullmatch(r"\d{9}", siren):
                        report.reject(line, "SIREN invalide", siren)
                        continue
                    too_long = long_name(name)
                    if too_long is not None:
                        report.reject(line, too_long, siren)
                        continue
                    owners[siren] = (name, code, line)
                departements.add(departement)
                counts[(siren, insee)] += 1
                report.kept += 1
    if report.rows == 0:
        raise InvalidInput(f"{paths[0].name} : aucune ligne lue ; le fichier est-il vide ?")
    as_of = ", ".join(sorted(years)) or today.isoformat()
    # Replace this source's counts for the departments the files cover.
    for departement in departements:
        session.execute(
            delete(Presence).where(
                col(Presence.source) == SOURCE,
                col(Presence.commune).startswith(departement),
            )
        )
    per_owner: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (siren, insee), number in counts.items():
        per_owner[siren].append((insee, number))
    rows: list[dict[str, object]] = []
    for siren, (name, code, line) in sorted(owners.items()):
        kind, label = categories.classify(code, name)
        values = {"siren": siren, "kind": kind or LegalKind.UNKNOWN}
        if kind:
            values.update({"legal_category": code.strip().zfill(4), "legal_form": label})
        match = matcher.find(siren, name)
        if match.landlord is None:
            if match.near is not None:
                report.near(line, name, match.near, match.near_score)
            landlord = create(
                session, name, {**values, "to_verify": True}, today=today, why="import DGFiP"
            )
            matcher.add(landlord)
            report.added.append(Change(landlord.slug, landlord.name, fields=values))
        else:
            landlord = match.landlord
            changed = fill(landlord, {"siren": siren}, report, line=line)
            if add_alias(landlord, name):
                changed["aliases"] = [name]
            report.matched(session, landlord, match, changed)
        assert landlord.id is not None
        rows.extend(
            {
                "landlord_id": landlord.id,
                "commune": insee,
                "qpv_code": None,
                "measure": Measure.PREMISES,
                "count": number,
                "source": SOURCE,
                "as_of": as_of,
                "origin": Origin.IMPORT,
            }
            for insee, number in sorted(per_owner[siren])
        )
    session.flush()
    if rows:  # one multi-row INSERT, not one ORM object per count
        session.execute(insert(Presence), rows)
    report.counts.update(
        {
            "proprietaires": len(owners),
            "communes": len({insee for _, insee in counts}),
            "locaux": sum(counts.values()),
            "communes_inconnues": len(unknown_communes),
        }
    )
