"""QA round 18: what the roster pages say about absences and about a week with nothing to plan.

1. A shift under way of someone reported sick: a repair keeps it as told, so the roster page counts it
   apart and names the hand edit (the cell set to Vrij), with the repair advice for the other shifts
   only; the week overview's "Let op" line says the same.
2. Setting the cell of someone absent that day to "Vrij" does not advise entering an absence: there is
   one, and planning puts no shift there.
3. Planning with nothing to plan (no team; no accepted request in the week) is refused with a clear
   message, and makes no job and no empty draft rosters; a week whose requests were cancelled after it
   was planned can still be planned to clear it, and its job page does not say all requests are filled.
"""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from binnenwerk import jobs
from binnenwerk.extensions import db
from binnenwerk.models import (
    Assignment, JobStatus, RequestStatus, Roster, SolveJob, SupervisionAssignment,
)
from binnenwerk.services import feeds
from binnenwerk.services import rosters as service

WEEK = "2026-W50"
FRIDAY_BEFORE = dt.date(2026, 12, 4)
MON, TUE, WED = (dt.date(2026, 12, 7) + dt.timedelta(days=n) for n in range(3))
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

BEGUN_ONE = ("1 dienst die al begonnen is, valt samen met een afwezigheid. Repareren verandert die dienst niet: "
             "zet de cel in het rooster op Vrij en publiceer opnieuw.")
REPAIR_ADVICE = "samen met een afwezigheid. Repareer het rooster of pas de"
FREE_DAY_ADVICE = "Een vrije dag staat niet vast"
NOTHING_FOR_TEAMS = "Er is deze week geen geaccepteerde aanvraag voor deze teams: er is niets te plannen."
NOTHING_FOR_TEAM = "Er is deze week geen geaccepteerde aanvraag voor dit team: er is niets te plannen."
NO_TEAMS = "Er is niets te plannen: er zijn nog geen teams. Maak eerst een team bij Teams."


@pytest.fixture(autouse=True)
def fast_solver(app):
    app.config.update(SOLVE_DETERMINISTIC=True, SOLVE_WORKERS=1, SOLVE_TIME_LIMIT=2.0, REDIS_URL="")


@pytest.fixture
def clock(monkeypatch):
    """clock.set(day, hour, minute): that moment in Amsterdam, for the whole app."""
    def set_clock(day: dt.date, hour: int = 7, minute: int = 0) -> None:
        monkeypatch.setattr(feeds, "local_now", lambda: dt.datetime.combine(day, dt.time(hour, minute), AMSTERDAM))
        monkeypatch.setattr(feeds, "local_today", lambda: day)

    state = SimpleNamespace(set=set_clock)
    set_clock(FRIDAY_BEFORE)
    return state


@pytest.fixture
def world(make, clock):
    """Team A: Julia Huisman and Gijs Dijkstra on Rijnstraat 8 (09:00-13:00) Monday to Wednesday of
    2026-W50, published the Friday before; Team B (no roster) beside it, so the all-teams view has its
    overview."""
    wt = make.work_type("keyboards")
    loc = make.location("Den Haag", name="Rijnstraat 8")
    team = make.team("Den Haag", name="Team A")
    other = make.team("Den Haag", name="Team B")
    leader = make.supervisor(team, work_types=[wt], name="Tineke")
    julia = make.employee(team, work_types=[wt], first_name="Julia", last_name="Huisman")
    gijs = make.employee(team, work_types=[wt], first_name="Gijs", last_name="Dijkstra")
    req = make.request(loc, wt, weekdays="123", headcount=2, start_minute=9 * 60, end_minute=13 * 60,
                       start_date=MON, end_date=WED)
    roster = Roster(week=WEEK, team=team)
    db.session.add(roster)
    db.session.flush()
    for day in (MON, TUE, WED):
        for person in (julia, gijs):
            db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=day, request_id=req.id))
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=leader.id, date=day,
                                             location_id=loc.id, team_id=team.id))
    planner = make.user("planner")
    db.session.commit()
    service.publish(roster)
    return SimpleNamespace(team=team, other=other, julia=julia, gijs=gijs, req=req, roster_id=roster.id,
                           planner=planner)


def flat(html: str) -> str:
    return " ".join(html.split())


def team_page(client) -> str:
    return flat(client.get(f"/rooster/?week={WEEK}&team=1").get_data(as_text=True))


def overview_line(client, team) -> str:
    page = client.get(f"/rooster/?week={WEEK}").get_data(as_text=True)
    return flat(page.split(f'id="overzicht-team-{team.id}"')[1].split("</tr>")[0])


# --- 1. a shift under way of someone reported sick ------------------------------------------------


