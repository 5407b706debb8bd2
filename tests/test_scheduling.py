"""The ranking behind ``next``: a pure function of rows and today."""

from __future__ import annotations

from datetime import date, timedelta

from bailleurs_cli.enums import Reason
from bailleurs_cli.followup.scheduling import Candidate, rank

TODAY = date(2026, 11, 23)


def row(
    slug: str, *, stage: str = "contacte", due: int | None = None, last: int | None = -1
) -> Candidate:
    return Candidate(
        slug=slug,
        name=slug.upper(),
        stage=stage,
        stage_since=TODAY - timedelta(days=30),
        next_action="Relancer" if due is not None or stage != "identifie" else "Premier contact",
        next_due=TODAY + timedelta(days=due) if due is not None else None,
        last_exchange_on=TODAY + timedelta(days=last) if last is not None else None,
        person=None,
    )


def test_order_is_overdue_today_soon_never_contacted_stale() -> None:
    rows = [
        row("stale", stage="proposition", due=40, last=-60),
        row("never", stage="identifie", due=None, last=None),
        row("soon", due=3),
        row("late2", due=-2),
        row("today", due=0),
        row("late9", due=-9),
        row("later", due=30),
        row("parked", stage="refus", due=None),
    ]
    ranked = rank(rows, today=TODAY, days=7, stale_after_days=45)
    assert [(i.landlord, i.reason) for i in ranked] == [
        ("late9", Reason.OVERDUE),
        ("late2", Reason.OVERDUE),
        ("today", Reason.TODAY),
        ("soon", Reason.SOON),
        ("never", Reason.NEVER_CONTACTED),
        ("stale", Reason.STALE),
    ]
    assert ranked[0].days_late == 9
    assert ranked[-1].silent_days == 60


def test_horizon_and_include_later() -> None:
    rows = [row("soon", due=10)]
    assert rank(rows, today=TODAY, days=7, stale_after_days=45) == []
    assert [i.landlord for i in rank(rows, today=TODAY, days=14, stale_after_days=45)] == ["soon"]
    later = rank(rows, today=TODAY, days=7, stale_after_days=45, include_later=True)
    assert [(i.landlord, i.reason) for i in later] == [("soon", Reason.LATER)]


def test_stale_only_in_discussion_proposal_partner() -> None:
    rows = [
        row("contacted", stage="contacte", due=40, last=-100),
        row("partner", stage="partenaire", due=40, last=-46),
        row("fresh", stage="en_discussion", due=40, last=-44),
    ]
    assert [i.landlord for i in rank(rows, today=TODAY, days=7, stale_after_days=45)] == ["partner"]


def test_json_keys_and_iso_dates() -> None:
    [item] = rank([row("late", due=-3)], today=TODAY, days=7, stale_after_days=45)
    assert item.as_json() == {
        "landlord": "late",
        "name": "LATE",
        "person": None,
        "action": "Relancer",
        "due": "2026-11-20",
        "days_late": 3,
        "reason": "en_retard",
        "stage": "contacte",
        "stage_since": "2026-10-24",
        "priority": None,
    }
