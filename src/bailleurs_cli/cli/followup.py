"""``contact``, ``plan``, ``snooze``, ``stage``, ``history``: exchanges and next steps."""

from __future__ import annotations

from typing import Annotated

import typer

from bailleurs_cli.cli._common import JsonOpt, at_least, emit_json, info, state, table
from bailleurs_cli.cli.landlords import LandlordArg
from bailleurs_cli.formatting import long_date, stage_label


def _step(action: str | None, due: object) -> str:
    from datetime import date

    if not action:
        return "aucune prochaine étape"
    if isinstance(due, date):
        return f"{action}, le {long_date(due)}"
    return f"{action} (à planifier)"


def contact(
    ctx: typer.Context,
    landlord: LandlordArg,
    channel: Annotated[
        str,
        typer.Option(
            "--channel",
            help="Canal : e-mail, téléphone, rendez-vous, visio, courrier, visite, événement.",
        ),
    ],
    summary: Annotated[str, typer.Option("--summary", help="Ce qui s'est dit ou a été envoyé.")],
    person: Annotated[
        str | None, typer.Option("--person", help="Interlocuteur (déjà enregistré).")
    ] = None,
    outcome: Annotated[
        str | None,
        typer.Option("--outcome", help="Résultat : positif, neutre, négatif, sans réponse."),
    ] = None,
    direction: Annotated[
        str, typer.Option("--direction", help="sortant (nous) ou entrant (eux).")
    ] = "sortant",
    on: Annotated[
        str | None, typer.Option("--date", help="Date de l'échange (défaut : aujourd'hui).")
    ] = None,
    stage: Annotated[
        str | None, typer.Option("--stage", help="Nouvelle étape du bailleur après l'échange.")
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Motif, obligatoire avec --stage refus.")
    ] = None,
    next_on: Annotated[
        str | None,
        typer.Option("--next", help="Date de la prochaine étape : 15/01/2027, +10j, lundi…"),
    ] = None,
    next_action: Annotated[
        str | None, typer.Option("--next-action", help="Prochaine étape (défaut : Relancer).")
    ] = None,
) -> None:
    """Noter un échange et sa suite (sans --next : relance après le délai du canal).

    Exemple : bailleurs contact rivp --channel rdv --outcome positif --summary "Accord de
    principe" --stage proposition --next 15/01/2027 --next-action "Envoyer la convention"
    """
    from bailleurs_cli.dates import parse_date
    from bailleurs_cli.enums import Channel, Direction, Outcome, Stage
    from bailleurs_cli.followup import exchanges as core
    from bailleurs_cli.validation import choice

    st = state(ctx)
    data = core.ContactInput(
        channel=choice(channel, Channel, "channel"),
        summary=summary,
        person=person,
        direction=choice(direction, Direction, "direction"),
        outcome=choice(outcome, Outcome, "outcome") if outcome else None,
        on=parse_date(on, today=st.today, field="occurred_on") if on else None,
        stage=choice(stage, Stage, "stage") if stage else None,
        reason=reason,
        next=parse_date(next_on, today=st.today, field="next_due") if next_on else None,
        next_action=next_action,
    )
    with st.store().write() as session:
        ll, _ = core.contact(session, landlord, data, today=st.today, delays=st.settings.delays)
        name, stage_now, action, due = ll.name, ll.stage, ll.next_action, ll.next_due
    info(f"Échange noté avec {name} ({stage_label(stage_now)}). Suite : {_step(action, due)}.")


def plan(
    ctx: typer.Context,
    landlord: LandlordArg,
    when: Annotated[
        str, typer.Argument(metavar="DATE", help="Date : 2027-01-20, 20/01/2027, +10j, lundi…")
    ],
    action: Annotated[str, typer.Argument(metavar="ACTION", help="Ce qu'il faudra faire.")],
    person: Annotated[str | None, typer.Option("--person", help="Interlocuteur concerné.")] = None,
) -> None:
    """Fixer la prochaine étape d'un bailleur (remplace la précédente).

    Exemple : bailleurs plan rivp 2027-01-20 "Envoyer le bilan des ateliers d'hiver"
    """
    from bailleurs_cli.dates import parse_date
    from bailleurs_cli.followup import exchanges as core

    st = state(ctx)
    planned = parse_date(when, today=st.today, field="next_due")
    with st.store().write() as session:
        ll = core.plan(session, landlord, planned, action, person=person, today=st.today)
        name, step, due = ll.name, ll.next_action, ll.next_due
    info(f"Prochaine étape pour {name} : {_step(step, due)}.")


