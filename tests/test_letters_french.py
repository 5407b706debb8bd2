"""Letters a landlord would sign off (issue 12, §3): key sentences of each rendered
document, read back with python-docx and the email package as a landlord reads them.

The association is « Les Ateliers Amasco » (plural, article in the name); letters go
to RIVP (present in Paris, which holds QPV) or to « Office Exemple », a landlord added
here in Montrouge, a commune without QPV, with no presence fact.
"""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document
from sqlmodel import select

from bailleurs_cli import formatting
from bailleurs_cli.documents import contexts
from bailleurs_cli.enums import Measure, Origin
from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import Landlord, Partnership, Person, Presence

from .conftest import Run, built_once, configure, plain_spaces

IDENTITY = {
    "association.nom": "Les Ateliers Amasco",
    "association.forme": "association loi 1901",
    "association.adresse": "12 rue de la République, 92120 Montrouge",
    "association.siret": "73282932000074",
    "association.signataire": "Camille Martin",
    "association.signataire_titre": "présidente",
    "association.email": "contact@amasco.example",
    "association.telephone": "01 23 45 67 89",
}
WORKSHOPS = (
    "les ateliers éducatifs que Les Ateliers Amasco organisent pendant les vacances "
    "scolaires pour les enfants de 6 à 11 ans des quartiers prioritaires"
)
CONVENTION = [
    "--site",
    "Centre social Belleville, Paris 20e",
    "--debut",
    "2027-02-10",
    "--fin",
    "2027-02-14",
]


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out"


@pytest.fixture
def identity(run: Run, home: Path, db_url: str) -> None:
    built_once("identity-letters", db_url, home, lambda: configure(run, IDENTITY))


@pytest.fixture
def exemple(run: Run, identity: None, home: Path, db_url: str) -> str:
    """A landlord of our own: an OPH in a commune without QPV, no presence fact."""
    return built_once("exemple", db_url, home, lambda: _add_exemple(run))


def _add_exemple(run: Run) -> str:
    result = run(
        "add", "Office Exemple", "--kind", "oph", "--departement", "93",
        "--adresse", "1 rue Gabriel Péri, 92120 Montrouge", "--siren", "732829320",
    )  # fmt: skip
    assert result.exit_code == 0, result
    return "office-exemple"


def paragraphs(path: Path) -> list[str]:
    """Paragraphs then table cells, French spaces made plain (compared as read)."""
    document = Document(str(path))
    found = [p.text for p in document.paragraphs]
    for table in document.tables:
        found.extend(cell.text for row in table.rows for cell in row.cells)
    return [plain_spaces(text) for text in found]


def body(path: Path) -> str:
    return "\n".join(paragraphs(path))


def letter(run: Run, slug: str, template: str, out: Path, *extra: str) -> Path:
    result = run("letter", slug, "--template", template, "--out", str(out), *extra)
    assert result.exit_code == 0, result
    return out / f"{slug}-{template}.docx"


def contact(run: Run, slug: str, channel: str, day: str, *extra: str) -> None:
    result = run(
        "contact", slug, "--channel", channel, "--summary", "Échange", "--date", day, *extra
    )
    assert result.exit_code == 0, result


# --- Greeting, closing, civility -------------------------------------------------


@pytest.mark.parametrize(
    ("given", "appel", "attention"),
    [
        ("Mme", "Madame", "À l'attention de Mme Awa Diallo, responsable DSU"),
        ("madame", "Madame", "À l'attention de Mme Awa Diallo, responsable DSU"),
        ("M.", "Monsieur", "À l'attention de M. Awa Diallo, responsable DSU"),
        ("MONSIEUR", "Monsieur", "À l'attention de M. Awa Diallo, responsable DSU"),
        (None, "Madame, Monsieur", "À l'attention d'Awa Diallo, responsable DSU"),
    ],
)
def test_greeting_and_closing_agree_with_civility(
    run: Run, identity: None, out: Path, given: str | None, appel: str, attention: str
) -> None:
    civility = ["--civilite", given] if given else []
    added = run("person", "add", "rivp", "Awa Diallo", "--role", "responsable DSU", *civility)
    assert added.exit_code == 0, added
    for template in ("prospection", "relance", "remerciement"):
        lines = paragraphs(letter(run, "rivp", template, out / template))
        assert attention in lines
        assert f"{appel}," in lines, template
        assert "Awa Diallo," not in lines  # never a name as a greeting
        assert (
            f"Nous vous prions d'agréer, {appel}, l'expression de nos salutations distinguées."
        ) in lines


