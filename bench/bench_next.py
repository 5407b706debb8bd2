"""``next`` at scale: 2,000 landlords, 10,000 people, 1,000,000 exchanges.

Usage: python bench/bench_next.py [DB_PATH] [RUNS]

Builds (once) a synthetic SQLite store through the real schema, then times the
``next`` query through SQLModel (engine, session, compile, rows, ranking) and the
same SQL through raw sqlite3, and prints the query plans. Exchanges are only read
by ``history``; ``next`` reads the landlord table, whose ``last_exchange_on`` is
kept by ``contact`` (a pointer kept on write instead of a scan on read).
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bailleurs_cli.api import open_default
from bailleurs_cli.followup.scheduling import candidates, next_items
from bailleurs_cli.store.core import make_engine

LANDLORDS, PEOPLE, EXCHANGES = 2_000, 10_000, 1_000_000
TODAY = date(2026, 11, 23)
STAGES = [
    "identifie",
    "contacte",
    "en_discussion",
    "proposition",
    "partenaire",
    "en_veille",
    "refus",
]


def build(path: Path) -> None:
    open_default(str(path), today=TODAY).dispose()
    rng = random.Random(42)
    now = datetime.now(UTC).isoformat(sep=" ")
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM stage_change")
    conn.execute("DELETE FROM landlord")
    landlords = []
    for i in range(1, LANDLORDS + 1):
        stage = rng.choice(STAGES)
        closed = stage in ("en_veille", "refus")
        last = None if stage == "identifie" else TODAY - timedelta(days=rng.randrange(1, 400))
        due = (
            None
            if closed or stage == "identifie"
            else TODAY + timedelta(days=rng.randrange(-30, 90))
        )
        action = None if closed else "Relancer"
        landlords.append(
            (
                i,
                f"bailleur-{i}",
                f"Bailleur {i}",
                "[]",
                "[]",
                "inconnu",
                "[]",
                "[]",
                "[]",
                "[]",
                False,
                stage,
                (TODAY - timedelta(days=rng.randrange(400))).isoformat(),
                action,
                due.isoformat() if due else None,
                last.isoformat() if last else None,
                now,
                now,
            )
        )
    conn.executemany(
        "INSERT INTO landlord (id, slug, name, aliases, former_names, kind, dwellings, "
        "departements, communes, sources, in_registry, stage, stage_since, next_action, "
        "next_due, last_exchange_on, created_at, updated_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        landlords,
    )
    conn.executemany(
        "INSERT INTO person (id, landlord_id, name, active, created_at) VALUES (?,?,?,?,?)",
        (
            (i, rng.randrange(1, LANDLORDS + 1), f"Personne {i}", True, now)
            for i in range(1, PEOPLE + 1)
        ),
    )
    conn.execute(
        "UPDATE landlord SET next_person_id = (SELECT min(id) FROM person "
        "WHERE person.landlord_id = landlord.id)"
    )
    channels = ["email", "telephone", "rdv", "visio", "courrier"]
    conn.executemany(
        "INSERT INTO exchange (landlord_id, person_id, occurred_on, channel, direction, summary, "
        "created_at) VALUES (?,?,?,?,?,?,?)",
        (
            (
                rng.randrange(1, LANDLORDS + 1),
                None,
                (TODAY - timedelta(days=rng.randrange(1500))).isoformat(),
                rng.choice(channels),
                "sortant",
                "Échange de suivi",
                now,
            )
            for _ in range(EXCHANGES)
        ),
    )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out/scale.db")
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        started = time.perf_counter()
        build(path)
        print(f"built {path} in {time.perf_counter() - started:.0f} s")
    url = f"sqlite:///{path.resolve()}"

    orm: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        engine = make_engine(url)
        from sqlmodel import Session

        with engine.connect() as conn, Session(bind=conn) as session:
            items = next_items(session, today=TODAY, days=7, stale_after_days=45)
        engine.dispose()
        orm.append(time.perf_counter() - started)

    # The same SQL, compiled once, through raw sqlite3.
    engine = make_engine(url)
    from sqlmodel import Session

    with engine.connect() as conn, Session(bind=conn) as session:
        captured: list[tuple[str, Any]] = []
        from sqlalchemy import event

        @event.listens_for(conn, "before_cursor_execute")
        def _capture(_c, _cur, statement, params, *_):  # type: ignore[no-untyped-def]
            captured.append((statement, params))

        candidates(session, today=TODAY, days=7, stale_after_days=45, everything=False)
    engine.dispose()
    sql, params = captured[-1]
    raw: list[float] = []
    with sqlite3.connect(path) as db:
        for _ in range(runs):
            started = time.perf_counter()
            db.execute(sql, params).fetchall()
            raw.append(time.perf_counter() - started)
        plan = [row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params)]
        history_sql = (
            "SELECT * FROM exchange WHERE landlord_id = ? ORDER BY occurred_on DESC, id DESC"
        )
        history_plan = [row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + history_sql, (7,))]
        started = time.perf_counter()
        db.execute(history_sql, (7,)).fetchall()
        history_ms = (time.perf_counter() - started) * 1000
        counts = [
            db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("landlord", "person", "exchange")
        ]

    print(f"store: {counts[0]:,} landlords, {counts[1]:,} people, {counts[2]:,} exchanges")
    print(f"`next` ({len(items)} rows ranked), {runs} runs, median:")
    print(f"  through SQLModel (engine + session + query + ranking): {median_ms(orm):.1f} ms")
    print(f"  same SQL through raw sqlite3: {median_ms(raw):.2f} ms")
    print(
        f"  ratio SQLModel / raw: {median_ms(orm) / median_ms(raw):.1f}x (target: <= 50 ms total)"
    )
    print("  EXPLAIN QUERY PLAN (next):")
    for line in plan:
        print(f"    {line}")
    print(f"`history` of one landlord: {history_ms:.2f} ms; plan:")
    for line in history_plan:
        print(f"    {line}")


if __name__ == "__main__":
    main()
