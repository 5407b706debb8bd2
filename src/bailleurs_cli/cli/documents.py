"""``letter``, ``convention``, ``templates``: documents from Word-editable templates."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bailleurs_cli.cli._common import (
    CommuneFilterOpt,
    DepartementFilterOpt,
    FrenchCommand,
    PriorityFilterOpt,
    QpvFilterOpt,
    error,
    info,
    out,
    state,
    sub_app,
    table,
)
from bailleurs_cli.formatting import pluriel, short_date

if TYPE_CHECKING:
    from bailleurs_cli.cli._common import State
    from bailleurs_cli.documents.letters import Job, LetterRequest, LetterRun

OutOpt = Annotated[
    Path | None, typer.Option("--out", help="Dossier où écrire (défaut : ./courriers).")
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Remplacer les fichiers existants.")]
PdfOpt = Annotated[
    bool, typer.Option("--pdf", help="Produire aussi le PDF (LibreOffice, en un seul passage).")
]


def _summary(report: LetterRun, dry_run: bool = False) -> None:
    for job in report.failed:
        error(f"Échec : {job.name} ({job.slug}) — {job.problem}.")
    done = "à écrire" if dry_run else "écrit"
    written = len(report.written)
    parts = [
        pluriel(
            written,
            f"document {done}",
            "documents à écrire" if dry_run else "documents écrits",
            zero=f"aucun document {done}",
        )
    ]
    if report.pdfs:
        parts.append(f"{len(report.pdfs)} PDF")
    parts.append(
        pluriel(
            len(report.skipped),
            "ignoré car existant (--force pour remplacer)",
            "ignorés car existants (--force pour remplacer)",
            zero="aucun ignoré",
        )
    )
    parts.append(pluriel(len(report.failed), "échec", zero="aucun échec"))
    info(", ".join(parts) + ".")


def _say_known(jobs: list[Job]) -> None:
    """Prospection letters to landlords already in talks or partners: written, and said."""
    if len(jobs) == 1:
        info(
            f"Attention : {jobs[0].name} est à l'étape {jobs[0].known_stage} ; ce courrier "
            "de prospection lui présente l'association comme à un bailleur qui ne la "
            "connaît pas (--template relance ou remerciement ?)."
        )
    elif jobs:
        names = ", ".join(job.name for job in jobs[:3]) + ("…" if len(jobs) > 3 else "")
        info(
            f"Attention : {len(jobs)} de ces bailleurs sont déjà en discussion, en proposition "
            f"ou partenaires ({names}) ; ces courriers de prospection les abordent comme des "
            "bailleurs qui ne connaissent pas l'association."
        )


def _say_replaced(jobs: list[Job]) -> None:
    """Steps the user had planned, replaced by the letters' relaunch (``--log``)."""
    if not jobs:
        return
    listed = " ; ".join(
        f"{job.name} (« {job.replaced[0]} », {short_date(job.replaced[1])})"
        for job in jobs
        if job.replaced
    )
    if len(jobs) == 1:
        job = jobs[0]
        assert job.replaced is not None
        action, due = job.replaced
        info(
            f"Attention : l'étape prévue pour {listed} est remplacée par la relance de ce "
            f'courrier ; pour la garder : bailleurs plan {job.slug} {due.isoformat()} "{action}".'
        )
        return
    info(
        f"Attention : {len(jobs)} étapes prévues sont remplacées par la relance de ces "
        f"courriers : {listed} ; replanifiez-les avec bailleurs plan si besoin."
    )


def _warn(jobs: list[Job]) -> None:
    """Letters written all the same that recall no exchange: one line on stderr."""
    warned = [job for job in jobs if job.warning and not job.problem and not job.skipped]
    if len(warned) == 1:
        info(f"Attention : {warned[0].warning}.")
    elif warned:
        names = ", ".join(job.name for job in warned[:3]) + ("…" if len(warned) > 3 else "")
        info(
            f"Attention : aucun échange noté avec {len(warned)} de ces bailleurs ({names}) ; "
            "leurs courriers ne rappellent donc aucun échange précédent."
        )


