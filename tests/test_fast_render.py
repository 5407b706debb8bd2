"""The fast path (docx_fast) makes the documents docxtpl makes (issue 14, §3).

Every built-in template is rendered with realistic contexts — values holding ``&``,
``<``, ``"``, apostrophes, accented letters and a line break — once through a plain
``DocxTemplate`` per document and once through the template prepared once; the two
documents are read back with python-docx and compared as a user would see them (text
of paragraphs and table cells in order, run and paragraph styles, page settings,
headers and footers, pictures), then byte for byte with the clock held still (the zip
timestamps are the only thing that differs between two docxtpl runs as well).
"""

from __future__ import annotations

import re
import time
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from bailleurs_cli.documents import contexts as c
from bailleurs_cli.documents import docx_fast, engine
from bailleurs_cli.errors import TemplateProblem
from bailleurs_cli.formatting import CONTRIBUTION_TEXT

TODAY = date(2026, 11, 23)
#: A moment to hold the clock at, so that both zips carry the same timestamps.
STILL = 1_764_590_400.0

ASSOCIATION = {
    "nom": "Les Ateliers & Co <Paris>",
    "forme": "association loi 1901",
    "adresse": "12 rue de l'Église, 92120 Montrouge",
    "siret": "73282932000074",
    "signataire": "Zoé L'Hôte-Ñúñez",
    "signataire_titre": "présidente « fondatrice »",
    "email": "contact@ateliers.example",
    "telephone": "01 23 45 67 89",
}
#: Values every template shows, verbatim, whatever the path.
SHOWN = ('Toit & Joie "Habitat" <SA>', "Les Ateliers & Co <Paris>")


def association(logo: Any = None) -> c.Association:
    return c.association_from_settings(ASSOCIATION, logo=logo)


def landlord() -> c.Landlord:
    return c.Landlord(
        nom='Toit & Joie "Habitat" <SA>',
        nature="ESH (entreprise sociale pour l'habitat)",
        forme_juridique="Société anonyme d'HLM",
        forme="société anonyme d'HLM",
        represente="représentée",
        siren="552 038 200",
        adresse="Bâtiment B – Escalier 3, 12 rue de l'Église, 93100 Montreuil",
        # A line break inside a value: docxtpl turns it into a <w:br/> (resolve_listing).
        adresse_lignes=["Bâtiment B – Escalier 3\n12 rue de l'Église", "93100 Montreuil"],
        territoire="Montreuil & Bagnolet",
        qpv=True,
        groupe="Groupe <Action Logement>",
    )


def recipient() -> c.Recipient:
    return c.Recipient(
        nom="Élodie N’Diaye",
        civilite="Mme",
        de="de Mme Élodie N’Diaye",
        fonction='Responsable "développement social" & urbain',
        email="e.ndiaye@toit-joie.example",
    )


def exchange(*, outbound: bool, written: bool, positive: bool) -> c.Exchange:
    return c.Exchange(
        date=date(2026, 10, 6),
        canal="courrier" if written else "téléphone",
        sortant=outbound,
        ecrit=written,
        positif=positive,
        negatif=False,
        abouti=not (outbound and written and not positive),
        sans_reponse=outbound and written and not positive,
        evocation="notre courrier du 6 octobre 2026" if outbound else "votre appel du 6 octobre",
    )


def ally() -> c.Ally:
    return c.Ally(
        nom="Les Petits Débrouillards & Cie",
        de="des Petits Débrouillards & Cie",
        a="aux Petits Débrouillards & Cie",
        pluriel=True,
        signataire="Jeanne O'Brien",
        contact="Jeanne O'Brien",
        email="idf@debrouillards.example",
        telephone="01 98 76 54 32",
        territoire="Seine-Saint-Denis",
    )


def letter(template: str, logo: Any = None, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "association": association(logo),
        "bailleur": landlord(),
        "destinataire": recipient(),
        "appel": "Madame",
        "date": TODAY,
        "lieu": "Montrouge",
        "objet": "Proposition d'ateliers « sciences & jeux » pour l'été",
        "reference": f"Toit & Joie – {template} – 2026",
        "echange": exchange(outbound=True, written=True, positive=False),
        "envoi": exchange(outbound=True, written=True, positive=False),
        "dernier_envoi": date(2026, 10, 6),
        "dernier_echange": date(2026, 10, 6),
        "allie": None,
    }
    values.update(changes)
    return c.LetterContext(**values).model_dump()


