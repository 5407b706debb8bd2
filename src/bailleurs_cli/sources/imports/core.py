"""What every import shares: the report, the "fill, never overwrite" rule, provenance.

An import of whole sets (QPV list, DGFiP counts) runs in one write transaction:
everything or nothing. An import of rows (SIRENE, the association's spreadsheet)
commits every :data:`STEP_ROWS` rows, so that a long import does not keep other
writers (a ``contact`` in another terminal, the cron digest) waiting past the
store's 10 s; its run record says where it stands, and importing the same file
again after an interruption resumes after the last committed row. With
``--dry-run`` the very same work runs in one transaction and is rolled back, so
the report of a dry run is the report of the real run. Fields already filled (by the user, the
registry or a previous import) are never overwritten: a different value is
reported as a conflict.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from bailleurs_cli import validation
from bailleurs_cli.enums import LegalKind
from bailleurs_cli.errors import InvalidInput
from bailleurs_cli.followup.landlords import unique_slug
from bailleurs_cli.followup.pipeline import enter_pipeline
from bailleurs_cli.sources.imports.matching import Match
from bailleurs_cli.store.tables.landlord import Landlord
from bailleurs_cli.store.tables.territory import ImportRun

#: Rejected rows listed one by one in a report; beyond, only counted.
KEEP_DETAILS = 200
#: Rows per committed step of a row-by-row import (about 0.7 s at 1.4 ms a row).
STEP_ROWS = 500
#: Keys of an import record's report that say where an unfinished run stopped.
FINISHED, DONE_AT, LINE_AT = "termine", "rangees_faites", "derniere_ligne"  # cli/imports: _STATE


@dataclass
class Change:
    """A landlord the import added or completed."""

    landlord: str
    name: str
    how: str | None = None  # siren, nom, flou (for updates)
    score: float | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    key: str = "landlord"  # "qpv" for the QPV list

    def as_json(self) -> dict[str, Any]:
        """Stable keys."""
        return {
            self.key: self.landlord,
            "name": self.name,
            "matched_by": self.how,
            "score": self.score,
            "fields": self.fields,
        }


@dataclass
class ImportReport:
    """What an import did (or would do, in a dry run)."""

    kind: str
    files: list[str]
    dry_run: bool
    rows: int = 0
    kept: int = 0
    added: list[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    near_misses: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    seconds: float = 0.0
    #: When the very same file(s) were last imported by this importer.
    previous_run: datetime | None = None
    #: An interrupted import of the same file(s) that this run completed.
    resumed_after: int | None = None  # the last row it had committed
    _started: float = field(default_factory=time.perf_counter, repr=False)

    rejected_total: int = 0

    def reject(self, line: int, reason: str, value: str | None = None) -> None:
        """A row left out, and why (the first :data:`KEEP_DETAILS` are listed)."""
        self.rejected_total += 1
        if len(self.rejected) < KEEP_DETAILS:
            self.rejected.append({"line": line, "value": value, "reason": reason})

    def near(self, line: int, name: str, landlord: Landlord, score: float) -> None:
        """A name close to a landlord's, not merged: a human decides."""
        self.near_misses.append(
            {"line": line, "name": name, "candidate": landlord.slug, "score": round(score, 1)}
        )

    def matched(
        self, session: Session, landlord: Landlord, match: Match, changed: dict[str, Any]
    ) -> None:
        """Count a known landlord as completed (saving it) or unchanged."""
        if not changed:
            self.unchanged += 1
            return
        session.add(landlord)
        self.updated.append(
            Change(landlord.slug, landlord.name, match.how, match.score, fields=changed)
        )

    def finish(self) -> ImportReport:
        """Stop the clock."""
        self.seconds = round(time.perf_counter() - self._started, 3)
        return self

    def as_json(self) -> dict[str, Any]:
        """Stable keys (documented in the README)."""
        return {
            "kind": self.kind,
            "files": self.files,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "kept": self.kept,
            "added": [c.as_json() for c in self.added],
            "updated": [c.as_json() for c in self.updated],
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "rejected_total": self.rejected_total,
            "near_misses": self.near_misses,
            "conflicts": self.conflicts,
            "counts": self.counts,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "seconds": self.seconds,
            "previous_run": None if self.previous_run is None else self.previous_run.isoformat(),
            "resumed_after_line": self.resumed_after,
        }

    def counted(self) -> dict[str, int]:
        """The figures a run record keeps."""
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "rejected": self.rejected_total,
            "conflicts": len(self.conflicts),
            **self.counts,
        }


@dataclass
class Steps:
    """Row-by-row importers count each row here: every :data:`STEP_ROWS` rows the
    work so far is committed and the run record says where it stands. The rows an
    interrupted run of the same file(s) committed are skipped (rows are counted in
    file order, so the count means the same rows on the next run)."""

    commit: Callable[[int, int], None]  # (rows done in all, file line of the last one)
    resume_after: int = 0
    seen: int = 0

    def take(self) -> bool:
        """Count one more row; False for a row an interrupted run already committed."""
        self.seen += 1
        return self.seen > self.resume_after

    def done(self, line: int) -> None:
        """The row counted last is applied; commit the step when it is full."""
        if (self.seen - self.resume_after) % STEP_ROWS == 0:
            self.commit(self.seen, line)


