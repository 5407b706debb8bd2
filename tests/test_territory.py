"""Communes, QPV, landlords' presence and the priority that follows (issue #5)."""

from __future__ import annotations

import csv
import json
import tomllib
from pathlib import Path

import pytest
from sqlmodel import select

from bailleurs_cli.errors import AmbiguousName, NotFound
from bailleurs_cli.ground import geo
from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import Landlord, Presence, Qpv

from .conftest import Run

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Saint-Denis", "93066"),
        ("saint denis (93)", "93066"),
        ("SAINT-DENIS", "93066"),
        ("93200", "93066"),  # postcode
        ("93066", "93066"),  # INSEE code
        ("Pierrefitte-sur-Seine", "93066"),  # merged on 1 January 2025
        ("93059", "93066"),
        ("Paris 20e", "75120"),
        ("paris 1er", "75101"),
        ("Paris 16", "75116"),
        ("75020", "75120"),
        ("Vitry sur Seine", "94081"),
        ("L Hay les Roses", "94038"),
        ("St-Ouen-sur-Seine", "93070"),
        ("Blandy (91)", "91067"),
        ("Saint-Denis-lès-Rebais", "77406"),
    ],
)
def test_commune_resolution(query: str, code: str) -> None:
    assert geo.resolve(query).code == code


def test_ambiguous_commune_lists_each_candidate_with_its_code() -> None:
    with pytest.raises(AmbiguousName) as caught:
        geo.resolve("Blandy")
    assert caught.value.message == (
        "« Blandy » désigne plusieurs communes : Blandy (77) [77034], "
        "Blandy (91) [91067] ; ajoutez le département, par exemple « Blandy (77) », "
        "ou donnez le code INSEE."
    )


def test_code_both_insee_and_postcode_is_ambiguous() -> None:
    # 91100 is Bouville's INSEE code and Corbeil-Essonnes' postcode.
    with pytest.raises(AmbiguousName) as caught:
        geo.resolve("91100")
    assert "Bouville (91) [91100]" in caught.value.message
    assert "Corbeil-Essonnes (91) [91174]" in caught.value.message


def test_unknown_commune_suggests_close_names() -> None:
    with pytest.raises(NotFound) as caught:
        geo.resolve("Montreul")
    assert caught.value.message.startswith(
        "commune « Montreul » inconnue en Île-de-France ; vouliez-vous dire : "
        "Montreuil (93) [93048]"
    )
    with pytest.raises(NotFound) as named:  # typed in an option: the option leads
        geo.resolve("Atlantide", "--commune")
    assert named.value.message == "--commune : commune « Atlantide » inconnue en Île-de-France."


def test_territoire_of_an_unknown_commune_says_it_once(run: Run) -> None:
    result = run("territoire", "Atlantide")
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == "Erreur : commune « Atlantide » inconnue en Île-de-France.\n"


def test_reference_tables_match_their_sources() -> None:
    with (REFERENCE / "qpv.csv").open(encoding="utf-8") as handle:
        qpv = list(csv.DictReader(handle))
    assert len(qpv) == 298
    communes = geo.communes()
    assert len(communes) == 1286
    assert communes["93066"].qpv == tuple(
        sorted(r["code_qp"] for r in qpv if "93066" in r["insee_communes"].split(";"))
    )
    assert geo.town_halls()["93066"].email == "mairie.saint.denis@saintdenis.fr"


def test_qpv_table_and_registry_presence_are_seeded(store: Store) -> None:
    with store.read() as session:
        assert len(session.exec(select(Qpv)).all()) == 298
        langevin = session.get(Qpv, "QN09342M")
        assert langevin is not None and langevin.communes == ["93066"]
        est = session.exec(select(Landlord).where(Landlord.slug == "est-ensemble-habitat")).one()
        places = {
            p.commune for p in session.exec(select(Presence).where(Presence.landlord_id == est.id))
        }
        assert places == {"93048", "93008", "93006", "93010"}  # Montreuil, Bobigny, Bagnolet, Bondy
        rivp = session.exec(select(Landlord).where(Landlord.slug == "rivp")).one()
        funded = session.exec(
            select(Presence).where(Presence.landlord_id == rivp.id, Presence.commune == "75120")
        ).one()
    # RIVP: 4 711 dwellings funded in the 20th arrondissement (Ville de Paris, 2001-2024).
    assert (funded.measure, funded.count, funded.origin) == ("logements_finances", 4711, "registre")