def test_no_recipient_greets_both(run: Run, identity: None, out: Path) -> None:
    lines = paragraphs(letter(run, "rivp", "prospection", out))
    assert "Madame, Monsieur," in lines
    assert not any(line.startswith("À l'attention") for line in lines)


def test_civility_is_checked_and_can_be_changed(run: Run, store: Store, identity: None) -> None:
    refused = run("person", "add", "rivp", "Awa Diallo", "--civilite", "Mlle")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Erreur : --civilite : « Mlle » inconnue ; valeurs possibles : Mme (Madame) ou "
        "M. (Monsieur).\n"
    )
    with store.read() as session:
        assert session.exec(select(Person)).all() == []
    assert run("person", "add", "rivp", "Awa Diallo", "--civilite", "Mâdame").exit_code == 0
    with store.read() as session:
        assert session.exec(select(Person.civility)).one() == "Mme"
    edited = run("person", "edit", "rivp", "Awa Diallo", "--civilite", "m")
    assert edited.exit_code == 0, edited
    with store.read() as session:
        assert session.exec(select(Person.civility)).one() == "M."
    assert run("person", "edit", "rivp", "Awa Diallo", "--civilite", "").exit_code == 0
    with store.read() as session:
        assert session.exec(select(Person.civility)).one() is None


def test_attention_line_elides_before_a_vowel(run: Run, exemple: str, out: Path) -> None:
    run("person", "add", exemple, "Éloïse Martin")
    lines = paragraphs(letter(run, exemple, "prospection", out))
    assert "À l'attention d'Éloïse Martin" in lines
    assert "Madame, Monsieur," in lines


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Éloïse", "d'Éloïse"),
        ("Awa", "d'Awa"),
        ("Hélène", "d'Hélène"),  # mute h: listed first name
        ("Hervé", "de Hervé"),  # any other h: no elision
        ("Hugo", "de Hugo"),
        ("Yves", "d'Yves"),  # y before a consonant is a vowel
        ("Yasmine", "de Yasmine"),  # y before a vowel is not
        ("Camille", "de Camille"),
    ],
)
def test_elision_rule(name: str, expected: str) -> None:
    assert formatting.de(name) == expected


# --- The association's name and its article -------------------------------------


def test_association_article_in_letters(run: Run, identity: None, out: Path) -> None:
    prospection = body(letter(run, "rivp", "prospection", out))
    assert prospection.count("Les Ateliers Amasco organisent, pendant les vacances") == 1
    contact(run, "rivp", "rdv", "18/11/2026", "--outcome", "positif")
    remerciement = body(letter(run, "rivp", "remerciement", out))
    assert "l'intérêt que vous portez à l'action des Ateliers Amasco." in remerciement
    for text in (prospection, remerciement):
        assert "de Les" not in text and "à Les" not in text
        assert "Amasco organise," not in text


@pytest.mark.parametrize(
    ("name", "article", "de", "a", "plural"),
    [
        ("Les Ateliers Amasco", None, "des Ateliers Amasco", "aux Ateliers Amasco", True),
        ("L'Association X", None, "de l'Association X", "à l'Association X", False),
        ("L’Arbre à lettres", None, "de l'Arbre à lettres", "à l'Arbre à lettres", False),
        ("Le Collectif Y", None, "du Collectif Y", "au Collectif Y", False),
        ("La Compagnie Z", None, "de la Compagnie Z", "à la Compagnie Z", False),
        ("Amasco", None, "d'Amasco", "à Amasco", False),
        ("Lesbos Club", None, "de Lesbos Club", "à Lesbos Club", False),
        ("Ateliers Amasco", "les", "des Ateliers Amasco", "aux Ateliers Amasco", True),
        ("Les Ateliers Amasco", "LES", "des Ateliers Amasco", "aux Ateliers Amasco", True),
    ],
)
def test_name_forms(name: str, article: str | None, de: str, a: str, plural: bool) -> None:
    forms = formatting.name_forms(name, article)
    assert (forms.de, forms.a, forms.plural) == (de, a, plural)


