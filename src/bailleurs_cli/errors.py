"""One error hierarchy: a one-line French message and an exit code.

Core modules raise these; the CLI boundary (``cli._common``) prints
``Erreur : <message>`` on stderr and exits with ``exit_code``. Library errors
(SQLAlchemy, YAML, pydantic) are translated where they are called.

An error about one value carries its ``field`` (a domain name: ``channel``,
``occurred_on``…), never a command-line option: a script that calls the core reads
« canal : … »; the boundary names the option of the running command instead
(« --channel : … »), issue 13.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any

__all__ = [
    "FIELD_LABELS",
    "AmbiguousName",
    "BailleursError",
    "Conflict",
    "ExitCode",
    "InvalidInput",
    "Namer",
    "NotFound",
    "RegistryError",
    "StoreError",
    "TemplateProblem",
    "ToolError",
    "ToolMissing",
    "field_label",
    "one_line",
]


class ExitCode(IntEnum):
    """Exit statuses, documented in the README."""

    OK = 0
    ERROR = 1  # invalid input, conflict, forbidden transition
    USAGE = 2  # command-line usage error (unknown option, missing argument)
    NOT_FOUND = 3  # unknown or ambiguous landlord or person
    STORE = 4  # store unreachable, not writable, or from a newer version
    REGISTRY = 5  # invalid bailleurs.yaml
    TEMPLATE = 6  # template missing, invalid, or a variable it needs is missing
    MAIL = 7  # sending e-mail failed
    TOOL = 8  # an outside program is missing (LibreOffice, crontab, pg_dump)
    BUG = 70  # an unexpected error (sysexits' EX_SOFTWARE): a bug to report
    INTERRUPTED = 130
    CLOSED_OUTPUT = 141  # the reader of stdout left (``| head``): 128 + SIGPIPE, as a shell says


def one_line(text: str) -> str:
    """``text`` with each line break made a space.

    Messages quote what the user typed, which may hold a line break (a spreadsheet
    cell, a pasted address): found by the property tests of issue 13. Every break
    ``str.splitlines`` knows counts (``\\x0b``, ``\\x1c``, ``\\u2028``…), since terminals
    and the tests split on them.
    """
    return " ".join(text.splitlines())


#: What each field is called in a message read outside the command line (a script
#: calling the core); the CLI boundary says the option instead. A field not listed
#: is shown as it is.
FIELD_LABELS: dict[str, str] = {
    "address": "adresse",
    "ally": "association alliée",
    "amount": "montant",
    "animators": "animateurs",
    "anonymous": "anonyme",
    "attendance": "assiduité",
    "channel": "canal",
    "civility": "civilité",
    "commune": "commune",
    "contact": "contact",
    "contributions": "contributions",
    "day": "jour",
    "delivered": "remise",
    "departement": "département",
    "direction": "sens",
    "email": "e-mail",
    "ends_on": "fin",
    "every": "fréquence",
    "everything": "tous",
    "families": "familles",
    "first_on": "première date",
    "force": "force",
    "format": "format",
    "help": "l'aide",  # not a field: where the options are described (« voir --help »)
    "kind": "nature",
    "mapping": "correspondance",
    "sheet": "feuille",
    "calendar": "fichier du calendrier",
    "name": "nom",
    "next_action": "prochaine étape",
    "next_due": "échéance",
    "number": "numéro",
    "occurred_on": "date",
    "out_dir": "dossier",
    "outcome": "résultat",
    "participants": "participants",
    "partnership_kind": "type de convention",
    "pdf": "PDF",
    "period": "période",
    "phone": "téléphone",
    "place": "lieu",
    "present": "commune de présence",
    "priority": "priorité",
    "qpv": "QPV",
    "search": "texte cherché",
    "qpv_code": "QPV",
    "reason": "motif",
    "referent_landlord": "référent du bailleur",
    "renew": "renouvellement",
    "satisfaction_children": "satisfaction des enfants",
    "satisfaction_parents": "satisfaction des parents",
    "schedule": "horaire",
    "sessions": "séances",
    "signatory": "signataire",
    "since": "début de période",
    "siren": "SIREN",
    "site": "lieu",
    "sort": "tri",
    "stage": "étape",
    "starts_on": "début",
    "status": "statut",
    "subject": "objet",
    "summary": "résumé",
    "table": "table",
    "template": "modèle",
    "tenant_target": "cible de locataires",
    "tenants": "locataires",
    "texts": "avec textes",
    "time": "heure",
    "to": "destinataires",
    "until": "fin de période",
    "value": "valeur totale",
    "website": "site web",
}

#: How a message calls a field: its French label, or the running command's option.
Namer = Callable[[str], str]


def field_label(field: str) -> str:
    """The field as a script calling the core reads it."""
    return FIELD_LABELS.get(field, field)


class BailleursError(Exception):
    """Base of every error a user can cause; never shows a traceback.

    ``field`` names the value the error is about; the message then follows it
    (« field : message »). A message that also names other fields is a function of
    a :data:`Namer` (« retirez {name("next_due")} »), so each reader gets the names
    it knows; it is called after the session has ended, so it captures plain values
    (``landlord.name`` read beforehand), not database records.
    """

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str | Callable[[Namer], str], *, field: str | None = None) -> None:
        self.field = field
        self.text = message
        self.message = self.naming(field_label)
        #: The line the CLI boundary prints, when it names fields otherwise.
        self.shown: str | None = None
        super().__init__(self.message)

    def naming(self, name: Namer) -> str:
        """The one-line message, each field called ``name(field)``: :attr:`message`
        calls them by their labels, the CLI boundary by the command's options."""
        text = self.text(name) if callable(self.text) else self.text
        return one_line(f"{name(self.field)} : {text}" if self.field else text)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its message (a worker process's error): a function does not pickle."""
        return (type(self), self.args, {**self.__dict__, "text": self.message, "field": None})


class InvalidInput(BailleursError):
    """A value given by the user is not acceptable; the message names the field and the fix."""


class Conflict(BailleursError):
    """The action would break the store's rules (duplicate, forbidden transition)."""


class NotFound(BailleursError):
    """No landlord or person matches the name given."""

    exit_code = ExitCode.NOT_FOUND


class AmbiguousName(NotFound):
    """Several landlords or people match the name given."""


class StoreError(BailleursError):
    """The store cannot be opened, written, or was made by a newer version."""

    exit_code = ExitCode.STORE


class RegistryError(BailleursError):
    """The registry file is malformed or invalid."""

    exit_code = ExitCode.REGISTRY


class TemplateProblem(BailleursError):
    """A template cannot be used as it is (named, with where and why).

    ``details`` holds the other problems found, each printed on its own line.
    """

    exit_code = ExitCode.TEMPLATE

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.details = [one_line(detail) for detail in details or []]


class ToolError(BailleursError):
    """An outside program bailleurs drives (crontab, pg_dump…) failed."""

    exit_code = ExitCode.TOOL


class ToolMissing(ToolError):
    """An outside program bailleurs drives is not installed (named with its package)."""