def test_config_territoires_stores_resolved_codes(run: Run, home: Path) -> None:
    result = run(
        "config", "territoires", "--commune", "saint denis", "--commune", "Paris 20e",
        "--departement", "93",
    )  # fmt: skip
    assert result.exit_code == 0, result
    assert result.stderr == (
        "Territoires enregistrés : communes Saint-Denis (93) [93066], Paris 20e [75120] ; "
        "départements 93.\n"
    )
    stored = tomllib.loads((home / "config.toml").read_text(encoding="utf-8"))
    assert stored["territoires"] == {"communes": ["93066", "75120"], "departements": ["93"]}


def test_config_territoires_rejects_an_ambiguous_commune_and_keeps_the_old(
    run: Run, home: Path
) -> None:
    run("config", "territoires", "--commune", "Montreuil")
    before = (home / "config.toml").read_text(encoding="utf-8")
    result = run("config", "territoires", "--commune", "Blandy")
    assert result.exit_code == 3
    assert result.stderr.startswith("Erreur : --commune : « Blandy » désigne plusieurs communes")
    assert (home / "config.toml").read_text(encoding="utf-8") == before


def test_territoire_json(run: Run) -> None:
    run("config", "territoires", "--commune", "Montreuil")
    result = run("territoire", "Montreuil", "--json")
    assert result.exit_code == 0, result
    data = json.loads(result.stdout)
    assert data["commune"]["code"] == "93048"
    assert data["commune"]["ept"] == "Est Ensemble"
    assert data["in_territories"] is True
    assert [q["code"] for q in data["qpv"]] == [
        "QN09309M", "QN09315M", "QN09316M", "QN09318M", "QN09319I",
    ]  # fmt: skip
    assert data["town_hall"]["phone"] == "01 48 70 60 00"
    assert [b["landlord"] for b in data["landlords"]] == ["est-ensemble-habitat"]
    assert data["landlords"][0]["link"] == "commune"


def test_territoire_names_the_head_offices_there(run: Run) -> None:
    data = json.loads(run("territoire", "Saint-Denis", "--json").stdout)
    assert data["head_offices"] == [
        {
            "landlord": "plaine-commune-habitat",
            "name": "Plaine Commune Habitat",
            "address": "5 bis rue Danielle Casanova, 93200 Saint-Denis",
        }
    ]
    # An arrondissement by geographic postcode; a CEDEX one (RIVP, 75621) does not place it.
    thirteenth = json.loads(run("territoire", "Paris 13e", "--json").stdout)
    assert [h["landlord"] for h in thirteenth["head_offices"]] == ["adoma", "cdc-habitat"]
    paris = json.loads(run("territoire", "Paris", "--json").stdout)
    assert "rivp" in [h["landlord"] for h in paris["head_offices"]]
    text = run("territoire", "Saint-Denis").stdout.splitlines()
    assert text[-2:] == [
        "Sièges de bailleurs dans la commune (1) :",
        "  - Plaine Commune Habitat (plaine-commune-habitat) — 5 bis rue Danielle Casanova, "
        "93200 Saint-Denis",
    ]
    assert [
        h["landlord"]
        for h in json.loads(run("territoire", "Melun", "--json").stdout)["head_offices"]
    ] == ["les-foyers-de-seine-et-marne"]
    assert json.loads(run("territoire", "Meaux", "--json").stdout)["head_offices"] == []


