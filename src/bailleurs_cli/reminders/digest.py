"""The reminder digest: what is due, built by a pure function of the store and today.

:func:`build` takes the ranked next steps and the partnerships and returns the
sections; :func:`as_text`, :func:`as_markdown` and :func:`as_html` render them.
An empty digest renders as nothing, so cron stays silent (it mails any output).
Each line says landlord, person, action, due date in French, lateness, and the
command to act on it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from bailleurs_cli.dates import add_months
from bailleurs_cli.enums import ConventionStatus, Reason
from bailleurs_cli.followup.scheduling import NextItem
from bailleurs_cli.formatting import lateness, long_date
from bailleurs_cli.settings.config import DEFAULT_RETENTION_MONTHS

if TYPE_CHECKING:
    from sqlmodel import Session

    from bailleurs_cli.store.core import Store
    from bailleurs_cli.store.reader import Reader

#: The digest proposes the bilan of a period this many days after its last workshop
#: (issue 10); it is due when the convention says (:data:`BILAN_MONTHS`).
BILAN_AFTER_WORKSHOP_DAYS = 14
#: Partnerships ending within this many days are announced (issue #4).
ENDING_WITHIN = 60
#: The convention owes the landlord a bilan within two months of the workshops' end.
BILAN_MONTHS = 2


@dataclass(frozen=True)
class PartnershipRow:
    """What the digest needs of a partnership."""

    id: int
    slug: str
    name: str
    status: str
    ends_on: date
    bilan_on: date | None
    referent: str | None
    number: str | None = None
    renewed: bool = False  # a convention of the next period exists
    last_workshop: date | None = None  # end of its last workshop, if any were noted


@dataclass(frozen=True)
class Line:
    """One thing to do."""

    key: str  # stable identity, for --only-new
    landlord: str | None
    name: str
    person: str | None
    action: str
    due: date | None
    days_late: int | None
    command: str

    def when(self) -> str:
        """``vendredi 15 janvier 2027 (3 j de retard)``."""
        if self.due is None:
            return ""
        late = f" ({lateness(self.days_late)})" if self.days_late is not None else ""
        return f"{long_date(self.due)}{late}"


@dataclass
class Digest:
    """Sections in the order ``next`` ranks them."""

    today: date
    days: int
    sections: dict[str, list[Line]] = field(default_factory=dict)

    def lines(self) -> list[Line]:
        """Every line, in order."""
        return [line for lines in self.sections.values() for line in lines]

    def __bool__(self) -> bool:
        return any(self.sections.values())

    def only(self, keys: set[str]) -> Digest:
        """The same digest keeping only lines whose key is in ``keys``."""
        kept = {
            title: [line for line in lines if line.key in keys]
            for title, lines in self.sections.items()
        }
        return Digest(self.today, self.days, {t: ls for t, ls in kept.items() if ls})


def _step_line(item: NextItem) -> Line:
    if item.reason == Reason.REMINDER:
        key = f"rappel:{item.reminder_id}:{item.due}"
    else:
        key = f"etape:{item.landlord}:{item.due}:{item.action}"
    return Line(
        key=key,
        landlord=item.landlord,
        name=item.name,
        person=item.person,
        action=item.action or "",
        due=item.due,
        days_late=item.days_late,
        command=item.command(),
    )


def _purge_line(count: int, months: int, today: date) -> Line:
    """People due for erasure (RGPD). Its key changes each month, so ``--only-new``
    (the cron line) mentions them at most once a month, in the month's first digest."""
    people = f"{count} interlocuteur{'s' if count > 1 else ''}"
    return Line(
        key=f"rgpd:{today.isoformat()[:7]}",
        landlord=None,
        name="RGPD",
        person=None,
        action=f"{people} à effacer, plus de {months} mois sans échange (rappel mensuel)",
        due=None,
        days_late=None,
        command="bailleurs person purge",
    )


