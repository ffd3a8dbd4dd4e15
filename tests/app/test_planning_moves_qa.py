"""Planning after someone moved to another team while the old team's rosters still hold them.

The new team's solve leaves the days they hold in another team's roster free (one shift a day, in
whichever roster), and lowers their week's contract by those shifts. A repair of the old team keeps
what it holds before the repair day, the moved person's shifts too. A solve of a week partly gone
by leaves the days gone by as they are.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

import scheduling
from binnenwerk import jobs, planning
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, JobStatus, Roster, SolveJob, SupervisionAssignment
from binnenwerk.services import feeds

WED = dt.date(2026, 12, 9)  # today, week 50
MON_50 = dt.date(2026, 12, 7)
TUE_50 = dt.date(2026, 12, 8)
THU_50 = dt.date(2026, 12, 10)
WEEK_50 = "2026-W50"
WEEK_51 = "2026-W51"
MON_51 = dt.date(2026, 12, 14)
TUE_51 = dt.date(2026, 12, 15)
WED_51 = dt.date(2026, 12, 16)
THU_51 = dt.date(2026, 12, 17)
SHIFT = 6 * 60 - 30  # 09:00-15:00 with half an hour's break


@pytest.fixture(autouse=True)
def fast_solver(app, monkeypatch):
    app.config.update(SOLVE_DETERMINISTIC=True, SOLVE_WORKERS=1, SOLVE_TIME_LIMIT=2.0, REDIS_URL="")
    monkeypatch.setattr(feeds, "local_today", lambda: WED)


@pytest.fixture
def world(make):
    """Team Oud (Sanne, Piet) and Team Nieuw (Kees), each with its leader; a request for two
    people on Mondays to Thursdays, 09:00-15:00."""
    wt = make.work_type(name_nl="Toetsenborden reinigen")
    place = make.location("Den Haag", name="Rijnstraat 8")
    old = make.team("Den Haag", name="Team Oud")
    new = make.team("Den Haag", name="Team Nieuw")
    make.supervisor(old, work_types=[wt], name="Leider Oud")
    make.supervisor(new, work_types=[wt], name="Leider Nieuw")
    sanne = make.employee(old, work_types=[wt], first_name="Sanne", last_name="de Vries")
    piet = make.employee(old, work_types=[wt], first_name="Piet", last_name="Jansen")
    kees = make.employee(new, work_types=[wt], first_name="Kees", last_name="Bakker")
    request = make.request(place, wt, weekdays="1234", headcount=2, start_date=MON_50,
                           end_date=dt.date(2026, 12, 31))
    db.session.commit()
    return type("World", (), dict(wt=wt, place=place, old=old, new=new, sanne=sanne, piet=piet, kees=kees,
                                  request=request))


def roster(world, week: str, team, shifts: dict) -> Roster:
    """`team`'s roster of `week` holding `shifts` ({(employee, day): request})."""
    found = Roster(week=week, team=team)
    db.session.add(found)
    db.session.flush()
    for (employee, day), request in shifts.items():
        db.session.add(Assignment(roster_id=found.id, employee_id=employee.id, date=day, request_id=request.id))
    db.session.commit()
    return found


def move(employee, team) -> None:
    """As the employee form's move does: at once, the old rosters keep their shifts."""
    employee.team_id = team.id
    db.session.commit()


def run_job(week: str, team, repair_from: dt.date | None = None) -> SolveJob:
    job = jobs.create_job(week, team.id, repair_from=repair_from, time_limit=5)
    jobs.run(job.id)
    db.session.expire_all()
    return db.session.get(SolveJob, job.id)


def shifts(week: str, team) -> dict:
    db.session.expire_all()
    found = db.session.scalar(select(Roster).where(Roster.week == week, Roster.team_id == team.id))
    return {} if found is None else {(a.employee_id, a.date): a.request_id for a in found.assignments}


# --- the new team: the days held in the old team's roster are not free ----------------------------


