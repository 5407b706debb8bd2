"""The entry point for scripts: open the store the way the CLI does.

Example::

    from bailleurs_cli import api
    from bailleurs_cli.followup import scheduling

    store = api.open_default()
    with store.read() as session:
        items = scheduling.next_items(session, today=api.today(), days=7,
                                      stale_after_days=45)
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date

from sqlmodel import Session

from bailleurs_cli.settings import config
from bailleurs_cli.store.core import Store, open_store


def seed_registry(session: Session, today: date) -> None:
    """Load the shipped registry and QPV list into a new or upgraded store (idempotent)."""
    from bailleurs_cli.ground import territory
    from bailleurs_cli.sources import registry

    registry.apply(session, registry.load(), today=today)
    territory.seed_qpv(session)


def _stderr(message: str) -> None:
    sys.stderr.write(message + "\n")


def backup_before_upgrade(
    url: str, settings: config.Settings, notify: Callable[[str], None] = _stderr
) -> Callable[[str], None]:
    """What runs before an existing store is upgraded: a backup, its path said."""

    def before(version: str) -> None:
        from bailleurs_cli.errors import ToolMissing
        from bailleurs_cli.settings.config import paris_now
        from bailleurs_cli.store import backups

        try:
            made = backups.make_backup(
                url,
                folder=config.backup_dir(),
                now=paris_now(),
                reason=f"avant-mise-a-jour-{version}",
                keep=settings.backup_keep,
            )
        except ToolMissing as exc:
            notify(
                f"Attention : pas de sauvegarde avant la mise à jour ({exc.message}) ; "
                "la mise à jour sera annulée si la moindre ligne venait à manquer."
            )
            return
        notify(f"Sauvegarde avant la mise à jour du schéma {version} : {made.path}")

    return before


def open_default(
    db: str | None = None,
    *,
    settings: config.Settings | None = None,
    today: date | None = None,
    notify: Callable[[str], None] = _stderr,
) -> Store:
    """Open (and on first use create and seed) the store named by ``db`` or the defaults.

    An existing store made by an earlier version is backed up before it is upgraded;
    ``notify`` receives the backup's path (stderr by default).
    """
    settings = settings or config.load_settings()
    url = config.resolve_db_url(db, settings)
    return open_store(
        url,
        today=today or config.today_from_env(),
        seed=seed_registry,
        before_upgrade=backup_before_upgrade(url, settings, notify),
        author=settings.author,
        on_create=lambda where: notify(f"Nouvelle base créée : {where}"),
    )


def today() -> date:
    """Today, or ``BAILLEURS_TODAY``."""
    return config.today_from_env()
