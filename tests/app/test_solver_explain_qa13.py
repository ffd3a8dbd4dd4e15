"""QA round 13: what a failed solve says about conflicting pins (small demo, week 2026-W51).

1. A pinned shift the region's stand-in could lead, but for the planner's own pin of the stand-in
   at another place, is not "geen teamleider of invaller vrij": the job names that leader pin and
   the pinned shift there, and says that letting one of them go helps. A region solve names them
   too, not one pin "clashing" with nothing.
2. A day nobody may lead the team (its leader and the stand-in away) is short for that first on
   the roster page, not for the hours its people used on the other days.
3. A one-team solve lists its pins as a region solve does (day, place, hours) and names the cause
   it knows (the person's contract hours), not "Julia Huisman (14-12), Julia Huisman (15-12)".
"""
from __future__ import annotations

import datetime as dt
import html

import pytest
from sqlalchemy import select

from binnenwerk import formatting, jobs, planning
from binnenwerk.extensions import db
from binnenwerk.models import (Assignment, DeploymentRequest, Employee, JobStatus, Location, Roster, SolveJob,
                               Supervisor, SupervisionAssignment, Team, WorkType)
from binnenwerk.services import feeds

WEEK = "2026-W51"
MON, TUE, WED = dt.date(2026, 12, 14), dt.date(2026, 12, 15), dt.date(2026, 12, 16)


@pytest.fixture(autouse=True)
def fast_solver(app, monkeypatch):
    app.config.update(SOLVE_DETERMINISTIC=True, SOLVE_WORKERS=1, SOLVE_TIME_LIMIT=3.0, REDIS_URL="")
    for module in (feeds, planning, formatting):
        monkeypatch.setattr(module, "local_today", lambda: dt.date(2026, 12, 7))


@pytest.fixture
def den_haag(demo, make, client, login):
    """The demo's Team Den Haag 1, its people and places by name, a draft roster for the week and
    a planner logged in."""
    def one(model, **where):
        return db.session.scalar(select(model).filter_by(**where))

    team = one(Team, name="Team Den Haag 1")
    rijnstraat, turfmarkt = one(Location, name="Rijnstraat 8"), one(Location, name="Turfmarkt 147")
    world = type("DenHaag", (), dict(
        team=team, rijnstraat=rijnstraat, turfmarkt=turfmarkt,
        hugo=one(Employee, first_name="Hugo", last_name="Kuiper"),
        julia=one(Employee, first_name="Julia", last_name="Huisman"),
        olaf=one(Supervisor, name="Olaf Kaya"), tineke=one(Supervisor, name="Tineke Teamleider"),
        at={place.id: one(DeploymentRequest, location_id=place.id) for place in (rijnstraat, turfmarkt)}))
    world.roster = Roster(week=WEEK, team_id=team.id, status="draft", version=0)
    db.session.add(world.roster)
    db.session.flush()
    login(make.user("planner"))
    return world


def pin_shift(world, person, day, place) -> None:
    db.session.add(Assignment(roster_id=world.roster.id, employee_id=person.id, date=day,
                              request_id=world.at[place.id].id, pinned=True))


def pin_leader(world, leader, day, place) -> None:
    db.session.add(SupervisionAssignment(roster_id=world.roster.id, supervisor_id=leader.id, date=day,
                                         location_id=place.id, team_id=world.team.id, pinned=True))


def solve(client, **form) -> SolveJob:
    response = client.post("/rooster/plannen", data={"week": WEEK, "time_limit": "10", **form})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    jobs.wait(job_id, 60)
    db.session.expire_all()
    return db.session.get(SolveJob, job_id)


def page_of(client, job) -> str:
    return html.unescape(client.get(f"/rooster/planning/{job.id}").get_data(as_text=True))


@pytest.fixture
def stand_in_pinned_elsewhere(den_haag, make):
    """The QA steps: Hugo pinned at Turfmarkt and Julia at Rijnstraat on Wednesday; the stand-in
    Olaf pinned to lead the team at Rijnstraat, Tineke at Turfmarkt, and Tineke sick that day."""
    pin_shift(den_haag, den_haag.hugo, WED, den_haag.turfmarkt)
    pin_shift(den_haag, den_haag.julia, WED, den_haag.rijnstraat)
    pin_leader(den_haag, den_haag.olaf, WED, den_haag.rijnstraat)
    pin_leader(den_haag, den_haag.tineke, WED, den_haag.turfmarkt)
    make.absence(supervisor=den_haag.tineke, start=WED)
    db.session.commit()
    return den_haag


def test_a_leader_pin_that_keeps_the_stand_in_away_is_named_not_no_leader_free(client, stand_in_pinned_elsewhere):
    world = stand_in_pinned_elsewhere
    job = solve(client, team=world.team.id)

    assert job.status == JobStatus.FAILED.value
    said = page_of(client, job)
    assert "Geen teamleider kan deze dienst leiden: Hugo Kuiper op woensdag 16 december, Turfmarkt 147 " \
           "09:00–13:00." in said
    assert "Dat komt door een vastgezette teamleider: Olaf Kaya staat op woensdag 16 december vast bij " \
           "Rijnstraat 8, waar ook Julia Huisman vaststaat. Maak een of meer hiervan los en probeer het " \
           "opnieuw. Het rooster is niet veranderd." in said
    # Olaf is free that day: nobody is missing but for the planner's own pin.
    assert "geen teamleider of invaller vrij" not in said and "Zorg eerst voor" not in said