def test_article_override_from_settings() -> None:
    """``association.article`` (not yet a key of the settings model) overrides detection."""
    settings = {k.removeprefix("association."): v for k, v in IDENTITY.items()}
    block = contexts.association_from_settings({**settings, "nom": "Ateliers Amasco"})
    assert (block.de, block.pluriel) == ("d'Ateliers Amasco", False)
    block = contexts.association_from_settings(
        {**settings, "nom": "Ateliers Amasco", "article": "les"}
    )
    assert (block.de, block.a, block.pluriel) == (
        "des Ateliers Amasco",
        "aux Ateliers Amasco",
        True,
    )


# --- Territory, plurals, SIRET ---------------------------------------------------


def test_one_department_is_singular(run: Run, exemple: str, out: Path) -> None:
    text = body(letter(run, exemple, "prospection", out))
    assert "aux familles de vos résidences (Seine-Saint-Denis)." in text
    assert "départements" not in text


def test_departments_and_plurals() -> None:
    assert formatting.departements_text(["93"]) == "Seine-Saint-Denis"
    assert formatting.departements_text(["92", "93"]) == "Hauts-de-Seine et Seine-Saint-Denis"
    assert formatting.departements_text(["13"]) == "département 13"
    everywhere = ["94", "75", "77", "78", "91", "92", "93", "95"]
    assert formatting.departements_text(everywhere) == "Île-de-France"
    assert formatting.departements_text(["13", "69"]) == "départements 13 et 69"
    assert formatting.pluriel(1, "logement") == "1 logement"
    assert formatting.pluriel(0, "logement") == "0 logement"
    assert formatting.pluriel(1200, "logement") == "1\u202f200 logements"
    assert formatting.pluriel(1, "an") == "1 an"
    assert formatting.pluriel(3, "an") == "3 ans"
    assert formatting.pluriel(2, "bureau", "bureaux") == "2 bureaux"


def test_pluriel_agrees_a_whole_phrase_and_can_say_none() -> None:
    assert formatting.pluriel(1, "document écrit", "documents écrits") == "1 document écrit"
    assert formatting.pluriel(3, "document écrit", "documents écrits") == "3 documents écrits"
    assert formatting.pluriel(0, "document écrit", "documents écrits") == "0 document écrit"
    assert formatting.pluriel(0, "échec", zero="aucun échec") == "aucun échec"
    assert formatting.pluriel(1, "échec", zero="aucun échec") == "1 échec"
    assert formatting.pluriel(2, "échec", zero="aucun échec") == "2 échecs"
    assert formatting.pluriel(1200, "ligne lue", "lignes lues") == "1\u202f200 lignes lues"


def test_siret_and_siren_are_grouped(run: Run, exemple: str, out: Path) -> None:
    path = letter(run, exemple, "prospection", out)
    raw = [p.text for p in Document(str(path)).paragraphs]  # no-break spaces kept
    assert "SIRET\u00a0: 732\u00a0829\u00a0320\u00a000074" in raw
    run("person", "add", exemple, "Éloïse Martin")
    result = run("convention", exemple, "--contribution", "locaux", *CONVENTION, "--out", str(out))
    assert result.exit_code == 0, result
    text = body(Path(result.stdout.strip()))
    assert "association loi 1901, SIRET 732 829 320 00074, dont le siège" in text
    assert "Office Exemple, office public de l'habitat (OPH), SIREN 732 829 320, dont" in text


# --- Relance: what was sent, and what came back ----------------------------------


def test_relance_after_a_letter(run: Run, identity: None, out: Path) -> None:
    contact(run, "rivp", "courrier", "10/11/2026")
    text = body(letter(run, "rivp", "relance", out))
    assert (
        f"Par notre courrier du 10 novembre 2026, nous vous présentions {WORKSHOPS}. Faute de "
        "réponse à ce jour, nous nous permettons de revenir vers vous."
    ) in text
    assert (
        "Objet : Notre proposition d'ateliers éducatifs pour les enfants de vos résidences" in text
    )
    assert (
        "Précisons que notre démarche n'est pas une demande de logement : nous cherchons un "
        "partenaire pour des actions éducatives auprès des enfants."
    ) in text
    assert "Ce n'est pas une demande de logement." not in text


