"""The tool as a whole: help in French, README coverage, entry points, lazy imports."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from bailleurs_cli import __version__
from bailleurs_cli.cli import app

from .conftest import plain_spaces

README = Path(__file__).resolve().parents[1] / "README.md"


def all_commands() -> list[tuple[str, Any]]:
    root: Any = typer.main.get_command(app)
    found: list[tuple[str, Any]] = []
    for name in root.list_commands(None):
        command = root.get_command(None, name)
        if hasattr(command, "commands"):
            found.extend((f"{name} {sub}", cmd) for sub, cmd in command.commands.items())
        else:
            found.append((name, command))
    return found


COMMANDS = all_commands()


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_has_french_help_with_an_example(name: str, command: Any) -> None:
    assert command.help, name
    assert "Exemple : bailleurs " in command.help
    for param in command.params:
        if param.param_type_name == "option" and param.name != "help":
            assert param.help, f"{name} {param.opts}"


@pytest.mark.parametrize("name", [n for n, _ in COMMANDS])
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"bailleurs {name}" in README.read_text(encoding="utf-8")


def _env(home: Path) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", ""), "BAILLEURS_HOME": str(home)}
    env["BAILLEURS_TODAY"] = "2026-11-23"
    return env


def run_module(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m bailleurs_cli ARGS`` with no terminal and almost no environment."""
    return subprocess.run(
        [sys.executable, "-m", "bailleurs_cli", *args],
        capture_output=True,
        text=True,
        env=_env(home),
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_version_and_python_dash_m(home: Path) -> None:
    result = run_module(home, "--version")
    assert (result.returncode, result.stdout) == (0, f"bailleurs {__version__}\n")


def test_next_runs_without_a_terminal_or_environment(home: Path) -> None:
    """As cron runs it: no TTY, almost no environment, no colour codes."""
    result = run_module(home, "next", "--limit", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("Elogie-Siemp")
    assert "\x1b[" not in result.stdout + result.stderr
    assert (home / "bailleurs.db").is_file()


PROBE = """
import sys
from bailleurs_cli.cli import app
try:
    app(sys.argv[1:], prog_name="bailleurs")
except SystemExit:
    pass
heavy = ["docx", "docxtpl", "jinja2", "yaml", "alembic", "rapidfuzz", "babel",
         "email_validator", "rich", "sqlalchemy", "sqlmodel", "PIL", "bailleurs_cli.report.svg"]
print("LOADED:", *(m for m in heavy if m in sys.modules), file=sys.stderr)
"""


def loaded_modules(home: Path, *args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env=_env(home),
        check=False,
    )
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("LOADED:"), result.stderr
    return set(last.split()[1:])


@pytest.fixture
def seeded_home(home: Path, _seeded_sqlite: Path) -> Path:
    """A home whose default store exists, as the first command leaves it (a copy of the
    session's seeded store: creating one costs a second per test)."""
    shutil.copyfile(_seeded_sqlite, home / "bailleurs.db")
    return home


def test_help_imports_no_database_layer(home: Path) -> None:
    assert loaded_modules(home, "--help") & {"sqlalchemy", "sqlmodel", "yaml", "alembic"} == set()


def test_next_imports_only_what_it_uses(home: Path) -> None:
    """``next`` reads an existing store through the driver (issue 14): no ORM at all."""
    first = loaded_modules(home, "next")  # first run creates and seeds the store
    assert "sqlmodel" in first  # created through the ORM and Alembic
    loaded = loaded_modules(home, "next")
    assert (
        loaded
        & {
            "sqlalchemy",
            "sqlmodel",
            "docx",
            "docxtpl",
            "jinja2",
            "yaml",
            "alembic",
            "rapidfuzz",
            "babel",
            "email_validator",
            "rich",
        }
        == set()
    )


#: Each command a probe runs on an existing store, in one forked child per command.
EVERYDAY_READS = [
    ["next", "--all"],
    ["digest"],
    ["digest", "--only-new"],
    ["list", "--departement", "93"],
    ["history", "rivp"],
    ["show", "rivp"],
    ["show", "rivp", "--json"],
]
OTHER_COMMANDS = [["next"], ["list"], ["rapport", "--out", "rapport"]]

FORKED_PROBE = """
import json, os, sys
from bailleurs_cli.cli import app
heavy = ["sqlalchemy", "sqlmodel", "alembic", "PIL", "bailleurs_cli.report.svg"]
loaded = {}
for args in json.loads(sys.argv[1]):
    sys.stdout.flush(); sys.stderr.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: this process as it stood after importing the CLI
        os.close(read_end)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1); os.dup2(null, 2)
        try:
            app(args, prog_name="bailleurs")
        except SystemExit:
            pass
        os.write(write_end, json.dumps([m for m in heavy if m in sys.modules]).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as answer:
        loaded[" ".join(args)] = answer.read()
    os.waitpid(pid, 0)
print(json.dumps({k: json.loads(v) for k, v in loaded.items()}))
"""


@pytest.fixture(scope="module")
def loaded_by(
    tmp_path_factory: pytest.TempPathFactory, _seeded_sqlite: Path
) -> dict[str, set[str]]:
    """What each command loads on an existing store. One Python process imports the
    CLI, then forks a child per command, so each command starts from exactly the state
    of a fresh ``bailleurs`` process (a process each costs a second under load)."""
    import json

    home = tmp_path_factory.mktemp("probe")
    shutil.copyfile(_seeded_sqlite, home / "bailleurs.db")
    commands = EVERYDAY_READS + OTHER_COMMANDS
    result = subprocess.run(
        [sys.executable, "-c", FORKED_PROBE, json.dumps(commands)],
        capture_output=True,
        text=True,
        env=_env(home),
        cwd=home,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert (home / "rapport" / "rapport.html").is_file()  # the report really ran
    return {name: set(modules) for name, modules in loaded.items()}


@pytest.mark.parametrize("args", EVERYDAY_READS, ids=" ".join)
def test_everyday_reads_skip_the_orm(loaded_by: dict[str, set[str]], args: list[str]) -> None:
    """On an existing store, the everyday read commands go through the driver alone."""
    assert loaded_by[" ".join(args)] & {"sqlalchemy", "sqlmodel", "alembic"} == set()


@pytest.mark.parametrize(
    "args", [["next"], ["show", "rivp"], ["list"], ["history", "rivp"], ["digest"]], ids=" ".join
)
def test_only_bilan_imports_the_chart_library(
    loaded_by: dict[str, set[str]], args: list[str]
) -> None:
    """Pillow draws the bilan's chart (about 25 ms to import): no other command pays it."""
    assert "PIL" not in loaded_by[" ".join(args)]


@pytest.mark.parametrize(
    "args", [["next"], ["show", "rivp"], ["list"], ["history", "rivp"], ["digest"]], ids=" ".join
)
def test_only_rapport_loads_the_report_s_charts(
    loaded_by: dict[str, set[str]], args: list[str]
) -> None:
    """The report draws its SVG charts itself (report_svg: no chart library, no PIL):
    no other command loads it, and ``rapport`` loads no Pillow."""
    assert "bailleurs_cli.report.svg" not in loaded_by[" ".join(args)]
    made = loaded_by["rapport --out rapport"]
    assert "bailleurs_cli.report.svg" in made
    assert "PIL" not in made


def test_the_readme_python_example_runs(seeded_home: Path) -> None:
    """« Depuis Python » in the README, run as written against the default store."""
    code = README.read_text(encoding="utf-8").split("```python\n")[1].split("```")[0]
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=_env(seeded_home),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()
    assert printed, "the example printed no next step"
    assert all(line.startswith("{'landlord'") for line in printed), printed[:2]


def test_debug_shows_the_traceback_of_a_user_error(seeded_home: Path) -> None:
    result = run_module(seeded_home, "--debug", "show", "zzz")
    assert result.returncode != 0
    assert "NotFound" in result.stderr


def test_ci_runs_the_readme_test_command() -> None:
    readme = README.read_text(encoding="utf-8")
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    command = (
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
    )
    assert readme.split("```sh\n")[2].startswith(command + "\n")
    assert f"\n{command}\n" in ci


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["contact"], "Erreur : argument BAILLEUR manquant ; voir « bailleurs contact --help »."),
        (
            ["contact", "rivp", "--summary", "x"],
            "Erreur : option --channel obligatoire ; voir « bailleurs contact --help ».",
        ),
        (
            ["next", "--limit", "x"],
            "Erreur : --limit : valeur invalide ; attendu un nombre entier.",
        ),
        (
            ["next", "--lmit", "3"],
            "Erreur : option « --lmit » inconnue (vouliez-vous dire --limit ?) ; "
            "voir « bailleurs next --help ».",
        ),
        (["nxt"], "Erreur : commande « nxt » inconnue ; voir « bailleurs --help »."),
        (
            ["remind", "remove", "abc"],
            "Erreur : NUMÉRO : valeur invalide ; attendu un nombre entier.",
        ),
        (["show", "a", "b"], "Erreur : argument en trop : b ; voir « bailleurs show --help »."),
        (["--db"], "Erreur : --db attend une valeur ; voir « bailleurs --help »."),
        (
            ["list", "--commune"],
            "Erreur : --commune attend une valeur ; voir « bailleurs list --help ».",
        ),
        (
            ["config", "territoires", "--commune"],
            "Erreur : --commune attend une valeur ; voir « bailleurs config territoires --help ».",
        ),
    ],
)
def test_usage_errors_are_one_french_line(home: Path, args: list[str], line: str) -> None:
    result = run_module(home, *args)
    assert (result.returncode, result.stdout, plain_spaces(result.stderr)) == (2, "", line + "\n")