def contribution(code: str, value: float | None) -> c.ContributionItem:
    label, text = CONTRIBUTION_TEXT[code]
    return c.ContributionItem(code=code, libelle=label, description=text, valeur=value)


def convention(financial: bool, logo: Any = None) -> dict[str, Any]:
    fields = c.ConventionFields(
        numero="2027-001",
        type="financier" if financial else "non_financier",
        objet="Ateliers éducatifs « sciences & jeux » pour les enfants des résidences",
        contributions=[contribution("locaux", 800.0), contribution("communication", None)],
        avec_locaux=True,
        valeur_totale=800.0,
        valorisation_partielle=True,
        montant=12_500.5 if financial else None,
        couvre="l'animation de 10 séances & le matériel" if financial else None,
        echeancier="50 % à la signature,\n50 % au bilan" if financial else None,
        pieces="bilan <signé> et factures" if financial else None,
        sites=["Centre social « Belleville », Paris 20e", "Maison de quartier d'Aubervilliers"],
        debut=date(2027, 2, 1),
        fin=date(2027, 12, 31),
        dates="du 1er février au 31 décembre 2027",
        referent_association="Zoé L'Hôte-Ñúñez",
        referent_bailleur="Élodie N’Diaye",
        signataire_bailleur="Jean-Noël Dupré, directeur général",
    )
    base = letter("convention", logo)
    return c.ConventionContext(**base, convention=fields).model_dump()


def figures(participants: str, tenants: str) -> c.Figures:
    return c.Figures(
        participants=participants,
        locataires=tenants,
        familles="15",
        assiduite="82\u202f%",
        satisfaction_enfants="4,5/5",
        satisfaction_parents="4,2/5",
        part_locataires="29\u202f%",
        cible="29\u202f% de locataires, dans la cible 15–30\u202f%",
        situation="dans_la_cible",
    )


def workshop(number: int, site: str) -> c.WorkshopItem:
    return c.WorkshopItem(
        numero=number,
        lieu=site,
        commune="Paris 20e",
        qpv="Belleville – Amandiers",
        dates="du 15 au 19 février 2027",
        debut=date(2027, 2, 15),
        fin=date(2027, 2, 19),
        seances=5,
        theme="Sciences & jeux",
        animateurs=2,
        resultats=True,
        chiffres=figures("24", "7"),
    )


def bilan(logo: Any = None, chart: Any = None) -> dict[str, Any]:
    return c.BilanContext(
        association=association(logo),
        bailleur=landlord(),
        destinataire=recipient(),
        anonyme=False,
        date=date(2027, 3, 10),
        lieu="Montrouge",
        objet="Bilan des ateliers de février 2027",
        periode=c.Period(debut=date(2027, 2, 1), fin=date(2027, 2, 28), libelle="de février 2027"),
        ateliers=[
            workshop(12, "Centre social « Belleville »"),
            workshop(14, "Maison d'Aubervilliers"),
        ],
        totaux=c.Totals(
            ateliers=2,
            seances=10,
            lieux=["Centre social « Belleville »", "Maison d'Aubervilliers"],
            chiffres=figures("48", "14"),
            ateliers_comptes=2,
            ateliers_dans_la_cible=1,
            dans_la_cible="1 atelier sur 2 dans la cible",
            en_bref="2 ateliers (10 séances) dans 2 structures accueillantes",
            resume="48 enfants accueillis, dont 14 de familles locataires ; 27 familles touchées",
            sans_resultats=[14, 15],
        ),
        cible="15–30\u202f%",
        cible_phrase="de 15 à 30\u202f%",
        ponderation="moyennes pondérées par le nombre de participants",
        visites=[c.Visit(date=date(2027, 2, 17), lieu="Centre social « Belleville »")],
        retours=[c.Feedback(lieu="Maison d'Aubervilliers", texte="Très bonne dynamique & <3")],
        convention=c.BilanConvention(
            numero="2027-002",
            type="non_financier",
            debut=date(2027, 2, 1),
            fin=date(2027, 3, 31),
            dates="du 1er février au 31 mars 2027",
            contributions=[contribution("locaux", 800.0)],
            valeur_totale=800.0,
            valorisation_partielle=False,
            montant=None,
            referent_association="Zoé L'Hôte-Ñúñez",
            referent_bailleur="Élodie N’Diaye",
        ),
        renouvellement=c.Renewal(
            fin=date(2027, 3, 31),
            achevee=False,
            suivante=None,
            suivante_debut=None,
            suivante_fin=None,
        ),
        prochains_ateliers=[workshop(16, "Centre social « Belleville »")],
        prochaines_etapes=["Renouveler la convention d'ici au 31 mars", "Visiter l'atelier n° 16"],
        graphique=chart,
        graphique_legende="Participants & locataires du bailleur, par atelier",
    ).model_dump()