def test_relance_after_an_email(run: Run, identity: None, out: Path) -> None:
    contact(run, "rivp", "email", "10/11/2026")
    text = body(letter(run, "rivp", "relance", out))
    assert "Par notre message du 10 novembre 2026, nous vous présentions" in text


def test_relance_after_a_call_claims_no_letter(run: Run, identity: None, out: Path) -> None:
    contact(run, "rivp", "telephone", "10/11/2026")
    text = body(letter(run, "rivp", "relance", out))
    assert (
        "À la suite de notre appel du 10 novembre 2026, nous nous permettons de revenir vers "
        f"vous au sujet {WORKSHOPS.replace('les ateliers', 'des ateliers', 1)}."
    ) in text
    assert "écrit" not in text and "Faute de réponse" not in text


def test_relance_after_a_positive_meeting(run: Run, identity: None, out: Path) -> None:
    contact(run, "rivp", "courrier", "10/11/2026")
    contact(run, "rivp", "rdv", "18/11/2026", "--outcome", "positif")
    text = body(letter(run, "rivp", "relance", out))
    assert (
        "À la suite de notre rencontre du 18 novembre 2026, et en vous remerciant de l'intérêt "
        "manifesté, nous revenons vers vous pour concrétiser notre projet commun"
    ) in text
    assert "Nous vous proposons de fixer ensemble les prochaines étapes" in text
    assert "Faute de réponse" not in text and "courrier du" not in text


def test_relance_after_a_call_nobody_took(run: Run, identity: None, out: Path) -> None:
    contact(run, "rivp", "telephone", "10/11/2026", "--outcome", "sans_reponse")
    text = body(letter(run, "rivp", "relance", out))
    assert (
        "N'ayant pu vous joindre lors de notre appel du 10 novembre 2026, nous nous permettons "
        f"de vous écrire au sujet {WORKSHOPS.replace('les ateliers', 'des ateliers', 1)}."
    ) in text
    assert "À la suite de" not in text


def test_relance_after_a_refusal_says_it(run: Run, identity: None, out: Path) -> None:
    contact(run, "rivp", "courrier", "20/11/2026", "--direction", "entrant", "--outcome", "negatif")
    text = body(letter(run, "rivp", "relance", out))
    assert (
        "À la suite de votre courrier du 20 novembre 2026, où vous nous indiquiez ne pas pouvoir "
        f"vous engager pour l'instant, nous nous permettons de revenir vers vous au sujet "
        f"{WORKSHOPS.replace('les ateliers', 'des ateliers', 1)}."
    ) in text
    assert "commencer par un geste simple" in text  # the small first step, not « concrétiser »
    assert "concrétiser" not in text


def test_relance_after_their_answer(run: Run, identity: None, out: Path) -> None:
    contact(run, "rivp", "courrier", "10/11/2026")
    contact(run, "rivp", "email", "12/11/2026", "--direction", "entrant")
    text = body(letter(run, "rivp", "relance", out))
    assert "À la suite de votre message du 12 novembre 2026, nous nous permettons" in text
    assert "Faute de réponse" not in text


def test_relance_never_contacted_warns_and_claims_nothing(
    run: Run, identity: None, out: Path
) -> None:
    result = run("letter", "rivp", "--template", "relance", "--out", str(out))
    assert result.exit_code == 0, result
    assert result.stderr.splitlines()[0] == (
        "Attention : aucun échange noté avec RIVP ; la relance ne mentionne donc aucun envoi "
        "précédent."
    )
    text = body(out / "rivp-relance.docx")
    assert f"Nous nous permettons d'appeler votre attention sur {WORKSHOPS}." in text
    for claim in ("écrit", "Faute de réponse", "notre courrier", "À la suite de"):
        assert claim not in text


def test_bulk_relance_warns_once(run: Run, identity: None, out: Path) -> None:
    contact(run, "rivp", "courrier", "10/11/2026")
    result = run("letter", "rivp", "paris-habitat", "elogie-siemp", "--template", "relance",
                 "--out", str(out))  # fmt: skip
    assert result.exit_code == 0, result
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Attention")]
    assert warnings == [
        "Attention : aucun échange noté avec 2 de ces bailleurs (Paris Habitat, Elogie-Siemp) ; "
        "leurs courriers ne rappellent donc aucun échange précédent."
    ]


