"""Recurring reminders, the ICS agenda, and the crontab line against a real crontab."""

from __future__ import annotations

import json
import os
import pwd
import shlex
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from .conftest import Run


def test_remind_add_list_done_remove(run: Run) -> None:
    added = run(
        "remind",
        "add",
        "Rencontre annuelle bailleurs–associations",
        "--every",
        "6m",
        "--from",
        "2027-03-01",
    )
    assert added.exit_code == 0, added
    assert added.stderr == "Rappel n° 1 ajouté ; première échéance le lundi 1er mars 2027.\n"
    run(
        "remind",
        "add",
        "Bilan des ateliers d'hiver",
        "--every",
        "1a",
        "--from",
        "01/03/2026",
        "--landlord",
        "rivp",
    )
    listed = json.loads(run("remind", "list", "--json").stdout)
    assert [(r["id"], r["every"], r["next"], r["landlord"]) for r in listed] == [
        (2, "1a", "2026-03-01", "rivp"),
        (1, "6m", "2027-03-01", None),
    ]
    items = json.loads(run("next", "--json").stdout)
    assert items[0] == {
        "landlord": "rivp",
        "name": "RIVP",
        "person": None,
        "action": "Bilan des ateliers d'hiver",
        "due": "2026-03-01",
        "days_late": 267,
        "reason": "rappel",
        "stage": None,
        "stage_since": None,
        "priority": None,
    }
    done = run("remind", "done", "2")
    assert done.stderr == (
        "Fait : Bilan des ateliers d'hiver. Prochaine échéance le lundi 1er mars 2027.\n"
    )
    assert run("remind", "remove", "1").exit_code == 0
    assert [r["id"] for r in json.loads(run("remind", "list", "--json").stdout)] == [2]
    missing = run("remind", "done", "9")
    assert (missing.exit_code, missing.stderr) == (
        3,
        "Erreur : rappel n° 9 introuvable ; voir « bailleurs remind list ».\n",
    )


def test_remind_with_an_unknown_unit(run: Run) -> None:
    result = run("remind", "add", "x", "--every", "3z")
    assert (result.exit_code, result.stderr) == (
        1,
        "Erreur : --every : « 3z » n'est pas une période ; exemples : 15j, 2s, 6m, 1a.\n",
    )
    assert json.loads(run("remind", "list", "--json").stdout) == []


def test_agenda_writes_all_day_events_with_stable_uids(run: Run, tmp_path: Path) -> None:
    from icalendar import Calendar

    run("person", "add", "rivp", "Awa Diallo")
    run("plan", "rivp", "2027-01-20", "Envoyer le bilan", "--person", "Awa")
    run("remind", "add", "Rencontre annuelle", "--every", "6m", "--from", "2027-03-01")
    target = tmp_path / "suivi.ics"
    result = run("agenda", "--ics", str(target))
    assert result.exit_code == 0, result
    assert result.stderr == f"2 événements écrits dans {target}.\n"
    calendar = Calendar.from_ical(target.read_bytes())
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"etape-rivp@bailleurs", "rappel-1@bailleurs"}
    rivp = events["etape-rivp@bailleurs"]
    assert rivp.decoded("dtstart") == date(2027, 1, 20)
    assert str(rivp["summary"]) == "RIVP : Envoyer le bilan"
    assert "Interlocuteur : Awa Diallo" in str(rivp["description"])
    assert "bailleurs contact rivp" in str(rivp["description"])
    assert not list(calendar.walk("VTODO"))
    run("plan", "rivp", "2027-01-27", "Envoyer le bilan")
    written = target.read_bytes()
    refused = run("agenda", "--ics", str(target))
    assert (refused.exit_code, refused.stderr) == (
        1,
        f"Erreur : {target} existe déjà ; ajoutez --force pour le remplacer.\n",
    )
    assert target.read_bytes() == written
    assert run("agenda", "--ics", str(target), "--force").exit_code == 0
    again = {str(e["uid"]): e for e in Calendar.from_ical(target.read_bytes()).walk("VEVENT")}
    assert set(again) == set(events)
    assert again["etape-rivp@bailleurs"].decoded("dtstart") == date(2027, 1, 27)


def test_agenda_to_an_unwritable_path(run: Run, tmp_path: Path) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    run("plan", "rivp", "2026-12-15", "Relancer")
    result = run("agenda", "--ics", str(blocker / "suivi.ics"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Erreur : impossible d'écrire {blocker / 'suivi.ics'} (un élément du chemin n'est "
        "pas un dossier) ; choisissez un autre fichier avec --ics.\n"
    )
    assert blocker.read_text() == "x"


def test_agenda_on_a_full_disk(run: Run, full_disk: Path) -> None:
    run("plan", "rivp", "2027-01-20", "Envoyer le bilan")
    target = full_disk / "suivi.ics"
    result = run("agenda", "--ics", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Erreur : impossible d'écrire {target} (disque plein) ; libérez de la "
        "place ou choisissez un autre fichier avec --ics.\n"
    )
    assert list(full_disk.iterdir()) == []  # no temporary file left


def test_cron_line_is_absolute_and_carries_its_environment(run: Run, home: Path) -> None:
    result = run("cron", "--to", "dev@asso.example")
    assert result.exit_code == 0, result
    line = result.stdout.strip()
    assert line.startswith("0 8 * * 1-5 env PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 ")
    assert f"BAILLEURS_HOME={home}" in line
    assert "digest --send --only-new --to dev@asso.example # bailleurs:" in line
    tokens = shlex.split(line.split(" # ")[0])[6:]  # after the schedule and "env"
    program = next(token for token in tokens if "=" not in token)
    assert Path(program).is_absolute()  # cron runs it whatever its PATH and directory


def test_cron_without_a_recipient_says_what_is_missing(run: Run) -> None:
    result = run("cron")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Erreur : destinataire du récapitulatif manquant : ajoutez --to ADRESSE ou réglez-le "
        "une fois pour toutes avec « bailleurs config set digest.to ADRESSE ».\n"
    )
    assert run("config", "set", "digest.to", "dev@asso.example").exit_code == 0
    assert run("cron").exit_code == 0


