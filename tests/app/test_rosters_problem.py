"""Building the week's Problem: availability, holidays, contract dates, scope, pins, previous, published."""
from __future__ import annotations

import datetime as dt

from scheduling import AssignmentRef, Previous
from scheduling.io import problem_to_dict, read_problem

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import Absence, Assignment, PublishedShift, Roster

MON = dt.date(2026, 12, 7)


def test_availability_is_the_pattern_minus_absences_holidays_and_contract(make):
    wt = make.work_type("cleaning")
    team = make.team()
    whole = make.employee(team, work_types=[wt], window=("08:00", "17:00"))
    part = make.employee(team, work_types=[wt], window=("08:00", "17:00"))
    leaving = make.employee(team, work_types=[wt], contract_end=dt.date(2026, 12, 9))
    db.session.add_all([
        Absence(employee_id=whole.id, kind="verlof", start_date=MON, end_date=dt.date(2026, 12, 8)),
        Absence(employee_id=part.id, kind="afspraak", start_date=MON, end_date=MON, start_minute=12 * 60,
                end_minute=13 * 60),
    ])
    db.session.commit()
    problem, _ = planning.build_problem("2026-W50")
    by_id = {e.id: e for e in problem.employees}
    assert MON not in by_id[f"e-{whole.id}"].availability
    assert dt.date(2026, 12, 9) in by_id[f"e-{whole.id}"].availability
    assert by_id[f"e-{part.id}"].availability[MON] == ((8 * 60, 12 * 60), (13 * 60, 17 * 60))
    assert dt.date(2026, 12, 10) not in by_id[f"e-{leaving.id}"].availability
    assert dt.date(2026, 12, 9) in by_id[f"e-{leaving.id}"].availability
    # The format's reader accepts what we build.
    read_problem(problem_to_dict(problem))


def test_public_holidays_and_liberation_day_are_days_off(make):
    team = make.team()
    e = make.employee(team, weekdays=(1, 2, 3, 4, 5, 6, 7))
    db.session.commit()
    christmas, _ = planning.build_problem("2026-W52")
    days = christmas.employees[0].availability
    assert dt.date(2026, 12, 25) not in days and dt.date(2026, 12, 26) not in days
    assert dt.date(2026, 12, 24) in days
    may, _ = planning.build_problem("2026-W19")  # 5 May 2026 is a Tuesday, not a national holiday this year
    assert dt.date(2026, 5, 5) not in may.employees[0].availability
    assert dt.date(2026, 5, 6) in may.employees[0].availability
    assert e.id


def test_a_public_holiday_lowers_the_weeks_contract_hours_pro_rata(make, client, login):
    """A public holiday is a paid day off: not made up on other days. Someone on Monday to Friday
    works a fifth less in the week of New Year's Day; someone who never works Fridays no less.
    Leave and other absences likewise, for the hours they take of the person's pattern."""
    team = make.team()
    five = make.employee(team, contract_minutes=24 * 60, weekdays=(1, 2, 3, 4, 5), window=("09:00", "15:00"))
    four = make.employee(team, contract_minutes=32 * 60, weekdays=(1, 2, 3, 4), window=("08:00", "16:00"))
    leaving = make.employee(team, contract_minutes=20 * 60, weekdays=(1, 2, 3, 4, 5), window=("09:00", "13:00"),
                            contract_end=dt.date(2027, 1, 6))
    db.session.commit()

    def contracts(week):
        problem, _ = planning.build_problem(week)
        return {e.id: e.contract_minutes for e in problem.employees}

    assert contracts("2026-W51") == {f"e-{five.id}": 1440, f"e-{four.id}": 1920, f"e-{leaving.id}": 1200}
    assert contracts("2026-W53") == {f"e-{five.id}": 1152, f"e-{four.id}": 1920, f"e-{leaving.id}": 960}
    # 2027-W01: no holiday, but the third person's contract ends on Wednesday.
    assert contracts("2027-W01")[f"e-{leaving.id}"] == 720
    # 2027-W02: a day's leave (Monday) and an hour's appointment (Tuesday) out of 30 hours a week.
    db.session.add_all([
        Absence(employee_id=five.id, kind="verlof", start_date=dt.date(2027, 1, 11), end_date=dt.date(2027, 1, 11)),
        Absence(employee_id=four.id, kind="afspraak", start_date=dt.date(2027, 1, 12), end_date=dt.date(2027, 1, 12),
                start_minute=9 * 60, end_minute=10 * 60),
    ])
    db.session.commit()
    # (The third person is gone by then: no contract hours that week.)
    assert contracts("2027-W02") == {f"e-{five.id}": 1152, f"e-{four.id}": 1860, f"e-{leaving.id}": 0}

    # The grid's hours column shows the week's contract: 0 planned against 19,2 hours.
    login(make.user("planner"))
    page = client.get(f"/rooster/?week=2026-W53&team={team.id}").get_data(as_text=True)
    assert "0 (19,2)" in page and "0 (24)" not in page


