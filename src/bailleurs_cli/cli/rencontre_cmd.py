"""``rencontre``: invitations to the yearly meeting of landlords and associations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bailleurs_cli.cli._common import info, out, state


def rencontre(
    ctx: typer.Context,
    on: Annotated[str, typer.Option("--date", help="Jour de la rencontre (2027-06-15).")],
    lieu: Annotated[str, typer.Option("--lieu", help="Où elle a lieu (adresse, salle).")],
    objet: Annotated[str, typer.Option("--objet", help="Son intitulé.")],
    heure: Annotated[
        str | None,
        typer.Option("--heure", help="Heure de début (14h30) ; sans elle, toute la journée."),
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Dossier où écrire (défaut : ./invitations).")
    ] = None,
    log: Annotated[
        bool,
        typer.Option(
            "--log", help="Noter chaque invitation à un bailleur comme échange, à confirmer."
        ),
    ] = False,
    pdf: Annotated[
        bool,
        typer.Option("--pdf", help="Produire aussi les PDF (LibreOffice, en un seul passage)."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Remplacer les fichiers existants.")
    ] = False,
) -> None:
    """Inviter les bailleurs partenaires et les associations alliées à la rencontre annuelle.

    Écrit une invitation par bailleur à l'étape partenaire et par association alliée,
    et le fichier .ics de la rencontre, à importer dans un agenda.

    Exemple : bailleurs rencontre --date 2027-06-15 --heure 14h30 --lieu "Maison des
    associations, Montreuil" --objet "Rencontre annuelle bailleurs et associations" --log
    """
    from bailleurs_cli.documents import meeting

    st = state(ctx)
    request = meeting.MeetingRequest(
        on=on,
        place=lieu,
        subject=objet,
        time=heure,
        out_dir=out_dir or Path("invitations"),
        log=log,
        pdf=pdf,
        force=force,
    )
    report = meeting.send(st.store(), request, settings=st.settings, today=st.today)
    if not report.written:
        info(
            "Personne à inviter : aucun bailleur à l'étape partenaire ni aucune association "
            "alliée (bailleurs allie add) ; rien n'a été écrit."
        )
        return
    for invitation in report.written:
        out(str(invitation.target))
    for made in report.pdfs:
        out(str(made))
    if report.calendar is not None:
        out(str(report.calendar))
    from bailleurs_cli.formatting import pluriel

    landlords = sum(1 for i in report.written if i.landlord)
    guests = [
        pluriel(
            landlords, "bailleur partenaire", "bailleurs partenaires",
            zero="aucun bailleur partenaire",
        )
    ]  # fmt: skip
    allies = len(report.written) - landlords
    guests.append(
        pluriel(
            allies, "association alliée", "associations alliées",
            zero="aucune association alliée",
        )
    )  # fmt: skip
    shown = report.calendar.name if report.calendar else ""
    info(f"Invitations écrites : {', '.join(guests)} ; agenda de la rencontre : {shown}.")
    if report.logged:
        noted = pluriel(report.logged, "invitation notée", "invitations notées")
        whose = "sa" if report.logged == 1 else "leur"
        info(
            f"{noted} dans l'historique des bailleurs ; suite : confirmer {whose} venue une "
            "semaine avant."
        )
