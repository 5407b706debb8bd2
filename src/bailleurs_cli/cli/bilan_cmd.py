"""``bilan``: the bilan of the workshops each partner is owed, and its handing over."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bailleurs_cli.cli._common import info, out, state
from bailleurs_cli.formatting import pluriel


def bilan(
    ctx: typer.Context,
    landlords: Annotated[
        list[str] | None,
        typer.Argument(metavar="BAILLEUR", help="Bailleurs partenaires (noms ou identifiants)."),
    ] = None,
    everything: Annotated[
        bool,
        typer.Option("--all", help="Tous les bailleurs qui ont des ateliers sur la période."),
    ] = False,
    periode: Annotated[
        str | None,
        typer.Option(
            "--periode",
            help="2027 (une année) ou 2027-02 (un mois) ; défaut : la dernière convention "
            "signée, sinon l'année en cours.",
        ),
    ] = None,
    du: Annotated[str | None, typer.Option("--du", help="Premier jour de la période.")] = None,
    au: Annotated[
        str | None, typer.Option("--au", help="Dernier jour de la période (défaut : aujourd'hui).")
    ] = None,
    numero: Annotated[
        str | None,
        typer.Option("--numero", help="La période d'une convention, par son numéro (2027-002)."),
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Dossier où écrire (défaut : ./bilans).")
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Produire aussi le PDF (LibreOffice, en un seul passage).")
    ] = False,
    anonyme: Annotated[
        bool,
        typer.Option(
            "--anonyme",
            help="« Bailleur 1 » au lieu du nom, sans aucun nom de personne (rapports externes).",
        ),
    ] = False,
    avec_textes: Annotated[
        bool,
        typer.Option(
            "--avec-textes",
            help="Avec --anonyme : garder les retours des structures (texte libre, à relire).",
        ),
    ] = False,
    remis: Annotated[
        bool,
        typer.Option(
            "--remis",
            help="Noter que le bilan déjà écrit a été remis (un échange ; le digest ne le "
            "demande plus).",
        ),
    ] = False,
    template: Annotated[
        str, typer.Option("--template", help="Autre modèle de bilan (templates list).")
    ] = "bilan",
    force: Annotated[
        bool, typer.Option("--force", help="Remplacer les fichiers existants.")
    ] = False,
) -> None:
    """Écrire le bilan des ateliers d'un bailleur partenaire, avec son graphique.

    Par atelier et pour toute la période : participants, locataires du bailleur face à
    sa cible, familles, assiduité, satisfaction, retour des structures, visite du
    bailleur, contributions valorisées dans la convention, suite et renouvellement.
    Avec --remis, note que le bilan a été remis au bailleur.

    Exemple : bailleurs bilan rivp --periode 2027-02 --pdf
    """
    from bailleurs_cli.documents import bilans
    from bailleurs_cli.privacy.anonymity import rule_of

    rule_of(anonyme, avec_textes)  # --avec-textes needs --anonyme
    st = state(ctx)
    request = bilans.BilanRequest(
        landlords=tuple(landlords or ()),
        everything=everything,
        period=periode,
        start=du,
        end=au,
        number=numero,
        out_dir=out_dir or Path("bilans"),
        pdf=pdf,
        anonymous=anonyme,
        texts=avec_textes,
        force=force,
        template=template,
    )
    if remis:
        done = bilans.deliver(st.store(), request, settings=st.settings, today=st.today)
        if not done:
            info("Aucun bailleur n'a d'atelier noté sur cette période : rien à noter.")
        for handed in done:
            under = f" ; convention n° {handed.convention}" if handed.convention else ""
            info(
                f"{handed.label} noté comme remis à {handed.name} ({handed.file.name}, "
                f"échange n° {handed.exchange_id}{under})."
            )
        return
    report = bilans.write(st.store(), request, settings=st.settings, today=st.today)
    if not report.written:
        info("Aucun bailleur n'a d'atelier noté sur cette période : aucun bilan écrit.")
        return
    for item in report.written:
        out(str(item.target))
    for made in report.pdfs:
        out(str(made))
    for item in report.written:
        info(f"Bilan des ateliers {item.period.label} {item.summary}.")
    for warning in report.warnings:
        info(f"Attention : {warning}.")
    if len(report.written) > 1 or report.pdfs:
        pdfs = f", {len(report.pdfs)} PDF" if report.pdfs else ""
        info(f"{pluriel(len(report.written), 'bilan écrit', 'bilans écrits')}{pdfs}.")
    if not anonyme:
        which = "--all" if everything else " ".join(i.landlord.slug for i in report.written)
        info(f"Une fois remis : bailleurs bilan {which} --remis, avec les mêmes options.")
