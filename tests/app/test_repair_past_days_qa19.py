"""QA round 19: a repair never plans a day gone by again.

1. The roster page's "Repareer vanaf" offers today and the days after it only, and starts at the first
   clash still to come; a week gone by has no repair form. The server refuses a day gone by, and a
   repair asked from one anyway (a job, a direct call) starts today: yesterday's worked shift stays,
   and publishing keeps it.
2. The repair warnings count days still to come only: an absence reported afterwards for yesterday
   (an employee's or the team leader's) is history; the grid still marks it.
3. A repair that changes only who leads the team writes its history line, and the line counts the
   leader changes.
"""
from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from binnenwerk import jobs, planning, roster_history
from binnenwerk.extensions import db
from binnenwerk.models import (
    Assignment, JobStatus, PublishedShift, Roster, RosterChange, SolveJob, SupervisionAssignment,
)
from binnenwerk.services import feeds
from binnenwerk.services import rosters as service
from scheduling import AssignmentRef, Solution, SupervisionRef

WEEK = "2026-W50"
FRIDAY_BEFORE = dt.date(2026, 12, 4)
MON, TUE, WED, THU, FRI = (dt.date(2026, 12, 7) + dt.timedelta(days=n) for n in range(5))
DAYS = (MON, TUE, WED, THU, FRI)
NEXT_MON = dt.date(2026, 12, 14)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(autouse=True)
def fast_solver(app):
    app.config.update(SOLVE_DETERMINISTIC=True, SOLVE_WORKERS=1, SOLVE_TIME_LIMIT=2.0, REDIS_URL="")


@pytest.fixture
def clock(monkeypatch):
    """clock.set(day, hour): that moment in Amsterdam, for the whole app."""
    def set_clock(day: dt.date, hour: int = 7) -> None:
        monkeypatch.setattr(feeds, "local_now", lambda: dt.datetime.combine(day, dt.time(hour), AMSTERDAM))
        monkeypatch.setattr(feeds, "local_today", lambda: day)

    set_clock(FRIDAY_BEFORE)
    return SimpleNamespace(set=set_clock)


@pytest.fixture
def world(make, clock):
    """Team A: Anouk Smit and Bram Bos on Rijnstraat 8 (09:00-13:00) Monday to Friday of 2026-W50, led
    by Tineke, Cees Cohen free; published the Friday before. Ina Invaller stands in for the region.
    Team B (no roster) beside it, so the all-teams view has its overview. Then it is Tuesday 8
    December, 07:00 (the QA's today): Monday was worked."""
    wt = make.work_type("keyboards")
    loc = make.location("Den Haag", name="Rijnstraat 8")
    team = make.team("Den Haag", name="Team A")
    make.team("Den Haag", name="Team B")
    tineke = make.supervisor(team, work_types=[wt], name="Tineke")
    ina = make.supervisor(None, region="Den Haag", work_types=[wt], name="Ina Invaller")
    anouk = make.employee(team, work_types=[wt], first_name="Anouk", last_name="Smit")
    bram = make.employee(team, work_types=[wt], first_name="Bram", last_name="Bos")
    cees = make.employee(team, work_types=[wt], first_name="Cees", last_name="Cohen")
    req = make.request(loc, wt, headcount=2, start_minute=9 * 60, end_minute=13 * 60, start_date=MON, end_date=FRI)
    roster = Roster(week=WEEK, team=team)
    db.session.add(roster)
    db.session.flush()
    for day in DAYS:
        for person in (anouk, bram):
            db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=day, request_id=req.id))
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=tineke.id, date=day,
                                             location_id=loc.id, team_id=team.id))
    planner = make.user("planner")
    db.session.commit()
    service.publish(roster)
    clock.set(TUE)
    return SimpleNamespace(team=team, loc=loc, req=req, tineke=tineke, ina=ina, anouk=anouk, bram=bram, cees=cees,
                           roster_id=roster.id, planner=planner)


def flat(html: str) -> str:
    return " ".join(html.split())


def team_page(client) -> str:
    return flat(client.get(f"/rooster/?week={WEEK}&team=1").get_data(as_text=True))


def overview_line(client, team) -> str:
    page = client.get(f"/rooster/?week={WEEK}").get_data(as_text=True)
    return flat(page.split(f'id="overzicht-team-{team.id}"')[1].split("</tr>")[0])


def repair_days(page: str) -> tuple[list[str], str | None]:
    """The repair form's days (their values) and the one selected."""
    form = re.search(r'<form method="post" action="/rooster/repareren".*?</form>', page)
    assert form, "the page has a repair form"
    select_html = re.search(r'<select[^>]*name="day"[^>]*>(.*?)</select>', form.group(0)).group(1)
    options = re.findall(r'<option([^>]*)value="([^"]+)"([^>]*)>', select_html)
    chosen = [value for before, value, after in options if "selected" in before + after]
    return [value for _before, value, _after in options], (chosen[0] if chosen else None)