def build(
    items: list[NextItem],
    partnerships: list[PartnershipRow],
    *,
    today: date,
    days: int,
    purge_due: int = 0,
    retention_months: int = DEFAULT_RETENTION_MONTHS,
) -> Digest:
    """The digest for ``today``; ``items`` come ranked from :mod:`scheduling`;
    ``purge_due`` people have been kept past ``retention_months`` (RGPD)."""
    horizon = today + timedelta(days=days)
    overdue: list[Line] = []
    upcoming: list[Line] = []
    stale: list[Line] = []
    for item in items:
        if item.due is not None and item.due <= horizon and item.reason != Reason.STALE:
            (overdue if item.due < today else upcoming).append(_step_line(item))
        elif item.reason == Reason.STALE:
            silent = (
                f"aucun échange depuis {item.silent_days} j"
                if item.silent_days is not None
                else "aucun échange noté"
            )
            stale.append(
                Line(
                    key=f"silence:{item.landlord}:{today.isoformat()[:7]}",
                    landlord=item.landlord,
                    name=item.name,
                    person=item.person,
                    action=f"Reprendre contact ({silent})",
                    due=None,
                    days_late=None,
                    command=f'bailleurs contact {item.landlord} --channel telephone --summary "…"',
                )
            )
    ending: list[Line] = []
    bilans: list[Line] = []
    for row in partnerships:
        number = f" n° {row.number}" if row.number else ""
        if (
            row.status == ConventionStatus.SIGNED
            and not row.renewed
            and today <= row.ends_on <= today + timedelta(days=ENDING_WITHIN)
        ):
            ending.append(
                Line(
                    key=f"fin:{row.id}",
                    landlord=row.slug,
                    name=row.name,
                    person=row.referent,
                    action=f"Convention{number} qui se termine\u00a0: proposer son renouvellement",
                    due=row.ends_on,
                    days_late=(today - row.ends_on).days,
                    command=f"bailleurs convention {row.slug} --renouveler --debut … --fin …",
                )
            )
        # The bilan is proposed two weeks after the last workshop of the period and due,
        # as the convention says, two months after it (« en retard » only then); when no
        # workshop was noted, two months after the convention's end.
        if row.status == ConventionStatus.SIGNED and row.bilan_on is None:
            last = row.last_workshop
            if last is not None and last + timedelta(days=BILAN_AFTER_WORKSHOP_DAYS) <= today:
                due = add_months(last, BILAN_MONTHS)
            elif last is None and row.ends_on < today:
                due = add_months(row.ends_on, BILAN_MONTHS)
            else:
                continue
            bilans.append(
                Line(
                    key=f"bilan:{row.id}",
                    landlord=row.slug,
                    name=row.name,
                    person=row.referent,
                    action="Remettre le bilan des ateliers (participants, part des locataires, "
                    "satisfaction)",
                    due=due,
                    days_late=(today - due).days,
                    command=f"bailleurs bilan {row.slug}, puis bailleurs bilan {row.slug} --remis",
                )
            )
    within = {0: "aujourd'hui", 1: "d'ici demain"}.get(days, f"d'ici {days} jours")
    sections = {
        "En retard": overdue,
        f"À faire {within}": upcoming,
        "Bilans à remettre": sorted(bilans, key=lambda line: line.due or today),
        "Conventions qui se terminent": sorted(ending, key=lambda line: line.due or today),
        "Sans nouvelles": stale,
        "Données personnelles": [_purge_line(purge_due, retention_months, today)]
        if purge_due
        else [],
    }
    return Digest(today, days, {title: lines for title, lines in sections.items() if lines})


def subject(digest: Digest) -> str:
    """``Suivi des bailleurs : 3 actions, dont 1 en retard (lundi 23 novembre 2026)``."""
    total = len(digest.lines())
    late = len(digest.sections.get("En retard", []))
    text = f"Suivi des bailleurs\u00a0: {total} action{'s' if total > 1 else ''}"
    if late:
        text += f", dont {late} en retard"
    return f"{text} ({long_date(digest.today)})"


def _who(line: Line) -> str:
    return f"{line.name}" + (f" — {line.person}" if line.person else "")


