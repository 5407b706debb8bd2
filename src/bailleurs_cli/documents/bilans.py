"""The bilan each partner is owed after a period of workshops (issue 10).

Landlords judge a project on « le nombre de participants, leur implication, l'avis
des enfants et de leurs parents, l'assiduité, le retour de la structure accueillante,
le taux de locataires du bailleur parmi les participants et leur satisfaction »
(thesis, 3. and Annexe 2), and the thesis recommends a simple convention *and* « un
bilan des ateliers afin de permettre au bailleur de voir l'impact du projet et les
avantages de leur contribution ». The FNARS/USH guide asks for a bilan « quantitatif
et qualitatif » with named referents (004, l. 1876 and 1327).

A run selects the partners and their period, builds every document's context and
refuses what cannot be done (no workshop, an existing file) before writing
anything; then draws each chart (Pillow, imported here only), renders the ``bilan``
template, writes each file atomically and converts them all to PDF in one
LibreOffice run. ``--remis`` records the handing over: an exchange, and the
``bilan_on`` date of the convention the bilan covers, which clears the digest's line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from bailleurs_cli import validation
from bailleurs_cli.dates import in_order, parse_date
from bailleurs_cli.documents import bilan_context, engine, kinds
from bailleurs_cli.documents.bilan_context import Period
from bailleurs_cli.enums import ConventionStatus
from bailleurs_cli.errors import Conflict, InvalidInput, Namer
from bailleurs_cli.followup import workshops as core
from bailleurs_cli.formatting import de, pluriel, span_text
from bailleurs_cli.privacy.anonymity import Aliases
from bailleurs_cli.settings.config import Settings
from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import Landlord, Partnership, Workshop

_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip
PERIOD_FORMATS = "2027 (une année) ou 2027-02 (un mois)"


@dataclass(frozen=True)
class BilanRequest:
    """What ``bailleurs bilan`` asks for."""

    landlords: tuple[str, ...] = ()
    everything: bool = False
    period: str | None = None
    start: str | None = None
    end: str | None = None
    number: str | None = None
    out_dir: Path = Path("bilans")
    pdf: bool = False
    anonymous: bool = False
    texts: bool = False  # --avec-textes: an anonymous bilan keeps the hosts' feedback
    force: bool = False
    template: str = "bilan"


@dataclass
class Planned:
    """One partner's bilan, before anything is drawn or written."""

    landlord: Landlord
    period: Period
    workshops: list[Workshop]
    covered: Partnership | None  # the signed convention the period falls under
    target: Path = Path()
    context: dict[str, Any] = field(default_factory=dict)
    bars: list[Any] = field(default_factory=list)
    wanted: tuple[int, int] = core.DEFAULT_TARGET
    summary: str = ""  # one line for the terminal


@dataclass
class BilanRun:
    """What a run wrote, and what the user should know."""

    written: list[Planned] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- Periods ---------------------------------------------------------------------------


def _month(year: int, month: int) -> Period:
    import calendar

    last = calendar.monthrange(year, month)[1]
    return Period(
        date(year, month, 1),
        date(year, month, last),
        de(f"{_MONTHS[month - 1]} {year}"),
        f"{year}-{month:02d}",
        "period",
    )


def parse_period(
    text: str | None, start: str | None, end: str | None, *, today: date
) -> Period | None:
    """The period asked for (None: each partner's own default, see :func:`default_period`).

    Raises:
        InvalidInput: an unknown period format, --du after --au, --au alone, or
            --periode with --du/--au.
    """
    if text is not None and (start or end):
        raise InvalidInput(
            lambda name: (
                f"donnez soit {name('period')}, soit {name('since')} et {name('until')}, "
                "pas les deux."
            ),
            field="period",
        )
    if text is not None:
        cleaned = text.strip()
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})", cleaned):
            year, month = int(match[1]), int(match[2])
            if 1 <= month <= 12 and year >= 2000:
                return _month(year, month)
        elif re.fullmatch(r"\d{4}", cleaned) and int(cleaned) >= 2000:
            year = int(cleaned)
            return Period(
                date(year, 1, 1), date(year, 12, 31), f"de l'année {year}", str(year), "period"
            )
        raise InvalidInput(
            lambda name: (
                f"« {text} » n'est pas une période ; formats acceptés : "
                f"{PERIOD_FORMATS}, ou bien {name('since')} et {name('until')}."
            ),
            field="period",
        )
    if end and not start:
        raise InvalidInput(
            lambda name: f"donnez aussi le premier jour de la période avec {name('since')}.",
            field="since",
        )
    if not start:
        return None
    first = parse_date(start, today=today, field="since")
    last = parse_date(end, today=today, field="until") if end else today
    in_order(first, last)
    return Period(first, last, span_text(first, last), f"{first}-au-{last}", "since_until")


