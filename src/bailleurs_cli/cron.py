"""The crontab line that sends the digest, and its idempotent (un)installation.

The line runs with an explicit environment (PATH, and BAILLEURS_HOME or
BAILLEURS_DB when they are set now) and an absolute command, so it works under
cron's bare environment, whatever the current directory. It carries a marker
comment, so ``--install`` replaces it rather than adding a second one and
``--remove`` takes it out, leaving every other line alone.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from bailleurs_cli.errors import BailleursError, InvalidInput

MARKER = "# bailleurs: récapitulatif des relances"
DEFAULT_SCHEDULE = "0 8 * * 1-5"  # weekdays at 8:00


def command_prefix() -> list[str]:
    """How to run this very bailleurs from cron: an absolute path."""
    script = Path(sys.argv[0])
    if script.name == "bailleurs" and script.exists():
        return [str(script.resolve())]
    found = shutil.which("bailleurs")
    if found:
        return [str(Path(found).resolve())]
    return [sys.executable, "-m", "bailleurs_cli"]


def line(*, schedule: str = DEFAULT_SCHEDULE, to: str | None = None) -> str:
    """The crontab line (with its marker)."""
    fields = schedule.split()
    if len(fields) != 5:
        raise InvalidInput(
            f"--schedule : « {schedule} » n'est pas un horaire cron (5 champs, exemple : "
            f"« {DEFAULT_SCHEDULE} »)."
        )
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    for name in ("BAILLEURS_HOME", "BAILLEURS_DB"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    args = [*command_prefix(), "digest", "--send", "--only-new"]
    if to:
        args += ["--to", to]
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    return f"{schedule} env {assignments} {shlex.join(args)} {MARKER}"


def _crontab(args: list[str], *, user: str | None, stdin: str | None = None) -> str:
    binary = shutil.which("crontab")
    if binary is None:
        raise InvalidInput(
            "crontab introuvable ; installez cron (sudo apt install cron) ou copiez la ligne "
            "affichée par « bailleurs cron » dans votre planificateur."
        )
    command = [binary, *(["-u", user] if user else []), *args]
    result = subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)
    if args == ["-l"] and result.returncode != 0 and "no crontab" in result.stderr.lower():
        return ""
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "erreur"
        raise BailleursError(f"crontab a échoué : {detail}.")
    return result.stdout


def _without_ours(current: str) -> list[str]:
    return [entry for entry in current.splitlines() if MARKER not in entry]


def install(entry: str, *, user: str | None = None) -> bool:
    """Add or replace our line; returns False when it was already there as is."""
    current = _crontab(["-l"], user=user)
    if entry in current.splitlines():
        return False
    kept = _without_ours(current)
    _crontab(["-"], user=user, stdin="\n".join([*kept, entry]) + "\n")
    return True


def remove(*, user: str | None = None) -> bool:
    """Take our line out; returns False when there was none."""
    current = _crontab(["-l"], user=user)
    kept = _without_ours(current)
    if len(kept) == len(current.splitlines()):
        return False
    _crontab(["-"], user=user, stdin="\n".join(kept) + ("\n" if kept else ""))
    return True
