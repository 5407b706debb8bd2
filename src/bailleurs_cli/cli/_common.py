"""Shared CLI plumbing: the error boundary, per-run state, output helpers.

Only the ``cli`` package imports Typer and Rich. Data goes to stdout, messages to
stderr; Rich tables and colours only when the stream is a terminal; user data is
never interpreted as Rich markup.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from bailleurs_cli.errors import (
    BailleursError,
    ExitCode,
    InvalidInput,
    Namer,
    field_label,
    one_line,
)

if TYPE_CHECKING:
    from bailleurs_cli.settings.config import Settings
    from bailleurs_cli.store.core import Store
    from bailleurs_cli.store.reader import Reader


def _debug_requested(ctx: Any) -> bool:
    state = ctx.obj if isinstance(ctx.obj, State) else None
    return bool(state and state.debug) or os.environ.get("BAILLEURS_DEBUG") == "1"


def _usage_message(exc: Any) -> str:
    """Click's English usage errors, said in French on one line."""
    kind = type(exc).__name__
    ctx = exc.ctx
    where = f"« {ctx.command_path} --help »" if ctx is not None else "« bailleurs --help »"
    param = getattr(exc, "param", None)
    hint = None
    if param is not None and param.param_type_name == "argument":
        hint = getattr(param, "metavar", None) or str(param.name).upper()
    elif param is not None and param.opts:
        hint = "/".join(param.opts)
    if kind == "MissingParameter" and param is not None:
        if param.param_type_name == "argument":
            return f"argument {hint} manquant ; voir {where}."
        return f"option {hint} obligatoire ; voir {where}."
    if kind == "NoSuchOption":
        near = getattr(exc, "possibilities", None)
        guess = f" (vouliez-vous dire {', '.join(sorted(near))} ?)" if near else ""
        return f"option « {exc.option_name} » inconnue{guess} ; voir {where}."
    message = exc.message
    if kind == "BadParameter" and hint:
        if "integer" in message:
            return f"{hint} : valeur invalide ; attendu un nombre entier."
        return f"{hint} : valeur invalide ({message})."
    if message.startswith("No such command"):
        name = message.split("'")[1] if "'" in message else message
        return f"commande « {name} » inconnue ; voir {where}."
    if message.startswith("Got unexpected extra argument"):
        extra = re.search(r"\(([^()]*)\)$", message)
        return f"argument en trop : {extra[1] if extra else message} ; voir {where}."
    if message.startswith("Option") and "requires" in message:
        return f"{message.split(chr(39))[1]} attend une valeur ; voir {where}."
    return f"{message} ; voir {where}."


def _in_french(exc: Any) -> None:
    """Make Click print our one French line when it shows this usage error."""
    if type(exc).__name__ == "NoArgsIsHelpError":
        return
    line = f"Erreur : {_usage_message(exc)}"

    def show(file: Any = None) -> None:
        del file  # Click passes the stream; ours is always stderr
        error(line)

    exc.show = show


#: Click's own words in --help, said in French. The help is post-processed rather
#: than patched inside Typer's vendored Click, so no private API is touched; the
#: golden test in tests/test_meta.py notices when a Typer upgrade changes them.
_HELP_WORDS = (
    ("Usage: ", "Utilisation : "),
    ("\nOptions:\n", "\nOptions :\n"),
    ("\nCommands:\n", "\nCommandes :\n"),
    ("\nArguments:\n", "\nArguments :\n"),
    ("Show this message and exit.", "Afficher cette aide et quitter."),
    ("[env var: ", "[variable d'environnement : "),
    ("[default: ", "[défaut : "),
    ("[required]", "[obligatoire]"),
    (" COMMAND [ARGS]...", " COMMANDE [ARGS]..."),
    ("<str>", "TEXTE"),
    ("<int>", "ENTIER"),
    ("<path>", "CHEMIN"),
    ("<list[str]>", "TEXTE..."),
)


#: Placeholders Typer derives from Python types, and a default wrapped on two lines.
_HELP_PATTERNS = (
    (re.compile(r"\[default:\s+"), "[défaut : "),
    (re.compile(r" <list\[\w+\]>"), ""),
    (re.compile(r"<file> ?"), "FICHIER"),
    # Click writes required arguments in braces in the usage line: « {BAILLEUR} ».
    (re.compile(r"\{([^{}\s]+?)(?:\.\.\.)?\}(\.\.\.)?"), r"\1\2"),
    (re.compile(r"(\S+\.\.\.) \1"), r"\1"),
    (re.compile(r"<float> ?"), "NOMBRE"),
)


