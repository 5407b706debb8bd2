"""Build the default Word templates in this folder (run by hand after editing this file).

    python templates/make_templates.py

The .docx files are the product: a user opens them in Word or LibreOffice and edits
the wording. Jinja tags are written as whole runs so Word does not split them, and
French typography (non-breaking spaces before « : ; ? ! », inside « guillemets ») is
applied to every text run here.
"""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent
NBSP, NNBSP = "\u00a0", "\u202f"


def fr(text: str) -> str:
    """French typography for template prose (never inside a Jinja tag)."""
    parts = re.split(r"({{.*?}}|{%.*?%})", text)
    out = []
    for part in parts:
        if part.startswith(("{{", "{%")):
            out.append(part)
            continue
        part = re.sub(r" ([;!?%])", NNBSP + r"\1", part)
        part = re.sub(r" :", NBSP + ":", part)
        part = part.replace("« ", "«" + NBSP).replace(" »", NBSP + "»")
        out.append(part)
    return "".join(out)


def new_document():  # type: ignore[no-untyped-def]
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(1.8)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    doc.core_properties.author = "bailleurs"
    doc.core_properties.language = "fr-FR"
    return doc


def para(doc, text: str = "", *, bold: bool = False, align=None, size=None, after=None):  # type: ignore[no-untyped-def]
    paragraph = doc.add_paragraph()
    if text:
        run = paragraph.add_run(fr(text))
        run.bold = bold
        if size:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    if after is not None:
        paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def runs(doc, *pieces: tuple[str, bool], align=None, after=None):  # type: ignore[no-untyped-def]
    paragraph = doc.add_paragraph()
    for text, bold in pieces:
        paragraph.add_run(fr(text)).bold = bold
    if align is not None:
        paragraph.alignment = align
    if after is not None:
        paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def tag(doc, text: str):  # type: ignore[no-untyped-def]
    """A paragraph holding only a {%p %} tag (docxtpl removes the paragraph)."""
    return doc.add_paragraph(text)


def letterhead(doc, *, joint: bool = True) -> None:  # type: ignore[no-untyped-def]
    tag(doc, "{%p if association.logo %}")
    para(doc, "{{ association.logo }}", after=0)
    tag(doc, "{%p endif %}")
    para(doc, "{{ association.nom }}", bold=True, size=13, after=0)
    para(doc, "{{ association.forme }}", after=0)
    tag(doc, "{%p for ligne in association.adresse_lignes %}")
    para(doc, "{{ ligne }}", after=0)
    tag(doc, "{%p endfor %}")
    para(doc, "{{ association.telephone }} · {{ association.email }}", after=0)
    para(doc, "SIRET : {{ association.siret }}", size=8, after=12)
    if not joint:
        return
    # A joint letter (letter --avec) names the allied association under ours.
    tag(doc, "{%p if allie %}")
    para(
        doc,
        "Avec {{ allie.nom }}{% if allie.telephone %} · {{ allie.telephone }}{% endif %}"
        "{% if allie.email %} · {{ allie.email }}{% endif %}",
        bold=True,
        after=12,
    )
    tag(doc, "{%p endif %}")


def recipient(doc) -> None:  # type: ignore[no-untyped-def]
    right = WD_ALIGN_PARAGRAPH.RIGHT
    para(doc, "{{ bailleur.nom }}", bold=True, align=right, after=0)
    tag(doc, "{%p if destinataire %}")
    para(
        doc,
        "À l'attention {{ destinataire.de }}{% if destinataire.fonction %}, "
        "{{ destinataire.fonction }}{% endif %}",
        align=right,
        after=0,
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for ligne in bailleur.adresse_lignes %}")
    para(doc, "{{ ligne }}", align=right, after=0)
    tag(doc, "{%p endfor %}")
    para(doc, "", after=6)
    para(doc, "{{ lieu }}, le {{ date|date_lettre }}", align=right, after=12)


def subject(doc) -> None:  # type: ignore[no-untyped-def]
    """« Objet : … », then the greeting: « Madame, », « Monsieur, » or « Madame, Monsieur, »."""
    runs(doc, ("Objet : ", True), ("{{ objet }}", False), after=12)
    para(doc, "{{ appel }},")


def closing(doc) -> None:  # type: ignore[no-untyped-def]
    """The formal closing, with the greeting's form of address, then the signature."""
    para(
        doc,
        "Nous vous prions d'agréer, {{ appel }}, l'expression de nos salutations distinguées.",
    )
    signature(doc)


