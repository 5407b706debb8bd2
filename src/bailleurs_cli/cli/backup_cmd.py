"""``backup`` and ``restore``: a consistent copy of the whole store, and back."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bailleurs_cli.cli._common import JsonOpt, emit_json, info, out, state, table

if TYPE_CHECKING:
    from bailleurs_cli.store.backups import Backup


def backup(
    ctx: typer.Context,
    out_path: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="DOSSIER|FICHIER",
            help="Dossier ou fichier de la sauvegarde (défaut : le dossier des sauvegardes).",
        ),
    ] = None,
    listing: Annotated[
        bool,
        typer.Option("--list", help="Lister les sauvegardes gardées, la plus récente d'abord."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Sauvegarder toute la base (copie cohérente, même pendant une écriture).

    Sans --out, la sauvegarde va dans le dossier « sauvegardes » du dossier de
    données, datée ; seules les backup.garder plus récentes y sont gardées (10 par
    défaut). Une sauvegarde n'écrase jamais un fichier. PostgreSQL : pg_dump
    (paquet postgresql-client).

    Exemple : bailleurs backup --out ~/sauvegardes/
    """
    from bailleurs_cli.settings.config import backup_dir, paris_now
    from bailleurs_cli.store import backups

    st = state(ctx)
    if listing:
        found = backups.list_backups(backup_dir())
        if as_json:
            emit_json([_as_json(b) for b in found])
            return
        if not found:
            info(f"Aucune sauvegarde dans {backup_dir()}.")
            return
        _show(found)
        return
    st.store()  # opened (and upgraded) as every command does: the copy is of today's schema
    made = backups.make_backup(
        st.db_url(),
        folder=backup_dir(),
        now=paris_now(),
        out=out_path,
        keep=st.settings.backup_keep,
    )
    if as_json:
        emit_json(_as_json(made))
        return
    out(str(made.path))
    info(f"Sauvegarde écrite ({_summary(made)}).")


def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FICHIER", help="Sauvegarde à restaurer.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Ne pas demander de confirmation (scripts).")
    ] = False,
) -> None:
    """Remplacer la base par une sauvegarde, après en avoir gardé une copie.

    Le fichier est vérifié d'abord (base bailleurs, intègre, d'une version connue) ;
    la base actuelle est sauvegardée, puis remplacée. Une sauvegarde d'une version
    antérieure est mise à jour aussitôt.

    Exemple : bailleurs restore ~/sauvegardes/bailleurs-2026-12-01-083000.db --yes
    """
    from bailleurs_cli.api import open_default
    from bailleurs_cli.errors import InvalidInput
    from bailleurs_cli.settings.config import backup_dir, paris_now
    from bailleurs_cli.store import backups
    from bailleurs_cli.store.core import REVISIONS, store_tables

    st = state(ctx)
    url = st.db_url()
    backups.check_restorable(url, file, REVISIONS)
    if not yes:
        if not sys.stdin.isatty():
            raise InvalidInput(
                "restore remplace toute la base : ajoutez --yes pour confirmer (hors terminal)."
            )
        if not typer.confirm(f"Remplacer la base {st.shown_db()} par {file} ?", default=False):
            info("Rien n'a été modifié.")
            raise typer.Exit(1)
    st.close()
    schema, kept = backups.restore(
        url,
        file,
        folder=backup_dir(),
        now=paris_now(),
        keep=st.settings.backup_keep,
        known=REVISIONS,
        tables=store_tables(),
    )
    if kept is not None:
        info(f"Base actuelle sauvegardée : {kept}")
    open_default(st.db, settings=st.settings, today=st.today, notify=info).dispose()
    info(f"Base restaurée depuis {file} (schéma {schema}).")


def _summary(made: Backup) -> str:
    from bailleurs_cli.formatting import file_size

    counts = ", ".join(f"{n} {label if n > 1 else label[:-1]}" for label, n in made.counts.items())
    return f"{file_size(made.size)} ; {counts}" if counts else file_size(made.size)


def _as_json(made: Backup) -> dict[str, object]:
    return {
        "path": str(made.path),
        "store": made.store,
        "made_at": made.made_at.isoformat(timespec="seconds"),
        "reason": made.reason,
        "size": made.size,
        "schema": made.schema,
        "counts": made.counts,
    }


def _show(found: list[Backup]) -> None:
    from bailleurs_cli.formatting import file_size, short_date
    from bailleurs_cli.store.backups import COUNTED

    rows = []
    for made in found:
        when = f"{short_date(made.made_at.date())} {made.made_at:%H:%M}"
        figures = [str(made.counts.get(label, "—")) for _, label in COUNTED]
        reason = (made.reason or "manuelle").replace("-", " ")
        rows.append([made.path.name, when, reason, file_size(made.size), *figures])
    headers = ["Fichier", "Date", "Motif", "Taille", *(label.capitalize() for _, label in COUNTED)]
    table(headers, rows)
