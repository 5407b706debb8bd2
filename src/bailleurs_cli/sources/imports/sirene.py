"""``import sirene``: landlords' SIREN, legal kind and head office from SIRENE.

Accepted inputs: a CSV of legal units (``StockUniteLegale`` columns, or an export
with ``siren``, a name and ``categorieJuridiqueUniteLegale`` / ``nature_juridique``),
optionally with head-office columns (``codePostalEtablissement``…), or the JSON
answer of the API Recherche d'entreprises (``{"results": [...]}``, one page or a
list of pages). The legal kind comes from the INSEE category: OPH 7371, ESH
5546/5646, HLM cooperatives 5547/5647, SEM 5515/5615 when they rent dwellings;
SACICAP (5548/5648) are left out. Directors (``dirigeants``) are personal data:
never read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bailleurs_cli import validation
from bailleurs_cli.addresses import street_line
from bailleurs_cli.errors import InvalidInput
from bailleurs_cli.formatting import french_case
from bailleurs_cli.sources.imports import categories
from bailleurs_cli.sources.imports.core import (
    Change,
    ImportReport,
    Steps,
    add_alias,
    all_landlords,
    create,
    fill,
    long_name,
)
from bailleurs_cli.sources.imports.matching import Matcher
from bailleurs_cli.sources.imports.tabular import Progress, open_table


def _from_json(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{path.name} : JSON illisible ({exc}).") from None
    pages = data if isinstance(data, list) else [data]
    index = 0
    for page in pages:
        results = page.get("results") if isinstance(page, dict) else None
        if not isinstance(results, list):
            raise InvalidInput(
                f"{path.name} : clé « results » absente ; attendu une réponse de l'API "
                "Recherche d'entreprises."
            )
        for item in results:
            index += 1
            siege = item.get("siege") or {}
            address = " ".join(
                str(siege.get(k) or "") for k in ("numero_voie", "type_voie", "libelle_voie")
            ).strip()
            yield (
                index,
                {
                    "siren": str(item.get("siren") or ""),
                    "name": str(item.get("nom_raison_sociale") or item.get("nom_complet") or ""),
                    "sigle": str(item.get("sigle") or ""),
                    "category": str(item.get("nature_juridique") or ""),
                    "naf": str(
                        item.get("activite_principale") or siege.get("activite_principale") or ""
                    ),
                    "state": str(item.get("etat_administratif") or ""),
                    "street": address or str(siege.get("adresse") or ""),
                    "postcode": str(siege.get("code_postal") or ""),
                    "city": str(siege.get("libelle_commune") or ""),
                },
            )


def _from_csv(
    path: Path, report: ImportReport, progress: Progress | None
) -> Iterator[tuple[int, dict[str, str]]]:
    for table in open_table(path):
        report.encoding, report.delimiter = table.encoding, table.delimiter
        columns = {
            "siren": table.require("siren", "siren"),
            "name": table.require(
                "denominationUniteLegale",
                "denominationunitelegale", "nom raison sociale", "nom complet",
                "denomination", "raison sociale", "nom",
            ),
            "category": table.require(
                "categorieJuridiqueUniteLegale",
                "categoriejuridiqueunitelegale", "nature juridique", "categorie juridique",
            ),
        }  # fmt: skip
        optional = {
            "sigle": table.find("sigleunitelegale", "sigle"),
            "naf": table.find("activiteprincipaleunitelegale", "activite principale", "naf"),
            "state": table.find("etatadministratifunitelegale", "etat administratif"),
            "number": table.find("numerovoieetablissement"),
            "way": table.find("typevoieetablissement"),
            "street": table.find("libellevoieetablissement", "adresse"),
            "postcode": table.find("codepostaletablissement", "code postal"),
            "city": table.find("libellecommuneetablissement", "libelle commune", "commune"),
        }
        for line, row in table.rows(progress):
            values = {k: row.get(c, "") for k, c in columns.items()}
            values.update({k: row.get(c, "") if c else "" for k, c in optional.items()})
            values["street"] = " ".join(
                v for v in (values.pop("number"), values.pop("way"), values["street"]) if v
            )
            yield line, values


def run(
    session: Session,
    paths: list[Path],
    report: ImportReport,
    progress: Progress | None,
    *,
    today: date,
    steps: Steps | None = None,
) -> None:
    """Match each landlord of the file; complete, or add, the landlords of the store.

    With ``steps``, the work is committed every few hundred rows.
    """
    matcher = Matcher(all_landlords(session))
    seen: set[str] = set()
    for line, row in read(paths, report, progress):
        if steps is not None and not steps.take():
            continue
        report.rows += 1
        _apply(session, matcher, row, line, report, seen, today=today)
        if steps is not None:
            steps.done(line)


def read(
    paths: list[Path], report: ImportReport, progress: Progress | None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Each organisation of the file(s), as ``(line, values)``."""
    for path in paths:
        if path.suffix.lower() == ".json":
            yield from _from_json(path)
        else:
            yield from _from_csv(path, report, progress)