#: « Les Ateliers Amasco organisent », « Amasco organise ».
ORGANISE = (
    "{{ association.nom }} {% if association.pluriel %}organisent{% else %}organise{% endif %}"
)
CONTACT = (
    "Vous pouvez nous joindre au {{ association.telephone }} ou par courriel à "
    "{{ association.email }}."
)


def signature(doc) -> None:  # type: ignore[no-untyped-def]
    """Ours, then, in a joint letter, the allied association's (both sign)."""
    para(doc, "", after=12)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    para(doc, "{{ association.signataire }}", bold=True, align=right, after=0)
    para(doc, "{{ association.signataire_titre }}", align=right, after=0)
    para(doc, "{{ association.nom }}", align=right)
    tag(doc, "{%p if allie %}")
    para(doc, "", after=0)
    para(doc, "{{ allie.signataire }}", bold=True, align=right, after=0)
    para(doc, "{{ allie.nom }}", align=right)
    tag(doc, "{%p endif %}")
    # The body ends on a paragraph of its own, not on a tag docxtpl removes: text an
    # editor types at the very end in Word stays in the letter (and is checked).
    end = para(doc, "", after=0)
    end.paragraph_format.line_spacing = Pt(1)  # adds no line: a full page stays one page


#: The first words of a joint letter: both associations named, one proposal (thesis,
#: recommendation 2: landlords are approached by several associations for one need).
JOINT = (
    "{{ association.nom }} et {{ allie.nom }} vous écrivent ensemble : plutôt que deux "
    "démarches séparées, nos deux associations vous présentent une proposition commune."
)


def joint(doc, text: str = JOINT) -> None:  # type: ignore[no-untyped-def]
    tag(doc, "{%p if allie %}")
    para(doc, text)
    tag(doc, "{%p endif %}")


def prospection() -> None:
    doc = new_document()
    letterhead(doc)
    recipient(doc)
    subject(doc)
    joint(doc)
    para(
        doc,
        f"{ORGANISE}, pendant les vacances scolaires, des ateliers éducatifs et ludiques d'une "
        "semaine pour les enfants de 6 à 11 ans, principalement issus des quartiers "
        "prioritaires de la politique de la ville (QPV). Les enfants y mènent un projet "
        "collectif qu'ils présentent à leurs familles en fin de semaine.",
    )
    # Said early and plainly: landlords take associations for housing seekers (thesis).
    para(
        doc,
        "Précisons que notre démarche n'est pas une demande de logement : nous cherchons un "
        "bailleur partenaire pour proposer ces ateliers aux familles de vos résidences"
        "{% if bailleur.territoire %} ({{ bailleur.territoire }}){% endif %}.",
        bold=True,
    )
    # The TFPB argument holds only for housing in a QPV: asserted when a presence
    # fact says so, conditional otherwise (D7, issue 12).
    para(
        doc,
        "Un tel projet rejoint vos propres orientations : le lien avec les familles, la vie "
        "de quartier et la valorisation de votre action auprès de vos locataires. Il s'inscrit "
        "aussi dans les axes du contrat de ville (lien social, accès à la culture et à "
        "l'éducation){% if bailleur.qpv %} et peut ainsi être valorisé au titre de "
        "l'abattement de 30 % de la taxe foncière sur les propriétés bâties (TFPB) dont "
        "bénéficient vos logements situés en quartier prioritaire.{% else %} : si vous "
        "disposez de logements en quartier prioritaire, il peut être valorisé au titre de "
        "l'abattement de 30 % de la taxe foncière sur les propriétés bâties (TFPB) dont ils "
        "bénéficient.{% endif %}",
    )
    para(
        doc,
        "Pour commencer simplement, nous vous proposons un premier pas sans engagement "
        "financier : relayer l'information auprès de vos locataires (affichage, courrier, "
        "gardiens) ou mettre à disposition une salle commune le temps d'un atelier. Nous "
        "serions également heureux de vous accueillir lors d'un prochain atelier, pour que "
        "vous puissiez en juger sur place.",
    )
    para(
        doc,
        "Nous aimerions vous présenter le projet lors d'un rendez-vous, à la date qui vous "
        f"conviendra. {CONTACT}",
    )
    closing(doc)
    doc.save(HERE / "prospection.docx")


