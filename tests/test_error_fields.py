"""Core errors name fields, the CLI names options (issue 13 §3).

A script calling the core reads « locataires : … », never « --locataires : … »; the
CLI boundary maps each field to the running command's option. These tests guard the
map itself: every option it names exists on the commands concerned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer

from bailleurs_cli.cli import app
from bailleurs_cli.cli._common import COMMAND_FIELDS, FIELD_OPTIONS, option_namer
from bailleurs_cli.errors import FIELD_LABELS, BailleursError
from bailleurs_cli.store.core import Store

from .conftest import Run


def _walk(command: Any, ctx: Any, path: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    """Every leaf command under ``command``, with its path (« atelier add »), through
    the lazy root group's ``list_commands``/``get_command``."""
    if not hasattr(command, "list_commands"):
        yield " ".join(path), command
        return
    for name in command.list_commands(ctx):
        child = command.get_command(ctx, name)
        assert child is not None, name
        yield from _walk(child, ctx, (*path, name))


@pytest.fixture(scope="module")
def commands() -> dict[str, Any]:
    root = typer.main.get_command(app)
    with root.make_context("bailleurs", ["--help"], resilient_parsing=True) as ctx:
        return dict(_walk(root, ctx, ()))


def _names(command: Any) -> set[str]:
    """What a message may call a command's values: its options, its arguments' metavars."""
    names: set[str] = {"--help"}
    for param in command.params:
        names.update(param.opts, param.secondary_opts)
        if param.param_type_name == "argument":
            names.update({str(param.name), str(param.metavar or "")})
    return {name.lower() for name in names}


#: The fields each command's core errors may name (the modules converted so far).
RAISED: dict[str, list[str]] = {
    "atelier resultats": [
        "help", "participants", "tenants", "families", "attendance",
        "satisfaction_children", "satisfaction_parents",
    ],
    "list": ["commune", "priority", "sort", "stage", "kind", "departement"],
    "qpv": ["commune"],
    "config territoires": ["commune"],
    "bilan": [
        "period", "since", "until", "everything", "number", "force", "pdf", "anonymous",
        "delivered", "out_dir", "template", "texts",
    ],
    "rencontre": ["day", "time", "place", "subject", "force", "pdf", "out_dir"],
    "cron": ["schedule", "to"],
    "digest": ["to"],
    "remind add": ["every", "first_on"],
    "atelier add": ["site", "starts_on", "ends_on", "sessions", "animators", "qpv_code"],
    "backup": ["out_dir"],
    "letter": [
        "ally", "commune", "priority", "template", "out_dir", "pdf", "force", "format",
        "everything", "qpv_code", "stage", "departement", "kind", "search", "qpv",
    ],
    "templates export": ["force"],
    "export": ["force", "format", "table", "texts", "anonymous"],
    "rapport": ["force", "since", "until", "texts", "anonymous", "departement"],
    "agenda": ["force", "calendar"],
    "import csv": ["mapping", "sheet"],
    "add": ["force", "name"],
    "edit": ["tenant_target", "present", "help", "qpv_code"],
    "person edit": ["help"],
    "allie add": ["name", "contact", "signatory", "departement", "email", "phone"],
    "convention": [
        "contributions", "amount", "value", "site", "starts_on", "ends_on", "status",
        "partnership_kind", "number", "renew", "referent_landlord", "pdf", "force",
        "out_dir", "template",
    ],
}  # fmt: skip


def test_every_mapped_option_exists_on_its_command(commands: dict[str, Any]) -> None:
    """An option the boundary prints is one the user can type."""
    everywhere = set().union(*(_names(command) for command in commands.values()))
    for field, option in FIELD_OPTIONS.items():
        assert option in everywhere, (field, option)
        assert field in FIELD_LABELS, f"{field}: no French label for a script"
    for path, own in COMMAND_FIELDS.items():
        assert path in commands, path
        for field, name in own.items():
            assert name.lower() in _names(commands[path]), (path, field, name)
    for path, raised in RAISED.items():
        namer = option_namer(path)
        for field in raised:
            assert namer(field).lower() in _names(commands[path]), (path, field, namer(field))


def _raised(call: Callable[[], object]) -> BailleursError:
    with pytest.raises(BailleursError) as caught:
        call()
    return caught.value


