"""After the yes: workshops, their results and the tenant share; conventions' life."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from bailleurs_cli.enums import Situation
from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import Partnership, StageChange, Workshop

from .conftest import Run
from .test_documents import IDENTITY

WORKSHOP = ["--site", "Centre social Belleville", "--commune", "Paris 20e", "--qpv", "QN07520M",
            "--debut", "2027-02-15", "--fin", "2027-02-19", "--seances", "5",
            "--theme", "Sciences et jeux"]  # fmt: skip


def identity(run: Run) -> None:
    for key, value in IDENTITY.items():
        assert run("config", "set", key, value).exit_code == 0


def test_a_workshop_its_results_and_the_tenant_share(run: Run) -> None:
    added = run("atelier", "add", "rivp", *WORKSHOP)
    assert added.exit_code == 0, added
    number = added.stdout.strip()
    results = run("atelier", "resultats", number, "--participants", "24", "--locataires", "7",
                  "--familles", "15", "--assiduite", "82", "--satisfaction-enfants", "4.5",
                  "--satisfaction-parents", "4.2", "--retour-structure", "Très bonne dynamique",
                  "--visite-bailleur", "2027-02-18")  # fmt: skip
    assert results.exit_code == 0, results
    assert results.stderr == (
        f"Résultats de l'atelier n° {number} notés ; 29 % de locataires, dans la cible 15–30 %.\n"
    )
    [data] = json.loads(run("atelier", "list", "rivp", "--json").stdout)
    assert (data["participants"], data["tenants"], data["tenant_share"]) == (24, 7, 29.2)
    assert (data["qpv"], data["commune"], data["tenant_target"]) == ("QN07520M", "75120", [15, 30])
    assert run("edit", "rivp", "--cible-locataires", "30-50").exit_code == 0
    shown = json.loads(run("show", "rivp", "--json").stdout)
    assert shown["tenant_target"] == [30, 50]
    assert shown["workshops"][0]["site"] == "Centre social Belleville"
    text = run("show", "rivp").stdout
    assert "29\u202f% de locataires, sous la cible 30–50\u202f%" in text
    exported = json.loads(run("export", "--format", "json").stdout)["workshops"]
    assert exported[0]["families"] == 15


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["resultats", "1", "--participants", "20", "--locataires", "30"],
         "--locataires : 30 locataires pour 20 participants ; les locataires sont comptés "
         "parmi les participants."),
        (["resultats", "1", "--satisfaction-enfants", "7"],
         "--satisfaction-enfants : 7 ; une note va de 1 à 5."),
        (["resultats", "1", "--assiduite", "120"], "--assiduite : 120 % ; un taux va de 0 à 100."),
        (["resultats", "99", "--participants", "3"],
         "atelier n° 99 introuvable ; les numéros sont dans « bailleurs atelier list »."),
        (["add", "rivp", "--site", "X", "--commune", "Saint-Denis", "--qpv", "QN07520M",
          "--debut", "2027-02-15", "--fin", "2027-02-19", "--seances", "5"],
         "--qpv : QN07520M n'est pas dans Saint-Denis (93) ; vérifiez le code avec « bailleurs "
         "territoire COMMUNE »."),
        (["add", "rivp", "--site", "X", "--commune", "Paris 20e", "--debut", "2027-02-15",
          "--fin", "2027-02-10", "--seances", "5"],
         "--fin : le 10/02/2027 précède le début (15/02/2027) ; vérifiez les dates."),
        (["add", "rivp", "--site", "X", "--commune", "Paris 20e", "--debut", "2027-02-15",
          "--fin", "2027-02-19", "--seances", "0"],
         "--seances : 0 ; au moins une séance."),
        (["add", "rivp", "--site", "X", "--commune", "Paris 20e", "--debut", "2027-02-15",
          "--fin", "2027-02-19", "--seances", "5", "--animateurs", "0"],
         "--animateurs : 0 ; au moins un animateur, ou ne donnez pas ce nombre."),
    ],
)  # fmt: skip
def test_bad_workshop_input_changes_nothing(
    run: Run, store: Store, args: list[str], message: str
) -> None:
    run("atelier", "add", "rivp", *WORKSHOP)
    with store.read() as session:
        before = [w.model_dump() for w in session.exec(select(Workshop)).all()]
    result = run("atelier", *args)
    assert result.exit_code in (1, 3), result
    assert result.stderr == f"Erreur : {message}\n"
    with store.read() as session:
        assert [w.model_dump() for w in session.exec(select(Workshop)).all()] == before
    refused = run("edit", "rivp", "--cible-locataires", "40-20")
    assert refused.stderr.startswith("Erreur : --cible-locataires : « 40-20 » : attendu")


def test_conventions_are_numbered_signed_and_renewed(
    run: Run, store: Store, tmp_path: Path
) -> None:
    identity(run)
    out = str(tmp_path / "conv")
    common = ["--contribution", "locaux=800", "--site", "Paris 20e", "--referent-bailleur", "Awa"]
    dates = ["--debut", "2027-02-01", "--fin", "2027-02-05"]
    run("convention", "adoma", *common, *dates, "--out", out)
    first = run("convention", "rivp", *common, "--debut", "2027-02-10", "--fin", "2027-02-14",
                "--out", out)  # fmt: skip
    assert first.stderr == "Convention n° 2027-002 enregistrée pour RIVP (brouillon).\n"
    signed = run("convention", "rivp", "--status", "signee")
    assert signed.stderr == (
        "Convention n° 2027-002 de RIVP : signée.\nRIVP passe à l'étape partenaire.\n"
    )
    with store.read() as session:
        moves = session.exec(select(StageChange).where(StageChange.to_stage == "partenaire")).all()
        assert [m.reason for m in moves] == ["convention n° 2027-002 signée"]
    renewed = run("convention", "rivp", "--renouveler", "--debut", "2027-09-01",
                  "--fin", "2028-08-31", "--out", out)  # fmt: skip
    assert renewed.stderr == (
        "Convention n° 2027-003 (renouvellement) enregistrée pour RIVP (brouillon).\n"
    )
    with store.read() as session:
        rows = {p.number: p for p in session.exec(select(Partnership)).all()}
    assert rows["2027-003"].previous_id == rows["2027-002"].id
    assert rows["2027-003"].contributions == rows["2027-002"].contributions
    assert rows["2027-003"].sites == ["Paris 20e"]
    picked = run("convention", "rivp", "--status", "envoyee", "--numero", "2027-002")
    assert picked.stderr == "Convention n° 2027-002 de RIVP : envoyée.\n"
    unknown = run("convention", "rivp", "--status", "signee", "--numero", "2027-009")
    assert unknown.stderr == (
        "Erreur : --numero : pas de convention n° 2027-009 pour RIVP ; ses conventions : "
        "2027-003, 2027-002.\n"
    )
    nothing = run("convention", "valdevy", "--renouveler", "--debut", "2027-09-01",
                  "--fin", "2028-08-31")  # fmt: skip
    assert (nothing.exit_code, nothing.stderr) == (
        3,
        "Erreur : --renouveler : aucune convention à renouveler pour Valdevy ; créez la "
        "première avec « bailleurs convention … ».\n",
    )


def test_a_workshop_is_attached_to_the_convention_covering_it(run: Run, tmp_path: Path) -> None:
    identity(run)
    run("convention", "rivp", "--contribution", "locaux", "--site", "Paris 20e",
        "--referent-bailleur", "Awa", "--debut", "2027-01-01", "--fin", "2027-06-30",
        "--out", str(tmp_path))  # fmt: skip
    run("convention", "rivp", "--status", "signee")
    added = run("atelier", "add", "rivp", *WORKSHOP)
    assert "(rattaché à la convention qui couvre ses dates)" in added.stderr
    [data] = json.loads(run("atelier", "list", "--json").stdout)
    assert data["partnership_id"] is not None


@pytest.mark.parametrize(
    ("value", "wanted", "expected"),
    [
        (None, (15, 30), None),
        (14.9, (15, 30), Situation.BELOW),
        (15.0, (15, 30), Situation.WITHIN),
        (30.0, (15, 30), Situation.WITHIN),
        (30.1, (15, 30), Situation.ABOVE),
        (20.0, (20, 20), Situation.WITHIN),
    ],
)
def test_one_rule_places_the_tenant_share_against_its_target(
    value: float | None,
    wanted: tuple[int, int],
    expected: Situation | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bailleurs_cli.documents import bilan_context
    from bailleurs_cli.followup import workshops
    from bailleurs_cli.report import figures

    assert workshops.situation(value, wanted) == expected
    # The report, the bilan and the sentence all ask that one rule.
    counted = None if value is None else round(value * 10)
    counts = figures.Figures(1, 1, 1000, None, counted, 0 if counted is None else 1000)
    assert figures.LandlordWorkshops(1, counts, wanted).situation == expected
    assert bilan_context._figures(None, None, None, None, None, None, value, wanted).situation == (
        expected
    )
    asked: list[float | None] = []

    def spy(share: float | None, target: tuple[int, int]) -> Situation | None:
        asked.append(share)
        return Situation.ABOVE

    monkeypatch.setattr(workshops, "situation", spy)
    assert figures.LandlordWorkshops(1, counts, wanted).situation == Situation.ABOVE
    assert bilan_context._figures(None, None, None, None, None, None, 42.0, wanted).situation == (
        Situation.ABOVE
    )
    assert workshops.share_sentence(42.0, (50, 60)).endswith("au-dessus de la cible 50–60\u202f%")
    # The report's situation, then the bilan's sentence and situation, then a sentence.
    assert asked == [counts.share, 42.0, 42.0, 42.0]