def letter(
    ctx: typer.Context,
    landlords: Annotated[
        list[str] | None,
        typer.Argument(metavar="BAILLEUR", help="Bailleurs (noms, alias ou identifiants)."),
    ] = None,
    template: Annotated[
        str, typer.Option("--template", help="Modèle : prospection, relance, remerciement…")
    ] = "prospection",
    everything: Annotated[
        bool, typer.Option("--all", help="Tous les bailleurs retenus par les filtres.")
    ] = False,
    stage: Annotated[str | None, typer.Option("--stage", help="Filtre : étape.")] = None,
    departement: DepartementFilterOpt = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Filtre : nature.")] = None,
    search: Annotated[str | None, typer.Option("--search", help="Filtre : texte.")] = None,
    commune: CommuneFilterOpt = None,
    qpv: QpvFilterOpt = None,
    priorite: PriorityFilterOpt = None,
    out_dir: OutOpt = None,
    fmt: Annotated[
        str, typer.Option("--format", help="docx (courrier) ou eml (brouillon d'e-mail).")
    ] = "docx",
    pdf: PdfOpt = False,
    log: Annotated[
        bool, typer.Option("--log", help="Noter chaque envoi comme échange, avec sa relance.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Dire ce qui serait écrit, sans rien écrire.")
    ] = False,
    force: ForceOpt = False,
    avec: Annotated[
        str | None,
        typer.Option(
            "--avec",
            help="Association alliée qui écrit et signe avec vous (bailleurs allie list).",
        ),
    ] = None,
) -> None:
    """Écrire des courriers depuis un modèle Word, un par bailleur.

    Un fichier existant est ignoré sans --force : relancer la même commande reprend
    un envoi interrompu. Avec --avec, le courrier est commun : les deux associations
    y sont nommées et le signent ; --log note l'échange avec l'alliée.

    Exemple : bailleurs letter --all --priorite haute --stage identifie --template prospection
    """
    from bailleurs_cli.documents import letters

    st = state(ctx)
    request = letters.LetterRequest(
        template=template,
        landlords=tuple(landlords or ()),
        everything=everything,
        stage=stage,
        departement=departement,
        kind=kind,
        search=search,
        commune=commune,
        qpv=qpv,
        priority=priorite,
        out_dir=out_dir or Path("courriers"),
        fmt=fmt,
        pdf=pdf,
        log=log,
        force=force,
        ally=avec,
    )
    if dry_run:
        _, _, jobs = letters.prepare(st.store(), request, settings=st.settings, today=st.today)
        _warn(jobs)
        _dry_run(jobs)
        return
    report = _send_with_progress(st, request)
    for job in report.written:
        out(str(job.target))
    for made in report.pdfs:
        out(str(made))
    if report.caught_up == 1:
        info(
            "1 courrier d'un envoi interrompu, déjà écrit mais pas encore noté : noté "
            "maintenant, à la date de son fichier."
        )
    elif report.caught_up:
        info(
            f"{pluriel(report.caught_up, 'courrier')} d'un envoi interrompu, déjà écrits mais "
            "pas encore notés : notés maintenant, à la date de leur fichier."
        )
    if report.logged:
        logged = (
            "1 envoi noté comme échange, avec sa relance"
            if report.logged == 1
            else f"{pluriel(report.logged, 'envoi')} notés comme échanges, avec leur relance"
        )
        info(
            f"{logged} (lot {report.batch} ; pour l'annuler : "
            f"bailleurs exchange delete --lot {report.batch})."
        )
    if not (report.written or report.skipped or report.failed):
        info("Aucun bailleur ne correspond à ces critères.")
        return
    _warn(report.written)
    _say_known([job for job in report.written if job.known_stage])
    _say_replaced([job for job in report.written if job.replaced])
    _summary(report)
    if report.failed:
        raise typer.Exit(1)


def _dry_run(jobs: list[Job]) -> None:
    for job in jobs:
        if job.problem:
            out(f"échec    {job.target}  ({job.name} : {job.problem})")
        elif job.skipped:
            out(f"ignoré   {job.target}  (existe déjà ; --force pour remplacer)")
        else:
            out(f"écrirait {job.target}")
    todo = sum(1 for j in jobs if not j.problem and not j.skipped)
    failures = sum(1 for j in jobs if j.problem)
    planned = f", {pluriel(failures, 'échec prévu', 'échecs prévus')}" if failures else ""
    todo_text = pluriel(
        todo, "document à écrire", "documents à écrire", zero="aucun document à écrire"
    )
    info(f"Simulation : {todo_text}{planned}, rien n'a été écrit.")


def _send_with_progress(st: State, request: LetterRequest) -> LetterRun:
    from bailleurs_cli.documents import letters

    if not sys.stderr.isatty():
        return letters.send(st.store(), request, settings=st.settings, today=st.today)
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task("Courriers", total=None)
        return letters.send(
            st.store(),
            request,
            settings=st.settings,
            today=st.today,
            on_done=lambda _job: progress.advance(task),
        )


