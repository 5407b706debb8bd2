"""``export``: the registry, people and exchanges, for a spreadsheet or another tool."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from bailleurs_cli.cli._common import AnonymousOpt, info, state


def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="csv, json ou yaml.")] = "csv",
    table: Annotated[
        str | None,
        typer.Option("--table", help="Pour csv : bailleurs (défaut), interlocuteurs ou echanges."),
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Fichier à écrire (défaut : la sortie standard).",
            dir_okay=False,
            metavar="FICHIER",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Remplacer le fichier --out s'il existe déjà.")
    ] = False,
    anonyme: AnonymousOpt = False,
    avec_textes: Annotated[
        bool,
        typer.Option(
            "--avec-textes",
            help="Avec --anonyme : garder les textes libres (résumés, notes, retours), à "
            "relire car ils peuvent nommer quelqu'un.",
        ),
    ] = False,
) -> None:
    """Exporter bailleurs, interlocuteurs et échanges en CSV, JSON ou YAML.

    Le CSV (une table) s'ouvre d'un double-clic dans Excel : en-têtes en français,
    séparateur « ; », UTF-8 avec BOM ; la table des bailleurs se réimporte avec
    bailleurs import csv. Une valeur commençant par =, +, - ou @ y est précédée
    d'une apostrophe (protection contre l'injection de formules). JSON et YAML
    contiennent toute la base (bailleurs, interlocuteurs, échanges, étapes,
    conventions, rappels, présence, QPV, imports, territoires), avec les clés
    stables de --json et un numéro de version du format. Un fichier --out existant
    n'est remplacé qu'avec --force. Avec --anonyme, les bailleurs deviennent
    « Bailleur 1 », « Bailleur 2 »… et les personnes disparaissent, comme dans
    bailleurs rapport --anonyme.

    Exemple : bailleurs export --table interlocuteurs --out interlocuteurs.csv
    """
    from bailleurs_cli import files
    from bailleurs_cli.privacy.anonymity import rule_of
    from bailleurs_cli.report import export as core

    rule = rule_of(anonyme, avec_textes)
    st = state(ctx)
    if out_file is not None:
        if not out_file.parent.is_dir():
            from bailleurs_cli.errors import InvalidInput

            raise InvalidInput(f"--out : dossier « {out_file.parent} » introuvable.")
        files.refuse_overwrite(out_file, force)  # before reading the whole store
    zones = st.settings.territories
    territories = {"communes": list(zones.communes), "departements": list(zones.departements)}
    with st.store().read() as session:
        if out_file is None:
            core.write(session, fmt, sys.stdout, table, territories=territories, rule=rule)
            return
        fix = "choisissez un autre fichier avec --out"
        with files.atomic_stream(out_file, fix=fix) as raw:
            stream = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            with _progress() as tick:
                core.write(
                    session, fmt, stream, table, territories=territories, progress=tick, rule=rule
                )
            stream.flush()
            stream.detach()  # the atomic writer closes the file
    info(f"Export écrit : {out_file}")


@contextmanager
def _progress() -> Iterator[Callable[[int], None] | None]:
    """Rows written so far, on a terminal only (a cron job's log stays clean)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task("Export", total=None)
        yield lambda rows: progress.update(task, completed=rows)
