"""``allie add``, ``allie edit``, ``allie list``: allied associations for joint approaches."""

from __future__ import annotations

from typing import Annotated

import typer

from bailleurs_cli.cli._common import (
    FrenchCommand,
    JsonOpt,
    emit_json,
    info,
    state,
    sub_app,
    table,
)

app = sub_app("Associations alliées, pour écrire et signer ensemble aux bailleurs (letter --avec).")


@app.command("add", cls=FrenchCommand)
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NOM", help="Nom de l'association alliée.")],
    contact: Annotated[str, typer.Option("--contact", help="Personne à contacter chez elle.")],
    email: Annotated[str | None, typer.Option("--email", help="Son adresse e-mail.")] = None,
    telephone: Annotated[
        str | None, typer.Option("--telephone", help="Son téléphone (01 23 45 67 89).")
    ] = None,
    territoire: Annotated[
        list[str] | None,
        typer.Option("--territoire", help="Département où elle agit (répétable : 93, 75…)."),
    ] = None,
    signataire: Annotated[
        str | None,
        typer.Option("--signataire", help="Qui signe les courriers communs (défaut : le contact)."),
    ] = None,
) -> None:
    """Enregistrer une association alliée, pour des démarches communes.

    Exemple : bailleurs allie add "Les Petits Débrouillards IDF" --contact "Jeanne Roux"
    --email idf@debrouillards.example --telephone "01 23 45 67 89" --territoire 93
    """
    from bailleurs_cli.followup import allies

    data = allies.AllyInput(
        name=name,
        contact=contact,
        email=email,
        phone=telephone,
        departements=tuple(territoire or ()),
        signatory=signataire,
    )
    with state(ctx).store().write() as session:
        ally = allies.add(session, data)
        shown, slug = ally.name, ally.slug
    info(
        f"Association alliée ajoutée : {shown} ({slug}) ; pour un courrier commun : "
        f"bailleurs letter BAILLEUR --avec {slug}"
    )


@app.command("edit", cls=FrenchCommand)
def edit(
    ctx: typer.Context,
    ally: Annotated[
        str, typer.Argument(metavar="ALLIEE", help="Son identifiant ou son nom (allie list).")
    ],
    name: Annotated[str | None, typer.Option("--nom", help="Nouveau nom.")] = None,
    contact: Annotated[
        str | None, typer.Option("--contact", help="Personne à contacter chez elle.")
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help='Son adresse e-mail ("" pour l\'effacer).')
    ] = None,
    telephone: Annotated[
        str | None, typer.Option("--telephone", help='Son téléphone ("" pour l\'effacer).')
    ] = None,
    territoire: Annotated[
        list[str] | None,
        typer.Option(
            "--territoire",
            help='Départements où elle agit, à la place des précédents (répétable ; "" : aucun).',
        ),
    ] = None,
    signataire: Annotated[
        str | None,
        typer.Option("--signataire", help='Qui signe les courriers communs ("" : le contact).'),
    ] = None,
) -> None:
    """Modifier une association alliée (seules les options données changent).

    Son identifiant ne change pas, même avec --nom : les courriers communs déjà
    enregistrés et les scripts qui la nomment la retrouvent.

    Exemple : bailleurs allie edit les-petits-debrouillards-idf --contact "Paul Martin"
    --email paul.martin@debrouillards.example
    """
    from bailleurs_cli.followup import allies

    changes = allies.AllyChanges(
        name=name,
        contact=contact,
        email=email,
        phone=telephone,
        departements=tuple(territoire) if territoire is not None else None,
        signatory=signataire,
    )
    with state(ctx).store().write() as session:
        found = allies.edit(session, ally, changes)
        shown, slug = found.name, found.slug
    info(f"Association alliée mise à jour : {shown} ({slug}).")


@app.command("list", cls=FrenchCommand)
def list_allies(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Lister les associations alliées.

    Exemple : bailleurs allie list --json
    """
    from bailleurs_cli.followup import allies
    from bailleurs_cli.formatting import departements_text

    with state(ctx).store().read() as session:
        found = allies.listing(session)
        data = [allies.as_json(a) for a in found]
        rows = [
            [
                a.name,
                a.slug,
                a.contact or "",
                " · ".join(x for x in (a.email, a.phone) if x),
                departements_text(list(a.departements)),
            ]
            for a in found
        ]
    if as_json:
        emit_json(data)
        return
    if not rows:
        info(
            'Aucune association alliée ; exemple : bailleurs allie add "Les Petits '
            'Débrouillards IDF" --contact "Jeanne Roux" --territoire 93'
        )
        return
    table(["Association", "Identifiant", "Contact", "Coordonnées", "Territoire"], rows)
