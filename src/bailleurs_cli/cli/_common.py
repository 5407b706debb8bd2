"""Shared CLI plumbing: the error boundary, per-run state, output helpers.

Only the ``cli`` package imports Typer and Rich. Data goes to stdout, messages to
stderr; Rich tables and colours only when the stream is a terminal; user data is
never interpreted as Rich markup.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from bailleurs_cli.errors import BailleursError, ExitCode

if TYPE_CHECKING:
    from bailleurs_cli.config import Settings
    from bailleurs_cli.store import Store


def _debug_requested(ctx: Any) -> bool:
    state = ctx.obj if isinstance(ctx.obj, State) else None
    return bool(state and state.debug) or os.environ.get("BAILLEURS_DEBUG") == "1"


class BoundaryGroup(TyperGroup):
    """The one place where domain errors become ``Erreur : …`` and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        """Run the command; turn user errors into one French line on stderr."""
        try:
            return super().invoke(ctx)
        except BailleursError as exc:
            if _debug_requested(ctx):
                raise
            error(f"Erreur : {exc.message}")
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            error("Interrompu.")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None


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
            from bailleurs_cli.config import load_settings

            self._settings = load_settings()
        return self._settings

    @property
    def today(self) -> date:
        """Today, or ``BAILLEURS_TODAY``."""
        if self._today is None:
            from bailleurs_cli.config import today_from_env

            self._today = today_from_env()
        return self._today

    def close(self) -> None:
        """Release the store's connections (called when the command ends)."""
        if self._store is not None:
            self._store.dispose()
            self._store = None

    def store(self) -> Store:
        """Open the store (created and seeded on first use)."""
        if self._store is None:
            from bailleurs_cli.api import open_default

            self._store = open_default(self.db, settings=self.settings, today=self.today)
        return self._store


def state(ctx: typer.Context) -> State:
    """The run's state, created by the root callback."""
    obj = ctx.find_root().obj
    if not isinstance(obj, State):
        obj = State()
        ctx.find_root().obj = obj
    return obj


JsonOpt = Annotated[
    bool, typer.Option("--json", help="Sortie JSON (clés stables, dates ISO) pour les scripts.")
]


def out(text: str = "") -> None:
    """Data on stdout."""
    sys.stdout.write(text + "\n")


def error(text: str) -> None:
    """A message on stderr, red on a terminal."""
    if sys.stderr.isatty() and not os.environ.get("NO_COLOR"):
        sys.stderr.write(f"\x1b[31m{text}\x1b[0m\n")
    else:
        sys.stderr.write(text + "\n")


def info(text: str) -> None:
    """A confirmation on stderr (so stdout stays data only)."""
    sys.stderr.write(text + "\n")


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
