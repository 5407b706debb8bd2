"""Importers for the public files users download (no network at run time).

:func:`run_import` is the one entry point: it runs the importer in a write
transaction (or in committed steps for the row-by-row ones), records the
provenance of a real run, and rolls everything back for a dry run (so the dry
run's report is the real run's report).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from bailleurs_cli.imports.core import Report
from bailleurs_cli.imports.tabular import Progress
from bailleurs_cli.store import Store


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
    """Run one import; returns its report.

    Whole-set imports (``qpv``, ``locaux-personnes-morales``) and every dry run
    are one transaction. Row-by-row imports (``sirene``, ``csv``) commit in steps
    and resume after the last committed row of an interrupted run of the same
    file(s).
    """
    from bailleurs_cli.imports import core, dgfip, generic, qpv, sirene

    runners: dict[str, Callable[..., None]] = {
        "sirene": lambda s, r, **k: sirene.run(s, paths, r, progress, today=today, **k),
        "qpv": lambda s, r: qpv.run(s, paths, r, progress),
        "locaux-personnes-morales": lambda s, r: dgfip.run(s, paths, r, progress, today=today),
        "csv": lambda s, r, **k: generic.run(s, paths, r, progress, today=today, **options, **k),
    }
    report = Report(kind=kind, files=[p.name for p in paths], dry_run=dry_run)
    if dry_run or kind not in STEPPED:
        with store.write(dry_run=dry_run) as session:
            runners[kind](session, report)
            fingerprint = core.sha256(paths)
            previous = core.previous_run(session, kind, fingerprint)
            report.previous_run = None if previous is None else previous.run_at
            if not dry_run:
                core.record(session, report, paths, fingerprint)
        return report.finish()
    # Steps are committed as they go: read the whole file first, so that a malformed
    # file (a broken line, mixed encodings) is refused before anything is written.
    reader: dict[str, Callable[[], Iterator[object]]] = {
        "sirene": lambda: sirene.read(paths, Report(kind, [], True), None),
        "csv": lambda: generic.read(paths, Report(kind, [], True), None, **options),
    }
    for _ in reader[kind]():
        pass
    fingerprint = core.sha256(paths)
    with store.write_in_steps() as (session, commit):
        previous = core.previous_run(session, kind, fingerprint)
        report.previous_run = None if previous is None else previous.run_at
        interrupted = core.unfinished_run(session, kind, fingerprint)
        resume_after = 0
        if interrupted is not None:
            resume_after = int(interrupted.report.get(core.DONE_AT, 0))
            report.resumed_after = int(interrupted.report.get(core.LINE_AT, 0))
            run = core.resume_from(interrupted)
        else:
            run = core.record(session, report, paths, fingerprint, finished=False)

        def step(done: int, line: int) -> None:
            core.record(session, report, paths, fingerprint, run=run, finished=False,
                        at=(done, line))  # fmt: skip
            session.info.pop("slugs_taken", None)  # other writers may add some between steps
            commit()

        runners[kind](session, report, steps=core.Steps(step, resume_after=resume_after))
        core.record(session, report, paths, fingerprint, run=run)
    return report.finish()


#: Imports that commit row by row, in steps (see :class:`core.Steps`).
STEPPED = frozenset({"sirene", "csv"})
