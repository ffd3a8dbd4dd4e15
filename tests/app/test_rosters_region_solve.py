"""Solving one region's teams from its roster page ("Plan regio Zwolle"), and multi-team solves that
leave out a team whose pins conflict instead of planning nobody."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from binnenwerk import jobs
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, JobStatus, Roster, RosterChange, SolveJob

from .test_rosters_flow import fast_solver  # noqa: F401  (fixture)

# Written when 2026-W50 was to come: the app's clock stays before its Monday's work.
pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

WEEK = "2026-W50"
MON = dt.date(2026, 12, 7)


@pytest.fixture
def regions(make):
    """Eleven teams in Zwolle and twelve in Groningen (more than fit on one page); the first team
    of each has three people, a leader and a request for two people on Monday in its region."""
    wt = make.work_type("keyboards")
    teams, requests = {}, {}
    for region, count in (("Zwolle", 11), ("Groningen", 12)):
        teams[region] = [make.team(region, name=f"Team {region} {i:02d}") for i in range(1, count + 1)]
        first = teams[region][0]
        make.supervisor(first, work_types=[wt])
        for name in ("Anna", "Bram", "Cees"):
            make.employee(first, work_types=[wt], first_name=name, last_name=region)
        requests[region] = make.request(make.location(region, name=f"Kantoor {region}"), wt, headcount=2,
                                        start_date=MON, end_date=MON)
    planner = make.user("planner")
    db.session.commit()
    return type("Regions", (), dict(wt=wt, teams=teams, requests=requests, planner=planner))


def start(client, **form) -> int | None:
    """Press a solve button; the job's id, or None when the page refused it."""
    response = client.post("/rooster/plannen", data={"week": WEEK, "time_limit": "10", **form})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    found = re.search(r"/rooster/planning/(\d+)$", response.headers["Location"])
    return int(found.group(1)) if found else None


def finished(job_id: int) -> SolveJob:
    jobs.wait(job_id, 60)
    db.session.expire_all()
    return db.session.get(SolveJob, job_id)


def shifts(team) -> dict:
    db.session.expire_all()
    roster = db.session.scalar(select(Roster).where(Roster.week == WEEK, Roster.team_id == team.id))
    return {} if roster is None else {(a.employee_id, a.date): (a.request_id, a.pinned) for a in roster.assignments}


def test_a_regions_page_plans_only_that_regions_teams(client, login, regions):
    login(regions.planner)
    page = client.get(f"/rooster/?week={WEEK}&regio=Zwolle").get_data(as_text=True)
    assert re.search(r'<button[^>]*name="regio" value="Zwolle"[^>]*>Plan regio Zwolle', page)
    assert "Plan alle teams" in page  # still there, beside it

    job = finished(start(client, regio="zwolle"))  # as typed: the region as the pages spell it

    assert job.status == JobStatus.FINISHED.value, job.error
    assert job.team_id is None and job.region == "Zwolle"
    assert len(shifts(regions.teams["Zwolle"][0])) == 2
    assert shifts(regions.teams["Groningen"][0]) == {}
    planned = set(db.session.scalars(select(Roster.team_id).where(Roster.week == WEEK)))
    assert planned == {t.id for t in regions.teams["Zwolle"]}  # each of the region's teams, no other
    # The job page says what was planned and leads back to the region's page.
    job_page = client.get(f"/rooster/planning/{job.id}").get_data(as_text=True)
    assert f"Rooster maken: week {WEEK}, regio Zwolle" in job_page
    assert f'href="/rooster/?week={WEEK}&amp;regio=Zwolle"' in job_page
    assert "Alle aanvragen zijn gevuld." in job_page  # the region's requests: Groningen's is not planned
    state = client.get(f"/rooster/planning/{job.id}.json").get_json()
    assert state["done"] and state["roster_url"] == f"/rooster/?week={WEEK}&regio=Zwolle"
    # The roster's history tells of the solve, as for any other.
    roster = db.session.scalar(select(Roster).where(Roster.team_id == regions.teams["Zwolle"][0].id))
    assert db.session.scalar(select(RosterChange).where(RosterChange.roster_id == roster.id,
                                                        RosterChange.action == "solve"))


def test_the_button_in_english(client, login, regions):
    login(regions.planner)
    client.post("/taal/en", data={"next": "/home"})
    page = client.get(f"/rooster/?week={WEEK}&regio=Groningen").get_data(as_text=True)
    assert re.search(r'name="regio" value="Groningen"[^>]*>Plan region <span lang="nl">Groningen</span>', page)


