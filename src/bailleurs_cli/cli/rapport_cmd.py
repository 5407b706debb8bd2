"""``rapport``: the activity report of a period, as one HTML page, Markdown or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bailleurs_cli.cli._common import (
    AnonymousOpt,
    DepartementFilterOpt,
    JsonOpt,
    emit_json,
    info,
    out,
    state,
)


def rapport(
    ctx: typer.Context,
    du: Annotated[
        str | None,
        typer.Option(
            "--du",
            help="Premier jour de la période (défaut : les douze derniers mois, celui de --au "
            "compris).",
        ),
    ] = None,
    au: Annotated[
        str | None, typer.Option("--au", help="Dernier jour de la période (défaut : aujourd'hui).")
    ] = None,
    departement: DepartementFilterOpt = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="html (défaut, une page autonome), md ou json."),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Dossier où écrire (défaut : ./rapport-AAAA-MM-JJ, la date du jour).",
            metavar="DOSSIER",
        ),
    ] = None,
    anonyme: AnonymousOpt = False,
    avec_textes: Annotated[
        bool,
        typer.Option(
            "--avec-textes",
            help="Avec --anonyme : garder les textes libres (prochaines étapes), à relire.",
        ),
    ] = False,
    json_output: JsonOpt = False,
    force: Annotated[
        bool, typer.Option("--force", help="Remplacer le rapport s'il existe déjà.")
    ] = False,
) -> None:
    """Écrire le rapport d'activité d'une période, pour le bureau, les financeurs ou les
    bailleurs.

    En une page HTML autonome (sans connexion, imprimable sur A4) : le résumé de la
    période, l'entonnoir des étapes (passages d'une étape à l'autre, durée médiane dans
    chacune), les échanges par mois et par canal, les conventions par statut avec leurs
    contributions valorisées et leurs montants, les ateliers et leurs participants par
    bailleur et par QPV, la part de locataires face à la cible de chaque bailleur, les
    bailleurs en retard ou sans prochaine étape, et les bailleurs prioritaires de vos
    territoires jamais approchés. Les mêmes chiffres en Markdown (--format md) ou en
    JSON (--format json, ou --json sur la sortie standard). Affiche le chemin écrit.

    Exemple : bailleurs rapport --du 2026-09-01 --au 2027-08-31 --departement 93 --anonyme
    """
    from bailleurs_cli import files
    from bailleurs_cli.errors import InvalidInput
    from bailleurs_cli.privacy.anonymity import rule_of
    from bailleurs_cli.report import figures, pages

    st = state(ctx)
    rule = rule_of(anonyme, avec_textes)
    if json_output and (fmt is not None or out_dir is not None):
        raise InvalidInput(
            "--json : les chiffres vont sur la sortie standard ; retirez --format et --out, "
            "ou écrivez un fichier avec --format json."
        )
    chosen = (fmt or "html").strip().lower()
    if chosen == "markdown":
        chosen = "md"
    if chosen not in pages.FORMATS:
        raise InvalidInput(f"--format : « {fmt} » inconnu ; valeurs possibles : html, md, json.")
    scope = figures.scope_of(du, au, departement, rule, today=st.today)
    target = None
    if not json_output:
        folder = out_dir if out_dir is not None else Path(f"rapport-{st.today.isoformat()}")
        if folder.exists() and not folder.is_dir():
            raise InvalidInput(f"--out : {folder} est un fichier ; donnez un dossier.")
        target = folder / pages.file_name(chosen, rule)
        files.refuse_overwrite(target, force)  # before reading the store
    association = st.settings.association.get("nom")
    with st.store().read() as session:
        built = figures.build(
            session,
            scope,
            today=st.today,
            territories=st.settings.territories,
            association=association,
        )
    if target is None:
        emit_json(pages.to_json(built))
        return
    files.write_atomic(target, pages.render(built, chosen), parents=True)
    out(str(target))
    for sentence in built.summary:
        info(sentence)
