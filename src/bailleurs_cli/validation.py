"""Validate and normalise what users type: names, e-mails, phones, SIREN, departments.

Each function returns the cleaned value or raises :class:`InvalidInput` carrying the
field (``email``, ``siren``…, or the one the caller names) and a one-line French
message saying the fix; the CLI boundary names the field's option.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from enum import StrEnum
from typing import TypeVar

from bailleurs_cli.errors import InvalidInput

#: Departments of Île-de-France.
IDF_DEPARTEMENTS = ("75", "77", "78", "91", "92", "93", "94", "95")

E = TypeVar("E", bound=StrEnum)

_NON_ALNUM = re.compile(r"[^a-z0-9]+")

#: Longest landlord or person name accepted (issue 9: a 240-character name made every
#: ``letter --all`` crash with « File name too long »). Far above real names: SIRENE's
#: legal names stop at 120 characters, the registry's longest is 33.
NAME_MAX_LENGTH = 200

#: Longest slug made from a name. Slugs are typed on the command line and begin file
#: names; ``fold`` can lengthen a name (« ㎯ » gives « rad-s2 »), so the cut is made on
#: the slug itself.
SLUG_MAX_LENGTH = 60

#: Longest file name written for a landlord, in bytes: 255 on most file systems, 143 in
#: an eCryptfs home, minus the ``.<name>.XXXXXXXX.tmp`` of the atomic write.
FILE_NAME_MAX_BYTES = 120


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation: the key for matching names."""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "Oe"))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NON_ALNUM.sub(" ", ascii_text).strip()


def slugify(text: str) -> str:
    """Stable ASCII identifier: ``Élogie-Siemp`` → ``elogie-siemp``.

    At most :data:`SLUG_MAX_LENGTH` characters, cut after a whole word when one ends
    in the second half.
    """
    slug = fold(text).replace(" ", "-")
    if len(slug) <= SLUG_MAX_LENGTH:
        return slug
    cut = slug.rfind("-", 0, SLUG_MAX_LENGTH + 1)
    return slug[:cut] if cut > SLUG_MAX_LENGTH // 2 else slug[:SLUG_MAX_LENGTH]


def file_name(stem: str, suffix: str) -> str:
    """``stem`` + ``suffix``, shortened to :data:`FILE_NAME_MAX_BYTES` if need be.

    The stem is cut and given 8 characters of the whole name's SHA-256, so two long
    names never share a file (slugs made before :data:`SLUG_MAX_LENGTH` can be long).
    """
    whole = f"{stem}{suffix}"
    if len(whole.encode()) <= FILE_NAME_MAX_BYTES:
        return whole
    if len(suffix.encode()) > FILE_NAME_MAX_BYTES // 2:  # keep only the extension
        base, dot, extension = whole.rpartition(".")
        stem, suffix = (base, dot + extension) if dot and len(extension) <= 8 else (whole, "")
    digest = hashlib.sha256(whole.encode()).hexdigest()[:8]
    room = FILE_NAME_MAX_BYTES - len(suffix.encode()) - len(digest) - 1
    head = stem.encode()[:room].decode(errors="ignore").rstrip("-")
    return f"{head}-{digest}{suffix}"


def required_text(value: str, field: str) -> str:
    """A non-empty, stripped text."""
    cleaned = value.strip()
    if not cleaned:
        raise InvalidInput("valeur vide ; donnez un texte.", field=field)
    return cleaned


def name(value: str, field: str = "name") -> str:
    """A landlord's or a person's name: not empty, at most :data:`NAME_MAX_LENGTH` long."""
    return name_length(required_text(value, field), field)


def name_length(value: str, field: str = "name") -> str:
    """``value`` if it has at most :data:`NAME_MAX_LENGTH` characters."""
    if len(value) > NAME_MAX_LENGTH:
        raise InvalidInput(
            f"{len(value)} caractères, au-delà de la limite de {NAME_MAX_LENGTH} ; "
            "raccourcissez-le.",
            field=field,
        )
    return value


def choice(value: str, enum: type[E], field: str) -> E:
    """One of the slugs of ``enum``, accents and case tolerated (``négatif``), or a
    French word the output uses for it (« rendez-vous », « sans réponse »)."""
    from bailleurs_cli.formatting import labels_of

    key = fold(value).replace(" ", "_")
    for member in enum:
        if member.value == key:
            return member
    for member in enum:
        if key in {fold(label).replace(" ", "_") for label in labels_of(member)}:
            return member
    allowed = ", ".join(_word(member) for member in enum)
    raise InvalidInput(f"« {value} » inconnu ; valeurs possibles : {allowed}.", field=field)


def _word(member: StrEnum) -> str:
    """What to type for ``member``, as the user reads it: its French label when short
    (« téléphone », « en discussion »), else its slug (« oph », « communication »)."""
    from bailleurs_cli.formatting import label

    shown = label(member)
    return shown if len(shown) <= 16 and "(" not in shown else member.value