def relance() -> None:
    """What the letter recalls comes from the last exchange logged: « faute de réponse »
    only after a letter or e-mail of ours left unanswered, thanks after a positive
    exchange, and no claim at all when nothing was logged (D2, issue 12)."""
    doc = new_document()
    letterhead(doc)
    recipient(doc)
    subject(doc)
    workshops = (
        "les ateliers éducatifs que " + ORGANISE + " pendant les vacances scolaires pour les "
        "enfants de 6 à 11 ans des quartiers prioritaires"
    )
    about = workshops.replace("les ateliers", "des ateliers", 1)  # « au sujet des ateliers »
    joint(
        doc,
        # Not « reviennent vers vous »: each branch below comes back to them already.
        "{{ association.nom }} et {{ allie.nom }} vous écrivent ensemble, avec la "
        "proposition commune de nos deux associations.",
    )
    tag(doc, "{%p if echange and echange.sans_reponse %}")
    para(
        doc,
        f"Par {{{{ echange.evocation }}}}, nous vous présentions {workshops}. Faute de réponse "
        "à ce jour, nous nous permettons de revenir vers vous.",
    )
    tag(doc, "{%p elif echange and echange.negatif %}")
    para(
        doc,
        "À la suite de {{ echange.evocation }}, où vous nous indiquiez ne pas pouvoir vous "
        f"engager pour l'instant, nous nous permettons de revenir vers vous au sujet {about}.",
    )
    tag(doc, "{%p elif echange and echange.positif %}")
    para(
        doc,
        "À la suite de {{ echange.evocation }}, et en vous remerciant de l'intérêt manifesté, "
        "nous revenons vers vous pour concrétiser notre projet commun : des ateliers éducatifs "
        "pendant les vacances scolaires pour les enfants de 6 à 11 ans de vos résidences.",
    )
    tag(doc, "{%p elif echange and not echange.abouti %}")
    para(
        doc,
        "N'ayant pu vous joindre lors de {{ echange.evocation }}, nous nous permettons de vous "
        f"écrire au sujet {about}.",
    )
    tag(doc, "{%p elif echange %}")
    para(
        doc,
        f"À la suite de {{{{ echange.evocation }}}}, nous nous permettons de revenir vers vous "
        f"au sujet {about}.",
    )
    tag(doc, "{%p else %}")
    para(doc, f"Nous nous permettons d'appeler votre attention sur {workshops}.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if echange and echange.positif %}")
    para(
        doc,
        "Nous vous proposons de fixer ensemble les prochaines étapes : le lieu et les dates "
        "d'un premier atelier, et la manière d'en informer les familles de vos résidences. "
        "Nous restons à votre disposition au {{ association.telephone }} ou par courriel à "
        "{{ association.email }}.",
    )
    tag(doc, "{%p else %}")
    para(
        doc,
        "Nous savons combien vos équipes sont sollicitées. C'est pourquoi nous vous proposons "
        "de commencer par un geste simple : relayer l'information auprès des familles de vos "
        "résidences ou prêter une salle commune le temps d'un atelier. Précisons que notre "
        "démarche n'est pas une demande de logement : nous cherchons un partenaire pour des "
        "actions éducatives auprès des enfants.",
    )
    para(
        doc,
        "Un échange de vingt minutes, par téléphone ou en visioconférence, suffirait pour voir "
        f"si le projet rejoint vos priorités. {CONTACT}",
    )
    tag(doc, "{%p endif %}")
    closing(doc)
    doc.save(HERE / "relance.docx")


def remerciement() -> None:
    """Thanks for the last exchange logged, named by its channel and date."""
    doc = new_document()
    letterhead(doc)
    recipient(doc)
    subject(doc)
    interest = "de l'intérêt que vous portez à l'action {{ association.de }}."
    joint(doc, "{{ association.nom }} et {{ allie.nom }} vous écrivent ensemble.")
    # Thanks only for what happened: no « temps accordé » after a call nobody took, no
    # « intérêt » after a refusal (proof-read of 1 December 2026).
    tag(doc, "{%p if echange and echange.negatif %}")
    para(
        doc,
        "Nous vous remercions de {{ echange.evocation }} et de l'attention que vous avez "
        "portée à notre proposition.",
    )
    tag(doc, "{%p elif echange and echange.abouti and echange.ecrit and not echange.sortant %}")
    para(doc, f"Nous vous remercions de {{{{ echange.evocation }}}} et {interest}")
    tag(doc, "{%p elif echange and echange.abouti and not echange.ecrit %}")
    para(
        doc,
        "Nous vous remercions du temps que vous nous avez accordé lors de "
        f"{{{{ echange.evocation }}}} et {interest}",
    )
    tag(doc, "{%p elif echange and echange.abouti and echange.positif %}")
    para(doc, f"Nous vous remercions de votre réponse à {{{{ echange.evocation }}}} et {interest}")
    tag(doc, "{%p else %}")
    para(
        doc,
        "Nous vous remercions de l'attention que vous voudrez bien porter à notre proposition.",
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if echange and echange.negatif %}")
    para(
        doc,
        "Nous comprenons que le moment ne s'y prête pas et nous nous permettrons de revenir "
        "vers vous plus tard.",
    )
    tag(doc, "{%p else %}")
    para(
        doc,
        "Nous reviendrons vers vous très prochainement pour convenir de la suite. Après "
        "chaque semaine d'ateliers, nous adressons à nos bailleurs partenaires un bilan : "
        "nombre d'enfants accueillis, part de ceux dont la famille est locataire du "
        "bailleur, satisfaction des enfants et des familles.",
    )
    tag(doc, "{%p endif %}")
    para(doc, f"Nous serions heureux de vous accueillir lors d'un prochain atelier. {CONTACT}")
    closing(doc)
    doc.save(HERE / "remerciement.docx")