def invitation(logo: Any = None) -> dict[str, Any]:
    return c.InvitationContext(
        association=association(logo),
        invite=c.Guest(
            nom='Toit & Joie "Habitat" <SA>',
            bailleur=True,
            adresse_lignes=["Bâtiment B – Escalier 3\n12 rue de l'Église", "93100 Montreuil"],
            attention="de Mme Élodie N’Diaye",
        ),
        appel="Madame",
        date=TODAY,
        lieu="Montrouge",
        objet="Invitation à notre rencontre annuelle",
        reference="Rencontre 2027 – Toit & Joie",
        rencontre=c.Meeting(
            date=date(2027, 1, 21),
            heure="14\u00a0h\u00a030",
            lieu="Maison des associations, Montreuil",
            objet="Rencontre annuelle bailleurs–associations",
            bailleurs=['Toit & Joie "Habitat" <SA>', "Paris Habitat"],
            associations=["Les Petits Débrouillards & Cie"],
            invites="les bailleurs Toit & Joie et Paris Habitat, et une association",
            nombre_invites=3,
        ),
    ).model_dump()


def cases(logo: Any = None) -> list[tuple[str, str, dict[str, Any]]]:
    """(case, template, context): every built-in template, its branches exercised."""
    return [
        ("prospection", "prospection", letter("prospection", logo, echange=None, envoi=None)),
        ("prospection-avec", "prospection", letter("prospection", logo, allie=ally())),
        ("prospection-sans-destinataire", "prospection",
         letter("prospection", logo, destinataire=None, appel="Madame, Monsieur")),
        ("relance", "relance", letter("relance", logo)),
        ("relance-apres-appel", "relance", letter(
            "relance", logo, echange=exchange(outbound=False, written=False, positive=True))),
        ("remerciement", "remerciement", letter(
            "remerciement", logo, echange=exchange(outbound=True, written=False, positive=True))),
        ("convention-non-financiere", "convention-non-financiere", convention(False, logo)),
        ("convention-financiere", "convention-financiere", convention(True, logo)),
        ("bilan", "bilan", bilan(logo)),
        ("invitation", "invitation", invitation(logo)),
    ]  # fmt: skip


# -- reading a document back ----------------------------------------------------------


def _runs(paragraph: Paragraph) -> list[tuple[Any, ...]]:
    return [
        (run.text, run.bold, run.italic, run.font.size, run.style.name if run.style else None)
        for run in paragraph.runs
    ]


def _paragraph(paragraph: Paragraph) -> tuple[Any, ...]:
    style = paragraph.style.name if paragraph.style else None
    return ("p", paragraph.text, style, paragraph.alignment, _runs(paragraph))


def _table(table: Table) -> tuple[Any, ...]:
    return (
        "table",
        table.style.name if table.style else None,
        [[[_paragraph(p) for p in cell.paragraphs] for cell in row.cells] for row in table.rows],
    )


def read_back(data: bytes) -> dict[str, Any]:
    """What a user sees of a .docx: the text in order, styles, pages, pictures."""
    document = Document(BytesIO(data))
    body = [
        _paragraph(item) if isinstance(item, Paragraph) else _table(item)
        for item in document.iter_inner_content()
    ]
    sections = [
        (
            s.orientation, s.page_width, s.page_height, s.left_margin, s.right_margin,
            s.top_margin, s.bottom_margin, s.header_distance, s.footer_distance,
            [_paragraph(p) for p in s.header.paragraphs] if not s.header.is_linked_to_previous
            else None,
            [_paragraph(p) for p in s.footer.paragraphs] if not s.footer.is_linked_to_previous
            else None,
        )
        for s in document.sections
    ]  # fmt: skip
    with zipfile.ZipFile(BytesIO(data)) as archive:
        members = [info.filename for info in archive.infolist()]
        media = {name: archive.read(name) for name in members if name.startswith("word/media/")}
    core = document.core_properties
    return {
        "body": body,
        "sections": sections,
        "pictures": [(shape.width, shape.height) for shape in document.inline_shapes],
        "media": media,
        "members": members,
        "core": (core.author, core.title, core.subject, core.language, core.comments),
    }


