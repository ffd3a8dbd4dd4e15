"""The 11 hours of rest are real hours in the app too: the night the clocks go forward is an hour
shorter than the clock says, the night they go back an hour longer (Europe/Amsterdam)."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, Roster
from binnenwerk.services import feeds

SPRING_SAT, SPRING_SUN = dt.date(2026, 3, 28), dt.date(2026, 3, 29)  # 02:00 -> 03:00 that Sunday
AUTUMN_SAT, AUTUMN_SUN = dt.date(2026, 10, 24), dt.date(2026, 10, 25)  # 03:00 -> 02:00 that Sunday
ALL_WEEK = (1, 2, 3, 4, 5, 6, 7)


def _week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


@pytest.fixture
def weekend(make, monkeypatch):
    """Builds one person's Saturday late shift and Sunday early one, the week still to come."""

    def build(saturday: dt.date, late: str, early: str):
        today = saturday - dt.timedelta(days=14)
        monkeypatch.setattr(feeds, "local_today", lambda: today)
        noon = dt.datetime.combine(today, dt.time(12), ZoneInfo("Europe/Amsterdam"))
        monkeypatch.setattr(feeds, "local_now", lambda: noon)
        wt = make.work_type("carwash")
        team = make.team("Den Haag", name="Team Weekend")
        make.supervisor(team, work_types=[wt], weekdays=ALL_WEEK, window=("06:00", "23:30"))
        person = make.employee(team, work_types=[wt], weekdays=ALL_WEEK, window=("06:00", "23:00"),
                               max_minutes_per_day=600, first_name="Ilse", last_name="Rust")
        location = make.location("Den Haag", name="Garage Rijnstraat")
        shifts = []
        for weekday, hours in (("6", late), ("7", early)):
            start, end = hours.split("-")
            shifts.append(make.request(location, wt, weekdays=weekday, start_date=saturday - dt.timedelta(days=7),
                                       end_date=saturday + dt.timedelta(days=7), start_minute=_hm(start),
                                       end_minute=_hm(end), break_minutes=0, headcount=1))
        planner = make.user("planner")
        db.session.commit()
        roster = planning.get_or_create_roster(_week(saturday), team.id)
        db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=saturday, request_id=shifts[0].id))
        db.session.commit()
        return type("Weekend", (), dict(team=team, person=person, late=shifts[0], early=shifts[1], planner=planner,
                                        week=_week(saturday), sunday=saturday + dt.timedelta(days=1)))

    return build


def _options(client, w) -> dict[str, str]:
    form = client.get(f"/rooster/cel?week={w.week}&team={w.team.id}&employee={w.person.id}&date={w.sunday.isoformat()}")
    assert form.status_code == 200
    return dict(re.findall(r'<option value="(\d+)">([^<]*)</option>', form.get_data(as_text=True)))


def _save_early(client, w):
    roster = db.session.scalar(db.select(Roster).where(Roster.week == w.week, Roster.team_id == w.team.id))
    return client.post("/rooster/cel", data={
        "week": w.week, "team": w.team.id, "employee": w.person.id, "date": w.sunday.isoformat(),
        "request": str(w.early.id), "lock_version": roster.lock_version,
    })


def _days_worked(w) -> list[dt.date]:
    return sorted(db.session.scalars(db.select(Assignment.date).where(Assignment.employee_id == w.person.id)))


def test_the_cell_editor_refuses_the_spring_night_that_is_eleven_hours_on_the_clock_only(client, login, weekend):
    # Saturday until 22:00, Sunday from 09:00: 11 hours on the clock, but the clocks go forward.
    w = weekend(SPRING_SAT, "14:00-22:00", "09:00-13:00")
    login(w.planner)
    assert _options(client, w)[str(w.early.id)].endswith("09:00–13:00 (te weinig rust)")
    response = _save_early(client, w)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ilse Rust heeft dan geen 11 uur rust tussen twee diensten (Arbeidstijdenwet)" in text, text[:2000]
    assert _days_worked(w) == [SPRING_SAT]


def test_the_cell_editor_allows_the_autumn_night_that_is_eleven_and_a_half_real_hours(client, login, weekend):
    # Saturday until 21:00, Sunday from 07:30: 10.5 hours on the clock, the clocks go back an hour.
    w = weekend(AUTUMN_SAT, "13:00-21:00", "07:30-12:00")
    login(w.planner)
    assert _options(client, w)[str(w.early.id)].endswith("07:30–12:00")
    response = _save_early(client, w)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert _days_worked(w) == [AUTUMN_SAT, AUTUMN_SUN]


@pytest.mark.parametrize("saturday,late,early,together", [
    (SPRING_SAT, "14:00-22:00", "09:00-13:00", False),
    (AUTUMN_SAT, "13:00-21:00", "07:30-12:00", True),
])
def test_the_optimiser_from_the_app_counts_real_rest(weekend, saturday, late, early, together):
    from scheduling import solve

    w = weekend(saturday, late, early)
    db.session.execute(db.delete(Assignment))
    db.session.commit()
    problem, _ = planning.build_problem(w.week, [w.team.id])
    solution = solve(problem, time_limit=10, workers=1, deterministic=True)
    assert solution.status == "OPTIMAL"
    days = sorted(a.date for a in solution.assignments if a.employee == f"e-{w.person.id}")
    assert len(days) == (2 if together else 1), days


@pytest.mark.parametrize("day,start,end,cuts", [
    # A shift held elsewhere (a repair keeps it): the part of the next or previous day it leaves no rest for.
    (SPRING_SAT, "14:00", "22:00", [(SPRING_SUN, (0, _hm("10:00")))]),  # 22:00 winter + 11 h = 10:00 summer
    (SPRING_SUN, "09:00", "13:00", [(SPRING_SAT, (_hm("21:00"), 24 * 60))]),
    (AUTUMN_SAT, "13:00", "21:00", [(AUTUMN_SUN, (0, _hm("07:00")))]),  # 21:00 summer + 11 h = 07:00 winter
    (AUTUMN_SUN, "07:30", "12:00", [(AUTUMN_SAT, (_hm("21:30"), 24 * 60))]),
    (dt.date(2026, 6, 20), "09:00", "15:00", [(dt.date(2026, 6, 19), (_hm("22:00"), 24 * 60)),
                                               (dt.date(2026, 6, 21), (0, _hm("02:00")))]),
])
def test_the_rest_cut_from_the_days_around_a_held_shift_is_real_time(day, start, end, cuts):
    assert planning._rest_cuts(day, _hm(start), _hm(end)) == cuts
