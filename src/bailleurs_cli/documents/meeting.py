"""The yearly multi-actor meeting (thesis, recommendation 4: « une rencontre de
multi-acteurs … avec plusieurs bailleurs, des associations locales, la politique de
la ville »): one invitation per partner landlord and per allied association, from
the ``invitation`` template, and the meeting as an ICS event to import in a calendar.

Like letters, everything is checked before anything is written (the association's
identity, the template, existing files); the invitations to landlords can be logged
as exchanges (an ally has no history of exchanges: it is invited, not followed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from bailleurs_cli import validation
from bailleurs_cli.dates import parse_date
from bailleurs_cli.documents import contexts, engine, kinds
from bailleurs_cli.enums import Stage
from bailleurs_cli.errors import Conflict, InvalidInput
from bailleurs_cli.formatting import NBSP, date_lettre, de, enumeration, pluriel, short_date
from bailleurs_cli.settings.config import Settings
from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import Ally, Landlord

#: A meeting with a start time lasts this long in the calendar (one can edit it there).
DURATION = timedelta(hours=2)
#: Landlords are asked to confirm this many days before the meeting.
CONFIRM_BEFORE = timedelta(days=7)
PARIS = "Europe/Paris"


@dataclass(frozen=True)
class MeetingRequest:
    """What ``bailleurs rencontre`` asks for."""

    on: str
    place: str
    subject: str
    time: str | None = None
    out_dir: Path = Path("invitations")
    log: bool = False
    pdf: bool = False
    force: bool = False


@dataclass
class Invitation:
    """One invitation to write."""

    name: str
    slug: str
    landlord: bool
    target: Path
    context: dict[str, Any]
    email: str | None = None


@dataclass
class MeetingReport:
    """What a run wrote and logged."""

    written: list[Invitation] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    calendar: Path | None = None
    logged: int = 0


def parse_time(text: str) -> tuple[int, int]:
    """``14h30``, ``14 h 30``, ``14:30``, ``14h`` → (14, 30).

    Raises:
        InvalidInput: not a time of day.
    """
    match = re.fullmatch(r"\s*(\d{1,2})\s*(?:h|:)\s*(\d{2})?\s*", text.lower())
    if match is None or int(match[1]) > 23 or int(match[2] or 0) > 59:
        raise InvalidInput(f"« {text} » n'est pas une heure ; exemple : 14h30.", field="time")
    return int(match[1]), int(match[2] or 0)


def time_text(hour: int, minute: int) -> str:
    """``14 h 30``, ``9 h`` (no-break spaces): the time as French prose writes it."""
    return f"{hour}{NBSP}h{NBSP}{minute:02d}" if minute else f"{hour}{NBSP}h"


@dataclass(frozen=True)
class Meeting:
    """The meeting itself."""

    day: date
    time: tuple[int, int] | None
    place: str
    subject: str

    def starts(self) -> datetime | None:
        """Its start in UTC, if it has a time (calendars show it in local time)."""
        if self.time is None:
            return None
        from zoneinfo import ZoneInfo

        local = datetime(self.day.year, self.day.month, self.day.day, *self.time,
                         tzinfo=ZoneInfo(PARIS))  # fmt: skip
        return local.astimezone(UTC)


def _meeting(request: MeetingRequest, today: date) -> Meeting:
    day = parse_date(request.on, today=today, field="day")
    if day < today:
        raise InvalidInput(
            f"le {short_date(day)} est passé ; une rencontre se prévoit, donnez une "
            f"date à partir d'aujourd'hui ({short_date(today)}).",
            field="day",
        )
    return Meeting(
        day=day,
        time=parse_time(request.time) if request.time else None,
        place=validation.required_text(request.place, "place"),
        subject=validation.required_text(request.subject, "subject"),
    )


def partners(session: Session) -> list[Landlord]:
    """The partner landlords (stage partenaire), by name; an absorbed one is not."""
    return list(
        session.exec(
            select(Landlord)
            .where(Landlord.stage == Stage.PARTNER, col(Landlord.absorbed_by).is_(None))
            .order_by(col(Landlord.name))
        ).all()
    )


def _landlord_invitation(
    session: Session,
    landlord: Landlord,
    meeting: contexts.Meeting,
    *,
    settings: Settings,
    today: date,
    out_dir: Path,
) -> Invitation:
    from bailleurs_cli.documents.letters import letter_context

    base = letter_context(
        session, landlord, settings=settings, template=kinds.BUILTIN["invitation"],
        today=today,
    )  # fmt: skip
    person = base.destinataire
    attention = None
    if person is not None:
        attention = person.de + (f", {person.fonction}" if person.fonction else "")
    context = contexts.InvitationContext(
        association=base.association,
        invite=contexts.Guest(
            nom=landlord.name,
            bailleur=True,
            adresse_lignes=base.bailleur.adresse_lignes,
            attention=attention,
        ),
        appel=base.appel,
        date=today,
        lieu=base.lieu,
        objet=_subject(meeting.date),
        reference=f"{landlord.name} – invitation – {meeting.date.isoformat()}",
        rencontre=meeting,
    )
    name = validation.file_name(landlord.slug, f"-invitation-{meeting.date.isoformat()}.docx")
    return Invitation(
        name=landlord.name,
        slug=landlord.slug,
        landlord=True,
        target=out_dir / name,
        context=context.model_dump(),
        email=person.email if person else None,
    )


def _ally_invitation(
    ally: Ally, meeting: contexts.Meeting, *, settings: Settings, today: date, out_dir: Path
) -> Invitation:
    _, city = contexts.split_address(settings.association["adresse"])
    context = contexts.InvitationContext(
        association=contexts.association_from_settings(settings.association),
        invite=contexts.Guest(
            nom=ally.name,
            bailleur=False,
            adresse_lignes=[],
            attention=de(ally.contact) if ally.contact else None,
        ),
        appel="Madame, Monsieur",
        date=today,
        lieu=city or settings.association["adresse"],
        objet=_subject(meeting.date),
        reference=f"{ally.name} – invitation – {meeting.date.isoformat()}",
        rencontre=meeting,
    )
    stem = f"allie-{ally.slug}"
    name = validation.file_name(stem, f"-invitation-{meeting.date.isoformat()}.docx")
    return Invitation(
        name=ally.name,
        slug=ally.slug,
        landlord=False,
        target=out_dir / name,
        context=context.model_dump(),
        email=ally.email,
    )


def guests_text(landlords: list[str], associations: list[str]) -> str:
    """« les bailleurs RIVP et Paris Habitat, et l'association Les Petits Débrouillards »."""
    parts = []
    if landlords:
        word = "le bailleur" if len(landlords) == 1 else "les bailleurs"
        parts.append(f"{word} {enumeration(landlords)}")
    if associations:
        word = "l'association" if len(associations) == 1 else "les associations"
        parts.append(f"{word} {enumeration(associations)}")
    return ", et ".join(parts) if len(landlords) > 1 else " et ".join(parts)