def test_territoire_shows_our_exchanges_with_landlords_there(run: Run) -> None:
    run("contact", "est-ensemble-habitat", "--channel", "email", "--summary", "Présentation")
    result = run("territoire", "Bobigny")
    assert (
        "Est Ensemble Habitat (est-ensemble-habitat) — contacté, dernier échange" in result.stdout
    )
    assert "Derniers échanges avec ces bailleurs :" in result.stdout
    assert "Présentation" in result.stdout


def test_qpv_listing_with_landlords(run: Run) -> None:
    result = run("qpv", "--departement", "93", "--json")
    data = json.loads(result.stdout)
    assert len(data) == 75
    plateau = next(q for q in data if q["code"] == "QN09309M")
    assert plateau["communes"] == ["93006", "93048"]
    assert [b["landlord"] for b in plateau["landlords"]] == ["est-ensemble-habitat"]
    assert run("qpv", "--departement", "2A").exit_code == 1


def test_list_by_qpv_and_commune(run: Run) -> None:
    slugs = [r["landlord"] for r in json.loads(run("list", "--qpv", "qn09309m", "--json").stdout)]
    assert slugs == ["est-ensemble-habitat"]
    in_20e = [
        r["landlord"] for r in json.loads(run("list", "--commune", "Paris 20e", "--json").stdout)
    ]
    assert {"paris-habitat", "rivp", "elogie-siemp"} <= set(in_20e)
    assert "est-ensemble-habitat" not in in_20e


def test_unknown_qpv_is_a_clear_error(run: Run) -> None:
    result = run("list", "--qpv", "QN09399X")
    assert result.exit_code == 3
    assert result.stderr.startswith("Erreur : --qpv : quartier « QN09399X » inconnu")


def test_priority_needs_territories(run: Run) -> None:
    result = run("list", "--sort", "priorite")
    assert result.exit_code == 1
    assert result.stderr == (
        "Erreur : --sort priorite : vos territoires ne sont pas réglés ; faites d'abord "
        "« bailleurs config territoires --commune … --departement … ».\n"
    )


def test_priority_orders_list_next_and_show(run: Run) -> None:
    run("config", "territoires", "--commune", "Montreuil", "--commune", "Paris 20e")
    ranked = json.loads(run("list", "--sort", "priorite", "--json").stdout)
    # Montreuil's QPV are placed; Paris's are not placed by arrondissement in the shipped list.
    assert ranked[0]["landlord"] == "est-ensemble-habitat"
    assert ranked[0]["priority"] == "haute"
    assert ranked[1]["landlord"] == "rivp"  # most dwellings funded in the 20th
    assert ranked[-1]["priority"] == "aucune"
    high = json.loads(run("list", "--priorite", "haute", "--json").stdout)
    assert all(r["priority"] == "haute" for r in high)
    assert "valdevy" not in {r["landlord"] for r in high}
    items = json.loads(run("next", "--json").stdout)
    assert items[0]["landlord"] == "est-ensemble-habitat"
    assert items[0]["priority"] == "haute"
    shown = run("show", "est-ensemble-habitat").stdout
    assert (
        "Priorité : haute — présent dans 1 de vos communes (Montreuil (93)), qui compte 5 QPV ; "
        "présence communale seulement, pas forcément dans les QPV"
    ) in shown.replace("\u00a0", " ")


def test_department_only_presence_is_low_priority(run: Run) -> None:
    run("config", "territoires", "--departement", "94")
    data = json.loads(run("show", "valdevy", "--json").stdout)
    assert data["priority"] == "basse"
    assert data["priority_reason"].startswith(
        "présent dans vos départements, hors de vos communes : Arcueil (94), Cachan (94)"
    )


