"""A landlord's postal address, written one way everywhere.

The letter's address block (``bailleur.adresse_lignes``), ``show``'s « Siège »,
``show --json``'s ``address``, the spreadsheet export's « Adresse » cell (which
``import csv`` parses back) and the association's own address in its letterhead all
come from here. Lines follow the French postal order (NF Z10-011) below the
recipient lines, which are the caller's: the street, then its complement (« TSA
61371 », « BP 79 »: the distribution service the registry records), then the
postcode, town and CEDEX on one line, as stored (« 93000 Bobigny », « 75621 Paris
Cedex 13 »).

A street line that already ends with its postcode and town, as the SIRENE API's full
``adresse`` does (« 2 RUE HECTOR BERLIOZ 93000 BOBIGNY »), loses that copy, so that
the town is never written twice (issue 12). No import here beyond the standard
library and :mod:`bailleurs_cli.validation`: ``show`` reads on the lean path.
"""

from __future__ import annotations

from typing import Protocol

from bailleurs_cli.validation import fold


class PostalFields(Protocol):
    """The address columns of a landlord: an ORM entity or a lean-path record."""

    @property
    def street(self) -> str | None: ...
    @property
    def complement(self) -> str | None: ...
    @property
    def postcode(self) -> str | None: ...
    @property
    def city(self) -> str | None: ...
    @property
    def cedex(self) -> str | None: ...


def city_line(postcode: str | None, city: str | None, cedex: str | None = None) -> str | None:
    """``75621 Paris Cedex 13``; None when all three are missing."""
    return " ".join(p for p in (postcode, city, cedex) if p) or None


def street_line(
    street: str | None, postcode: str | None, city: str | None, cedex: str | None = None
) -> str | None:
    """The street without a trailing copy of its postcode and town (with or without
    the CEDEX): ``2 RUE HECTOR BERLIOZ 93000 BOBIGNY`` → ``2 RUE HECTOR BERLIOZ``.
    Only a copy that starts with the postcode goes: « 2 rue de Paris » keeps its Paris."""
    if not street or not postcode or postcode not in street:
        return street or None
    tails = {fold(t) for t in (city_line(postcode, city, cedex), city_line(postcode, city)) if t}
    words = street.split()
    for cut in range(1, len(words) + 1):
        if fold(words[-cut]) == fold(postcode) and fold(" ".join(words[-cut:])) in tails:
            return " ".join(words[:-cut]).rstrip(" ,") or None
    return street


def lines(
    street: str | None,
    complement: str | None,
    postcode: str | None,
    city: str | None,
    cedex: str | None = None,
) -> list[str]:
    """The postal block, one line each, without empty ones:
    ``["13, avenue de la Porte d'Italie", "TSA 61371", "75621 Paris Cedex 13"]``."""
    found = (
        street_line(street, postcode, city, cedex),
        complement,
        city_line(postcode, city, cedex),
    )
    return [line for line in found if line]


def one_line(
    street: str | None,
    complement: str | None,
    postcode: str | None,
    city: str | None,
    cedex: str | None = None,
) -> str:
    """The same block on one line, comma-separated (empty when nothing is known):
    ``21 bis, rue Claude Bernard, 75253 Paris Cedex 05``."""
    return ", ".join(lines(street, complement, postcode, city, cedex))


def of(landlord: PostalFields) -> list[str]:
    """A landlord's head-office block (:func:`lines`)."""
    return lines(
        landlord.street, landlord.complement, landlord.postcode, landlord.city, landlord.cedex
    )


def one_line_of(landlord: PostalFields) -> str:
    """A landlord's head office on one line (:func:`one_line`)."""
    return ", ".join(of(landlord))


class Located(Protocol):
    """Where a landlord is: its departments and its head office's postcode."""

    @property
    def departements(self) -> list[str]: ...
    @property
    def postcode(self) -> str | None: ...


def departements_of(landlord: Located) -> list[str]:
    """Departments where the landlord is present, plus its head office's."""
    codes = list(landlord.departements)
    if landlord.postcode and landlord.postcode[:2] not in codes:
        codes.append(landlord.postcode[:2])
    return codes
