"""``person add/list/edit/export/remove/purge``: the people at a landlord (RGPD)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

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
from bailleurs_cli.cli.landlords import LandlordArg

if TYPE_CHECKING:
    from bailleurs_cli.privacy.rights import Erasure

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
CivilityOpt = Annotated[
    str | None,
    typer.Option(
        "--civilite",
        help='Mme ou M. : « Madame, » ou « Monsieur, » dans les courriers ("" : inconnue).',
    ),
]


@app.command("add", cls=FrenchCommand)
def add(
    ctx: typer.Context,
    landlord: LandlordArg,
    name: PersonArg,
    civilite: CivilityOpt = None,
    role: RoleOpt = None,
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    territoire: TerritoryOpt = None,
    source: SourceOpt = None,
) -> None:
    """Ajouter un interlocuteur chez un bailleur.

    Exemple : bailleurs person add rivp "Awa Diallo" --civilite Mme --email awa.diallo@example.org
    """
    from bailleurs_cli.followup import people as core

    data = core.PersonInput(
        name=name,
        civility=civilite,
        role=role,
        email=email,
        phone=phone,
        territory=territoire,
        source=source,
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
    from bailleurs_cli import shapes
    from bailleurs_cli.followup import people as core

    with state(ctx).store().read() as session:
        found = core.list_people(session, landlord, include_inactive=inactive)
        rows = [shapes.person_json(p, ll.slug) for p, ll in found]
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
    civilite: CivilityOpt = None,
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
    from bailleurs_cli.followup import people as core

    data = core.PersonInput(
        name=new_name,
        civility=civilite,
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


YesOpt = Annotated[bool, typer.Option("--yes", help="Ne pas demander de confirmation (scripts).")]


@app.command("export", cls=FrenchCommand)
def export(
    ctx: typer.Context, landlord: LandlordArg, name: PersonArg, as_json: JsonOpt = False
) -> None:
    """Montrer tout ce que la base détient sur un interlocuteur (droit d'accès, RGPD).

    Sa fiche, les échanges liés ou qui le nomment, les conventions dont il est le
    référent, les documents produits pour son bailleur et s'il est l'interlocuteur
    de la prochaine étape.

    Exemple : bailleurs person export rivp "Awa Diallo" --json
    """
    from bailleurs_cli.privacy import rights

    with state(ctx).store().read() as session:
        record = rights.export(session, landlord, name)
        data = rights.as_json(record)
        lines = rights.as_text(record)
    if as_json:
        emit_json(data)
        return
    for line in lines:
        out(line)


def _report(erasures: list[Erasure]) -> None:
    """What was erased, then what bailleurs cannot reach (documents, backups, exports)."""
    from bailleurs_cli.privacy import rights
    from bailleurs_cli.settings.config import backup_dir

    folder = backup_dir()
    for line in rights.erasure_lines(erasures, rights.backups_in(folder), folder):
        info(line)


@app.command("remove", cls=FrenchCommand)
def remove(ctx: typer.Context, landlord: LandlordArg, name: PersonArg, yes: YesOpt = False) -> None:
    """Effacer un interlocuteur (RGPD) : sa fiche, et son nom, son e-mail et son
    téléphone dans les échanges, les prochaines étapes et les conventions.

    Liste ensuite ce que bailleurs ne peut pas effacer : documents déjà produits,
    sauvegardes, exports.

    Exemple : bailleurs person remove rivp "Awa Diallo" --yes
    """
    from bailleurs_cli.errors import InvalidInput
    from bailleurs_cli.followup.landlords import resolve
    from bailleurs_cli.followup.people import find
    from bailleurs_cli.privacy import rights

    st = state(ctx)
    with st.store().read() as session:
        owner = resolve(session, landlord)
        shown, where = find(session, owner, name).name, owner.name
    if not yes:
        if not sys.stdin.isatty():
            raise InvalidInput(
                f"person remove efface {shown} ({where}) pour de bon : ajoutez --yes pour "
                "confirmer (hors terminal)."
            )
        question = f"Effacer {shown} ({where}) et ses mentions dans les échanges et conventions ?"
        if not typer.confirm(question, default=False):
            info("Rien n'a été modifié.")
            raise typer.Exit(1)
    with st.store().write() as session:
        erased = rights.remove(session, landlord, name)
    _report([erased])


@app.command("purge", cls=FrenchCommand)
def purge(
    ctx: typer.Context,
    yes: Annotated[
        bool, typer.Option("--yes", help="Effacer pour de bon (sans --yes : simple liste).")
    ] = False,
    months: Annotated[
        int | None,
        typer.Option(
            "--mois", help="Mois sans échange avant effacement (défaut : rgpd.conservation_mois)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Effacer les interlocuteurs gardés trop longtemps (RGPD) ; sans --yes, les lister.

    Sont concernés ceux dont le bailleur n'a eu aucun échange depuis plus de
    rgpd.conservation_mois mois (36 par défaut) et qui ont été enregistrés avant.
    L'effacement est celui de « person remove ».

    Exemple : bailleurs person purge --yes
    """
    from bailleurs_cli.formatting import short_date
    from bailleurs_cli.privacy import rights

    at_least(months, 1, "--mois")
    st = state(ctx)
    period = st.settings.retention_months if months is None else months
    rule = f"plus de {period} mois sans échange avec leur bailleur"
    if yes:
        with st.store().write() as session:
            due = rights.due_for_purge(session, today=st.today, months=period)
            erased = rights.purge(session, due)
    else:
        with st.store().read() as session:
            due = rights.due_for_purge(session, today=st.today, months=period)
    if as_json:
        emit_json(rights.due_json(due))
    if not due:
        info(f"Aucun interlocuteur à effacer ({rule}).")
        return
    if yes:
        _report(erased)
        return
    if not as_json:
        table(
            ["Bailleur", "Interlocuteur", "Dernier échange", "Enregistré le"],
            [
                [
                    d.landlord_name,
                    d.name,
                    short_date(d.last_exchange) if d.last_exchange else "aucun",
                    short_date(d.recorded_on),
                ]
                for d in due
            ],
        )
    count = f"{len(due)} interlocuteur{'s' if len(due) > 1 else ''}"
    info(f"{count} à effacer ({rule}) ; rien n'a été modifié : ajoutez --yes pour effacer.")