@pytest.mark.parametrize("args", [["next", "--all"], ["show", "rivp", "--json"]], ids=" ".join)
def test_a_closed_output_ends_quietly(seeded_home: Path, args: list[str]) -> None:
    """``bailleurs next --all | head -1``: the reader leaves, the command stops without a
    word and with the shell's code for it (141), not « Erreur inattendue »."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # gone before the first line: every write meets a closed pipe
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bailleurs_cli", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(seeded_home),
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 141, result.stderr
    assert "Erreur" not in result.stderr and "Traceback" not in result.stderr


def test_out_of_range_number_is_refused(home: Path) -> None:
    result = run_module(home, "next", "--limit", "0")
    assert (result.returncode, plain_spaces(result.stderr)) == (
        1,
        "Erreur : --limit : valeur invalide ; attendu un nombre entier ≥ 1.\n",
    )


def test_help_frame_is_in_french(home: Path) -> None:
    result = run_module(home, "plan", "--help")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Utilisation : bailleurs plan [OPTIONS] BAILLEUR DATE ACTION"
    assert "Arguments :" in lines and "Options :" in lines
    assert "  -h, --help      Afficher cette aide et quitter." in lines
    for english in ("Usage", "Show this message", "[required]", "<str>", "Commands:"):
        assert english not in result.stdout


def test_messages_follow_french_typography(home: Path) -> None:
    result = run_module(home, "show", "a", "b")
    assert result.stderr == (
        "Erreur\u00a0: argument en trop\u00a0: b\u202f; voir «\u00a0bailleurs show --help\u00a0».\n"
    )


def test_every_command_module_is_registered() -> None:
    """A command written in cli/ but missing from REGISTRY would silently not exist."""
    import ast

    from bailleurs_cli.cli import REGISTRY

    registered = set(REGISTRY.values())
    found = set()
    for path in (Path(__file__).resolve().parents[1] / "src/bailleurs_cli/cli").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and "Exemple : bailleurs" in (
                ast.get_docstring(node) or ""
            ):
                decorators = " ".join(ast.unparse(d) for d in node.decorator_list)
                decorated = "command" in decorators or "callback" in decorators
                if not decorated:
                    found.add(f"{path.stem}:{node.name}")
            if isinstance(node, ast.Assign) and "sub_app(" in ast.unparse(node.value):
                found.add(f"{path.stem}:{ast.unparse(node.targets[0])}")
    assert found == registered


def test_contributing_maps_every_module() -> None:
    """The map in CONTRIBUTING.md names every module a contributor may open."""
    root = Path(__file__).resolve().parents[1]
    text = (root / "CONTRIBUTING.md").read_text(encoding="utf-8")
    package = root / "src" / "bailleurs_cli"
    modules = {
        p.name
        for p in package.rglob("*.py")
        if p.name != "__init__.py" and "versions" not in p.relative_to(package).parts
    }
    assert sorted(m for m in modules if m not in text) == []


def test_unknown_command_builds_nothing() -> None:
    root: Any = typer.main.get_command(app)
    assert root.get_command(None, "nxt") is None
    assert root.commands == {}  # nothing is built until a command is asked for


def test_help_shows_no_code_placeholders() -> None:
    """No Python type (« <list[Path]> », « <file> ») nor English default in any --help."""
    from typer.testing import CliRunner

    runner = CliRunner()
    for name, _ in COMMANDS:
        shown = runner.invoke(app, [*name.split(), "--help"], env={"COLUMNS": "80"}).stdout
        for leak in ("<list[", "<file>", "<path>", "<int>", "<str>", "[default", "Usage:"):
            assert leak not in shown, (name, leak)
