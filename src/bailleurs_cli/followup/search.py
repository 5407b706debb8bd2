"""``bailleurs search``: find landlords, people, exchanges, next steps and notes.

Matching ignores case and accents (« eloise » finds « Éloïse »), word by word:
every word of the query must appear in the text. Hits are ranked by where they
are found (a landlord's name before a note, a person before an exchange), then
by how well (whole words before word starts before inside words), then newest
first for exchanges. The store is read in batches, the same way on SQLite and
PostgreSQL (no extension needed), so memory stays flat on a large store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from bailleurs_cli.errors import InvalidInput
from bailleurs_cli.store.models import Exchange, Landlord, Person
from bailleurs_cli.validation import fold

#: Where a hit is found (stable slug → French label), strongest first.
KINDS = {
    "landlord": "bailleur",
    "person": "interlocuteur",
    "next_step": "prochaine étape",
    "note": "note",
    "exchange": "échange",
}
_RANK = {kind: rank for rank, kind in enumerate(KINDS)}
_BATCH = 2_000


@dataclass(frozen=True)
class Hit:
    """One thing found, and the command that opens it."""

    kind: str
    landlord: str
    landlord_name: str
    text: str
    command: str
    when: date | None = None
    score: int = 0

    def as_json(self) -> dict[str, object]:
        """Stable keys, ISO dates."""
        return {
            "kind": self.kind,
            "landlord": self.landlord,
            "landlord_name": self.landlord_name,
            "text": self.text,
            "date": self.when.isoformat() if self.when else None,
            "command": self.command,
        }


def _score(words: list[str], text: str | None) -> int:
    """0 when a word is missing; else higher for whole words and word starts."""
    if not text:
        return 0
    folded = fold(text)
    tokens = folded.split()
    total = 0
    for word in words:
        if word in tokens:
            total += 3
        elif any(t.startswith(word) for t in tokens):
            total += 2
        elif word in folded:
            total += 1
        else:
            return 0
    return total


def _exchanges(session: Session) -> Iterator[tuple[int, int, date, str, str | None]]:
    """Every exchange, newest first, read in batches (memory stays flat)."""
    from sqlalchemy import select as columns

    statement = (
        columns(
            col(Exchange.landlord_id),
            col(Exchange.id),
            col(Exchange.occurred_on),
            col(Exchange.summary),
            col(Exchange.next_action),
        )
        .order_by(col(Exchange.occurred_on).desc(), col(Exchange.id).desc())
        .execution_options(yield_per=_BATCH)
    )
    for landlord_id, number, when, summary, action in session.execute(statement):
        yield int(landlord_id), int(number), when, str(summary), action


def search(session: Session, query: str, *, limit: int | None = 50) -> list[Hit]:
    """Everything ``query`` matches, best first.

    Raises:
        InvalidInput: an empty query.
    """
    words = fold(query).split()
    if not words:
        raise InvalidInput(
            "recherche vide : donnez au moins un mot (exemple : bailleurs search diallo)."
        )
    hits: list[Hit] = []
    names: dict[int, tuple[str, str]] = {}
    for ll in session.exec(select(Landlord)).all():
        assert ll.id is not None
        names[ll.id] = (ll.slug, ll.name)
        show = f"bailleurs show {ll.slug}"
        best = max(_score(words, n) for n in (ll.name, ll.slug, *ll.aliases, *ll.former_names))
        if best:
            hits.append(Hit("landlord", ll.slug, ll.name, ll.name, show, score=best))
        if ll.notes and (found := _score(words, ll.notes)):
            hits.append(Hit("note", ll.slug, ll.name, ll.notes, show, score=found))
        if ll.next_action and (found := _score(words, ll.next_action)):
            hits.append(
                Hit(
                    "next_step",
                    ll.slug,
                    ll.name,
                    ll.next_action,
                    "bailleurs next --all",
                    when=ll.next_due,
                    score=found,
                )
            )
    for person in session.exec(select(Person)).all():
        fields = (person.name, person.role, person.email, person.phone)
        found = max(_score(words, t) for t in fields)
        if found:
            slug, name = names[person.landlord_id]
            described = ", ".join(x for x in (person.name, person.role, person.email) if x)
            command = f"bailleurs person list {slug}"
            hits.append(Hit("person", slug, name, described, command, score=found))
    for landlord_id, number, when, summary, action in _exchanges(session):
        found = max(_score(words, summary), _score(words, action))
        if found:
            slug, name = names[landlord_id]
            text = f"n° {number} : {summary}"
            command = f"bailleurs history {slug}"
            hits.append(Hit("exchange", slug, name, text, command, when=when, score=found))
    hits.sort(key=lambda h: (_RANK[h.kind], -h.score, -(h.when.toordinal() if h.when else 0)))
    return hits if limit is None else hits[:limit]


def excerpt(text: str, width: int = 90) -> str:
    """One line of ``text``, shortened."""
    line = re.sub(r"\s+", " ", text).strip()
    return line if len(line) <= width else line[: width - 1] + "…"
