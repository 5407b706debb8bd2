"""The bilan owed to each partner (issue 10, §3): built through the CLI, read back with
python-docx (figures, the target sentence, the chart as an inline picture), converted
by LibreOffice and read with pdftotext; ``--remis`` clears the digest's line."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from sqlmodel import select

from bailleurs_cli.cli._common import option_namer
from bailleurs_cli.documents import bilans, charts
from bailleurs_cli.errors import InvalidInput
from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import Exchange, Partnership

from .conftest import Run, built_once, plain_spaces
from .test_letters_french import IDENTITY

#: The bilan is written after the workshops: « today » is then.
LATER = {"BAILLEURS_TODAY": "2027-03-10"}
FEEDBACK = "Très bonne dynamique & enfants ravis <3"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "bilans"


def workshop(run: Run, slug: str, site: str, start: str, end: str, *extra: str) -> str:
    added = run("atelier", "add", slug, "--site", site, "--commune", "Paris 20e",
                "--debut", start, "--fin", end, "--seances", "5", *extra)  # fmt: skip
    assert added.exit_code == 0, added
    return added.stdout.strip()


def results(run: Run, number: str, *args: str) -> None:
    noted = run("atelier", "resultats", number, *args)
    assert noted.exit_code == 0, noted


@pytest.fixture
def rivp(run: Run, home: Path, db_url: str) -> tuple[str, str]:
    """RIVP, a partner under a signed convention (locaux valued 800 €, communication),
    with two workshops in February 2027 and their results."""
    return built_once("rivp", db_url, home, lambda: _partner(run))


def _partner(run: Run) -> tuple[str, str]:
    for key, value in IDENTITY.items():
        assert run("config", "set", key, value).exit_code == 0
    assert run("person", "add", "rivp", "Awa Diallo", "--civilite", "Mme").exit_code == 0
    made = run("convention", "rivp", "--contribution", "locaux=800", "--contribution",
               "communication", "--site", "Centre social Belleville, Paris 20e",
               "--debut", "2027-02-01", "--fin", "2027-03-31",
               "--out", str(Path(os.environ["BAILLEURS_HOME"]) / "conventions"))  # fmt: skip
    assert made.exit_code == 0, made
    assert run("convention", "rivp", "--status", "signee").exit_code == 0
    first = workshop(run, "rivp", "Centre social Belleville", "2027-02-15", "2027-02-19",
                     "--qpv", "QN07520M", "--theme", "Sciences et jeux")  # fmt: skip
    second = workshop(run, "rivp", "Maison de quartier Saint-Blaise", "2027-02-22",
                      "2027-02-26", "--theme", "Robots et codage")  # fmt: skip
    results(run, first, "--participants", "24", "--locataires", "7", "--familles", "15",
            "--assiduite", "82", "--satisfaction-enfants", "4.5", "--satisfaction-parents",
            "4.2", "--retour-structure", FEEDBACK, "--visite-bailleur", "2027-02-18")  # fmt: skip
    results(run, second, "--participants", "18", "--locataires", "2", "--familles", "12",
            "--assiduite", "90", "--satisfaction-enfants", "4.2",
            "--satisfaction-parents", "4.6")  # fmt: skip
    return first, second


def lines(path: Path) -> list[str]:
    """Paragraphs, then table rows (cells joined by « | »), French spaces made plain."""
    document = Document(str(path))
    found = [p.text for p in document.paragraphs]
    for table in document.tables:
        found.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
    return [plain_spaces(text) for text in found]


def test_the_bilan_of_two_workshops_reads_back(run: Run, rivp: tuple[str, str], out: Path) -> None:
    result = run("bilan", "rivp", "--out", str(out), env=LATER)
    assert result.exit_code == 0, result
    target = out / "rivp-bilan-convention-2027-001.docx"
    assert result.stdout == f"{target}\n"
    assert result.stderr.splitlines() == [
        "Bilan des ateliers du 1er février au 31 mars 2027 pour RIVP : 2 ateliers (10 séances) "
        "dans 2 structures accueillantes ; 42 enfants accueillis, dont 9 de familles locataires "
        "du bailleur (21 % de locataires, dans la cible 15–30 %) ; 27 familles touchées.",
        "Une fois remis : bailleurs bilan rivp --remis, avec les mêmes options.",
    ]
    text = lines(target)
    body = "\n".join(text)
    assert "Bilan des ateliers du 1er février au 31 mars 2027" in text
    assert "RIVP · convention n° 2027-001" in text
    assert "À l'attention de Mme Awa Diallo" in text
    # What was done, then the figures per workshop and in total.
    assert (
        "1 | Centre social Belleville, Paris 20e (QPV Les Amandiers) | du 15 au 19 février "
        "2027 | 5 | Sciences et jeux" in text
    )
    assert "n° 1 | 24 | 7 | 29 % | 15 | 82 % | 4,5/5 | 4,2/5" in text
    assert "n° 2 | 18 | 2 | 11 % | 12 | 90 % | 4,2/5 | 4,6/5" in text
    # Attendance (82×24 + 90×18) / 42 = 85.4; children (4.5×24 + 4.2×18) / 42 = 4.37.
    assert "Ensemble | 42 | 9 | 21 % | 27 | 85 % | 4,4/5 | 4,4/5" in text
    assert "moyennes pondérées par le nombre de participants de chaque atelier" in body
    # The tenant share, said against the landlord's target.
    assert (
        "Le bailleur souhaite que ses locataires représentent de 15 à 30 % des participants. Sur "
        "l'ensemble de la période : 21 % de locataires, dans la cible 15–30 % ; 1 atelier sur "
        "2 dans la cible." in text
    )
    # The host's feedback (escaped in the XML, verbatim for the reader) and the visit.
    assert f"– Centre social Belleville : « {FEEDBACK} »" in text
    assert "– le jeudi 18 février 2027 : Centre social Belleville" in text
    # The contributions as the convention values them, then what comes next.
    assert (
        "Au titre de la convention n° 2027-001 (du 1er février au 31 mars 2027), le "
        "bailleur apporte :" in text
    )
    assert any(line.startswith("Mise à disposition de locaux") and line.endswith("| 800 €")
               for line in text)  # fmt: skip
    # Communication is not valued: the 800 € are those of the premises alone.
    assert (
        "Les contributions valorisées ci-dessus représentent, d'un commun accord, une valeur "
        "de 800 €. Elles ont rendu possibles les ateliers décrits dans ce bilan." in body
    )
    assert (
        "– La convention n° 2027-001 s'achève le 31 mars 2027 : nous proposons au bailleur de "
        "la renouveler pour une nouvelle période" in body
    )
    assert "Référents : pour l'association, Camille Martin ; pour le bailleur, Awa Diallo." in text
    assert "{{" not in body and "{%" not in body


def test_the_chart_is_an_inline_picture(run: Run, rivp: tuple[str, str], out: Path) -> None:
    assert run("bilan", "rivp", "--out", str(out), env=LATER).exit_code == 0
    document = Document(str(out / "rivp-bilan-convention-2027-001.docx"))
    [shape] = document.inline_shapes
    assert abs(shape.width.mm - charts.WIDTH_MM) < 1
    blob = document.part.related_parts[
        shape._inline.graphic.graphicData.pic.blipFill.blip.embed
    ].blob
    assert blob.startswith(b"\x89PNG\r\n\x1a\n") and len(blob) > 5_000
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(blob)) as image:
        assert image.size == charts.SIZE
    caption = "Zone hachurée : la cible du bailleur, de 15 à 30 % des participants."
    assert any(caption in line for line in lines(out / "rivp-bilan-convention-2027-001.docx"))


@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (CI installs it)",
)
def test_pdf_through_libreoffice(run: Run, rivp: tuple[str, str], out: Path) -> None:
    result = run("bilan", "rivp", "--pdf", "--out", str(out), env=LATER)
    assert result.exit_code == 0, result
    pdf = out / "rivp-bilan-convention-2027-001.pdf"
    assert result.stdout.splitlines() == [str(pdf.with_suffix(".docx")), str(pdf)]
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (poppler-utils)")
    extracted = plain_spaces(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    assert "Bilan des ateliers du 1er février au 31 mars 2027" in extracted
    assert "21 % de locataires, dans la cible 15–30 %" in extracted
    assert FEEDBACK in extracted


def test_remis_records_the_handing_over_and_clears_the_digest(
    run: Run, store: Store, rivp: tuple[str, str], out: Path
) -> None:
    proposed = {"BAILLEURS_TODAY": "2027-03-12"}  # two weeks after the last workshop
    digest = run("digest", env=proposed).stdout
    assert "Bilans à remettre (1)" in digest
    assert "bailleurs bilan rivp, puis bailleurs bilan rivp --remis" in digest
    early = run("bilan", "rivp", "--remis", "--out", str(out), env=LATER)
    assert (early.exit_code, early.stderr) == (1, (
        f"Erreur : --remis : {out}/rivp-bilan-convention-2027-001.docx introuvable ; écrivez "
        "d'abord le bilan avec « bailleurs bilan rivp » (même période, même --out).\n"
    ))  # fmt: skip
    assert run("bilan", "rivp", "--out", str(out), env=LATER).exit_code == 0
    handed = run("bilan", "rivp", "--remis", "--out", str(out), env=LATER)
    assert handed.exit_code == 0, handed
    with store.read() as session:
        [exchange] = session.exec(select(Exchange)).all()
        [convention] = session.exec(select(Partnership)).all()
    assert handed.stderr == (
        "Bilan des ateliers du 1er février au 31 mars 2027 noté comme remis à RIVP "
        f"(rivp-bilan-convention-2027-001.docx, échange n° {exchange.id} ; convention "
        "n° 2027-001).\n"
    )
    assert (exchange.channel, exchange.summary) == (
        "courrier",
        "Bilan des ateliers du 1er février au 31 mars 2027 remis "
        "(rivp-bilan-convention-2027-001.docx)",
    )
    assert exchange.document == str((out / "rivp-bilan-convention-2027-001.docx").resolve())
    assert exchange.next_action == "Proposer le renouvellement de la convention n° 2027-001"
    assert convention.bilan_on == date(2027, 3, 10)
    assert "Bilans à remettre" not in run("digest", env=proposed).stdout


def test_anonymous_bilan_names_no_one(run: Run, rivp: tuple[str, str], out: Path) -> None:
    result = run("bilan", "rivp", "--anonyme", "--out", str(out), env=LATER)
    assert result.exit_code == 0, result
    target = out / "bailleur-1-bilan-convention-2027-001.docx"
    assert result.stdout == f"{target}\n"
    body = "\n".join(lines(target))
    assert "Bailleur 1 · convention n° 2027-001" in body
    for name in ("RIVP", "Awa Diallo", "Camille Martin", "présidente", "Très bonne", "Porte"):
        assert name not in body, name
    assert (
        "Les retours des structures accueillantes, qui peuvent nommer des personnes, ne "
        "figurent pas dans cette version anonyme." in body
    )
    assert "Ensemble | 42 | 9 | 21 % | 27 | 85 % | 4,4/5 | 4,4/5" in body
    refused = run("bilan", "rivp", "--anonyme", "--remis", "--out", str(out), env=LATER)
    assert (refused.exit_code, refused.stderr) == (
        1,
        "Erreur : --remis : un bilan anonyme ne se remet pas au bailleur ; retirez --anonyme.\n",
    )


def test_a_month_and_workshops_still_without_results(
    run: Run, rivp: tuple[str, str], out: Path
) -> None:
    third = workshop(run, "rivp", "Centre social Belleville", "2027-04-12", "2027-04-16")
    result = run("bilan", "rivp", "--periode", "2027-04", "--out", str(out), env=LATER)
    assert result.exit_code == 0, result
    assert result.stderr.splitlines()[1] == (
        f"Attention : RIVP : résultats non notés pour l'atelier n° {third} ; notez-les avec "
        f"« bailleurs atelier resultats {third} --participants … »."
    )
    text = lines(out / "rivp-bilan-2027-04.docx")
    assert "Bilan des ateliers d'avril 2027" in text
    assert f"n° {third} | — | — | — | — | — | — | —" in text
    assert "Les résultats de ces ateliers ne sont pas encore notés." in "\n".join(text)
    assert len(Document(str(out / "rivp-bilan-2027-04.docx")).inline_shapes) == 0  # no chart
    # February announces the April workshop as the next step.
    run("bilan", "rivp", "--periode", "2027-02", "--out", str(out), env=LATER)
    assert (
        "– Atelier déjà prévu du 12 au 16 avril 2027 : Centre social Belleville (Paris 20e)."
        in lines(out / "rivp-bilan-2027-02.docx")
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["paris-habitat"],
         "période : aucun atelier noté pour Paris Habitat du 1er janvier au 10 mars 2027 "
         "(année en cours) ; notez-les avec « bailleurs atelier add paris-habitat … » ou "
         "choisissez une autre période (--periode, --du, --au)."),
        (["rivp", "--periode", "2026"],
         "--periode : aucun atelier noté pour RIVP du 1er janvier au 31 décembre 2026 ; "
         "notez-les avec « bailleurs atelier add rivp … » ou choisissez une autre période "
         "(--periode, --du, --au)."),
        (["rivp", "--periode", "février"],
         "--periode : « février » n'est pas une période ; formats acceptés : 2027 (une année) "
         "ou 2027-02 (un mois), ou bien --du et --au."),
        (["rivp", "--periode", "2027-13"],
         "--periode : « 2027-13 » n'est pas une période ; formats acceptés : 2027 (une année) "
         "ou 2027-02 (un mois), ou bien --du et --au."),
        (["rivp", "--du", "2027-03-01", "--au", "2027-02-01"],
         "--au : le 01/02/2027 précède --du (01/03/2027) ; vérifiez les dates."),
        (["rivp", "--periode", "2027", "--du", "2027-03-01"],
         "--periode : donnez soit --periode, soit --du et --au, pas les deux."),
        (["rivp", "--numero", "2027-009"],
         "--numero : pas de convention n° 2027-009 pour RIVP ; ses conventions : 2027-001."),
    ],
)  # fmt: skip
def test_bad_input_writes_nothing(
    run: Run, store: Store, rivp: tuple[str, str], out: Path, args: list[str], message: str
) -> None:
    result = run("bilan", *args, "--out", str(out), env=LATER)
    assert result.exit_code in (1, 3), result
    assert (result.stdout, result.stderr) == ("", f"Erreur : {message}\n")
    assert not out.exists()
    with store.read() as session:
        assert session.exec(select(Exchange)).all() == []


def test_an_existing_bilan_needs_force(run: Run, rivp: tuple[str, str], out: Path) -> None:
    assert run("bilan", "rivp", "--out", str(out), env=LATER).exit_code == 0
    target = out / "rivp-bilan-convention-2027-001.docx"
    stamp = target.stat().st_mtime_ns
    again = run("bilan", "rivp", "--out", str(out), env=LATER)
    assert (again.exit_code, again.stdout, again.stderr) == (
        1, "", f"Erreur : {target} existe déjà ; ajoutez --force pour le remplacer.\n"
    )  # fmt: skip
    assert target.stat().st_mtime_ns == stamp and sorted(out.iterdir()) == [target]
    assert run("bilan", "rivp", "--out", str(out), "--force", env=LATER).exit_code == 0


def test_all_partners_of_a_month(run: Run, rivp: tuple[str, str], out: Path) -> None:
    other = workshop(run, "paris-habitat", "Maison des familles", "2027-02-01", "2027-02-05")
    results(run, other, "--participants", "12", "--locataires", "1")
    result = run("bilan", "--all", "--periode", "2027-02", "--anonyme", "--out", str(out),
                 env=LATER)  # fmt: skip
    assert result.exit_code == 0, result
    # Numbered by their first workshop, not by name: Paris Habitat's came first.
    assert result.stdout.splitlines() == [
        str(out / "bailleur-1-bilan-2027-02.docx"),
        str(out / "bailleur-2-bilan-2027-02.docx"),
    ]
    first = "\n".join(lines(out / "bailleur-1-bilan-2027-02.docx"))
    assert "8 % de locataires, sous la cible 15–30 %" in first
    assert "nous proposons au bailleur de relayer l'information auprès des familles" in first
    assert "Paris Habitat" not in first
    assert result.stderr.splitlines()[-1] == "2 bilans écrits."


def test_the_bilan_template_is_documented_and_checked(run: Run, tmp_path: Path) -> None:
    listed = run("templates", "list").stdout
    assert "bilan" in listed and "invitation" in listed
    variables = run("templates", "variables", "bilan").stdout
    assert "{{ totaux.chiffres.cible }}" in variables and "{{ graphique }}" in variables
    folder = tmp_path / "modeles"
    assert run("templates", "export", str(folder)).exit_code == 0
    assert run("templates", "check", str(folder / "bilan.docx")).exit_code == 0
    document = Document(str(folder / "bilan.docx"))
    document.add_paragraph("{{ totaux.couleur }} {{ bailleur.nom }}")
    document.save(str(folder / "bilan.docx"))
    checked = run("templates", "check", str(folder / "bilan.docx"))
    assert checked.exit_code == 6
    assert "variable inconnue « totaux.couleur »" in checked.stderr
    for key, value in IDENTITY.items():
        assert run("config", "set", key, value).exit_code == 0
    wrong = run("letter", "rivp", "--template", "bilan")
    assert wrong.stderr == (
        "Erreur : --template : « bilan » est un modèle de bilan ; utilisez « bailleurs bilan ».\n"
    )


def test_periods_read_in_french() -> None:
    today = date(2027, 3, 10)
    april = bilans.parse_period("2027-04", None, None, today=today)
    assert april is not None and (april.label, april.slug) == ("d'avril 2027", "2027-04")
    year = bilans.parse_period("2027", None, None, today=today)
    assert year is not None and year.label == "de l'année 2027"
    span = bilans.parse_period(None, "15/02/2027", "03/03/2027", today=today)
    assert span is not None and span.label == "du 15 février au 3 mars 2027"
    until_today = bilans.parse_period(None, "2026-12-01", None, today=today)
    assert until_today is not None and until_today.label == "du 1er décembre 2026 au 10 mars 2027"
    assert bilans.parse_period(None, None, None, today=today) is None
    with pytest.raises(InvalidInput) as caught:
        bilans.parse_period(None, None, "2027-03-01", today=today)
    # The CLI names the option, a script the field (issue 13).
    assert caught.value.naming(option_namer("bilan")).startswith("--du : donnez aussi")
    assert caught.value.message.startswith("début de période : donnez aussi")


def test_the_chart_without_a_font_with_accents(monkeypatch: pytest.MonkeyPatch) -> None:
    bars = [charts.Bar("n° 1", "15/02", 24, 7), charts.Bar("n° 2", "22/02", 18, None)]
    drawn = charts.workshop_bars(bars, (15, 30))
    assert drawn.startswith(b"\x89PNG") and len(drawn) > 5_000
    monkeypatch.setattr(charts, "FONT_CANDIDATES", ())
    assert charts.fallback_warning() == (
        "aucune police avec les accents trouvée : le graphique les omet ; installez le paquet "
        "fonts-dejavu-core"
    )
    assert charts.workshop_bars(bars, (20, 20)).startswith(b"\x89PNG")
    many = [charts.Bar(f"n° {i}", "01/02", 10 + i % 7, i % 4) for i in range(1, 51)]
    assert len(charts.workshop_bars(many, (15, 30))) > 5_000


def test_without_a_convention_the_proposal_is_said_once(run: Run, out: Path) -> None:
    """Section 7 proposes a convention and says why; « La suite » gives the next step
    instead of repeating the proposal word for word."""
    for key, value in IDENTITY.items():
        assert run("config", "set", key, value).exit_code == 0
    number = workshop(run, "rivp", "Centre social Belleville", "2027-02-15", "2027-02-19")
    results(run, number, "--participants", "20", "--locataires", "4")
    assert run("bilan", "rivp", "--out", str(out), env=LATER).exit_code == 0
    body = "\n".join(lines(next(out.glob("*.docx"))))
    assert body.count("formaliser ce partenariat par une convention simple") == 1
    assert (
        "– Nous adresserons au bailleur un projet de convention pour les prochains ateliers, "
        "à compléter des contributions qu'il souhaite y inscrire." in body
    )
