"""``bailleurs rapport``: the association's activity over a period, in figures.

An association reports to its board, its funders and the landlords' meetings several
times a year: how many landlords were approached and where each stands, what was
obtained (conventions, valued contributions, amounts), how many children and tenants
the workshops reached, and where the effort should go next (issue 11). This module
builds those figures once, as plain data; :mod:`bailleurs_cli.report.pages` writes
them as one self-contained HTML page, Markdown tables or JSON, so the three carry the
same figures.

Every figure is aggregated by the database (:mod:`bailleurs_cli.report.queries`:
``GROUP BY``, window functions for the medians): the 1,000,000 exchanges of the
benchmark store never come into Python, only a few hundred grouped rows do.
Anonymised (``--anonyme``), landlords are numbered by :mod:`bailleurs_cli.privacy.anonymity`
once the report knows which it names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import Session

from bailleurs_cli.dates import add_months, in_order, parse_date
from bailleurs_cli.enums import ConventionStatus, Situation, Stage
from bailleurs_cli.formatting import NNBSP, STAGE_LABELS, date_lettre, number, pluriel
from bailleurs_cli.privacy.anonymity import Aliases, Rule, order
from bailleurs_cli.store.tables.landlord import Landlord

if TYPE_CHECKING:
    from bailleurs_cli.ground.geo import Territories

#: The pipeline, in order: a landlord that reached a stage passed every earlier one.
MAIN_STAGES = (
    Stage.IDENTIFIED, Stage.CONTACTED, Stage.IN_DISCUSSION, Stage.PROPOSAL, Stage.PARTNER,
)  # fmt: skip
SIDE_STAGES = (Stage.DORMANT, Stage.REFUSED)
#: At most this many landlords are listed in each list of the report (all are counted).
LISTED = 15
#: The default period: the twelve months up to the last day, the current one included.
DEFAULT_MONTHS = 12
NOT_NOTED = "—"


# --- What the report holds ---------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The period, the department and the rule a report is built for."""

    start: date
    end: date
    departement: str | None = None
    rule: Rule = field(default_factory=Rule)

    @property
    def label(self) -> str:
        """« du 1er septembre 2026 au 31 août 2027 »."""
        from bailleurs_cli.formatting import span_text

        return span_text(self.start, self.end)


@dataclass(frozen=True)
class StageRow:
    """One stage of the funnel."""

    stage: str
    now: int  # landlords at this stage on the funnel's day
    reached: int | None  # main stages: landlords that had reached it by then
    conversion: float | None  # percent of those that reached the stage before
    median_days: float | None  # over the stays in this stage that ended in the period
    stays: int

    @property
    def label(self) -> str:
        """French label of the stage."""
        return STAGE_LABELS[self.stage]


@dataclass(frozen=True)
class Funnel:
    """Where landlords stand on ``as_of``, and how they moved through the pipeline."""

    as_of: date
    stages: list[StageRow]
    total: int


@dataclass(frozen=True)
class Exchanges:
    """Exchanges of the period, per month and channel."""

    months: list[str]  # « 2026-09 », every month of the period
    channels: list[str]  # the channels used, in their usual order
    counts: dict[str, dict[str, int]]  # month → channel → exchanges
    total: int
    landlords: int  # landlords with at least one exchange in the period
    first_contacts: int  # landlords whose very first exchange is in the period
    moves: dict[str, int]  # stage → landlords that moved to it in the period

    def of_month(self, month: str) -> int:
        """Exchanges of one month, all channels."""
        return sum(self.counts.get(month, {}).values())


@dataclass(frozen=True)
class FollowRow:
    """A landlord whose next step is late, or missing."""

    landlord_id: int
    stage: str
    action: str | None  # free text: None when the rule leaves texts out
    due: date | None
    days_late: int | None


@dataclass(frozen=True)
class Followup:
    """Landlords to take up again, on the day the report is made."""

    overdue: list[FollowRow]
    overdue_count: int
    no_step: list[FollowRow]
    no_step_count: int


@dataclass(frozen=True)
class StatusRow:
    """Conventions of one status."""

    status: str
    count: int
    in_kind_cents: int
    amount_cents: int


@dataclass(frozen=True)
class ConventionRow:
    """One convention whose period meets the report's."""

    landlord_id: int
    number: str | None
    kind: str
    status: str
    starts_on: date
    ends_on: date
    contributions: list[tuple[str, int | None]]  # (kind, value in cents)
    in_kind_cents: int | None
    amount_cents: int | None


@dataclass(frozen=True)
class Conventions:
    """Conventions by status, with what they bring."""

    by_status: list[StatusRow]
    items: list[ConventionRow]
    contributions: dict[str, tuple[int, int]]  # kind → (conventions, value in cents)

    @property
    def count(self) -> int:
        """Conventions in the period, all statuses."""
        return sum(row.count for row in self.by_status)


