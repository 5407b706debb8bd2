"""``next``: what to do, for whom, by when, and why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bailleurs_cli.cli._common import JsonOpt, at_least, emit_json, info, state, table
from bailleurs_cli.formatting import lateness, long_date, short_date, stage_label

if TYPE_CHECKING:
    from bailleurs_cli.followup.scheduling import NextItem


def _why(item: NextItem) -> str:
    from bailleurs_cli.enums import Reason
    from bailleurs_cli.formatting import REASON_LABELS

    if item.reason == Reason.STALE:
        if item.silent_days is None:
            return "sans nouvelles : aucun échange noté"
        return f"sans nouvelles depuis {item.silent_days} j"
    if item.reason == Reason.REMINDER:
        return f"rappel, {lateness(item.days_late or 0)}"
    if item.reason in (Reason.OVERDUE, Reason.TODAY, Reason.SOON, Reason.LATER):
        return lateness(item.days_late or 0)
    if item.priority is not None:
        return f"{REASON_LABELS[item.reason]}, priorité {item.priority}"
    return REASON_LABELS[item.reason]


def next_steps(
    ctx: typer.Context,
    days: Annotated[
        int | None,
        typer.Option("--days", help="Horizon en jours des étapes à venir (défaut : 7)."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Nombre de lignes.")] = 20,
    everything: Annotated[
        bool, typer.Option("--all", help="Toutes les étapes ouvertes, sans limite ni horizon.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Dire quoi faire ensuite : retards, échéances, bailleurs jamais contactés, silences.

    Les bailleurs jamais contactés sont classés par priorité sur vos territoires
    (bailleurs config territoires) : présence dans vos communes et leurs QPV.

    Exemple : bailleurs next --days 14
    """
    from bailleurs_cli.followup.scheduling import next_items

    at_least(days, 0, "--days")
    at_least(limit, 1, "--limit")
    st = state(ctx)
    settings = st.settings
    horizon = settings.horizon_days if days is None else days
    with st.reading() as reader:
        items = next_items(
            reader,
            today=st.today,
            days=horizon,
            stale_after_days=settings.stale_after_days,
            everything=everything,
            territories=settings.territories,
        )
    total = len(items)
    if not everything:
        items = items[:limit]
    if as_json:
        emit_json([item.as_json() for item in items])
        return
    if not items:
        info("Rien à faire pour l'instant : aucune étape due ni bailleur en attente.")
        return
    headers = ["Bailleur", "Interlocuteur", "Action", "Échéance", "Pourquoi", "Étape"]
    rows = [
        [
            item.name,
            item.person or "",
            item.action or "",
            long_date(item.due) if item.due else "à planifier",
            _why(item),
            f"{stage_label(item.stage)} depuis le {short_date(item.stage_since)}"
            if item.stage and item.stage_since
            else "—",
        ]
        for item in items
    ]
    shown = [i for i in range(len(headers)) if any(row[i] for row in rows)]  # no empty column
    table([headers[i] for i in shown], [[row[i] for i in shown] for row in rows])
    if total > len(items):
        info(f"… et {total - len(items)} autres (--limit, ou --all pour tout voir).")
    if not settings.territories.configured:
        info(
            "Astuce : dites où l'association intervient pour classer les bailleurs par leur "
            "présence sur vos communes et leurs QPV : bailleurs config territoires --commune "
            '"Saint-Denis" --departement 93'
            + (
                ' ; et qui elle est : bailleurs config set association.nom "…"'
                if not settings.association.get("nom")
                else ""
            )
            + "."
        )
