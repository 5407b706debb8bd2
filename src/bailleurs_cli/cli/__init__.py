"""The ``bailleurs`` command: a thin Typer layer over the core modules."""

from __future__ import annotations

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


#: Commands: name → (module of ``bailleurs_cli.cli``, function). The order is --help's.
COMMANDS = {
    "list": ("landlords", "list_landlords"),
    "show": ("landlords", "show"),
    "add": ("landlords", "add"),
    "edit": ("landlords", "edit"),
    "contact": ("followup", "contact"),
    "plan": ("followup", "plan"),
    "snooze": ("followup", "snooze"),
    "stage": ("followup", "stage"),
    "history": ("followup", "history"),
    "next": ("next_cmd", "next_steps"),
    "territoire": ("ground", "territoire"),
    "qpv": ("ground", "qpv"),
    "export": ("export_cmd", "export"),
    "letter": ("documents", "letter"),
    "convention": ("documents", "convention"),
    "digest": ("reminders", "digest"),
    "cron": ("reminders", "cron"),
    "agenda": ("reminders", "agenda"),
}
#: Command groups: name → (module, Typer sub-application).
GROUPS = {
    "remind": ("reminders", "remind_app"),
    "templates": ("documents", "templates_app"),
    "config": ("config_cmd", "app"),
    "person": ("people", "app"),
    "registry": ("registry", "app"),
    "import": ("imports", "app"),
}


def build_app(only: str | None = None) -> typer.Typer:
    """The command line; with ``only``, just that command or group.

    Click builds every command's parameters at start-up; building only the one
    invoked keeps ``bailleurs next`` from paying for the thirty others.
    """
    from importlib import import_module

    built = typer.Typer(**_SETTINGS)
    built.callback()(root)
    for name, (module, function) in COMMANDS.items():
        if only in (None, name):
            handler = getattr(import_module(f"bailleurs_cli.cli.{module}"), function)
            built.command(name, cls=FrenchCommand)(handler)
    for name, (module, attribute) in GROUPS.items():
        if only in (None, name):
            built.add_typer(
                getattr(import_module(f"bailleurs_cli.cli.{module}"), attribute), name=name
            )
    return built


def _invoked(argv: list[str]) -> str | None:
    """The command named on the command line, if it is one (root options skipped)."""
    args = iter(argv)
    for arg in args:
        if arg == "--db":
            next(args, None)
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS or arg in GROUPS else None
    return None


def __getattr__(name: str) -> typer.Typer:
    """``app``: the whole command line (tests and documentation tools use it)."""
    if name == "app":
        return build_app()
    raise AttributeError(name)


def main() -> None:
    """Console-script and ``python -m`` entry point."""
    import sys

    build_app(_invoked(sys.argv[1:]))(prog_name="bailleurs")