def email(value: str) -> str:
    """A syntactically valid e-mail address (no DNS look-up: works offline)."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidInput(
            f"« {value} » n'est pas une adresse e-mail valide (exemple : prenom.nom@bailleur.fr).",
            field="email",
        ) from None


_PHONE_SEPARATORS = re.compile(r"[\s.\-/()]")


def phone(value: str) -> str:
    """A French phone number, formatted ``01 23 45 67 89``.

    Accepts spaces, dots and dashes, and the ``+33`` / ``0033`` prefixes, and an
    extension after the number (« poste 214 », « p. 214 », « ext. 214 »), kept as
    ``01 23 45 67 89 poste 214``. A dedicated library (phonenumbers) would carry
    every country's metadata for the one format this association uses.
    """
    extension = _EXTENSION.search(value)
    if extension is not None:
        value = value[: extension.start()]
    digits = _PHONE_SEPARATORS.sub("", value)
    if digits.startswith("+33"):
        digits = "0" + digits[3:]
    elif digits.startswith("0033"):
        digits = "0" + digits[4:]
    if not re.fullmatch(r"0[1-9][0-9]{8}", digits):  # ASCII digits: \d also takes « ٠١ »
        raise InvalidInput(
            f"« {value} » n'est pas un numéro français ; attendu 10 chiffres "
            "(01 23 45 67 89) ou +33 1 23 45 67 89.",
            field="phone",
        )
    formatted = " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return f"{formatted} poste {extension['number']}" if extension else formatted


#: An internal extension after a number: « poste 214 », « p. 214 », « ext 214 », « #214 ».
_EXTENSION = re.compile(
    r"\s*(?:[,;/]\s*)?(?:poste|p\.|ext\.?|extension|#)\s*(?P<number>[0-9]{1,6})\s*$",
    re.IGNORECASE,
)


#: La Poste's SIREN and its head office's SIRET: the SIRET of its other establishments
#: do not pass Luhn; their digits add up to a multiple of 5 instead (INSEE's rule).
LA_POSTE, LA_POSTE_HEAD_OFFICE = "356000000", "35600000000048"


def luhn(digits: str) -> bool:
    """Whether ``digits`` (ASCII digits only) end with a valid Luhn check digit.

    Written here rather than taken from python-stdnum: ``stdnum.fr`` costs 65 ms to
    import (it pulls in ``pydoc`` and ``ssl`` for its online checks), which every
    command reading the configuration would pay.
    """
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def is_siren(digits: str) -> bool:
    """Nine ASCII digits whose last one is a Luhn check digit."""
    # « ³ » passes str.isdigit() but not int() (issue 13): ASCII digits only.
    return len(digits) == 9 and digits.isascii() and digits.isdigit() and luhn(digits)


def is_siret(digits: str) -> bool:
    """Fourteen ASCII digits: a SIREN and an establishment number, with a check digit
    (Luhn, or La Poste's rule for its own establishments)."""
    if len(digits) != 14 or not (digits.isascii() and digits.isdigit()):
        return False
    if digits.startswith(LA_POSTE) and digits != LA_POSTE_HEAD_OFFICE:
        return sum(int(d) for d in digits) % 5 == 0
    return luhn(digits)


def siren(value: str) -> str:
    """Nine digits whose last one is a Luhn check digit."""
    digits = re.sub(r"\s", "", value)
    if not is_siren(digits):
        raise InvalidInput(
            f"« {value} » invalide ; un SIREN a 9 chiffres dont le dernier "
            "est une clé de contrôle (voir l'annuaire des entreprises).",
            field="siren",
        )
    return digits


def departement(value: str) -> str:
    """An Île-de-France department number."""
    code = value.strip()
    if code not in IDF_DEPARTEMENTS:
        raise InvalidInput(
            f"« {value} » n'est pas un département d'Île-de-France ; "
            f"valeurs possibles : {', '.join(IDF_DEPARTEMENTS)}.",
            field="departement",
        )
    return code


def website(value: str) -> str:
    """An http(s) address."""
    cleaned = value.strip()
    if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", cleaned):
        raise InvalidInput(
            f"« {value} » n'est pas une adresse web ; exemple : https://bailleur.fr.",
            field="website",
        )
    return cleaned


_ADDRESS = re.compile(
    r"^(?P<street>.+?),?\s+(?P<postcode>\d{5})\s+(?P<city>.+?)(?:\s+(?P<cedex>cedex(?:\s*\d{1,2})?))?$",
    re.IGNORECASE,
)


def address(value: str) -> dict[str, str | None]:
    """Split ``21 bis, rue Claude Bernard, 75253 Paris Cedex 05`` into its parts.

    A CEDEX suffix is kept apart: the postcode of a CEDEX address is not
    geographic, but its first two digits still give the department.
    """
    cleaned = " ".join(value.split())
    match = _ADDRESS.match(cleaned)
    if not match:
        raise InvalidInput(
            f"« {value} » sans code postal ; attendu « numéro et rue, "
            "code postal ville » (exemple : 6 rue Carnot, 93100 Montreuil).",
            field="address",
        )
    cedex = match["cedex"]
    return {
        "street": match["street"].rstrip(", "),
        "postcode": match["postcode"],
        "city": match["city"].strip(),
        "cedex": cedex.capitalize() if cedex else None,
    }