def test_a_begun_shift_of_someone_sick_gets_the_hand_edit_not_the_repair_advice(client, login, world, make, clock):
    assert world.team.id == 1  # the QA's address: /rooster/?week=2026-W50&team=1
    clock.set(MON, 10, 30)  # Monday's 09:00 shifts have begun
    make.absence(world.julia, start=MON, end=MON)
    make.absence(world.gijs, start=MON, end=MON)
    db.session.commit()
    login(world.planner)
    page = team_page(client)
    assert ("2 diensten die al begonnen zijn, vallen samen met een afwezigheid. Repareren verandert die diensten "
            "niet: zet die cellen in het rooster op Vrij en publiceer opnieuw.") in page
    assert REPAIR_ADVICE not in page
    assert "1 begonnen dienst" not in page
    line = overview_line(client, world.team)
    assert "2 begonnen diensten samen met een afwezigheid" in line
    assert "2 diensten samen met een afwezigheid" not in line


def test_a_repair_from_monday_keeps_the_begun_shift_and_the_page_still_names_the_hand_edit(
        client, login, world, make, clock):
    clock.set(MON, 10, 30)
    make.absence(world.julia, start=MON, end=MON)
    db.session.commit()
    login(world.planner)
    response = client.post("/rooster/repareren", data={
        "week": WEEK, "team": world.team.id, "day": MON.isoformat(), "time_limit": "10",
        "lock_version": db.session.get(Roster, world.roster_id).lock_version})
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    jobs.wait(job_id, 60)
    db.session.expire_all()
    job = db.session.get(SolveJob, job_id)
    assert job.status == JobStatus.FINISHED.value, job.error
    assert (job.result or {}).get("unchanged")
    page = team_page(client)
    assert BEGUN_ONE in page and REPAIR_ADVICE not in page


def test_shifts_still_to_come_keep_the_repair_advice_beside_the_begun_one(client, login, world, make, clock):
    clock.set(MON, 10, 30)
    make.absence(world.julia, start=MON, end=WED)  # the QA's 7 to 9 December
    db.session.commit()
    login(world.planner)
    page = team_page(client)
    assert BEGUN_ONE in page
    # Tuesday and Wednesday: a repair takes them off.
    assert ("2 diensten vallen samen met een afwezigheid. Repareer het rooster of pas de diensten aan.") in page
    line = overview_line(client, world.team)
    assert "2 diensten samen met een afwezigheid" in line and "1 begonnen dienst samen met een afwezigheid" in line


def test_before_the_shift_begins_it_is_one_for_a_repair(client, login, world, make, clock):
    clock.set(MON, 8, 30)  # 09:00 has not come
    make.absence(world.julia, start=MON, end=MON)
    db.session.commit()
    login(world.planner)
    page = team_page(client)
    assert "1 dienst valt samen met een afwezigheid. Repareer het rooster of pas de dienst aan." in page
    assert "al begonnen" not in page


# --- 2. a free day of someone absent that day ------------------------------------------------------


def free_cell(client, world, employee, day: dt.date) -> str:
    response = client.post("/rooster/cel", data={
        "week": WEEK, "team": world.team.id, "employee": employee.id, "date": day.isoformat(), "request": "",
        "pinned": "y", "reason": "Ziek gemeld", "lock_version": db.session.get(Roster, world.roster_id).lock_version,
    }, follow_redirects=True)
    assert response.status_code == 200
    return flat(response.get_data(as_text=True))


def test_freeing_the_cell_of_someone_absent_that_day_does_not_ask_for_an_absence(client, login, world, make, clock):
    clock.set(MON, 10, 30)
    make.absence(world.gijs, start=MON, end=MON)
    db.session.commit()
    login(world.planner)
    said = free_cell(client, world, world.gijs, MON)
    assert "Het rooster van Gijs Dijkstra op" in said and "is aangepast." in said
    assert FREE_DAY_ADVICE not in said and "Voer dan een afwezigheid in" not in said
    # Saved again as it is: no change, and still no advice.
    again = free_cell(client, world, world.gijs, MON)
    assert "Er was niets veranderd." in again and FREE_DAY_ADVICE not in again


def test_an_absence_over_all_the_working_hours_of_the_day_counts_as_the_whole_day(client, login, world, make, clock):
    make.absence(world.gijs, start=TUE, end=TUE, kind="afspraak", times=("08:00", "17:00"))
    db.session.commit()
    login(world.planner)
    assert FREE_DAY_ADVICE not in free_cell(client, world, world.gijs, TUE)


def test_a_part_of_the_day_away_or_no_absence_keeps_the_advice(client, login, world, make, clock):
    # An appointment in the morning leaves the afternoon: planning may still put a shift there.
    make.absence(world.gijs, start=TUE, end=TUE, kind="afspraak", times=("09:00", "11:00"))
    db.session.commit()
    login(world.planner)
    said = free_cell(client, world, world.gijs, TUE)
    assert FREE_DAY_ADVICE in said and "Moet Gijs Dijkstra die dag vrij zijn?" in said
    assert FREE_DAY_ADVICE in free_cell(client, world, world.julia, WED)


