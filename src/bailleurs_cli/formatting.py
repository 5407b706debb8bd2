"""French labels and formats: the one place where display text for slugs lives.

Long dates are formatted here rather than with Babel: the seven day names and
twelve month names are fixed, and importing ``babel.dates`` costs about 55 ms,
8 % of a whole ``bailleurs next`` (issue #2's start-up budget). The tests check
this formatter against Babel's ``EEEE d MMMM y`` pattern for every day of a year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bailleurs_cli.enums import (
    Channel,
    Contribution,
    ConventionStatus,
    Direction,
    LegalKind,
    Measure,
    Origin,
    Outcome,
    PartnershipKind,
    Reason,
    Situation,
    Stage,
    Unit,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from enum import StrEnum

# --- The French label of every enum value -----------------------------------------------
# One table per enum of enums.py, keyed by its members; where a value reads differently
# somewhere (a short form in a table column, the feminine after « convention »), the
# other text is a second column of the same table, next to it. The tables are typed
# ``dict[str, str]``: the lean read path looks them up with the plain strings it reads
# (a StrEnum member and its slug are the same key). :data:`LABELS` gathers them and a
# test checks that every member of every enum has its label.

STAGE_LABELS: dict[str, str] = {
    Stage.IDENTIFIED: "identifié",
    Stage.CONTACTED: "contacté",
    Stage.IN_DISCUSSION: "en discussion",
    Stage.PROPOSAL: "proposition",
    Stage.PARTNER: "partenaire",
    Stage.DORMANT: "en veille",
    Stage.REFUSED: "refus",
}

KIND_LABELS: dict[str, str] = {
    LegalKind.OPH: "OPH (office public de l'habitat)",
    LegalKind.ESH: "ESH (entreprise sociale pour l'habitat)",
    LegalKind.SEM: "SEM (société d'économie mixte)",
    LegalKind.COOP: "coopérative HLM",
    LegalKind.OTHER: "autre",
    LegalKind.UNKNOWN: "inconnu",
}
#: The legal kind in a table column: short, as people say it.
KIND_SHORT: dict[str, str] = {
    LegalKind.OPH: "OPH",
    LegalKind.ESH: "ESH",
    LegalKind.SEM: "SEM",
    LegalKind.COOP: "coopérative",
    LegalKind.OTHER: "autre",
    LegalKind.UNKNOWN: "inconnue",
}
#: A legal kind as it reads after a name, when no registered legal form says better.
KIND_APPOSITIONS: dict[str, str] = {
    LegalKind.OPH: "office public de l'habitat (OPH)",
    LegalKind.ESH: "entreprise sociale pour l'habitat (ESH)",
    LegalKind.SEM: "société d'économie mixte (SEM)",
    LegalKind.COOP: "société coopérative d'HLM",
}
CHANNEL_LABELS: dict[str, str] = {
    Channel.EMAIL: "e-mail",
    Channel.PHONE: "téléphone",
    Channel.MEETING: "rendez-vous",
    Channel.VIDEO: "visio",
    Channel.LETTER: "courrier",
    Channel.VISIT: "visite d'atelier",
    Channel.EVENT: "événement",
}

DIRECTION_LABELS: dict[str, str] = {
    Direction.OUTBOUND: "sortant",
    Direction.INBOUND: "entrant",
}

OUTCOME_LABELS: dict[str, str] = {
    Outcome.POSITIVE: "positif",
    Outcome.NEUTRAL: "neutre",
    Outcome.NEGATIVE: "négatif",
    Outcome.NO_ANSWER: "sans réponse",
}

PARTNERSHIP_KIND_LABELS: dict[str, str] = {
    PartnershipKind.NON_FINANCIAL: "non financier",
    PartnershipKind.FINANCIAL: "financier",
}
#: The kind after « convention » (feminine).
CONVENTION_KIND_LABELS: dict[str, str] = {
    PartnershipKind.NON_FINANCIAL: "non financière",
    PartnershipKind.FINANCIAL: "financière",
}

CONTRIBUTION_LABELS: dict[str, str] = {
    Contribution.PREMISES: "locaux",
    Contribution.COMMUNICATION: "communication aux locataires",
    Contribution.FAMILIES: "mobilisation des familles",
}
#: A contribution as a convention or a bilan states it: its title and what it means.
CONTRIBUTION_TEXT: dict[str, tuple[str, str]] = {
    Contribution.PREMISES: (
        "Mise à disposition de locaux",
        "prêt gracieux d'une salle adaptée à l'accueil des enfants pendant les ateliers",
    ),
    Contribution.COMMUNICATION: (
        "Communication auprès des locataires",
        "relais de l'information sur les ateliers auprès des familles locataires "
        "(affichage, courrier, site, équipes de proximité)",
    ),
    Contribution.FAMILIES: (
        "Mobilisation des familles",
        "aide à l'information et à l'inscription des familles, avec les équipes de proximité",
    ),
}

CONVENTION_STATUS_LABELS: dict[str, str] = {
    ConventionStatus.DRAFT: "brouillon",
    ConventionStatus.SENT: "envoyée",
    ConventionStatus.SIGNED: "signée",
    ConventionStatus.EXPIRED: "échue",
}

#: What a presence figure counts, as users read it after the number.
MEASURE_LABELS: dict[str, str] = {
    Measure.DECLARED: "présence déclarée",
    Measure.FUNDED: "logements financés",
    Measure.PREMISES: "locaux (logements, parkings, caves…)",
    Measure.DWELLINGS: "logements",
    Measure.HEAD_OFFICE: "siège",
    Measure.AREA: "territoire d'intervention",
}

#: Who wrote a presence fact.
ORIGIN_LABELS: dict[str, str] = {
    Origin.REGISTRY: "registre",
    Origin.IMPORT: "import",
    Origin.USER: "vous",
}

#: Why a landlord is on the ``next`` list.
REASON_LABELS: dict[str, str] = {
    Reason.OVERDUE: "en retard",
    Reason.TODAY: "à faire aujourd'hui",
    Reason.SOON: "à venir",
    Reason.NEVER_CONTACTED: "jamais contacté",
    Reason.STALE: "sans nouvelles",
    Reason.UNPLANNED: "étape sans date",
    Reason.LATER: "planifié",
    Reason.REMINDER: "rappel",
}

#: The unit of a reminder's period, singular; its plural is the second column.
UNIT_LABELS: dict[str, str] = {
    Unit.DAY: "jour",
    Unit.WEEK: "semaine",
    Unit.MONTH: "mois",
    Unit.YEAR: "an",
}
UNIT_PLURALS: dict[str, str] = {
    Unit.DAY: "jours",
    Unit.WEEK: "semaines",
    Unit.MONTH: "mois",
    Unit.YEAR: "ans",
}

SITUATION_LABELS: dict[str, str] = {
    Situation.BELOW: "sous la cible",
    Situation.WITHIN: "dans la cible",
    Situation.ABOVE: "au-dessus de la cible",
}

#: The label table of each enum.
LABELS: Mapping[type[StrEnum], Mapping[str, str]] = {
    Stage: STAGE_LABELS,
    LegalKind: KIND_LABELS,
    Channel: CHANNEL_LABELS,
    Direction: DIRECTION_LABELS,
    Outcome: OUTCOME_LABELS,
    PartnershipKind: PARTNERSHIP_KIND_LABELS,
    Contribution: CONTRIBUTION_LABELS,
    ConventionStatus: CONVENTION_STATUS_LABELS,
    Measure: MEASURE_LABELS,
    Origin: ORIGIN_LABELS,
    Unit: UNIT_LABELS,
    Reason: REASON_LABELS,
    Situation: SITUATION_LABELS,
}


def label(value: StrEnum) -> str:
    """The French label of an enum member: ``label(Stage.IN_DISCUSSION)`` is
    « en discussion »."""
    return LABELS[type(value)][value]


#: Where the registry's facts come from, as ``show`` names them, and (second column)
#: the short label shown next to a presence fact.
SOURCE_REFS: dict[str, str] = {
    "memoire-t1": "mémoire (Tableau 1)",
    "fiche-faits": "fiche de faits",
    "paris-lsf": "Ville de Paris, logements sociaux financés",
}
SOURCE_LABELS: dict[str, str] = {
    "memoire-t1": "mémoire, Tableau 1",
    "fiche-faits": "fiche de faits",
    "paris-lsf": "Ville de Paris, logements sociaux financés",
}
#: The registry's fields, as ``show`` names them.
FIELD_LABELS: dict[str, str] = {
    "name": "nom", "aliases": "autres noms", "former_names": "anciens noms",
    "kind": "nature", "legal_form": "forme juridique", "siren": "SIREN", "group": "groupe",
    "description": "description", "history": "historique", "dwellings": "parc",
    "head_office": "siège", "website": "site", "departements": "départements",
    "communes": "communes", "operates_in": "territoire d'intervention",
    "absorbed_by": "absorption", "governance": "gouvernance",
    "paris_labels": "libellés de la Ville de Paris",
}  # fmt: skip

_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

#: Narrow no-break space, the French thousands separator.
NNBSP = "\u202f"


NBSP = "\u00a0"
_TIGHT = re.compile(r" ([;!?])")
_COLON = re.compile(r" :(?=\s|$)")


def typographie(text: str) -> str:
    """French spacing: no-break space before « : », narrow one before « ; ! ? »,
    no-break spaces inside « guillemets » (Imprimerie nationale rules)."""
    text = _TIGHT.sub(NNBSP + r"\1", text)
    text = _COLON.sub(NBSP + ":", text)
    return text.replace("« ", "«" + NBSP).replace(" »", NBSP + "»")


def long_date(day: date) -> str:
    """Return a date as French prose: ``mardi 1er décembre 2026``, ``lundi 7 décembre 2026``."""
    return f"{_DAYS[day.weekday()]} {date_lettre(day)}"


def date_lettre(day: date) -> str:
    """``1er décembre 2026``: the date as written in a French letter."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {_MONTHS[day.month - 1]} {day.year}"


