"""``export``: the registry, people and exchanges, for a spreadsheet or another tool."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bailleurs_cli.cli._common import info, state


def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="csv, json ou yaml.")] = "csv",
    table: Annotated[
        str,
        typer.Option("--table", help="Pour csv : landlords (bailleurs), people ou exchanges."),
    ] = "landlords",
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Fichier à écrire (défaut : la sortie standard).", dir_okay=False
        ),
    ] = None,
) -> None:
    """Exporter bailleurs, interlocuteurs et échanges en CSV, JSON ou YAML.

    Le CSV est protégé contre l'injection de formules dans les tableurs : une
    valeur commençant par =, +, - ou @ est précédée d'une apostrophe.

    Exemple : bailleurs export --format csv > registre.csv
    """
    from bailleurs_cli import export as core

    with state(ctx).store().read() as session:
        text = core.render(session, fmt, table)
    if out_file is None:
        sys.stdout.write(text)
        return
    from bailleurs_cli.documents import write_atomic

    if not out_file.parent.is_dir():
        from bailleurs_cli.errors import InvalidInput

        raise InvalidInput(f"--out : dossier « {out_file.parent} » introuvable.")
    write_atomic(out_file, text.encode("utf-8"))
    info(f"Export écrit : {out_file}")
