"""Bulk letters: documents per second, the product against a naive docxtpl loop.

Usage: python bench/bench_letters.py [COUNT] [ROUNDS] [--baseline GIT-REF]

Each measurement is a fresh process that builds COUNT prospection letter contexts
(default 300), then times only the making of the files:

- **naive**: per document, ``DocxTemplate(path)``, ``render(context, autoescape=True)``
  with a sandboxed Jinja environment holding the tool's filters, ``save(file)``;
- **bulk**: ``letters.run``, the machinery of ``bailleurs letter --all`` (template
  prepared once per process, workers as the user gets them, atomic writes in order);
- **cli**: ``bailleurs letter --all`` itself, timed from outside (start-up, planning
  from the store and writing included) on a store holding COUNT more landlords with an
  address (the seeded ones with an address add a few letters);
- with ``--baseline REF``, **bulk@REF**: the same ``letters.run`` from that commit
  (``git archive``), e.g. the code before a change.

Each runs on both cores and pinned to one (``taskset -c 0``), the processes of one
round in shuffled order, ROUNDS rounds (default 3); the figures are medians, the
ratios are between medians of the same run (issue 14: ≥ 4× naive on two cores,
≥ 2× pinned to one).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

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
TEMPLATE = "prospection"


def contexts(count: int) -> list[dict[str, Any]]:
    """COUNT letter contexts as ``letters.plan`` makes them, one landlord each."""
    from bailleurs_cli.documents import contexts as c
    from bailleurs_cli.documents import kinds, letters

    made = []
    for index in range(count):
        context = c.LetterContext(
            association=c.association_from_settings(ASSOCIATION),
            bailleur=c.Landlord(
                nom=f"Bailleur {index} & Cie <SA>",
                nature="OPH (office public de l'habitat)",
                forme_juridique="Office public de l'habitat",
                forme="office public de l'habitat",
                represente="représenté",
                siren="552 038 200",
                adresse=f"{index} rue de l'Église, 93100 Montreuil",
                adresse_lignes=[f"{index} rue de l'Église", "93100 Montreuil"],
                territoire="Montreuil et Bagnolet",
                qpv=index % 2 == 0,
                groupe=None,
            ),
            destinataire=c.Recipient(
                nom="Awa Diallo",
                civilite="Mme",
                de="de Mme Awa Diallo",
                fonction="Responsable développement social",
                email="awa.diallo@example.org",
            ),
            appel="Madame",
            date=TODAY,
            lieu="Montrouge",
            objet=letters.subject_of(kinds.BUILTIN[TEMPLATE]),
            reference=f"Bailleur {index} – {TEMPLATE} – 2026",
            echange=None,
            envoi=None,
            dernier_envoi=None,
            dernier_echange=None,
        )
        made.append(context.model_dump())
    return made


def child(mode: str, count: int, out: Path) -> float:
    """Make COUNT letters in ``out`` the ``mode`` way; seconds taken."""
    from bailleurs_cli.documents import engine

    todo = contexts(count)
    path = engine.find_template(TEMPLATE, None)
    if mode == "naive":
        from docxtpl import DocxTemplate
        from jinja2 import StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        from bailleurs_cli.formatting import date_lettre, long_date, montant

        env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
        env.filters.update(date_lettre=date_lettre, date_longue=long_date)
        env.filters["montant"] = montant
        started = time.perf_counter()
        for index, context in enumerate(todo):
            document = DocxTemplate(str(path))
            document.render(context, jinja_env=env, autoescape=True)
            document.save(str(out / f"b{index}-{TEMPLATE}.docx"))
        return time.perf_counter() - started
    from bailleurs_cli.documents import letters
    from bailleurs_cli.settings.config import ConfigFile, Settings

    settings = Settings(file=ConfigFile.model_validate({"association": ASSOCIATION}))
    jobs = [
        letters.Job(
            slug=f"b{index}",
            name=f"Bailleur {index}",
            target=out / f"b{index}-{TEMPLATE}.docx",
            context=context,
        )
        for index, context in enumerate(todo)
    ]
    started = time.perf_counter()
    report = letters.run(jobs, template_path=path, settings=settings, today=TODAY)
    elapsed = time.perf_counter() - started
    assert len(report.written) == count, report.failed[:1]
    return elapsed


def make_store(count: int, where: Path) -> str:
    """A home (config with the association) and a store with COUNT more landlords."""
    from bailleurs_cli.api import open_default
    from bailleurs_cli.followup import landlords
    from bailleurs_cli.settings import edit
    from bailleurs_cli.settings.config import load_settings

    for key, value in ASSOCIATION.items():
        edit.set_value(f"association.{key}", value)
    db = str(where / "store.db")
    store = open_default(db, settings=load_settings(), today=TODAY, notify=lambda _: None)
    with store.write() as session:
        for index in range(count):
            data = landlords.LandlordInput(
                name=f"Bailleur {index} & Cie",
                kind="oph",
                address=f"{index} rue de l'Église, 93100 Montreuil",
            )
            landlords.add(session, data, today=TODAY, force=True)
    return db


def measure(mode: str, pinned: bool, count: int, pythonpath: str | None, cli: Path) -> float:
    """Docs per second of one child process."""
    with tempfile.TemporaryDirectory(prefix="bench-letters-") as folder:
        env = dict(os.environ)
        if mode == "cli":
            db = str(cli / "store.db")
            command = [sys.executable, "-m", "bailleurs_cli", "--db", db, "letter", "--all",
                       "--template", TEMPLATE, "--out", folder]  # fmt: skip
            env.update(BAILLEURS_HOME=str(cli / "home"), BAILLEURS_TODAY=TODAY.isoformat())
        else:
            command = [sys.executable, __file__, "--child", mode, str(count), folder]
        if pinned:
            command = ["taskset", "-c", "0", *command]
        if pythonpath:
            env["PYTHONPATH"] = pythonpath
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        elapsed = time.perf_counter() - started
        written = len(list(Path(folder).glob("*.docx")))
        if mode == "cli":
            assert written >= count, done.stderr
            return written / elapsed
        if done.returncode != 0:
            raise SystemExit(f"{mode}: {done.stderr}")
        assert written == count, (mode, written)
        return count / float(json.loads(done.stdout)["seconds"])


def baseline_tree(ref: str, where: Path) -> str:
    """The ``src`` folder of a commit, for PYTHONPATH."""
    root = Path(__file__).resolve().parents[1]
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", ref, "src", "templates"],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive.stdout, check=True)
    return str(where / "src")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        seconds = child(argv[1], int(argv[2]), Path(argv[3]))
        print(json.dumps({"seconds": seconds}))
        return
    if argv[:1] == ["--store"]:
        make_store(int(argv[1]), Path(argv[2]))
        return
    baseline = None
    if "--baseline" in argv:
        at = argv.index("--baseline")
        baseline = argv[at + 1]
        del argv[at : at + 2]
    count = int(argv[0]) if argv else 300
    rounds = int(argv[1]) if len(argv) > 1 else 3
    if shutil.which("taskset") is None:
        raise SystemExit("taskset is needed (util-linux)")
    with tempfile.TemporaryDirectory(prefix="bench-letters-src-") as folder:
        old = baseline_tree(baseline, Path(folder)) if baseline else None
        cli = Path(folder) / "cli"
        (cli / "home").mkdir(parents=True)
        subprocess.run(
            [sys.executable, __file__, "--store", str(count), str(cli)],
            env={**os.environ, "BAILLEURS_HOME": str(cli / "home")},
            check=True,
        )
        modes: list[tuple[str, str | None]] = [("naive", None), ("bulk", None), ("cli", None)]
        modes += [(f"bulk@{baseline}", old)] if old else []
        cases = [(name, path, pinned) for name, path in modes for pinned in (False, True)]
        rates: dict[tuple[str, bool], list[float]] = {(n, p): [] for n, _, p in cases}
        print(
            f"{count} {TEMPLATE} letters per process, {rounds} interleaved rounds, "
            f"{os.cpu_count()} cores (pinned: taskset -c 0)",
            flush=True,
        )
        for number in range(rounds):
            order = random.sample(cases, len(cases))
            for name, path, pinned in order:
                mode = "bulk" if name.startswith("bulk") else name
                rates[(name, pinned)].append(measure(mode, pinned, count, path, cli))
            print(f"  round {number + 1}/{rounds} done", file=sys.stderr)
    median = {key: statistics.median(values) for key, values in rates.items()}
    print(f"{'':14} {'both cores':>22} {'pinned to one core':>22}")
    for name, _ in modes:
        cells = []
        for pinned in (False, True):
            rate = median[(name, pinned)]
            cells.append(f"{rate:7.1f} docs/s {1000 / rate:6.2f} ms")
        print(f"{name:14} {cells[0]:>22} {cells[1]:>22}")
    for name, _ in modes[1:]:
        both = median[(name, False)] / median[("naive", False)]
        one = median[(name, True)] / median[("naive", True)]
        print(f"{name} / naive: {both:.2f}x on both cores, {one:.2f}x pinned to one core")
    if baseline:
        both = median[("bulk", False)] / median[(f"bulk@{baseline}", False)]
        one = median[("bulk", True)] / median[(f"bulk@{baseline}", True)]
        print(f"bulk / bulk@{baseline}: {both:.2f}x on both cores, {one:.2f}x pinned")
    print(
        "runs (docs/s): "
        + json.dumps(
            {
                f"{n}{' pinned' if p else ''}": [round(v, 1) for v in r]
                for (n, p), r in rates.items()
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
