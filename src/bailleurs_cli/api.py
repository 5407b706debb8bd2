"""The entry point for scripts: open the store the way the CLI does.

Example::

    from bailleurs_cli import api, scheduling
    store = api.open_default()
    with store.read() as session:
        items = scheduling.next_items(session, today=api.today(), days=7,
                                      stale_after_days=45)
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from bailleurs_cli import config
from bailleurs_cli.store import Store, open_store


def seed_registry(session: Session, today: date) -> None:
    """Load the shipped registry and QPV list into a new or upgraded store (idempotent)."""
    from bailleurs_cli import registry, territory

    registry.apply(session, registry.load(), today=today)
    territory.seed_qpv(session)


def open_default(
    db: str | None = None,
    *,
    settings: config.Settings | None = None,
    today: date | None = None,
) -> Store:
    """Open (and on first use create and seed) the store named by ``db`` or the defaults."""
    settings = settings or config.load_settings()
    url = config.resolve_db_url(db, settings)
    return open_store(url, today=today or config.today_from_env(), seed=seed_registry)


def today() -> date:
    """Today, or ``BAILLEURS_TODAY``."""
    return config.today_from_env()
