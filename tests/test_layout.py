"""The package reads like the product, and every import points down (issue 13 §8).

Each job has its room (``followup/``, ``documents/``, ``reminders/``…) and a rank: a
module imports from its own room or from a lower one, never from above, so the
renderer of a letter never calls back into the follow-up that logs it. Imports under
``if TYPE_CHECKING:`` are annotations only and do not count; lazy imports do.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "bailleurs_cli"

#: Lowest first. ``base`` is the package's own top-level modules (errors, dates,
#: formatting…); ``api`` opens the store for scripts and for the CLI alike;
#: ``__main__`` stands above everything.
RANKS = {
    "base": 0,
    "store": 1,
    "ground": 2,
    "settings": 3,
    "followup": 4,
    "sources": 5,
    "privacy": 5,
    "documents": 6,
    "reminders": 6,
    "report": 7,
    "api": 8,
    "cli": 9,
    "entry": 10,
}


def room(module: str) -> str:
    """The room of a dotted module path under ``bailleurs_cli``."""
    parts = module.split(".")[1:]
    if parts and parts[0] in {"api", "__main__"}:
        return {"api": "api", "__main__": "entry"}[parts[0]]
    return parts[0] if parts and (PACKAGE / parts[0]).is_dir() else "base"


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every ``bailleurs_cli`` module imported by ``path`` (line, dotted name), outside
    ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(sub) for sub in ast.walk(node))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == "bailleurs_cli":
                found += [(node.lineno, f"bailleurs_cli.{a.name}") for a in node.names]
            elif node.module.startswith("bailleurs_cli."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [
                (node.lineno, a.name) for a in node.names if a.name.startswith("bailleurs_cli.")
            ]
    return found


def test_every_import_points_down() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = room(".".join(("bailleurs_cli", *path.relative_to(PACKAGE).with_suffix("").parts)))
        for line, module in imports_of(path):
            there = room(module)
            if there != here and RANKS[there] >= RANKS[here]:
                upward.append(
                    f"{path.relative_to(PACKAGE)}:{line} ({here}) imports {module} ({there})"
                )
    assert upward == []


def test_every_room_has_a_rank() -> None:
    rooms = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert rooms == set(RANKS) - {"base", "api", "entry"}


def test_rooms_import_nothing_when_entered() -> None:
    """A room's ``__init__`` imports nothing: ``next`` reads through
    ``store.reader`` without paying for the ORM of ``store.core``."""
    for init in PACKAGE.glob("*/__init__.py"):
        if init.parent.name == "cli":
            continue
        assert imports_of(init) == [], init
