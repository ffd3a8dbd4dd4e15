"""The cell's form lists, marked, what its team's Problem leaves out for what others hold: a
request another team's roster fills that day ("(vol)"), and a shift without 11 hours' rest
against the person's shift in the week before or after ("(te weinig rust)"). Saving one is
refused, and nothing is stored."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import Assignment
from binnenwerk.services import rosters as service

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
    other = make.team("Den Haag", name="Team Ochtend")
    for t in (team, other):
        make.supervisor(t, work_types=[wt], weekdays=ALL_WEEK, window=("06:00", "23:30"))
    person = make.employee(team, work_types=[wt], weekdays=ALL_WEEK, window=("06:00", "23:00"),
                           max_minutes_per_day=600, first_name="Ilse", last_name="Rust")
    neighbour = make.employee(other, work_types=[wt], weekdays=ALL_WEEK, window=("06:00", "23:00"),
                              max_minutes_per_day=600, first_name="Bram", last_name="Buur")
    location = make.location("Den Haag", name="Garage Rijnstraat")
    late = make.request(location, wt, weekdays="1234567", start_date=MON - dt.timedelta(days=7),
                        start_minute=14 * 60, end_minute=22 * 60, headcount=1)
    early = make.request(location, wt, weekdays="1234567", start_date=MON - dt.timedelta(days=7),
                         start_minute=7 * 60, end_minute=13 * 60, break_minutes=0, headcount=1)
    planner = make.user("planner")
    db.session.commit()
    return type("World", (), dict(team=team, other=other, person=person, neighbour=neighbour, late=late,
                                  early=early, planner=planner))


def _assign(week: str, team, person, day: dt.date, request) -> None:
    roster = planning.get_or_create_roster(week, team.id)
    db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=day, request_id=request.id))
    db.session.commit()


def _options(client, world, day: dt.date) -> dict[str, str]:
    form = client.get(f"/rooster/cel?week={WEEK}&team={world.team.id}&employee={world.person.id}"
                      f"&date={day.isoformat()}")
    assert form.status_code == 200
    return dict(re.findall(r'<option value="(\d+)">([^<]*)</option>', form.get_data(as_text=True)))


def _save(client, world, day: dt.date, request) -> str:
    response = client.post("/rooster/cel", data={
        "week": WEEK, "team": world.team.id, "employee": world.person.id, "date": day.isoformat(),
        "request": str(request.id), "lock_version": 0,
    })
    assert response.status_code == 422
    return " ".join(response.get_data(as_text=True).split())


def _shifts(person) -> list[dt.date]:
    return db.session.scalars(db.select(Assignment.date).where(Assignment.employee_id == person.id)
                              .order_by(Assignment.date)).all()


def test_a_request_another_team_fills_is_listed_full_and_refused(client, login, world):
    _assign(WEEK, world.other, world.neighbour, TUE, world.early)  # the only place, in the other team's roster
    login(world.planner)
    options = _options(client, world, TUE)
    assert options[str(world.early.id)].endswith("07:00–13:00 (vol)")  # listed, and it says why
    assert options[str(world.late.id)].endswith("14:00–22:00")
    text = _save(client, world, TUE, world.early)
    assert ("Ilse Rust kan op dinsdag 8 december niet op deze aanvraag werken. Deze aanvraag is die dag al vol. "
            "Kies een andere dienst of vrij.") in text, text[:3000]
    assert re.search(r'<option selected value="%d">[^<]*07:00–13:00 \(vol\)</option>' % world.early.id, text)
    assert _shifts(world.person) == []


def test_a_shift_without_rest_against_next_mondays_is_listed_and_refused(client, login, world):
    _assign("2026-W51", world.team, world.person, SUN + dt.timedelta(days=1), world.early)  # from 07:00
    login(world.planner)
    options = _options(client, world, SUN)
    assert options[str(world.late.id)].endswith("14:00–22:00 (te weinig rust)")  # ends 9 hours before
    assert options[str(world.early.id)].endswith("07:00–13:00")
    text = _save(client, world, SUN, world.late)
    assert "Ilse Rust kan op zondag 13 december niet op deze aanvraag werken." in text, text[:3000]
    assert _shifts(world.person) == [SUN + dt.timedelta(days=1)]


def test_a_shift_without_rest_against_the_sunday_before_is_listed_and_refused(client, login, world):
    _assign("2026-W49", world.team, world.person, MON - dt.timedelta(days=1), world.late)  # until 22:00
    login(world.planner)
    options = _options(client, world, MON)
    assert options[str(world.early.id)].endswith("07:00–13:00 (te weinig rust)")
    assert options[str(world.late.id)].endswith("14:00–22:00")
    text = _save(client, world, MON, world.early)
    assert "Ilse Rust kan op maandag 7 december niet op deze aanvraag werken." in text, text[:3000]
    assert _shifts(world.person) == [MON - dt.timedelta(days=1)]


def test_a_day_nothing_outside_cuts_builds_one_problem(world, monkeypatch):
    """The Problem without what others hold is built only when the day can miss something for it."""
    builds = []
    real = planning.build_problem
    monkeypatch.setattr(planning, "build_problem", lambda *a, **k: builds.append(k) or real(*a, **k))
    problem, idmap = real(WEEK, [world.team.id])
    listed, fits = service.cell_listed(problem, idmap, WEEK, world.team.id, world.person.id, TUE)
    assert builds == [] and {q.id for q in listed} == fits == {world.late.id, world.early.id}
    _assign(WEEK, world.other, world.neighbour, TUE, world.early)
    problem, idmap = real(WEEK, [world.team.id])
    listed, fits = service.cell_listed(problem, idmap, WEEK, world.team.id, world.person.id, TUE)
    assert builds == [{"uncut": True}]
    assert [q.id for q in listed] == sorted([world.late.id, world.early.id]) and fits == {world.late.id}
