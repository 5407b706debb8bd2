"""Import of an association's own spreadsheet: new landlords, then the same file again.

Usage: python bench/bench_import_sheet.py [ROWS]

Writes a CSV of ROWS distinct landlords (default 1 500), each with a person, an
e-mail and a commune, as an association's follow-up sheet holds them, and runs
``bailleurs import csv`` on a fresh store in a subprocess: once (every row added:
a landlord, its pipeline, a person, a declared presence), then on the same file
again (every row matched and unchanged). Reports both wall times, rows per second,
and their ratio, measured in the same run.
"""

from __future__ import annotations

import json
import os
import random
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def build(path: Path, rows: int) -> None:
    rng = random.Random(7)

    def word() -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(7)).capitalize()

    lines = ["Nom;Personne;Email;Commune"]
    for index in range(rows):
        lines.append(f"{word()} {word()} Habitat;Émile {word()};p{index}@exemple.org;Saint-Denis")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed_import(path: Path, env: dict[str, str]) -> tuple[float, dict[str, int]]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bailleurs_cli", "import", "csv", str(path), "--json"],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    report = json.loads(done.stdout)
    counts = {"added": len(report["added"]), "updated": len(report["updated"]),
              "unchanged": report["unchanged"], "rejected": report["rejected_total"]}  # fmt: skip
    return elapsed, counts


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "suivi.csv"
        build(path, rows)
        env = {**os.environ, "BAILLEURS_HOME": str(Path(tmp) / "home")}
        subprocess.run([sys.executable, "-m", "bailleurs_cli", "next", "--limit", "1"],
                       env=env, check=True, capture_output=True)  # fmt: skip
        added, first = timed_import(path, env)
        again, second = timed_import(path, env)
    print(f"rows: {rows:,}")
    print(f"new landlords: {added:.2f} s wall ({rows / added:,.0f} rows/s), counts {first}")
    print(f"same file again: {again:.2f} s wall ({rows / again:,.0f} rows/s), counts {second}")
    print(f"new / unchanged = {added / again:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_500)
