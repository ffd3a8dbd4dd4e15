"""A solve checked again before it is saved: what changed while the solver ran (leave, a request
cancelled or moved, someone's hours, a hand edit) leaves out the teams whose part no longer holds,
says per team what changed, and saves the other teams."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from binnenwerk import jobs, planning
from binnenwerk.bench import count_queries
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, AvailabilitySlot, JobStatus, Roster, SolveJob
from binnenwerk.services import absences, feeds
from binnenwerk.services import requests as request_service
from binnenwerk.services import rosters as roster_service

WEEK = "2026-W50"
MON = dt.date(2026, 12, 7)
TUE = dt.date(2026, 12, 8)


@pytest.fixture(autouse=True)
def fast_solver(app, monkeypatch):
    app.config.update(SOLVE_DETERMINISTIC=True, SOLVE_WORKERS=1, SOLVE_TIME_LIMIT=2.0, REDIS_URL="")
    monkeypatch.setattr(feeds, "local_today", lambda: dt.date(2026, 12, 1))


@pytest.fixture
def world(make):
    """Two teams in two regions, each with its leader, two people and a request for two people
    on Monday 09:00-15:00 in its region: a solve plans each team's two people on its request."""
    wt = make.work_type("keyboards", name_nl="Toetsenborden")
    teams, people, asks, leaders = {}, {}, {}, {}
    for region, names in (("Den Haag", ("Anna", "Bram")), ("Zwolle", ("Cees", "Dirk"))):
        team = teams[region] = make.team(region, name=f"Team {region} 1")
        leaders[region] = make.supervisor(team, work_types=[wt], name=f"Leider {region}")
        people[region] = [make.employee(team, work_types=[wt], first_name=n, last_name="Test") for n in names]
        asks[region] = make.request(make.location(region, name=f"Kantoor {region}"), wt, weekdays="1",
                                    headcount=2, start_date=MON, end_date=MON)
    planner = make.user("planner")
    leader_user = make.user("team_leader", teams=[teams["Den Haag"]])
    contact = make.user("ministry_contact", ministry=asks["Den Haag"].ministry)
    db.session.commit()
    return type("World", (), dict(wt=wt, teams=teams, people=people, asks=asks, leaders=leaders,
                                  planner=planner, leader_user=leader_user, contact=contact))


def during_the_solve(monkeypatch, change) -> None:
    """Make `change` happen after the Problem was built and solved, before the roster is saved."""
    original = jobs._run_solver

    def solve_then_change(*args, **kwargs):
        solution = original(*args, **kwargs)
        change()
        return solution

    monkeypatch.setattr(jobs, "_run_solver", solve_then_change)


def run_job(team=None) -> SolveJob:
    job = jobs.create_job(WEEK, team.id if team is not None else None, time_limit=5)
    jobs.run(job.id)
    db.session.expire_all()
    return db.session.get(SolveJob, job.id)


def shifts(team) -> dict:
    db.session.expire_all()
    roster = db.session.scalar(select(Roster).where(Roster.week == WEEK, Roster.team_id == team.id))
    return {} if roster is None else {(a.employee_id, a.date): a.request_id for a in roster.assignments}


def said_on_the_page(client, login, world, job) -> str:
    login(world.planner)
    page = " ".join(client.get(f"/rooster/planning/{job.id}").get_data(as_text=True).split())
    return page.split('id="job-left-out">')[1].split("</ul>")[0] if 'id="job-left-out"' in page else ""


def test_without_changes_an_all_teams_solve_saves_every_team(world):
    job = run_job()
    assert job.status == JobStatus.FINISHED.value, job.error
    assert "left_out" not in job.result
    for region in ("Den Haag", "Zwolle"):
        assert shifts(world.teams[region]) == {(p.id, MON): world.asks[region].id for p in world.people[region]}