def test_a_region_solve_names_the_leader_pin_its_pin_clashes_with(client, stand_in_pinned_elsewhere):
    world = stand_in_pinned_elsewhere
    job = solve(client, regio="Den Haag")

    assert job.status == JobStatus.FINISHED.value, job.error
    said = page_of(client, job).split('id="job-left-out"')[1].split("</ul>")[0]
    assert "Team Den Haag 1 is niet gepland: geen teamleider kan deze dienst leiden: Hugo Kuiper op woensdag " \
           "16 december, Turfmarkt 147 09:00–13:00. Dat komt door een vastgezette teamleider: Olaf Kaya staat " \
           "op woensdag 16 december vast bij Rijnstraat 8, waar ook Julia Huisman vaststaat. Maak een of meer " \
           "hiervan los en plan het team opnieuw." in said
    assert world.team.name in said


def test_a_one_team_solve_lists_its_pins_as_a_region_solve_does_and_names_the_contract_hours(client, den_haag):
    for day in (MON, TUE, WED):
        pin_shift(den_haag, den_haag.julia, day, den_haag.rijnstraat)
    den_haag.julia.contract_minutes = 600
    db.session.commit()

    job = solve(client, team=den_haag.team.id)

    assert job.status == JobStatus.FAILED.value
    said = page_of(client, job)
    assert "De vastgezette diensten passen niet samen in een rooster: Julia Huisman op maandag 14 december, " \
           "Rijnstraat 8 09:00–15:00; Julia Huisman op dinsdag 15 december, Rijnstraat 8 09:00–15:00" in said
    assert "Julia Huisman heeft deze week niet genoeg contracturen voor al deze diensten. Maak een of meer van " \
           "die diensten los en probeer het opnieuw." in said
    assert "(14-12)" not in said
    # The region's message says the same of her.
    region = solve(client, regio="Den Haag")
    assert "Julia Huisman heeft deze week niet genoeg contracturen voor al deze diensten." in page_of(client, region)


# --- the job message from stored data (binnenwerk.jobs) ----------------------------------------


HUGO = {"name": "Hugo Kuiper", "email": "", "nr": None, "date": "2026-12-16", "place": "Turfmarkt 147",
        "start": 540, "end": 780, "unled": False, "short": False, "begun": False, "loose": True,
        "held": [{"name": "Olaf Kaya", "date": "2026-12-16", "place": "Rijnstraat 8", "team": "",
                  "with": ["Julia Huisman"]}]}


def test_a_held_pin_in_english(app):
    from tests.app.test_english_qa import in_language

    with in_language(app, "en"):
        message = jobs.pins_message({"conflicting_pins": [HUGO]})
    assert 'Hugo Kuiper on Wednesday 16 December, <span lang="nl">Turfmarkt 147</span> 09:00–13:00' in message
    assert "Olaf Kaya" in message and "Rijnstraat 8" in message and "Julia Huisman" in message
    assert "no team leader or stand-in" not in message.lower()


def test_a_leader_pinned_for_another_team_says_which(app):
    with_team = {**HUGO, "held": [{**HUGO["held"][0], "team": "Team Den Haag 2", "with": []}]}
    message = jobs.pins_message({"conflicting_pins": [with_team]})
    assert "Olaf Kaya staat op woensdag 16 december vast bij Rijnstraat 8 (Team Den Haag 2)." in message


def test_a_job_stored_before_places_were_kept_still_reads(app):
    message = jobs.pins_message({"conflicting_pins": [{"name": "Anna Test", "date": "2026-12-09"}]})
    assert "Anna Test (09-12)" in message


# --- 2. a day nobody may lead: that reason first on the roster page ----------------------------


def test_a_day_the_team_has_no_leader_says_so_first_not_the_hours_it_used_elsewhere(client, demo, make, login):
    """Team Heerlen's leader and the region's stand-in are away on Tuesday; a request at Akerstraat
    asks 15 people all week (and 3 from 15:00 to 23:00). Tuesday is short for want of a leader;
    the hours its people have left over are a consequence (the plan used them on other days)."""
    team = db.session.scalar(select(Team).filter_by(name="Team Heerlen"))
    akerstraat = db.session.scalar(select(Location).filter_by(name="Akerstraat 92"))
    keyboards = db.session.scalar(select(WorkType).filter_by(code="keyboards"))
    make.request(akerstraat, keyboards, headcount=15, start_date=MON, end_date=dt.date(2026, 12, 18))
    make.request(akerstraat, keyboards, headcount=3, start_date=MON, end_date=dt.date(2026, 12, 18),
                 start_minute=15 * 60, end_minute=23 * 60)
    for leader in db.session.scalars(select(Supervisor).where(Supervisor.region == "Zuid")):
        make.absence(supervisor=leader, start=TUE)
    login(make.user("planner"))

    assert solve(client, team=team.id).status == JobStatus.FINISHED.value
    page = html.unescape(client.get(f"/rooster/?week={WEEK}&team={team.id}").get_data(as_text=True))
    assert "15 te weinig: geen teamleider vrij op dinsdag" in page
    assert "15 te weinig: maar" not in page