def as_text(digest: Digest) -> str:
    """Plain text (terminal, cron mail, text part)."""
    if not digest:
        return ""
    out = [subject(digest), ""]
    for title, lines in digest.sections.items():
        out.append(f"{title} ({len(lines)})")
        for line in lines:
            when = f" — {line.when()}" if line.due else ""
            out.append(f"  • {_who(line)}\u00a0: {line.action}{when}")
            out.append(f"    → {line.command}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def as_markdown(digest: Digest) -> str:
    """Markdown, for a wiki or a chat."""
    if not digest:
        return ""
    out = [f"# {subject(digest)}", ""]
    for title, lines in digest.sections.items():
        out.append(f"## {title} ({len(lines)})")
        out.append("")
        for line in lines:
            when = f" — {line.when()}" if line.due else ""
            out.append(
                f"- **{line.name}**{' — ' + line.person if line.person else ''} : "
                f"{line.action}{when}  "
            )
            out.append(f"  `{line.command}`")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def as_html(digest: Digest) -> str:
    """HTML part of the e-mail; every value escaped."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fr"><head><meta charset="utf-8"></head><body>',
        f"<h1>{e(subject(digest))}</h1>",
    ]
    for title, lines in digest.sections.items():
        parts.append(f"<h2>{e(title)} ({len(lines)})</h2><ul>")
        for line in lines:
            when = f" — {e(line.when())}" if line.due else ""
            person = f" — {e(line.person)}" if line.person else ""
            parts.append(
                f"<li><strong>{e(line.name)}</strong>{person}\u00a0: {e(line.action)}{when}"
                f"<br><code>{e(line.command)}</code></li>"
            )
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# --- Reading the store (the only impure part) ------------------------------------------------


_PARTNERSHIPS_SQL = f"""
SELECT p.id, l.slug, l.name, p.status, p.ends_on, p.bilan_on, p.referent_landlord, p.number
FROM partnership p
JOIN landlord l ON l.id = p.landlord_id
WHERE p.status IN ('{ConventionStatus.SIGNED.value}', '{ConventionStatus.SENT.value}')
ORDER BY p.id
"""


def collect(
    source: Session | Reader,
    *,
    today: date,
    days: int,
    stale_after_days: int,
    retention_months: int = DEFAULT_RETENTION_MONTHS,
) -> Digest:
    """Query the store and build the digest, through an ORM session or a lean
    :class:`~bailleurs_cli.store.reader.Reader` (cron finds nothing due without SQLAlchemy).

    ``retention_months`` is ``rgpd.conservation_mois``, the period ``person purge``
    applies.
    """
    from bailleurs_cli.followup.scheduling import next_items
    from bailleurs_cli.privacy.retention import due_for_purge
    from bailleurs_cli.store.reader import as_reader, day, required_day

    reader = as_reader(source)
    purge_due = len(due_for_purge(reader, today=today, months=retention_months))
    items = next_items(reader, today=today, days=days, stale_after_days=stale_after_days)
    renewed = {
        i
        for (i,) in reader.rows("SELECT previous_id FROM partnership WHERE previous_id IS NOT NULL")
    }
    last_workshop = {
        p: day(ends)
        for p, ends in reader.rows(
            "SELECT partnership_id, max(ends_on) FROM workshop GROUP BY partnership_id"
        )
    }
    rows = [
        PartnershipRow(
            id=i,
            slug=slug,
            name=name,
            status=status,
            ends_on=required_day(ends_on),
            bilan_on=day(bilan_on),
            referent=referent,
            number=number,
            renewed=i in renewed,
            last_workshop=last_workshop.get(i),
        )
        for i, slug, name, status, ends_on, bilan_on, referent, number in reader.rows(
            _PARTNERSHIPS_SQL
        )
    ]
    return build(
        items,
        rows,
        today=today,
        days=days,
        purge_due=purge_due,
        retention_months=retention_months,
    )


def claim_new(session: Session, digest: Digest) -> Digest:
    """Keep only lines never sent, and record them as sent, in the caller's transaction.

    Called inside a write transaction (``BEGIN IMMEDIATE`` on SQLite, a row lock on
    PostgreSQL through the primary key), so two concurrent runs cannot both claim
    the same line; if sending then fails, the caller rolls the claim back.
    """

    from sqlmodel import col, select

    from bailleurs_cli.store.models import DigestSent

    keys = {line.key for line in digest.lines()}
    if not keys:
        return digest
    already = set(session.exec(select(DigestSent.key).where(col(DigestSent.key).in_(keys))).all())
    fresh = keys - already
    for key in sorted(fresh):
        session.add(DigestSent(key=key))
    session.flush()
    return digest.only(fresh)


def unsent(source: Session | Reader, digest: Digest) -> Digest:
    """The lines never mailed yet (``digest --only-new`` without ``--send``)."""
    from bailleurs_cli.store.reader import as_reader

    sent = {key for (key,) in as_reader(source).rows("SELECT key FROM digest_sent")}
    return digest.only({line.key for line in digest.lines()} - sent)


def send(
    store: Store,
    *,
    smtp: dict[str, Any],
    to: list[str],
    today: date,
    days: int,
    stale_after_days: int,
    only_new: bool,
    retention_months: int = DEFAULT_RETENTION_MONTHS,
) -> Digest:
    """Mail the digest (nothing when nothing is due); returns what was sent.

    With ``only_new``, lines are claimed in a write transaction before sending,
    so two concurrent runs never send the same line; if sending fails, the claim
    is released and nothing is recorded as sent (unless some recipients got it).
    """
    from datetime import datetime

    from sqlmodel import col, delete

    from bailleurs_cli.reminders import mailer
    from bailleurs_cli.store.models import DigestSent

    settings = mailer.smtp_settings(smtp)
    recipients = mailer.recipients(to)
    if only_new:
        with store.write() as session:
            found = collect(
                session,
                today=today,
                days=days,
                stale_after_days=stale_after_days,
                retention_months=retention_months,
            )
            result = claim_new(session, found)
    else:
        with store.read() as session:
            result = collect(
                session,
                today=today,
                days=days,
                stale_after_days=stale_after_days,
                retention_months=retention_months,
            )
    if not result:
        return result
    message = mailer.build_message(
        settings,
        recipients,
        subject(result),
        as_text(result),
        as_html(result),
        now=datetime.now().astimezone(),
    )
    try:
        mailer.send(settings, message)
    except mailer.PartlyDelivered:
        raise  # sent to the others: the claim stands, or the next run would resend it
    except mailer.MailError:
        if only_new:
            keys = [line.key for line in result.lines()]
            with store.write() as session:
                session.exec(delete(DigestSent).where(col(DigestSent.key).in_(keys)))
        raise
    return result