def test_planning_the_new_team_leaves_the_days_held_in_the_old_roster_free(world):
    roster(world, WEEK_51, world.old, {(world.sanne, MON_51): world.request})
    move(world.sanne, world.new)

    job = run_job(WEEK_51, world.new)

    assert job.status == JobStatus.FINISHED.value, job.error
    planned = shifts(WEEK_51, world.new)
    assert (world.sanne.id, MON_51) not in planned  # she works Monday in Team Oud's roster
    assert {d for (e, d) in planned if e == world.sanne.id} == {TUE_51, WED_51, THU_51}
    assert shifts(WEEK_51, world.old) == {(world.sanne.id, MON_51): world.request.id}


def test_the_problem_has_no_availability_and_less_contract_for_a_day_held_elsewhere(world):
    world.sanne.contract_minutes = 2 * SHIFT
    db.session.commit()
    roster(world, WEEK_51, world.old, {(world.sanne, MON_51): world.request})
    move(world.sanne, world.new)

    problem, _ = planning.build_problem(WEEK_51, [world.new.id])

    sanne = next(e for e in problem.employees if e.id == planning.eid(world.sanne.id))
    assert MON_51 not in sanne.availability and TUE_51 in sanne.availability
    assert sanne.contract_minutes == SHIFT  # one of her two shifts is in Team Oud's roster


def test_a_late_shift_held_elsewhere_keeps_the_rest_before_the_next_morning(world, make):
    late = make.request(world.place, world.wt, weekdays="1", headcount=1, start_minute=14 * 60,
                        end_minute=23 * 60, break_minutes=30, start_date=MON_51, end_date=MON_51)
    roster(world, WEEK_51, world.old, {(world.sanne, MON_51): late})
    move(world.sanne, world.new)

    problem, _ = planning.build_problem(WEEK_51, [world.new.id])

    sanne = next(e for e in problem.employees if e.id == planning.eid(world.sanne.id))
    # Until 23:00 on Monday: eleven hours' rest, so not before 10:00 on Tuesday.
    assert all(start >= 10 * 60 for start, _end in sanne.availability[TUE_51])


def test_planning_both_teams_moves_the_shift_into_the_new_teams_roster(make):
    """Kees moved from Team Later (made last) to Team Eerst, and Team Later's roster still holds
    his Thursday: a solve of every team may give him that shift in Team Eerst's roster. The
    old row goes before the new one comes, whichever team is saved first."""
    wt = make.work_type()
    place = make.location("Zwolle")
    first, later = make.team("Zwolle", name="Team Eerst"), make.team("Zwolle", name="Team Later")
    make.supervisor(first, work_types=[wt])
    make.supervisor(later, work_types=[wt])
    kees = make.employee(later, work_types=[wt], first_name="Kees")
    thursday = make.request(place, wt, weekdays="4", headcount=1, start_date=THU_51, end_date=THU_51)
    db.session.commit()
    world = type("World", (), {})
    roster(world, WEEK_51, later, {(kees, THU_51): thursday})
    move(kees, first)

    problem, idmap = planning.build_problem(WEEK_51, [first.id, later.id])
    solution = scheduling.solve(problem, time_limit=2, workers=1, deterministic=True)
    planning.apply_solution(WEEK_51, idmap, solution)

    assert shifts(WEEK_51, first) == {(kees.id, THU_51): thursday.id}
    assert shifts(WEEK_51, later) == {}


# --- the old team: a repair keeps what is before its day --------------------------------------------


def test_a_repair_of_the_old_team_keeps_the_moved_persons_shifts_before_the_repair_day(world):
    roster(world, WEEK_51, world.old, {(world.sanne, MON_51): world.request,
                                       (world.sanne, THU_51): world.request,
                                       (world.piet, MON_51): world.request})
    move(world.sanne, world.new)

    job = run_job(WEEK_51, world.old, repair_from=WED_51)

    assert job.status == JobStatus.FINISHED.value, job.error
    planned = shifts(WEEK_51, world.old)
    assert planned[(world.sanne.id, MON_51)] == world.request.id  # before the repair day: as it was
    assert planned[(world.piet.id, MON_51)] == world.request.id
    assert (world.sanne.id, THU_51) not in planned  # from the repair day on: planned again without her
    assert not [d for (e, d) in planned if d == TUE_51]  # nobody added before the repair day


