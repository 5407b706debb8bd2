"""``registry sync`` and ``registry check``: the shipped registry of landlords."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bailleurs_cli.cli._common import (
    FrenchCommand,
    JsonOpt,
    emit_json,
    info,
    out,
    state,
    sub_app,
    table,
)
from bailleurs_cli.formatting import number, pluriel

app = sub_app("Registre des bailleurs livré avec bailleurs.")

FileOpt = Annotated[
    Path | None,
    typer.Option(
        "--file",
        help="Autre fichier de registre (défaut : celui livré).",
        dir_okay=False,
        metavar="FICHIER",
    ),
]


@app.command("sync", cls=FrenchCommand)
def sync(ctx: typer.Context, file: FileOpt = None) -> None:
    """Ré-appliquer les faits du registre sans toucher à vos données.

    Étape, notes, prochaines étapes, interlocuteurs, échanges et bailleurs ajoutés
    par vous restent tels quels.

    Exemple : bailleurs registry sync
    """
    from bailleurs_cli.sources import registry as core

    st = state(ctx)
    entries = core.load(file)
    with (
        st.backup_before("avant-sync", "la synchronisation du registre"),
        st.store().write() as session,
    ):
        report = core.apply(session, entries, today=st.today)
    added = pluriel(len(report.added), "ajouté", zero="aucun ajouté")
    updated = f"{number(len(report.updated))} mis à jour" if report.updated else "aucun mis à jour"
    unchanged = pluriel(len(report.unchanged), "inchangé", zero="aucun inchangé")
    info(f"Registre appliqué : {added}, {updated}, {unchanged}.")
    for slug in report.skipped:
        info(f"Ignoré : « {slug} » existe déjà comme bailleur ajouté par vous.")
    if report.retired:
        retired = "Retiré" if len(report.retired) == 1 else "Retirés"
        info(
            f"{retired} du registre, sans rien de vous dessus : {', '.join(report.retired)} "
            "(des libellés, pas des bailleurs : voir bailleurs registry labels)."
        )
    for slug in report.released:
        info(
            f"« {slug} » n'est plus dans le registre mais vous le suivez : gardé comme "
            "bailleur ajouté par vous."
        )


@app.command("check", cls=FrenchCommand)
def check(file: FileOpt = None) -> None:
    """Valider un fichier de registre sans rien écrire.

    Exemple : bailleurs registry check --file mon-registre.yaml
    """
    from bailleurs_cli.sources import registry as core

    entries = core.load(file)
    out(f"{len(entries)} bailleurs valides dans {(file or core.shipped_path()).name}.")


@app.command("labels", cls=FrenchCommand)
def list_labels(
    ctx: typer.Context,
    commune: Annotated[
        str | None,
        typer.Option("--commune", help="Seulement ceux qui ont des logements financés ici."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Lister les libellés de la liste des logements financés à Paris, à identifier d'abord.

    Un libellé (« HAB.CONF. », « RES.L.F. »…) n'est pas un bailleur : il n'est
    rattaché à un bailleur que par le registre (source citée) ou par vous.

    Exemple : bailleurs registry labels --commune "Paris 20e"
    """
    from bailleurs_cli.ground import geo
    from bailleurs_cli.sources import labels as core

    code = geo.resolve(commune, "--commune").code if commune else None
    with state(ctx).store().read() as session:
        found = core.all_labels(session, commune=code)
    if as_json:
        emit_json(
            [
                {
                    "label": x.label,
                    "dwellings": x.dwellings,
                    "arrondissements": list(x.arrondissements),
                    "years": [x.first_year, x.last_year],
                    "landlord": x.landlord,
                    "attached_by": x.by,
                }
                for x in found
            ]
        )
        return
    todo = [x for x in found if x.landlord is None]
    table(
        ["Libellé", "Logements financés", "Arrondissements", "Années", "Bailleur"],
        [
            [
                x.label,
                number(x.dwellings),
                ", ".join(geo.display(c) for c in x.arrondissements[:4])
                + (", …" if len(x.arrondissements) > 4 else ""),
                f"{x.first_year}-{x.last_year}",
                x.landlord + (" (vous)" if x.by == "vous" else "")
                if x.landlord
                else "à identifier",
            ]
            for x in found
        ],
    )
    if not todo:
        info("Aucun libellé à identifier.")
        return
    info(
        f"{pluriel(len(todo), 'libellé')} à identifier ; rattachez-en un à un bailleur avec "
        'bailleurs registry label "LIBELLÉ" --bailleur X.'
    )


@app.command("label", cls=FrenchCommand)
def attach_label(
    ctx: typer.Context,
    label: Annotated[str, typer.Argument(metavar="LIBELLÉ", help="Libellé exact (« HAB.CONF. »).")],
    bailleur: Annotated[
        str, typer.Option("--bailleur", help="Le bailleur à qui ce libellé correspond.")
    ],
) -> None:
    """Rattacher un libellé à un bailleur : ses logements financés deviennent sa présence.

    Exemple : bailleurs registry label "HAB.CONF." --bailleur "Habitat et Confort"
    """
    from bailleurs_cli.followup.landlords import resolve
    from bailleurs_cli.sources import labels as core

    st = state(ctx)
    with st.store().write() as session:
        landlord = resolve(session, bailleur)
        count = core.attach(session, label, landlord)
        name = landlord.name
    verb = "compte" if count < 2 else "comptent"
    info(
        f"« {label} » rattaché à {name} : {pluriel(count, 'arrondissement')} de logements "
        f"financés {verb} désormais comme sa présence."
    )
