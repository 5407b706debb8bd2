"""The crontab line that sends the digest, and its idempotent (un)installation.

The line runs with an explicit environment (PATH, and BAILLEURS_HOME or
BAILLEURS_DB when they are set now) and an absolute command, so it works under
cron's bare environment, whatever the current directory. A store given with
``--db`` is written into the line; a password in a PostgreSQL URL never is (it
belongs in ``~/.pgpass``, which libpq reads under cron too). ``%`` is escaped:
cron turns a bare one into a newline. It carries a marker
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

from bailleurs_cli.errors import InvalidInput, ToolError, ToolMissing

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


def without_password(value: str) -> tuple[str, bool]:
    """A store location fit for a crontab: an absolute path, or a URL with no
    password; and whether a password was taken out."""
    if "://" not in value:
        return str(Path(value).expanduser().resolve()), False
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(value)
    except ArgumentError:
        return value, False
    if parsed.password is None:
        return value, False
    return parsed._replace(password=None).render_as_string(hide_password=False), True


def _cron_escape(text: str) -> str:
    """cron reads a bare ``%`` in the command as a newline."""
    return text.replace("%", "\\%")


def line(
    *, schedule: str = DEFAULT_SCHEDULE, to: str | None = None, db: str | None = None
) -> tuple[str, bool]:
    """The crontab line (with its marker), and whether a password was left out of it."""
    fields = schedule.split()
    if len(fields) != 5:
        raise InvalidInput(
            f"« {schedule} » n'est pas un horaire cron (5 champs, exemple : "
            f"« {DEFAULT_SCHEDULE} »).",
            field="schedule",
        )
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    masked = False
    for name in ("BAILLEURS_HOME", "BAILLEURS_DB"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    if "BAILLEURS_DB" in env:
        env["BAILLEURS_DB"], masked = without_password(env["BAILLEURS_DB"])
    args = [*command_prefix()]
    if db:
        shown, taken = without_password(db)
        masked = masked or taken
        args += ["--db", shown]
    args += ["digest", "--send", "--only-new"]
    if to:
        args += ["--to", to]
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = _cron_escape(f"env {assignments} {shlex.join(args)}")
    return f"{schedule} {command} {MARKER}", masked


def _crontab(args: list[str], *, user: str | None, stdin: str | None = None) -> str:
    binary = shutil.which("crontab")
    if binary is None:
        raise ToolMissing(
            "crontab introuvable ; installez cron (sudo apt install cron) ou copiez la ligne "
            "affichée par « bailleurs cron » dans votre planificateur."
        )
    command = [binary, *(["-u", user] if user else []), *args]
    result = subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)
    if args == ["-l"] and result.returncode != 0 and "no crontab" in result.stderr.lower():
        return ""
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "erreur"
        raise ToolError(f"crontab a échoué : {detail}.")
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