def convention(
    ctx: typer.Context,
    landlord: Annotated[str, typer.Argument(metavar="BAILLEUR", help="Bailleur partenaire.")],
    contribution: Annotated[
        list[str] | None,
        typer.Option(
            "--contribution",
            help="locaux, communication ou mobilisation (répétable ; locaux=800 pour valoriser).",
        ),
    ] = None,
    site: Annotated[
        list[str] | None, typer.Option("--site", help="Lieu des ateliers (répétable).")
    ] = None,
    debut: Annotated[str | None, typer.Option("--debut", help="Premier jour des ateliers.")] = None,
    fin: Annotated[str | None, typer.Option("--fin", help="Dernier jour des ateliers.")] = None,
    valeur: Annotated[
        str | None, typer.Option("--valeur", help="Valorisation totale des contributions (€).")
    ] = None,
    montant: Annotated[
        str | None,
        typer.Option("--montant", help="Participation financière (€) : convention financière."),
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--type", help="non financier (défaut) ou financier.")
    ] = None,
    couvre: Annotated[
        str | None, typer.Option("--couvre", help="Ce que couvre le montant.")
    ] = None,
    echeancier: Annotated[
        str | None, typer.Option("--echeancier", help="Échéancier des versements.")
    ] = None,
    pieces: Annotated[
        str | None, typer.Option("--pieces", help="Pièces justificatives demandées.")
    ] = None,
    objet: Annotated[str | None, typer.Option("--objet", help="Objet de la convention.")] = None,
    referent_association: Annotated[
        str | None, typer.Option("--referent-association", help="Référent de l'association.")
    ] = None,
    referent_bailleur: Annotated[
        str | None, typer.Option("--referent-bailleur", help="Référent du bailleur.")
    ] = None,
    signataire_bailleur: Annotated[
        str | None, typer.Option("--signataire-bailleur", help="Qui signe pour le bailleur.")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="brouillon, envoyée, signée, échue (seul : met à jour)."),
    ] = None,
    bilan_remis: Annotated[
        bool, typer.Option("--bilan-remis", help="Noter que le bilan a été remis (aujourd'hui).")
    ] = False,
    numero: Annotated[
        str | None,
        typer.Option("--numero", help="La convention visée, par son numéro (2027-002)."),
    ] = None,
    renouveler: Annotated[
        bool,
        typer.Option(
            "--renouveler",
            help="Établir la période suivante (--debut, --fin), aux mêmes termes sauf changement.",
        ),
    ] = False,
    template: Annotated[
        str | None, typer.Option("--template", help="Autre modèle de convention.")
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Dossier où écrire (défaut : ./conventions).")
    ] = None,
    pdf: PdfOpt = False,
    force: ForceOpt = False,
) -> None:
    """Établir une convention de partenariat (non financier par défaut) et l'enregistrer.

    Avec --status seul, met à jour le statut de la dernière convention du bailleur (ou
    de celle de --numero) ; signée, le bailleur passe à l'étape partenaire. Avec
    --renouveler, la convention de la période suivante reprend les termes de la
    précédente, sauf ce que vous changez.

    Exemple : bailleurs convention rivp --contribution locaux --contribution communication
    --site "Centre social Belleville, Paris 20e" --debut 2027-02-10 --fin 2027-02-14 --valeur 1200
    """
    from bailleurs_cli.followup import partnerships

    st = state(ctx)
    data = partnerships.ConventionInput(
        kind=kind,
        contributions=contribution or [],
        sites=site or [],
        start=debut,
        end=fin,
        value=valeur,
        amount=montant,
        covers=couvre,
        schedule=echeancier,
        pieces=pieces,
        object=objet,
        referent_association=referent_association,
        referent_landlord=referent_bailleur,
        landlord_signatory=signataire_bailleur,
        status=status,
    )
    if bilan_remis:
        with st.store().write() as session:
            record, before = partnerships.bilan_delivered(
                session, landlord, today=st.today, again=False
            )
            number = record.number or str(record.id)
        if before is not None:
            info(
                f"Bilan déjà noté comme remis le {short_date(before)} pour la convention "
                f"n° {number} ; rien n'a changé."
            )
        else:
            info(f"Bilan noté comme remis pour la convention n° {number}.")
        return
    if data.only_status():
        from bailleurs_cli.formatting import CONVENTION_STATUS_LABELS, de

        assert status is not None
        with st.store().write() as session:
            record, moved = partnerships.set_status(
                session,
                landlord,
                status,
                today=st.today,
                number=numero,
                default_delay=st.settings.delay_for("email"),
            )
            shown, numbered = record.status, record.number
            from bailleurs_cli.store.models import Landlord

            owner = session.get(Landlord, record.landlord_id)
            name = owner.name if owner else landlord
        label = CONVENTION_STATUS_LABELS.get(shown, shown)
        info(f"Convention n° {numbered} {de(name)} : {label}.")
        if moved:
            info(f"{name} passe à l'étape partenaire.")
        return
    if renouveler:
        with st.store().read() as session:
            data = partnerships.renewal(session, landlord, data, number=numero)
    from bailleurs_cli.documents import conventions

    made = conventions.write_convention(
        st.store(),
        landlord,
        data,
        settings=st.settings,
        today=st.today,
        template=template,
        out_dir=out_dir or Path("conventions"),
        force=force,
        pdf=pdf,
    )
    out(str(made.path))
    if made.pdf:
        out(str(made.pdf))
    from bailleurs_cli.formatting import CONVENTION_STATUS_LABELS

    label = CONVENTION_STATUS_LABELS.get(made.status, made.status)
    renewed = " (renouvellement)" if renouveler else ""
    info(f"Convention n° {made.number}{renewed} enregistrée pour {made.landlord} ({label}).")