def test_pins_and_worked_days_keep_their_hours_when_an_absence_lowers_the_contract(make):
    """Someone who worked Monday and went home ill (absent Monday to Friday): a repair from Tuesday
    keeps Monday's shift, outside the Problem (a day gone by is planned no more), its hours counted
    in the week: nothing is left to plan. A planner's pins keep their hours within the contract."""
    wt = make.work_type("cleaning")
    loc = make.location("Den Haag")
    team = make.team("Den Haag")
    make.supervisor(team, work_types=[wt])
    ill = make.employee(team, work_types=[wt], contract_minutes=24 * 60, window=("08:00", "17:00"))
    pinned = make.employee(team, work_types=[wt], contract_minutes=24 * 60, window=("08:00", "17:00"))
    req = make.request(loc, wt)  # 09:00-15:00 with 30 minutes' break: 330 minutes
    roster = Roster(week="2026-W50", team=team)
    db.session.add(roster)
    db.session.flush()
    db.session.add(Assignment(roster_id=roster.id, employee_id=ill.id, date=MON, request_id=req.id))
    db.session.add_all([Assignment(roster_id=roster.id, employee_id=pinned.id, date=MON + dt.timedelta(days=d),
                                   request_id=req.id, pinned=True) for d in range(1, 5)])
    db.session.add_all([
        Absence(employee_id=ill.id, kind="ziek", start_date=MON, end_date=MON + dt.timedelta(days=4)),
        Absence(employee_id=pinned.id, kind="verlof", start_date=MON, end_date=MON),
    ])
    db.session.commit()
    problem, _ = planning.build_problem("2026-W50", repair_from=MON + dt.timedelta(days=1))
    contract = {e.id: e.contract_minutes for e in problem.employees}
    assert contract[f"e-{ill.id}"] == 0  # all week absent, and Monday's shift held outside
    assert contract[f"e-{pinned.id}"] == 4 * 330  # four pinned shifts, above the four fifths left
    assert (f"e-{ill.id}", MON) not in {(p.employee, p.date) for p in problem.pinned}
    assert {(p.employee, p.date) for p in problem.pinned} == {(f"e-{pinned.id}", MON + dt.timedelta(days=d))
                                                              for d in range(1, 5)}
    # Monday's shift kept takes one of the people the request asks for then.
    assert [q.headcount for q in problem.requests if MON in q.days] == [req.headcount - 1]


def test_the_grid_counts_a_shift_worked_before_falling_ill_within_the_contract(make, client, login, monkeypatch):
    from binnenwerk.services import feeds

    monkeypatch.setattr(feeds, "local_today", lambda: MON + dt.timedelta(days=2))  # Wednesday
    wt = make.work_type("cleaning")
    team = make.team("Den Haag")
    ill = make.employee(team, work_types=[wt], contract_minutes=24 * 60, window=("08:00", "17:00"))
    req = make.request(make.location("Den Haag"), wt)  # 330 minutes a shift
    roster = Roster(week="2026-W50", team=team)
    db.session.add(roster)
    db.session.flush()
    db.session.add(Assignment(roster_id=roster.id, employee_id=ill.id, date=MON, request_id=req.id))
    db.session.add(Absence(employee_id=ill.id, kind="ziek", start_date=MON, end_date=MON + dt.timedelta(days=4)))
    db.session.commit()
    login(make.user("planner"))
    page = client.get(f"/rooster/?week=2026-W50&team={team.id}").get_data(as_text=True)
    assert '<td class="hours">5,5 (5,5)</td>' in page  # not "5,5 (0)", more than the contract


