"""Personal data (RGPD): what is held about a person, erasure, retention.

Issue 9, item 7. A person (interlocuteur) is held in their own row, and also in
free text written about their landlord: exchange summaries and next steps, the
landlord's notes, the referent of a convention. ``export`` gathers all of it
(right of access), ``erase`` removes the row and replaces every mention of the
name, e-mail and phone by « interlocuteur supprimé » (right to erasure), and
``due_for_purge`` applies the retention rule: the CNIL keeps prospection
contacts three years from their collection or the last contact
(https://www.cnil.fr/fr/les-durees-de-conservation-des-donnees), so a person is
due once their landlord has had no exchange for ``rgpd.conservation_mois``
months and they were recorded before that.

Mentions are looked for in the records of the person's own landlord only: two
people of the same name at two landlords are two people. The full name (either
order) is a mention, and so is one of its words after a civility (« Mme Diallo »);
a first or last name alone (« Awa », « Diallo ») or initials are not, since they
would also erase other people and places.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from bailleurs_cli import shapes, validation
from bailleurs_cli.followup.landlords import resolve
from bailleurs_cli.followup.people import find
from bailleurs_cli.formatting import CHANNEL_LABELS, DIRECTION_LABELS, short_date
from bailleurs_cli.privacy.retention import Due as Due
from bailleurs_cli.privacy.retention import due_for_purge as due_for_purge
from bailleurs_cli.store.models import Exchange, Landlord, Partnership, Person, StageChange

#: What replaces a name, an e-mail or a phone number once the person is erased.
REDACTED = "interlocuteur supprimé"

#: Free-text fields of the landlord record that may name a person, with their label.
LANDLORD_TEXT = {
    "next_action": "prochaine étape du bailleur",
    "notes": "notes du bailleur",
    "stage_reason": "motif de l'étape du bailleur",
}

#: A generated file named in an exchange summary: « Courrier « relance » envoyé (x.docx) ».
_FILE = re.compile(r"[\w.-]+\.(?:docx|pdf|eml|odt)\b", re.IGNORECASE)
_SEP = r"[\s.\-]?"
#: « Mme Diallo », « M. Awa » (folded): a civility makes one word of the name a mention.
_CIVILITY = r"(?:m|mr|mme|mlle|madame|monsieur|mademoiselle)"


def _fold_char(char: str) -> str:
    """What :func:`validation.fold` makes of one character (before spaces are merged)."""
    decomposed = unicodedata.normalize("NFKD", char.replace("œ", "oe").replace("Œ", "Oe"))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return "".join(c if c.isascii() and c.isalnum() else " " for c in folded)


@dataclass(frozen=True)
class Matcher:
    """Finds a person's name (either order, any case or accents), e-mail and phone."""

    name: re.Pattern[str] | None
    others: tuple[re.Pattern[str], ...]

    @classmethod
    def of(cls, person: Person) -> Matcher:
        """The matcher of ``person``'s name, e-mail and phone."""
        words = validation.fold(person.name).split()
        name = None
        if words:
            forms = {" +".join(map(re.escape, words)), " +".join(map(re.escape, words[::-1]))}
            any_word = "|".join(sorted(map(re.escape, set(words)), key=len, reverse=True))
            civility = rf"{_CIVILITY} +(?:{any_word})(?: +(?:{any_word}))*"
            name = re.compile(
                rf"(?<![a-z0-9])(?:{'|'.join([civility, *sorted(forms)])})(?![a-z0-9])"
            )
        others = []
        if person.email:
            others.append(re.compile(rf"(?<![\w.+-]){re.escape(person.email)}(?![\w-])", re.I))
        digits = re.sub(r"\D", "", person.phone or "")
        if len(digits) == 10:
            body = _SEP.join(digits[1:])
            others.append(
                re.compile(rf"(?<![\d+])(?:0|(?:\+|00)33{_SEP}(?:\(0\))?){_SEP}{body}(?!\d)")
            )
        return cls(name, tuple(others))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the person is named in ``text``, merged, in order."""
        found = [m.span() for pattern in self.others for m in pattern.finditer(text)]
        if self.name is not None:
            folded, where = [], []
            for index, char in enumerate(text):
                for piece in _fold_char(char):
                    folded.append(piece)
                    where.append(index)
            for match in self.name.finditer("".join(folded)):
                found.append((where[match.start()], where[match.end() - 1] + 1))
        merged: list[tuple[int, int]] = []
        for start, end in sorted(found):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    def mentions(self, text: str | None) -> bool:
        """True when ``text`` names the person."""
        return bool(text) and bool(self.spans(text or ""))

    def scrub(self, text: str) -> str:
        """``text`` with every mention replaced by « interlocuteur supprimé »."""
        for start, end in reversed(self.spans(text)):
            text = text[:start] + REDACTED + text[end:]
        return text


def _is_referent(
    referent: str | None, person: Person, matcher: Matcher, others: list[Person]
) -> bool:
    """The referent names the person: a mention, or part of the name only they have
    at this landlord (``--referent-bailleur Awa``)."""
    if not referent:
        return False
    if matcher.mentions(referent):
        return True
    words = set(validation.fold(referent).split())
    if not words or not words <= set(validation.fold(person.name).split()):
        return False
    return not any(words <= set(validation.fold(o.name).split()) for o in others)


# --- Right of access -------------------------------------------------------------------------


@dataclass(frozen=True)
class ExchangeRecord:
    """An exchange linked to the person or naming them."""

    exchange: Exchange
    linked: bool
    mentioned: bool


@dataclass(frozen=True)
class Document:
    """A file generated for the person's landlord, which may name them."""

    on: date
    file: str


