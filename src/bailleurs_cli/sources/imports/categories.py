"""INSEE legal categories (catégories juridiques) of social landlords."""

from __future__ import annotations

import re

from bailleurs_cli import validation

#: code → (legal kind, INSEE label).
LANDLORD_CATEGORIES = {
    "7371": ("oph", "Office public d'habitation à loyer modéré (OPHLM)"),
    "5546": ("esh", "SA de HLM à conseil d'administration"),
    "5646": ("esh", "SA de HLM à directoire"),
    "5547": ("coop", "SA coopérative de production de HLM à conseil d'administration"),
    "5647": ("coop", "SA coopérative de production de HLM à directoire"),
    "5515": ("sem", "SA d'économie mixte à conseil d'administration"),
    "5615": ("sem", "SA d'économie mixte à directoire"),
}
#: Home-ownership credit companies (SACICAP): not landlords.
EXCLUDED = {
    "5548": "SA de crédit immobilier (SACICAP)",
    "5648": "SA de crédit immobilier (SACICAP)",
}
#: Local public industrial and commercial bodies: some offices are registered so.
EPIC_LOCAL = "4140"
SEM_CODES = frozenset({"5515", "5615"})
#: NAF code of renting out dwellings.
NAF_HOUSING = "6820A"

_HOUSING_WORDS = re.compile(
    r"\b(habitat|hlm|logement|logements|logis|residence|residences|immobiliere|habitation|"
    r"habitations|foyer|foyers)\b"
)


def looks_like_housing(name: str) -> bool:
    """The name says housing (« … HABITAT », « … HLM », « LOGIS … »)."""
    return bool(_HOUSING_WORDS.search(validation.fold(name)))


def classify(code: str, name: str, naf: str | None = None) -> tuple[str | None, str]:
    """The legal kind of an organisation, or None with the reason it is left out."""
    code = code.strip().zfill(4) if code.strip() else ""
    naf_code = (naf or "").replace(".", "").strip().upper()
    if code in EXCLUDED:
        return None, f"catégorie juridique {code} : {EXCLUDED[code]}, pas un bailleur social"
    if code in SEM_CODES and naf_code != NAF_HOUSING and not looks_like_housing(name):
        return (
            None,
            f"catégorie juridique {code} : SEM sans activité de logement (NAF {naf or '?'})",
        )
    if code in LANDLORD_CATEGORIES:
        return LANDLORD_CATEGORIES[code][0], LANDLORD_CATEGORIES[code][1]
    if code == EPIC_LOCAL and looks_like_housing(name):
        return "oph", "Établissement public local à caractère industriel ou commercial"
    if not code:
        return None, "catégorie juridique absente"
    return None, f"catégorie juridique {code} : pas une catégorie de bailleur social"
