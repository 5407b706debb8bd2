"""Import of a large DGFiP file: time, memory, and the ratio to merely reading it.

Usage: python bench/bench_import.py [ROWS]

Builds a file of ROWS premises (default 100 000) in the real DGFiP format
(Windows-1252, ``;``, the long column names of tests/fixtures/imports), spread
over 400 owners — social landlords and companies to ignore — and the communes of
Seine-Saint-Denis, then runs ``bailleurs import locaux-personnes-morales`` on a
fresh store in a subprocess. Reports the wall time, the peak memory of that
process, and the ratio to the floor: reading the same file with the ``csv``
module alone, in the same run.
"""

from __future__ import annotations

import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

TODAY = date(2026, 11, 23)
FIXTURE = Path(__file__).resolve().parents[1] / "tests/fixtures/imports/locaux_pm_2024_extrait.csv"


def luhn(prefix: str) -> str:
    for last in "0123456789":
        digits = prefix + last
        total = 0
        for index, char in enumerate(reversed(digits)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return digits
    raise AssertionError(prefix)


def build(path: Path, rows: int) -> None:
    with FIXTURE.open(encoding="cp1252", newline="") as handle:
        header, template = next(csv.reader(handle, delimiter=";")), None
        template = next(csv.reader(handle, delimiter=";"))
    from bailleurs_cli.ground.geo import communes

    codes = sorted(c.code[2:] for c in communes().values() if c.departement == "93")
    owners = []
    for index in range(400):
        social = index % 4 != 0
        owners.append((luhn(f"80{index:06d}"), "5" if social else "0",
                       "5546" if social else "5710", f"EXEMPLE {index} HABITAT" if social
                       else f"SAS EXEMPLE {index}"))  # fmt: skip
    with path.open("w", encoding="cp1252", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        for index in range(rows):
            siren, group, form, name = owners[index % len(owners)]
            row = list(template)
            row[0], row[2], row[10] = "93", codes[index % len(codes)], f"{index:05d}"
            row[19], row[20], row[21], row[23] = siren, group, form, name
            writer.writerow(row)


def next_with_territories(db: Path) -> tuple[float, float]:
    """Median ms of the next query with and without territories, on the imported store."""
    import statistics

    from bailleurs_cli.api import open_default
    from bailleurs_cli.followup.scheduling import next_items
    from bailleurs_cli.ground.geo import Territories
    from bailleurs_cli.store.core import HEAD  # noqa: F401  (the store is already migrated)

    store = open_default(str(db))
    zones = Territories(("93066", "93048"), ("93",))
    timings: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(15):
        for ranked in (True, False):
            start = time.perf_counter()
            with store.read() as session:
                next_items(session, today=TODAY, days=7, stale_after_days=45,
                           territories=zones if ranked else None)  # fmt: skip
            timings[ranked].append((time.perf_counter() - start) * 1000)
    store.dispose()
    return statistics.median(timings[True]), statistics.median(timings[False])


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pm_93_2024.csv"
        build(path, rows)
        start = time.perf_counter()
        with path.open(encoding="cp1252", newline="") as handle:
            floor_rows = sum(1 for _ in csv.reader(handle, delimiter=";"))
        floor = time.perf_counter() - start
        env = {**os.environ, "BAILLEURS_HOME": str(Path(tmp) / "home")}
        subprocess.run([sys.executable, "-m", "bailleurs_cli", "next", "--limit", "1"],
                       env=env, check=True, capture_output=True)  # fmt: skip
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "bailleurs_cli", "import", "locaux-personnes-morales",
             str(path), "--json"],
            env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        elapsed = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size_mb = path.stat().st_size / 1e6
        ranked, plain = next_with_territories(Path(tmp) / "home" / "bailleurs.db")
    import json

    report = json.loads(done.stdout)
    print(f"rows: {floor_rows - 1:,} ({size_mb:.1f} MB file, kept {report['kept']:,})")
    print(f"import: {elapsed:.2f} s wall ({rows / elapsed:,.0f} rows/s), peak RSS {peak_mb:.0f} MB")
    print(f"floor (csv.reader alone): {floor:.2f} s; import / floor = {elapsed / floor:.1f}x")
    print(f"counts: {report['counts']}")
    print(
        f"next on that store: {plain:.1f} ms without territories, {ranked:.1f} ms with "
        f"Saint-Denis, Montreuil and the 93 (priority over every presence row): "
        f"{ranked / plain:.1f}x"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