@dataclass
class PersonRecord:
    """Everything held about one person."""

    person: Person
    landlord: Landlord
    next_step_contact: bool
    exchanges: list[ExchangeRecord] = field(default_factory=list)
    partnerships: list[Partnership] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    mentions: list[tuple[str, str]] = field(default_factory=list)  # (where, text)


def _colleagues(session: Session, landlord: Landlord, person: Person) -> list[Person]:
    statement = select(Person).where(Person.landlord_id == landlord.id, Person.id != person.id)
    return list(session.exec(statement).all())


def _documents(
    exchanges: Iterable[Exchange], partnerships: Iterable[Partnership]
) -> list[Document]:
    found: dict[str, date] = {}
    for exchange in exchanges:
        names = _FILE.findall(exchange.summary)
        if exchange.document:
            names.append(Path(exchange.document).name)
            pdf = Path(exchange.document).with_suffix(".pdf")
            if pdf.exists():  # --pdf made a copy beside it
                names.append(pdf.name)
        for name in names:
            found.setdefault(name, exchange.occurred_on)
    for partnership in partnerships:
        if partnership.document:
            made = partnership.created_at.date()
            found.setdefault(Path(partnership.document).name, made)
            pdf = Path(partnership.document).with_suffix(".pdf")
            if pdf.exists():
                found.setdefault(pdf.name, made)
    return [Document(on, name) for name, on in sorted(found.items(), key=lambda i: (i[1], i[0]))]


def _gather(session: Session, landlord: Landlord, person: Person) -> PersonRecord:
    matcher = Matcher.of(person)
    record = PersonRecord(person, landlord, landlord.next_person_id == person.id)
    all_exchanges = list(
        session.exec(
            select(Exchange)
            .where(Exchange.landlord_id == landlord.id)
            .order_by(col(Exchange.occurred_on).desc(), col(Exchange.id).desc())
        ).all()
    )
    for exchange in all_exchanges:
        linked = exchange.person_id == person.id
        mentioned = matcher.mentions(exchange.summary) or matcher.mentions(exchange.next_action)
        if linked or mentioned:
            record.exchanges.append(ExchangeRecord(exchange, linked, mentioned))
    others = _colleagues(session, landlord, person)
    record.partnerships = [
        p
        for p in session.exec(
            select(Partnership)
            .where(Partnership.landlord_id == landlord.id)
            .order_by(col(Partnership.id))
        ).all()
        if _is_referent(p.referent_landlord, person, matcher, others)
    ]
    record.documents = _documents(all_exchanges, record.partnerships)
    for key, label in LANDLORD_TEXT.items():
        value = getattr(landlord, key)
        if matcher.mentions(value):
            record.mentions.append((label, value))
    for change in session.exec(
        select(StageChange)
        .where(StageChange.landlord_id == landlord.id)
        .order_by(col(StageChange.id))
    ).all():
        if change.reason and matcher.mentions(change.reason):
            record.mentions.append(
                (f"motif du changement d'étape du {short_date(change.changed_on)}", change.reason)
            )
    return record