def parties(doc) -> None:  # type: ignore[no-untyped-def]
    """« représentée » agrees with each party's legal form; a landlord's signatory not
    yet known is a dotted line to fill in, not a tautology (D8, issue 12)."""
    para(doc, "Entre les soussignés :", bold=True)
    para(
        doc,
        "{{ association.nom }}, {{ association.forme }}, SIRET {{ association.siret }}, dont "
        "le siège est situé {{ association.adresse }}, {{ association.represente }} par "
        "{{ association.signataire }}, {{ association.signataire_titre }}, ci-après "
        "« l'association »,",
    )
    para(doc, "et")
    para(
        doc,
        "{{ bailleur.nom }}{% if bailleur.forme %}, {{ bailleur.forme }}{% endif %}"
        "{% if bailleur.siren %}, SIREN {{ bailleur.siren }}{% endif %}"
        "{% if bailleur.adresse %}, dont le siège est situé {{ bailleur.adresse }}{% endif %}, "
        "{{ bailleur.represente }} par {{ convention.signataire_bailleur }}, ci-après "
        "« le bailleur ».",
    )
    para(doc, "Il a été convenu ce qui suit.", after=12)


def article(doc, title: str) -> None:  # type: ignore[no-untyped-def]
    para(doc, title, bold=True, after=3)


def sites_and_period(doc, number: int) -> None:  # type: ignore[no-untyped-def]
    article(doc, f"Article {number} – Lieux et période")
    para(doc, "Les ateliers se déroulent :", after=0)
    tag(doc, "{%p for site in convention.sites %}")
    para(doc, "– {{ site }}", after=0)
    tag(doc, "{%p endfor %}")
    para(
        doc,
        "du {{ convention.debut|date_lettre }} au {{ convention.fin|date_lettre }}.",
    )


def referents(doc, number: int) -> None:  # type: ignore[no-untyped-def]
    article(doc, f"Article {number} – Référents")
    para(
        doc,
        "Pour l'association : {{ convention.referent_association }}. Pour le bailleur : "
        "{{ convention.referent_bailleur }}. Les référents se tiennent informés de la "
        "préparation et du déroulement des ateliers.",
    )


def common_end(doc, first: int) -> None:  # type: ignore[no-untyped-def]
    article(doc, f"Article {first} – Bilan")
    para(
        doc,
        "Dans les deux mois qui suivent la fin des ateliers, l'association remet au bailleur "
        "un bilan indiquant le nombre d'enfants accueillis, la part, parmi eux, des enfants "
        "dont la famille est locataire du bailleur, et la satisfaction des enfants et de "
        "leurs familles.",
    )
    article(doc, f"Article {first + 1} – Communication et valorisation")
    para(
        doc,
        "L'association mentionne le soutien du bailleur dans sa communication sur les "
        "ateliers concernés (affiches, invitations, bilan) et l'invite à la restitution de "
        "fin d'atelier. Toute utilisation du nom ou du logo de l'autre partie est soumise à "
        "son accord préalable.",
    )
    tag(doc, "{%p if convention.avec_locaux %}")
    article(doc, f"Article {first + 2} – Assurance des locaux")
    para(
        doc,
        "L'association déclare être assurée pour sa responsabilité civile et pour les "
        "activités conduites dans les locaux mis à disposition, et s'engage à les restituer "
        "dans l'état où elle les a reçus.",
    )
    tag(doc, "{%p endif %}")
    article(
        doc,
        f"Article {{% if convention.avec_locaux %}}{first + 3}{{% else %}}{first + 2}"
        "{% endif %} – Durée, renouvellement et résiliation",
    )
    para(
        doc,
        "La présente convention prend effet à sa signature et s'achève à la remise du bilan. "
        "Elle peut être renouvelée par une nouvelle convention. Chaque partie peut la "
        "résilier par lettre recommandée avec accusé de réception, moyennant un préavis d'un "
        "mois ; les engagements en cours d'exécution sont alors menés à leur terme.",
    )
    para(doc, "Fait à {{ lieu }}, le {{ date|date_lettre }}, en deux exemplaires.", after=18)
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.cell(0, 0).text = fr("Pour l'association")
    table.cell(0, 1).text = fr("Pour le bailleur")
    table.cell(1, 0).text = "{{ association.signataire }}\n{{ association.signataire_titre }}"
    table.cell(1, 1).text = "{{ convention.signataire_bailleur }}"