@dataclass(frozen=True)
class Figures:
    """What a group of workshops gave (a landlord's, a QPV's, all of them)."""

    workshops: int
    sessions: int
    participants: int | None
    families: int | None
    tenants: int | None  # among the participants of workshops where they were counted
    counted: int  # participants of the workshops where tenants were counted

    @property
    def share(self) -> float | None:
        """Tenants among participants, in percent, where they were counted."""
        return 100 * (self.tenants or 0) / self.counted if self.counted else None


@dataclass(frozen=True)
class LandlordWorkshops:
    """A landlord's workshops, and its tenant share against its target."""

    landlord_id: int
    figures: Figures
    target: tuple[int, int]

    @property
    def situation(self) -> Situation | None:
        """Below, within or above the landlord's target (None: not counted)."""
        from bailleurs_cli.followup import workshops

        return workshops.situation(self.figures.share, self.target)

    @property
    def sentence(self) -> str:
        """« 21 % de locataires, dans la cible 15–30 % »."""
        from bailleurs_cli.followup.workshops import share_sentence

        return share_sentence(self.figures.share, self.target)


@dataclass(frozen=True)
class QpvWorkshops:
    """The workshops held in one QPV (``code`` None: outside any QPV)."""

    code: str | None
    name: str
    figures: Figures


@dataclass(frozen=True)
class Workshops:
    """Workshops of the period, per landlord and per QPV."""

    by_landlord: list[LandlordWorkshops]
    by_qpv: list[QpvWorkshops]
    total: Figures
    without_results: int


@dataclass(frozen=True)
class PriorityRow:
    """A landlord never approached, present where the association works."""

    landlord_id: int
    level: str  # « haute », « moyenne », « basse »
    reason: str


@dataclass(frozen=True)
class Priorities:
    """The priority landlords not yet approached (``configured``: territories are set)."""

    configured: bool
    rows: list[PriorityRow]
    count: int
    by_level: dict[str, int]


@dataclass
class ActivityReport:
    """Everything the three renderers show, with the landlords' names (or numbers)."""

    association: str | None
    scope: Scope
    today: date
    funnel: Funnel
    exchanges: Exchanges
    followup: Followup
    conventions: Conventions
    workshops: Workshops
    priorities: Priorities
    names: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (slug, name)
    summary: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing happened in the period: no exchange, convention or workshop."""
        return not (
            self.exchanges.total or self.conventions.count or self.workshops.total.workshops
        )

    def name(self, landlord_id: int) -> str:
        """The landlord's name, or « Bailleur 3 »."""
        return self.names[landlord_id][1]

    def slug(self, landlord_id: int) -> str:
        """The landlord's identifier, or ``bailleur-3``."""
        return self.names[landlord_id][0]


# --- The request --------------------------------------------------------------------------


def scope_of(
    start: str | None,
    end: str | None,
    departement: str | None,
    rule: Rule,
    *,
    today: date,
) -> Scope:
    """The period and department asked for; by default the twelve months up to today.

    Raises:
        InvalidInput: a date that cannot be read, --du after --au, an unknown department.
    """
    from bailleurs_cli import validation

    last = parse_date(end, today=today, field="until") if end else today
    if start:
        first = parse_date(start, today=today, field="since")
    else:
        first = add_months(last.replace(day=1), -(DEFAULT_MONTHS - 1))
    in_order(first, last)
    code = validation.departement(departement) if departement is not None else None
    return Scope(first, last, code, rule)


# --- The whole ---------------------------------------------------------------------------


def build(
    session: Session,
    scope: Scope,
    *,
    today: date,
    territories: Territories,
    association: str | None = None,
) -> ActivityReport:
    """The report of ``scope``: every section, the landlords' names or numbers, and the
    summary that opens it."""
    from bailleurs_cli.report import queries as q

    ids = q.landlords_in(session, scope.departement)
    report = ActivityReport(
        association=association,
        scope=scope,
        today=today,
        funnel=q.funnel(session, scope, ids, today=today),
        exchanges=q.exchanges(session, scope, ids),
        followup=q.followup(session, ids, scope.rule, today=today),
        conventions=q.conventions(session, scope, ids),
        workshops=q.workshops(session, scope),
        priorities=q.priorities(session, territories, ids),
    )
    report.names = _names(session, _named(report), scope.rule)
    report.summary = summary(report)
    return report


def _named(report: ActivityReport) -> list[int]:
    """Every landlord the report names, in the order it names them."""
    found = [row.landlord_id for row in report.followup.overdue]
    found += [row.landlord_id for row in report.followup.no_step]
    found += [row.landlord_id for row in report.conventions.items]
    found += [row.landlord_id for row in report.workshops.by_landlord]
    found += [row.landlord_id for row in report.priorities.rows]
    return list(dict.fromkeys(found))


def _names(session: Session, ids: list[int], rule: Rule) -> dict[int, tuple[str, str]]:
    """Each landlord's identifier and name; anonymised, « Bailleur N » numbered among the
    landlords of this report only (:func:`bailleurs_cli.privacy.anonymity.order`)."""
    if not ids:
        return {}
    if rule.anonymous:
        aliases = Aliases(order(session, ids))
        return {i: (aliases.slug(i), aliases.name(i)) for i in ids}
    ll = Landlord.__table__.c  # type: ignore[attr-defined]
    rows = session.connection().execute(sa.select(ll.id, ll.slug, ll.name).where(ll.id.in_(ids)))
    return {int(i): (slug, name) for i, slug, name in rows}