# --- Remerciement: the right exchange --------------------------------------------


def test_remerciement_names_the_last_exchange(run: Run, identity: None, out: Path) -> None:
    contact(run, "rivp", "telephone", "10/11/2026")
    contact(run, "rivp", "rdv", "18/11/2026", "--outcome", "positif")
    text = body(letter(run, "rivp", "remerciement", out))
    assert (
        "Nous vous remercions du temps que vous nous avez accordé lors de notre rencontre du "
        "18 novembre 2026 et de l'intérêt que vous portez à l'action des Ateliers Amasco."
    ) in text
    assert "Objet : Remerciements" in text


def test_remerciement_for_their_message(run: Run, identity: None, out: Path) -> None:
    contact(run, "rivp", "email", "12/11/2026", "--direction", "entrant")
    text = body(letter(run, "rivp", "remerciement", out))
    assert (
        "Nous vous remercions de votre message du 12 novembre 2026 et de l'intérêt que vous "
        "portez à l'action des Ateliers Amasco."
    ) in text


def test_remerciement_without_exchange_warns(run: Run, identity: None, out: Path) -> None:
    result = run("letter", "rivp", "--template", "remerciement", "--out", str(out))
    assert result.exit_code == 0, result
    assert result.stderr.splitlines()[0] == (
        "Attention : aucun échange noté avec RIVP ; le remerciement ne cite donc aucun échange."
    )
    text = body(out / "rivp-remerciement.docx")
    assert (
        "Nous vous remercions de l'attention que vous voudrez bien porter à notre proposition."
    ) in text
    assert "temps que vous nous avez accordé" not in text and "intérêt" not in text


@pytest.mark.parametrize(
    ("exchange", "thanks"),
    [
        (("telephone", "23/11/2026", "--outcome", "sans_reponse"),
         "Nous vous remercions de l'attention que vous voudrez bien porter à notre proposition."),
        (("courrier", "15/10/2026"),  # our letter, unanswered
         "Nous vous remercions de l'attention que vous voudrez bien porter à notre proposition."),
        (("email", "19/11/2026", "--outcome", "positif"),
         "Nous vous remercions de votre réponse à notre message du 19 novembre 2026 et de "
         "l'intérêt que vous portez à l'action des Ateliers Amasco."),
        (("courrier", "20/11/2026", "--direction", "entrant", "--outcome", "negatif"),
         "Nous vous remercions de votre courrier du 20 novembre 2026 et de l'attention que vous "
         "avez portée à notre proposition."),
    ],
    ids=["appel-sans-reponse", "courrier-sans-reponse", "reponse-favorable", "refus"],
)  # fmt: skip
def test_remerciement_thanks_only_for_what_happened(
    run: Run, identity: None, out: Path, exchange: tuple[str, ...], thanks: str
) -> None:
    """No « temps accordé » for a call nobody took, no « intérêt » after a refusal."""
    contact(run, "rivp", *exchange)
    text = body(letter(run, "rivp", "remerciement", out))
    assert thanks in text
    refused = "negatif" in exchange
    assert ("intérêt que vous portez" in text) is ("positif" in exchange)
    assert ("Nous reviendrons vers vous très prochainement" in text) is not refused
    assert (
        "Nous comprenons que le moment ne s'y prête pas et nous nous permettrons de revenir "
        "vers vous plus tard."
    ) in text or not refused


# --- Prospection: QPV said only when known ---------------------------------------

ASSERTED = (
    "Il s'inscrit aussi dans les axes du contrat de ville (lien social, accès à la culture "
    "et à l'éducation) et peut ainsi être valorisé au titre de l'abattement de 30 % de la "
    "taxe foncière sur les propriétés bâties (TFPB) dont bénéficient vos logements situés "
    "en quartier prioritaire."
)
CONDITIONAL = (
    "Il s'inscrit aussi dans les axes du contrat de ville (lien social, accès à la culture "
    "et à l'éducation) : si vous disposez de logements en quartier prioritaire, il peut être "
    "valorisé au titre de l'abattement de 30 % de la taxe foncière sur les propriétés bâties "
    "(TFPB) dont ils bénéficient."
)


