"""A repair changes as little as it can: a told shift is not moved for contract hours alone.

QA finding: a repair from an earlier day than the absence moved two published Monday shifts to
a longer request, gaining 510 contract minutes, because republish_change (200) weighed less than
contract_gap (1 a minute) over any shift of more than 200 minutes. The app now sends, with a
published week, republish_change above the longest shift's worked minutes (planning._weights)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import JobStatus, Roster
from binnenwerk.services import feeds

from .test_rosters_flow import fast_solver, repair_via_page, solve_via_page  # noqa: F401  (autouse fixture)

WEEK = "2026-W50"
MON = dt.date(2026, 12, 7)
WED = dt.date(2026, 12, 9)


def monday(team) -> dict[int, int]:
    db.session.expire_all()
    roster = db.session.scalar(select(Roster).where(Roster.week == WEEK, Roster.team_id == team.id))
    return {a.employee_id: a.request_id for a in roster.assignments if a.date == MON}


@pytest.fixture
def told(make, monkeypatch, client, login):
    """Anna and Bram are told a short Monday shift (4 hours, 240 minutes); then the ministry's
    longer Monday request (8.5 hours worked, 510 minutes) is accepted, for as many people at the
    same priority: either way two places stay empty, only contract hours differ. Cees falls ill
    on Wednesday."""
    wt = make.work_type("keyboards")
    team = make.team("Den Haag", name="Team A")
    make.supervisor(team, work_types=[wt])
    loc = make.location("Den Haag", name="Rijnstraat 8")
    anna, bram, cees = (make.employee(team, work_types=[wt], first_name=n, last_name="Test", max_minutes_per_day=510)
                        for n in ("Anna", "Bram", "Cees"))
    short = make.request(loc, wt, weekdays="1", headcount=2, start_minute=9 * 60, end_minute=13 * 60,
                         break_minutes=0, start_date=MON, end_date=MON)
    make.request(loc, wt, weekdays="3", headcount=1, start_date=MON, end_date=WED)
    planner = make.user("planner")
    db.session.commit()
    monkeypatch.setattr(feeds, "local_today", lambda: dt.date(2026, 12, 5))
    login(planner)
    assert solve_via_page(client, team).status == JobStatus.FINISHED.value
    assert sorted(monday(team).values()) == [short.id, short.id]
    roster = db.session.scalar(select(Roster).where(Roster.week == WEEK, Roster.team_id == team.id))
    assert client.post("/rooster/publiceren", data={"week": WEEK, "team": team.id,
                                                     "lock_version": roster.lock_version}).status_code == 302
    make.request(loc, wt, weekdays="1", headcount=2, start_minute=8 * 60, end_minute=17 * 60,
                 break_minutes=30, start_date=MON, end_date=MON)
    make.absence(cees, start=WED)
    db.session.commit()
    return type("Told", (), dict(team=team, short=short, people=(anna, bram, cees)))


def test_a_repair_from_an_earlier_day_keeps_that_days_told_shifts_for_contract_hours(client, told):
    before = monday(told.team)
    job = repair_via_page(client, told.team, MON)
    assert job.status == JobStatus.FINISHED.value, job.error
    after = monday(told.team)
    # Whoever was free on Monday fills the longer request (a shortfall less); the told shifts stay.
    assert {who: request for who, request in after.items() if who in before} == before
    assert len(after) == 3


def test_the_weight_of_a_told_shift_lies_between_the_longest_shift_and_a_shortfall(told):
    problem, _ = planning.build_problem(WEEK, [told.team.id], repair_from=MON)
    longest = max(q.worked_minutes for q in problem.requests)
    assert longest == 510 and problem.published
    assert longest < problem.weights["republish_change"] < problem.weights["shortfall"]
    unpublished, _ = planning.build_problem("2026-W51", [told.team.id])
    assert unpublished.weights["republish_change"] == 200  # nothing told: the format's default