def span_text(start: date, end: date) -> str:
    """« du 10 au 14 février 2027 », « du 15 février au 3 mars 2027 », « du 15 février 2027 »."""
    if start == end:
        return f"du {date_lettre(start)}"
    if (start.year, start.month) == (end.year, end.month):
        first = "1er" if start.day == 1 else str(start.day)
        return f"du {first} au {date_lettre(end)}"
    if start.year == end.year:
        first = date_lettre(start).removesuffix(f" {start.year}")
        return f"du {first} au {date_lettre(end)}"
    return f"du {date_lettre(start)} au {date_lettre(end)}"


def short_date(day: date) -> str:
    """Return ``01/12/2026``, the usual French numeric date."""
    return day.strftime("%d/%m/%Y")


def lateness(days_late: int) -> str:
    """Describe how late (positive) or early (negative) a step is, in French."""
    if days_late == 0:
        return "aujourd'hui"
    if days_late > 0:
        return f"{days_late} j de retard"
    if days_late == -1:
        return "demain"
    return f"dans {-days_late} j"


def number(value: int) -> str:
    """Format an integer the French way: ``126 200`` with a narrow no-break space."""
    return f"{value:,}".replace(",", NNBSP)


def montant(value: float | int | None) -> str:
    """``1 200 €`` or ``1 200,50 €`` (narrow no-break thousands, no-break before €)."""
    if value is None:
        return ""
    cents = round(float(value) * 100)
    euros, rest = divmod(abs(cents), 100)
    text = number(euros)
    if rest:
        text += f",{rest:02d}"
    return ("-" if cents < 0 else "") + text + "\u00a0€"


