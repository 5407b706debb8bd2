"""Golden files: what a user reads, byte for byte, terminal width pinned (CONTRIBUTING.md).

A change of wording or layout shows up here as a diff to review. To accept it:
``BAILLEURS_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py -n0`` rewrites the
files in ``tests/golden/``; commit them with the change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import Run

GOLDEN = Path(__file__).parent / "golden"


def check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("BAILLEURS_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} missing: run with BAILLEURS_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture
def sqlite_only(db_url: str) -> None:
    if "://" in db_url:
        pytest.skip("one golden file per output: SQLite is enough")


ENV = {"COLUMNS": "100"}


def test_root_help(run: Run, sqlite_only: None) -> None:
    check("help.txt", run("--help", env=ENV).stdout)


@pytest.mark.parametrize("command", ["next", "contact", "letter", "atelier add", "digest"])
def test_command_help(run: Run, sqlite_only: None, command: str) -> None:
    check(f"help-{command.replace(' ', '-')}.txt", run(*command.split(), "--help", env=ENV).stdout)


def test_first_next(run: Run) -> None:
    """The same bytes on SQLite and PostgreSQL, each read through its own driver."""
    result = run("next", "--limit", "8", env=ENV)
    check("next-first.txt", result.stdout + "--- stderr\n" + result.stderr)


def test_next_and_digest_with_work_to_do(run: Run) -> None:
    run("person", "add", "rivp", "Awa Diallo", "--civilite", "Mme")
    run("contact", "rivp", "--channel", "email", "--person", "Awa", "--summary", "Envoi",
        env={"BAILLEURS_TODAY": "2026-11-01"})  # fmt: skip
    run("contact", "adoma", "--channel", "telephone", "--summary", "Appel", "--next", "+3j",
        "--next-action", "Rappeler la DSU")  # fmt: skip
    run("config", "territoires", "--commune", "Saint-Denis", "--departement", "93")
    check("next-work.txt", run("next", "--limit", "6", env=ENV).stdout)
    check("digest.txt", run("digest", env=ENV).stdout)
    check("digest.md", run("digest", "--format", "markdown", env=ENV).stdout)
