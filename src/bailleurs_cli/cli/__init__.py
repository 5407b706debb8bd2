"""The ``bailleurs`` command: a thin Typer layer over the core modules."""

from __future__ import annotations

from typing import Annotated

import typer

from bailleurs_cli import __version__
from bailleurs_cli.cli import (
    config_cmd,
    documents,
    export_cmd,
    followup,
    ground,
    imports,
    landlords,
    next_cmd,
    people,
    registry,
    reminders,
)
from bailleurs_cli.cli._common import BoundaryGroup, FrenchCommand, State

app = typer.Typer(
    cls=BoundaryGroup,
    name="bailleurs",
    help=(
        "Prospection et suivi des partenariats avec les bailleurs sociaux d'Île-de-France : "
        "registre, interlocuteurs, échanges et prochaines étapes."
    ),
    no_args_is_help=True,
    add_completion=False,
    # Plain Click help and plain tracebacks: Typer's Rich help pulls in
    # rich.markdown and rich.traceback (about 110 ms, half of `--help`).
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"bailleurs {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="BAILLEURS_DB",
            metavar="CHEMIN|URL",
            help="Base à utiliser : chemin d'un fichier SQLite ou URL postgresql://…",
            show_envvar=True,
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Afficher la trace complète des erreurs.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Afficher la version et quitter."
        ),
    ] = False,
) -> None:
    """Prospection et suivi des bailleurs sociaux d'Île-de-France."""
    del version
    ctx.obj = State(db=db, debug=debug)
    ctx.call_on_close(ctx.obj.close)


app.command("list", cls=FrenchCommand)(landlords.list_landlords)
app.command("show", cls=FrenchCommand)(landlords.show)
app.command("add", cls=FrenchCommand)(landlords.add)
app.command("edit", cls=FrenchCommand)(landlords.edit)
app.command("contact", cls=FrenchCommand)(followup.contact)
app.command("plan", cls=FrenchCommand)(followup.plan)
app.command("snooze", cls=FrenchCommand)(followup.snooze)
app.command("stage", cls=FrenchCommand)(followup.stage)
app.command("history", cls=FrenchCommand)(followup.history)
app.command("next", cls=FrenchCommand)(next_cmd.next_steps)
app.command("territoire", cls=FrenchCommand)(ground.territoire)
app.command("qpv", cls=FrenchCommand)(ground.qpv)
app.command("export", cls=FrenchCommand)(export_cmd.export)
app.command("letter", cls=FrenchCommand)(documents.letter)
app.command("convention", cls=FrenchCommand)(documents.convention)
app.command("digest", cls=FrenchCommand)(reminders.digest)
app.command("cron", cls=FrenchCommand)(reminders.cron)
app.command("agenda", cls=FrenchCommand)(reminders.agenda)
app.add_typer(reminders.remind_app, name="remind")
app.add_typer(documents.templates_app, name="templates")
app.add_typer(config_cmd.app, name="config")
app.add_typer(people.app, name="person")
app.add_typer(registry.app, name="registry")
app.add_typer(imports.app, name="import")


def main() -> None:
    """Console-script and ``python -m`` entry point."""
    app(prog_name="bailleurs")
