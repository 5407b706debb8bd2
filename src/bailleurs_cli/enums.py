"""Domain enums: stable ASCII slugs stored in the database or printed by ``--json``.

Kept apart from the table models so that code which only needs the vocabulary
(formatting, ``--help``, the lean read path) does not import SQLModel. The French
label of every member lives in :mod:`bailleurs_cli.formatting` (``LABELS``; a test
checks that none is missing).
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """Where a landlord stands in the prospection pipeline."""

    IDENTIFIED = "identifie"
    CONTACTED = "contacte"
    IN_DISCUSSION = "en_discussion"
    PROPOSAL = "proposition"
    PARTNER = "partenaire"
    DORMANT = "en_veille"
    REFUSED = "refus"


#: Stages with no next step: the landlord is parked (README, « Étapes et prochaine étape »).
CLOSED_STAGES = frozenset({Stage.DORMANT, Stage.REFUSED})
#: Stages where a long silence means the relationship is going stale.
STALE_STAGES = frozenset({Stage.IN_DISCUSSION, Stage.PROPOSAL, Stage.PARTNER})


class LegalKind(StrEnum):
    """Legal kind of a landlord; ``inconnu`` where the source does not say."""

    OPH = "oph"
    ESH = "esh"
    SEM = "sem"
    COOP = "coop"
    OTHER = "autre"
    UNKNOWN = "inconnu"


class Channel(StrEnum):
    """How an exchange took place."""

    EMAIL = "email"
    PHONE = "telephone"
    MEETING = "rdv"
    VIDEO = "visio"
    LETTER = "courrier"
    VISIT = "visite"
    EVENT = "evenement"


class Direction(StrEnum):
    """Who started the exchange."""

    OUTBOUND = "sortant"
    INBOUND = "entrant"


class Outcome(StrEnum):
    """How the exchange went."""

    POSITIVE = "positif"
    NEUTRAL = "neutre"
    NEGATIVE = "negatif"
    NO_ANSWER = "sans_reponse"


class PartnershipKind(StrEnum):
    """What a partnership brings: money, or contributions in kind."""

    NON_FINANCIAL = "non_financier"
    FINANCIAL = "financier"


class Contribution(StrEnum):
    """Non-financial contributions a landlord makes (thesis, ch. IV)."""

    PREMISES = "locaux"
    COMMUNICATION = "communication"
    FAMILIES = "mobilisation"


class ConventionStatus(StrEnum):
    """Life of a convention document."""

    DRAFT = "brouillon"
    SENT = "envoyee"
    SIGNED = "signee"
    EXPIRED = "echue"


class Measure(StrEnum):
    """What a presence figure counts (each source counts something different)."""

    DECLARED = "declaree"  # presence stated by a source, no figure
    FUNDED = "logements_finances"  # dwellings funded (Ville de Paris, since 2001)
    PREMISES = "locaux"  # premises owned (DGFiP file: dwellings, parking spaces, cellars…)
    DWELLINGS = "logements"  # dwellings owned
    HEAD_OFFICE = "siege"  # its head office is in the commune
    AREA = "zone"  # a source says it operates across an EPT or EPCI holding the commune


class Origin(StrEnum):
    """Who wrote a presence fact: the shipped registry, an import, or the user."""

    REGISTRY = "registre"
    IMPORT = "import"
    USER = "utilisateur"


class Unit(StrEnum):
    """The unit of a recurring reminder's period (``6m``, ``1a``)."""

    DAY = "j"
    WEEK = "s"
    MONTH = "m"
    YEAR = "a"


class Reason(StrEnum):
    """Why a landlord is on the ``next`` list (stable slugs for ``--json``)."""

    OVERDUE = "en_retard"
    TODAY = "aujourdhui"
    SOON = "a_venir"
    NEVER_CONTACTED = "jamais_contacte"
    STALE = "sans_nouvelles"
    UNPLANNED = "a_planifier"  # an open step without a date: nothing would bring it back
    LATER = "planifie"
    REMINDER = "rappel"


class Situation(StrEnum):
    """Where the share of a landlord's tenants among participants stands against the
    range it expects (bilans and the activity report)."""

    BELOW = "sous_la_cible"
    WITHIN = "dans_la_cible"
    ABOVE = "au_dessus_de_la_cible"