def test_a_script_never_reads_an_option(store: Store) -> None:
    """The core's own messages name fields by their French labels."""
    from bailleurs_cli import files
    from bailleurs_cli.documents import bilans, engine, meeting
    from bailleurs_cli.followup import allies, lookup, partnerships, workshops
    from bailleurs_cli.ground import geo
    from bailleurs_cli.privacy.anonymity import rule_of
    from bailleurs_cli.reminders import cron
    from bailleurs_cli.reminders.mailer import recipients
    from bailleurs_cli.sources.imports.generic import parse_mapping

    with store.write() as session:
        from bailleurs_cli.followup.landlords import resolve

        landlord = resolve(session, "rivp")
        held = workshops.add(
            session,
            landlord,
            workshops.WorkshopInput(
                site="Centre social", commune="75120", starts_on=date(2027, 2, 15),
                ends_on=date(2027, 2, 19), sessions=5,
            ),
            qpv_communes=None,
        )  # fmt: skip
        number = held.id
        assert number is not None
    cases: list[tuple[Callable[[], object], str]] = [
        (
            lambda: workshops.record_results(
                session, number, workshops.Results(participants=20, tenants=30)
            ),
            "locataires : 30 locataires pour 20 participants ; ",
        ),
        (
            lambda: workshops.record_results(session, number, workshops.Results()),
            "rien à noter : donnez participants, locataires, … (voir l'aide).",
        ),
        (lambda: workshops.parse_target("40-20"), "cible de locataires : « 40-20 » : "),
        (lambda: partnerships.euros("douze", "amount"), "montant : « douze » n'est pas "),
        (lambda: partnerships.euros("99999999999", "value"), "valeur totale : « 99999999999 » "),
        (
            lambda: bilans.parse_period("2027", "2027-01-01", None, today=date(2027, 3, 1)),
            "période : donnez soit période, soit début de période et fin de période, pas ",
        ),
        (lambda: meeting.parse_time("25h"), "heure : « 25h » n'est pas une heure ; "),
        (lambda: cron.line(schedule="tous les jours"), "horaire : « tous les jours » n'est "),
        (lambda: engine.find_template("Mon Modèle", None), "modèle : « Mon Modèle » n'est "),
        (
            lambda: files.refuse_overwrite(Path(__file__), force=False),
            f"{Path(__file__)} existe déjà ; ajoutez force pour le remplacer.",
        ),
        (
            lambda: parse_mapping(["nom"]),
            "correspondance : « nom » ; attendu champ=Colonne, par exemple nom=Bailleur.",
        ),
        (
            lambda: rule_of(anonymous=False, texts=True),
            "avec textes : ne s'emploie qu'avec anonyme (sans lui, les textes libres figurent "
            "déjà) ; ajoutez anonyme ou retirez avec textes.",
        ),
        (lambda: recipients(["pas une adresse"]), "destinataires : « pas une adresse » n'est "),
        (lambda: geo.resolve("Atlantide", "present"), "commune de présence : commune « Atl"),
        (lambda: lookup.search(session, sort="date"), "tri : « date » inconnu ; "),
        (
            lambda: allies.add(session, allies.AllyInput(name="Alliée", contact="A", phone="12")),
            "téléphone : « 12 » n'est pas un numéro français ; ",
        ),
    ]
    with store.write() as session:
        for call, start in cases:
            error = _raised(call)
            assert error.message.startswith(start), error.message
            assert "--" not in error.message, error.message


def test_the_cli_still_names_the_options(run: Run) -> None:
    """The same errors, through the CLI: the line printed before issue 13's change."""
    from .test_workshops import WORKSHOP, identity

    identity(run)
    assert run("atelier", "add", "rivp", *WORKSHOP).exit_code == 0
    cases = [
        (("atelier", "resultats", "1"),
         "rien à noter : donnez --participants, --locataires, … (voir --help)."),
        (("atelier", "resultats", "1", "--familles", "-2"),
         "--familles : -2 ; un nombre ne peut pas être négatif."),
        (("convention", "rivp", "--renouveler"),
         "--renouveler : aucune convention à renouveler pour RIVP ; créez la première avec "
         "« bailleurs convention … »."),
        (("bilan", "rivp", "--all"), "--all : ne donnez pas de bailleur avec --all."),
        (("bilan", "rivp", "--du", "2027-01-01"),
         "--au : le 23/11/2026 précède --du (01/01/2027) ; vérifiez les dates."),
        (("bilan", "rivp", "--numero", "2027-001", "--du", "2026-01-01"),
         "--numero : il désigne la convention d'un seul bailleur et en fixe la période ; "
         "donnez un seul bailleur, sans --all, --periode, --du ni --au."),
        # A filter beside named landlords was silently ignored: a letter went out anyway.
        (("letter", "rivp", "--priorite", "urgente"),
         "--priorite : un filtre choisit parmi tous les bailleurs, pas parmi ceux que vous "
         "nommez ; retirez-le, ou remplacez les bailleurs par --all."),
        (("letter", "rivp", "--qpv", "QN07520M"),
         "--qpv : un filtre choisit parmi tous les bailleurs, pas parmi ceux que vous "
         "nommez ; retirez-le, ou remplacez les bailleurs par --all."),
    ]  # fmt: skip
    for args, line in cases:
        result = run(*args)
        assert result.stderr == f"Erreur : {line}\n", result