def export(session: Session, landlord_query: str, person_query: str) -> PersonRecord:
    """Everything held about one person (``person export``).

    Raises:
        NotFound: unknown landlord or person (candidates listed).
    """
    landlord = resolve(session, landlord_query)
    return _gather(session, landlord, find(session, landlord, person_query))


def as_json(record: PersonRecord) -> dict[str, Any]:
    """The record with stable keys and ISO dates; the person as every output gives it
    (:func:`bailleurs_cli.shapes.person_json`), so nothing held about them is left out."""
    person = record.person
    return {
        "landlord": record.landlord.slug,
        "landlord_name": record.landlord.name,
        **shapes.person_json(person),
        "created_at": person.created_at.isoformat(),
        "next_step_contact": record.next_step_contact,
        "exchanges": [
            {
                "id": r.exchange.id,
                "date": r.exchange.occurred_on.isoformat(),
                "channel": r.exchange.channel,
                "direction": r.exchange.direction,
                "linked": r.linked,
                "mentioned": r.mentioned,
                "summary": r.exchange.summary,
                "next_action": r.exchange.next_action,
                "next_due": r.exchange.next_due.isoformat() if r.exchange.next_due else None,
            }
            for r in record.exchanges
        ],
        "partnerships": [
            {
                "id": p.id,
                "number": p.number,
                "status": p.status,
                "starts_on": p.starts_on.isoformat(),
                "ends_on": p.ends_on.isoformat(),
                "referent_landlord": p.referent_landlord,
                "document": Path(p.document).name if p.document else None,
            }
            for p in record.partnerships
        ],
        "documents": [{"date": d.on.isoformat(), "file": d.file} for d in record.documents],
        "other_mentions": [{"where": where, "text": text} for where, text in record.mentions],
    }


def as_text(record: PersonRecord) -> list[str]:
    """The record as French text, one line each."""
    person, landlord = record.person, record.landlord
    lines = [
        f"Données détenues sur {person.name}, interlocuteur chez {landlord.name} ({landlord.slug})"
    ]
    for label, value in (
        ("Civilité", person.civility),
        ("Fonction", person.role),
        ("E-mail", person.email),
        ("Téléphone", person.phone),
        ("Territoire", person.territory),
        ("Source", person.source),
        ("Actif", "oui" if person.active else "non"),
        ("Enregistré le", short_date(person.created_at.date())),
        ("Interlocuteur de la prochaine étape", "oui" if record.next_step_contact else "non"),
    ):
        lines.append(f"  {label}\u00a0: {value or '—'}")

    def section(title: str, items: list[str], none: str) -> None:
        lines.append(f"{title} ({len(items)})\u00a0:" if items else f"{title}\u00a0: {none}")
        lines.extend(f"  - {item}" for item in items)

    exchanges = []
    for r in record.exchanges:
        e = r.exchange
        how = ", ".join(
            w
            for w, yes in (("lié à la fiche", r.linked), ("nommé dans le texte", r.mentioned))
            if yes
        )
        channel = CHANNEL_LABELS.get(e.channel, e.channel)
        direction = DIRECTION_LABELS.get(e.direction, e.direction)
        text = f"{short_date(e.occurred_on)}, {channel}, {direction} ({how})\u00a0: {e.summary}"
        if e.next_action:
            text += f" — suite\u00a0: {e.next_action}"
        exchanges.append(text)
    section("Échanges", exchanges, "aucun")
    section(
        "Conventions dont cette personne est la référente",
        [
            f"n° {p.number or p.id}, du {short_date(p.starts_on)} au {short_date(p.ends_on)}, "
            f"référent\u00a0: {p.referent_landlord}"
            for p in record.partnerships
        ],
        "aucune",
    )
    section(
        f"Documents produits pour {landlord.name}, qui peuvent la nommer",
        [f"{short_date(d.on)}\u00a0: {d.file}" for d in record.documents],
        "aucun",
    )
    section(
        "Autres mentions", [f"{where}\u00a0: {text}" for where, text in record.mentions], "aucune"
    )
    return lines


# --- Right to erasure ------------------------------------------------------------------------


@dataclass(frozen=True)
class Erasure:
    """What erasing one person changed, and the files that may still name them."""

    name: str
    landlord: str
    exchanges: int
    partnerships: int
    landlord_record: bool
    was_next_contact: bool
    documents: tuple[str, ...]