# --- The summary --------------------------------------------------------------------------


def percent(value: float | None) -> str:
    """« 32 % » (rounded), « — » when there is nothing to divide."""
    return NOT_NOTED if value is None else f"{round(value)}{NNBSP}%"


def euros(cents: int | None) -> str:
    """« 1 200 € », « 1 200,50 € »."""
    from bailleurs_cli.formatting import montant

    return NOT_NOTED if cents is None else montant(cents / 100)


def summary(report: ActivityReport) -> list[str]:
    """The few sentences that open the report: the period in French prose."""
    scope, ex, conv, ws = report.scope, report.exchanges, report.conventions, report.workshops
    where = ""
    if scope.departement is not None:
        from bailleurs_cli.formatting import DEPARTEMENT_NAMES

        where = f" en {DEPARTEMENT_NAMES.get(scope.departement, scope.departement)}"
    first = scope.label[0].upper() + scope.label[1:]
    lines = []
    if report.empty:
        lines.append(
            f"{first}{where} : rien encore, ni échange, ni convention, ni atelier. Le rapport "
            "se remplira au fil du suivi (bailleurs contact, convention, atelier add)."
        )
    else:
        text = f"{first}{where} : {pluriel(ex.total, 'échange')}"
        if ex.total:
            text += f" avec {pluriel(ex.landlords, 'bailleur')}"
            if ex.first_contacts:
                approached = "approché" if ex.first_contacts < 2 else "approchés"
                text += f", dont {number(ex.first_contacts)} {approached} pour la première fois"
        lines.append(text + ".")
    stages = {row.stage: row for row in report.funnel.stages}
    advanced = []
    if stages[Stage.PARTNER.value].now:
        advanced.append(pluriel(stages[Stage.PARTNER.value].now, "partenaire"))
    for stage, words in (
        (Stage.PROPOSAL, "en proposition"),
        (Stage.IN_DISCUSSION, "en discussion"),
    ):
        if stages[stage.value].now:
            advanced.append(f"{number(stages[stage.value].now)} {words}")
    if advanced:
        lines.append(
            f"Au {date_lettre(report.funnel.as_of)}, sur "
            f"{pluriel(report.funnel.total, 'bailleur')} suivis : {_enumerate(advanced)}."
        )
    new_partners = ex.moves.get(Stage.PARTNER.value, 0)
    if conv.count:
        signed = next((r for r in conv.by_status if r.status == ConventionStatus.SIGNED), None)
        text = f"{pluriel(conv.count, 'convention')} sur la période"
        if signed is not None:
            word = "signée" if signed.count < 2 else "signées"
            text += f", dont {number(signed.count)} {word}"
            values = []
            if signed.in_kind_cents:
                values.append(f"contributions valorisées à {euros(signed.in_kind_cents)}")
            if signed.amount_cents:
                values.append(f"{euros(signed.amount_cents)} de soutien financier")
            if values:
                text += f" ({_enumerate(values)})"
        if new_partners:
            word = "nouveau partenaire" if new_partners < 2 else "nouveaux partenaires"
            text += f" ; {number(new_partners)} {word}"
        lines.append(text + ".")
    if ws.total.workshops:
        total = ws.total
        text = f"{pluriel(total.workshops, 'atelier')} ({pluriel(total.sessions, 'séance')})"
        if total.participants is not None:
            welcomed = "accueilli" if total.participants < 2 else "accueillis"
            text += f" : {pluriel(total.participants, 'enfant')} {welcomed}"
            if total.tenants is not None and total.counted:
                text += (
                    f", dont {number(total.tenants)} de familles locataires des bailleurs "
                    f"({percent(total.share)} là où ils ont été comptés)"
                )
            if total.families is not None:
                touched = "touchée" if total.families < 2 else "touchées"
                text += f" ; {pluriel(total.families, 'famille')} {touched}"
        lines.append(text + ".")
    todo = []
    if report.followup.overdue_count:
        todo.append(f"{pluriel(report.followup.overdue_count, 'bailleur')} en retard")
    if report.followup.no_step_count:
        todo.append(f"{pluriel(report.followup.no_step_count, 'bailleur')} sans prochaine étape")
    if report.priorities.count:
        word = "prioritaire" if report.priorities.count < 2 else "prioritaires"
        todo.append(
            f"{pluriel(report.priorities.count, 'bailleur')} {word} sur vos territoires "
            "jamais approché" + ("s" if report.priorities.count > 1 else "")
        )
    if todo:
        lines.append(f"À reprendre : {_enumerate(todo)}.")
    return lines


def _enumerate(items: list[str]) -> str:
    from bailleurs_cli.formatting import enumeration

    return enumeration(items)
