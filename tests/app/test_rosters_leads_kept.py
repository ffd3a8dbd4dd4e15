"""A repair keeps who leads which team where, as the people were told (QA of 2026-12-05: a sick
day on Thursday swapped the two team leaders between the team's two places on Tuesday and
Friday too, and each swap went out to everyone they lead as a change and onto the team leader's
list of people to call)."""
from __future__ import annotations

import datetime as dt

import pytest

from sqlalchemy import select

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import Absence, PublishedShift, SupervisionAssignment
from binnenwerk.services import rosters as service

from .test_rosters_flow import WEEK, fast_solver, repair_via_page, roster_of, solve_via_page  # noqa: F401

# Written when 2026-W50 was to come: the app's clock stays before its Monday's work.
pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

MON = dt.date(2026, 12, 7)
THU = dt.date(2026, 12, 10)


def _leads(roster) -> dict:
    db.session.expire_all()
    return {(s.date, s.location_id): s.supervisor_id for s in db.session.scalars(
        select(SupervisionAssignment).where(SupervisionAssignment.roster_id == roster.id))}


def _swap_leads(roster, team) -> None:
    """Tell the week the other way round: each place's leader swapped, on every date (so a re-plan
    that does not mind who leads where would likely go back to its own choice)."""
    rows = list(db.session.scalars(select(SupervisionAssignment).where(SupervisionAssignment.roster_id == roster.id)))
    by_date: dict = {}
    for row in rows:
        by_date.setdefault(row.date, []).append(row)
    swapped = []
    for day, pair in by_date.items():
        assert len(pair) == 2, day
        a, b = pair
        swapped += [(a.supervisor_id, day, b.location_id), (b.supervisor_id, day, a.location_id)]
        db.session.delete(a)
        db.session.delete(b)
    db.session.flush()
    for supervisor_id, day, location_id in swapped:
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=supervisor_id, date=day,
                                             location_id=location_id, team_id=team.id))
        for shift in db.session.scalars(select(PublishedShift).where(
                PublishedShift.date == day, PublishedShift.location_id == location_id,
                PublishedShift.team_id == team.id)):
            shift.supervisor_id = supervisor_id
    db.session.commit()


def test_a_sick_day_repair_keeps_every_team_leader_where_they_were(client, login, make):
    wt = make.work_type("keyboards")
    here, there = make.location("Den Haag", name="Rijnstraat 8"), make.location("Den Haag", name="Turfmarkt 147")
    team = make.team("Den Haag", name="Team A")
    make.supervisor(team, work_types=[wt], name="Tineke")
    make.supervisor(None, region="Den Haag", work_types=[wt], name="Olaf")
    people = [make.employee(team, work_types=[wt], first_name=n, last_name="Test")
              for n in ("Anna", "Bram", "Cees", "Dirk", "Eva")]
    for place in (here, there):
        make.request(place, wt, weekdays="12345", headcount=2, start_date=MON, end_date=dt.date(2026, 12, 31))
    leader = make.user("team_leader", teams=[team])
    db.session.commit()
    login(leader)
    solve_via_page(client, team)
    service.publish(roster_of(team))
    _swap_leads(roster_of(team), team)
    told = _leads(roster_of(team))
    problem, _ = planning.build_problem(WEEK, [team.id])
    assert len(problem.published_supervision) == len(told) == 10  # two places, five days

    sick = next(p for p in people if any(s.date == THU for s in db.session.scalars(
        select(PublishedShift).where(PublishedShift.employee_id == p.id, PublishedShift.cancelled.is_(False)))))
    db.session.add(Absence(employee_id=sick.id, kind="ziek", start_date=THU, end_date=THU))
    db.session.commit()
    job = repair_via_page(client, team, THU)
    assert job.status == "finished", job.error
    assert _leads(roster_of(team)) == told
    counts = service.publish(roster_of(team))
    assert counts["changed"] <= 1, counts  # the sick day's shift given to someone else, if anyone


def test_a_day_with_only_another_team_leader_says_just_that(client, login, make, monkeypatch):
    """When a repair must give a day another team leader (theirs is away) and nothing else
    changes, the employee's week page and the team leader's call list say so, instead of
    "Kijk goed hoe laat en waar je werkt"."""
    from binnenwerk.models import FeedKind
    from binnenwerk.services import feeds, tokens

    monkeypatch.setattr(feeds, "local_today", lambda: MON)
    wt = make.work_type("keyboards")
    place = make.location("Den Haag", name="Rijnstraat 8")
    team = make.team("Den Haag", name="Team A")
    make.supervisor(team, work_types=[wt], name="Tineke")
    make.supervisor(None, region="Den Haag", work_types=[wt], name="Olaf")
    anna = make.employee(team, work_types=[wt], first_name="Anna", last_name="Test", phone="06-11111111")
    make.request(place, wt, weekdays="12345", headcount=1, start_date=MON, end_date=dt.date(2026, 12, 31))
    leader = make.user("team_leader", teams=[team])
    token = tokens.issue(FeedKind.EMPLOYEE, anna)
    db.session.commit()
    login(leader)
    solve_via_page(client, team)
    service.publish(roster_of(team))
    tue = MON + dt.timedelta(days=1)
    was = db.session.scalars(select(PublishedShift).where(PublishedShift.date == tue)).one().supervisor_id
    db.session.add(Absence(supervisor_id=was, kind="verlof", start_date=tue, end_date=tue))
    db.session.commit()
    job = repair_via_page(client, team, tue)
    assert job.status == "finished", job.error
    service.publish(roster_of(team))
    db.session.expire_all()
    shift = db.session.scalars(select(PublishedShift).where(PublishedShift.date == tue)).one()
    assert shift.supervisor_id != was and shift.sequence == 1 and shift.leader_only
    others = db.session.scalars(select(PublishedShift).where(PublishedShift.date != tue)).all()
    assert all(s.sequence == 0 and not s.leader_only for s in others)

    week = client.get(f"/week/{token}").get_data(as_text=True)
    tuesday = week.split(f'id="day-{tue.isoformat()}"')[1].split("</article>")[0]
    assert "Je hebt die dag een andere teamleider. Je tijd en je plek blijven hetzelfde." in tuesday
    assert "Kijk goed hoe laat en waar je werkt." not in week
    home = client.get("/home").get_data(as_text=True)
    assert f"heeft een andere teamleider: {shift.supervisor.name}. Tijd en plek blijven hetzelfde." in home