def shifts(world) -> dict[tuple[int, dt.date], int]:
    db.session.expire_all()
    return {(a.employee_id, a.date): a.request_id for a in db.session.get(Roster, world.roster_id).assignments}


def leaders(world) -> dict[dt.date, int]:
    db.session.expire_all()
    return {s.date: s.supervisor_id for s in db.session.get(Roster, world.roster_id).supervision}


def post_repair(client, world, day: dt.date):
    return client.post("/rooster/repareren", data={
        "week": WEEK, "team": world.team.id, "day": day.isoformat(), "time_limit": "10",
        "lock_version": db.session.get(Roster, world.roster_id).lock_version})


def solve_jobs() -> int:
    return db.session.scalar(select(func.count(SolveJob.id)))


# --- 1. repair from today on --------------------------------------------------------------------


def test_the_repair_form_offers_today_and_later_and_not_yesterdays_clash(client, login, world, make):
    """Anouk is reported absent for Monday, afterwards: the form started at Monday and re-planned it."""
    assert world.team.id == 1  # the QA's address: /rooster/?week=2026-W50&team=1
    make.absence(world.anouk, start=MON, end=MON)
    db.session.commit()
    login(world.planner)
    days, chosen = repair_days(team_page(client))
    assert days == [day.isoformat() for day in (TUE, WED, THU, FRI)]
    assert chosen == TUE.isoformat()


def test_the_repair_form_starts_at_the_first_clash_still_to_come(client, login, world, make):
    make.absence(world.anouk, start=MON, end=MON)
    make.absence(world.bram, start=THU, end=THU)
    db.session.commit()
    login(world.planner)
    page = team_page(client)
    days, chosen = repair_days(page)
    assert MON.isoformat() not in days and chosen == THU.isoformat()
    # Thursday's clash is the one to repair: counted alone.
    assert "1 dienst valt samen met een afwezigheid. Repareer het rooster of pas de dienst aan." in page


def test_the_server_refuses_a_repair_from_a_day_gone_by(client, login, world, make):
    make.absence(world.anouk, start=MON, end=MON)
    db.session.commit()
    before, led = shifts(world), leaders(world)
    login(world.planner)
    response = post_repair(client, world, MON)
    assert response.status_code == 302 and "/rooster/taak/" not in response.headers["Location"]
    page = flat(client.get(response.headers["Location"]).get_data(as_text=True))
    assert ("Je kunt niet repareren vanaf maandag 7 december: die dag is voorbij en blijft zoals hij is. "
            "Kies vandaag of een dag daarna.") in page
    assert solve_jobs() == 0
    assert shifts(world) == before and leaders(world) == led


def test_a_repair_job_asked_from_yesterday_starts_today_and_publishing_keeps_yesterday(world, make):
    """The job path (a job queued yesterday, a caller that did not check): build_problem keeps the days
    gone by whatever day it is given; the history line says the day it really started from."""
    make.absence(world.anouk, start=MON, end=TUE)
    db.session.commit()
    monday = {key: value for key, value in shifts(world).items() if key[1] == MON}
    assert (world.anouk.id, MON) in monday
    _problem, idmap = planning.build_problem(WEEK, [world.team.id], repair_from=MON, keep_gone_by=True)
    assert idmap.kept_before == TUE

    job = jobs.start_solve(WEEK, world.team.id, user=world.planner, time_limit=2.0, repair_from=MON)
    jobs.wait(job.id, 60)
    db.session.expire_all()
    job = db.session.get(SolveJob, job.id)
    assert job.status == JobStatus.FINISHED.value, job.error
    after = shifts(world)
    assert {key: value for key, value in after.items() if key[1] == MON} == monday
    assert (world.anouk.id, TUE) not in after  # today's clash is repaired
    assert leaders(world)[MON] == world.tineke.id
    line = db.session.scalars(select(RosterChange).where(RosterChange.message == "repaired")).one()
    assert roster_history.wording(line).startswith("Gerepareerd vanaf dinsdag 8 december:")

    service.publish(db.session.get(Roster, world.roster_id))
    told = db.session.scalar(select(PublishedShift).where(
        PublishedShift.employee_id == world.anouk.id, PublishedShift.date == MON))
    assert told is not None and not told.cancelled  # the work went on


def test_a_week_gone_by_has_no_repair_form_and_refuses_a_repair(client, login, world, make, clock):
    make.absence(world.anouk, start=FRI, end=FRI)
    db.session.commit()
    clock.set(NEXT_MON)
    login(world.planner)
    page = team_page(client)
    assert "Week 2026-W50 is voorbij." in page
    assert 'action="/rooster/repareren"' not in page
    assert "valt samen met een afwezigheid" not in page
    response = post_repair(client, world, FRI)
    assert response.status_code == 302
    page = flat(client.get(response.headers["Location"]).get_data(as_text=True))
    assert ("Week 2026-W50 is voorbij: je kunt het rooster niet meer repareren. De dagen blijven zoals ze "
            "zijn.") in page
    assert solve_jobs() == 0


