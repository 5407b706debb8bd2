"""The ``bailleurs`` command: a thin Typer layer over the core modules."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

import typer

from bailleurs_cli import __version__
from bailleurs_cli.cli._common import BoundaryGroup, FrenchCommand, State

_SETTINGS: dict[str, Any] = dict(  # noqa: C408
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


#: Every command and command group: name → "module:attribute" in ``bailleurs_cli.cli``.
#: The order is --help's. A command is a function, a group a Typer sub-application.
REGISTRY: dict[str, str] = {
    "list": "landlords:list_landlords",
    "show": "landlords:show",
    "add": "landlords:add",
    "edit": "landlords:edit",
    "contact": "followup:contact",
    "plan": "followup:plan",
    "snooze": "followup:snooze",
    "stage": "followup:stage",
    "history": "followup:history",
    "next": "next_cmd:next_steps",
    "search": "search_cmd:search",
    "territoire": "ground:territoire",
    "qpv": "ground:qpv",
    "export": "export_cmd:export",
    "backup": "backup_cmd:backup",
    "restore": "backup_cmd:restore",
    "letter": "documents:letter",
    "convention": "documents:convention",
    "atelier": "atelier_cmd:app",
    "bilan": "bilan_cmd:bilan",
    "rapport": "rapport_cmd:rapport",
    "rencontre": "rencontre_cmd:rencontre",
    "allie": "allie_cmd:app",
    "digest": "reminders:digest",
    "cron": "reminders:cron",
    "agenda": "reminders:agenda",
    "remind": "reminders:remind_app",
    "templates": "documents:templates_app",
    "config": "config_cmd:app",
    "person": "people:app",
    "exchange": "exchange_cmd:app",
    "registry": "registry:app",
    "import": "imports:app",
}


class LazyGroup(BoundaryGroup):
    """The root group, loading its commands the way Click documents it
    (``list_commands``/``get_command``): a command's module is imported and its
    parameters built only when it is invoked, so ``bailleurs next`` does not pay
    for the other commands."""

    def list_commands(self, ctx: Any) -> list[str]:
        """Every command, in --help order."""
        del ctx
        return list(REGISTRY)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """Import and build one command (None for an unknown name: Click says so)."""
        del ctx
        if cmd_name not in REGISTRY:
            return None
        return _built(cmd_name)


@cache
def _built(cmd_name: str) -> Any:
    """The Click command of ``cmd_name``, built once per process: a script or a test
    invoking the CLI many times in one process does not rebuild its parameters."""
    from importlib import import_module

    module, attribute = REGISTRY[cmd_name].split(":")
    found = getattr(import_module(f"bailleurs_cli.cli.{module}"), attribute)
    if isinstance(found, typer.Typer):
        command = typer.main.get_command(found)
        command.name = cmd_name
        return command
    single = typer.Typer(rich_markup_mode=None, add_completion=False)
    single.command(cmd_name, cls=FrenchCommand)(found)
    return typer.main.get_command(single)


app = typer.Typer(**{**_SETTINGS, "cls": LazyGroup})
app.callback()(root)


def main() -> None:
    """Console-script and ``python -m`` entry point."""
    import sys

    from bailleurs_cli.cli._common import closed_output

    try:
        app(prog_name="bailleurs")  # ends with SystemExit, as Click's standalone mode does
    finally:
        try:  # the last lines, flushed at exit, may meet a closed pipe too
            sys.stdout.flush()
        except BrokenPipeError:
            raise SystemExit(closed_output()) from None