def _apply(
    session: Session,
    matcher: Matcher,
    row: dict[str, str],
    line: int,
    report: ImportReport,
    seen: set[str],
    *,
    today: date,
) -> None:
    raw = row["siren"].replace(" ", "")
    try:
        siren = validation.siren(raw.zfill(9) if raw.isdigit() else raw)
    except InvalidInput:
        report.reject(line, "SIREN invalide (9 chiffres, clé de Luhn)", row["siren"])
        return
    if siren in seen:
        report.reject(line, "SIREN en double dans le fichier", siren)
        return
    seen.add(siren)
    name = " ".join(row["name"].split())
    if row.get("state", "").upper() == "C":
        report.reject(line, "unité légale cessée", siren)
        return
    too_long = long_name(name)
    if too_long is not None:
        report.reject(line, too_long, siren)
        return
    kind, label = categories.classify(row["category"], name, row.get("naf"))
    if kind is None:
        report.reject(line, label, siren)
        return
    report.kept += 1
    code = row["category"].strip().zfill(4)
    values: dict[str, Any] = {
        "siren": siren,
        "kind": kind,
        "legal_category": code,
        "legal_form": label,
    }
    postcode = row.get("postcode", "").strip()
    if postcode.isdigit() and len(postcode) == 5 and row.get("street"):
        address = {
            "street": _street(row["street"], postcode, row["city"]),
            "postcode": postcode,
            "city": french_case(" ".join(row["city"].split())),
        }
    else:
        address = {}
    match = matcher.find(siren, name, row.get("sigle", ""))
    if match.landlord is None:
        if match.near is not None:
            report.near(line, name, match.near, match.near_score)
        landlord = create(
            session,
            french_case(name),  # the register's capitals, when nothing better is known
            {**values, **address, "to_verify": False},
            today=today,
            why="import SIRENE",
        )
        if row.get("sigle"):
            add_alias(landlord, row["sigle"])
        matcher.add(landlord)
        report.added.append(Change(landlord.slug, landlord.name, fields={**values, **address}))
        return
    landlord = match.landlord
    changed = fill(landlord, values, report, line=line)
    if landlord.siren == siren and landlord.to_verify and landlord.kind == kind:
        landlord.to_verify = False
        changed["to_verify"] = False
    if not landlord.street and address:
        changed.update(fill(landlord, address, report, line=line))
    for alias in (name, row.get("sigle", "")):
        if alias and add_alias(landlord, alias):
            changed.setdefault("aliases", []).append(alias)
    matcher.add(landlord)  # its new SIREN and aliases match the next rows
    report.matched(session, landlord, match, changed)


def _street(street: str, postcode: str, city: str) -> str:
    """The street line alone: the API's full ``adresse`` (« 2 RUE HECTOR BERLIOZ 93000
    BOBIGNY ») repeats the postcode and city that have their own fields."""
    line = " ".join(street.split())
    alone = street_line(line, postcode, " ".join(city.split()))
    if alone != line:
        line = alone or ""
    elif f" {postcode} " in f" {line} ":
        line = line[: f" {line} ".index(f" {postcode} ") - 1]
    return french_case(line.strip(" ,"))
