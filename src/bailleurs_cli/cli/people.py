"""``person add/list/edit/remove``: the people at a landlord."""

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
from bailleurs_cli.cli.landlords import LandlordArg

app = sub_app("Gérer les interlocuteurs d'un bailleur (données personnelles : RGPD).")

PersonArg = Annotated[str, typer.Argument(metavar="NOM", help="Nom de l'interlocuteur.")]
RoleOpt = Annotated[str | None, typer.Option("--role", help="Fonction (ex. responsable DSU).")]
EmailOpt = Annotated[str | None, typer.Option("--email", help="Adresse e-mail.")]
PhoneOpt = Annotated[
    str | None, typer.Option("--phone", help="Téléphone français (01 23 45 67 89).")
]
TerritoryOpt = Annotated[
    str | None, typer.Option("--territoire", help="Agence, territoire ou arrondissement suivi.")
]
SourceOpt = Annotated[str | None, typer.Option("--source", help="D'où vient l'information (RGPD).")]


@app.command("add", cls=FrenchCommand)
def add(
    ctx: typer.Context,
    landlord: LandlordArg,
    name: PersonArg,
    role: RoleOpt = None,
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    territoire: TerritoryOpt = None,
    source: SourceOpt = None,
) -> None:
    """Ajouter un interlocuteur chez un bailleur.

    Exemple : bailleurs person add rivp "Awa Diallo" --email awa.diallo@example.org
    """
    from bailleurs_cli import people as core

    data = core.PersonInput(
        name=name, role=role, email=email, phone=phone, territory=territoire, source=source
    )
    with state(ctx).store().write() as session:
        owner, person = core.add(session, landlord, data)
        shown, where = person.name, owner.name
    info(f"Interlocuteur ajouté : {shown} ({where}).")


@app.command("list", cls=FrenchCommand)
def list_people(
    ctx: typer.Context,
    landlord: Annotated[
        str | None,
        typer.Argument(metavar="BAILLEUR", help="Bailleur (tous si absent).", show_default=False),
    ] = None,
    inactive: Annotated[
        bool, typer.Option("--inactifs", help="Inclure les interlocuteurs inactifs.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Lister les interlocuteurs, d'un bailleur ou de tous.

    Exemple : bailleurs person list rivp --json
    """
    from bailleurs_cli import people as core
    from bailleurs_cli.cli import render

    with state(ctx).store().read() as session:
        found = core.list_people(session, landlord, include_inactive=inactive)
        rows = [render.person_json(p, ll) for p, ll in found]
        names = {ll.slug: ll.name for _, ll in found}
    if as_json:
        emit_json(rows)
        return
    if not rows:
        info("Aucun interlocuteur enregistré.")
        return
    table(
        ["Bailleur", "Nom", "Fonction", "E-mail", "Téléphone", "Territoire"],
        [
            [
                names[r["landlord"]],
                r["name"] + ("" if r["active"] else " (inactif)"),
                r["role"] or "",
                r["email"] or "",
                r["phone"] or "",
                r["territory"] or "",
            ]
            for r in rows
        ],
    )


@app.command("edit", cls=FrenchCommand)
def edit(
    ctx: typer.Context,
    landlord: LandlordArg,
    name: PersonArg,
    new_name: Annotated[str | None, typer.Option("--name", help="Nouveau nom.")] = None,
    role: RoleOpt = None,
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    territoire: TerritoryOpt = None,
    source: SourceOpt = None,
    active: Annotated[
        bool | None,
        typer.Option("--actif/--inactif", help="Marquer comme actif ou parti.", show_default=False),
    ] = None,
) -> None:
    """Modifier un interlocuteur (seules les options données changent).

    Exemple : bailleurs person edit rivp "Awa Diallo" --inactif
    """
    from bailleurs_cli import people as core

    data = core.PersonInput(
        name=new_name,
        role=role,
        email=email,
        phone=phone,
        territory=territoire,
        source=source,
        active=active,
    )
    with state(ctx).store().write() as session:
        person = core.edit(session, landlord, name, data)
        shown = person.name
    info(f"Interlocuteur mis à jour : {shown}.")


@app.command("remove", cls=FrenchCommand)
def remove(ctx: typer.Context, landlord: LandlordArg, name: PersonArg) -> None:
    """Supprimer un interlocuteur (effacement RGPD ; les échanges restent, sans le nom).

    Exemple : bailleurs person remove rivp "Awa Diallo"
    """
    from bailleurs_cli import people as core

    with state(ctx).store().write() as session:
        person = core.remove(session, landlord, name)
        shown = person.name
    info(f"Interlocuteur supprimé : {shown}.")