# --- 3. nothing to plan ------------------------------------------------------------------------------


def plan(client, **data):
    return client.post("/rooster/plannen", data={"week": WEEK, "time_limit": "10", **data})


def job_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SolveJob))


def test_planning_all_teams_without_any_team_is_refused(client, login, make):
    planner = make.user("planner")
    db.session.commit()
    login(planner)
    response = plan(client)
    assert response.status_code == 302 and "/rooster/planning/" not in response.headers["Location"]
    assert NO_TEAMS in flat(client.get(response.headers["Location"]).get_data(as_text=True))
    assert job_count() == 0


def test_planning_teams_without_an_accepted_request_is_refused_without_empty_rosters(client, login, make):
    wt = make.work_type("keyboards")
    loc = make.location("Den Haag", name="Rijnstraat 8")
    teams = [make.team("Den Haag", name=name) for name in ("Team A", "Team B")]
    for team in teams:
        make.employee(team, work_types=[wt])
        make.supervisor(team, work_types=[wt])
    # Asked, not accepted; accepted, but for the week after; accepted, cancelled.
    make.request(loc, wt, status=RequestStatus.SUBMITTED.value)
    make.request(loc, wt, start_date=dt.date(2026, 12, 14))
    make.request(loc, wt, status=RequestStatus.CANCELLED.value)
    planner = make.user("planner")
    db.session.commit()
    login(planner)
    for data, message in (({}, NOTHING_FOR_TEAMS), ({"regio": "Den Haag"}, NOTHING_FOR_TEAMS),
                          ({"team": teams[0].id}, NOTHING_FOR_TEAM)):
        response = plan(client, **data)
        assert response.status_code == 302 and "/rooster/planning/" not in response.headers["Location"]
        assert message in flat(client.get(response.headers["Location"]).get_data(as_text=True))
    assert job_count() == 0
    assert db.session.scalar(select(func.count()).select_from(Roster)) == 0
    page = flat(client.get(f"/rooster/?week={WEEK}").get_data(as_text=True))
    assert "Publiceer alle roosters" not in page


def test_a_week_whose_requests_were_cancelled_is_planned_again_to_clear_it(client, login, world, clock):
    world.req.status = RequestStatus.CANCELLED.value
    db.session.commit()
    login(world.planner)
    response = plan(client, team=world.team.id)
    assert "/rooster/planning/" in response.headers["Location"]
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    jobs.wait(job_id, 60)
    db.session.expire_all()
    job = db.session.get(SolveJob, job_id)
    assert job.status == JobStatus.FINISHED.value, job.error
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0  # cleared
    said = flat(client.get(f"/rooster/planning/{job_id}").get_data(as_text=True))
    result = said.split('id="job-result"')[1].split("</p>")[0]
    assert "Alle aanvragen zijn gevuld" not in result
    assert "Er is deze week geen geaccepteerde aanvraag voor dit team." in result
    assert "Het rooster is klaar en opgeslagen." in result
    # Planned once more, nothing to clear: refused, not "beter dan dit kan het niet".
    response = plan(client, team=world.team.id)
    assert "/rooster/planning/" not in response.headers["Location"]
    assert NOTHING_FOR_TEAM in flat(client.get(response.headers["Location"]).get_data(as_text=True))


def test_a_job_whose_week_has_no_request_left_does_not_say_all_are_filled(client, login, world):
    """A job of before this fix (or whose week lost its requests since): the page counts as the roster does."""
    login(world.planner)
    response = plan(client, team=world.team.id)
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    jobs.wait(job_id, 60)
    db.session.expire_all()
    said = flat(client.get(f"/rooster/planning/{job_id}").get_data(as_text=True))
    assert "Alle aanvragen zijn gevuld." in said.split('id="job-result"')[1].split("</p>")[0]
    world.req.status = RequestStatus.CANCELLED.value
    db.session.commit()
    said = flat(client.get(f"/rooster/planning/{job_id}").get_data(as_text=True))
    result = said.split('id="job-result"')[1].split("</p>")[0]
    assert "Alle aanvragen zijn gevuld" not in result
    assert "Er is deze week geen geaccepteerde aanvraag voor dit team." in result
    job = SolveJob(week=WEEK, team_id=None, status=JobStatus.FINISHED.value, result={"unchanged": True})
    db.session.add(job)
    db.session.commit()
    said = flat(client.get(f"/rooster/planning/{job.id}").get_data(as_text=True))
    result = said.split('id="job-result"')[1].split("</p>")[0]
    assert "Alle aanvragen zijn gevuld" not in result and "beter dan dit kan het niet" not in result
    assert "Het rooster is niet veranderd. Er is deze week geen geaccepteerde aanvraag voor deze teams." in result