def _subject(day: date) -> str:
    return f"Invitation à notre rencontre annuelle du {date_lettre(day)}"


def prepare(
    store: Store, request: MeetingRequest, *, settings: Settings, today: date
) -> tuple[Path, Meeting, list[Invitation], Path]:
    """Check everything and build every invitation; writes nothing.

    Raises:
        InvalidInput: an incomplete identity, a past date, an empty place or subject.
        TemplateProblem: the template cannot be used.
        Conflict: an invitation or the calendar file exists (without ``force``).
    """
    from bailleurs_cli.documents import letters
    from bailleurs_cli.followup import allies

    letters.check_association(settings)
    meeting = _meeting(request, today)
    path = kinds.checked_template("invitation", "invitation", settings.templates_dir)
    with store.read() as session:
        invited = partners(session)
        friends = allies.listing(session)
        block = contexts.Meeting(
            date=meeting.day,
            heure=time_text(*meeting.time) if meeting.time else None,
            lieu=meeting.place,
            objet=meeting.subject,
            bailleurs=[ll.name for ll in invited],
            associations=[a.name for a in friends],
            invites=guests_text([ll.name for ll in invited], [a.name for a in friends]),
            nombre_invites=len(invited) + len(friends),
        )
        made = [
            _landlord_invitation(
                session, ll, block, settings=settings, today=today, out_dir=request.out_dir
            )
            for ll in invited
        ]
    made += [
        _ally_invitation(a, block, settings=settings, today=today, out_dir=request.out_dir)
        for a in friends
    ]
    ics = request.out_dir / f"rencontre-{meeting.day.isoformat()}.ics"
    existing = [p for p in [*(i.target for i in made), ics] if p.exists()] if made else []
    if existing and not request.force:
        more = f" (et {pluriel(len(existing) - 1, 'autre')})" if len(existing) > 1 else ""
        raise Conflict(
            lambda name: (
                f"{existing[0]} existe déjà{more} ; ajoutez {name('force')} pour le remplacer."
            )
        )
    return path, meeting, made, ics