def snooze(
    ctx: typer.Context,
    landlord: LandlordArg,
    when: Annotated[
        str,
        typer.Argument(
            metavar="DATE", help="Nouvelle date : +7j (dans 7 jours), lundi, 15/01/2027…"
        ),
    ],
) -> None:
    """Reporter la prochaine étape d'un bailleur.

    Exemple : bailleurs snooze "plaine commune" +7j
    """
    from bailleurs_cli.followup import exchanges as core

    st = state(ctx)
    with st.store().write() as session:
        ll = core.snooze(session, landlord, when, today=st.today)
        name, step, due = ll.name, ll.next_action, ll.next_due
    info(f"Reporté pour {name} : {_step(step, due)}.")


def stage(
    ctx: typer.Context,
    landlord: LandlordArg,
    new_stage: Annotated[
        str,
        typer.Argument(
            metavar="ÉTAPE",
            help="identifié, contacté, en discussion, proposition, partenaire, en veille, refus.",
        ),
    ],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Motif (obligatoire pour refus).")
    ] = None,
) -> None:
    """Changer l'étape d'un bailleur (refus exige --reason ; identifie rouvre un dossier).

    Exemple : bailleurs stage efidis refus --reason "Pas de budget cette année"
    """
    from bailleurs_cli.enums import Channel, Stage
    from bailleurs_cli.followup import exchanges as core
    from bailleurs_cli.validation import choice

    st = state(ctx)
    target = choice(new_stage, Stage, "stage")
    with st.store().write() as session:
        ll, changed = core.set_stage(
            session,
            landlord,
            target,
            reason=reason,
            today=st.today,
            default_delay=st.settings.delay_for(Channel.EMAIL),
        )
        name, stage_now, action, due = ll.name, ll.stage, ll.next_action, ll.next_due
    if not changed:
        info(f"{name} est déjà à l'étape {stage_label(stage_now)}.")
        return
    info(f"{name} : {stage_label(stage_now)}. Suite : {_step(action, due)}.")


def history(
    ctx: typer.Context,
    landlord: LandlordArg,
    limit: Annotated[int | None, typer.Option("--limit", help="Nombre maximal d'échanges.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Lister les échanges avec un bailleur, du plus récent au plus ancien.

    Exemple : bailleurs history rivp
    """
    at_least(limit, 1, "--limit")
    from bailleurs_cli import shapes
    from bailleurs_cli.cli import render
    from bailleurs_cli.followup import lookup

    st = state(ctx)
    with st.reading() as reader:
        ll, rows = lookup.history(reader, landlord, limit=limit)
        data = [shapes.exchange_json(e, name) for e, name in rows]
        name = ll.name
    if as_json:
        emit_json(data)
        return
    if not data:
        info(f"Aucun échange noté avec {name}.")
        return
    from datetime import date

    from bailleurs_cli.formatting import CHANNEL_LABELS, OUTCOME_LABELS, short_date

    # Who logged each exchange matters in a team base: shown as soon as someone
    # other than you did.
    by_others = any(d["author"] not in (None, st.settings.author) for d in data)
    table(
        ["N°", "Date", "Canal", "Sens", "Interlocuteur", "Résumé", "Résultat", "Suite"]
        + (["Par"] if by_others else []),
        [
            [
                str(d["id"]),
                short_date(date.fromisoformat(d["date"])),
                CHANNEL_LABELS.get(d["channel"], d["channel"]),
                d["direction"],
                d["person"] or "",
                d["summary"],
                OUTCOME_LABELS.get(d["outcome"], "") if d["outcome"] else "",
                render.step_text(d["next_action"], d["next_due"]),
            ]
            + ([d["author"] or ""] if by_others else [])
            for d in data
        ],
        title=f"Échanges avec {name}",
    )