def test_one_regions_solve_does_not_block_another_regions(client, login, regions):
    login(regions.planner)
    running = SolveJob(week=WEEK, team_id=None, region="Zwolle", status=JobStatus.RUNNING.value)
    db.session.add(running)
    db.session.commit()

    other = start(client, regio="Groningen")
    assert other is not None
    assert finished(other).status == JobStatus.FINISHED.value
    # What overlaps Zwolle's teams waits: Zwolle again, a team of Zwolle, every team.
    for form in ({"regio": "Zwolle"}, {"team": regions.teams["Zwolle"][3].id}, {}):
        response = client.post("/rooster/plannen", data={"week": WEEK, "time_limit": "10", **form},
                               follow_redirects=True)
        assert "Er wordt al een rooster voor week 2026-W50 gemaakt" in response.get_data(as_text=True), form
    # A team of Groningen may go.
    assert start(client, team=regions.teams["Groningen"][1].id) is not None
    # The banner on Groningen's page is not about Zwolle's solve.
    db.session.expire_all()
    page = client.get(f"/rooster/?week={WEEK}&regio=Groningen").get_data(as_text=True)
    assert f"/rooster/planning/{running.id}" not in page
    page = client.get(f"/rooster/?week={WEEK}&regio=Zwolle").get_data(as_text=True)
    assert f"/rooster/planning/{running.id}" in page


def test_a_solve_of_every_team_blocks_a_regions_and_an_unknown_region_is_refused(client, login, regions):
    login(regions.planner)
    db.session.add(SolveJob(week=WEEK, team_id=None, status=JobStatus.RUNNING.value))
    db.session.commit()
    response = client.post("/rooster/plannen", data={"week": WEEK, "time_limit": "10", "regio": "Zwolle"},
                           follow_redirects=True)
    assert "Er wordt al een rooster voor week 2026-W50 gemaakt" in response.get_data(as_text=True)
    response = client.post("/rooster/plannen", data={"week": WEEK, "time_limit": "10", "regio": "Atlantis"},
                           follow_redirects=True)
    assert "Er is geen regio &#39;Atlantis&#39; met teams." in response.get_data(as_text=True)
    assert db.session.scalar(select(SolveJob).where(SolveJob.region.is_not(None))) is None


def test_a_solve_of_every_team_leads_back_to_every_teams_page(client, login, regions):
    """Its 'Naar het rooster' led to the first region's page, not the all-regions page it came from."""
    login(regions.planner)
    job = finished(start(client))
    assert job.status == JobStatus.FINISHED.value, job.error
    assert job.team_id is None and job.region is None
    state = client.get(f"/rooster/planning/{job.id}.json").get_json()
    assert state["roster_url"] == f"/rooster/?week={WEEK}&regio=alle"


def test_a_team_leader_cannot_solve_a_region(client, login, regions, make):
    leader = make.user("team_leader", teams=[regions.teams["Zwolle"][0]])
    login(leader)
    response = client.post("/rooster/plannen", data={"week": WEEK, "time_limit": "10", "regio": "Zwolle"})
    assert response.status_code == 404
    assert db.session.scalar(select(SolveJob)) is None


# --- conflicting pins -----------------------------------------------------------------------


def pin_two_namesakes_on_one_place(make, regions):
    """Two Esra Vos of Zwolle's first team pinned on Monday's request for two, with Anna pinned
    there too: three pins for two places cannot all hold."""
    team = regions.teams["Zwolle"][0]
    one = make.employee(team, work_types=[regions.wt], first_name="Esra", last_name="Vos",
                        email="esra.vos@example.org")
    two = make.employee(team, work_types=[regions.wt], first_name="Esra", last_name="Vos")
    anna = next(e for e in team.employees if e.first_name == "Anna")
    roster = Roster(week=WEEK, team_id=team.id, status="draft", version=0)
    db.session.add(roster)
    db.session.flush()
    for person in (one, two, anna):
        db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=MON,
                                  request_id=regions.requests["Zwolle"].id, pinned=True))
    db.session.commit()
    return team, one, two, roster