#: Placeholders whose French word has another width: in the options' table the
#: padding after them is adjusted, so the help column stays where Click put it.
_RESIZED = re.compile(r"<(list\[str\]|int)>( {2,})")
_RESIZED_WORDS = {"list[str]": "TEXTE...", "int": "ENTIER"}


def _keep_column(match: re.Match[str]) -> str:
    english, padding = match.group(1), match.group(2)
    french = _RESIZED_WORDS[english]
    width = len(english) + 2 + len(padding)
    return french + " " * max(2, width - len(french))


def _in_french_help(text: str) -> str:
    text = _RESIZED.sub(_keep_column, text)
    for english, french in _HELP_WORDS:
        text = text.replace(english, french)
    for pattern, french in _HELP_PATTERNS:
        text = pattern.sub(french, text)
    return text


def _is_usage_error(exc: BaseException) -> bool:
    """Click's usage errors (exit status 2), recognised through Typer's public base
    class rather than the vendored Click module."""
    return isinstance(exc, typer.TyperException) and getattr(exc, "exit_code", None) == 2


def _with_context(exc: Any, ctx: Any) -> Any:
    """Click's option parser raises some errors (``--commune`` without a value)
    with no context; give them this command's, so the hint names its --help."""
    if exc.ctx is None:
        exc.ctx = ctx
    return exc


class _FrenchFrame:
    """What every command and group of ours does around Click's own behaviour."""

    def get_help(self, ctx: Any) -> str:
        """Click's help, with its own labels translated."""
        return _in_french_help(super().get_help(ctx))  # type: ignore[misc]

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Click's parsing; its usage errors name this command."""
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc, no-any-return]
        except typer.TyperException as exc:
            if not _is_usage_error(exc):
                raise
            raise _with_context(exc, ctx) from None


#: The option that gives each field a core error may name (« --channel : … »).
FIELD_OPTIONS: dict[str, str] = {
    "address": "--adresse",
    "ally": "--avec",
    "amount": "--montant",
    "animators": "--animateurs",
    "anonymous": "--anonyme",
    "attendance": "--assiduite",
    "channel": "--channel",
    "civility": "--civilite",
    "commune": "--commune",
    "contact": "--contact",
    "contributions": "--contribution",
    "day": "--date",
    "delivered": "--remis",
    "departement": "--departement",
    "direction": "--direction",
    "email": "--email",
    "ends_on": "--fin",
    "every": "--every",
    "everything": "--all",
    "families": "--familles",
    "first_on": "--from",
    "force": "--force",
    "format": "--format",
    "help": "--help",
    "kind": "--kind",
    "mapping": "--map",
    "sheet": "--feuille",
    "calendar": "--ics",
    "next_action": "--next-action",
    "next_due": "--next",
    "number": "--numero",
    "occurred_on": "--date",
    "out_dir": "--out",
    "outcome": "--outcome",
    "participants": "--participants",
    "partnership_kind": "--type",
    "pdf": "--pdf",
    "period": "--periode",
    "phone": "--phone",
    "place": "--lieu",
    "present": "--present",
    "priority": "--priorite",
    "qpv": "--qpv",
    "search": "--search",
    "qpv_code": "--qpv",
    "reason": "--reason",
    "referent_landlord": "--referent-bailleur",
    "renew": "--renouveler",
    "satisfaction_children": "--satisfaction-enfants",
    "satisfaction_parents": "--satisfaction-parents",
    "schedule": "--schedule",
    "sessions": "--seances",
    "signatory": "--signataire",
    "since": "--du",
    "siren": "--siren",
    "site": "--site",
    "sort": "--sort",
    "stage": "--stage",
    "starts_on": "--debut",
    "status": "--status",
    "subject": "--objet",
    "summary": "--summary",
    "table": "--table",
    "template": "--template",
    "tenant_target": "--cible-locataires",
    "tenants": "--locataires",
    "texts": "--avec-textes",
    "time": "--heure",
    "to": "--to",
    "until": "--au",
    "value": "--valeur",
    "website": "--site",
}

#: Commands that take a field otherwise: as an argument, named as their help names it,
#: or under another option than :data:`FIELD_OPTIONS` says.
COMMAND_FIELDS: dict[str, dict[str, str]] = {
    "allie add": {"name": "NOM", "phone": "--telephone", "departement": "--territoire"},
    "allie edit": {
        "ally": "ALLIEE",
        "name": "--nom",
        "phone": "--telephone",
        "departement": "--territoire",
    },
    "plan": {"next_due": "date", "next_action": "action"},
    "snooze": {"next_due": "date"},
    "stage": {"stage": "étape"},
}


