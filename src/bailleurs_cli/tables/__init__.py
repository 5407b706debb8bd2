"""Table models, one module per concern, so a command imports only the tables it reads.

Declaring a SQLModel table costs several milliseconds at import (``next`` is measured
against a one-table command, issue #2); :mod:`bailleurs_cli.models` gathers them all.
"""

from typing import Any


def empty_list() -> list[Any]:
    """Default of the list columns. A Python function, not ``list``: pydantic inspects
    a default factory's signature each time a row is built, and ``inspect.signature``
    of a builtin parses its text signature (76 µs against 5 µs), which made SQLModel
    rows cost about a millisecond each in bulk imports."""
    return []


def empty_dict() -> dict[str, Any]:
    """Default of the dictionary columns (see :func:`empty_list`)."""
    return {}
