"""Cold-start wall times, as ratios to an argparse + sqlite3 floor, in one interleaved run.

Usage: python bench/bench_startup.py [ROUNDS]

Each round runs every command once, in shuffled order, with output to /dev/null
(interleaving keeps ratios comparable on a noisy machine).
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    home = Path(tempfile.mkdtemp(prefix="bailleurs-bench-"))
    env = dict(os.environ, BAILLEURS_HOME=str(home), NO_COLOR="1")
    env.pop("BAILLEURS_DB", None)
    # Let Python cache bytecode, as on a user's machine: with PYTHONDONTWRITEBYTECODE
    # every run recompiles our modules from source and the ratios measure the compiler.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    exe = shutil.which("bailleurs") or sys.exit("bailleurs is not installed in this environment")
    subprocess.run([exe, "next"], env=env, check=True, capture_output=True)  # create + seed
    db = str(home / "bailleurs.db")
    py = sys.executable
    commands = {
        "floor: argparse + sqlite3, one row": [py, str(HERE / "floor_argparse_sqlite3.py"), db],
        "minimal Typer + SQLModel, one row": [py, str(HERE / "typer_sqlmodel_min.py"), "show", db],
        "bailleurs --help": [exe, "--help"],
        "bailleurs next": [exe, "next"],
        "bailleurs list": [exe, "list"],
        "bailleurs history rivp": [exe, "history", "rivp"],
        "bailleurs show rivp": [exe, "show", "rivp"],
        "bailleurs digest (nothing due)": [exe, "digest"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for index in range(rounds + 3):
        order = list(commands.items())
        random.shuffle(order)
        for name, argv in order:
            start = time.perf_counter()
            subprocess.run(
                argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            elapsed = (time.perf_counter() - start) * 1000
            if index >= 3:  # warm-up rounds discarded
                times[name].append(elapsed)
    floor = statistics.median(times["floor: argparse + sqlite3, one row"])
    reference = statistics.median(times["minimal Typer + SQLModel, one row"])
    print(f"Cold start, {rounds} interleaved rounds (ms; ratios of medians, same run)\n")
    print("| command | min | median | × floor | × Typer+SQLModel |")
    print("|---|---:|---:|---:|---:|")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(
            f"| {name} | {min(samples):.0f} | {median:.0f} | {median / floor:.2f} | "
            f"{median / reference:.2f} |"
        )
    shutil.rmtree(home)


if __name__ == "__main__":
    main()
