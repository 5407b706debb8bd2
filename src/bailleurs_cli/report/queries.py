"""The report's figures, each aggregated by the database (:mod:`bailleurs_cli.report.figures`).

``GROUP BY`` and window functions (the medians) run in SQLite or PostgreSQL, so the
1,000,000 exchanges of the benchmark store never come into Python: each section reads
at most a few hundred grouped rows. Where the two databases differ (a month, a number
of days, the largest of several values), a helper says it both ways.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Session

from bailleurs_cli.dates import add_months
from bailleurs_cli.enums import CLOSED_STAGES, Channel, ConventionStatus, Stage
from bailleurs_cli.privacy.anonymity import Rule
from bailleurs_cli.report.figures import (
    LISTED,
    MAIN_STAGES,
    SIDE_STAGES,
    ConventionRow,
    Conventions,
    Exchanges,
    Figures,
    FollowRow,
    Followup,
    Funnel,
    LandlordWorkshops,
    Priorities,
    PriorityRow,
    QpvWorkshops,
    Scope,
    StageRow,
    StatusRow,
    Workshops,
)
from bailleurs_cli.store.tables.exchange import Exchange, StageChange
from bailleurs_cli.store.tables.landlord import Landlord
from bailleurs_cli.store.tables.partnership import Partnership
from bailleurs_cli.store.tables.workshop import Workshop

if TYPE_CHECKING:
    from bailleurs_cli.ground.geo import Territories


# --- SQL helpers --------------------------------------------------------------------------


def _dialect(session: Session) -> str:
    return session.connection().dialect.name


def _month(column: Any, dialect: str) -> Any:
    """``2026-09``: the month of a date column, in the database."""
    if dialect == "postgresql":
        return sa.func.to_char(column, sa.literal_column("'YYYY-MM'"))
    return sa.func.substr(column, 1, 7)  # SQLite keeps dates as ISO text


def _days(later: Any, earlier: Any, dialect: str) -> Any:
    """Days from ``earlier`` to ``later`` (two date columns), in the database."""
    if dialect == "postgresql":
        return later - earlier
    return sa.cast(sa.func.julianday(later) - sa.func.julianday(earlier), sa.Integer)


def _greatest(dialect: str, *values: Any) -> Any:
    """The largest of several values of one row (``max`` of several arguments on SQLite)."""
    if dialect == "postgresql":
        return sa.func.greatest(*values)
    return sa.func.max(*values)


def _rank(column: Any) -> Any:
    """A stage's place in the pipeline (0: identifié … 4: partenaire; side stages: NULL)."""
    return sa.case({stage.value: i for i, stage in enumerate(MAIN_STAGES)}, value=column)


def _table(model: type[Any]) -> sa.Table:
    """The Core table of a SQLModel table class."""
    table: sa.Table = model.__table__
    return table


def _within(column: Any, ids: list[int] | None) -> Any:
    return sa.true() if ids is None else column.in_(ids)


# --- The sections -------------------------------------------------------------------------


def landlords_in(session: Session, departement: str | None) -> list[int] | None:
    """Landlords of the department (as ``list --departement`` finds them); None: all."""
    if departement is None:
        return None
    from bailleurs_cli.ground.priority import present_in_departement

    ll = Landlord.__table__.c  # type: ignore[attr-defined]
    present = set(present_in_departement(session, departement))
    rows = session.connection().execute(sa.select(ll.id, ll.departements, ll.postcode))
    return sorted(
        int(i)
        for i, stated, postcode in rows
        if i in present or departement in (stated or []) or (postcode or "")[:2] == departement
    )


