"""Cost of the writers' lock on PostgreSQL: one exchange logged per transaction.

Usage: python bench/bench_write_lock.py POSTGRES_URL [TRANSACTIONS]

Every write transaction on PostgreSQL first takes ``pg_advisory_xact_lock`` (see
``store.py``), so that two processes that read then write take turns as they do
on SQLite. This logs TRANSACTIONS exchanges (default 300), one ``contact`` per
transaction as the CLI does, with the lock and with it removed (A B B A order), on the same
base in the same run, and reports the median time per transaction and the ratio.
The base named by the URL is emptied first: give it a scratch database.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date

from sqlalchemy import event, text

from bailleurs_cli.api import open_default
from bailleurs_cli.enums import Channel
from bailleurs_cli.followup.exchanges import ContactInput, contact
from bailleurs_cli.settings.config import Settings
from bailleurs_cli.store import core as store_module

TODAY = date(2026, 11, 23)


def timed(store: store_module.Store, count: int) -> list[float]:
    times = []
    for index in range(count):
        started = time.perf_counter()
        with store.write() as session:
            contact(
                session,
                "rivp",
                ContactInput(channel=Channel.EMAIL, summary=f"Envoi {index}"),
                today=TODAY,
                delays=Settings().delays,
            )
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    if len(sys.argv) < 2 or not sys.argv[1].startswith("postgresql"):
        sys.exit(__doc__)
    url = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    store = open_default(url, today=TODAY)
    with store.write() as session:
        session.execute(text("DELETE FROM exchange"))
    timed(store, 20)  # warm the pool and the caches
    lock = store_module._lock_writers_on_postgres
    half = count // 2
    # A B B A: the exchange table grows as we go; neither variant gets only the end.
    with_lock = timed(store, half)
    event.remove(store.engine, "begin", lock)
    without = timed(store, half) + timed(store, half)
    event.listen(store.engine, "begin", lock)
    with_lock += timed(store, half)
    store.dispose()
    a, b = statistics.median(with_lock) * 1000, statistics.median(without) * 1000
    print(f"{count} write transactions (contact) on PostgreSQL, median per transaction:")
    print("| variant | median ms | ratio |")
    print("|---|---|---|")
    print(f"| without the lock | {b:.2f} | 1.00 |")
    print(f"| with pg_advisory_xact_lock | {a:.2f} | {a / b:.2f} |")


if __name__ == "__main__":
    main()
