"""``atelier add``, ``atelier list``, ``atelier resultats``: workshops and their figures."""

from __future__ import annotations

from typing import Annotated

import typer

from bailleurs_cli.cli._common import (
    FrenchCommand,
    JsonOpt,
    emit_json,
    info,
    out,
    state,
    sub_app,
    table,
)
from bailleurs_cli.cli.landlords import LandlordArg

app = sub_app("Ateliers tenus avec un bailleur et leurs résultats (le bilan en découle).")


def _date(text: str | None, option: str, today: object) -> object:
    from datetime import date

    from bailleurs_cli.dates import parse_date

    assert isinstance(today, date)
    return parse_date(text, today=today, field=option) if text else None


@app.command("add", cls=FrenchCommand)
def add(
    ctx: typer.Context,
    landlord: LandlordArg,
    site: Annotated[str, typer.Option("--site", help="Structure accueillante (centre social…).")],
    commune: Annotated[
        str, typer.Option("--commune", help="Commune (nom, « Paris 20e », code INSEE ou postal).")
    ],
    start: Annotated[str, typer.Option("--debut", help="Premier jour (2027-02-15, 15/02/2027).")],
    end: Annotated[str, typer.Option("--fin", help="Dernier jour.")],
    sessions: Annotated[int, typer.Option("--seances", help="Nombre de séances.")],
    qpv: Annotated[
        str | None, typer.Option("--qpv", help="QPV où il a lieu (code, ex. QN07520M).")
    ] = None,
    theme: Annotated[str | None, typer.Option("--theme", help="Thème des ateliers.")] = None,
    animators: Annotated[
        int | None, typer.Option("--animateurs", help="Nombre d'animateurs.")
    ] = None,
) -> None:
    """Noter un atelier tenu avec un bailleur ; affiche son numéro.

    Il est rattaché à la convention du bailleur qui couvre sa date, s'il y en a une.

    Exemple : bailleurs atelier add rivp --site "Centre social Belleville"
    --commune "Paris 20e" --debut 2027-02-15 --fin 2027-02-19 --seances 5
    """
    from datetime import date

    from bailleurs_cli.followup import workshops as core
    from bailleurs_cli.followup.landlords import resolve
    from bailleurs_cli.ground import geo
    from bailleurs_cli.ground.priority import require_qpv

    st = state(ctx)
    place = geo.resolve(commune, "--commune")
    first = _date(start, "--debut", st.today)
    last = _date(end, "--fin", st.today)
    assert isinstance(first, date) and isinstance(last, date)
    with st.store().write() as session:
        found = resolve(session, landlord)
        area = require_qpv(session, qpv) if qpv else None
        workshop = core.add(
            session,
            found,
            core.WorkshopInput(
                site=site,
                commune=place.code,
                starts_on=first,
                ends_on=last,
                sessions=sessions,
                qpv_code=area.code if area else None,
                theme=theme,
                animators=animators,
            ),
            qpv_communes=list(area.communes) if area else None,
        )
        number, name, covered = workshop.id, found.name, workshop.partnership_id
    out(str(number))
    under = " (rattaché à la convention qui couvre ses dates)" if covered else ""
    info(f"Atelier n° {number} noté pour {name}{under} ; ses résultats : bailleurs atelier "
         f"resultats {number} --participants … --locataires …")  # fmt: skip


@app.command("list", cls=FrenchCommand)
def list_workshops(
    ctx: typer.Context,
    landlord: Annotated[
        str | None, typer.Argument(metavar="BAILLEUR", help="Un bailleur (défaut : tous).")
    ] = None,
    year: Annotated[int | None, typer.Option("--annee", help="Année de début.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Lister les ateliers, avec leurs résultats et la part de locataires.

    Exemple : bailleurs atelier list rivp --annee 2027
    """
    from bailleurs_cli.followup import workshops as core
    from bailleurs_cli.followup.landlords import resolve
    from bailleurs_cli.formatting import short_date
    from bailleurs_cli.ground import geo

    with state(ctx).store().read() as session:
        found = resolve(session, landlord) if landlord else None
        rows = core.listing(session, landlord=found, year=year)
        data = [core.as_json(w, ll) for w, ll in rows]
        lines = [
            [
                str(w.id),
                ll.name,
                w.site,
                geo.display(w.commune),
                f"{short_date(w.starts_on)} – {short_date(w.ends_on)}",
                "" if w.participants is None else str(w.participants),
                core.share_sentence(core.share(w), core.target(ll))
                if w.participants is not None
                else "résultats à noter",
            ]
            for w, ll in rows
        ]
    if as_json:
        emit_json(data)
        return
    if not lines:
        info("Aucun atelier noté ; exemple : bailleurs atelier add rivp --site … --commune … "
             "--debut … --fin … --seances 5")  # fmt: skip
        return
    table(["N°", "Bailleur", "Lieu", "Commune", "Dates", "Participants", "Locataires"], lines)


@app.command("resultats", cls=FrenchCommand)
def results(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(metavar="N°", help="Numéro de l'atelier.")],
    participants: Annotated[
        int | None, typer.Option("--participants", help="Enfants accueillis.")
    ] = None,
    tenants: Annotated[
        int | None,
        typer.Option("--locataires", help="Dont enfants de familles locataires du bailleur."),
    ] = None,
    families: Annotated[int | None, typer.Option("--familles", help="Familles touchées.")] = None,
    attendance: Annotated[
        int | None, typer.Option("--assiduite", help="Assiduité, en % (0 à 100).")
    ] = None,
    children: Annotated[
        float | None,
        typer.Option("--satisfaction-enfants", help="Satisfaction des enfants (1 à 5)."),
    ] = None,
    parents: Annotated[
        float | None,
        typer.Option("--satisfaction-parents", help="Satisfaction des parents (1 à 5)."),
    ] = None,
    feedback: Annotated[
        str | None,
        typer.Option("--retour-structure", help="Retour de la structure accueillante."),
    ] = None,
    visit: Annotated[
        str | None, typer.Option("--visite-bailleur", help="Date de la visite du bailleur.")
    ] = None,
) -> None:
    """Noter les résultats d'un atelier (seules les options données changent).

    La part de locataires est calculée et comparée à la cible du bailleur.

    Exemple : bailleurs atelier resultats 12 --participants 24 --locataires 7
    --satisfaction-enfants 4.5
    """
    from datetime import date

    from bailleurs_cli.followup import workshops as core

    st = state(ctx)
    day = _date(visit, "--visite-bailleur", st.today)
    assert day is None or isinstance(day, date)
    given = core.Results(
        participants=participants,
        tenants=tenants,
        families=families,
        attendance=attendance,
        satisfaction_children=children,
        satisfaction_parents=parents,
        host_feedback=feedback,
        landlord_visit=day,
    )
    with st.store().write() as session:
        workshop = core.record_results(session, number, given)
        from bailleurs_cli.store.models import Landlord

        landlord = session.get(Landlord, workshop.landlord_id)
        assert landlord is not None
        sentence = core.share_sentence(core.share(workshop), core.target(landlord))
    info(f"Résultats de l'atelier n° {number} notés ; {sentence}.")
