"""``import``: bring public files and the association's spreadsheet into the store."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bailleurs_cli.cli._common import (
    FrenchCommand,
    JsonOpt,
    at_least,
    emit_json,
    info,
    out,
    state,
    sub_app,
    table,
)
from bailleurs_cli.formatting import number, pluriel

if TYPE_CHECKING:
    from datetime import datetime

    from bailleurs_cli.sources.imports.core import ImportReport

app = sub_app(
    "Importer des fichiers publics téléchargés (SIRENE, QPV, locaux DGFiP) ou votre tableur."
)

FilesArg = Annotated[
    list[Path],
    typer.Argument(
        metavar="FICHIER",
        help="Un ou plusieurs fichiers CSV, XLSX, ZIP ou JSON (SIRENE).",
        dir_okay=False,
    ),
]
DryRunOpt = Annotated[
    bool,
    typer.Option(
        "--dry-run", help="Dire ce qui serait ajouté, complété ou rejeté, sans rien écrire."
    ),
]

#: Labels of the importers' own counts (``counts`` in --json): for one, for several,
#: and the whole text for none.
COUNT_LABELS = {
    "hors_idf": ("hors Île-de-France", "hors Île-de-France", "aucun hors Île-de-France"),
    "departements": (
        "département remplacé", "départements remplacés", "aucun département remplacé"
    ),
    "supprimes": (
        "QPV retiré de la liste", "QPV retirés de la liste", "aucun QPV retiré de la liste"
    ),
    "liens_qpv_retires": (
        "lien déclaré vers un QPV retiré (gardé ; voir bailleurs show)",
        "liens déclarés vers un QPV retiré (gardés ; voir bailleurs show)",
        "aucun lien déclaré vers un QPV retiré",
    ),
    "proprietaires": ("propriétaire", "propriétaires", "aucun propriétaire"),
    "communes": ("commune", "communes", "aucune commune"),
    "locaux": ("local", "locaux", "aucun local"),
    "communes_inconnues": ("commune inconnue", "communes inconnues", "aucune commune inconnue"),
}  # fmt: skip

#: French names of the fields an import fills (``--json`` keeps the field names).
FIELD_LABELS = {
    "name": "nom",
    "siren": "SIREN",
    "kind": "nature",
    "legal_category": "catégorie juridique",
    "legal_form": "forme juridique",
    "to_verify": "identité confirmée",
    "aliases": "autres noms",
    "street": "adresse",
    "complement": "adresse",
    "postcode": "adresse",
    "city": "adresse",
    "cedex": "adresse",
    "website": "site",
    "group_name": "groupe",
    "notes": "note",
    "presence": "présence",
    "people": "interlocuteurs",
    "departement": "département",
    "communes": "communes",
    "epci": "EPCI",
    "ept": "EPT",
}


def _labels(fields: list[str]) -> str:
    return ", ".join(dict.fromkeys(FIELD_LABELS.get(f, f) for f in fields))


def _run(
    ctx: typer.Context, kind: str, paths: list[Path], dry_run: bool, as_json: bool, **options: Any
) -> None:
    from bailleurs_cli.sources.imports import run_import

    st = state(ctx)
    store = st.store()
    saved = nullcontext() if dry_run else st.backup_before("avant-import", "l'import")
    with saved:
        if sys.stderr.isatty() and not as_json:
            from rich.console import Console

            console = Console(stderr=True)
            with console.status("Lecture…") as status:
                report = run_import(
                    store, kind, paths, today=st.today, dry_run=dry_run,
                    progress=lambda n: status.update(f"Lecture… {number(n)} lignes"),
                    **options,
                )  # fmt: skip
        else:
            report = run_import(store, kind, paths, today=st.today, dry_run=dry_run, **options)
    if as_json:
        emit_json(report.as_json())
        return
    _print(report)


def _print(report: ImportReport) -> None:
    from bailleurs_cli.sources.imports import IMPORTERS

    how = {"siren": "SIREN", "nom": "nom", "flou": "nom proche"}
    read = (
        f"{pluriel(report.rows, 'ligne lue', 'lignes lues', zero='aucune ligne lue')}, "
        f"{pluriel(report.kept, 'retenue', zero='aucune retenue')}"
    )
    fmt = ""
    if report.encoding:
        fmt = f" ; {report.encoding}"
        if report.delimiter:
            shown = "tabulation" if report.delimiter == "\t" else f"« {report.delimiter} »"
            fmt += f", séparateur {shown}"
    info(f"{IMPORTERS[report.kind].title} ({', '.join(report.files)}{fmt}) : {read}.")
    if report.resumed_after is not None:
        info(
            f"Reprise de l'import interrompu de ce fichier : les lignes jusqu'à la "
            f"{report.resumed_after} étaient déjà enregistrées ; les suivantes le sont maintenant."
        )
    elif report.previous_run is not None:
        info(
            f"Fichier identique (même empreinte SHA-256) déjà importé le "
            f"{_local(report.previous_run)} : seuls les écarts avec la base comptent ci-dessous."
        )
    for change in report.added:
        out(f"ajouté    {change.landlord}  {change.name}")
    for change in report.updated:
        fields = _labels(list(change.fields))
        by = f", rapproché par {how.get(change.how or '', change.how)}" if change.how else ""
        out(f"complété  {change.landlord}  {change.name} ({fields}{by})")
    for near in report.near_misses:
        out(
            f"proche    ligne {near['line']}  « {near['name']} » ressemble à {near['candidate']} "
            f"({str(near['score']).replace('.', ',')} %) : non rapproché, vérifiez"
        )
    from bailleurs_cli.formatting import KIND_SHORT

    def kind_shown(field: str, value: object) -> object:
        return KIND_SHORT.get(str(value), value) if field == "kind" else value

    for conflict in report.conflicts:
        field = conflict["field"]
        out(
            f"conflit   ligne {conflict['line']}  {conflict['landlord']}, "
            f"{_labels([field])} : « {kind_shown(field, conflict['kept'])} » gardé, le fichier "
            f"dit « {kind_shown(field, conflict['file'])} »"
        )
    for rejected in report.rejected:
        value = f" [{rejected['value']}]" if rejected["value"] else ""
        out(f"rejeté    ligne {rejected['line']}  {rejected['reason']}{value}")
    if report.rejected_total > len(report.rejected):
        out(f"… et {number(report.rejected_total - len(report.rejected))} autres rejets (--json).")
    figures = {
        "added": len(report.added),
        "updated": len(report.updated),
        "unchanged": report.unchanged,
        "rejected": report.rejected_total,
        "near_misses": len(report.near_misses),
        "conflicts": len(report.conflicts),
        **report.counts,
    }
    summary = ", ".join(_counted(k, v) for k, v in figures.items())
    if report.dry_run:
        info(f"Simulation : {summary} ; rien n'a été enregistré.")
    else:
        seconds = f"{report.seconds:.1f}".replace(".", ",")
        info(f"Import enregistré en {seconds} s : {summary}.")


def _utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes: the UTC ones stored."""
    from datetime import UTC

    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _local(moment: datetime) -> str:
    """``23/11/2026 à 10:12``, Paris time."""
    from zoneinfo import ZoneInfo

    return _utc(moment).astimezone(ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y à %H:%M")


#: How an import's summary and ``historique`` name the counts it recorded.
_EFFECTS = {
    "added": ("ajouté", "ajoutés", "aucun ajouté"),
    "updated": ("complété", "complétés", "aucun complété"),
    "unchanged": ("inchangé", "inchangés", "aucun inchangé"),
    "rejected": ("rejeté", "rejetés", "aucun rejeté"),
    "near_misses": ("proche", "proches", "aucun proche"),
    "conflicts": ("conflit", "conflits", "aucun conflit"),
    **COUNT_LABELS,
}


def _counted(key: str, value: int) -> str:
    """``1 ajouté``, ``3 communes``, ``aucun conflit``: one recorded count, agreed."""
    one, several, none = _EFFECTS.get(key, (key, key, f"0 {key}"))
    return pluriel(value, one, several, zero=none)


#: Keys of a run record that say where it stands, not what it did.
_STATE = frozenset({"termine", "rangees_faites", "derniere_ligne", "avant_reprise"})


def _effect(figures: dict[str, Any]) -> str:
    """What a recorded import did, in French; an interrupted one says where it stopped."""
    from bailleurs_cli.sources.imports.core import FINISHED, LINE_AT

    done = ", ".join(_counted(k, v) for k, v in figures.items() if v and k not in _STATE)
    if figures.get(FINISHED, 1) == 0:
        stop = (
            f"interrompu après la ligne {figures.get(LINE_AT, 0)} : relancez la même "
            "commande pour reprendre"
        )
        return f"{stop} ; {done}" if done else stop
    return done


@app.command("historique", cls=FrenchCommand)
def imports_history(
    ctx: typer.Context,
    limit: Annotated[
        int | None, typer.Option("--limit", metavar="N", help="Les N derniers seulement.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Lister les imports enregistrés, du plus récent au plus ancien.

    Pour chacun : date, type, fichiers, empreinte SHA-256, lignes lues et effet.
    Les simulations (--dry-run) n'y figurent pas.

    Exemple : bailleurs import historique --limit 5
    """
    from bailleurs_cli.sources.imports.core import FINISHED, LINE_AT, history

    at_least(limit, 1, "--limit")
    with state(ctx).store().read() as session:
        runs = history(session, limit)
    if as_json:
        emit_json(
            [
                {
                    "kind": run.kind,
                    "files": run.file_name.split(", "),
                    "sha256": run.sha256,
                    "rows": run.rows,
                    "counts": {k: v for k, v in run.report.items() if k not in _STATE},
                    "finished": run.report.get(FINISHED, 1) == 1,
                    "stopped_after_line": None
                    if run.report.get(FINISHED, 1) == 1
                    else run.report.get(LINE_AT),
                    "run_at": _utc(run.run_at).isoformat(),
                }
                for run in runs
            ]
        )
        return
    if not runs:
        info("Aucun import enregistré ; voir « bailleurs import --help ».")
        return
    rows = [
        [
            _local(run.run_at),
            run.kind,
            run.file_name,
            run.sha256[:12],
            number(run.rows),
            _effect(run.report),
        ]
        for run in runs
    ]
    table(["Date", "Import", "Fichiers", "SHA-256", "Lignes", "Effet"], rows)


@app.command("sirene", cls=FrenchCommand)
def sirene(
    ctx: typer.Context, files: FilesArg, dry_run: DryRunOpt = False, as_json: JsonOpt = False
) -> None:
    """Compléter SIREN, nature et siège depuis un export SIRENE ou l'API Recherche d'entreprises.

    Nature tirée de la catégorie juridique INSEE : OPH 7371, ESH 5546/5646,
    coopératives 5547/5647, SEM 5515/5615 qui louent des logements ; SACICAP exclues.
    Rapprochement par SIREN puis par nom ; les champs déjà remplis ne sont jamais
    écrasés (conflits signalés). Les dirigeants ne sont jamais importés.

    Exemple : bailleurs import sirene export.csv --dry-run
    """
    _run(ctx, "sirene", files, dry_run, as_json)


@app.command("qpv", cls=FrenchCommand)
def qpv(
    ctx: typer.Context, files: FilesArg, dry_run: DryRunOpt = False, as_json: JsonOpt = False
) -> None:
    """Remplacer la liste des QPV par le fichier de l'ANCT (listeqp2024-cog2024.csv).

    Seuls les départements présents dans le fichier sont remplacés : un fichier
    réduit au 93 laisse les QPV des autres départements en place. Garde les
    arrondissements de Paris : chaque QPV parisien est alors placé dans son
    arrondissement.

    Exemple : bailleurs import qpv listeqp2024-cog2024.csv
    """
    _run(ctx, "qpv", files, dry_run, as_json)


@app.command("locaux-personnes-morales", cls=FrenchCommand)
def premises(
    ctx: typer.Context, files: FilesArg, dry_run: DryRunOpt = False, as_json: JsonOpt = False
) -> None:
    """Compter les locaux des bailleurs par commune (fichiers DGFiP des personnes morales).

    Un fichier par département ; réimporter un département remplace ses comptes.
    Les locaux comptent aussi parkings et caves : un poids relatif, pas des logements.

    Exemple : bailleurs import locaux-personnes-morales pm_93.csv
    """
    _run(ctx, "locaux-personnes-morales", files, dry_run, as_json)


@app.command("csv", cls=FrenchCommand)
def spreadsheet(
    ctx: typer.Context,
    files: FilesArg,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="CHAMP=COLONNE",
            help="Colonne d'un champ : nom, siren, sigle, nature, adresse, site, groupe, "
            "commune, note, personne, fonction, email, telephone (répétable).",
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option("--feuille", help="Feuille d'un classeur XLSX (défaut : la première)."),
    ] = None,
    dry_run: DryRunOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Importer votre tableur de bailleurs et d'interlocuteurs (CSV ou XLSX).

    Un nom seulement proche d'un bailleur connu n'est pas importé : il est signalé.

    Exemple : bailleurs import csv tableur.csv --map nom=Bailleur --map email=Courriel --dry-run
    """
    from bailleurs_cli.sources.imports.generic import parse_mapping

    _run(ctx, "csv", files, dry_run, as_json, mapping=parse_mapping(mapping or []), sheet=sheet)