def contributions_table(doc) -> None:  # type: ignore[no-untyped-def]
    table = doc.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text = "Contribution"
    table.cell(0, 1).text = fr("Valorisation")
    table.cell(1, 0).text = "{%tr for c in convention.contributions %}"
    table.cell(1, 1).text = ""
    row = table.rows[2]
    row.cells[0].text = fr("{{ c.libelle }} : {{ c.description }}")
    row.cells[1].text = "{% if c.valeur %}{{ c.valeur|montant }}{% else %}—{% endif %}"
    end = table.add_row()
    end.cells[0].text = "{%tr endfor %}"
    doc.add_paragraph()


def valuation(doc) -> None:  # type: ignore[no-untyped-def]
    """The total value, which is the sum of the valued contributions (D3, issue 12)."""
    tag(doc, "{%p if convention.valeur_totale %}")
    para(
        doc,
        "{% if convention.valorisation_partielle %}Les contributions valorisées ci-dessus"
        "{% else %}Ces contributions{% endif %} représentent, d'un commun accord, une valeur "
        "de {{ convention.valeur_totale|montant }} ; cette valeur est rappelée dans le bilan "
        "prévu à l'article 6, et l'association peut la faire figurer dans ses comptes au "
        "titre des "
        "contributions volontaires en nature.",
    )
    tag(doc, "{%p endif %}")


def convention_non_financiere() -> None:
    doc = new_document()
    para(
        doc,
        "Convention de partenariat non financier",
        bold=True,
        size=15,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=2,
    )
    para(doc, "N° {{ convention.numero }}", align=WD_ALIGN_PARAGRAPH.CENTER, size=9, after=14)
    parties(doc)
    article(doc, "Article 1 – Objet")
    para(doc, "{{ convention.objet }}")
    article(doc, "Article 2 – Engagements de l'association")
    para(
        doc,
        "L'association conçoit et anime les ateliers, en assure l'encadrement par une "
        "équipe qualifiée, accueille les enfants inscrits et tient la liste des participants "
        "nécessaire au bilan prévu à l'article 6.",
    )
    article(doc, "Article 3 – Engagements du bailleur")
    para(
        doc,
        "Le bailleur apporte au projet, sans contrepartie financière, les contributions "
        "suivantes :",
    )
    contributions_table(doc)
    valuation(doc)
    sites_and_period(doc, 4)
    referents(doc, 5)
    common_end(doc, 6)
    doc.save(HERE / "convention-non-financiere.docx")


def convention_financiere() -> None:
    doc = new_document()
    para(
        doc,
        "Convention de partenariat financier",
        bold=True,
        size=15,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=2,
    )
    para(doc, "N° {{ convention.numero }}", align=WD_ALIGN_PARAGRAPH.CENTER, size=9, after=14)
    parties(doc)
    article(doc, "Article 1 – Objet")
    para(doc, "{{ convention.objet }}")
    article(doc, "Article 2 – Engagements de l'association")
    para(
        doc,
        "L'association conçoit et anime les ateliers, en assure l'encadrement par une "
        "équipe qualifiée et affecte la participation du bailleur aux seules dépenses "
        "décrites à l'article 3.",
    )
    article(doc, "Article 3 – Participation financière du bailleur")
    para(
        doc,
        "Le bailleur verse à l'association une participation de {{ convention.montant|montant }}, "
        "qui couvre {{ convention.couvre }}.",
    )
    tag(doc, "{%p if convention.contributions %}")
    para(doc, "Le bailleur apporte en outre les contributions suivantes :")
    contributions_table(doc)
    valuation(doc)
    tag(doc, "{%p endif %}")
    para(doc, "Échéancier : {{ convention.echeancier }}.")
    para(
        doc,
        "Pièces justificatives : {{ convention.pieces }}.",
    )
    sites_and_period(doc, 4)
    referents(doc, 5)
    common_end(doc, 6)
    doc.save(HERE / "convention-financiere.docx")