def funnel(session: Session, scope: Scope, ids: list[int] | None, *, today: date) -> Funnel:
    """Landlords per stage on the period's last day (today if it is still to come), how
    many had reached each stage of the pipeline, the conversion from one stage to the
    next, and the median time spent in each (stays that ended in the period)."""
    dialect = _dialect(session)
    as_of = min(scope.end, today)
    sc = StageChange.__table__.c  # type: ignore[attr-defined]
    ll = Landlord.__table__.c  # type: ignore[attr-defined]
    # The stage on ``as_of``: the last move on or before it, else the stage the first
    # later move left, else the landlord's stage (it never moved).
    last_before = (
        sa.select(sc.to_stage)
        .where(sc.landlord_id == ll.id, sc.changed_on <= as_of)
        .order_by(sc.changed_on.desc(), sc.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    first_after = (
        sa.select(sc.from_stage)
        .where(sc.landlord_id == ll.id, sc.changed_on > as_of)
        .order_by(sc.changed_on, sc.id)
        .limit(1)
        .scalar_subquery()
    )
    history = (
        sa.select(
            sc.landlord_id.label("landlord_id"),
            sa.func.max(_rank(sc.to_stage)).label("to_rank"),
            sa.func.max(_rank(sc.from_stage)).label("from_rank"),
        )
        .where(sc.changed_on <= as_of)
        .group_by(sc.landlord_id)
        .subquery()
    )
    # Up to today the store's own stage says it (a contact noted with a past date
    # moves the landlord today, whatever its date).
    stage_at = ll.stage if as_of >= today else sa.func.coalesce(last_before, first_after, ll.stage)
    per_landlord = (
        sa.select(
            stage_at.label("stage"),
            history.c.to_rank,
            history.c.from_rank,
        )
        .select_from(sa.outerjoin(_table(Landlord), history, history.c.landlord_id == ll.id))
        .where(ll.absorbed_by.is_(None), _within(ll.id, ids))
        .subquery()
    )
    reached = _greatest(
        dialect,
        sa.func.coalesce(_rank(per_landlord.c.stage), 0),
        sa.func.coalesce(per_landlord.c.to_rank, 0),
        sa.func.coalesce(per_landlord.c.from_rank, 0),
    ).label("reached")
    grouped = sa.select(per_landlord.c.stage, reached, sa.func.count()).group_by(
        per_landlord.c.stage, reached
    )
    now: dict[str, int] = {}
    at_least = [0] * len(MAIN_STAGES)
    for stage, rank, count in session.connection().execute(grouped):
        now[stage] = now.get(stage, 0) + int(count)
        for i in range(int(rank) + 1):
            at_least[i] += int(count)
    medians = _median_stays(session, scope, ids, dialect)
    rows = []
    for i, stage in enumerate(MAIN_STAGES):
        before = at_least[i - 1] if i else None
        conversion = 100 * at_least[i] / before if before else None
        median, stays = medians.get(stage.value, (None, 0))
        rows.append(StageRow(stage.value, now.get(stage.value, 0), at_least[i], conversion,
                             median, stays))  # fmt: skip
    for stage in SIDE_STAGES:
        median, stays = medians.get(stage.value, (None, 0))
        rows.append(StageRow(stage.value, now.get(stage.value, 0), None, None, median, stays))
    return Funnel(as_of, rows, sum(now.values()))


def _median_stays(
    session: Session, scope: Scope, ids: list[int] | None, dialect: str
) -> dict[str, tuple[float | None, int]]:
    """Per stage, the median length in days of the stays that ended in the period (a
    move out of the stage), and how many there were: window functions, in the database."""
    sc = StageChange.__table__.c  # type: ignore[attr-defined]
    moves = (
        sa.select(
            sc.landlord_id,
            sc.from_stage.label("stage"),
            sc.changed_on,
            sa.func.lag(sc.changed_on)
            .over(partition_by=sc.landlord_id, order_by=(sc.changed_on, sc.id))
            .label("entered"),
        )
        .where(sc.changed_on <= scope.end, _within(sc.landlord_id, ids))
        .subquery()
    )
    stays = (
        sa.select(moves.c.stage, _days(moves.c.changed_on, moves.c.entered, dialect).label("days"))
        .where(
            moves.c.entered.is_not(None),
            moves.c.stage.is_not(None),
            moves.c.changed_on >= scope.start,
        )
        .subquery()
    )
    ranked = sa.select(
        stays.c.stage,
        stays.c.days,
        sa.func.row_number().over(partition_by=stays.c.stage, order_by=stays.c.days).label("n"),
        sa.func.count().over(partition_by=stays.c.stage).label("total"),
    ).subquery()
    middle = (
        sa.select(ranked.c.stage, sa.func.avg(ranked.c.days), sa.func.max(ranked.c.total))
        .where(ranked.c.n.in_([(ranked.c.total + 1) // 2, (ranked.c.total + 2) // 2]))
        .group_by(ranked.c.stage)
    )
    return {
        stage: (float(median), int(total))
        for stage, median, total in session.connection().execute(middle)
    }


def _months(start: date, end: date) -> list[str]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(f"{day.year}-{day.month:02d}")
        day = add_months(day, 1)
    return months


def exchanges(session: Session, scope: Scope, ids: list[int] | None) -> Exchanges:
    """Exchanges of the period per month and channel, the landlords reached, those
    approached for the first time, and the moves through the pipeline."""
    dialect = _dialect(session)
    e = Exchange.__table__.c  # type: ignore[attr-defined]
    ll = Landlord.__table__.c  # type: ignore[attr-defined]
    # On SQLite, the (landlord, date) index would be skip-scanned and each row looked up
    # in the table: a plain scan of the table is twice as fast for a year of exchanges.
    day = sa.func.coalesce(e.occurred_on, e.occurred_on) if dialect == "sqlite" else e.occurred_on
    in_period = sa.and_(day >= scope.start, day <= scope.end)
    month = _month(e.occurred_on, dialect).label("ym")
    statement = (
        sa.select(month, e.channel, sa.func.count())
        .where(in_period, _within(e.landlord_id, ids))
        .group_by(sa.text("ym"), e.channel)
    )
    counts: dict[str, dict[str, int]] = {}
    used: set[str] = set()
    for month_key, channel, count in session.connection().execute(statement):
        counts.setdefault(str(month_key), {})[channel] = int(count)
        used.add(channel)
    known = [c.value for c in Channel]
    channels = [c for c in known if c in used] + sorted(used - set(known))
    # Per landlord, through the (landlord, date) index: a few thousand look-ups.
    any_in_period = (
        sa.select(sa.literal(1))
        .where(e.landlord_id == ll.id, e.occurred_on >= scope.start, e.occurred_on <= scope.end)
        .exists()
    )
    first = sa.select(sa.func.min(e.occurred_on)).where(e.landlord_id == ll.id).scalar_subquery()
    reached, new = (
        session.connection()
        .execute(
            sa.select(
                sa.func.count(sa.case((any_in_period, 1))),
                sa.func.count(sa.case((sa.and_(first >= scope.start, first <= scope.end), 1))),
            )
            .select_from(_table(Landlord))  # the subqueries above are correlated to it
            .where(_within(ll.id, ids))
        )
        .one()
    )
    sc = StageChange.__table__.c  # type: ignore[attr-defined]
    moved = session.connection().execute(
        sa.select(sc.to_stage, sa.func.count(sa.distinct(sc.landlord_id)))
        .where(
            sc.changed_on >= scope.start,
            sc.changed_on <= scope.end,
            sc.from_stage.is_not(None),
            _within(sc.landlord_id, ids),
        )
        .group_by(sc.to_stage)
    )
    return Exchanges(
        months=_months(scope.start, scope.end),
        channels=channels,
        counts=counts,
        total=sum(sum(c.values()) for c in counts.values()),
        landlords=int(reached),
        first_contacts=int(new),
        moves={stage: int(count) for stage, count in moved},
    )


def followup(session: Session, ids: list[int] | None, rule: Rule, *, today: date) -> Followup:
    """Open landlords whose next step is overdue (most late first), or who have none."""
    ll = Landlord.__table__.c  # type: ignore[attr-defined]
    open_ = sa.and_(
        ll.stage.not_in([s.value for s in CLOSED_STAGES]),
        ll.absorbed_by.is_(None),
        _within(ll.id, ids),
    )
    late = sa.and_(open_, ll.next_due < today)
    missing = sa.and_(open_, ll.next_action.is_(None))
    conn = session.connection()
    keep = rule.keeps_texts()

    def rows(where: Any, ordering: Iterable[Any]) -> list[FollowRow]:
        found = conn.execute(
            sa.select(ll.id, ll.stage, ll.next_action, ll.next_due)
            .where(where)
            .order_by(*ordering)
            .limit(LISTED)
        )
        return [
            FollowRow(int(i), stage, action if keep else None, due,
                      (today - due).days if due else None)
            for i, stage, action, due in found
        ]  # fmt: skip

    def count(where: Any) -> int:
        return int(conn.execute(sa.select(sa.func.count()).where(where)).scalar_one())

    return Followup(
        overdue=rows(late, (ll.next_due, ll.id)),
        overdue_count=count(late),
        no_step=rows(missing, (ll.stage_since, ll.id)),
        no_step_count=count(missing),
    )


def conventions(session: Session, scope: Scope, ids: list[int] | None) -> Conventions:
    """Conventions whose period meets the report's: counted and summed by status in the
    database, listed with their contributions."""
    p = Partnership.__table__.c  # type: ignore[attr-defined]
    meets = sa.and_(p.starts_on <= scope.end, p.ends_on >= scope.start, _within(p.landlord_id, ids))
    conn = session.connection()
    grouped = conn.execute(
        sa.select(
            p.status,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(p.in_kind_cents), 0),
            sa.func.coalesce(sa.func.sum(p.amount_cents), 0),
        )
        .where(meets)
        .group_by(p.status)
    )
    totals = {status: (int(n), int(kind), int(amount)) for status, n, kind, amount in grouped}
    statuses = [s.value for s in ConventionStatus]
    by_status = [
        StatusRow(status, *totals[status])
        for status in [*statuses, *sorted(set(totals) - set(statuses))]
        if status in totals
    ]
    items = []
    contributions: dict[str, tuple[int, int]] = {}
    found = conn.execute(
        sa.select(p.landlord_id, p.number, p.kind, p.status, p.starts_on, p.ends_on,
                  p.contributions, p.in_kind_cents, p.amount_cents)
        .where(meets)
        .order_by(p.starts_on, p.id)
    )  # fmt: skip
    for landlord_id, number_, kind, status, starts, ends, given, in_kind, amount in found:
        parts = [(str(c["kind"]), c.get("cents")) for c in given or []]
        items.append(ConventionRow(int(landlord_id), number_, kind, status, starts, ends, parts,
                                   in_kind, amount))  # fmt: skip
        for part, cents in parts:
            seen, value = contributions.get(part, (0, 0))
            contributions[part] = (seen + 1, value + int(cents or 0))
    return Conventions(by_status, items, contributions)


def _figures(row: Any) -> Figures:
    workshops_, sessions, participants, families, tenants, counted = row
    return Figures(
        int(workshops_),
        int(sessions or 0),
        None if participants is None else int(participants),
        None if families is None else int(families),
        None if tenants is None else int(tenants),
        int(counted or 0),
    )


def workshops(session: Session, scope: Scope) -> Workshops:
    """Workshops that started in the period (held in the department, when one is asked):
    counted and summed per landlord, per QPV and in all, in the database."""
    from bailleurs_cli.followup.workshops import DEFAULT_TARGET
    from bailleurs_cli.store.tables.territory import Qpv

    w = Workshop.__table__.c  # type: ignore[attr-defined]
    ll = Landlord.__table__.c  # type: ignore[attr-defined]
    q = Qpv.__table__.c  # type: ignore[attr-defined]
    where = [w.starts_on >= scope.start, w.starts_on <= scope.end]
    if scope.departement is not None:
        where.append(w.commune.startswith(scope.departement))
    counted = sa.and_(w.tenants.is_not(None), w.participants > 0)
    sums = (
        sa.func.count(),
        sa.func.sum(w.sessions),
        sa.func.sum(w.participants),
        sa.func.sum(w.families),
        sa.func.sum(sa.case((counted, w.tenants))),
        sa.func.sum(sa.case((counted, w.participants))),
    )
    conn = session.connection()
    per_landlord = conn.execute(
        sa.select(w.landlord_id, ll.tenant_target_min, ll.tenant_target_max, *sums)
        .join(_table(Landlord), ll.id == w.landlord_id)
        .where(*where)
        .group_by(w.landlord_id, ll.tenant_target_min, ll.tenant_target_max)
        .order_by(w.landlord_id)
    )
    by_landlord = []
    for landlord_id, low, high, *values in per_landlord:
        target = DEFAULT_TARGET if low is None or high is None else (int(low), int(high))
        by_landlord.append(LandlordWorkshops(int(landlord_id), _figures(values), target))
    per_qpv = conn.execute(
        sa.select(w.qpv_code, q.name, *sums)
        .select_from(sa.outerjoin(_table(Workshop), _table(Qpv), q.code == w.qpv_code))
        .where(*where)
        .group_by(w.qpv_code, q.name)
    )
    by_qpv = [
        QpvWorkshops(code, name or code or "hors QPV", _figures(values))
        for code, name, *values in per_qpv
    ]
    by_qpv.sort(key=lambda r: (r.code is None, -(r.figures.participants or 0), r.name))
    total = conn.execute(sa.select(*sums).where(*where)).one()
    missing = conn.execute(
        sa.select(sa.func.count()).where(*where, w.participants.is_(None))
    ).scalar_one()
    by_landlord.sort(key=lambda r: (-(r.figures.participants or 0), -r.figures.workshops))
    return Workshops(by_landlord, by_qpv, _figures(total), int(missing))


def priorities(session: Session, territories: Territories, ids: list[int] | None) -> Priorities:
    """Landlords never approached (identified, no exchange), present where the
    association works, strongest priority first (:mod:`bailleurs_cli.ground.priority`)."""
    if not territories.configured:
        return Priorities(False, [], 0, {})
    from bailleurs_cli.ground.priority import priorities as ranked
    from bailleurs_cli.ground.priority import qpv_index

    index = qpv_index(session)
    found = ranked(session, territories, index)
    ll = Landlord.__table__.c  # type: ignore[attr-defined]
    never = {
        int(i)
        for (i,) in session.connection().execute(
            sa.select(ll.id).where(
                ll.stage == Stage.IDENTIFIED,
                ll.last_exchange_on.is_(None),
                ll.absorbed_by.is_(None),
                _within(ll.id, ids),
            )
        )
    }
    chosen = sorted(
        ((i, p) for i, p in found.items() if i in never and p.level > 0),
        key=lambda item: (item[1].sort_key(), item[0]),
    )
    by_level: dict[str, int] = {}
    for _, priority in chosen:
        by_level[priority.label] = by_level.get(priority.label, 0) + 1
    rows = [PriorityRow(i, p.label, p.explain(index)) for i, p in chosen[:LISTED]]
    return Priorities(True, rows, len(chosen), by_level)
