"""Anonymisation: one rule for every output shared outside the association.

The thesis presents its field results with its partners anonymised (« Bailleur 1 »,
« Bailleur E »: its author was asked to keep « un certain anonymat sur les bailleurs
sociaux avec qui Amasco est en partenariat »), and an association reports to its
board, its funders and the landlords' meetings the same way. ``rapport --anonyme``,
``export --anonyme`` and ``bilan --anonyme`` apply this one rule, in the data, before
anything is rendered (never a search-and-replace on the finished text):

- landlords are numbered « Bailleur 1 », « Bailleur 2 »… in a stable order within one
  output, never by name (a reader who knows the registry cannot guess who is who);
  what identifies a landlord beyond its number goes too (SIREN, address, website,
  group, other names, the communes of its record);
- people are removed: the names, e-mails and phones of the landlords' staff, of the
  referents and signatories, of allied associations' contacts, and the authors of
  records (the association's own members);
- free-text fields (summaries, notes, next actions, reasons, feedback, labels) are
  left out unless ``--avec-textes``: a sentence may name anyone.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session

#: What stands for a landlord's name: « Bailleur 1 ».
WORD = "Bailleur"


@dataclass(frozen=True)
class Rule:
    """The rule of one output: anonymise or not, and keep free texts or not."""

    anonymous: bool = False
    texts: bool = False  # --avec-textes: free-text fields kept (only meaningful anonymised)

    def keeps_texts(self) -> bool:
        """Whether free-text fields appear: always when named, on request when anonymous."""
        return not self.anonymous or self.texts


def rule_of(anonymous: bool, texts: bool) -> Rule:
    """The rule ``--anonyme`` and ``--avec-textes`` ask for.

    Raises:
        InvalidInput: ``--avec-textes`` without ``--anonyme`` (texts are there already).
    """
    if texts and not anonymous:
        from bailleurs_cli.errors import InvalidInput

        raise InvalidInput(
            lambda name: (
                f"ne s'emploie qu'avec {name('anonymous')} (sans lui, les textes libres "
                f"figurent déjà) ; ajoutez {name('anonymous')} ou retirez {name('texts')}."
            ),
            field="texts",
        )
    return Rule(anonymous, texts)


class Aliases:
    """« Bailleur 1 », « Bailleur 2 »…: landlords numbered in the order given."""

    def __init__(self, ordered_ids: Iterable[int]) -> None:
        self._numbers: dict[int, int] = {}
        for landlord_id in ordered_ids:
            self._numbers.setdefault(landlord_id, len(self._numbers) + 1)

    def __contains__(self, landlord_id: object) -> bool:
        return landlord_id in self._numbers

    def __len__(self) -> int:
        return len(self._numbers)

    def number(self, landlord_id: int) -> int:
        """The landlord's number (``KeyError`` for one outside the output)."""
        return self._numbers[landlord_id]

    def name(self, landlord_id: int) -> str:
        """« Bailleur 3 »."""
        return f"{WORD} {self._numbers[landlord_id]}"

    def slug(self, landlord_id: int) -> str:
        """``bailleur-3``: the identifier that stands for the landlord's."""
        return f"{WORD.lower()}-{self._numbers[landlord_id]}"


def order(session: Session, ids: Collection[int] | None = None) -> list[int]:
    """Landlord ids in the numbering order: by the date of their first exchange, those
    never contacted after, then by id. Only the store knows these dates, so the numbers
    cannot be guessed from the registry or from the names. ``ids``: only these."""
    import sqlalchemy as sa

    from bailleurs_cli.store.tables.exchange import Exchange
    from bailleurs_cli.store.tables.landlord import Landlord

    e = Exchange.__table__.c  # type: ignore[attr-defined]
    ll = Landlord.__table__.c  # type: ignore[attr-defined]
    # Per landlord through the (landlord, date) index, not a scan of every exchange.
    first = sa.select(sa.func.min(e.occurred_on)).where(e.landlord_id == ll.id).scalar_subquery()
    statement = sa.select(ll.id).order_by(first.is_(None), first, ll.id)
    if ids is not None:
        if not ids:
            return []
        statement = statement.where(ll.id.in_(sorted(ids)))
    return [int(row[0]) for row in session.connection().execute(statement)]


# --- The export's tables --------------------------------------------------------------

#: Per table of ``export``, the fields that name a person or identify a landlord beyond
#: its number: emptied (the key or column stays, so the shape does not change).
REMOVED: dict[str, frozenset[str]] = {
    "landlords": frozenset({
        "aliases", "legal_form", "legal_category", "siren", "group", "street", "complement",
        "postcode", "city", "cedex", "website", "communes",
    }),
    "people": frozenset({"name", "civility", "email", "phone"}),
    "exchanges": frozenset({"person", "author", "document"}),
    "stage_changes": frozenset({"author"}),
    "partnerships": frozenset({
        "referent_association", "referent_landlord", "document", "author",
    }),
    "reminders": frozenset(),
    # A source may name the landlord (« logements financés (« RIVP ») »).
    "presence": frozenset({"source"}),
    "qpv": frozenset(),
    "import_runs": frozenset({"author"}),
    "digest_sent": frozenset({"key"}),  # « etape:rivp:… »: a slug and a next action
    "label_links": frozenset({"label", "author"}),  # the Ville de Paris' name of the landlord
    "workshops": frozenset({"author"}),
    "allies": frozenset({"contact", "email", "phone", "signatory"}),
}  # fmt: skip
#: Per table, the free-text fields: kept only with ``--avec-textes``.
TEXTS: dict[str, frozenset[str]] = {
    "landlords": frozenset({"notes", "next_action"}),
    "people": frozenset({"source"}),
    "exchanges": frozenset({"summary", "next_action"}),
    "stage_changes": frozenset({"reason"}),
    "partnerships": frozenset({"object"}),
    "reminders": frozenset({"label"}),
    "import_runs": frozenset({"file", "report"}),  # a file name is typed by someone
    "workshops": frozenset({"host_feedback"}),
}
#: Tables whose ``landlord`` key is a fact about the landlord's footprint, not its
#: follow-up: unlinked (``None``) rather than numbered, or the communes where it is
#: present would name it again.
UNLINKED = frozenset({"presence"})


def _empty(value: Any) -> Any:
    if isinstance(value, list):
        return []
    if isinstance(value, dict):
        return {}
    return None


class RowScrubber:
    """Applies the rule to the export's rows, table by table, as they stream by."""

    def __init__(self, rule: Rule, slugs: dict[str, str]) -> None:
        """``slugs``: each landlord's identifier → its alias (``bailleur-3``)."""
        self.rule = rule
        self.slugs = slugs
        self._blanked = {
            table: tuple(REMOVED.get(table, frozenset()) | (
                frozenset() if rule.texts else TEXTS.get(table, frozenset())))
            for table in {*REMOVED, *TEXTS}
        }  # fmt: skip

    def scrub(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """``row`` of ``table`` as the rule lets it out (changed in place)."""
        landlord = row.get("landlord")
        if landlord is not None:
            row["landlord"] = None if table in UNLINKED else self.slugs.get(landlord)
        for key in self._blanked.get(table, ()):
            row[key] = _empty(row.get(key))
        if table == "landlords" and row["landlord"] is not None:
            row["name"] = WORD + " " + row["landlord"].rsplit("-", 1)[1]
        return row
