"""``exchange edit`` and ``exchange delete``: correct what was logged."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from bailleurs_cli.cli._common import FrenchCommand, info, state, sub_app
from bailleurs_cli.formatting import pluriel

app = sub_app("Corriger un échange noté : le modifier, le supprimer, ou annuler un lot.")

IdArg = Annotated[int, typer.Argument(metavar="N°", help="Numéro de l'échange (history).")]


@app.command("edit", cls=FrenchCommand)
def edit(
    ctx: typer.Context,
    exchange_id: IdArg,
    summary: Annotated[str | None, typer.Option("--summary", help="Nouveau résumé.")] = None,
    on: Annotated[str | None, typer.Option("--date", help="Nouvelle date (passée).")] = None,
    channel: Annotated[
        str | None,
        typer.Option("--channel", help="Nouveau canal : e-mail, téléphone, rendez-vous, visio…"),
    ] = None,
    outcome: Annotated[
        str | None,
        typer.Option("--outcome", help="Nouveau résultat : positif, neutre, négatif…"),
    ] = None,
) -> None:
    """Corriger un échange (résumé, date, canal, résultat).

    La date du dernier échange du bailleur suit ; sa prochaine étape ne change pas.

    Exemple : bailleurs exchange edit 12 --summary "Appel à Mme Diallo, rappeler en janvier"
    """
    from bailleurs_cli import validation
    from bailleurs_cli.dates import parse_date
    from bailleurs_cli.errors import InvalidInput
    from bailleurs_cli.followup import corrections
    from bailleurs_cli.store.models import Channel, Outcome

    st = state(ctx)
    if summary is None and on is None and channel is None and outcome is None:
        raise InvalidInput("rien à corriger : donnez --summary, --date, --channel ou --outcome.")
    changes = corrections.Edit(
        summary=summary,
        on=parse_date(on, today=st.today, field="--date") if on else None,
        channel=validation.choice(channel, Channel, "--channel") if channel else None,
        outcome=validation.choice(outcome, Outcome, "--outcome") if outcome else None,
    )
    with st.store().write() as session:
        exchange = corrections.edit(session, exchange_id, changes, today=st.today)
        number = exchange.id
    info(f"Échange n° {number} corrigé.")


@app.command("delete", cls=FrenchCommand)
def delete(
    ctx: typer.Context,
    exchange_ids: Annotated[
        list[int] | None,
        typer.Argument(metavar="N°...", help="Numéros des échanges à supprimer."),
    ] = None,
    batch: Annotated[
        str | None,
        typer.Option("--lot", help="Tout un lot noté par letter --log (lot-AAAAMMJJ-HHMMSS)."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Ne pas demander de confirmation.")] = False,
) -> None:
    """Supprimer des échanges (ou tout un lot de courriers notés) pour de bon.

    Le dernier échange et la prochaine étape de chaque bailleur sont recalculés ;
    l'étape ne change pas (changez-la avec bailleurs stage s'il le faut).

    Exemple : bailleurs exchange delete --lot lot-20261201-103000 --yes
    """
    from bailleurs_cli.errors import InvalidInput
    from bailleurs_cli.followup import corrections

    st = state(ctx)
    if not exchange_ids and not batch:
        raise InvalidInput("donnez les numéros des échanges, ou --lot ; voir bailleurs history.")
    with st.store().read() as session:
        wanted = list(exchange_ids or [])
        if batch:
            wanted += corrections.batch(session, batch)
        for exchange_id in wanted:
            corrections.get(session, exchange_id)  # unknown numbers fail before asking
    if not yes:
        if not sys.stdin.isatty():
            raise InvalidInput(
                f"exchange delete supprime {pluriel(len(wanted), 'échange')} pour de bon : ajoutez "
                "--yes pour confirmer (hors terminal)."
            )
        if not typer.confirm(f"Supprimer {pluriel(len(wanted), 'échange')} ?", default=False):
            info("Rien n'a été modifié.")
            raise typer.Exit(1)
    with st.store().write() as session:
        undone = corrections.delete(session, wanted)
    who = ", ".join(dict.fromkeys(undone.landlords))
    deleted = pluriel(undone.exchanges, "échange supprimé", "échanges supprimés")
    info(f"{deleted} ({who}) ; dernier échange et prochaine étape recalculés.")
    for name, stage in dict.fromkeys(undone.stage_kept):
        from bailleurs_cli.formatting import stage_label

        info(
            f"{name} reste « {stage_label(stage)} » : un échange supprimé l'avait fait changer "
            "d'étape ; changez-la avec bailleurs stage si besoin."
        )
