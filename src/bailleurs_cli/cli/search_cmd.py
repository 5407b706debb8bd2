"""``search``: find anything in the store."""

from __future__ import annotations

from typing import Annotated

import typer

from bailleurs_cli.cli._common import JsonOpt, at_least, emit_json, info, state, table


def search(
    ctx: typer.Context,
    words: Annotated[list[str], typer.Argument(metavar="TEXTE...", help="Mots à chercher.")],
    limit: Annotated[
        int, typer.Option("--limit", metavar="N", help="Nombre maximal de résultats (50).")
    ] = 50,
    as_json: JsonOpt = False,
) -> None:
    """Chercher bailleurs, interlocuteurs, échanges, prochaines étapes et notes.

    Sans tenir compte des majuscules ni des accents ; chaque mot doit figurer.
    Chaque résultat donne la commande qui l'ouvre.

    Exemple : bailleurs search diallo plaquette
    """
    from bailleurs_cli.followup.search import KINDS, excerpt
    from bailleurs_cli.followup.search import search as core
    from bailleurs_cli.formatting import short_date

    at_least(limit, 1, "--limit")
    with state(ctx).store().read() as session:
        hits = core(session, " ".join(words), limit=limit)
    if as_json:
        emit_json([h.as_json() for h in hits])
        return
    if not hits:
        info(f"Rien trouvé pour « {' '.join(words)} ».")
        return
    table(
        ["Quoi", "Bailleur", "Date", "Texte", "Pour l'ouvrir"],
        [
            [
                KINDS[h.kind],
                h.landlord_name,
                short_date(h.when) if h.when else "",
                excerpt(h.text),
                h.command,
            ]
            for h in hits
        ],
    )