#: Fields whose wording differs between sources without being a conflict.
QUIET = frozenset({"legal_form"})


def fill(
    landlord: Landlord, values: dict[str, Any], report: ImportReport, *, line: int
) -> dict[str, Any]:
    """Set the empty fields of ``landlord`` from ``values``; report different filled ones
    (except wordings, :data:`QUIET`).

    Returns the fields changed (name → new value).
    """
    changed: dict[str, Any] = {}
    for key, value in values.items():
        if value in (None, "", []) or (key == "kind" and value == LegalKind.UNKNOWN):
            continue  # « inconnu » says nothing: neither a fill nor a conflict
        current = getattr(landlord, key)
        if current in (None, "", []) or (key == "kind" and current == LegalKind.UNKNOWN):
            setattr(landlord, key, value)
            changed[key] = value
        elif current != value and key not in QUIET:
            report.conflicts.append(
                {
                    "line": line,
                    "landlord": landlord.slug,
                    "field": key,
                    "kept": current,
                    "file": value,
                }
            )
    return changed


def add_alias(landlord: Landlord, name: str) -> bool:
    """Remember another spelling (helps the next match); True if new."""
    from bailleurs_cli import validation

    known = {validation.fold(n) for n in (landlord.name, *landlord.aliases, *landlord.former_names)}
    if not name.strip() or validation.fold(name) in known:
        return False
    landlord.aliases = [*landlord.aliases, name.strip()]
    return True


def long_name(name: str) -> str | None:
    """Why a row's name cannot be kept (longer than ``validation.NAME_MAX_LENGTH``), or None."""
    try:
        validation.name_length(name)
    except InvalidInput as exc:
        return exc.message.rstrip(".")
    return None


def create(
    session: Session, name: str, values: dict[str, Any], *, today: date, why: str
) -> Landlord:
    """A landlord the import discovered, entering the pipeline as *identifié*.

    Raises:
        InvalidInput: the name is too long (importers reject such rows first).
    """
    slug = unique_slug(session, validation.name_length(name))
    return enter_pipeline(session, slug, {"name": name, **values}, today=today, reason=why)


def all_landlords(session: Session) -> list[Landlord]:
    """Every landlord, for the matcher."""
    return list(session.exec(select(Landlord)).all())


def sha256(paths: list[Path]) -> str:
    """Fingerprint of the imported files, for provenance."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def previous_run(session: Session, kind: str, fingerprint: str) -> ImportRun | None:
    """The last real import of the very same file(s) by the same importer, if any."""
    return session.exec(
        select(ImportRun)
        .where(ImportRun.kind == kind, ImportRun.sha256 == fingerprint)
        .order_by(col(ImportRun.run_at).desc())
        .limit(1)
    ).first()


def history(session: Session, limit: int | None = None) -> list[ImportRun]:
    """Real imports, newest first."""
    query = select(ImportRun).order_by(col(ImportRun.run_at).desc(), col(ImportRun.id).desc())
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query).all())


def record(
    session: Session,
    report: ImportReport,
    paths: list[Path],
    fingerprint: str,
    *,
    run: ImportRun | None = None,
    finished: bool = True,
    at: tuple[int, int] = (0, 0),
) -> ImportRun:
    """Write (or update) the provenance record of a real run.

    An unfinished run records where it stopped (file index and line); a resumed
    run adds its figures to those of the run it completes.
    """
    counts = report.counted()
    rows = report.rows
    if run is None:
        run = ImportRun(
            kind=report.kind,
            file_name=", ".join(p.name for p in paths),
            sha256=fingerprint,
            rows=0,
            report={},
        )
    earlier = run.report.get("avant_reprise", {}) if isinstance(run.report, dict) else {}
    if isinstance(earlier, dict) and earlier:
        counts = {k: counts.get(k, 0) + int(earlier.get(k, 0)) for k in {*counts, *earlier}}
        rows += int(earlier.get("rows", 0))
    run.rows = rows
    state = {FINISHED: 1} if finished else {FINISHED: 0, DONE_AT: at[0], LINE_AT: at[1]}
    run.report = {**counts, **state, **({"avant_reprise": earlier} if earlier else {})}
    session.add(run)
    return run


def unfinished_run(session: Session, kind: str, fingerprint: str) -> ImportRun | None:
    """The last interrupted run of the very same file(s), to resume."""
    found = previous_run(session, kind, fingerprint)
    if found is None or found.report.get(FINISHED, 1) != 0:
        return None
    return found


def resume_from(run: ImportRun) -> ImportRun:
    """Make an interrupted run's record the one a resumed run completes: what it
    had committed (its figures are totals, earlier resumptions included) is kept
    aside and added to the resumed run's own figures."""
    skipped = (FINISHED, DONE_AT, LINE_AT, "avant_reprise")
    done = {k: int(v) for k, v in run.report.items() if k not in skipped}
    run.report = {**run.report, "avant_reprise": {**done, "rows": run.rows}}
    return run