def test_department_stated_by_the_record_is_low_priority(run: Run) -> None:
    """As ``list --departement`` already counts it: Hauts-de-Seine Habitat's record says
    92, no commune."""
    run("config", "territoires", "--departement", "92")
    data = json.loads(run("show", "hauts-de-seine-habitat", "--json").stdout)
    assert (data["priority"], data["priority_reason"]) == (
        "basse",
        "présent dans votre département 92 selon sa fiche, communes non précisées",
    )
    run("config", "territoires", "--departement", "93")
    ranked = [
        (r["landlord"], r["priority"])
        for r in json.loads(
            run("list", "--departement", "93", "--sort", "priorite", "--json").stdout
        )
    ]
    # Known communes of the 93 rank before a stated department: Plaine Commune Habitat
    # operates across the 9 towns of its EPT (Tableau 1), Est Ensemble Habitat names 4.
    assert ranked[:2] == [("plaine-commune-habitat", "basse"), ("est-ensemble-habitat", "basse")]
    run("add", "Habitat Témoin du 94", "--kind", "oph", "--departement", "94")
    rows = {r["landlord"]: r["priority"] for r in json.loads(run("list", "--json").stdout)}
    assert rows["habitat-temoin-du-94"] == "aucune"
    assert rows["rivp"] == "aucune"


def test_letter_filters_by_priority_and_commune(run: Run, tmp_path: Path) -> None:
    from .test_documents import IDENTITY

    for key, value in IDENTITY.items():
        run("config", "set", key, value)
    run("config", "territoires", "--commune", "Montreuil", "--commune", "Paris 20e")
    out = tmp_path / "out"
    result = run(
        "letter", "--all", "--priorite", "haute", "--commune", "Bobigny", "--out", str(out)
    )
    assert result.exit_code == 0, result
    assert [p.name for p in out.iterdir()] == ["est-ensemble-habitat-prospection.docx"]
    planned = run("letter", "--all", "--priorite", "haute", "--dry-run", "--out", str(out))
    first = planned.stdout.splitlines()[0]
    assert first.startswith(f"ignoré   {out}/est-ensemble-habitat-prospection.docx")


def test_declared_qpv_link_is_the_strongest_evidence(run: Run) -> None:
    run("config", "territoires", "--commune", "Saint-Denis")
    result = run("edit", "valdevy", "--qpv", "QN09342M", "--present", "Saint-Denis")
    assert result.exit_code == 0, result
    again = run("edit", "valdevy", "--qpv", "qn09342m")
    assert again.exit_code == 0
    data = json.loads(run("show", "valdevy", "--json").stdout)
    declared = [p for p in data["presence"] if p["origin"] == "utilisateur"]
    assert sorted((p["commune"], p["qpv"] or "") for p in declared) == [
        ("93066", ""),
        ("93066", "QN09342M"),
    ]
    assert data["priority"] == "haute"
    assert data["priority_reason"] == (
        "présent dans 1 QPV de vos communes : Langevin - Lavoisier - Tartres - Allende (QN09342M)"
    )
    assert json.loads(run("next", "--json").stdout)[0]["landlord"] == "valdevy"
    linked = json.loads(run("qpv", "--commune", "Saint-Denis", "--json").stdout)
    langevin = next(q for q in linked if q["code"] == "QN09342M")
    assert langevin["landlords"][0] == {
        **langevin["landlords"][0],
        "landlord": "valdevy",
        "link": "qpv",
    }
    bad = run("edit", "valdevy", "--present", "Atlantide")
    assert bad.exit_code == 3
    assert bad.stderr == "Erreur : --present : commune « Atlantide » inconnue en Île-de-France.\n"


def test_department_presence_counted_in_lists(run: Run) -> None:
    run("config", "territoires", "--commune", "Vitry-sur-Seine", "--departement", "94")
    rows = {r["landlord"]: r["priority"] for r in json.loads(run("list", "--json").stdout)}
    # Valdevy: Vitry-sur-Seine (4 QPV) in your communes, four more communes of the 94.
    assert rows["valdevy"] == "haute"
    assert rows["rivp"] == "aucune"
    run("config", "territoires", "--departement", "94")
    ranked = json.loads(run("list", "--sort", "priorite", "--json").stdout)
    assert (ranked[0]["landlord"], ranked[0]["priority"]) == ("valdevy", "basse")
    assert json.loads(run("next", "--json").stdout)[0]["landlord"] == "valdevy"
