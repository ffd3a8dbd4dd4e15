"""Planning the next week keeps each place's team leader of last week (QA: team leaders changed
week to week for no reason, as the optimiser had no continuity for who leads and the app sent
no previous supervision). build_problem sends last week's supervision rows as the Problem's
previous_supervision, each weekday from the week planning.weeks_back gives it."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from scheduling.domain import PreviousSupervision

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, JobStatus, Roster, SupervisionAssignment
from binnenwerk.services import feeds

from .test_rosters_flow import fast_solver, solve_via_page  # noqa: F401  (autouse fixture)

LAST, NEXT = "2026-W51", "2026-W52"
MON_LAST = dt.date(2026, 12, 14)


@pytest.fixture
def last_week(make, monkeypatch):
    """Team Den Haag 1 works at two places every weekday, two people at each; its leader Tineke
    and the region's stand-in Olaf took turns at the places last week (W51)."""
    wt = make.work_type("keyboards")
    team = make.team("Den Haag", name="Team Den Haag 1")
    tineke = make.supervisor(team, work_types=[wt], name="Tineke")
    olaf = make.supervisor(None, region="Den Haag", work_types=[wt], name="Olaf")
    here, there = make.location("Den Haag"), make.location("Den Haag")
    people = [make.employee(team, work_types=[wt], contract_minutes=5 * 330) for _ in range(4)]
    requests = {loc.id: make.request(loc, wt, headcount=2, start_date=MON_LAST, end_date=dt.date(2027, 1, 31))
                for loc in (here, there)}
    roster = Roster(week=LAST, team_id=team.id)
    db.session.add(roster)
    db.session.flush()
    leads = {}
    for n in range(5):
        day = MON_LAST + dt.timedelta(days=n)
        for i, person in enumerate(people):
            loc = here if i < 2 else there
            db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=day,
                                      request_id=requests[loc.id].id))
        first, second = (olaf, tineke) if n % 2 == 0 else (tineke, olaf)
        for who, loc in ((first, here), (second, there)):
            db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=who.id, date=day,
                                                 location_id=loc.id, team_id=team.id))
            leads[(day.isoweekday(), loc.id)] = who.id
    db.session.commit()
    monkeypatch.setattr(feeds, "local_today", lambda: dt.date(2026, 12, 12))
    return type("LastWeek", (), dict(team=team, leads=leads, tineke=tineke, olaf=olaf, here=here, there=there))


def test_planning_the_next_week_keeps_each_places_leader_of_last_week(client, login, make, last_week):
    login(make.user("planner"))
    assert solve_via_page(client, last_week.team, week=NEXT).status == JobStatus.FINISHED.value
    db.session.expire_all()
    roster = db.session.scalar(select(Roster).where(Roster.week == NEXT, Roster.team_id == last_week.team.id))
    led = {(s.date.isoweekday(), s.location_id): s.supervisor_id for s in roster.supervision}
    # Friday 25 December is Christmas Day: nobody works; Monday to Thursday as last week.
    assert led == {key: who for key, who in last_week.leads.items() if key[0] <= 4}


def test_the_problem_says_who_led_where_each_weekday(last_week):
    problem, _ = planning.build_problem(NEXT, [last_week.team.id])
    expected = {PreviousSupervision(planning.sid(who), weekday, planning.lid(loc), planning.tid(last_week.team.id))
                for (weekday, loc), who in last_week.leads.items()}
    assert set(problem.previous_supervision) == expected
    # Past New Year's Day (and Christmas Day) Friday's leaders are those of 18 December.
    after, _ = planning.build_problem("2027-W01", [last_week.team.id])
    assert {p for p in after.previous_supervision if p.weekday == 5} == {p for p in expected if p.weekday == 5}
    assert not [p for p in after.previous_supervision if p.weekday != 5]  # no roster for 2026-W53


def test_a_leader_moved_to_another_team_since_is_left_out(make, last_week):
    last_week.tineke.team = make.team("Den Haag")
    db.session.commit()
    problem, _ = planning.build_problem(NEXT, [last_week.team.id])
    assert {p.supervisor for p in problem.previous_supervision} == {planning.sid(last_week.olaf.id)}
