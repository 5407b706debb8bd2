"""One error hierarchy: a one-line French message and an exit code.

Core modules raise these; the CLI boundary (``cli._common``) prints
``Erreur : <message>`` on stderr and exits with ``exit_code``. Library errors
(SQLAlchemy, YAML, pydantic) are translated where they are called.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = [
    "AmbiguousName",
    "BailleursError",
    "Conflict",
    "ExitCode",
    "InvalidInput",
    "NotFound",
    "RegistryError",
    "StoreError",
    "TemplateProblem",
    "ToolError",
    "ToolMissing",
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
    INTERRUPTED = 130


def one_line(text: str) -> str:
    """``text`` with each line break made a space.

    Messages quote what the user typed, which may hold a line break (a spreadsheet
    cell, a pasted address): found by the property tests of issue 13. Every break
    ``str.splitlines`` knows counts (``\\x0b``, ``\\x1c``, ``\\u2028``…), since terminals
    and the tests split on them.
    """
    return " ".join(text.splitlines())


class BailleursError(Exception):
    """Base of every error a user can cause; never shows a traceback."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str) -> None:
        message = one_line(message)
        super().__init__(message)
        self.message = message


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
