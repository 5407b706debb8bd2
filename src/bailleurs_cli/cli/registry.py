"""``registry sync`` and ``registry check``: the shipped registry of landlords."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bailleurs_cli.cli._common import FrenchCommand, info, out, state, sub_app

app = sub_app("Registre des bailleurs livré avec bailleurs.")

FileOpt = Annotated[
    Path | None,
    typer.Option(
        "--file", help="Autre fichier de registre (défaut : celui livré).", dir_okay=False
    ),
]


@app.command("sync", cls=FrenchCommand)
def sync(ctx: typer.Context, file: FileOpt = None) -> None:
    """Ré-appliquer les faits du registre sans toucher à vos données.

    Étape, notes, prochaines étapes, interlocuteurs, échanges et bailleurs ajoutés
    par vous restent tels quels.

    Exemple : bailleurs registry sync
    """
    from bailleurs_cli import registry as core

    st = state(ctx)
    entries = core.load(file)
    with (
        st.backup_before("avant-sync", "la synchronisation du registre"),
        st.store().write() as session,
    ):
        report = core.apply(session, entries, today=st.today)
    info(
        f"Registre appliqué : {len(report.added)} ajouté(s), {len(report.updated)} mis à jour, "
        f"{len(report.unchanged)} inchangé(s)."
    )
    for slug in report.skipped:
        info(f"Ignoré : « {slug} » existe déjà comme bailleur ajouté par vous.")


@app.command("check", cls=FrenchCommand)
def check(file: FileOpt = None) -> None:
    """Valider un fichier de registre sans rien écrire.

    Exemple : bailleurs registry check --file mon-registre.yaml
    """
    from bailleurs_cli import registry as core

    entries = core.load(file)
    out(f"{len(entries)} bailleurs valides dans {(file or core.shipped_path()).name}.")