def test_leave_entered_during_the_solve_leaves_that_team_out_and_saves_the_others(client, login, world,
                                                                                  monkeypatch):
    anna = world.people["Den Haag"][0]
    during_the_solve(monkeypatch, lambda: absences.create_absence(
        absences.AbsenceInput(kind="verlof", start_date=MON, end_date=MON), employee=anna))

    job = run_job()

    assert job.status == JobStatus.FINISHED.value, job.error
    assert shifts(world.teams["Den Haag"]) == {}  # not planned on her leave day
    assert len(shifts(world.teams["Zwolle"])) == 2
    said = said_on_the_page(client, login, world, job)
    assert ("Team Den Haag 1 is niet gepland: tijdens het plannen is er iets veranderd: Anna Test is afwezig op "
            "maandag 7 december. Plan dit team opnieuw. Het rooster van dit team is niet veranderd.") in said
    assert "Zwolle" not in said
    page = client.get(f"/rooster/planning/{job.id}").get_data(as_text=True)
    assert "Het rooster van de andere teams is klaar en opgeslagen." in page


@pytest.mark.parametrize("change, told", [
    ("cancel", "is geannuleerd"),
    ("times", "heeft nu andere tijden: 18:00–22:00"),
    ("fewer", "vraagt nu minder mensen"),
    ("days", "is nu op andere dagen"),
], ids=["cancelled", "moved to other times", "fewer people", "other days"])
def test_a_request_changed_during_the_solve_leaves_out_the_team_planned_on_it(client, login, world, monkeypatch,
                                                                               change, told):
    ask = world.asks["Den Haag"]

    def ministry_changes_it():
        if change == "cancel":
            request_service.transition(ask, "geannuleerd", actor=world.contact)
            return
        if change == "times":
            ask.start_minute, ask.end_minute = 18 * 60, 22 * 60  # outside everyone's working hours
        elif change == "fewer":
            ask.headcount = 1
        else:
            ask.weekdays, ask.start_date, ask.end_date = "2", TUE, TUE
        db.session.commit()

    during_the_solve(monkeypatch, ministry_changes_it)

    job = run_job()

    assert job.status == JobStatus.FINISHED.value, job.error
    assert shifts(world.teams["Den Haag"]) == {}
    assert len(shifts(world.teams["Zwolle"])) == 2
    said = said_on_the_page(client, login, world, job)
    assert f"Team Den Haag 1 is niet gepland: tijdens het plannen is er iets veranderd: aanvraag {ask.id} " \
           f"(Toetsenborden Kantoor Den Haag) {told}. Plan dit team opnieuw." in said


@pytest.mark.parametrize("change, told", [
    ("hours", "Anna Test kan op maandag 7 december niet meer op de geplande tijden werken"),
    ("archived", "Anna Test zit niet meer in dit team"),
    ("work", "het werk of de locaties van Anna Test zijn veranderd"),
    ("leader", "teamleider Leider Den Haag kan niet meer op maandag 7 december"),
], ids=["working hours", "archived", "work types", "leader's leave"])
def test_a_person_changed_during_the_solve_is_named(client, login, world, monkeypatch, change, told):
    anna = world.people["Den Haag"][0]

    def team_leader_changes_it():
        if change == "hours":
            db.session.execute(AvailabilitySlot.__table__.update().where(
                AvailabilitySlot.employee_id == anna.id, AvailabilitySlot.weekday == 1).values(start_minute=12 * 60))
            db.session.commit()
        elif change == "archived":
            anna.archived = True
            db.session.commit()
        elif change == "work":
            anna.work_types = []
            db.session.commit()
        else:
            absences.create_absence(absences.AbsenceInput(kind="ziek", start_date=MON, end_date=MON),
                                    supervisor=world.leaders["Den Haag"])

    during_the_solve(monkeypatch, team_leader_changes_it)

    job = run_job()

    assert job.status == JobStatus.FINISHED.value, job.error
    assert shifts(world.teams["Den Haag"]) == {}
    assert len(shifts(world.teams["Zwolle"])) == 2
    assert f"Team Den Haag 1 is niet gepland: tijdens het plannen is er iets veranderd: {told}. " \
           "Plan dit team opnieuw." in said_on_the_page(client, login, world, job)


def test_a_change_the_roster_does_not_lean_on_leaves_it_to_be_saved(world, monkeypatch):
    """Leave on a day the person was not planned: the roster still holds, so it is saved."""
    anna = world.people["Den Haag"][0]
    during_the_solve(monkeypatch, lambda: absences.create_absence(
        absences.AbsenceInput(kind="verlof", start_date=TUE, end_date=TUE), employee=anna))

    job = run_job()

    assert job.status == JobStatus.FINISHED.value and "left_out" not in job.result
    assert shifts(world.teams["Den Haag"]) == {(p.id, MON): world.asks["Den Haag"].id
                                               for p in world.people["Den Haag"]}


