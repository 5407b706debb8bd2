"""One anonymisation rule (issue 11, §2) for ``rapport``, ``export`` and ``bilan``: no
name, e-mail or phone held in the store comes out of an anonymised output, landlords
are « Bailleur N » numbered by their first exchange, never by name, and the exports
keep their shape."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml
from docx import Document
from sqlmodel import select

from bailleurs_cli.privacy.anonymity import Aliases, order
from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import Ally, Exchange, Landlord, Partnership, Person, StageChange
from bailleurs_cli.store.models import Workshop as WorkshopRow

from .conftest import Run, built_once
from .test_rapport import LATER, PERIOD, build_activity, ok


@pytest.fixture
def shared(run: Run, home: Path, db_url: str) -> Run:
    """The activity of test_rapport, with an author on every record, an allied
    association and its contact, and names written in free texts."""
    built_once("shared", db_url, home, lambda: _share(run, home))
    return run


def _share(run: Run, home: Path) -> None:
    ok(run("config", "set", "utilisateur.nom", "Lucie Bernard"))
    ok(run("allie", "add", "Les Petits Débrouillards IDF", "--contact", "Jeanne Roux",
           "--email", "idf@debrouillards.example", "--telephone", "01 23 45 67 80",
           "--territoire", "93"))  # fmt: skip
    build_activity(run, home)
    ok(run("edit", "rivp", "--note", "Voir avec Awa Diallo (awa.diallo@rivp.example)"))


def personal(store: Store) -> set[str]:
    """Every name, e-mail and phone the store holds, and its landlords' names."""
    found: set[str] = set()
    with store.read() as session:
        for person in session.exec(select(Person)).all():
            found |= {person.name, person.email or "", person.phone or ""}
        for ally in session.exec(select(Ally)).all():
            found |= {ally.contact or "", ally.email or "", ally.phone or "", ally.signatory or ""}
        for author in (Exchange.author, StageChange.author, Partnership.author, WorkshopRow.author):
            found |= {name or "" for name in session.exec(select(author)).all()}
        for convention in session.exec(select(Partnership)).all():
            found |= {convention.referent_landlord or "", convention.referent_association or ""}
        found |= {ll.name for ll in session.exec(select(Landlord)).all()}
    found.discard("")
    # A phone as written, and as its bare digits.
    found |= {re.sub(r"\D", "", v) for v in found if re.fullmatch(r"[\d\s.+()-]{10,}", v)}
    return found


def leaks(text: str, secrets: set[str]) -> list[str]:
    squeezed = text.replace("\u202f", " ").replace("\u00a0", " ")
    digits = re.sub(r"(?<=\d)[\s.](?=\d)", "", squeezed)
    return sorted(s for s in secrets if s in squeezed or (s.isdigit() and s in digits))


def docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for t in document.tables for row in t.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


def test_no_name_email_or_phone_leaves_an_anonymised_output(
    shared: Run, store: Store, tmp_path: Path
) -> None:
    secrets = personal(store)
    assert {"Awa Diallo", "jean.dupont@adoma.example", "Jeanne Roux", "Lucie Bernard",
            "RIVP", "0144556677"} <= secrets  # fmt: skip
    outputs: dict[str, str] = {}
    for fmt in ("html", "md", "json"):
        made = ok(shared("rapport", *PERIOD, "--anonyme", "--format", fmt, "--out",
                         str(tmp_path / "rapport"), env=LATER))  # fmt: skip
        outputs[f"rapport {fmt}"] = Path(made.stdout.strip()).read_text(encoding="utf-8")
    outputs["rapport --json"] = ok(shared("rapport", *PERIOD, "--anonyme", "--json",
                                          env=LATER)).stdout  # fmt: skip
    for table in ("bailleurs", "interlocuteurs", "echanges"):
        outputs[f"export csv {table}"] = ok(
            shared("export", "--format", "csv", "--table", table, "--anonyme")
        ).stdout
    for fmt in ("json", "yaml"):
        outputs[f"export {fmt}"] = ok(shared("export", "--format", fmt, "--anonyme")).stdout
    folder = tmp_path / "bilans"
    ok(shared("bilan", "--all", "--periode", "2027", "--anonyme", "--out", str(folder),
              env=LATER))  # fmt: skip
    bilans = sorted(folder.glob("*.docx"))
    assert [b.name for b in bilans] == ["bailleur-1-bilan-2027.docx",
                                        "bailleur-2-bilan-2027.docx"]  # fmt: skip
    for path in bilans:
        outputs[path.name] = docx_text(path)
    found = {name: leaks(text, secrets) for name, text in outputs.items()}
    assert found == {name: [] for name in outputs}
    # What stays: the numbers, the figures, places.
    assert "Bailleur 1" in outputs["rapport md"]
    assert "Centre social Belleville" in outputs["bailleur-1-bilan-2027.docx"]