def convention_period(partnership: Partnership) -> Period:
    """The period of a convention, named by its number."""
    start, end = partnership.starts_on, partnership.ends_on
    slug = f"convention-{partnership.number}" if partnership.number else f"{start}-au-{end}"
    return Period(start, end, span_text(start, end), slug, f"convention n° {partnership.number}")


def default_period(session: Session, landlord: Landlord, *, today: date) -> Period:
    """The latest signed convention already begun, else the year so far."""
    signed = session.exec(
        select(Partnership)
        .where(
            Partnership.landlord_id == landlord.id,
            Partnership.status == ConventionStatus.SIGNED,
            col(Partnership.starts_on) <= today,
        )
        .order_by(col(Partnership.starts_on).desc(), col(Partnership.id).desc())
    ).first()
    if signed is not None:
        return convention_period(signed)
    first = date(today.year, 1, 1)
    return Period(first, today, span_text(first, today), str(today.year), "année en cours")


# --- Selection -------------------------------------------------------------------------


def _held(session: Session, landlord: Landlord, period: Period) -> list[Workshop]:
    return list(
        session.exec(
            select(Workshop)
            .where(
                Workshop.landlord_id == landlord.id,
                col(Workshop.starts_on) >= period.start,
                col(Workshop.starts_on) <= period.end,
            )
            .order_by(col(Workshop.starts_on), col(Workshop.id))
        ).all()
    )


def _covered(
    session: Session, landlord: Landlord, period: Period, held: list[Workshop]
) -> Partnership | None:
    """The signed convention the period falls under: the one most of its workshops are
    attached to, else the latest signed one overlapping the period."""
    signed = list(
        session.exec(
            select(Partnership)
            .where(
                Partnership.landlord_id == landlord.id,
                Partnership.status == ConventionStatus.SIGNED,
                col(Partnership.starts_on) <= period.end,
                col(Partnership.ends_on) >= period.start,
            )
            .order_by(col(Partnership.starts_on).desc(), col(Partnership.id).desc())
        ).all()
    )
    if not signed:
        return None
    attached = [w.partnership_id for w in held]
    return max(signed, key=lambda p: (attached.count(p.id), p.starts_on))


def _no_workshop(landlord: Landlord, period: Period) -> InvalidInput:
    given = period.source in ("period", "since_until")
    why = "" if given else f" ({period.source})"
    span, who, slug = span_text(period.start, period.end), landlord.name, landlord.slug

    def text(name: Namer) -> str:
        if period.source == "since_until":
            head = f"{name('since')}/{name('until')}"
        else:
            head = name("period") if given else "période"
        return (
            f"{head} : aucun atelier noté pour {who} {span}{why} ; notez-les avec « bailleurs "
            f"atelier add {slug} … » ou choisissez une autre période ({name('period')}, "
            f"{name('since')}, {name('until')})."
        )

    return InvalidInput(text)