def test_a_one_team_solve_whose_facts_changed_saves_nothing_and_says_what_changed(client, login, world,
                                                                                  monkeypatch):
    anna = world.people["Den Haag"][0]
    during_the_solve(monkeypatch, lambda: absences.create_absence(
        absences.AbsenceInput(kind="verlof", start_date=MON, end_date=MON), employee=anna))

    job = run_job(world.teams["Den Haag"])

    assert job.status == JobStatus.FAILED.value
    assert job.error == ("Tijdens het plannen is er iets veranderd dat dit rooster raakt. Er is niets opgeslagen. "
                         "Plan opnieuw.")
    assert shifts(world.teams["Den Haag"]) == {}
    assert "Anna Test is afwezig op maandag 7 december" in said_on_the_page(client, login, world, job)


def test_when_every_teams_facts_changed_nothing_is_saved(world, monkeypatch):
    def cancel_both():
        for region in ("Den Haag", "Zwolle"):
            request_service.transition(world.asks[region], "geannuleerd", actor=world.planner, reason="Dicht.")

    during_the_solve(monkeypatch, cancel_both)

    job = run_job()

    assert job.status == JobStatus.FAILED.value
    assert "Geen enkel team is opgeslagen" in job.error
    assert [entry["team"] for entry in job.result["left_out"]] == ["Team Den Haag 1", "Team Zwolle 1"]
    assert shifts(world.teams["Den Haag"]) == {} and shifts(world.teams["Zwolle"]) == {}


# --- finding 2: one cell edit no longer throws away an all-teams solve --------------------


def test_a_cell_saved_in_one_team_during_an_all_teams_solve_leaves_only_that_team_out(client, login, world,
                                                                                     monkeypatch):
    anna = world.people["Den Haag"][0]
    ask = world.asks["Den Haag"]
    during_the_solve(monkeypatch, lambda: roster_service.set_cell(
        WEEK, world.teams["Den Haag"].id, anna.id, MON, ask.id, pin=True, lock_version=0, user=world.leader_user))

    job = run_job()

    assert job.status == JobStatus.FINISHED.value, job.error
    assert shifts(world.teams["Den Haag"]) == {(anna.id, MON): ask.id}  # the team leader's edit, kept
    assert len(shifts(world.teams["Zwolle"])) == 2
    said = said_on_the_page(client, login, world, job)
    assert ("Team Den Haag 1 is niet gepland: tijdens het plannen is er iets veranderd: het rooster is met de hand "
            "veranderd of gepubliceerd. Plan dit team opnieuw.") in said


def test_a_cell_saved_just_before_the_save_commits_leaves_only_that_team_out(world, monkeypatch):
    """The edit slips in between the last look and the save: the save is undone and tried again
    without that team."""
    anna = world.people["Den Haag"][0]
    ask = world.asks["Den Haag"]
    original = planning.apply_solution
    calls = []

    def edit_first(*args, **kwargs):
        calls.append(sorted(args[1].team_ids))
        if len(calls) == 1:
            roster_service.set_cell(WEEK, world.teams["Den Haag"].id, anna.id, MON, ask.id, pin=True,
                                    lock_version=0, user=world.leader_user)
        return original(*args, **kwargs)

    monkeypatch.setattr(planning, "apply_solution", edit_first)

    job = run_job()

    assert job.status == JobStatus.FINISHED.value, job.error
    assert calls == [sorted(t.id for t in world.teams.values()), [world.teams["Zwolle"].id]]
    assert shifts(world.teams["Den Haag"]) == {(anna.id, MON): ask.id}
    assert len(shifts(world.teams["Zwolle"])) == 2
    assert job.result["left_out"][0]["changes"] == [{"what": "roster"}]
    assert job.elapsed_seconds and job.elapsed_seconds > 0  # the job's figures survive the retried save