def heading(doc, text: str) -> None:  # type: ignore[no-untyped-def]
    paragraph = para(doc, text, bold=True, size=12, after=4)
    paragraph.paragraph_format.space_before = Pt(10)
    paragraph.paragraph_format.keep_with_next = True


def small_table(doc, rows: list[list[str]], widths: list[float]):  # type: ignore[no-untyped-def]
    """A grid table in 9 pt, its first row bold (the header)."""
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    table.autofit = False
    for c_index, width in enumerate(widths):
        table.columns[c_index].width = Cm(width)  # the grid LibreOffice reads
    for r_index, row in enumerate(rows):
        for c_index, text in enumerate(row):
            cell = table.cell(r_index, c_index)
            cell.width = Cm(widths[c_index])
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            run = paragraph.add_run(fr(text))
            run.font.size = Pt(9)
            run.bold = r_index == 0
    return table


def bilan() -> None:
    """The bilan owed to a partner after each period (thesis, 3. and Annexe 2): what was
    done, the figures landlords judge on, the tenant share against the landlord's own
    target, the host's feedback, the visit, the contributions valued, what comes next.
    The landlord is « le bailleur » in the text, as in the convention, so the same
    wording reads well in the anonymous version (« Bailleur 1 »)."""
    doc = new_document()
    letterhead(doc, joint=False)
    center = WD_ALIGN_PARAGRAPH.CENTER
    para(doc, "{{ objet }}", bold=True, size=15, align=center, after=2)
    para(
        doc,
        "{{ bailleur.nom }}{% if convention %} · convention n° {{ convention.numero }}{% endif %}",
        align=center,
        after=12,
    )
    para(doc, "{{ lieu }}, le {{ date|date_lettre }}", align=WD_ALIGN_PARAGRAPH.RIGHT, after=0)
    tag(doc, "{%p if destinataire %}")
    para(
        doc,
        "À l'attention {{ destinataire.de }}{% if destinataire.fonction %}, "
        "{{ destinataire.fonction }}{% endif %}",
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        after=0,
    )
    tag(doc, "{%p endif %}")
    para(doc, "", after=6)

    heading(doc, "1. En bref")
    para(
        doc,
        "Sur cette période, {{ association.nom }} {% if association.pluriel %}ont{% else %}a"
        "{% endif %} animé {{ totaux.en_bref }}, en partenariat avec le bailleur. "
        "{% if totaux.resume %}Au total : {{ totaux.resume }}.{% else %}Les résultats de ces "
        "ateliers ne sont pas encore notés.{% endif %}",
    )

    heading(doc, "2. Les ateliers")
    table = small_table(
        doc,
        [
            ["N°", "Structure accueillante", "Dates", "Séances", "Thème"],
            ["{%tr for a in ateliers %}", "", "", "", ""],
            [
                "{{ a.numero }}",
                "{{ a.lieu }}, {{ a.commune }}{% if a.qpv %} (QPV {{ a.qpv }}){% endif %}",
                "{{ a.dates }}",
                "{{ a.seances }}",
                "{% if a.theme %}{{ a.theme }}{% else %}—{% endif %}",
            ],
            ["{%tr endfor %}", "", "", "", ""],
        ],
        [0.9, 6.2, 4.2, 1.9, 3.4],
    )
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    para(doc, "", after=6)

    heading(doc, "3. Les chiffres")
    figures = (
        "{{ %s.participants }}",
        "{{ %s.locataires }}",
        "{{ %s.part_locataires }}",
        "{{ %s.familles }}",
        "{{ %s.assiduite }}",
        "{{ %s.satisfaction_enfants }}",
        "{{ %s.satisfaction_parents }}",
    )
    table = small_table(
        doc,
        [
            [
                "Atelier",
                "Participants",
                "Dont locataires du bailleur",
                "Part des locataires",
                "Familles",
                "Assiduité",
                "Satisfaction des enfants",
                "Satisfaction des parents",
            ],
            ["{%tr for a in ateliers %}", *[""] * 7],
            ["n° {{ a.numero }}", *(f % "a.chiffres" for f in figures)],
            ["{%tr endfor %}", *[""] * 7],
            ["Ensemble", *(f % "totaux.chiffres" for f in figures)],
        ],
        [1.9, 2.4, 2.1, 1.9, 1.7, 1.9, 2.2, 2.2],
    )
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell in table.rows[-1].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    note = para(
        doc,
        "Satisfaction : note de 1 à 5. Pour l'ensemble, assiduité et satisfaction sont des "
        "{{ ponderation }}. « — » : non noté.",
        size=8,
    )
    note.paragraph_format.space_before = Pt(3)
    tag(doc, "{%p if totaux.sans_resultats %}")
    para(
        doc,
        "Résultats encore à noter pour {% if totaux.sans_resultats|length > 1 %}les ateliers "
        "n° {% else %}l'atelier n° {% endif %}{{ totaux.sans_resultats|join(', ') }}.",
        size=8,
    )
    tag(doc, "{%p endif %}")

    heading(doc, "4. La part des locataires du bailleur")
    para(
        doc,
        "Le bailleur souhaite que ses locataires représentent {{ cible }} des participants. "
        "Sur l'ensemble de la période : {{ totaux.chiffres.cible }}"
        "{% if totaux.ateliers_comptes %} ; {{ totaux.dans_la_cible }}{% endif %}.",
    )
    tag(doc, "{%p if graphique %}")
    para(doc, "{{ graphique }}", align=center, after=2)
    para(doc, "{{ graphique_legende }}", align=center, size=8, after=10)
    tag(doc, "{%p endif %}")

    heading(doc, "5. Le retour des structures accueillantes")
    tag(doc, "{%p if retours %}")
    tag(doc, "{%p for r in retours %}")
    para(doc, "– {{ r.lieu }} : « {{ r.texte }} »", after=2)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p elif anonyme %}")
    para(
        doc,
        "Les retours des structures accueillantes, qui peuvent nommer des personnes, ne "
        "figurent pas dans cette version anonyme.",
    )
    tag(doc, "{%p else %}")
    para(doc, "Aucun retour n'a encore été noté.")
    tag(doc, "{%p endif %}")

    heading(doc, "6. La visite du bailleur")
    tag(doc, "{%p if visites %}")
    para(doc, "Le bailleur est venu voir les ateliers :", after=2)
    tag(doc, "{%p for v in visites %}")
    para(doc, "– le {{ v.date|date_longue }} : {{ v.lieu }}", after=2)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    para(
        doc,
        "Aucune visite n'a été notée sur cette période : nous serions heureux d'accueillir le "
        "bailleur lors d'un prochain atelier.",
    )
    tag(doc, "{%p endif %}")

    heading(doc, "7. Les contributions du bailleur")
    tag(doc, "{%p if convention %}")
    para(
        doc,
        "Au titre de la convention n° {{ convention.numero }} ({{ convention.dates }})"
        "{% if convention.montant %}, le bailleur participe au projet à hauteur de "
        "{{ convention.montant|montant }}{% if convention.contributions %} et apporte :"
        "{% else %}.{% endif %}{% else %}, le bailleur apporte :{% endif %}",
    )
    tag(doc, "{%p if convention.contributions %}")
    contributions = doc.add_table(rows=3, cols=2)
    contributions.style = "Table Grid"
    contributions.cell(0, 0).text = "Contribution"
    contributions.cell(0, 1).text = fr("Valorisation")
    contributions.cell(1, 0).text = "{%tr for c in convention.contributions %}"
    contributions.rows[2].cells[0].text = fr("{{ c.libelle }} : {{ c.description }}")
    contributions.rows[2].cells[
        1
    ].text = "{% if c.valeur %}{{ c.valeur|montant }}{% else %}—{% endif %}"
    contributions.add_row().cells[0].text = "{%tr endfor %}"
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if convention.valeur_totale %}")
    para(
        doc,
        "Ces contributions sont valorisées, d'un commun accord, à "
        "{{ convention.valeur_totale|montant }}. Elles ont rendu possibles les ateliers "
        "décrits dans ce bilan.",
    )
    tag(doc, "{%p else %}")
    para(
        doc,
        "{% if convention.contributions %}Ces contributions ont{% else %}Cette participation "
        "a{% endif %} rendu possibles les ateliers décrits dans ce bilan.",
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p else %}")
    para(
        doc,
        "Aucune convention signée ne couvre cette période. Nous proposons au bailleur de "
        "formaliser ce partenariat par une convention simple, qui reconnaît et valorise ses "
        "contributions : mise à disposition de locaux, communication auprès des locataires, "
        "mobilisation des familles.",
    )
    tag(doc, "{%p endif %}")

    heading(doc, "8. La suite")
    tag(doc, "{%p for etape in prochaines_etapes %}")
    para(doc, "– {{ etape }}", after=2)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if convention and convention.referent_bailleur %}")
    para(
        doc,
        "Référents : pour l'association, {{ convention.referent_association }} ; pour le "
        "bailleur, {{ convention.referent_bailleur }}.",
    )
    tag(doc, "{%p endif %}")
    para(doc, CONTACT)
    para(doc, "", after=12)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    tag(doc, "{%p if association.signataire %}")
    para(doc, "{{ association.signataire }}", bold=True, align=right, after=0)
    para(doc, "{{ association.signataire_titre }}", align=right, after=0)
    tag(doc, "{%p endif %}")
    para(doc, "{{ association.nom }}", align=right)
    doc.save(HERE / "bilan.docx")