def test_the_exports_keep_their_shape(shared: Run) -> None:
    for table in ("bailleurs", "interlocuteurs", "echanges"):
        named = ok(shared("export", "--table", table)).stdout
        anonymous = ok(shared("export", "--table", table, "--anonyme")).stdout
        named_rows = list(csv.reader(io.StringIO(named), delimiter=";"))
        rows = list(csv.reader(io.StringIO(anonymous), delimiter=";"))
        assert rows[0] == named_rows[0] and len(rows) == len(named_rows)
    whole = json.loads(ok(shared("export", "--format", "json")).stdout)
    hidden = json.loads(ok(shared("export", "--format", "json", "--anonyme")).stdout)
    assert hidden["anonymous"] == {"texts": False}
    for key, rows in whole.items():
        if isinstance(rows, list) and rows and isinstance(rows[0], dict):
            assert [set(r) for r in hidden[key]] == [set(r) for r in rows], key
    landlords = hidden["landlords"]
    # Numbered by first exchange: RIVP (1 December 2026), Adoma, Paris Habitat; then the
    # landlords never contacted.
    assert [(r["landlord"], r["name"]) for r in landlords[:3]] == [
        ("bailleur-1", "Bailleur 1"), ("bailleur-2", "Bailleur 2"), ("bailleur-3", "Bailleur 3")
    ]  # fmt: skip
    assert landlords[0]["stage"] == "partenaire" and landlords[0]["siren"] is None
    assert [e["landlord"] for e in hidden["exchanges"]][:2] == ["bailleur-1", "bailleur-1"]
    assert {e["summary"] for e in hidden["exchanges"]} == {None}
    assert {p["landlord"] for p in hidden["presence"]} == {None}
    assert hidden["partnerships"][0]["landlord"] == "bailleur-1"
    assert hidden["workshops"][0]["host_feedback"] is None
    assert hidden["allies"][0]["name"] == "Les Petits Débrouillards IDF"
    assert hidden["allies"][0]["contact"] is None
    texts = yaml.safe_load(ok(shared("export", "--format", "yaml", "--anonyme",
                                     "--avec-textes")).stdout)  # fmt: skip
    assert texts["exchanges"][0]["summary"] == "Présentation des ateliers à Awa Diallo"
    assert texts["exchanges"][0]["person"] is None  # people go, texts stay as written


def test_texts_need_anonyme(shared: Run, tmp_path: Path) -> None:
    line = (
        "Erreur : --avec-textes : ne s'emploie qu'avec --anonyme (sans lui, les textes libres "
        "figurent déjà) ; ajoutez --anonyme ou retirez --avec-textes.\n"
    )
    for args in (["export", "--avec-textes"],
                 ["bilan", "--all", "--avec-textes", "--out", str(tmp_path / "b")]):  # fmt: skip
        result = shared(*args, env=LATER)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", line)
    assert not (tmp_path / "b").exists()


def test_an_anonymous_bilan_keeps_feedback_only_with_texts(shared: Run, tmp_path: Path) -> None:
    out = tmp_path / "bilans"
    ok(shared("bilan", "rivp", "--periode", "2027", "--anonyme", "--avec-textes", "--out",
              str(out), env=LATER))  # fmt: skip
    text = docx_text(out / "bailleur-1-bilan-2027.docx")
    assert "Merci à Awa Diallo pour les affiches" in text  # the user asked for texts
    assert "RIVP" not in text


def test_numbers_follow_the_first_exchange_not_the_name(shared: Run, store: Store) -> None:
    with store.read() as session:
        ids = {ll.slug: ll.id or 0 for ll in session.exec(select(Landlord)).all()}
        ranked = order(session, [ids["paris-habitat"], ids["adoma"], ids["rivp"], ids["valdevy"]])
    assert ranked == [ids["rivp"], ids["adoma"], ids["paris-habitat"], ids["valdevy"]]
    aliases = Aliases(ranked)
    assert (aliases.name(ids["adoma"]), aliases.slug(ids["valdevy"])) == ("Bailleur 2",
                                                                          "bailleur-4")  # fmt: skip
    assert ids["rivp"] in aliases and len(aliases) == 4
