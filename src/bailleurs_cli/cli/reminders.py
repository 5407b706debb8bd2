"""``digest``, ``cron``, ``agenda`` and ``remind``: reminders that run by themselves."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

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


def digest(
    ctx: typer.Context,
    days: Annotated[
        int | None, typer.Option("--days", help="Horizon en jours (défaut : 7).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="texte (défaut) ou markdown.")] = "texte",
    send: Annotated[
        bool, typer.Option("--send", help="Envoyer par e-mail (SMTP de la configuration).")
    ] = False,
    to: Annotated[
        list[str] | None,
        typer.Option("--to", help="Destinataire (répétable ; défaut : digest.to)."),
    ] = None,
    only_new: Annotated[
        bool, typer.Option("--only-new", help="Seulement ce qui n'a pas déjà été envoyé.")
    ] = False,
) -> None:
    """Récapituler ce qui est dû ; n'affiche rien (et sort avec 0) quand rien ne l'est.

    Fait pour cron : ni couleur, ni question, ni dépendance au dossier courant.

    Exemple : bailleurs digest --send --to dev-idf@asso.example --only-new
    """
    from bailleurs_cli.errors import InvalidInput
    from bailleurs_cli.reminders import digest as core

    at_least(days, 0, "--days")
    st = state(ctx)
    settings = st.settings
    horizon = settings.horizon_days if days is None else days
    if fmt not in ("texte", "markdown"):
        raise InvalidInput(f"--format : « {fmt} » inconnu ; valeurs possibles : texte, markdown.")
    if send:
        from bailleurs_cli.reminders import mailer

        recipients = to or ([settings.digest_to] if settings.digest_to else [])
        mailer.smtp_settings(settings.smtp)  # a bad mail setting is said even on a quiet day
        mailer.recipients(recipients)
    with st.reading() as reader:
        found = core.collect(
            reader,
            today=st.today,
            days=horizon,
            stale_after_days=settings.stale_after_days,
            retention_months=settings.retention_months,
        )
        if only_new:
            found = core.unsent(reader, found)
    if send:
        if not found:
            return  # nothing due: cron stays silent, and the store was only read
        sent = core.send(
            st.store(),
            smtp=settings.smtp,
            to=recipients,
            today=st.today,
            days=horizon,
            stale_after_days=settings.stale_after_days,
            only_new=only_new,
            retention_months=settings.retention_months,
        )
        if sent and sys.stderr.isatty():
            info(f"Récapitulatif envoyé à {', '.join(recipients)} ({len(sent.lines())} éléments).")
        return
    rendered = core.as_markdown(found) if fmt == "markdown" else core.as_text(found)
    if rendered:
        sys.stdout.write(rendered)


def cron(
    ctx: typer.Context,
    schedule: Annotated[
        str, typer.Option("--schedule", help="Horaire cron (défaut : jours ouvrés à 8 h).")
    ] = "0 8 * * 1-5",
    to: Annotated[str | None, typer.Option("--to", help="Destinataire du récapitulatif.")] = None,
    install: Annotated[
        bool, typer.Option("--install", help="Ajouter la ligne à la crontab (sans doublon).")
    ] = False,
    remove: Annotated[
        bool, typer.Option("--remove", help="Retirer la ligne de la crontab.")
    ] = False,
    user: Annotated[
        str | None, typer.Option("--user", help="Crontab d'un autre utilisateur (root).")
    ] = None,
) -> None:
    """Afficher (ou installer) la ligne crontab qui envoie le récapitulatif.

    Exemple : bailleurs cron --to dev-idf@asso.example --install
    """
    from bailleurs_cli.errors import InvalidInput
    from bailleurs_cli.reminders import cron as core

    if install and remove:
        raise InvalidInput("--install et --remove s'excluent ; choisissez l'un des deux.")
    if remove:
        removed = core.remove(user=user)
        info(
            "Ligne retirée de la crontab." if removed else "Aucune ligne bailleurs dans la crontab."
        )
        return
    st = state(ctx)
    if to is not None:
        from bailleurs_cli.reminders.mailer import recipients

        recipients([to])
    elif not st.settings.digest_to:
        raise InvalidInput(
            "destinataire du récapitulatif manquant : ajoutez --to ADRESSE ou réglez-le une "
            "fois pour toutes avec « bailleurs config set digest.to ADRESSE »."
        )
    entry, masked = core.line(schedule=schedule, to=to, db=st.db)
    if masked:
        info(
            "Le mot de passe de la base n'est pas écrit dans la ligne cron : mettez-le dans "
            "~/.pgpass (hôte:port:base:utilisateur:mot_de_passe, droits 600), que PostgreSQL "
            "lit aussi sous cron."
        )
    if install:
        added = core.install(entry, user=user)
        info("Ligne ajoutée à la crontab." if added else "La ligne est déjà dans la crontab.")
        return
    out(entry)


def agenda(
    ctx: typer.Context,
    ics: Annotated[
        Path,
        typer.Option("--ics", help="Fichier .ics à écrire.", dir_okay=False, metavar="FICHIER"),
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Remplacer le fichier .ics s'il existe déjà.")
    ] = False,
) -> None:
    """Écrire chaque prochaine étape datée dans un fichier d'agenda (.ics).

    Réimporter le fichier met à jour les événements au lieu de les dupliquer. Un
    fichier existant n'est remplacé qu'avec --force.

    Exemple : bailleurs agenda --ics suivi.ics --force
    """
    from bailleurs_cli.reminders import agenda as core

    st = state(ctx)
    target = ics.expanduser()
    count = core.export(
        st.store(),
        target,
        today=st.today,
        horizon_days=st.settings.horizon_days,
        stale_after_days=st.settings.stale_after_days,
        force=force,
    )
    if count == 0:
        info(f"Aucune étape datée : rien à mettre dans l'agenda, {target} n'est pas écrit.")
        return
    from bailleurs_cli.formatting import pluriel

    info(f"{pluriel(count, 'événement écrit', 'événements écrits')} dans {target}.")


remind_app = sub_app(
    "Rappels récurrents (rencontre annuelle, bilans après chaque période de vacances…)."
)


@remind_app.command("add", cls=FrenchCommand)
def remind_add(
    ctx: typer.Context,
    label: Annotated[str, typer.Argument(metavar="LIBELLÉ", help="Ce qu'il faut faire.")],
    every: Annotated[str, typer.Option("--every", help="Période : 15j, 2s, 6m, 1a.")],
    start: Annotated[
        str | None, typer.Option("--from", help="Première date (défaut : aujourd'hui).")
    ] = None,
    landlord: Annotated[
        str | None, typer.Option("--landlord", help="Bailleur concerné, s'il y en a un.")
    ] = None,
) -> None:
    """Ajouter un rappel récurrent.

    Exemple : bailleurs remind add "Rencontre annuelle bailleurs–associations" --every 6m
    --from 2027-03-01
    """
    from bailleurs_cli.formatting import long_date
    from bailleurs_cli.reminders import recurring as core

    st = state(ctx)
    with st.store().write() as session:
        reminder = core.add(session, label, every, start=start, landlord=landlord, today=st.today)
        number, first = reminder.id, reminder.next_on
    info(f"Rappel n° {number} ajouté ; première échéance le {long_date(first)}.")


@remind_app.command("list", cls=FrenchCommand)
def remind_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Lister les rappels récurrents.

    Exemple : bailleurs remind list
    """
    from bailleurs_cli.formatting import long_date
    from bailleurs_cli.reminders import recurring as core
    from bailleurs_cli.shapes import reminder_summary

    with state(ctx).store().read() as session:
        found = core.all_reminders(session)
    if as_json:
        emit_json([reminder_summary(r, ll.slug if ll else None) for r, ll in found])
        return
    if not found:
        info("Aucun rappel récurrent.")
        return
    table(
        ["N°", "Rappel", "Période", "Prochaine échéance", "Bailleur"],
        [
            [
                str(r.id),
                r.label,
                core.period(r.every, r.unit),
                long_date(r.next_on),
                ll.name if ll else "",
            ]
            for r, ll in found
        ],
    )


@remind_app.command("remove", cls=FrenchCommand)
def remind_remove(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(metavar="NUMÉRO", help="Numéro du rappel.")],
) -> None:
    """Supprimer un rappel récurrent.

    Exemple : bailleurs remind remove 2
    """
    from bailleurs_cli.reminders import recurring as core

    with state(ctx).store().write() as session:
        removed = core.remove(session, number)
        label = removed.label
    info(f"Rappel supprimé : {label}.")


@remind_app.command("done", cls=FrenchCommand)
def remind_done(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(metavar="NUMÉRO", help="Numéro du rappel.")],
) -> None:
    """Marquer l'échéance d'un rappel comme faite ; il passe à la suivante.

    Exemple : bailleurs remind done 1
    """
    from bailleurs_cli.formatting import long_date
    from bailleurs_cli.reminders import recurring as core

    st = state(ctx)
    with st.store().write() as session:
        reminder = core.done(session, number, today=st.today)
        label, following = reminder.label, reminder.next_on
    info(f"Fait : {label}. Prochaine échéance le {long_date(following)}.")