def select_partners(session: Session, request: BilanRequest, *, today: date) -> list[Planned]:
    """Every partner and period the request covers, with its workshops and convention.

    Raises:
        InvalidInput: a bad period, a named landlord with no workshop in its period,
            --numero with several landlords.
        NotFound: an unknown landlord or convention number.
    """
    from bailleurs_cli.followup import partnerships
    from bailleurs_cli.followup.landlords import resolve

    if not request.landlords and not request.everything:
        raise InvalidInput(
            lambda name: (
                f"bailleur : donnez un bailleur, ou {name('everything')} pour tous les partenaires."
            )
        )
    if request.landlords and request.everything:
        raise InvalidInput(
            lambda name: f"ne donnez pas de bailleur avec {name('everything')}.",
            field="everything",
        )
    asked = parse_period(request.period, request.start, request.end, today=today)
    if request.number is not None and (asked is not None or request.everything
                                       or len(request.landlords) > 1):  # fmt: skip
        raise InvalidInput(
            lambda name: (
                "il désigne la convention d'un seul bailleur et en fixe la période ; donnez "
                f"un seul bailleur, sans {name('everything')}, {name('period')}, "
                f"{name('since')} ni {name('until')}."
            ),
            field="number",
        )
    if request.everything:
        ids = set(session.exec(select(Workshop.landlord_id)).all())
        chosen = [ll for ll in session.exec(select(Landlord)).all() if ll.id in ids]
    else:
        resolved = (resolve(session, query) for query in request.landlords)
        chosen = list({ll.slug: ll for ll in resolved}.values())
    planned = []
    for landlord in chosen:
        if request.number is not None:
            period = convention_period(partnerships.pick(session, landlord, request.number))
        else:
            period = asked or default_period(session, landlord, today=today)
        held = _held(session, landlord, period)
        if not held:
            if request.everything:
                continue
            raise _no_workshop(landlord, period)
        covered = (
            partnerships.pick(session, landlord, request.number)
            if request.number is not None
            else _covered(session, landlord, period, held)
        )
        planned.append(Planned(landlord, period, held, covered))
    if request.everything:
        # Not by name: « Bailleur 1 » of an anonymous run must not be guessable.
        planned.sort(key=lambda p: (p.workshops[0].starts_on, p.landlord.id or 0))
    return planned


def build(
    session: Session,
    item: Planned,
    *,
    settings: Settings,
    today: date,
    out_dir: Path,
    anonymous_as: str | None = None,
    texts: bool = False,
) -> Planned:
    """Fill ``item`` with its context, its chart's bars and its target file."""
    context = bilan_context.build(
        session, item.landlord, item.period, item.workshops, item.covered,
        settings=settings, today=today, anonymous_as=anonymous_as, texts=texts,
    )  # fmt: skip
    stem = validation.slugify(anonymous_as) if anonymous_as else item.landlord.slug
    item.target = out_dir / validation.file_name(stem, f"-bilan-{item.period.slug}.docx")
    item.context = context.model_dump()
    item.wanted = core.target(item.landlord)
    item.bars = bilan_context.bars(item.workshops)
    results = context.totaux.resume or "résultats à noter"
    item.summary = f"pour {context.bailleur.nom} : {context.totaux.en_bref} ; {results}"
    return item


# --- Writing -----------------------------------------------------------------------------


def _check_template(name: str, settings: Settings) -> Path:
    return kinds.checked_template(name, "bilan", settings.templates_dir)


def prepare(
    store: Store, request: BilanRequest, *, settings: Settings, today: date
) -> tuple[Path, list[Planned]]:
    """Check everything and build every bilan's context; writes nothing.

    Raises:
        InvalidInput: an incomplete association identity, a bad period, no workshop.
        TemplateProblem: the template cannot be used.
        Conflict: a bilan's file exists (without ``force``).
    """
    from bailleurs_cli.documents.letters import check_association

    check_association(settings)
    path = _check_template(request.template, settings)
    with store.read() as session:
        planned = select_partners(session, request, today=today)
        # The rule shared with rapport and export --anonyme; numbered in this output's
        # order (each partner's first workshop), never by name.
        aliases = Aliases(item.landlord.id or 0 for item in planned)
        for item in planned:
            alias = aliases.name(item.landlord.id or 0) if request.anonymous else None
            build(
                session, item, settings=settings, today=today, out_dir=request.out_dir,
                anonymous_as=alias, texts=request.texts,
            )  # fmt: skip
    existing = [item.target for item in planned if item.target.exists()]
    if existing and not request.force:
        more = f" (et {pluriel(len(existing) - 1, 'autre')})" if len(existing) > 1 else ""
        raise Conflict(
            lambda name: (
                f"{existing[0]} existe déjà{more} ; ajoutez {name('force')} pour le remplacer."
            )
        )
    return path, planned


