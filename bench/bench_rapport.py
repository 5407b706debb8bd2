"""``rapport`` at scale: 2,000 landlords, 1,000,000 exchanges; time and peak memory.

Usage: python bench/bench_rapport.py [DB_PATH] [RUNS]

Uses (or builds, once) the synthetic store of ``bench_next.py`` (2,000 landlords,
10,000 people, 1,000,000 exchanges over four years), copies it and adds what a report
reads beyond exchanges: every landlord's moves through the pipeline (about 6,000 stage
changes, dated), 400 conventions with contributions, 1,500 workshops with results in
QPV; the association's territories are set. Then, in fresh processes, RUNS times each,
interleaved: ``bailleurs rapport`` as HTML, as Markdown, as JSON on stdout, and
anonymised, over the last twelve months. Prints the median time and the peak resident
memory (``wait4``'s rusage of that very process), and the time of ``bailleurs --help``
in the same run, the start-up floor. Issue 11's goal: under 2 s and 300 MB.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bailleurs_cli.dates import add_months

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

TODAY = date(2026, 11, 23)
MAIN = ["identifie", "contacte", "en_discussion", "proposition", "partenaire"]


def enrich(path: Path) -> None:
    """Stage changes, conventions and workshops on top of bench_next's store."""
    rng = random.Random(11)
    conn = sqlite3.connect(path)
    now = "2026-11-23 10:00:00.000000"
    stages = dict(conn.execute("SELECT id, stage FROM landlord"))
    moves: list[tuple[int, str | None, str, str, str]] = []
    for landlord_id, stage in stages.items():
        day = TODAY - timedelta(days=rng.randrange(700, 900))
        moves.append((landlord_id, None, "identifie", day.isoformat(), now))
        reached = MAIN.index(stage) if stage in MAIN else rng.randrange(1, 4)
        previous = "identifie"
        for target in MAIN[1 : reached + 1]:
            day += timedelta(days=rng.randrange(5, 120))
            moves.append((landlord_id, previous, target, day.isoformat(), now))
            previous = target
        if stage not in MAIN:
            day += timedelta(days=rng.randrange(5, 60))
            moves.append((landlord_id, previous, stage, day.isoformat(), now))
    conn.executemany(
        "INSERT INTO stage_change (landlord_id, from_stage, to_stage, changed_on, created_at) "
        "VALUES (?,?,?,?,?)",
        moves,
    )
    partners = [i for i, s in stages.items() if s == "partenaire"]
    conventions = []
    for n in range(400):
        start = TODAY - timedelta(days=rng.randrange(0, 700))
        contributions = json.dumps([{"kind": "locaux", "cents": 80_000}, {"kind": "communication",
                                    "cents": None}])  # fmt: skip
        conventions.append((
            rng.choice(partners), rng.choice(["non_financier", "financier"]), "Ateliers",
            contributions, "[]", start.isoformat(), (start + timedelta(days=180)).isoformat(),
            80_000, rng.choice([None, 300_000]), rng.choice(["brouillon", "envoyee", "signee",
            "echue"]), now, now, f"{start.year}-{n:03d}",
        ))  # fmt: skip
    conn.executemany(
        "INSERT INTO partnership (landlord_id, kind, object, contributions, sites, starts_on, "
        "ends_on, in_kind_cents, amount_cents, status, created_at, updated_at, number) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        conventions,
    )
    qpv = [row[0] for row in conn.execute("SELECT code FROM qpv WHERE departement = '93'")]
    workshops = []
    for _ in range(1_500):
        start = TODAY - timedelta(days=rng.randrange(0, 700))
        participants = rng.randrange(8, 30)
        workshops.append((
            rng.choice(partners), "Centre social", "93066", rng.choice(qpv), start.isoformat(),
            (start + timedelta(days=4)).isoformat(), 5, participants,
            rng.randrange(0, participants), rng.randrange(5, 20), now,
        ))  # fmt: skip
    conn.executemany(
        "INSERT INTO workshop (landlord_id, site, commune, qpv_code, starts_on, ends_on, "
        "sessions, participants, tenants, families, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        workshops,
    )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    print(f"added {len(moves):,} stage changes, 400 conventions, 1,500 workshops")


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv[3:]} failed")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    from bench_next import build

    source = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out/scale.db").resolve()
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    source.parent.mkdir(parents=True, exist_ok=True)
    if not source.exists():
        started = time.perf_counter()
        build(source)
        print(f"built {source} in {time.perf_counter() - started:.0f} s")
    exe = str(Path(sys.executable).with_name("bailleurs"))
    with tempfile.TemporaryDirectory(prefix="bench-rapport-") as tmp:
        work = Path(tmp)
        path = work / "rapport.db"
        shutil.copyfile(source, path)
        enrich(path)
        env = {**os.environ, "BAILLEURS_HOME": str(work / "home"), "NO_COLOR": "1",
               "BAILLEURS_TODAY": TODAY.isoformat()}  # fmt: skip
        subprocess.run([exe, "--db", str(path), "config", "territoires", "--commune",
                        "Saint-Denis", "--departement", "93"], env=env, check=True,
                       capture_output=True)  # fmt: skip
        base = [exe, "--db", str(path), "rapport", "--force", "--out", str(work / "out")]
        commands = {
            "--help": [exe, "--help"],
            "html": base,
            "md": [*base, "--format", "md"],
            "json": [exe, "--db", str(path), "rapport", "--json"],
            "anonyme": [*base, "--anonyme"],
        }
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, argv in commands.items():
                samples[name].append(measure(argv, env))
        size = (work / "out" / "rapport.html").stat().st_size
        start = add_months(TODAY.replace(day=1), -11)  # the report's twelve months
        with sqlite3.connect(path) as db:
            counts = db.execute(
                "SELECT (SELECT count(*) FROM landlord), (SELECT count(*) FROM exchange), "
                "(SELECT count(*) FROM exchange WHERE occurred_on BETWEEN ? AND ?)",
                (start.isoformat(), TODAY.isoformat()),
            ).fetchone()
    print(f"store: {counts[0]:,} landlords, {counts[1]:,} exchanges "
          f"({counts[2]:,} in the report's twelve months)")  # fmt: skip
    print(f"{runs} interleaved runs, medians; peak RSS is the highest of the runs")
    print(f"{'':9} {'time':>8} {'peak RSS':>10}")
    for name, values in samples.items():
        seconds = statistics.median(s for s, _ in values)
        mib = max(m for _, m in values)
        print(f"{name:9} {seconds:7.2f}s {mib:7.0f} MiB")
    print(f"page: {size / 1000:.0f} kB, self-contained")
    worst = max(statistics.median(s for s, _ in v) for k, v in samples.items() if k != "--help")
    peak = max(m for k, v in samples.items() if k != "--help" for _, m in v)
    print(f"goal (under 2 s and 300 MB): {'met' if worst < 2 and peak < 300 else 'NOT met'}")


if __name__ == "__main__":
    main()
