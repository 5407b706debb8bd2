"""Importers for the public files users download (no network at run time).

:data:`IMPORTERS` is the one table of importers (kind → runner, title, whether it
commits in steps); :func:`run_import` is the one entry point: it runs the importer
in a write transaction (or in committed steps for the row-by-row ones), records the
provenance of a real run, and rolls everything back for a dry run (so the dry run's
report is the real run's report).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bailleurs_cli.sources.imports.core import ImportReport
from bailleurs_cli.sources.imports.tabular import Progress
from bailleurs_cli.store.core import Store

if TYPE_CHECKING:
    from sqlmodel import Session

    from bailleurs_cli.sources.imports.core import Steps


@dataclass(frozen=True)
class Job:
    """What one run of an importer works on."""

    paths: list[Path]
    report: ImportReport
    progress: Progress | None
    today: date
    options: dict[str, Any]
    #: For a row-by-row importer's real run: where to commit (see :class:`core.Steps`).
    steps: Steps | None = None


#: Runs an importer in a session.
Runner = Callable[["Session", Job], None]
#: Reads every row of a row-by-row importer's files, writing nothing (a malformed
#: file fails here, before the first step is committed).
RowReader = Callable[[Job], Iterable[object]]


@dataclass(frozen=True)
class Importer:
    """One importer: the kind recorded with each run (and its ``import`` command), the
    French title its report starts with, what runs it and, for an importer that commits
    row by row in steps, what reads its rows first."""

    kind: str
    title: str
    run: Runner
    read_rows: RowReader | None = None

    @property
    def stepped(self) -> bool:
        """Whether a real run commits row by row, in steps."""
        return self.read_rows is not None


def _sirene(session: Session, job: Job) -> None:
    from bailleurs_cli.sources.imports import sirene

    sirene.run(session, job.paths, job.report, job.progress, today=job.today, steps=job.steps)


def _sirene_rows(job: Job) -> Iterable[object]:
    from bailleurs_cli.sources.imports import sirene

    return sirene.read(job.paths, job.report, job.progress)


def _qpv(session: Session, job: Job) -> None:
    from bailleurs_cli.sources.imports import qpv

    qpv.run(session, job.paths, job.report, job.progress)


def _premises(session: Session, job: Job) -> None:
    from bailleurs_cli.sources.imports import dgfip

    dgfip.run(session, job.paths, job.report, job.progress, today=job.today)


def _spreadsheet(session: Session, job: Job) -> None:
    from bailleurs_cli.sources.imports import generic

    generic.run(
        session, job.paths, job.report, job.progress, today=job.today, steps=job.steps,
        **job.options,
    )  # fmt: skip


def _spreadsheet_rows(job: Job) -> Iterable[object]:
    from bailleurs_cli.sources.imports import generic

    return generic.read(job.paths, job.report, job.progress, **job.options)


#: Every importer, by kind (each kind is also a subcommand of ``bailleurs import``).
IMPORTERS: dict[str, Importer] = {
    importer.kind: importer
    for importer in (
        Importer("sirene", "Import SIRENE", _sirene, _sirene_rows),
        Importer("qpv", "Import de la liste des QPV", _qpv),
        Importer("locaux-personnes-morales", "Import des locaux des personnes morales", _premises),
        Importer("csv", "Import du tableur", _spreadsheet, _spreadsheet_rows),
    )
}


def run_import(
    store: Store,
    kind: str,
    paths: list[Path],
    *,
    today: date,
    dry_run: bool = False,
    progress: Progress | None = None,
    **options: Any,
) -> ImportReport:
    """Run one import; returns its report.

    Whole-set imports (``qpv``, ``locaux-personnes-morales``) and every dry run
    are one transaction. Row-by-row imports (``sirene``, ``csv``) commit in steps
    and resume after the last committed row of an interrupted run of the same
    file(s).
    """
    from bailleurs_cli.sources.imports import core

    importer = IMPORTERS[kind]
    report = ImportReport(kind=kind, files=[p.name for p in paths], dry_run=dry_run)
    job = Job(paths, report, progress, today, options)
    if dry_run or not importer.stepped:
        with store.write(dry_run=dry_run) as session:
            importer.run(session, job)
            fingerprint = core.sha256(paths)
            previous = core.previous_run(session, kind, fingerprint)
            report.previous_run = None if previous is None else previous.run_at
            if not dry_run:
                core.record(session, report, paths, fingerprint)
        return report.finish()
    # Steps are committed as they go: read the whole file first, so that a malformed
    # file (a broken line, mixed encodings) is refused before anything is written.
    assert importer.read_rows is not None
    for _ in importer.read_rows(replace(job, report=ImportReport(kind, [], True), progress=None)):
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

        steps = core.Steps(step, resume_after=resume_after)
        importer.run(session, replace(job, steps=steps))
        core.record(session, report, paths, fingerprint, run=run)
    return report.finish()
