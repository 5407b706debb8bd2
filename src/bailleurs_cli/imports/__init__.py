"""Importers for the public files users download (no network at run time).

:func:`run_import` is the one entry point: it opens one write transaction,
runs the importer, records the provenance of a real run, and rolls everything
back for a dry run (so the dry run's report is the real run's report).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bailleurs_cli.imports.core import Report
from bailleurs_cli.imports.tabular import Progress
from bailleurs_cli.store import Store

#: Import kinds, as typed after ``bailleurs import``.
KINDS = ("sirene", "qpv", "locaux-personnes-morales", "csv")


def run_import(
    store: Store,
    kind: str,
    paths: list[Path],
    *,
    today: date,
    dry_run: bool = False,
    progress: Progress | None = None,
    **options: Any,
) -> Report:
    """Run one import in one transaction; returns its report."""
    from bailleurs_cli.imports import core, dgfip, generic, qpv, sirene

    runners: dict[str, Callable[..., None]] = {
        "sirene": lambda s, r: sirene.run(s, paths, r, progress, today=today),
        "qpv": lambda s, r: qpv.run(s, paths, r, progress),
        "locaux-personnes-morales": lambda s, r: dgfip.run(s, paths, r, progress, today=today),
        "csv": lambda s, r: generic.run(s, paths, r, progress, today=today, **options),
    }
    report = Report(kind=kind, files=[p.name for p in paths], dry_run=dry_run)
    with store.write(dry_run=dry_run) as session:
        runners[kind](session, report)
        fingerprint = core.sha256(paths)
        previous = core.previous_run(session, kind, fingerprint)
        report.previous_run = None if previous is None else previous.run_at
        if not dry_run:
            core.record(session, report, paths, fingerprint)
    return report.finish()