templates_app = sub_app(
    "Modèles Word des courriers et conventions : lister, documenter, exporter, vérifier."
)


@templates_app.command("list", cls=FrenchCommand)
def templates_list(ctx: typer.Context) -> None:
    """Lister les modèles disponibles (les vôtres remplacent ceux livrés).

    Exemple : bailleurs templates list
    """
    from bailleurs_cli.documents import engine

    custom = state(ctx).settings.templates_dir
    rows = []
    for item, path in engine.available(custom):
        origin = "personnalisé" if custom and path.parent == custom else "livré"
        rows.append([item.name, item.kind, item.title, origin])
    table(["Modèle", "Type", "Usage", "Origine"], rows)


@templates_app.command("variables", cls=FrenchCommand)
def templates_variables(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(metavar="MODÈLE", help="Nom du modèle (prospection, convention-…).")
    ],
) -> None:
    """Lister les variables qu'un modèle peut utiliser, avec des exemples.

    Exemple : bailleurs templates variables prospection
    """
    from bailleurs_cli.documents import contexts, engine, kinds

    engine.find_template(name, state(ctx).settings.templates_dir)  # an unknown name is an error
    model = kinds.context_for(kinds.info_for(name).kind)
    rows = [
        [f"{{{{ {path} }}}}", text, example] for path, text, example in contexts.describe(model)
    ]
    table(["Variable", "Description", "Exemple"], rows)
    info(
        "Filtres : date_lettre (1er décembre 2026), date_longue (mardi 1er décembre 2026), "
        "montant (1 200 €). Paragraphes facultatifs : {%p if … %} … {%p endif %} ; "
        "lignes de tableau répétées : {%tr for … %} … {%tr endfor %}."
    )


@templates_app.command("export", cls=FrenchCommand)
def templates_export(
    folder: Annotated[
        Path, typer.Argument(metavar="DOSSIER", help="Dossier où copier les modèles à modifier.")
    ],
    force: ForceOpt = False,
) -> None:
    """Copier les modèles livrés pour les modifier dans Word ; la configuration y pointe.

    Exemple : bailleurs templates export ~/modeles
    """
    from bailleurs_cli.documents import engine

    written = engine.export_templates(folder.expanduser(), force=force)
    for path in written:
        out(str(path))
    info(
        f"{len(written)} modèles copiés ; la configuration utilise désormais "
        f"{folder.expanduser().resolve()}."
    )


@templates_app.command("check", cls=FrenchCommand)
def templates_check(
    file: Annotated[
        Path, typer.Argument(metavar="FICHIER", help="Modèle .docx modifié dans Word.")
    ],
    kind: Annotated[
        str | None, typer.Option("--type", help="courrier ou convention (déduit du nom sinon).")
    ] = None,
) -> None:
    """Vérifier un modèle modifié : balises coupées ou abîmées, variables inconnues.

    Exemple : bailleurs templates check ~/modeles/prospection.docx
    """
    from bailleurs_cli.documents import template_check

    template_check.require_usable(file.expanduser(), kind=kind or "")
    info(f"{file.name} : aucun problème trouvé.")