def stage_label(stage: str) -> str:
    """French label of a stage slug."""
    return STAGE_LABELS.get(stage, stage)


def weekday_names() -> tuple[str, ...]:
    """French day names, Monday first (used by the date parser)."""
    return _DAYS


def file_size(size: int) -> str:
    """A file size as French users read it: ``812 o``, ``14,2 ko``, ``3,1 Mo``."""
    if size < 1000:
        return f"{size} o"
    for unit in ("ko", "Mo", "Go"):
        size_f = size / 1000
        if size_f < 1000 or unit == "Go":
            return f"{size_f:.1f}".replace(".", ",") + f"{NBSP}{unit}"
        size = int(size_f)
    raise AssertionError("unreachable")


# --- French agreement in letters (issue 12, « Letters a landlord would sign off ») ---

_VOWELS = "aeiouyàâäéèêëîïôöùûüœæ"
#: First names whose « h » is mute (« d'Hélène »); any other « h » is treated as
#: aspirated (« de Hervé », « de Hugo »): usage varies, and « de » is never wrong.
MUTE_H_NAMES = frozenset(
    {
        "hadrien", "hannah", "harmonie", "hector", "helena", "helene", "helia", "helios",
        "heloise", "hermine", "hermione", "hilaire", "hippolyte", "homere", "honore",
        "honorine", "horace", "hortense", "hyacinthe", "hypatie",
    }
)  # fmt: skip


