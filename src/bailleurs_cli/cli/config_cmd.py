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
    """Afficher la configuration : chaque clé, sa valeur (ou sa valeur par défaut) et son sens.

    Exemple : bailleurs config
    """
    if ctx.invoked_subcommand is not None:
        return
    from bailleurs_cli.settings import edit

    rows = edit.shown_values()  # a wrong file: one line on stderr, nothing on stdout
    out(f"# {edit.config_path()}")
    table(["Clé", "Valeur", "Sens"], [list(row) for row in rows])


@app.command("set", cls=FrenchCommand)
def set_key(
    key: Annotated[str, typer.Argument(metavar="CLÉ", help="Clé, par exemple association.nom.")],
    value: Annotated[str, typer.Argument(metavar="VALEUR", help="Valeur.")],
) -> None:
    """Régler une clé de la configuration.

    Exemple : bailleurs config set association.nom "Les Ateliers Amasco"
    """
    from bailleurs_cli.settings import edit

    stored = edit.set_value(key, value)
    info(f"{key} = {edit.shown(key, stored)}")


@app.command("territoires", cls=FrenchCommand)
def territories(
    commune: Annotated[
        list[str] | None,
        typer.Option(
            "--commune",
            help="Commune où l'association intervient : nom, « Paris 20e », code INSEE ou "
            "postal (répétable).",
        ),
    ] = None,
    departement: Annotated[
        list[str] | None,
        typer.Option("--departement", help="Département où elle intervient (répétable)."),
    ] = None,
) -> None:
    """Dire où l'association intervient : la priorité des bailleurs en découle.

    Remplace les territoires déjà réglés. Sans option, affiche ceux en place.

    Exemple : bailleurs config territoires --commune "Saint-Denis" --departement 93
    """
    from bailleurs_cli.ground import geo
    from bailleurs_cli.settings import edit
    from bailleurs_cli.settings.config import load_settings

    if not commune and not departement:
        current = load_settings().territories
        if not current.configured:
            info("Aucun territoire réglé ; exemple : bailleurs config territoires --commune "
                 "\"Saint-Denis\" --departement 93")  # fmt: skip
            return
        out("Communes : " + (", ".join(geo.display(c) for c in current.communes) or "aucune"))
        out("Départements : " + (", ".join(current.departements) or "aucun"))
        return
    codes, departements = edit.set_territories(commune or [], departement or [])
    shown = ", ".join(f"{geo.display(c)} [{c}]" for c in codes) or "aucune"
    departments = ", ".join(departements) or "aucun"
    info(f"Territoires enregistrés : communes {shown} ; départements {departments}.")