def invitation() -> None:
    """The yearly multi-actor meeting (thesis, recommendation 4): landlords, associations
    and the city's politique de la ville, each saying its projects and needs."""
    doc = new_document()
    letterhead(doc, joint=False)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    para(doc, "{{ invite.nom }}", bold=True, align=right, after=0)
    tag(doc, "{%p if invite.attention %}")
    para(doc, "À l'attention {{ invite.attention }}", align=right, after=0)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for ligne in invite.adresse_lignes %}")
    para(doc, "{{ ligne }}", align=right, after=0)
    tag(doc, "{%p endfor %}")
    para(doc, "", after=6)
    para(doc, "{{ lieu }}, le {{ date|date_lettre }}", align=right, after=12)
    subject(doc)
    para(
        doc,
        "{{ association.nom }} {% if association.pluriel %}ont{% else %}a{% endif %} le "
        "plaisir de vous inviter à {% if association.pluriel %}leur{% else %}sa{% endif %} "
        "rencontre annuelle des bailleurs sociaux et des associations :",
    )
    runs(doc, ("« {{ rencontre.objet }} »", True), after=2)
    runs(
        doc,
        ("Date : ", True),
        ("{{ rencontre.date|date_longue }}{% if rencontre.heure %}, à {{ rencontre.heure }}"
         "{% endif %}", False),
        after=2,
    )  # fmt: skip
    runs(doc, ("Lieu : ", True), ("{{ rencontre.lieu }}", False))
    para(
        doc,
        "Cette rencontre réunit les bailleurs partenaires, des associations du territoire et "
        "les équipes de la politique de la ville : chaque association y présente ses projets, "
        "les bailleurs et la ville y disent les besoins de leurs quartiers, et des pistes de "
        "travail commun peuvent en naître.",
    )
    tag(doc, "{%p if invite.bailleur %}")
    para(
        doc,
        "Votre présence nous serait précieuse : ce sera aussi l'occasion de revenir ensemble "
        "sur les ateliers menés avec vos équipes et de préparer la suite.",
    )
    tag(doc, "{%p else %}")
    para(
        doc,
        "Nous serions heureux que votre association y présente ses projets, aux côtés des "
        "nôtres : les bailleurs sont plus attentifs à des propositions portées ensemble.",
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if rencontre.nombre_invites > 1 %}")
    para(doc, "Sont invités à cette rencontre {{ rencontre.invites }}.")
    tag(doc, "{%p endif %}")
    para(
        doc,
        "Merci de nous confirmer votre présence par courriel à {{ association.email }} ou au "
        "{{ association.telephone }}.",
    )
    para(
        doc,
        "Nous vous prions d'agréer, {{ appel }}, l'expression de nos salutations distinguées.",
    )
    para(doc, "", after=12)
    para(doc, "{{ association.signataire }}", bold=True, align=right, after=0)
    para(doc, "{{ association.signataire_titre }}", align=right, after=0)
    para(doc, "{{ association.nom }}", align=right)
    doc.save(HERE / "invitation.docx")


#: The function that writes each shipped template (``doc_kinds.BUILTIN`` names the same ones).
MAKERS = {
    "prospection": prospection,
    "relance": relance,
    "remerciement": remerciement,
    "convention-non-financiere": convention_non_financiere,
    "convention-financiere": convention_financiere,
    "bilan": bilan,
    "invitation": invitation,
}


if __name__ == "__main__":
    for make in MAKERS.values():
        make()
    print("templates written to", HERE)