def option_namer(command: str) -> Namer:
    """How ``command`` (« person add ») calls each field: its option, else its label."""
    own = COMMAND_FIELDS.get(command, {})

    def name(field: str) -> str:
        return own.get(field) or FIELD_OPTIONS.get(field) or field_label(field)

    return name


def _command_name(ctx: Any) -> str:
    """« person add » for ``bailleurs person add`` (the root's name left out)."""
    names = []
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name)
        ctx = ctx.parent
    return " ".join(reversed(names))


class FrenchCommand(_FrenchFrame, TyperCommand):
    """A command whose --help frame and usage errors are in French."""

    def invoke(self, ctx: Any) -> Any:
        """Run the command; an error about a field names this command's option."""
        try:
            return super().invoke(ctx)
        except BailleursError as exc:
            if exc.field is not None or callable(exc.text):
                exc.shown = exc.naming(option_namer(_command_name(ctx)))
            raise


class FrenchGroup(_FrenchFrame, TyperGroup):
    """A command group whose --help frame and usage errors are in French."""


def sub_app(help_text: str, **options: Any) -> typer.Typer:
    """A command group (``person``, ``templates``…) with the project's settings.

    Its commands are declared with ``cls=FrenchCommand`` so their --help is French.
    """
    options.setdefault("no_args_is_help", True)
    options.setdefault("add_completion", False)  # English options that edit ~/.bashrc
    return typer.Typer(cls=FrenchGroup, rich_markup_mode=None, help=help_text, **options)


def closed_output() -> int:
    """Stop writing to a standard output whose reader has gone (``bailleurs next | head``):
    what is left in the buffer goes nowhere, silently, as a Unix tool does."""
    import os
    import sys

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return int(ExitCode.CLOSED_OUTPUT)


class BoundaryGroup(FrenchGroup):
    """The one place where errors become ``Erreur : …`` and an exit code."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        """Parse the root options; usage errors are said in French."""
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except typer.TyperException as exc:
            if _is_usage_error(exc):
                _in_french(exc)
            raise

    def invoke(self, ctx: Any) -> Any:
        """Run the command; turn user errors into one French line on stderr."""
        try:
            return super().invoke(ctx)
        except typer.TyperException as exc:
            if _is_usage_error(exc):
                _in_french(exc)
            raise
        except BailleursError as exc:
            if _debug_requested(ctx):
                raise
            error(f"Erreur : {exc.shown or exc.message}")
            for detail in getattr(exc, "details", []):
                error(f"Erreur : {detail}")
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            error("Interrompu.")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except (typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:  # ``| head`` has what it wanted: not an error, say nothing
            raise typer.Exit(closed_output()) from None
        except Exception as exc:  # a bug: one line all the same, the trace behind --debug
            if _debug_requested(ctx):
                raise
            error(
                f"Erreur inattendue ({type(exc).__name__} : {one_line(str(exc))}) ; relancez "
                "avec --debug pour voir la trace, et signalez-la."
            )
            raise typer.Exit(int(ExitCode.BUG)) from None


@dataclass
class State:
    """Options of the root command, and the store opened on first use."""

    db: str | None = None
    debug: bool = False
    _settings: Settings | None = None
    _store: Store | None = None
    _today: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        """Settings from the config file (read once)."""
        if self._settings is None:
            from bailleurs_cli.settings.config import load_settings

            self._settings = load_settings()
        return self._settings

    @property
    def today(self) -> date:
        """Today, or ``BAILLEURS_TODAY``."""
        if self._today is None:
            from bailleurs_cli.settings.config import today_from_env

            self._today = today_from_env()
        return self._today

    def close(self) -> None:
        """Release the store's connections (called when the command ends)."""
        if self._store is not None:
            self._store.dispose()
            self._store = None

    @contextmanager
    def reading(self) -> Iterator[Reader]:
        """Read the store: straight through the driver when it exists at this version's
        schema (no SQLAlchemy imported: the everyday read commands stay fast), else
        through :meth:`store`, which creates, upgrades or refuses it first."""
        from bailleurs_cli.store.reader import open_reader, session_reader

        with open_reader(self.db_url()) as reader:
            if reader is not None:
                yield reader
                return
        with self.store().read() as session:
            yield session_reader(session)

    def store(self) -> Store:
        """Open the store (created and seeded on first use)."""
        if self._store is None:
            from bailleurs_cli.api import open_default

            self._store = open_default(
                self.db, settings=self.settings, today=self.today, notify=info
            )
        return self._store

    @contextmanager
    def backup_before(self, reason: str, what: str) -> Iterator[None]:
        """An automatic backup before a bulk change (import, registry sync).

        The change runs in one transaction: if it fails, the store is as it was and
        the backup is removed; otherwise its path is said on stderr.
        """
        from bailleurs_cli.errors import ToolMissing
        from bailleurs_cli.settings.config import backup_dir, paris_now
        from bailleurs_cli.store import backups

        self.store()  # created and upgraded first: the copy is of the store as it is now
        try:
            made = backups.make_backup(
                self.db_url(),
                folder=backup_dir(),
                now=paris_now(),
                reason=reason,
                keep=self.settings.backup_keep,
            )
        except ToolMissing as exc:
            yield
            info(f"Attention : pas de sauvegarde avant {what} ({exc.message})")
            return
        try:
            yield
        except BaseException:
            backups.discard(made.path)
            raise
        info(f"Sauvegarde avant {what} : {made.path}")

    def db_url(self) -> str:
        """The store's SQLAlchemy URL, without opening it."""
        from bailleurs_cli.settings.config import resolve_db_url

        return resolve_db_url(self.db, self.settings)

    def shown_db(self) -> str:
        """The store's location as it may be shown (no password)."""
        from bailleurs_cli.store.core import redacted

        return redacted(self.db_url())


