"""Table models, one module per concern, so a command imports only the tables it reads.

Declaring a SQLModel table costs several milliseconds at import (``next`` is measured
against a one-table command, issue #2); :mod:`bailleurs_cli.models` gathers them all.
"""