def erase(session: Session, landlord: Landlord, person: Person) -> Erasure:
    """Delete ``person`` and replace every mention of them, in the caller's transaction."""
    record = _gather(session, landlord, person)
    matcher = Matcher.of(person)
    for r in record.exchanges:
        exchange = r.exchange
        exchange.person_id = None if r.linked else exchange.person_id
        exchange.summary = matcher.scrub(exchange.summary)
        if exchange.next_action:
            exchange.next_action = matcher.scrub(exchange.next_action)
        session.add(exchange)
    for partnership in record.partnerships:
        referent = partnership.referent_landlord or ""
        scrubbed = matcher.scrub(referent)
        partnership.referent_landlord = scrubbed if scrubbed != referent else REDACTED
        session.add(partnership)
    changed = False
    for key in LANDLORD_TEXT:
        value = getattr(landlord, key)
        if matcher.mentions(value):
            setattr(landlord, key, matcher.scrub(value))
            changed = True
    for change in session.exec(
        select(StageChange).where(StageChange.landlord_id == landlord.id)
    ).all():
        if change.reason and matcher.mentions(change.reason):
            change.reason = matcher.scrub(change.reason)
            session.add(change)
            changed = True
    if record.next_step_contact:
        landlord.next_person_id = None
    session.add(landlord)
    session.delete(person)
    session.flush()
    return Erasure(
        name=person.name,
        landlord=landlord.name,
        exchanges=len(record.exchanges),
        partnerships=len(record.partnerships),
        landlord_record=changed,
        was_next_contact=record.next_step_contact,
        documents=tuple(d.file for d in record.documents),
    )


def remove(session: Session, landlord_query: str, person_query: str) -> Erasure:
    """``person remove``: erase one person (RGPD), in the caller's transaction.

    Raises:
        NotFound: unknown landlord or person (candidates listed).
    """
    landlord = resolve(session, landlord_query)
    return erase(session, landlord, find(session, landlord, person_query))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def erasure_lines(erasures: list[Erasure], backups: list[Path], backup_folder: Path) -> list[str]:
    """What erasing changed, then the copies bailleurs cannot reach, in French."""
    lines = [f"Interlocuteur supprimé\u00a0: {e.name} ({e.landlord})." for e in erasures]
    parts = []
    if exchanges := sum(e.exchanges for e in erasures):
        parts.append(_plural(exchanges, "échange"))
    if partnerships := sum(e.partnerships for e in erasures):
        parts.append(_plural(partnerships, "convention"))
    if any(e.landlord_record for e in erasures):
        parts.append("la fiche du bailleur")
    if parts:
        listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} et {parts[-1]}"
        lines.append(f"Nom, e-mail et téléphone remplacés par « {REDACTED} » dans {listed}.")
    else:
        lines.append("Aucune mention dans les échanges, les conventions ni la fiche du bailleur.")
    for e in erasures:
        if e.was_next_contact:
            lines.append(f"{e.landlord} n'a plus d'interlocuteur pour sa prochaine étape.")
    lines.append("Hors de portée de bailleurs, à effacer vous-même\u00a0:")
    documents = sorted({d for e in erasures for d in e.documents})
    if documents:
        lines.append(f"  - documents déjà produits\u00a0: {', '.join(documents)}")
    if backups:
        lines.append(
            f"  - {_plural(len(backups), 'sauvegarde')} dans {backup_folder} "
            "(bailleurs backup --list)"
        )
    lines.append("  - les exports (bailleurs export) et les copies envoyées, là où ils sont rangés")
    return lines


# --- Retention -------------------------------------------------------------------------------


def purge(session: Session, due: list[Due]) -> list[Erasure]:
    """Erase everyone :func:`due_for_purge` listed, in the caller's transaction."""
    erased = []
    for item in due:
        person = session.get(Person, item.person_id)
        landlord = session.exec(select(Landlord).where(Landlord.slug == item.landlord_slug)).one()
        assert person is not None
        erased.append(erase(session, landlord, person))
    return erased


def due_json(due: list[Due]) -> list[dict[str, Any]]:
    """``person purge --json``: stable keys, ISO dates."""
    return [
        {
            "landlord": d.landlord_slug,
            "landlord_name": d.landlord_name,
            "name": d.name,
            "last_exchange": d.last_exchange.isoformat() if d.last_exchange else None,
            "recorded_on": d.recorded_on.isoformat(),
        }
        for d in due
    ]


def backups_in(folder: Path) -> list[Path]:
    """Backups that may still hold erased people (they are copies of the whole store)."""
    from bailleurs_cli.store.backups import list_backups

    return [b.path for b in list_backups(folder)]
