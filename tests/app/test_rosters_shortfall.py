"""The week page's shortfall panel, its table and a solve's summary tell one story.

A request of a region is filled by every team there: the table counts all their shifts, so the
panel lists exactly the table's short cells with the same counts, and the reasons explain that
count with the people of the whole region, in a team's view and in the all-teams view alike.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from binnenwerk import jobs, planning
from binnenwerk.extensions import db
from binnenwerk.models import Employee, JobStatus, Roster, SolveJob, SupervisionAssignment
from binnenwerk.services import rosters as service

from .test_rosters_flow import MON, TUE, WED, WEEK, fast_solver  # noqa: F401  (fast_solver: autouse fixture)

# Written when 2026-W50 was to come: the app's clock stays before its Monday's work.
pytestmark = pytest.mark.usefixtures("before_work_on_7_december")


@pytest.fixture
def region(make):
    """Two teams in Den Haag and one request for three people Mon-Wed.

    Only team B has the request's work type; team A's one employee does other work.
    """
    keyboards = make.work_type("keyboards", name_nl="Toetsenborden")
    cars = make.work_type("cars", name_nl="Autowassen")
    loc = make.location("Den Haag", name="Rijnstraat 8")
    team_a = make.team("Den Haag", name="Team A")
    make.supervisor(team_a, work_types=[keyboards, cars])
    make.employee(team_a, work_types=[cars], first_name="Anna", last_name="Test")
    team_b = make.team("Den Haag", name="Team B")
    make.supervisor(team_b, work_types=[keyboards])
    people_b = [make.employee(team_b, work_types=[keyboards], first_name=n, last_name="Test")
                for n in ("Bram", "Cees", "Dirk")]
    req = make.request(loc, keyboards, weekdays="123", headcount=3, start_date=MON, end_date=dt.date(2026, 12, 31))
    planner = make.user("planner")
    leader_a = make.user("team_leader", teams=[team_a])
    db.session.commit()
    return type("Region", (), dict(team_a=team_a, team_b=team_b, people_b=people_b, req=req,
                                   planner=planner, leader_a=leader_a))


def plan_team_b(region, per_day: dict[dt.date, int]) -> None:
    """Put the first n people of team B on the request on each day, by hand."""
    for day, n in per_day.items():
        for person in region.people_b[:n]:
            roster = service.find_roster(WEEK, region.team_b.id)
            service.set_cell(WEEK, region.team_b.id, person.id, day, region.req.id,
                             lock_version=roster.lock_version if roster else 0)


def give_team_a_an_empty_roster(region) -> None:
    planning.get_or_create_roster(WEEK, region.team_a.id)
    db.session.commit()


def solve_team(client, team) -> SolveJob:
    response = client.post("/rooster/plannen", data={"week": WEEK, "team": team.id, "time_limit": "10"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    jobs.wait(job_id, 60)
    db.session.expire_all()
    job = db.session.get(SolveJob, job_id)
    assert job.status == JobStatus.FINISHED.value, job.error
    return job


def table_short_cells(page: str) -> int:
    section = page.split('id="aanvragen-kop"', 1)[1].split("</section>", 1)[0]
    return section.count('class="short"')


def panel(page: str) -> list[tuple[str, int, list[str]]]:
    """The panel's rows: (heading, people missing, reasons)."""
    section = page.split('id="tekort-kop"', 1)[1].split("</section>", 1)[0]
    rows = []
    for chunk in section.split("<li><strong>")[1:]:
        heading = chunk.split("</strong>", 1)[0]
        missing = int(re.search(r"(\d+) (?:persoon|personen) te weinig\.", chunk).group(1))
        rows.append((heading, missing, [r.strip() for r in re.findall(r"<li>(.*?)</li>", chunk, re.S)]))
    return rows


def days(rows) -> list[str]:
    return [re.search(r"\d+ december", heading).group(0) for heading, _missing, _reasons in rows]


def assert_reasons_explain_the_count(rows) -> None:
    for heading, missing, reasons in rows:
        assert reasons, heading
        assert reasons[0].startswith(f"{missing} te weinig: "), (heading, missing, reasons)
        # Team B has the work type: about the region, this reason would be untrue.
        assert not any("niemand in de regio" in r for r in reasons), (heading, reasons)


def test_a_teams_panel_counts_every_teams_shifts_like_the_table(client, login, region):
    plan_team_b(region, {MON: 2, TUE: 1})
    give_team_a_an_empty_roster(region)
    login(region.leader_a)
    page = client.get(f"/rooster/?week={WEEK}&team={region.team_a.id}").get_data(as_text=True)
    rows = panel(page)
    # The table: 2 van 3, 1 van 3, 0 van 3. Not 1 short on each day (3 less the most team B
    # sends on any day), as a Problem of team A alone would have it.
    assert [missing for _heading, missing, _reasons in rows] == [1, 2, 3]
    assert days(rows) == ["7 december", "8 december", "9 december"]
    assert len(rows) == table_short_cells(page) == 3
    assert_reasons_explain_the_count(rows)