def calendar_bytes(
    meeting: Meeting, invitations: list[Invitation], *, organizer: tuple[str, str], now: datetime
) -> bytes:
    """The meeting as one RFC 5545 event: all day without a time, else two hours; the
    association organises it, each invitee with an e-mail attends. Its UID is stable
    for a day, so importing the file again updates the event."""
    from icalendar import Calendar, Event, vCalAddress

    calendar = Calendar()
    calendar.add("prodid", "-//bailleurs//rencontre annuelle//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"rencontre-{meeting.day.isoformat()}@bailleurs")
    event.add("summary", meeting.subject)
    event.add("location", meeting.place)
    start = meeting.starts()
    if start is None:
        event.add("dtstart", meeting.day)
        event.add("dtend", meeting.day + timedelta(days=1))
    else:
        event.add("dtstart", start)
        event.add("dtend", start + DURATION)
    event.add("dtstamp", now.astimezone(UTC))
    landlords = [i.name for i in invitations if i.landlord]
    associations = [i.name for i in invitations if not i.landlord]
    lines = ["Rencontre annuelle des bailleurs sociaux et des associations."]
    if landlords:
        lines.append("Bailleurs invités\u00a0: " + ", ".join(landlords))
    if associations:
        lines.append("Associations invitées\u00a0: " + ", ".join(associations))
    event.add("description", "\n".join(lines))
    name, email = organizer
    chair = vCalAddress(f"mailto:{email}")
    chair.params["cn"] = name
    event.add("organizer", chair)
    for invitation in invitations:
        if not invitation.email:
            continue
        guest = vCalAddress(f"mailto:{invitation.email}")
        guest.params["cn"] = invitation.name
        guest.params["role"] = "REQ-PARTICIPANT"
        guest.params["partstat"] = "NEEDS-ACTION"
        event.add("attendee", guest)
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def send(
    store: Store, request: MeetingRequest, *, settings: Settings, today: date
) -> MeetingReport:
    """Write every invitation and the calendar file; with ``log``, record each landlord's
    invitation as an exchange, its next step the confirmation of its presence."""
    from bailleurs_cli.enums import Channel
    from bailleurs_cli.followup.exchanges import ContactInput, contact

    path, meeting, invitations, ics = prepare(store, request, settings=settings, today=today)
    report = MeetingReport()
    if not invitations:
        return report
    batch = engine.Batch(path, request.out_dir, logo=settings.logo, pdf=request.pdf)
    for invitation in invitations:
        batch.write(invitation.target, invitation.context)
        report.written.append(invitation)
    association = settings.association
    engine.write_atomic(
        ics,
        calendar_bytes(
            meeting,
            invitations,
            organizer=(association["nom"], association["email"]),
            now=datetime.now(UTC),
        ),
    )
    report.calendar = ics
    if request.log:
        confirm = max(today, meeting.day - CONFIRM_BEFORE)
        with store.write() as session:
            for invitation in invitations:
                if not invitation.landlord:
                    continue
                _, exchange = contact(
                    session,
                    invitation.slug,
                    ContactInput(
                        channel=Channel.LETTER,
                        summary=(
                            f"Invitation à la rencontre du {date_lettre(meeting.day)} "
                            f"envoyée ({invitation.target.name})"
                        ),
                        next=confirm,
                        next_action=(
                            f"Confirmer sa venue à la rencontre du {short_date(meeting.day)}"
                        ),
                    ),
                    today=today,
                    delays=settings.delays,
                )
                exchange.document = str(invitation.target.resolve())
                session.add(exchange)
                report.logged += 1
    if request.pdf:
        converted = engine.convert_to_pdf([i.target for i in report.written], request.out_dir)
        report.pdfs = [made for made in converted.values() if made is not None]
        failed = [source.name for source, made in converted.items() if made is None]
        if failed:
            raise InvalidInput(
                f"la conversion de {failed[0]} par LibreOffice a échoué ; les .docx sont écrits.",
                field="pdf",
            )
    return report
