"""``config`` and ``config set``: the association's identity and the settings."""

from __future__ import annotations

from typing import Annotated

import typer

from bailleurs_cli.cli._common import FrenchCommand, info, out, sub_app, table

app = sub_app(
    "Voir et régler la configuration (identité de l'association, SMTP, suivi).",
    invoke_without_command=True,
    no_args_is_help=False,
)


@app.callback()
def show(ctx: typer.Context) -> None:
    """Afficher la configuration : chaque clé, sa valeur et son sens.

    Exemple : bailleurs config
    """
    if ctx.invoked_subcommand is not None:
        return
    from bailleurs_cli import settings_edit

    out(f"# {settings_edit.config_path()}")
    table(["Clé", "Valeur", "Sens"], [list(row) for row in settings_edit.shown_values()])


@app.command("set", cls=FrenchCommand)
def set_key(
    key: Annotated[str, typer.Argument(metavar="CLÉ", help="Clé, par exemple association.nom.")],
    value: Annotated[str, typer.Argument(metavar="VALEUR", help="Valeur.")],
) -> None:
    """Régler une clé de la configuration.

    Exemple : bailleurs config set association.nom "Les Ateliers Amasco"
    """
    from bailleurs_cli import settings_edit

    stored = settings_edit.set_value(key, value)
    info(f"{key} = {stored}")
