"""The Arbeidstijdenwet's 11 hours of rest between shifts: asked of the optimiser, kept across the
week's edges, and refused in a manual edit."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, Roster

WEEK = "2026-W50"
# Written when 2026-W50 was to come: the app's clock stays before its Monday's work.
pytestmark = pytest.mark.usefixtures("before_work_on_7_december")
MON = dt.date(2026, 12, 7)
TUE = MON + dt.timedelta(days=1)
SUN = MON + dt.timedelta(days=6)
ALL_WEEK = (1, 2, 3, 4, 5, 6, 7)


@pytest.fixture
def world(make):
    wt = make.work_type("carwash")
    team = make.team("Den Haag", name="Team Avond")
    make.supervisor(team, work_types=[wt], weekdays=ALL_WEEK, window=("06:00", "23:30"))
    person = make.employee(team, work_types=[wt], weekdays=ALL_WEEK, window=("06:00", "23:00"),
                           max_minutes_per_day=600, first_name="Ilse", last_name="Rust")
    location = make.location("Den Haag", name="Garage Rijnstraat")
    late = make.request(location, wt, weekdays="1234567", start_date=MON - dt.timedelta(days=7),
                        start_minute=14 * 60, end_minute=22 * 60, headcount=1)
    early = make.request(location, wt, weekdays="1234567", start_date=MON - dt.timedelta(days=7),
                         start_minute=7 * 60, end_minute=13 * 60, break_minutes=0, headcount=1)
    planner = make.user("planner")
    db.session.commit()
    return type("World", (), dict(team=team, person=person, late=late, early=early, planner=planner))


def _assign(week: str, team, person, day: dt.date, request) -> None:
    roster = planning.get_or_create_roster(week, team.id)
    db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=day, request_id=request.id))
    db.session.commit()


def test_the_problem_asks_for_eleven_hours_and_keeps_them_across_the_weeks_edges(world):
    _assign("2026-W49", world.team, world.person, MON - dt.timedelta(days=1), world.late)  # until 22:00
    _assign("2026-W51", world.team, world.person, SUN + dt.timedelta(days=1), world.early)  # from 07:00
    problem, _ = planning.build_problem(WEEK, [world.team.id])
    assert problem.min_rest_minutes == 11 * 60
    availability = next(e for e in problem.employees if e.id == f"e-{world.person.id}").availability
    assert availability[MON] == ((9 * 60, 23 * 60),)  # 22:00 + 11 hours
    assert availability[SUN] == ((6 * 60, 20 * 60),)  # 07:00 - 11 hours
    assert availability[TUE] == ((6 * 60, 23 * 60),)


def test_the_optimiser_leaves_eleven_hours_between_a_late_and_an_early_shift(world):
    """A late shift on Monday and an early one on Tuesday, one person: planned from the app,
    only one of them is hers (both would fill more requests, but leave 9 hours of rest)."""
    world.late.weekdays, world.early.weekdays = "1", "2"
    db.session.commit()
    problem, _ = planning.build_problem(WEEK, [world.team.id])
    from scheduling import solve

    solution = solve(problem, time_limit=10, workers=1, deterministic=True)
    assert solution.status == "OPTIMAL"
    assert [a.date for a in solution.assignments] in ([MON], [TUE])
    assert len(solution.shortfall) == 1


def test_a_manual_edit_that_leaves_too_little_rest_is_refused(client, login, world):
    login(world.planner)
    _assign(WEEK, world.team, world.person, MON, world.late)
    roster = db.session.scalar(db.select(Roster).where(Roster.week == WEEK, Roster.team_id == world.team.id))
    form = client.get(f"/rooster/cel?week={WEEK}&team={world.team.id}&employee={world.person.id}&date={TUE.isoformat()}")
    options = dict(re.findall(r'<option value="(\d+)">([^<]*)</option>', form.get_data(as_text=True)))
    assert options[str(world.early.id)].endswith("07:00–13:00 (te weinig rust)")  # marked before choosing
    assert options[str(world.late.id)].endswith("14:00–22:00")
    response = client.post("/rooster/cel", data={
        "week": WEEK, "team": world.team.id, "employee": world.person.id, "date": TUE.isoformat(),
        "request": str(world.early.id), "lock_version": roster.lock_version,
    })
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r"Dit kan niet: Ilse Rust heeft dan geen 11 uur rust tussen twee diensten \(Arbeidstijdenwet\)\.",
                     text), text[:2000]
    assert db.session.scalars(db.select(Assignment.date).where(Assignment.employee_id == world.person.id)).all() == [MON]


def test_an_option_over_the_weeks_contract_is_marked_before_choosing(client, login, world):
    """Three late shifts (7.5 hours each) stand; a contract of 29 hours 10 minutes leaves room for
    Tuesday's early shift (6 hours) but not for another late one."""
    world.person.contract_minutes = 1750
    db.session.commit()
    for day in (MON + dt.timedelta(days=2), MON + dt.timedelta(days=3), MON + dt.timedelta(days=4)):
        _assign(WEEK, world.team, world.person, day, world.late)
    login(world.planner)
    form = client.get(f"/rooster/cel?week={WEEK}&team={world.team.id}&employee={world.person.id}&date={TUE.isoformat()}")
    options = dict(re.findall(r'<option value="(\d+)">([^<]*)</option>', form.get_data(as_text=True)))
    assert options[str(world.late.id)].endswith("14:00–22:00 (meer dan het contract)")
    assert options[str(world.early.id)].endswith("07:00–13:00")


def test_a_shift_of_a_withdrawn_request_does_not_count_towards_the_mark(client, login, world, make):
    """As the grid's hours column: a shift whose request was cancelled since brings no hours."""
    from binnenwerk.models import RequestStatus

    world.person.contract_minutes = 1750
    gone = make.request(make.location("Den Haag", name="Oud"), world.late.work_type, weekdays="1234567",
                        start_date=MON - dt.timedelta(days=7), start_minute=14 * 60, end_minute=22 * 60)
    db.session.commit()
    for day in (MON + dt.timedelta(days=2), MON + dt.timedelta(days=3)):
        _assign(WEEK, world.team, world.person, day, world.late)
    _assign(WEEK, world.team, world.person, MON + dt.timedelta(days=4), gone)
    gone.status = RequestStatus.CANCELLED.value
    db.session.commit()
    login(world.planner)
    form = client.get(f"/rooster/cel?week={WEEK}&team={world.team.id}&employee={world.person.id}&date={TUE.isoformat()}")
    options = dict(re.findall(r'<option value="(\d+)">([^<]*)</option>', form.get_data(as_text=True)))
    assert options[str(world.late.id)].endswith("14:00–22:00")  # 2 x 7.5 h + 7.5 h fits 29 h 10 min