def test_prospection_asserts_qpv_for_a_landlord_present_there(
    run: Run, identity: None, out: Path
) -> None:
    text = body(letter(run, "rivp", "prospection", out))  # present in Paris, which holds QPV
    assert ASSERTED in text and CONDITIONAL not in text
    assert "Objet : Proposition de partenariat autour d'ateliers éducatifs pour" in text
    assert (
        "Précisons que notre démarche n'est pas une demande de logement : nous cherchons un "
        "bailleur partenaire pour proposer ces ateliers aux familles de vos résidences (Paris)."
    ) in text
    assert "d'emblée" not in text and "Réf." not in text


def test_prospection_is_conditional_when_no_qpv_is_known(
    run: Run, store: Store, exemple: str, out: Path
) -> None:
    text = body(letter(run, exemple, "prospection", out))
    assert CONDITIONAL in text and ASSERTED not in text
    with store.write() as session:
        landlord = session.exec(select(Landlord).where(Landlord.slug == exemple)).one()
        assert landlord.id is not None
        session.add(
            Presence(
                landlord_id=landlord.id, commune="92049", qpv_code="QN09201M",
                measure=Measure.DECLARED, source="test", origin=Origin.USER,
                updated_at=datetime.now(UTC),
            )
        )  # fmt: skip
    text = body(letter(run, exemple, "prospection", out, "--force"))
    assert ASSERTED in text and CONDITIONAL not in text


# --- Conventions -----------------------------------------------------------------


def test_convention_total_must_match_its_contributions(
    run: Run, store: Store, identity: None, out: Path
) -> None:
    run("person", "add", "rivp", "Awa Diallo", "--civilite", "Mme")
    result = run(
        "convention", "rivp", "--contribution", "locaux=800", "--contribution", "communication",
        *CONVENTION, "--valeur", "1200", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        "Erreur : --valeur : 1 200 € ne correspond pas à la somme des contributions "
        "valorisées, 800 € (locaux : 800 €) ; retirez --valeur (le total sera cette somme) ou "
        "valorisez chaque contribution (--contribution communication=…).\n"
    )
    alone = run(
        "convention", "rivp", "--contribution", "locaux=800", *CONVENTION, "--valeur", "1200",
        "--out", str(out),
    )  # fmt: skip
    assert alone.exit_code == 1
    assert alone.stderr == (
        "Erreur : --valeur : 1 200 € ne correspond pas à la somme des contributions "
        "valorisées, 800 € (locaux : 800 €) ; retirez --valeur (le total sera cette somme) ou "
        "corrigez les montants.\n"
    )
    assert not out.exists() or list(out.iterdir()) == []
    with store.read() as session:
        assert session.exec(select(Partnership)).all() == []