def test_a_request_another_team_fills_on_one_day_still_shows_its_short_days(client, login, region):
    plan_team_b(region, {MON: 3, TUE: 1})
    give_team_a_an_empty_roster(region)
    login(region.leader_a)
    page = client.get(f"/rooster/?week={WEEK}&team={region.team_a.id}").get_data(as_text=True)
    rows = panel(page)
    assert "Alle aanvragen van deze week zijn gevuld." not in page
    assert days(rows) == ["8 december", "9 december"] and [m for _h, m, _r in rows] == [2, 3]
    assert len(rows) == table_short_cells(page)
    assert_reasons_explain_the_count(rows)


def test_a_solves_summary_counts_the_short_days_the_roster_shows(client, login, region):
    plan_team_b(region, {MON: 3, TUE: 1})
    login(region.leader_a)
    job = solve_team(client, region.team_a)
    summary = client.get(f"/rooster/planning/{job.id}").get_data(as_text=True)
    page = client.get(f"/rooster/?week={WEEK}&team={region.team_a.id}").get_data(as_text=True)
    assert table_short_cells(page) == len(panel(page)) == 2
    assert "Op 2 aanvraagdagen staan te weinig mensen" in summary
    assert "Alle aanvragen zijn gevuld." not in summary


def test_the_all_teams_view_does_not_borrow_a_teams_solve_reasons(client, login, region):
    plan_team_b(region, {MON: 2, TUE: 1})
    login(region.planner)
    solve_team(client, region.team_a)  # its Problem saw 1 wanted a day, and nobody able
    everyone = client.get(f"/rooster/?week={WEEK}").get_data(as_text=True)
    rows = panel(everyone)
    assert [m for _h, m, _r in rows] == [1, 2, 3] and len(rows) == table_short_cells(everyone)
    assert_reasons_explain_the_count(rows)
    # One region, one story: the team's view shows the same rows with the same reasons.
    team_view = client.get(f"/rooster/?week={WEEK}&team={region.team_a.id}").get_data(as_text=True)
    assert panel(team_view) == rows


def test_no_reasons_while_a_team_of_the_region_has_no_roster(client, login, region):
    plan_team_b(region, {MON: 2})
    assert db.session.scalar(select(Roster).where(Roster.team_id == region.team_a.id)) is None
    login(region.planner)
    page = client.get(f"/rooster/?week={WEEK}").get_data(as_text=True)
    rows = panel(page)
    assert [m for _h, m, _r in rows] == [1, 3, 3] and len(rows) == table_short_cells(page)
    assert all(reasons == [] for _h, _m, reasons in rows)
    assert page.count("Nog niet elk team in deze regio heeft een rooster") == 3


def test_a_team_plans_the_places_other_teams_leave_free_day_by_day(client, login, region, make):
    """Team B fills Monday and one place on Tuesday: team A may still take the two places left
    on Tuesday and all three on Wednesday (the headcount was once lowered by the fullest day for
    the whole week, which left team A nothing to plan)."""
    keyboards = region.req.work_type
    anna2, anna3 = (make.employee(region.team_a, work_types=[keyboards], first_name=n, last_name="Test")
                    for n in ("Eva", "Fleur"))
    db.session.commit()
    plan_team_b(region, {MON: 3, TUE: 1})
    problem, _idmap = planning.build_problem(WEEK, [region.team_a.id])
    parts = sorted((q.id, q.days, q.headcount) for q in problem.requests)
    key = f"r-{region.req.id}"
    assert parts == [(key, (TUE,), 2), (key + ".1", (WED,), 3)]

    login(region.planner)
    solve_team(client, region.team_a)
    roster = db.session.scalar(select(Roster).where(Roster.week == WEEK, Roster.team_id == region.team_a.id))
    cells = sorted((a.employee_id, a.date) for a in roster.assignments if a.request_id == region.req.id)
    assert cells == sorted([(anna2.id, TUE), (anna3.id, TUE), (anna2.id, WED), (anna3.id, WED)])
    # A hand edit on a day of the second part goes through the same checks.
    service.set_cell(WEEK, region.team_a.id, anna2.id, WED, None, lock_version=roster.lock_version)
    roster = db.session.scalar(select(Roster).where(Roster.id == roster.id))
    service.set_cell(WEEK, region.team_a.id, anna2.id, WED, region.req.id, lock_version=roster.lock_version)
    stored = planning.current_solution(WEEK, [region.team_a.id], problem).assignments
    assert {a.request for a in stored if a.date == WED} == {key + ".1"}
    assert {a.request for a in stored if a.date == TUE} == {key}