def write(
    store: Store,
    request: BilanRequest,
    *,
    settings: Settings,
    today: date,
    on_done: Callable[[Planned], None] | None = None,
) -> BilanRun:
    """Draw, render and write every bilan of the request, then their PDFs in one run."""
    from bailleurs_cli.documents import charts

    path, planned = prepare(store, request, settings=settings, today=today)
    report = BilanRun()
    if not planned:
        return report
    batch = engine.Batch(path, request.out_dir, logo=settings.logo, pdf=request.pdf)
    for item in planned:
        pictures = None
        if item.bars:
            chart = charts.workshop_bars(item.bars, item.wanted)
            pictures = {"graphique": (chart, charts.WIDTH_MM)}
        batch.write(item.target, item.context, pictures)
        report.written.append(item)
        missing = item.context["totaux"]["sans_resultats"]
        if missing:
            numbers = ", ".join(str(n) for n in missing)
            report.warnings.append(
                f"{item.landlord.name} : résultats non notés pour l'atelier n° {numbers} ; "
                f"notez-les avec « bailleurs atelier resultats {missing[0]} --participants … »"
            )
        if on_done is not None:
            on_done(item)
    if any(item.bars for item in planned) and (why := charts.fallback_warning()):
        report.warnings.append(why)
    if request.pdf:
        converted = engine.convert_to_pdf([i.target for i in report.written], request.out_dir)
        failed = [source.name for source, made in converted.items() if made is None]
        report.pdfs = [made for made in converted.values() if made is not None]
        if failed:
            raise InvalidInput(
                f"la conversion de {failed[0]} par LibreOffice a échoué ; le .docx est "
                "écrit, ouvrez-le dans LibreOffice pour voir pourquoi.",
                field="pdf",
            )
    return report


# --- Handing over ------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivered:
    """A bilan recorded as handed over."""

    name: str
    label: str
    file: Path
    exchange_id: int
    convention: str | None


def _not_written(docx: Path, slug: str) -> InvalidInput:
    return InvalidInput(
        lambda name: (
            f"{docx} introuvable ; écrivez d'abord le bilan avec « bailleurs "
            f"bilan {slug} » (même période, même {name('out_dir')})."
        ),
        field="delivered",
    )


def deliver(
    store: Store, request: BilanRequest, *, settings: Settings, today: date
) -> list[Delivered]:
    """Record that each bilan of the request was handed over today: an exchange (channel
    courrier) citing its file, and its convention's ``bilan_on``, in one transaction.

    Raises:
        InvalidInput: an anonymous bilan, or a bilan whose file is not written yet.
    """
    from bailleurs_cli.enums import Channel
    from bailleurs_cli.followup import partnerships
    from bailleurs_cli.followup.exchanges import ContactInput, contact

    if request.anonymous:
        raise InvalidInput(
            lambda name: (
                f"un bilan anonyme ne se remet pas au bailleur ; retirez {name('anonymous')}."
            ),
            field="delivered",
        )
    done = []
    with store.write() as session:
        planned = select_partners(session, request, today=today)
        files = []
        for item in planned:
            stem = validation.file_name(item.landlord.slug, f"-bilan-{item.period.slug}.docx")
            docx = request.out_dir / stem
            found = [p for p in (docx, docx.with_suffix(".pdf")) if p.is_file()]
            if not found:
                raise _not_written(docx, item.landlord.slug)
            files.append(found[-1] if request.pdf else found[0])
        for item, file in zip(planned, files, strict=True):
            renewal = (
                bilan_context.renewal_of(session, item.covered, item.period, today)
                if item.covered
                else None
            )
            follow = (
                f"Proposer le renouvellement de la convention n° {item.covered.number}"
                if item.covered is not None and renewal is not None and not renewal.suivante
                else "Recueillir l'avis du bailleur sur le bilan"
            )
            label = f"Bilan des ateliers {item.period.label}"
            _, exchange = contact(
                session,
                item.landlord.slug,
                ContactInput(
                    channel=Channel.LETTER,
                    summary=f"{label} remis ({file.name})",
                    next_action=follow,
                ),
                today=today,
                delays=settings.delays,
            )
            exchange.document = str(file.resolve())
            session.add(exchange)
            number_ = None
            if item.covered is not None and item.covered.number is not None:
                record, _ = partnerships.bilan_delivered(
                    session, item.landlord.slug, today=today, number=item.covered.number
                )
                number_ = record.number
            elif item.covered is not None:  # a convention from before numbers
                item.covered.bilan_on = today
                session.add(item.covered)
            session.flush()
            done.append(Delivered(item.landlord.name, label, file, exchange.id or 0, number_))
    return done
