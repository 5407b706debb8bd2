"""Bilans: one partner with 50 workshops, ``bilan --all --pdf`` for 30 partners, and the
import cost of the chart library (Pillow) — all measured in one run, ratios printed.

Usage: python bench/bench_bilan.py [RUNS]

Builds a SQLite store in a temporary folder through the core API (the same path as
``atelier add``, ``atelier resultats``, ``convention``), then times ``bilans.write``
as ``bailleurs bilan`` calls it: a partner with 50 workshops (chart drawing, Word
rendering, atomic write: RUNS times, median), then 30 partners in one run with
``--pdf`` (one LibreOffice run for all). The import cost is measured in fresh
interpreters: what Pillow adds once ``bilan``'s other modules are loaded, and that
``bailleurs next`` never loads it.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import select

from bailleurs_cli.api import open_default
from bailleurs_cli.documents import bilans, charts, conventions
from bailleurs_cli.followup import partnerships
from bailleurs_cli.followup import workshops as core
from bailleurs_cli.settings.config import ConfigFile, Settings
from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import Landlord

TODAY = date(2027, 12, 20)
ASSOCIATION = {
    "nom": "Les Ateliers Amasco",
    "forme": "association loi 1901",
    "adresse": "12 rue de la République, 92120 Montrouge",
    "siret": "73282932000074",
    "signataire": "Camille Martin",
    "signataire_titre": "présidente",
    "email": "contact@amasco.example",
    "telephone": "01 23 45 67 89",
}
SETTINGS = Settings(ConfigFile.model_validate({"association": ASSOCIATION}))


def partner(store: Store, slug: str, count: int) -> None:
    """A signed convention for 2027 and ``count`` workshops with their results."""
    with store.write() as session:
        conventions.create(
            session,
            slug,
            partnerships.ConventionInput(
                contributions=["locaux=800", "communication"],
                sites=["Centre social, Paris 20e"],
                start="2027-01-01",
                end="2027-12-31",
                referent_landlord="Awa Diallo",
                status="signee",
            ),
            settings=SETTINGS,
            today=TODAY,
        )
        owner = session.exec(select(Landlord).where(Landlord.slug == slug)).one()
        for index in range(count):
            start = date(2027, 1, 4) + timedelta(days=7 * (index % 50))
            made = core.add(
                session,
                owner,
                core.WorkshopInput(
                    site=f"Centre social n° {index % 7 + 1}",
                    commune="75120",
                    starts_on=start,
                    ends_on=start + timedelta(days=4),
                    sessions=5,
                    theme="Sciences et jeux",
                ),
                qpv_communes=None,
            )
            participants = 12 + index % 15
            core.record_results(
                session,
                made.id or 0,
                core.Results(
                    participants=participants,
                    tenants=index % 6,
                    families=participants // 2,
                    attendance=70 + index % 30,
                    satisfaction_children=3.5 + (index % 4) / 2,
                    satisfaction_parents=4.0 + (index % 3) / 3,
                    host_feedback="Très bonne dynamique" if index % 5 == 0 else None,
                ),
            )


def import_cost(code: str, runs: int = 7) -> float:
    """Median wall time, in ms, of ``code`` in a fresh interpreter (after ``base``)."""
    base = "import bailleurs_cli.documents.bilans, bailleurs_cli.documents.engine, docx, docxtpl, jinja2"
    probe = (
        f"{base}\nimport time\nt = time.perf_counter()\n{code}\n"
        "print((time.perf_counter() - t) * 1000)"
    )
    times = [
        float(
            subprocess.run(
                [sys.executable, "-c", probe], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(runs)
    ]
    return statistics.median(times)


def next_loads_pil(home: Path) -> bool:
    probe = (
        "import sys\nfrom bailleurs_cli.cli import app\n"
        "try:\n    app(['next'], prog_name='bailleurs')\nexcept SystemExit:\n    pass\n"
        "print('PIL' in sys.modules, file=sys.stderr)"
    )
    env = {"BAILLEURS_HOME": str(home), "BAILLEURS_TODAY": TODAY.isoformat(), "PATH": ""}
    for _ in range(2):  # the first run creates the store
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                              env=env, check=False)  # fmt: skip
    return done.stderr.strip().splitlines()[-1] == "True"


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        store = open_default(str(root / "store.db"), settings=SETTINGS, today=TODAY,
                             notify=lambda _: None)  # fmt: skip
        with store.read() as session:
            slugs = list(session.exec(select(Landlord.slug).order_by(Landlord.slug)).all())[:31]
        partner(store, slugs[0], 50)
        for slug in slugs[1:31]:
            partner(store, slug, 2)

        print(f"One partner with 50 workshops, {runs} runs (median):")
        request = bilans.BilanRequest(landlords=(slugs[0],), out_dir=root / "one", force=True)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            report = bilans.write(store, request, settings=SETTINGS, today=TODAY)
            times.append(time.perf_counter() - started)
        assert len(report.written) == 1
        per_bilan = statistics.median(times)
        bars = report.written[0].bars
        started = time.perf_counter()
        for _ in range(runs):
            charts.workshop_bars(bars, (15, 30))
        chart = (time.perf_counter() - started) / runs
        print(f"  {1000 * per_bilan:.0f} ms per bilan, of which the chart {1000 * chart:.0f} ms "
              f"({100 * chart / per_bilan:.0f} %)")  # fmt: skip

        print("bilan --all --pdf, 30 partners of 2 workshops (one LibreOffice run):")
        request = bilans.BilanRequest(
            landlords=tuple(slugs[1:31]), out_dir=root / "all", pdf=True, force=True
        )
        started = time.perf_counter()
        report = bilans.write(store, request, settings=SETTINGS, today=TODAY)
        elapsed = time.perf_counter() - started
        assert len(report.written) == 30 and len(report.pdfs) == 30, report.warnings
        request = bilans.BilanRequest(landlords=tuple(slugs[1:31]), out_dir=root / "docx",
                                      force=True)  # fmt: skip
        started = time.perf_counter()
        bilans.write(store, request, settings=SETTINGS, today=TODAY)
        docx_only = time.perf_counter() - started
        print(f"  {elapsed:.1f} s in all, {1000 * elapsed / 30:.0f} ms per document "
              f"(.docx alone: {1000 * docx_only / 30:.0f} ms; the PDF conversion is "
              f"{100 * (elapsed - docx_only) / elapsed:.0f} % of the run)")  # fmt: skip
        store.dispose()

        print("Import cost of the chart library (fresh interpreters, median of 7):")
        pil = import_cost("from PIL import Image, ImageDraw, ImageFont")
        print(f"  Pillow, once bilan's other modules are loaded: {pil:.0f} ms")
        print(f"  bailleurs next loads Pillow: {next_loads_pil(root / 'home')} (0 ms)")


if __name__ == "__main__":
    main()