def test_cron_line_carries_the_db_without_its_password(tmp_path: Path) -> None:
    from .conftest import cli

    url = "postgresql://equipe:s3cr3t@db.asso.example/bailleurs"
    result = cli(url)("cron", "--to", "dev@asso.example")
    assert result.exit_code == 0, result
    assert "s3cr3t" not in result.stdout + result.stderr
    assert " --db postgresql://equipe@db.asso.example/bailleurs digest " in result.stdout
    assert "~/.pgpass" in result.stderr
    odd = tmp_path / "100%" / "base.db"
    line = cli(str(odd))("cron", "--to", "dev@asso.example").stdout.strip()
    assert f"--db {tmp_path}/100\\%/base.db" in line  # cron reads a bare % as a newline
    assert "%" not in line.replace("\\%", "")


def test_config_never_prints_a_password(run: Run) -> None:
    result = run("config", "set", "base.url", "postgresql://equipe:s3cr3t@db.asso.example/b")
    assert result.stderr == "base.url = postgresql://equipe:***@db.asso.example/b\n"
    shown = run("config")
    assert "s3cr3t" not in shown.stdout and "equipe:***@db.asso.example" in shown.stdout


def test_cron_rejects_a_bad_schedule(run: Run) -> None:
    result = run("cron", "--schedule", "8h", "--to", "dev@asso.example")
    assert result.exit_code == 1
    assert result.stderr.startswith("Erreur : --schedule : « 8h » n'est pas un horaire cron")


CRON_USER = "bailleurs-test"


@pytest.fixture
def cron_user() -> Iterator[str]:
    if shutil.which("crontab") is None or os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("CI must run as root with the cron package installed")
        pytest.skip("needs root and the crontab binary")
    try:
        pwd.getpwnam(CRON_USER)
    except KeyError:
        subprocess.run(["useradd", "--no-create-home", CRON_USER], check=True)
    subprocess.run(["crontab", "-u", CRON_USER, "-r"], capture_output=True, check=False)
    yield CRON_USER
    subprocess.run(["crontab", "-u", CRON_USER, "-r"], capture_output=True, check=False)


def crontab_of(user: str) -> str:
    listed = subprocess.run(["crontab", "-u", user, "-l"], capture_output=True, text=True)
    return listed.stdout if listed.returncode == 0 else ""


def test_cron_install_is_idempotent_and_remove_leaves_the_rest(run: Run, cron_user: str) -> None:
    subprocess.run(
        ["crontab", "-u", cron_user, "-"], input="30 6 * * * /usr/bin/true\n", text=True, check=True
    )
    first = run("cron", "--install", "--user", cron_user, "--to", "dev@asso.example")
    # (on PostgreSQL, a line first says the password stays out of the crontab)
    assert (first.exit_code, first.stderr.splitlines()[-1]) == (0, "Ligne ajoutée à la crontab.")
    second = run("cron", "--install", "--user", cron_user, "--to", "dev@asso.example")
    assert second.stderr.splitlines()[-1] == "La ligne est déjà dans la crontab."
    installed = crontab_of(cron_user).splitlines()
    assert installed[0] == "30 6 * * * /usr/bin/true"
    assert len([line for line in installed if "bailleurs" in line]) == 1
    removed = run("cron", "--remove", "--user", cron_user)
    assert removed.stderr == "Ligne retirée de la crontab.\n"
    assert crontab_of(cron_user) == "30 6 * * * /usr/bin/true\n"
    assert run("cron", "--remove", "--user", cron_user).stderr == (
        "Aucune ligne bailleurs dans la crontab.\n"
    )


def test_an_agenda_with_nothing_dated_is_not_written(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "suivi.ics"
    result = run("agenda", "--ics", str(target))
    assert (result.exit_code, result.stderr) == (
        0,
        f"Aucune étape datée : rien à mettre dans l'agenda, {target} n'est pas écrit.\n",
    )
    assert not target.exists()


def test_a_changed_event_carries_a_higher_sequence(run: Run, tmp_path: Path) -> None:
    from icalendar import Calendar, Component

    def sequence(event: Component) -> int:
        value = event["sequence"]
        assert isinstance(value, int), value  # icalendar's vInt
        return int(value)

    target = tmp_path / "suivi.ics"
    run("plan", "rivp", "2026-12-15", "Relancer")
    run("agenda", "--ics", str(target))
    first = Calendar.from_ical(target.read_bytes()).walk("VEVENT")[0]
    time.sleep(1.1)  # SEQUENCE counts seconds (RFC 5545 integers are 32-bit)
    run("snooze", "rivp", "+7j")
    run("agenda", "--ics", str(target), "--force", env={"BAILLEURS_TODAY": "2026-11-24"})
    second = Calendar.from_ical(target.read_bytes()).walk("VEVENT")[0]
    assert first["uid"] == second["uid"] == "etape-rivp@bailleurs"
    assert second.decoded("dtstart") == date(2026, 12, 22)
    assert sequence(second) > sequence(first)
    run("agenda", "--ics", str(target), "--force", env={"BAILLEURS_TODAY": "2026-11-24"})
    third = Calendar.from_ical(target.read_bytes()).walk("VEVENT")[0]
    assert sequence(third) == sequence(second)  # unchanged: same sequence
    assert "last-modified" in second
