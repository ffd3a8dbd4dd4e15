"""Continuity past a public holiday: the week after New Year's Day has its usual Friday.

2026-W53's Friday is 1 January and 2026-W52's is Christmas Day, so for 2027-W01's Friday the
last Friday worked as usual is 18 December (2026-W51). `previous` takes each weekday from the
latest earlier week in which it was no public holiday, as "Zelfde als vorige week" does
(planning.weeks_back); other weekdays still come from last week."""
from __future__ import annotations

import datetime as dt

from scheduling import Previous, solve

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, Roster

FRI_W51 = dt.date(2026, 12, 18)
MON_W51 = dt.date(2026, 12, 14)
MON_W53 = dt.date(2026, 12, 28)
FRI_W01 = dt.date(2027, 1, 8)


def _world(make):
    wt = make.work_type("keyboards")
    usual, other = make.location("Den Haag"), make.location("Den Haag")
    team = make.team("Den Haag")
    make.supervisor(team, work_types=[wt])
    e = make.employee(team, work_types=[wt])
    at = {loc.id: make.request(loc, wt, headcount=1, start_date=dt.date(2026, 12, 14),
                               end_date=dt.date(2027, 1, 31)) for loc in (usual, other)}
    rosters = {week: Roster(week=week, team_id=team.id) for week in ("2026-W51", "2026-W53")}
    db.session.add_all(rosters.values())
    db.session.flush()
    db.session.add_all([
        # The usual Friday place, then two Fridays off (Christmas Day, New Year's Day).
        Assignment(roster_id=rosters["2026-W51"].id, employee_id=e.id, date=FRI_W51, request_id=at[usual.id].id),
        # Monday: last week's (W53) counts, not the one before.
        Assignment(roster_id=rosters["2026-W51"].id, employee_id=e.id, date=MON_W51, request_id=at[usual.id].id),
        Assignment(roster_id=rosters["2026-W53"].id, employee_id=e.id, date=MON_W53, request_id=at[other.id].id),
    ])
    db.session.commit()
    return team, e, usual, other, at


def test_a_weekday_that_was_a_holiday_last_week_takes_the_week_it_last_was_worked(make):
    team, e, usual, other, _at = _world(make)
    problem, _ = planning.build_problem("2027-W01", [team.id])
    assert set(problem.previous) == {Previous(f"e-{e.id}", 5, f"l-{usual.id}", "keyboards"),
                                     Previous(f"e-{e.id}", 1, f"l-{other.id}", "keyboards")}


def test_the_week_after_new_year_keeps_the_usual_friday_place(make):
    """The QA's case: both places want one person on Friday and score the same but for
    continuity; the usual place wins."""
    team, e, usual, _other, at = _world(make)
    problem, _ = planning.build_problem("2027-W01", [team.id])
    solution = solve(problem, time_limit=10, workers=1, deterministic=True)
    friday = [a.request for a in solution.assignments if a.employee == f"e-{e.id}" and a.date == FRI_W01]
    assert friday == [planning.rid(at[usual.id].id)]


def test_weeks_back_skips_christmas_and_new_year():
    assert planning.weeks_back(FRI_W01) == 3
    assert planning.weeks_back(dt.date(2027, 1, 4)) == 1  # Monday 28 December was a working day


def test_a_place_archived_since_leaves_no_previous_entry_the_reader_refuses(make):
    """Last week's place archived (or moved to another region) since: the Problem names no place it
    does not hold, so its file is a valid one (plan export, then scheduling check or solve)."""
    from scheduling import problem_to_dict, read_problem

    team, e, usual, other, _at = _world(make)
    usual.archived = True
    db.session.commit()
    problem, _ = planning.build_problem("2027-W01", [team.id])
    assert set(problem.previous) == {Previous(f"e-{e.id}", 1, f"l-{other.id}", "keyboards")}
    assert read_problem(problem_to_dict(problem)).previous == problem.previous  # no "onbekende locatie"
