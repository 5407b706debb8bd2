"""``list``, ``show``, ``add``, ``edit``: the landlords."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bailleurs_cli.cli._common import (
    CommuneFilterOpt,
    DepartementFilterOpt,
    JsonOpt,
    PriorityFilterOpt,
    QpvFilterOpt,
    emit_json,
    info,
    out,
    state,
    table,
)
from bailleurs_cli.formatting import KIND_SHORT, stage_label

if TYPE_CHECKING:
    from bailleurs_cli.followup import landlords as core

LandlordArg = Annotated[
    str,
    typer.Argument(
        metavar="BAILLEUR", help="Bailleur : nom, alias, ancien nom ou identifiant (rivp)."
    ),
]


def list_landlords(
    ctx: typer.Context,
    stage: Annotated[
        str | None, typer.Option("--stage", help="Étape : identifié, contacté, en discussion…")
    ] = None,
    departement: DepartementFilterOpt = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Nature : oph, esh, sem, coop, autre, inconnu.")
    ] = None,
    search: Annotated[
        str | None, typer.Option("--search", help="Texte cherché dans les noms, villes, notes.")
    ] = None,
    commune: CommuneFilterOpt = None,
    qpv: QpvFilterOpt = None,
    priorite: PriorityFilterOpt = None,
    sort: Annotated[
        str,
        typer.Option("--sort", help="Ordre : nom, ou priorite (selon vos territoires)."),
    ] = "nom",
    as_json: JsonOpt = False,
) -> None:
    """Lister les bailleurs, filtrés par étape, département, nature, lieu, priorité ou texte.

    Exemple : bailleurs list --qpv QN09342M --sort priorite
    """
    from bailleurs_cli import shapes
    from bailleurs_cli.cli import render
    from bailleurs_cli.followup import lookup
    from bailleurs_cli.ground import priority

    st = state(ctx)
    territories = st.settings.territories
    with st.reading() as reader:
        found = lookup.search(
            reader,
            stage=stage,
            departement=departement,
            kind=kind,
            text=search,
            commune=commune,
            qpv=qpv,
            priority=priorite,
            territories=territories,
            sort=sort,
        )
        levels = priority.labels(reader, territories)
        rows = [shapes.landlord_summary(ll, levels.get(ll.id or 0)) for ll in found]
    if as_json:
        emit_json(rows)
        return
    if not rows:
        info("Aucun bailleur ne correspond à ces critères.")
        return
    ranked = territories.configured
    table(
        ["Identifiant", "Nom", "Nature", "Dép.", *(["Priorité"] if ranked else []), "Étape",
         "Prochaine étape"],
        [
            [
                r["landlord"],
                r["name"],
                KIND_SHORT.get(r["kind"], r["kind"]),
                ", ".join(r["departements"]),
                *([r["priority"]] if ranked else []),
                stage_label(r["stage"]),
                render.step_text(r["next_action"], r["next_due"]),
            ]
            for r in rows
        ],
    )  # fmt: skip


def show(ctx: typer.Context, landlord: LandlordArg, as_json: JsonOpt = False) -> None:
    """Afficher la fiche d'un bailleur : faits, interlocuteurs, échanges, étape, suite.

    Exemple : bailleurs show "plaine commune"
    """
    from bailleurs_cli.cli import render
    from bailleurs_cli.followup import allies, lookup, workshops

    st = state(ctx)
    with st.reading() as reader:
        detail = lookup.detail(reader, landlord, territories=st.settings.territories)
        held = workshops.listing(reader, landlord=detail.landlord)
        joint = allies.joint_approaches(reader, detail.landlord)
        if as_json:
            emit_json(
                {
                    **render.detail_json(detail),
                    "tenant_target": list(workshops.target(detail.landlord)),
                    "workshops": [workshops.as_json(w, ll) for w, ll in held],
                    "joint_approaches": [allies.approach_json(item) for item in joint],
                }
            )
            return
        lines = render.detail_lines(detail, today=st.today)
        lines += render.workshop_lines(held)
        if joint:  # with other associations (thesis, recommendation 2)
            lines.append(f"Démarches communes ({len(joint)})\u00a0:")
            lines.extend("  - " + allies.approach_line(item) for item in joint)
    for line in lines:
        out(line)


def _common_fields(
    kind: str | None,
    departement: list[str] | None,
    adresse: str | None,
    siren: str | None,
    site: str | None,
    groupe: str | None,
    description: str | None,
    alias: list[str] | None,
    note: str | None,
    name: str | None = None,
) -> core.LandlordInput:
    from bailleurs_cli.followup import landlords as core

    return core.LandlordInput(
        name=name,
        kind=kind,
        departements=departement or None,
        address=adresse,
        siren=siren,
        website=site,
        group=groupe,
        description=description,
        aliases=alias or None,
        notes=note,
    )


KindOpt = Annotated[
    str | None, typer.Option("--kind", help="Nature : oph, esh, sem, coop, autre, inconnu.")
]
DepOpt = Annotated[
    list[str] | None,
    typer.Option("--departement", help="Département où il est présent (répétable)."),
]
AddressOpt = Annotated[
    str | None,
    typer.Option("--adresse", help="Siège : « 6 rue Carnot, 93100 Montreuil » (CEDEX accepté)."),
]
SirenOpt = Annotated[str | None, typer.Option("--siren", help="SIREN (9 chiffres).")]
SiteOpt = Annotated[str | None, typer.Option("--site", help="Site web (https://…).")]
GroupOpt = Annotated[str | None, typer.Option("--groupe", help="Groupe ou actionnaire.")]
DescOpt = Annotated[str | None, typer.Option("--description", help="Courte description.")]
AliasOpt = Annotated[
    list[str] | None, typer.Option("--alias", help="Autre nom ou sigle (répétable).")
]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Note libre.")]


def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NOM", help="Nom du bailleur.")],
    kind: KindOpt = "inconnu",
    departement: DepOpt = None,
    adresse: AddressOpt = None,
    siren: SirenOpt = None,
    site: SiteOpt = None,
    groupe: GroupOpt = None,
    description: DescOpt = None,
    alias: AliasOpt = None,
    note: NoteOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="Créer même si un bailleur au nom proche existe.")
    ] = False,
) -> None:
    """Ajouter un bailleur absent du registre (refuse un quasi-doublon sans --force).

    Exemple : bailleurs add "Habitat Solidaire de Bobigny" --kind oph --departement 93
    """
    from bailleurs_cli.followup import landlords as core

    st = state(ctx)
    data = _common_fields(
        kind, departement, adresse, siren, site, groupe, description, alias, note, name=name
    )
    with st.store().write() as session:
        landlord = core.add(session, data, today=st.today, force=force)
        slug, shown = landlord.slug, landlord.name
    info(f"Bailleur ajouté : {shown} ({slug}), étape identifié.")
    out(slug)


def edit(
    ctx: typer.Context,
    landlord: LandlordArg,
    name: Annotated[str | None, typer.Option("--name", help="Nouveau nom.")] = None,
    kind: KindOpt = None,
    departement: DepOpt = None,
    adresse: AddressOpt = None,
    siren: SirenOpt = None,
    site: SiteOpt = None,
    groupe: GroupOpt = None,
    description: DescOpt = None,
    alias: AliasOpt = None,
    note: NoteOpt = None,
    present: Annotated[
        list[str] | None,
        typer.Option("--present", help="Commune où vous savez qu'il est présent (répétable)."),
    ] = None,
    qpv: Annotated[
        list[str] | None,
        typer.Option("--qpv", help="QPV où vous savez qu'il a des logements (code, répétable)."),
    ] = None,
    tenant_target: Annotated[
        str | None,
        typer.Option(
            "--cible-locataires",
            metavar="MIN-MAX",
            help="Part de ses locataires attendue parmi les participants, en % (défaut 15-30).",
        ),
    ] = None,
) -> None:
    """Modifier la fiche d'un bailleur (seules les options données changent).

    --present et --qpv notent ce que vous apprenez sur le terrain (par exemple auprès
    du service politique de la ville) : la priorité en tient compte. --cible-locataires
    est la part de ses locataires que le bailleur attend parmi les participants.

    Exemple : bailleurs edit rivp --note "Contact via la politique de la ville du 20e"
    """
    from bailleurs_cli.followup import landlords as core

    st = state(ctx)
    data = _common_fields(
        kind, departement, adresse, siren, site, groupe, description, alias, note, name=name
    )
    wanted = None
    if tenant_target is not None:
        from bailleurs_cli.followup.workshops import parse_target

        wanted = parse_target(tenant_target)
    with st.store().write() as session:
        if present or qpv or wanted:
            found = core.resolve(session, landlord)
            if present or qpv:
                core.declare_presence(session, found, present or [], qpv or [])
            if wanted is not None:
                found.tenant_target_min, found.tenant_target_max = wanted
                session.add(found)
            if any(v is not None for v in vars(data).values()):
                core.edit(session, landlord, data)
            shown = found.name
        else:
            shown = core.edit(session, landlord, data).name
    info(f"Fiche mise à jour : {shown}.")
