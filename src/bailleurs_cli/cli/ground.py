"""``territoire`` and ``qpv``: know the ground where the association works."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from bailleurs_cli.cli._common import (
    DepartementFilterOpt,
    JsonOpt,
    emit_json,
    info,
    out,
    state,
    table,
)
from bailleurs_cli.formatting import number, short_date, stage_label

if TYPE_CHECKING:
    from bailleurs_cli.ground.territory import CommuneReport, PresentLandlord


def _landlord_json(present: PresentLandlord) -> dict[str, Any]:
    from bailleurs_cli.ground.priority import presence_json
    from bailleurs_cli.shapes import landlord_json

    return {
        **landlord_json(present.landlord, ("landlord", "name", "kind", "stage", "last_exchange")),
        "link": "qpv" if present.linked_qpv else "commune",
        "presence": [presence_json(p) for p in present.facts],
    }


def _report_json(report: CommuneReport) -> dict[str, Any]:
    from bailleurs_cli.addresses import one_line_of
    from bailleurs_cli.ground.territory import qpv_json
    from bailleurs_cli.shapes import exchange_json

    commune = report.commune
    hall = report.town_hall
    return {
        "commune": {
            "code": commune.code,
            "name": commune.name,
            "label": commune.label,
            "departement": commune.departement,
            "postcodes": list(commune.postcodes),
            "population": commune.population,
            "epci": commune.epci,
            "ept": commune.ept,
        },
        "in_territories": report.in_territories,
        "qpv": [qpv_json(q) for q in report.qpv],
        "qpv_paris_wide": report.paris_wide,
        "town_hall": None
        if hall is None
        else {
            "address": hall.address,
            "phone": hall.phone,
            "email": hall.email,
            "website": hall.website,
        },
        "landlords": [_landlord_json(p) for p in report.landlords],
        "head_offices": [
            {"landlord": ll.slug, "name": ll.name, "address": one_line_of(ll)}
            for ll in report.head_offices
        ],
        "exchanges": [
            {"landlord_name": name, **exchange_json(e, None)} for e, name in report.exchanges
        ],
    }


def _evidence(present: PresentLandlord) -> str:
    from bailleurs_cli.formatting import MEASURE_LABELS

    bits = []
    for fact in present.facts[:3]:
        if fact.count is not None:
            bits.append(f"{number(fact.count)} {MEASURE_LABELS.get(fact.measure, fact.measure)}")
        else:
            bits.append(MEASURE_LABELS.get(fact.measure, fact.measure))
    return " ; ".join(dict.fromkeys(bits)) + (" ; …" if len(present.facts) > 3 else "")


def territoire(
    ctx: typer.Context,
    commune: Annotated[
        str,
        typer.Argument(
            metavar="COMMUNE", help="Nom (« Saint-Denis », « Paris 20e »), code INSEE ou postal."
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Montrer une commune : ses QPV, les bailleurs présents, la mairie, nos échanges.

    La mairie (service politique de la ville) est souvent la première porte vers
    les bailleurs d'une commune.

    Exemple : bailleurs territoire "Saint-Denis"
    """
    from bailleurs_cli.ground.territory import commune_report
    from bailleurs_cli.sources.labels import all_labels

    st = state(ctx)
    with st.store().read() as session:
        report = commune_report(session, commune, st.settings.territories)
        code = report.commune.code
        unknown = (
            [x for x in all_labels(session, commune=code) if x.landlord is None]
            if code.startswith("751")
            else []
        )
        if as_json:
            emit_json(
                {
                    **_report_json(report),
                    "labels_to_identify": [
                        {"label": x.label, "dwellings": x.dwellings} for x in unknown
                    ],
                }
            )
            return
        _print_report(report)
    if unknown:
        out(f"Libellés à identifier ({len(unknown)}), logements financés par la Ville de Paris :")
        for x in unknown[:10]:
            out(f"  - {x.label} : {number(x.dwellings)} logements ({x.first_year}-{x.last_year})")
        if len(unknown) > 10:
            out(f"  … et {len(unknown) - 10} autres (bailleurs registry labels --commune …)")


def _print_report(report: CommuneReport) -> None:
    from bailleurs_cli.addresses import one_line_of
    from bailleurs_cli.cli.render import exchange_line

    c = report.commune
    out(f"{c.label} — code INSEE {c.code}")
    if c.population:
        out(f"  Population : {number(c.population)} habitants")
    for label, value in (("EPT", c.ept), ("EPCI", c.epci)):
        if value:
            out(f"  {label} : {value}")
    if not report.in_territories:
        out("  Hors de vos territoires (bailleurs config territoires).")
    if report.qpv:
        note = " (tout Paris : la liste ne place pas ses QPV par arrondissement)"
        out(f"QPV ({len(report.qpv)}){note if report.paris_wide else ''} :")
        for qpv in report.qpv:
            out(f"  - {qpv.code} {qpv.name}")
    else:
        out("QPV : aucun")
    hall = report.town_hall
    if hall is not None and any((hall.address, hall.phone, hall.email)):
        out("Mairie (politique de la ville) :")
        for value in (hall.address, hall.phone, hall.email, hall.website):
            if value:
                out(f"  {value}")
    if report.landlords:
        out(f"Bailleurs présents ({len(report.landlords)}) :")
        for present in report.landlords:
            ll = present.landlord
            last = (
                f", dernier échange le {short_date(ll.last_exchange_on)}"
                if ll.last_exchange_on
                else ""
            )
            out(f"  - {ll.name} ({ll.slug}) — {stage_label(ll.stage)}{last} — {_evidence(present)}")
    else:
        out("Bailleurs présents : aucun connu (bailleurs import locaux-personnes-morales …)")
    if report.head_offices:
        out(f"Sièges de bailleurs dans la commune ({len(report.head_offices)}) :")
        for ll in report.head_offices:
            out(f"  - {ll.name} ({ll.slug}) — {one_line_of(ll)}")
    if report.exchanges:
        out("Derniers échanges avec ces bailleurs :")
        for exchange, name in report.exchanges:
            out(f"  - {name} : {exchange_line(exchange, None)}")


def qpv(
    ctx: typer.Context,
    departement: DepartementFilterOpt = None,
    commune: Annotated[
        str | None, typer.Option("--commune", help="Commune (nom, code INSEE ou postal).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Lister les quartiers prioritaires (QPV 2024) avec les bailleurs connus sur place.

    « lien qpv » : la source rattache le bailleur au quartier ; sinon il est
    seulement présent dans la commune du quartier.

    Exemple : bailleurs qpv --departement 93
    """
    from bailleurs_cli.ground.geo import display
    from bailleurs_cli.ground.territory import qpv_json, qpv_listing

    with state(ctx).store().read() as session:
        listing = qpv_listing(session, departement=departement, commune=commune)
        rows = [
            {**qpv_json(q), "landlords": [_landlord_json(p) for p in present]}
            for q, present in listing
        ]
    if as_json:
        emit_json(rows)
        return
    if not rows:
        info("Aucun QPV ne correspond à ces critères.")
        return
    table(
        ["Code", "Quartier", "Communes", "Bailleurs connus"],
        [
            [
                r["code"],
                r["name"],
                ", ".join(display(c) for c in r["communes"]),
                ", ".join(
                    b["name"] + (" (lien qpv)" if b["link"] == "qpv" else "")
                    for b in r["landlords"][:4]
                )
                + (f" … (+{len(r['landlords']) - 4})" if len(r["landlords"]) > 4 else ""),
            ]
            for r in rows
        ],
    )
    info(f"{len(rows)} QPV.")