def plain_text(data: bytes) -> str:
    document = Document(BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    lines += [cell.text for t in document.tables for row in t.rows for cell in row.cells]
    return "\n".join(lines)


@pytest.fixture
def still_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both paths stamp their zip members with time.time(): hold it still."""
    monkeypatch.setattr(time, "time", lambda: STILL)


@pytest.fixture(scope="module")
def logo(tmp_path_factory: pytest.TempPathFactory) -> str:
    from PIL import Image

    path = tmp_path_factory.mktemp("logo") / "logo.png"
    Image.new("RGB", (160, 80), (200, 30, 60)).save(path)
    return str(path)


def both(
    template: bytes, context: dict[str, Any], *, logo: str | None = None, name: str = "modèle"
) -> tuple[bytes, bytes]:
    """The document through docxtpl, then through the prepared template."""
    env = engine.CompiledOnceEnvironment()
    slow = engine._render_docxtpl(template, context, env, name, logo, None)
    fast_env = engine.CompiledOnceEnvironment()
    assert fast_env.prepared(template) is not None, "the fast path must handle this template"
    fast = engine.render_bytes(template, context, fast_env, template_name=name, logo=logo)
    # A second document from the same prepared template is the same again.
    again = engine.render_bytes(template, context, fast_env, template_name=name, logo=logo)
    assert again == fast
    return slow, fast


def assert_same(slow: bytes, fast: bytes) -> None:
    """The same bytes; when they differ, the difference as a reader sees it first."""
    if fast != slow:  # equal bytes read back equal: reading them costs half a second
        assert read_back(fast) == read_back(slow)
    assert fast == slow


def members(data: bytes) -> list[str]:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return archive.namelist()


def media(data: bytes) -> list[str]:
    """The pictures a document carries."""
    return [name for name in members(data) if name.startswith("word/media/")]


# -- every built-in template ----------------------------------------------------------


@pytest.mark.parametrize("with_logo", [False, True], ids=["sans-logo", "avec-logo"])
@pytest.mark.parametrize("case", [name for name, _, _ in cases()])
def test_every_template_renders_the_same(
    case: str, with_logo: bool, logo: str, still_clock: None
) -> None:
    _, name, context = next(item for item in cases() if item[0] == case)
    template = engine.find_template(name, None).read_bytes()
    slow, fast = both(template, context, logo=logo if with_logo else None)
    assert_same(slow, fast)
    seen = plain_text(fast)
    for value in SHOWN:
        assert value in seen, value
    prints_logo = b"association.logo" in zipfile.ZipFile(BytesIO(template)).read(
        "word/document.xml"
    )
    assert len(media(fast)) == (1 if with_logo and prints_logo else 0)


def test_values_come_back_verbatim() -> None:
    """Escaping: ``& < > " '`` and accents read back as typed; a line break in a value
    is a line break in Word (docxtpl's <w:br/>)."""
    template = engine.find_template("prospection", None).read_bytes()
    env = engine.CompiledOnceEnvironment()
    context = letter("prospection")
    data = engine.render_bytes(template, context, env, template_name="prospection.docx")
    seen = plain_text(data)
    for value in ('Toit & Joie "Habitat" <SA>', "Les Ateliers & Co <Paris>", "Zoé L'Hôte-Ñúñez",
                  "Bâtiment B – Escalier 3\n12 rue de l'Église"):  # fmt: skip
        assert value in seen, value
    assert b"<w:br/>" in zipfile.ZipFile(BytesIO(data)).read("word/document.xml")


def test_many_documents_from_one_preparation(still_clock: None) -> None:
    """Documents that differ (landlords, branches) in a row from one prepared template."""
    template = engine.find_template("relance", None).read_bytes()
    fast_env = engine.CompiledOnceEnvironment()
    for index, (_, name, context) in enumerate(cases()[:6]):
        context["bailleur"]["nom"] = f"Bailleur n° {index} & fils"
        slow = engine._render_docxtpl(
            template, context, engine.CompiledOnceEnvironment(), name, None, None
        )
        fast = engine.render_bytes(template, context, fast_env, template_name=name)
        assert fast == slow, name


def test_the_bilan_chart_takes_docxtpl(logo: str, still_clock: None) -> None:
    """A picture new in each document (the bilan's chart) is left to docxtpl: the
    same document as before, chart and logo included."""
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (300, 150), (20, 90, 200)).save(buffer, format="PNG")
    template = engine.find_template("bilan", None).read_bytes()
    context = bilan()
    pictures = {"graphique": (buffer.getvalue(), 150)}
    slow = engine._render_docxtpl(
        template, context, engine.CompiledOnceEnvironment(), "bilan.docx", logo, pictures
    )
    made = engine.render_bytes(
        template, context, engine.CompiledOnceEnvironment(), template_name="bilan.docx",
        logo=logo, pictures=pictures,
    )  # fmt: skip
    assert made == slow
    assert len(media(made)) == 2


# -- templates edited in Word ----------------------------------------------------------


def rewrite(template: bytes, member: str, change: Any) -> bytes:
    """A copy of a .docx with one member's text changed."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(template)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == member:
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


def split_runs(xml: str) -> str:
    """Split tags across runs as Word does when one edits inside them: a run for each
    piece, the formatting repeated, spelling marks in between."""

    def split(match: re.Match[str]) -> str:
        props, tag = match[1] or "", match[2]
        a, b = len(tag) // 3, 2 * len(tag) // 3
        pieces = (tag[:a], tag[a:b], tag[b:])
        runs = [f'<w:r>{props}<w:t xml:space="preserve">{piece}</w:t></w:r>' for piece in pieces]
        return (
            runs[0] + '<w:proofErr w:type="spellStart"/>' + runs[1]
            + '<w:proofErr w:type="spellEnd"/>' + runs[2]
        )  # fmt: skip

    changed, count = re.subn(
        r"<w:r>(<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?<w:t>(\{\{ bailleur\.nom \}\}|"
        r"\{%p if destinataire %\}|\{\{ association\.nom \}\})</w:t></w:r>",
        split,
        xml,
    )
    assert count >= 3
    return changed


def test_a_word_edited_template_renders_the_same(logo: str, still_clock: None) -> None:
    original = engine.find_template("prospection", None).read_bytes()
    edited = rewrite(original, "word/document.xml", split_runs)
    assert b"{{ bailleur.nom }}" not in zipfile.ZipFile(BytesIO(edited)).read("word/document.xml")
    context = letter("prospection")
    slow, fast = both(edited, context, logo=logo)
    assert_same(slow, fast)
    assert 'Toit & Joie "Habitat" <SA>' in plain_text(fast)
    # The split tags give the document the whole tags give (text and styles).
    whole = engine._render_docxtpl(
        original, context, engine.CompiledOnceEnvironment(), "p", logo, None
    )
    assert read_back(fast)["body"] == read_back(whole)["body"]


def with_header_and_footer(template: bytes, *, logo_in_header: bool) -> bytes:
    """A copy with tags in its header and footer, and a title holding a tag."""
    document = Document(BytesIO(template))
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.text = "{{ association.nom }} — {{ reference }}"
    if logo_in_header:
        section.header.add_paragraph("{{ association.logo }}")
    section.footer.paragraphs[0].text = "{{ bailleur.nom }} · page 1"
    document.core_properties.title = "Courrier à {{ bailleur.nom }}"
    out = BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("logo_in_header", [False, True], ids=["texte", "logo"])
def test_headers_footers_and_properties_with_tags(
    logo_in_header: bool, logo: str, still_clock: None
) -> None:
    original = engine.find_template("relance", None).read_bytes()
    template = with_header_and_footer(original, logo_in_header=logo_in_header)
    slow, fast = both(template, letter("relance"), logo=logo)
    assert_same(slow, fast)
    seen = read_back(fast)
    assert "Les Ateliers & Co <Paris>" in seen["sections"][0][9][0][1]
    # docxtpl renders the properties with the escaping of XML text, which python-docx
    # escapes again (« &amp; » in Word's title): the same on both paths.
    assert seen["core"][1].startswith("Courrier à Toit &amp; Joie")


# -- failures are the same failures ----------------------------------------------------


def broken(template: bytes, tag: str) -> bytes:
    return rewrite(template, "word/document.xml", lambda xml: xml.replace("{{ lieu }}", tag, 1))


@pytest.mark.parametrize(
    "tag",
    ["{{ lieux }}", "{{ bailleur.nom + 1 }}", "{% if lieu %}", "{{ lieu|montants }}",
     "{{ lieu.__class__ }}"],
)  # fmt: skip
def test_a_failing_template_fails_the_same_way(tag: str) -> None:
    template = broken(engine.find_template("prospection", None).read_bytes(), tag)
    context = letter("prospection")
    messages = []
    for render in (engine._render_docxtpl, None):
        env = engine.CompiledOnceEnvironment()
        with pytest.raises(TemplateProblem) as caught:
            if render is None:
                engine.render_bytes(template, context, env, template_name="p.docx")
            else:
                render(template, context, env, "p.docx", None, None)
        messages.append(caught.value.message)
    assert messages[0] == messages[1]


# -- the zip writer ---------------------------------------------------------------------


def test_the_zip_is_the_one_zipfile_writes(still_clock: None) -> None:
    members = [("[Content_Types].xml", b"<a/>" * 50), ("word/média é.xml", b"x" * 10_000)]
    expected = BytesIO()
    with zipfile.ZipFile(expected, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    made = docx_fast.write_zip(docx_fast.deflate(name, data) for name, data in members)
    assert made == expected.getvalue()


def test_an_unverified_docxtpl_is_left_to_docxtpl(monkeypatch: pytest.MonkeyPatch) -> None:
    import docxtpl

    monkeypatch.setattr(docxtpl, "__version__", "9.0.0")
    template = engine.find_template("prospection", None).read_bytes()
    env = engine.CompiledOnceEnvironment()
    assert env.prepared(template) is None
    data = engine.render_bytes(template, letter("prospection"), env, template_name="p")
    assert "Les Ateliers & Co <Paris>" in plain_text(data)


def test_the_documents_letters_write_are_the_fast_ones(tmp_path: Path) -> None:
    """``letters.run`` in one process and with two workers writes the same letters."""
    from bailleurs_cli.documents import letters
    from bailleurs_cli.settings.config import ConfigFile, Settings

    settings = Settings(file=ConfigFile.model_validate({"association": ASSOCIATION}))
    path = engine.find_template("prospection", None)
    made: dict[int, list[str]] = {}
    for workers in (1, 2):
        jobs = []
        for index in range(10):
            context = letter("prospection")
            context["bailleur"]["nom"] = f"Bailleur {index} & Cie"
            target = tmp_path / str(workers) / f"b{index}.docx"
            jobs.append(letters.Job(slug=f"b{index}", name="b", target=target, context=context))
        report = letters.run(
            jobs, template_path=path, settings=settings, today=TODAY, workers=workers
        )
        assert len(report.written) == 10
        made[workers] = [plain_text(job.target.read_bytes()) for job in jobs]
    assert made[1] == made[2]
    assert "Bailleur 7 & Cie" in made[2][7]


FOOTNOTES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
    "<w:r><w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
    "</w:r></w:p></w:footnote>"
    '<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">NOTE</w:t></w:r></w:p>'
    "</w:footnote></w:footnotes>"
)


def with_footnotes(template: bytes, note: str) -> bytes:
    """A copy holding footnotes as Word writes them (separators, a note)."""
    rel = (
        '<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>'
    )
    kind = (
        '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.footnotes+xml"/></Types>'
    )
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(template)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", rel.encode())
            elif info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", kind.encode())
            target.writestr(info, data)
        target.writestr("word/footnotes.xml", FOOTNOTES.replace("NOTE", note))
    return out.getvalue()


def test_footnotes_as_word_writes_them(still_clock: None) -> None:
    template = with_footnotes(
        engine.find_template("remerciement", None).read_bytes(), "Voir l'annexe « A & B »."
    )
    slow, fast = both(template, letter("remerciement"))
    assert_same(slow, fast)
    assert "word/footnotes.xml" in members(fast)


def test_footnotes_with_tags_are_left_to_docxtpl(still_clock: None) -> None:
    template = with_footnotes(
        engine.find_template("remerciement", None).read_bytes(), "Réf. {{ reference }}"
    )
    env = engine.CompiledOnceEnvironment()
    assert env.prepared(template) is None
    context = letter("remerciement")
    made = engine.render_bytes(template, context, env, template_name="r")
    slow = engine._render_docxtpl(template, context, env, "r", None, None)
    assert made == slow
    notes = zipfile.ZipFile(BytesIO(made)).read("word/footnotes.xml").decode()
    assert "Réf. Toit &amp; Joie – remerciement – 2026" in notes
