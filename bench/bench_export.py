"""``export`` at scale: 1,000,000 exchanges, time and peak memory against a streamed floor.

Usage: python bench/bench_export.py [DB_PATH] [RUNS]

Uses (or builds, once) the synthetic store of ``bench_next.py``: 2,000 landlords,
10,000 people, 1,000,000 exchanges. Each run, interleaved, in fresh processes:

- ``floor``: a plain script, ``sqlite3`` cursor and ``csv`` writer, that writes the same
  bytes as ``export --table echanges`` (checked once, byte for byte);
- ``csv``: ``bailleurs export --table echanges --out …``;
- ``json``: ``bailleurs export --format json --out …`` (every table).

Prints the median time and the peak resident memory of each (``wait4``'s rusage of
that very process), and the ratios to the floor. Issue 14's goal: at most 1.5× the
floor's time and 100 MiB, at any size.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

FLOOR = r"""
import csv, sqlite3, sys
from bailleurs_cli.formatting import CHANNEL_LABELS, DIRECTION_LABELS, OUTCOME_LABELS, STAGE_LABELS

db, target = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db)
rows = conn.execute(
    "SELECT l.slug, e.occurred_on, e.channel, e.direction, p.name, e.summary, e.outcome, "
    "e.stage_to, e.next_action, e.next_due, e.author FROM exchange e "
    "JOIN landlord l ON l.id = e.landlord_id LEFT JOIN person p ON p.id = e.person_id "
    "ORDER BY e.occurred_on, e.id"
)
formula = ("=", "+", "-", "@", "\t", "\r")
def cell(value):
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(formula) else text
with open(target, "w", encoding="utf-8", newline="") as out:
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Bailleur", "Date", "Canal", "Sens", "Interlocuteur", "Résumé", "Issue",
                     "Étape", "Prochaine action", "Échéance", "Par"])
    for slug, on, channel, direction, person, summary, outcome, stage, action, due, author in rows:
        writer.writerow([cell(v) for v in (
            slug, on, CHANNEL_LABELS.get(channel, channel),
            DIRECTION_LABELS.get(direction, direction), person, summary,
            OUTCOME_LABELS.get(outcome, outcome), STAGE_LABELS.get(stage, stage),
            action, due, author)])
"""


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{argv[:4]} failed ({process.returncode})")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    from bench_next import build

    path = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out/scale.db").resolve()
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        started = time.perf_counter()
        build(path)
        print(f"built {path} in {time.perf_counter() - started:.0f} s")
    exe = str(Path(sys.executable).with_name("bailleurs"))
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "BAILLEURS_HOME": str(work / "home"), "NO_COLOR": "1"}
        commands = {
            "floor": [sys.executable, "-c", FLOOR, str(path), str(work / "floor.csv")],
            "csv": [exe, "--db", str(path), "export", "--table", "echanges", "--force",
                    "--out", str(work / "export.csv")],
            "json": [exe, "--db", str(path), "export", "--format", "json", "--force",
                     "--out", str(work / "export.json")],
        }  # fmt: skip
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, argv in commands.items():
                samples[name].append(measure(argv, env))
        same = (work / "floor.csv").read_bytes() == (work / "export.csv").read_bytes()
        sizes = {name: (work / f).stat().st_size for name, f in
                 (("csv", "export.csv"), ("json", "export.json"))}  # fmt: skip
    floor_s = statistics.median(s for s, _ in samples["floor"])
    floor_mib = max(m for _, m in samples["floor"])
    print(f"{runs} interleaved runs, medians; peak RSS is the highest of the runs")
    print(f"{'':6} {'time':>8} {'× floor':>8} {'peak RSS':>10} {'× floor':>8}")
    for name, values in samples.items():
        seconds = statistics.median(s for s, _ in values)
        mib = max(m for _, m in values)
        print(
            f"{name:6} {seconds:7.1f}s {seconds / floor_s:7.2f}× {mib:7.0f} MiB "
            f"{mib / floor_mib:7.2f}×"
        )
    print(f"CSV identical to the floor's, byte for byte: {same}")
    print(f"sizes: CSV {sizes['csv'] / 2**20:.0f} MiB, JSON {sizes['json'] / 2**20:.0f} MiB")
    if not same:
        raise SystemExit("the export and the floor differ")


if __name__ == "__main__":
    main()