def test_convention_total_is_the_sum(run: Run, store: Store, identity: None, out: Path) -> None:
    run("person", "add", "rivp", "Awa Diallo", "--civilite", "Mme")
    result = run(
        "convention", "rivp", "--contribution", "locaux=800", "--contribution",
        "communication=400", *CONVENTION, "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result
    text = body(Path(result.stdout.strip()))
    assert "Ces contributions représentent, d'un commun accord, une valeur de 1 200 €" in text
    with store.read() as session:
        assert session.exec(select(Partnership.in_kind_cents)).one() == 120000


def test_partial_valuation_says_so(run: Run, identity: None, out: Path) -> None:
    run("person", "add", "rivp", "Awa Diallo")
    result = run(
        "convention", "rivp", "--contribution", "locaux=800", "--contribution", "communication",
        *CONVENTION, "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result
    text = body(Path(result.stdout.strip()))
    assert (
        "Les contributions valorisées ci-dessus représentent, d'un commun accord, une valeur "
        "de 800 €"
    ) in text


def test_convention_parties_agree_and_leave_the_signatory_blank(
    run: Run, exemple: str, out: Path
) -> None:
    run("person", "add", exemple, "Éloïse Martin")
    result = run("convention", exemple, "--contribution", "locaux", *CONVENTION, "--out", str(out))
    assert result.exit_code == 0, result
    lines = paragraphs(Path(result.stdout.strip()))
    text = "\n".join(lines)
    blank = "…" * 24
    assert (
        "Les Ateliers Amasco, association loi 1901, SIRET 732 829 320 00074, dont le siège est "
        "situé 12 rue de la République, 92120 Montrouge, représentée par Camille Martin, "
        "présidente, ci-après « l'association »,"
    ) in lines
    assert (
        "Office Exemple, office public de l'habitat (OPH), SIREN 732 829 320, dont le siège est "
        f"situé 1 rue Gabriel Péri, 92120 Montrouge, représenté par {blank}, ci-après "
        "« le bailleur »."
    ) in lines
    assert blank in lines  # the signature cell, to fill in by hand
    assert "dûment habilité" not in text
    assert (
        "La présente convention formalise le partenariat non financier entre l'association et "
        "le bailleur"
    ) in text
    signed = run(
        "convention", exemple, "--contribution", "locaux", *CONVENTION,
        "--signataire-bailleur", "Jean Dupont, directeur général", "--out", str(out / "b"),
    )  # fmt: skip
    assert signed.exit_code == 0, signed
    assert "représenté par Jean Dupont, directeur général, ci-après « le bailleur »." in body(
        Path(signed.stdout.strip())
    )


def test_a_landlord_of_unknown_form_is_represented_as_the_bailleur(
    run: Run, identity: None, out: Path
) -> None:
    """No legal form says whether CDC Habitat is « représenté » or « représentée »:
    « le bailleur » says it, not « représenté(e) » (proof-read of the conventions)."""
    made = run("convention", "cdc-habitat", "--contribution", "locaux", *CONVENTION,
               "--referent-bailleur", "Awa Diallo", "--out", str(out))  # fmt: skip
    assert made.exit_code == 0, made
    text = body(Path(made.stdout.strip()))
    assert f", ci-après « le bailleur », représenté par {'…' * 24}." in text
    assert "représenté(e)" not in text


def test_financial_convention_reads_well(run: Run, identity: None, out: Path) -> None:
    result = run(
        "convention", "rivp", "--type", "financier", "--montant", "3000", *CONVENTION,
        "--referent-bailleur", "Awa Diallo", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result
    text = body(Path(result.stdout.strip()))
    assert f", représentée par {'…' * 24}, ci-après « le bailleur »." in text  # a SEM
    assert (
        "Le bailleur verse à l'association une participation de 3 000 €, qui couvre "
        "l'animation et l'encadrement des ateliers décrits à l'article 1."
    ) in text
    assert (
        "La présente convention définit la participation financière du bailleur aux ateliers "
        "éducatifs que l'association organise"
    ) in text


# --- The e-mail draft ------------------------------------------------------------


def test_eml_is_an_email_not_a_pasted_letter(run: Run, identity: None, out: Path) -> None:
    run("person", "add", "rivp", "Awa Diallo", "--civilite", "Mme",
        "--email", "awa.diallo@example.org")  # fmt: skip
    result = run("letter", "rivp", "--format", "eml", "--out", str(out))
    assert result.exit_code == 0, result
    message = email.message_from_bytes(
        (out / "rivp-prospection.eml").read_bytes(), policy=email.policy.default
    )
    assert message["To"] == "Awa Diallo <awa.diallo@example.org>"
    assert message["Subject"] == (
        "Proposition de partenariat autour d'ateliers éducatifs pour les enfants de vos résidences"
    )
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    text = plain_spaces(part.get_content()).replace("\r\n", "\n")
    blocks = text.strip().split("\n\n")
    assert blocks[0] == "Madame,"
    assert blocks[1].startswith("Les Ateliers Amasco organisent, pendant les vacances")
    assert blocks[-2] == (
        "Nous vous prions d'agréer, Madame, l'expression de nos salutations distinguées."
    )
    assert blocks[-1] == "Camille Martin\nprésidente\nLes Ateliers Amasco"
    assert all("\n" not in block for block in blocks[:-1])  # one paragraph per block
    for postal in ("Objet", "Réf.", "SIRET", "À l'attention", "13, avenue", "Montrouge, le"):
        assert postal not in text
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "rivp-prospection.docx"
    docx = out / "attached.docx"
    docx.write_bytes(attachment.get_content())
    assert "À l'attention de Mme Awa Diallo" in paragraphs(docx)