# --- 2. the warnings are about days still to come ---------------------------------------------------


def test_an_absence_yesterday_is_marked_in_the_grid_but_not_counted_for_repair(client, login, world, make):
    make.absence(world.anouk, start=MON, end=MON)
    db.session.commit()
    login(world.planner)
    page = client.get(f"/rooster/?week={WEEK}&team=1").get_data(as_text=True)
    assert "valt samen met een afwezigheid" not in page and "vallen samen met een afwezigheid" not in page
    cell = re.search(rf'<td id="cel-{world.anouk.id}-{MON.isoformat()}"[^>]*>', page).group(0)
    assert "affected" in cell  # the grid still says she was away
    assert "samen met een afwezigheid" not in overview_line(client, world.team)


def test_a_team_leader_absent_yesterday_is_no_repair_warning(client, login, world, make):
    make.absence(supervisor=world.tineke, start=MON, end=MON)
    db.session.commit()
    login(world.planner)
    page = team_page(client)
    assert "maar is dan afwezig" not in page
    monday = page.split(f'id="cel-leider-{world.team.id}-{MON.isoformat()}-{world.loc.id}"')[1].split("</td>")[0]
    assert "let op: afwezig" in monday  # the grid still marks Monday's leader
    assert "teamleider afwezig" not in overview_line(client, world.team)

    # Absent on Wednesday too: that day is still to come, and it alone is named.
    make.absence(supervisor=world.tineke, start=WED, end=WED)
    db.session.commit()
    page = team_page(client)
    assert ("Tineke leidt het team op woensdag 9 december, maar is dan afwezig. Repareer of plan het rooster "
            "opnieuw") in page
    assert "maandag 7 december, maar" not in page and "maandag 7 december en" not in page
    days, chosen = repair_days(page)
    assert chosen == WED.isoformat()
    line = overview_line(client, world.team)
    assert "teamleider afwezig op" in line
    assert line.split("teamleider afwezig op", 1)[1].split(";")[0].split("<")[0].count(",") == 0  # one day


# --- 3. a repair that only changes leaders ------------------------------------------------------


def test_a_repair_that_only_changes_the_team_leader_writes_its_history_line(client, login, world, make):
    """Tineke is away from Wednesday on; Ina stands in. The shifts stay as they are."""
    make.absence(supervisor=world.tineke, start=WED, end=FRI)
    db.session.commit()
    before = shifts(world)
    login(world.planner)
    response = post_repair(client, world, WED)
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    jobs.wait(job_id, 60)
    db.session.expire_all()
    job = db.session.get(SolveJob, job_id)
    assert job.status == JobStatus.FINISHED.value, job.error
    assert shifts(world) == before
    assert [leaders(world)[day] for day in DAYS] == [world.tineke.id] * 2 + [world.ina.id] * 3
    lines = db.session.scalars(select(RosterChange).where(RosterChange.message == "repaired")).all()
    assert [roster_history.wording(c) for c in lines] == [
        "Gerepareerd vanaf woensdag 9 december: 10 diensten gepland, 0 gewijzigd, teamleider 3 keer veranderd."]
    history = flat(client.get(f"/rooster/{world.roster_id}/geschiedenis").get_data(as_text=True))
    assert "0 gewijzigd, teamleider 3 keer veranderd." in history


def test_a_plan_line_counts_the_leaders_it_changed_besides_the_shifts(world):
    """apply_solution itself: the same plan again writes no line; then one leader changed (Friday's) and
    one shift (Cees for Bram on Friday) are both on the line."""
    def solution(friday_person, friday_leader) -> Solution:
        people = [(e, day) for e in (world.anouk, world.bram) for day in DAYS if (e, day) != (world.bram, FRI)]
        return Solution(
            "FEASIBLE",
            [AssignmentRef(planning.eid(e.id), day, planning.rid(world.req.id))
             for e, day in people + [(friday_person, FRI)]],
            [SupervisionRef(planning.sid((friday_leader if day == FRI else world.tineke).id), day,
                            planning.lid(world.loc.id), planning.tid(world.team.id)) for day in DAYS])

    _problem, idmap = planning.build_problem(WEEK, [world.team.id])
    planning.apply_solution(WEEK, idmap, solution(world.bram, world.tineke), user=world.planner)
    assert db.session.scalars(select(RosterChange).where(RosterChange.message == "planned")).all() == []

    _problem, idmap = planning.build_problem(WEEK, [world.team.id])
    planning.apply_solution(WEEK, idmap, solution(world.cees, world.ina), user=world.planner)
    line = db.session.scalars(select(RosterChange).where(RosterChange.message == "planned")).one()
    assert line.params == {"n": 10, "c": 2, "l": 1}
    assert roster_history.wording(line) == "10 diensten gepland, 2 gewijzigd, teamleider 1 keer veranderd."