def state(ctx: typer.Context) -> State:
    """The run's state, created by the root callback."""
    obj = ctx.find_root().obj
    if not isinstance(obj, State):
        obj = State()
        ctx.find_root().obj = obj
    return obj


def at_least(value: int | None, minimum: int, option: str) -> None:
    """Range check done here rather than with ``min=``: Typer turns ``min=`` into a
    pydantic constrained type whose import costs about 15 ms on every run."""
    if value is not None and value < minimum:
        raise InvalidInput(f"{option} : valeur invalide ; attendu un nombre entier ≥ {minimum}.")


DepartementFilterOpt = Annotated[
    str | None, typer.Option("--departement", help="Département d'Île-de-France (93…).")
]
CommuneFilterOpt = Annotated[
    str | None,
    typer.Option("--commune", help="Présents dans cette commune (nom, code INSEE ou postal)."),
]
QpvFilterOpt = Annotated[
    str | None, typer.Option("--qpv", help="Présents dans ce QPV (code, ex. QN09342M).")
]
PriorityFilterOpt = Annotated[
    str | None,
    typer.Option(
        "--priorite", help="Priorité minimale sur vos territoires : haute, moyenne, basse."
    ),
]
AnonymousOpt = Annotated[
    bool,
    typer.Option(
        "--anonyme",
        help="« Bailleur 1 », « Bailleur 2 »… au lieu des noms ; ni nom, ni e-mail, ni "
        "téléphone de personne ; sans les textes libres.",
    ),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Sortie JSON (clés stables, dates ISO) pour les scripts.")
]


def out(text: str = "") -> None:
    """Data on stdout."""
    sys.stdout.write(text + "\n")


def error(text: str) -> None:
    """A message on stderr, red on a terminal, with French spacing."""
    from bailleurs_cli.formatting import typographie

    text = typographie(text)
    if sys.stderr.isatty() and not os.environ.get("NO_COLOR"):
        sys.stderr.write(f"\x1b[31m{text}\x1b[0m\n")
    else:
        sys.stderr.write(text + "\n")


def info(text: str) -> None:
    """A confirmation on stderr (so stdout stays data only), with French spacing."""
    from bailleurs_cli.formatting import typographie

    sys.stderr.write(typographie(text) + "\n")


def emit_json(data: Any) -> None:
    """Pretty JSON on stdout, UTF-8 kept readable."""
    out(json.dumps(data, ensure_ascii=False, indent=2))


def table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, title: str | None = None
) -> None:
    """A Rich table on a terminal, aligned plain text otherwise (pipes, cron)."""
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        rich_table = Table(title=title, show_lines=False)
        for header in headers:
            rich_table.add_column(header)
        for row in rows:
            rich_table.add_row(*(Text(cell) for cell in row))  # Text: no markup in user data
        Console().print(rich_table)
        return
    if title:
        out(title)
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    out("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in rows:
        out("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