def test_a_one_team_solve_whose_roster_changed_fails_as_before(world, monkeypatch):
    anna = world.people["Den Haag"][0]
    during_the_solve(monkeypatch, lambda: roster_service.set_cell(
        WEEK, world.teams["Den Haag"].id, anna.id, MON, world.asks["Den Haag"].id, pin=True, lock_version=0,
        user=world.leader_user))

    job = run_job(world.teams["Den Haag"])

    assert job.status == JobStatus.FAILED.value and "tijdens het plannen veranderd" in job.error
    assert shifts(world.teams["Den Haag"]) == {(anna.id, MON): world.asks["Den Haag"].id}


# --- the service: left-out teams' rosters count, and it stays cheap -----------------------


def test_what_a_left_out_team_holds_counts_for_the_others(make, world):
    """Two teams on one request for two: the solve gave both places to Team B; meanwhile Team A's
    roster got two people there by hand, so A is left out and B's part no longer fits either."""
    region_team_b = make.team("Den Haag", name="Team Den Haag 2")
    make.supervisor(region_team_b, work_types=[world.wt])
    bs = [make.employee(region_team_b, work_types=[world.wt], first_name=n, last_name="B") for n in ("Eva", "Fay")]
    db.session.commit()
    ask = world.asks["Den Haag"]
    scope = [world.teams["Den Haag"].id, region_team_b.id]
    problem, idmap = planning.build_problem(WEEK, scope)
    from scheduling import AssignmentRef, Solution, SupervisionRef

    leader = planning.sid(db.session.scalar(select(planning.Supervisor.id).where(
        planning.Supervisor.team_id == region_team_b.id)))
    solution = Solution("FEASIBLE", [AssignmentRef(planning.eid(b.id), MON, planning.rid(ask.id)) for b in bs],
                        [SupervisionRef(leader, MON, planning.lid(ask.location_id), planning.tid(region_team_b.id))])
    roster = planning.get_or_create_roster(WEEK, world.teams["Den Haag"].id)
    for person in world.people["Den Haag"]:
        db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=MON, request_id=ask.id))
    db.session.commit()

    changed = planning.changed_meanwhile(problem, idmap, solution, [region_team_b.id])

    assert changed == {region_team_b.id: [{"what": "request", "nr": ask.id, "name": "Toetsenborden Kantoor Den Haag",
                                           "how": ["taken"]}]}
    assert jobs._change_text(changed[region_team_b.id][0]) == (
        f"op aanvraag {ask.id} (Toetsenborden Kantoor Den Haag) staan nu mensen van een ander team")


def _teams_with_a_request_each(make, wt, count: int) -> list:
    out = []
    for n in range(count):
        region = f"Regio {n}"
        team = make.team(region)
        make.supervisor(team, work_types=[wt])
        for _ in range(2):
            make.employee(team, work_types=[wt])
        out.append(make.request(make.location(region), wt, weekdays="1", headcount=2, start_date=MON, end_date=MON))
    db.session.commit()
    return out


def test_checking_again_needs_no_query_per_team_or_shift(make, world):
    from scheduling import solve

    def measure(count: int) -> int:
        asks = _teams_with_a_request_each(make, world.wt, count)
        problem, idmap = planning.build_problem(WEEK)
        solution = solve(problem, time_limit=2, workers=1, deterministic=True)
        db.session.commit()
        for ask in asks:  # every team's part breaks: the most work there is to tell
            ask.status = "geannuleerd"
        db.session.commit()
        with count_queries(db.engine) as counter:
            changed = planning.changed_meanwhile(problem, idmap, solution, idmap.team_ids)
        assert len(changed) >= count
        return counter["n"]

    assert measure(6) == measure(2)


def test_what_changed_reads_in_the_pages_language(client, login, world, monkeypatch, app_with, make):
    """Kept as data, worded when the page is shown (needs the English of /tmp/po/solve.po merged)."""
    from tests.conftest import english_client

    anna = world.people["Den Haag"][0]
    during_the_solve(monkeypatch, lambda: absences.create_absence(
        absences.AbsenceInput(kind="verlof", start_date=MON, end_date=MON), employee=anna))
    job = run_job()
    page = " ".join(english_client(app_with, make, role="planner").get(f"/rooster/planning/{job.id}")
                    .get_data(as_text=True).split())
    assert ("Team Den Haag 1 has not been planned: something changed while planning: Anna Test is absent on "
            "Monday 7 December. Plan this team again.") in page
    assert "The roster of the other teams is ready and saved." in page
