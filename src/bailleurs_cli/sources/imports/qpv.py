"""``import qpv``: refresh the QPV list from ANCT's ``listeqp2024-cog2024.csv``.

The real file's quirks are handled: ``;`` separator, UTF-8 BOM, trailing empty
columns, Excel-wrapped codes (``="93066"``), several communes in one cell,
leading zeros lost by a spreadsheet, and Paris arrondissements (kept: they place
each Paris QPV in its arrondissement). Only Île-de-France QPV are kept. The file
replaces the list of the departments it covers (their QPV absent from it are
removed and reported); a file cut down to one department leaves the others alone.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from bailleurs_cli.errors import InvalidInput
from bailleurs_cli.ground import geo
from bailleurs_cli.sources.imports.core import Change, ImportReport
from bailleurs_cli.sources.imports.tabular import Progress, open_table
from bailleurs_cli.store.tables.territory import Presence, Qpv
from bailleurs_cli.validation import IDF_DEPARTEMENTS

_CODE = re.compile(r"^QN(\d{3})(\d{2})([MNI])$")
SOURCE = "ANCT, liste des quartiers prioritaires 2024 (fichier importé)"


def _communes(cell: str) -> list[str]:
    codes = []
    for part in re.split(r"[;,/\s]+", cell):
        part = part.strip().strip('="')
        if part.isdigit():
            codes.append(part.zfill(5))
    return codes


def run(
    session: Session, paths: list[Path], report: ImportReport, progress: Progress | None
) -> None:
    """Apply the ANCT file(s) to the ``qpv`` table."""
    communes = geo.communes()
    found: dict[str, Qpv] = {}
    outside = 0
    for path in paths:
        for table in open_table(path):
            report.encoding, report.delimiter = table.encoding, table.delimiter
            code_col = table.require("code_qp", "code qp", "code quartier")
            name_col = table.require("lib_qp", "lib qp", "libelle qp", "nom qp")
            commune_col = table.require("insee_com", "insee com", "code insee", "insee commune")
            epci_col = table.find("lib epci")
            for line, row in table.rows(progress):
                report.rows += 1
                code = row[code_col].strip().upper()
                match = _CODE.match(code)
                if not match:
                    report.reject(
                        line, "code QPV invalide (attendu QN + 5 chiffres + M, N ou I)", code
                    )
                    continue
                if match[1][1:] not in IDF_DEPARTEMENTS:
                    outside += 1
                    continue
                places: list[str] = []
                for raw in _communes(row[commune_col]):
                    place = geo.MERGED[raw][1] if raw in geo.MERGED else raw
                    if place not in communes:
                        report.reject(line, f"commune {raw} inconnue en Île-de-France", code)
                        places = []
                        break
                    if place not in places:
                        places.append(place)
                if not places:
                    if not report.rejected or report.rejected[-1]["line"] != line:
                        report.reject(line, "aucune commune", code)
                    continue
                if code in found:  # several rows for one QPV (one per commune)
                    found[code].communes = sorted({*found[code].communes, *places})
                    found[code].ept = _epts(found[code].communes, communes)
                    continue
                first = communes[places[0]]
                found[code] = Qpv(
                    code=code,
                    name=" ".join(row[name_col].split()),
                    departement=match[1][1:],
                    communes=sorted(places),
                    epci=(row.get(epci_col) if epci_col else None) or first.epci,
                    ept=_epts(places, communes),
                    source=SOURCE,
                )
    if not found:
        raise InvalidInput(
            f"{paths[0].name} : aucun QPV d'Île-de-France lu ; est-ce bien la liste de l'ANCT ?"
        )
    report.kept = len(found)
    report.counts["hors_idf"] = outside
    covered = sorted({q.departement for q in found.values()})
    report.counts["departements"] = len(covered)
    existing = {
        q.code: q for q in session.exec(select(Qpv).where(col(Qpv.departement).in_(covered))).all()
    }
    for code, fresh in sorted(found.items()):
        current = existing.pop(code, None)
        if current is None:
            session.add(fresh)
            report.added.append(Change(code, fresh.name, key="qpv"))
            continue
        fields = {
            key: getattr(fresh, key)
            for key in ("name", "departement", "communes", "epci", "ept")
            if getattr(current, key) != getattr(fresh, key)
        }
        if fields:
            for key, value in fields.items():
                setattr(current, key, value)
            current.source = SOURCE
            session.add(current)
            report.updated.append(Change(code, current.name, fields=fields, key="qpv"))
        else:
            report.unchanged += 1
    for stale in existing.values():
        session.delete(stale)
    report.counts["supprimes"] = len(existing)
    if existing:
        # Links the user declared (edit --qpv) are kept, but now name a removed QPV.
        linked = session.exec(
            select(Presence.id).where(col(Presence.qpv_code).in_(list(existing)))
        ).all()
        if linked:
            report.counts["liens_qpv_retires"] = len(linked)


def _epts(places: list[str], communes: dict[str, Any]) -> str | None:
    """Every EPT of a QPV's communes, as the shipped table writes them
    (« Est Ensemble;Paris Terres d'Envol »): a QPV may span two."""
    found = sorted({communes[p].ept for p in places if p in communes and communes[p].ept})
    return ";".join(found) or None
