"""QA 18: shifts on a request-day no longer asked (the request cancelled or declined, the date
called off, the weekday dropped) are reported once, as not asked any more. The request's times,
place and work no longer apply to them, so the roster's warnings and the week overview's "Let op"
do not also count them as outside the working hours, too long or outside the region."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, PublishedShift, RequestDateOff, RequestStatus, Roster
from binnenwerk.services import rosters as service

WEEK = "2026-W51"
MON, TUE, WED, THU, FRI = (dt.date(2026, 12, 14) + dt.timedelta(days=i) for i in range(5))

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

WITHDRAWN = "diensten horen bij een aanvraag die op die dag niet meer geldt"
OUTSIDE_HOURS = "buiten de vaste werktijden"


def said(html: str) -> str:
    return " ".join(html.split())


def overview_line(html: str, team_id: int) -> str:
    """The week overview's row of one team (its "Let op" among it)."""
    return said(html.split(f'id="overzicht-team-{team_id}"', 1)[1].split("</tr>", 1)[0])


def pages(client, team) -> tuple[str, str]:
    """The team's own roster page (its warnings and grid) and the week's page of all teams (its
    overview per team)."""
    own = client.get(f"/rooster/?week={WEEK}&team={team.id}").get_data(as_text=True)
    return own, client.get(f"/rooster/?week={WEEK}").get_data(as_text=True)


@pytest.fixture
def qa(make):
    """Team A's two people (working hours 08:00-16:00) on a request Mon-Fri 09:00-15:00, each on
    Monday and Tuesday of week 51; a second team, so the page has its overview per team."""
    wt = make.work_type("keyboards")
    place = make.location("Den Haag", name="Rijnstraat 8")
    team = make.team("Den Haag", name="Team A")
    make.team("Den Haag", name="Team B")
    leader = make.supervisor(team, work_types=[wt])
    people = [make.employee(team, work_types=[wt], window=("08:00", "16:00"), first_name=n, last_name="Test")
              for n in ("Anna", "Bram")]
    request = make.request(place, wt, headcount=2, start_date=MON, end_date=dt.date(2026, 12, 31))
    roster = planning.get_or_create_roster(WEEK, team.id)
    for person in people:
        for day in (MON, TUE):
            db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=day, request_id=request.id))
    planner = make.user("planner")
    db.session.commit()
    return type("QA", (), dict(team=team, leader=leader, people=people, request=request, planner=planner,
                               place=place, wt=wt))


def roster_of(team) -> Roster:
    db.session.expire_all()
    return service.find_roster(WEEK, team.id)


def test_a_cancelled_request_held_for_its_new_times_is_reported_once_as_not_asked(client, login, qa):
    # Published as asked: four shifts told.
    assert service.publish(roster_of(qa.team))["new"] == 4
    # The ministry moves the request to 10:00-17:00: outside the people's hours, so publishing
    # holds the four shifts (what was told stands), and the roster says so.
    qa.request.start_minute, qa.request.end_minute, qa.request.break_minutes = 10 * 60, 17 * 60, 30
    db.session.commit()
    assert service.publish(roster_of(qa.team))["held"] == 4
    login(qa.planner)
    own, every = pages(client, qa.team)
    assert "4 diensten vallen buiten de vaste werktijden" in said(own)
    assert "4 diensten buiten de werktijden" in overview_line(every, qa.team.id)
    # The ministry cancels the request; the planner publishes: the four are called off.
    qa.request.status = RequestStatus.CANCELLED.value
    db.session.commit()
    counts = service.publish(roster_of(qa.team))
    assert counts["cancelled"] == 4 and counts["held"] == 0
    assert not db.session.scalars(select(PublishedShift).where(PublishedShift.cancelled.is_(False))).all()

    own, every = pages(client, qa.team)
    assert said(own).count(">gaat niet door<") == 4
    # Said once, as not asked any more; not also as outside the working hours.
    assert f"4 {WITHDRAWN}" in said(own)
    assert OUTSIDE_HOURS not in said(own)
    assert "let op: niet beschikbaar" not in own
    line = overview_line(every, qa.team.id)
    assert "4 diensten op een dag die de aanvraag niet meer vraagt" in line
    assert "buiten de werktijden" not in line


def test_a_draft_with_days_no_longer_asked_counts_them_as_not_asked_only(client, login, qa):
    """Not published yet. Monday is called off, Friday dropped from the request's weekdays, and
    the request's times are 10:00-17:00 now (outside the hours, and longer than Bram may work a
    day): the shifts of those days are not asked any more, so only the days still asked (Tuesday
    and Thursday) count as outside the hours or too long."""
    anna, bram = qa.people
    roster = roster_of(qa.team)
    for person, day in ((anna, THU), (bram, FRI)):
        db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=day, request_id=qa.request.id))
    db.session.add(RequestDateOff(request_id=qa.request.id, date=MON))
    qa.request.weekdays = "1234"
    qa.request.start_minute, qa.request.end_minute = 10 * 60, 17 * 60
    bram.max_minutes_per_day = 6 * 60
    db.session.commit()

    login(qa.planner)
    page, every = pages(client, qa.team)
    grid = said(page)
    # Monday's two and Bram's Friday: not asked any more (and not called off: the roster was never told).
    assert f"3 {WITHDRAWN}" in grid
    assert grid.count("let op: niet meer gevraagd") == 3
    # Tuesday's two and Anna's Thursday: outside the hours; Bram's Tuesday too long.
    assert "3 diensten vallen buiten de vaste werktijden" in grid
    assert grid.count("let op: niet beschikbaar") == 3
    assert "1 dienst is langer dan de medewerker per dag mag werken" in grid
    assert grid.count("let op: langer dan de uren per dag") == 1
    line = overview_line(every, qa.team.id)
    assert "3 diensten op een dag die de aanvraag niet meer vraagt" in line
    assert "3 diensten buiten de werktijden" in line
    assert "1 dienst langer dan de uren per dag" in line
    # A cell not asked any more carries that one mark only.
    for person, day in ((anna, MON), (bram, MON), (bram, FRI)):
        cell = said(re.search(rf'id="cel-{person.id}-{day.isoformat()}".*?</td>', page, re.S).group(0))
        assert "let op: niet meer gevraagd" in cell
        assert "niet beschikbaar" not in cell and "langer dan de uren per dag" not in cell, cell


def test_a_declined_request_on_a_place_outside_the_region_is_not_also_outside_the_region(client, login, qa):
    """Per-request rules of place and work follow the same way: a declined request whose place
    moved to another region is a shift not asked any more, not also one outside the region."""
    qa.place.region = "Utrecht"
    db.session.commit()
    login(qa.planner)
    _own, before = pages(client, qa.team)
    assert "4 diensten buiten de regio" in overview_line(before, qa.team.id)  # still asked: outside the region
    qa.request.status = RequestStatus.DECLINED.value
    db.session.commit()
    own, every = pages(client, qa.team)
    line = overview_line(every, qa.team.id)
    assert "4 diensten op een dag die de aanvraag niet meer vraagt" in line
    assert "buiten de regio" not in line
    grid = said(own)
    assert f"4 {WITHDRAWN}" in grid
    assert "buiten de regio van het team" not in grid and "let op: buiten de regio" not in grid
