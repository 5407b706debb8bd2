"""What the store and the lean read path (:mod:`bailleurs_cli.store.reader`) share, readable
without importing Alembic or SQLAlchemy: the schema versions and the busy timeout."""

from __future__ import annotations

#: Alembic revisions shipped with this version, oldest first.
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
HEAD = REVISIONS[-1]
#: How long a connection waits for another process's write (SQLite) or lock.
BUSY_TIMEOUT_MS = 10_000