def test_scope_requests_pins_previous_and_published(make):
    wt = make.work_type("keyboards")
    loc = make.location("Den Haag")
    far = make.location("Groningen")
    team = make.team("Den Haag")
    other = make.team("Den Haag")
    make.supervisor(team, work_types=[wt])
    pool = make.supervisor(None, region="Den Haag", work_types=[wt])
    make.supervisor(None, region="Groningen", work_types=[wt])
    e = make.employee(team, work_types=[wt])
    e_other = make.employee(other, work_types=[wt])
    req = make.request(loc, wt, weekdays="12", headcount=2, start_date=dt.date(2026, 11, 30))
    make.request(far, wt)  # another region: not this team's problem
    make.request(loc, wt, status="ingediend")  # not accepted yet
    last = Roster(week="2026-W49", team_id=team.id)
    now = Roster(week="2026-W50", team_id=team.id, version=1)
    theirs = Roster(week="2026-W50", team_id=other.id)
    db.session.add_all([last, now, theirs])
    db.session.flush()
    db.session.add_all([
        Assignment(roster_id=last.id, employee_id=e.id, date=dt.date(2026, 11, 30), request_id=req.id),
        Assignment(roster_id=now.id, employee_id=e.id, date=MON, request_id=req.id, pinned=True),
        Assignment(roster_id=theirs.id, employee_id=e_other.id, date=MON, request_id=req.id),
        PublishedShift(uid="x", employee_id=e.id, team_id=team.id, date=MON, request_id=req.id,
                       location_id=loc.id, work_type_id=wt.id, start_minute=540, end_minute=900),
    ])
    db.session.commit()
    problem, idmap = planning.build_problem("2026-W50", [team.id])
    # The other team already uses one of the two places on Monday; Tuesday keeps both, as a
    # part of the request of its own (one headcount per request in the format).
    assert [(q.id, q.days, q.headcount) for q in problem.requests] == [
        (f"r-{req.id}", (MON,), 1), (f"r-{req.id}.1", (dt.date(2026, 12, 8),), 2)]
    assert {x.id for x in problem.employees} == {f"e-{e.id}"}
    assert f"s-{pool.id}" in {s.id for s in problem.supervisors}
    assert all(s.region == "Den Haag" for s in problem.supervisors)
    assert problem.pinned == (AssignmentRef(f"e-{e.id}", MON, f"r-{req.id}"),)
    assert problem.published == (AssignmentRef(f"e-{e.id}", MON, f"r-{req.id}"),)
    assert problem.previous == (Previous(f"e-{e.id}", 1, f"l-{loc.id}", "keyboards"),)
    assert idmap.humanise(f"{e.name} (e-{e.id}) werkt") == f"{e.name} werkt"


def test_a_week_that_does_not_exist_is_refused(make):
    import pytest

    for week in ("2025-W53", "2026-W99", "week 50"):
        with pytest.raises(ValueError):
            planning.build_problem(week)


def test_a_request_part_id_reads_back_as_its_request():
    import pytest

    assert planning.pk_of("r-12.1") == planning.pk_of("r-12") == 12
    assert planning.rid(12, 1) == "r-12.1" and planning.rid(12) == "r-12"
    idmap = planning.IdMap(week="2026-W50", team_ids=[], names={"r-12.1": "Schoonmaak Rijnstraat 8"})
    assert idmap.humanise("aanvraag r-12.1 (r-12.1) is vol") == "aanvraag Schoonmaak Rijnstraat 8 is vol"
    for junk in ("r-12.", "r-12.x", "e-12.1", "r-.1", "r-12.1.2"):
        with pytest.raises(ValueError):
            planning.pk_of(junk)