@pytest.mark.parametrize("scope", ["every team", "the region"])
def test_a_team_whose_pins_conflict_is_left_out_and_the_others_are_planned(client, login, make, regions, scope):
    # A second team in Zwolle, so the region has a team to plan besides the conflicting one.
    second = regions.teams["Zwolle"][1]
    make.supervisor(second, work_types=[regions.wt])
    for name in ("Dirk", "Eva"):
        make.employee(second, work_types=[regions.wt], first_name=name, last_name="Zwolle")
    other_place = make.request(make.location("Zwolle", name="Kantoor Zwolle Oost"), regions.wt, headcount=2,
                               start_date=MON, end_date=MON)
    db.session.commit()
    team, one, two, roster = pin_two_namesakes_on_one_place(make, regions)
    before = shifts(team)
    lock = roster.lock_version
    login(regions.planner)

    job = finished(start(client, **({"regio": "Zwolle"} if scope == "the region" else {})))

    assert job.status == JobStatus.FINISHED.value, job.error
    # The others are planned; the conflicting team's roster is exactly as it was.
    if scope == "every team":
        assert len(shifts(regions.teams["Groningen"][0])) == 2
    assert {request for request, _pinned in shifts(second).values()} == {other_place.id}
    assert len(shifts(second)) == 2
    assert shifts(team) == before
    db.session.expire_all()
    kept = db.session.get(Roster, roster.id)
    assert kept.lock_version == lock
    assert db.session.scalar(select(RosterChange).where(RosterChange.roster_id == roster.id)) is None
    # The job page names the team, and each pin with who (namesakes told apart), when and where.
    page = client.get(f"/rooster/planning/{job.id}").get_data(as_text=True)
    said = page.split('id="job-left-out"')[1].split("</ul>")[0]
    assert "Team Zwolle 01 is niet gepland: deze vastgezette diensten botsen:" in said
    assert "Esra Vos (esra.vos@example.org) op maandag 7 december, Kantoor Zwolle 09:00–15:00" in said
    assert f"Esra Vos (nr. {two.id}) op maandag 7 december, Kantoor Zwolle" in said
    assert "Anna Zwolle op maandag 7 december, Kantoor Zwolle" in said
    assert "Het rooster van dit team is niet veranderd." in said
    assert "Team Zwolle 02" not in said


def test_when_every_teams_pins_conflict_nothing_is_planned_and_each_is_named(client, login, make, regions):
    """A region of one team whose pins conflict: no team is left to plan."""
    team = make.team("Assen", name="Team Assen")
    make.supervisor(team, work_types=[regions.wt])
    people = [make.employee(team, work_types=[regions.wt], first_name=n, last_name="Assen") for n in "XYZ"]
    place = make.request(make.location("Assen", name="Kantoor Assen"), regions.wt, headcount=2,
                         start_date=MON, end_date=MON)
    roster = Roster(week=WEEK, team_id=team.id, status="draft", version=0)
    db.session.add(roster)
    db.session.flush()
    for person in people:
        db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=MON, request_id=place.id,
                                  pinned=True))
    db.session.commit()
    before = shifts(team)
    login(regions.planner)

    job = finished(start(client, regio="Assen"))

    assert job.status == JobStatus.FAILED.value
    assert "Geen enkel team kon gepland worden" in job.error and "niet veranderd" in job.error
    assert shifts(team) == before
    page = client.get(f"/rooster/planning/{job.id}").get_data(as_text=True)
    assert "Team Assen is niet gepland: deze vastgezette diensten botsen: X Assen op maandag 7 december" in page

    # One team alone still says it as before.
    only = finished(start(client, team=team.id))
    assert only.status == JobStatus.FAILED.value and "passen niet samen" in only.error
    assert shifts(team) == before


def test_a_one_team_solves_conflicting_pins_read_in_the_pages_language(client, login, make, regions, app_with):
    """The message was stored in Dutch and shown so on an English page; the pins are kept as data."""
    from tests.conftest import english_client

    team, one, two, _roster = pin_two_namesakes_on_one_place(make, regions)
    login(regions.planner)
    job = finished(start(client, team=team.id))
    assert job.status == JobStatus.FAILED.value
    dutch = client.get(f"/rooster/planning/{job.id}").get_data(as_text=True)
    assert "De vastgezette diensten passen niet samen in een rooster:" in dutch and "op maandag 7 december, " in dutch
    english = english_client(app_with, make, role="planner").get(f"/rooster/planning/{job.id}").get_data(as_text=True)
    assert "passen niet samen" not in english and "on Monday 7 December, " in english


def test_left_out_teams_in_english(client, login, make, regions, app_with):
    from tests.conftest import english_client

    pin_two_namesakes_on_one_place(make, regions)
    login(regions.planner)
    job = finished(start(client, regio="Zwolle"))
    browser = english_client(app_with, make, role="planner")
    page = browser.get(f"/rooster/planning/{job.id}").get_data(as_text=True)
    assert "Team Zwolle 01 has not been planned: these pinned shifts conflict:" in page
    assert 'Anna Zwolle on Monday 7 December, <span lang="nl">Kantoor Zwolle</span>' in page


# --- the command line -----------------------------------------------------------------------


def test_plan_solve_one_region_from_the_command_line(runner, regions):
    result = runner.invoke(args=["plan", "solve", "--week", WEEK, "--time-limit", "2", "--region", "groningen"])
    assert result.exit_code == 0, result.output
    assert "0 aanvraagdagen met te weinig mensen" in result.output
    assert len(shifts(regions.teams["Groningen"][0])) == 2
    assert shifts(regions.teams["Zwolle"][0]) == {}
    assert db.session.scalar(select(SolveJob.region)) == "Groningen"

    result = runner.invoke(args=["plan", "solve", "--week", WEEK, "--region", "Atlantis"])
    assert result.exit_code != 0
    assert "Er is geen regio 'Atlantis' met teams. Bekende regio's: Groningen, Zwolle." in result.output