def _fold_word(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def elides(word: str) -> bool:
    """Whether « de », « le » or « que » elide before ``word``: a vowel (« d'Éloïse »),
    « y » before a consonant (« d'Yves », but « de Yasmine »), or a first name with a
    mute « h » from :data:`MUTE_H_NAMES` (« d'Hélène », but « de Hervé »)."""
    stripped = word.lstrip("«\u00a0 \"'")
    if not stripped:
        return False
    lower = stripped.lower()
    first = lower[0]
    if first == "y":
        return len(lower) > 1 and lower[1] not in _VOWELS
    if first in _VOWELS:
        return True
    if first == "h":
        head = re.split(r"[\s\-']", stripped, maxsplit=1)[0]
        return _fold_word(head) in MUTE_H_NAMES
    return False


def de(text: str) -> str:
    """« de » before ``text``, elided when it must be: ``de Hervé``, ``d'Éloïse``."""
    return f"d'{text}" if elides(text) else f"de {text}"


def pluriel(
    count: int, singular: str, plural: str | None = None, *, zero: str | None = None
) -> str:
    """``1 logement``, ``2 logements``, ``0 logement`` (French: below 2 is singular);
    ``plural`` for irregular words or agreeing phrases (``1 an``, ``3 ans`` need
    nothing; ``1 bureau``, ``2 bureaux`` or ``2 documents écrits`` do). ``zero`` is the
    whole text for none when it reads better than the figure: ``aucun échec``."""
    if count == 0 and zero is not None:
        return zero
    word = singular if abs(count) < 2 else (plural or singular + "s")
    return f"{number(count)} {word}"


def enumeration(items: list[str]) -> str:
    """``a``, ``a et b``, ``a, b et c``: a French list in prose."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def grouped_digits(value: str, sizes: tuple[int, ...]) -> str:
    """Digits grouped with no-break spaces, as they are read aloud: a SIRET
    ``732 829 320 00074`` (3, 3, 3, 5), a SIREN ``552 038 200`` (3, 3, 3). Anything
    that is not exactly that many digits comes back unchanged."""
    digits = re.sub(r"[\s\u00a0\u202f.]", "", value)
    if not digits.isdigit() or len(digits) != sum(sizes):
        return value
    groups, start = [], 0
    for size in sizes:
        groups.append(digits[start : start + size])
        start += size
    return NBSP.join(groups)


def siret(value: str) -> str:
    """``73282932000074`` → ``732 829 320 00074`` (no-break spaces)."""
    return grouped_digits(value, (3, 3, 3, 5))


def siren(value: str) -> str:
    """``552038200`` → ``552 038 200`` (no-break spaces)."""
    return grouped_digits(value, (3, 3, 3))


#: The departments of Île-de-France, as a letter names them.
DEPARTEMENT_NAMES = {
    "75": "Paris",
    "77": "Seine-et-Marne",
    "78": "Yvelines",
    "91": "Essonne",
    "92": "Hauts-de-Seine",
    "93": "Seine-Saint-Denis",
    "94": "Val-de-Marne",
    "95": "Val-d'Oise",
}


def departements_text(codes: list[str]) -> str:
    """``Seine-Saint-Denis``, ``Hauts-de-Seine et Seine-Saint-Denis``, ``Île-de-France``
    for all eight; codes outside it as ``département 13`` / ``départements 13 et 69``."""
    if set(DEPARTEMENT_NAMES) <= set(codes) and len(set(codes)) == len(DEPARTEMENT_NAMES):
        return "Île-de-France"
    named = [DEPARTEMENT_NAMES[c] for c in codes if c in DEPARTEMENT_NAMES]
    others = [c for c in codes if c not in DEPARTEMENT_NAMES]
    if others:
        word = "département" if len(others) == 1 else "départements"
        named.append(f"{word} {enumeration(others)}")
    return enumeration(named)


@dataclass(frozen=True)
class NameForms:
    """How a name with its article reads after « de » and « à », and its agreement."""

    article: str  # "le", "la", "les", "l'" or "" (none)
    de: str  # « des Ateliers Amasco », « de l'Association X », « du Collectif Y »
    a: str  # « aux Ateliers Amasco », « à l'Association X », « au Collectif Y »
    plural: bool  # « Les Ateliers Amasco organisent »


_ARTICLE = re.compile(r"^(?:(les|le|la)\s+|(l)['’])(?=\S)", re.IGNORECASE)
ARTICLES = ("le", "la", "les", "l'", "aucun")


def name_forms(name: str, article: str | None = None) -> NameForms:
    """The forms of an association's name after « de » and « à ».

    The article is read from the name (« Les Ateliers Amasco », « L'Arbre »,
    « Le Collectif Y ») unless ``article`` says otherwise: « le », « la », « les »,
    « l' » or « aucun » (``association.article`` in the configuration). A name
    without an article stays as it is: « de Amasco » becomes « d'Amasco ».
    """
    name = name.strip()
    found = _ARTICLE.match(name)
    detected = ""
    rest = name
    if found:
        detected = (found[1] or found[2] + "'").lower()
        rest = name[found.end() :]
    chosen = detected
    if article is not None and article.strip():
        wanted = article.strip().lower().replace("’", "'")
        chosen = "" if wanted in ("aucun", "aucune", "-", "") else wanted
        if chosen != detected:
            rest = name  # the article the user gives is not part of the name
    if chosen == "les":
        return NameForms("les", f"des {rest}", f"aux {rest}", True)
    if chosen == "le":
        return NameForms("le", f"du {rest}", f"au {rest}", False)
    if chosen == "la":
        return NameForms("la", f"de la {rest}", f"à la {rest}", False)
    if chosen == "l'":
        return NameForms("l'", f"de l'{rest}", f"à l'{rest}", False)
    return NameForms("", de(name), f"à {name}", False)


_FEMININE = frozenset(
    {
        "association", "societe", "entreprise", "sa", "sas", "sasu", "sarl", "sem", "seml",
        "esh", "scic", "sacic", "scop", "cooperative", "fondation", "union", "federation",
        "regie", "mutuelle", "compagnie", "agence", "maison",
    }
)  # fmt: skip
_MASCULINE = frozenset(
    {
        "office", "oph", "opac", "opah", "etablissement", "epic", "groupement", "gie", "gip",
        "syndicat", "fonds", "collectif", "comite", "organisme", "bailleur", "centre",
    }
)  # fmt: skip


def represente(legal_form: str | None) -> str:
    """« représentée » for « société … », « association … »; « représenté » for
    « office public … »; « représenté(e) » when the form does not say."""
    words = re.findall(r"[^\W\d_]+", _fold_word(legal_form or ""))
    first = words[0] if words else ""
    if first in _FEMININE:
        return "représentée"
    if first in _MASCULINE:
        return "représenté"
    return "représenté(e)"


_ASIDE = re.compile(r"\s*\((?![A-Z0-9 ]{2,12}\))[^()]*\)")


def apposition(legal_form: str | None) -> str | None:
    """A legal form as it reads after a name in a contract: « RIVP, société d'économie
    mixte (SEM) ». An acronym in brackets stays, a longer aside or what follows « ; »
    goes (« office public de l'habitat (créé en 2005 …) » reads « office public de
    l'habitat »), and the capital goes unless the form starts with an acronym (« SA
    d'HLM »)."""
    if not legal_form or not legal_form.strip():
        return None
    text = _ASIDE.sub("", legal_form).split(";", 1)[0].strip().rstrip(",")
    if not text:
        return None
    head = text.split(" ", 1)[0]
    if len(head) > 1 and head[1:2].islower():
        return text[0].lower() + text[1:]
    return text


#: How a letter greets someone, by civility; unknown: both.
GREETINGS = {"Mme": "Madame", "M.": "Monsieur"}


#: Words users type for a slug besides its French label (« mail », « rendez-vous »).
SYNONYMS: dict[str, tuple[str, ...]] = {
    Channel.EMAIL: ("mail", "courriel", "e-mail"),
    Channel.PHONE: ("appel", "tel", "tél"),
    Channel.MEETING: ("rendez-vous", "réunion", "rencontre"),
    Channel.VIDEO: ("visioconférence", "visioconference"),
    Channel.VISIT: ("visite d'atelier",),
    Outcome.NO_ANSWER: ("pas de réponse",),
    LegalKind.UNKNOWN: ("inconnue",),
    LegalKind.COOP: ("coopérative", "cooperative hlm"),
}


def labels_of(member: StrEnum) -> tuple[str, ...]:
    """Every word a user may type for ``member``: its French label and synonyms."""
    return (label(member), *SYNONYMS.get(member, ()))


#: Words kept in capitals when a name written all in capitals is put in French case.
_ACRONYMS = frozenset(
    {"SA", "SAS", "HLM", "OPH", "OPAC", "SEM", "SAEM", "ESH", "SCIC", "SACIC", "SCI", "IDF",
     "ICF", "RATP", "CDC", "RIVP", "SIEMP", "EPT", "SNI", "SNCF", "IRP", "II", "III", "IV"}
)  # fmt: skip
#: Words written in lower case inside a name or a street (« Office public de l'habitat »).
_SMALL = frozenset(
    {"de", "du", "des", "la", "le", "les", "et", "en", "sur", "sous", "à", "au", "aux",
     "pour", "par", "d", "l", "rue", "avenue", "boulevard", "bd", "place", "allée", "allee",
     "chemin", "impasse", "quai", "cours", "route", "square", "passage", "voie", "villa",
     "cité", "cite", "rond-point", "esplanade", "parvis", "bis", "ter"}
)  # fmt: skip


def french_case(text: str) -> str:
    """``SEINE-SAINT-DENIS HABITAT`` → ``Seine-Saint-Denis Habitat``; ``2 RUE HECTOR
    BERLIOZ`` → ``2 rue Hector Berlioz``: for names and streets that a register writes
    all in capitals. Text already in mixed case is returned as it is."""
    if text != text.upper():
        return text

    def word(token: str, first: bool) -> str:
        if token.upper() in _ACRONYMS:
            return token.upper()
        lowered = token.lower()
        if "'" in lowered or "’" in lowered:
            head, sep, tail = lowered.replace("’", "'").partition("'")
            return (head if not first else head.capitalize()) + sep + word(tail.upper(), True)
        if lowered in _SMALL and not first:
            return lowered
        parts = lowered.split("-")  # « Seine-et-Marne », « Saint-Ouen-sur-Seine »
        return "-".join(
            part if i and part in _SMALL else part.capitalize() for i, part in enumerate(parts)
        )

    tokens = text.split()
    return " ".join(
        word(t, i == 0 or (i == 1 and tokens[0].isdigit() and t.lower() not in _SMALL))
        for i, t in enumerate(tokens)
    )