def test_a_repair_keeps_the_shifts_before_its_day_whose_request_no_longer_asks(world, make):
    """Monday's request was stopped since: a repair from Wednesday does not rewrite Monday."""
    stopped = make.request(world.place, world.wt, weekdays="1", headcount=1, start_date=MON_51, end_date=MON_51)
    roster(world, WEEK_51, world.old, {(world.piet, MON_51): stopped})
    stopped.status = "geannuleerd"
    db.session.commit()

    job = run_job(WEEK_51, world.old, repair_from=WED_51)

    assert job.status == JobStatus.FINISHED.value, job.error
    planned = shifts(WEEK_51, world.old)
    assert planned[(world.piet.id, MON_51)] == stopped.id
    assert (world.sanne.id, MON_51) not in planned  # nobody added before the repair day


# --- a week partly gone by: the days gone by stay as they are -----------------------------------------


def solve_and_save(week: str, team, **kwargs):
    problem, idmap = planning.build_problem(week, [team.id], **kwargs)
    solution = scheduling.solve(problem, time_limit=2, workers=1, deterministic=True)
    assert solution.status in ("OPTIMAL", "FEASIBLE")
    planning.apply_solution(week, idmap, solution)


def test_a_solve_of_a_week_partly_gone_by_leaves_the_days_gone_by_as_they_are(world):
    """Today is Wednesday: Monday holds Piet and Sanne (moved out since), Tuesday nobody. The
    solve plans Wednesday on, and leaves Monday and Tuesday as they were."""
    before = roster(world, WEEK_50, world.old, {(world.sanne, MON_50): world.request,
                                                (world.piet, MON_50): world.request})
    rows = {(a.employee_id, a.date): a.id for a in before.assignments}
    move(world.sanne, world.new)

    solve_and_save(WEEK_50, world.old, keep_gone_by=True)

    db.session.expire_all()
    kept = {(a.employee_id, a.date): a.id for a in db.session.get(Roster, before.id).assignments if a.date < WED}
    assert kept == rows  # the same rows, untouched
    planned = shifts(WEEK_50, world.old)
    assert (world.piet.id, WED) in planned and (world.piet.id, THU_50) in planned


def test_the_solve_job_of_a_week_partly_gone_by_leaves_the_days_gone_by_as_they_are(world):
    before = roster(world, WEEK_50, world.old, {(world.piet, MON_50): world.request})
    row = before.assignments[0].id

    job = run_job(WEEK_50, world.old)

    assert job.status == JobStatus.FINISHED.value, job.error
    planned = shifts(WEEK_50, world.old)
    assert not [d for (e, d) in planned if d == TUE_50]  # nobody planned on a day gone by
    assert db.session.get(Assignment, row) is not None and (world.piet.id, MON_50) in planned
    assert {d for (e, d) in planned if d >= WED} == {WED, THU_50}


def test_the_supervision_of_the_days_gone_by_stays_as_it_was(world, make):
    """Whoever led Monday led it: a solve on Wednesday does not put someone else there."""
    stand_in = make.supervisor(None, region="Den Haag", work_types=[world.wt], name="Olaf Kaya")
    before = roster(world, WEEK_50, world.old, {(world.piet, MON_50): world.request})
    db.session.add(SupervisionAssignment(roster_id=before.id, supervisor_id=stand_in.id, date=MON_50,
                                         location_id=world.place.id, team_id=world.old.id))
    db.session.commit()

    solve_and_save(WEEK_50, world.old, keep_gone_by=True)

    db.session.expire_all()
    leads = {s.date: s.supervisor_id for s in db.session.get(Roster, before.id).supervision}
    assert leads[MON_50] == stand_in.id


def test_a_week_entirely_gone_by_can_still_be_planned(world, monkeypatch):
    """What really happened counts in the reports: a past week may be planned (the roster page
    says it is over), and then its days are planned like any other."""
    monkeypatch.setattr(feeds, "local_today", lambda: dt.date(2026, 12, 21))

    solve_and_save(WEEK_50, world.old, keep_gone_by=True)

    assert {d for (e, d) in shifts(WEEK_50, world.old)} == {MON_50, TUE_50, WED, THU_50}