def test_planning_all_teams_again_may_move_a_pool_stand_in_to_another_team(region, make):
    """apply_solution replaced supervision team by team, in id order: the stand-in's new row for
    team A met its old row for team B (one entry a date) and every re-plan of the week failed."""
    from scheduling import AssignmentRef, Solution, SupervisionRef

    pool = make.supervisor(None, region="Den Haag", work_types=[region.req.work_type])
    db.session.commit()
    problem, idmap = planning.build_problem(WEEK)
    loc = planning.lid(region.req.location_id)

    def with_pool_at(team) -> Solution:
        lead = SupervisionRef(planning.sid(pool.id), MON, loc, planning.tid(team.id))
        work = [AssignmentRef(planning.eid(region.people_b[0].id), MON, planning.rid(region.req.id))]
        if team is region.team_b:
            return Solution("FEASIBLE", work, [lead])
        anna = db.session.scalar(select(Employee).where(Employee.team_id == region.team_a.id))
        other = SupervisionRef(planning.sid(region.team_b.supervisors[0].id), MON, loc, planning.tid(region.team_b.id))
        return Solution("FEASIBLE", work + [AssignmentRef(planning.eid(anna.id), MON, planning.rid(region.req.id))],
                        [lead, other])

    planning.apply_solution(WEEK, idmap, with_pool_at(region.team_b))
    planning.apply_solution(WEEK, idmap, with_pool_at(region.team_a))
    led = db.session.execute(select(SupervisionAssignment.supervisor_id, SupervisionAssignment.team_id)).all()
    assert sorted(led) == sorted([(pool.id, region.team_a.id), (region.team_b.supervisors[0].id, region.team_b.id)])


def test_a_shift_of_someone_now_absent_counts_as_short_until_repaired(client, login, region):
    from binnenwerk.models import Absence

    plan_team_b(region, {MON: 3, TUE: 3})
    give_team_a_an_empty_roster(region)
    ill = region.people_b[0]
    db.session.add(Absence(employee_id=ill.id, kind="ziek", start_date=TUE, end_date=TUE))
    db.session.commit()
    login(region.planner)
    page = client.get(f"/rooster/?week={WEEK}").get_data(as_text=True)
    rows = panel(page)
    # Monday is full; Tuesday has three shifts but one person is ill: two of three come.
    assert days(rows) == ["8 december", "9 december"] and [m for _h, m, _r in rows] == [1, 3]
    assert len(rows) == table_short_cells(page)
    # Tuesday's reason is the absence the optimiser cannot see in the roster, without its kind.
    assert rows[0][2][0] == "1 ingeplande medewerker is die dag afwezig: repareer het rooster"
    assert "ziek" not in " ".join(rows[0][2]) and not any("afwezig" in r for r in rows[1][2])
    # Someone ill only part of Tuesday's shift also misses it; an absence on another day does not.
    db.session.query(Absence).delete()
    db.session.add(Absence(employee_id=ill.id, kind="afspraak", start_date=MON, end_date=MON,
                           start_minute=13 * 60, end_minute=14 * 60))
    db.session.add(Absence(employee_id=ill.id, kind="ziek", start_date=WED, end_date=WED))
    db.session.commit()
    rows = panel(client.get(f"/rooster/?week={WEEK}").get_data(as_text=True))
    assert days(rows) == ["7 december", "9 december"] and [m for _h, m, _r in rows] == [1, 3]


def test_shifts_at_a_place_taken_out_of_use_do_not_break_the_roster_page(client, login, region, make):
    """Shifts planned on a request whose location was archived afterwards: the Problem leaves that
    request out, and explaining another short request's day looked the shifts' request up in it."""
    from binnenwerk.models import Location

    elsewhere = make.location("Den Haag", name="Turfmarkt 147")
    make.request(elsewhere, region.req.work_type, weekdays="1", headcount=2, start_date=MON,
                 end_date=dt.date(2026, 12, 31))
    db.session.commit()
    plan_team_b(region, {MON: 2})
    give_team_a_an_empty_roster(region)
    db.session.get(Location, region.req.location_id).archived = True
    db.session.commit()
    login(region.planner)
    for url in (f"/rooster/?week={WEEK}", f"/rooster/?week={WEEK}&team={region.team_a.id}",
                f"/rooster/?week={WEEK}&team={region.team_b.id}"):
        assert client.get(url).status_code == 200, url
