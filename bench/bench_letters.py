"""Bulk letters: documents per second with one process and with both cores.

Usage: python bench/bench_letters.py [COUNT]

Renders COUNT prospection letters (default 500) through the same path as
``bailleurs letter --all`` (plan, render, atomic write), once with one worker
and once with two, in the same run; compares with the docxtpl figures of
perf-baseline.md §3 (target ≥ 25 docs/s in one process, ≥ 50 with two).
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bailleurs_cli import documents, letters
from bailleurs_cli.config import Settings

TODAY = date(2026, 11, 23)
ASSOCIATION = {
    "nom": "Habitat & Humanisme <Paris>",
    "forme": "association loi 1901",
    "adresse": "12 rue de la République, 92120 Montrouge",
    "siret": "73282932000074",
    "signataire": "Camille Martin",
    "signataire_titre": "présidente",
    "email": "contact@asso.example",
    "telephone": "01 23 45 67 89",
}


def jobs(count: int, out: Path, template: documents.TemplateInfo) -> list[letters.Job]:
    from bailleurs_cli import contexts

    made = []
    for index in range(count):
        context = contexts.LetterContext(
            association=contexts.association_from_settings(ASSOCIATION),
            bailleur=contexts.Landlord(
                nom=f"Bailleur {index} & Cie",
                nature="OPH (office public de l'habitat)",
                forme_juridique=None,
                siren=None,
                adresse=f"{index} rue X, 93100 Montreuil",
                adresse_lignes=[f"{index} rue X", "93100 Montreuil"],
                territoire="Montreuil",
                groupe=None,
            ),
            destinataire=None,
            date=TODAY,
            lieu="Montrouge",
            objet=template.subject,
            reference=f"2026-b{index}",
            dernier_envoi=None,
            dernier_echange=None,
        )
        made.append(
            letters.Job(
                slug=f"b{index}",
                name=f"Bailleur {index}",
                target=out / f"b{index}-prospection.docx",
                context=context.model_dump(),
            )
        )
    return made


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    settings = Settings(association=ASSOCIATION)
    template = documents.BUILTIN["prospection"]
    path = documents.find_template("prospection", None)
    print(f"{count} prospection letters, same run:")
    rates = {}
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder)
            todo = jobs(count, out, template)
            started = time.perf_counter()
            report = letters.run(
                todo, template_path=path, settings=settings, today=TODAY, workers=workers
            )
            elapsed = time.perf_counter() - started
            assert len(report.written) == count, report.failed[:1]
            rates[workers] = count / elapsed
            print(
                f"  {workers} worker(s): {elapsed:.1f} s, {rates[workers]:.0f} docs/s "
                f"({1000 * elapsed / count:.1f} ms/doc)"
            )
    print(f"  speed-up with two workers: {rates[2] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()
