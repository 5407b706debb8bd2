"""French labels and formats: the one place where display text for slugs lives.

Long dates are formatted here rather than with Babel: the seven day names and
twelve month names are fixed, and importing ``babel.dates`` costs about 55 ms,
8 % of a whole ``bailleurs next`` (issue #2's start-up budget). The tests check
this formatter against Babel's ``EEEE d MMMM y`` pattern for every day of a year.
"""

from __future__ import annotations

import re
from datetime import date

from bailleurs_cli.enums import Channel, Direction, LegalKind, Outcome, Stage

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

CHANNEL_LABELS: dict[str, str] = {
    Channel.EMAIL: "e-mail",
    Channel.PHONE: "téléphone",
    Channel.MEETING: "rendez-vous",
    Channel.VIDEO: "visio",
    Channel.LETTER: "courrier",
    Channel.VISIT: "visite d'atelier",
    Channel.EVENT: "événement",
}

OUTCOME_LABELS: dict[str, str] = {
    Outcome.POSITIVE: "positif",
    Outcome.NEUTRAL: "neutre",
    Outcome.NEGATIVE: "négatif",
    Outcome.NO_ANSWER: "sans réponse",
}

DIRECTION_LABELS: dict[str, str] = {
    Direction.OUTBOUND: "sortant",
    Direction.INBOUND: "entrant",
}

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
    """Return a date as French prose: ``lundi 1 décembre 2026``."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def date_lettre(day: date) -> str:
    """``1er décembre 2026``: the date as written in a French letter."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {_MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """Return ``01/12/2026``, the usual French numeric date."""
    return day.strftime("%d/%m/%Y")


def lateness(days_late: int) -> str:
    """Describe how late (positive) or early (negative) a step is, in French."""
    if days_late == 0:
        return "aujourd'hui"
    if days_late > 0:
        return f"{days_late} j de retard"
    return f"dans {-days_late} j"


#: What a presence figure counts, as users read it after the number.
MEASURE_LABELS = {
    "declaree": "présence déclarée",
    "logements_finances": "logements financés",
    "locaux": "locaux (logements, parkings, caves…)",
    "logements": "logements",
    "siege": "siège",
    "zone": "territoire d'intervention",
}


def number(value: int) -> str:
    """Format an integer the French way: ``126 200`` with a narrow no-break space."""
    return f"{value:,}".replace(",", NNBSP)


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
