"""Publishing again leaves a shift of today that has begun as it was told, like a day gone by: its
people went to work, its hours count, and nobody is asked to phone them about it. A shift of today
that has not begun yet is still to come: called off at short notice, on the team leader's list."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, FeedKind, PublishedShift, Roster, SupervisionAssignment
from binnenwerk.services import feeds, reports, tokens
from binnenwerk.services import rosters as service

from .test_short_notice import line_of

WEEK = "2027-W11"
MON, TUE, WED, THU, FRI = (dt.date(2027, 3, 15) + dt.timedelta(days=n) for n in range(5))
DAYS = (MON, TUE, WED, THU, FRI)
FRIDAY_BEFORE = dt.date(2027, 3, 12)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def clock(monkeypatch):
    """clock.set(day, hour) makes it that hour of that day in Amsterdam, for the whole app."""
    state = SimpleNamespace()

    def set_clock(day: dt.date, hour: int = 10) -> None:
        monkeypatch.setattr(feeds, "local_now", lambda: dt.datetime.combine(day, dt.time(hour), AMSTERDAM))
        monkeypatch.setattr(feeds, "local_today", lambda: day)

    state.set = set_clock
    return state


@pytest.fixture
def world(make, clock):
    """Team A: Anna and Bram on request 2 (Turfmarkt, 09:00-13:00), Cees on Rijnstraat (14:00-17:00),
    Monday to Friday of 2027-W11, published the Friday before."""
    wt = make.work_type("keyboards", name_nl="Toetsenborden reinigen", name_en="Keyboard cleaning")
    turfmarkt = make.location("Den Haag", name="Turfmarkt 147")
    rijnstraat = make.location("Den Haag", name="Rijnstraat 8", ministry=turfmarkt.ministry)
    team = make.team("Den Haag", name="Team A")
    leaders = [make.supervisor(team, work_types=[wt], name=name) for name in ("Tineke", "Karel")]
    people = [make.employee(team, work_types=[wt], first_name=first, last_name=last)
              for first, last in (("Anna", "Smit"), ("Bram", "Bos"), ("Cees", "Cohen"))]
    morning = make.request(turfmarkt, wt, headcount=2, start_minute=9 * 60, end_minute=13 * 60,
                           start_date=MON, end_date=FRI)
    afternoon = make.request(rijnstraat, wt, headcount=1, start_minute=14 * 60, end_minute=17 * 60,
                             start_date=MON, end_date=FRI)
    roster = Roster(week=WEEK, team=team)
    db.session.add(roster)
    db.session.flush()
    for day in DAYS:
        for person, req in zip(people, (morning, morning, afternoon)):
            db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=day, request_id=req.id))
        for leader, place in zip(leaders, (turfmarkt, rijnstraat)):
            db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=leader.id, date=day,
                                                 location_id=place.id, team_id=team.id))
    planner = make.user("planner", name="Petra Planner")
    team_leader = make.user("team_leader", teams=[team], name="Tineke")
    contact = make.user("ministry_contact", ministry=turfmarkt.ministry)
    db.session.commit()
    clock.set(FRIDAY_BEFORE)
    service.publish(roster)
    anna, bram, cees = people
    return SimpleNamespace(team=team, anna=anna, bram=bram, cees=cees, morning=morning, afternoon=afternoon,
                           roster_id=roster.id, planner=planner, team_leader=team_leader, contact=contact)


def told(employee) -> dict[dt.date, PublishedShift]:
    db.session.expire_all()
    return {p.date: p for p in db.session.scalars(select(PublishedShift).where(
        PublishedShift.employee_id == employee.id))}


def cancel_and_publish(client, login, world, *requests) -> str:
    """The planner cancels the requests and publishes the team's week again, through the pages."""
    login(world.planner)
    for req in requests:
        assert client.post(f"/aanvragen/{req.id}/annuleren", data={"reason": "Locatie gesloten."}).status_code == 302
    db.session.expire_all()
    lock = db.session.get(Roster, world.roster_id).lock_version
    response = client.post("/rooster/publiceren", data={"week": WEEK, "team": world.team.id, "lock_version": lock},
                           follow_redirects=True)
    client.post("/auth/logout")
    return response.get_data(as_text=True)


def week_day(client, employee, day: dt.date) -> str:
    """The part of the person's week page about that day."""
    token = tokens.issue(FeedKind.EMPLOYEE, employee)
    db.session.commit()
    page = client.get(f"/week/{token}?week={WEEK}").get_data(as_text=True)
    return page.split(f'id="day-{day.isoformat()}"')[1].split("</article>")[0]


def feed_events(client, employee) -> dict[dt.date, icalendar.Event]:
    token = tokens.issue(FeedKind.EMPLOYEE, employee)
    db.session.commit()
    calendar = icalendar.Calendar.from_ical(client.get(f"/calendar/{token}.ics").data)
    return {event.decoded("dtstart").date(): event for event in calendar.walk("VEVENT")}


def call_list(client, login, world) -> str:
    login(world.team_leader)
    html = client.get("/home").get_data(as_text=True)
    client.post("/auth/logout")
    return html.split('id="short-notice-title"')[1].split("</section>")[0] if 'id="short-notice-title"' in html else ""


def worked_minutes(world) -> int:
    report = reports.job_report(reports.Quarter.of(WED))
    return next(t.worked_minutes for t in report.teams if t.team_id == world.team.id)


def test_a_begun_shift_of_a_cancelled_request_stays_as_told(client, login, world, clock):
    clock.set(WED, 10)
    before = worked_minutes(world)
    said = cancel_and_publish(client, login, world, world.morning)
    # Thursday and Friday of Anna and Bram; Wednesday's 09:00-13:00 is under way.
    assert "0 nieuw, 0 gewijzigd, 4 vervallen" in said
    for person in (world.anna, world.bram):
        shifts = told(person)
        assert [shifts[d].cancelled for d in DAYS] == [False, False, False, True, True]
        assert shifts[WED].sequence == 0
    assert "Vrij." not in week_day(client, world.anna, WED)
    assert "Vrij." in week_day(client, world.anna, THU)
    events = feed_events(client, world.anna)
    assert str(events[WED].get("status")) == "CONFIRMED"
    assert not str(events[WED].get("summary")).startswith("Vrij")
    assert str(events[THU].get("status")) == "CANCELLED"
    # The hours of Wednesday still count: only Thursday and Friday dropped out.
    assert before - worked_minutes(world) == 2 * 2 * (4 * 60 - 30)
    listed = call_list(client, login, world)
    assert "donderdag 18 maart" in line_of(listed, "Anna Smit")
    assert "woensdag" not in listed


def test_a_shift_of_today_not_begun_yet_is_called_off_at_short_notice(client, login, world, clock):
    clock.set(WED, 10)
    said = cancel_and_publish(client, login, world, world.morning, world.afternoon)
    assert "0 nieuw, 0 gewijzigd, 7 vervallen" in said  # Cees's 14:00 today among them
    assert "Op korte termijn veranderd voor:" in said and "Cees Cohen" in said
    shifts = told(world.cees)
    assert [shifts[d].cancelled for d in DAYS] == [False, False, True, True, True]
    assert not told(world.anna)[WED].cancelled
    assert "Vrij." in week_day(client, world.cees, WED)
    listed = call_list(client, login, world)
    assert "woensdag 17 maart (vandaag)" in line_of(listed, "Cees Cohen")
    assert "woensdag" not in line_of(listed, "Anna Smit") and "woensdag" not in line_of(listed, "Bram Bos")


def test_finished_shifts_of_today_stay_too(client, login, world, clock):
    clock.set(WED, 17)
    said = cancel_and_publish(client, login, world, world.morning, world.afternoon)
    assert "0 nieuw, 0 gewijzigd, 6 vervallen" in said  # Thursday and Friday of all three
    for person in (world.anna, world.bram, world.cees):
        assert [told(person)[d].cancelled for d in DAYS] == [False, False, False, True, True]
    assert "woensdag" not in call_list(client, login, world)


def test_a_begun_shift_taken_off_by_hand_is_told_and_called_about(client, login, world, clock):
    """Unlike a day gone by: the rest of today's shift is still ahead, so whether the planner sets
    down that Anna went home or calls the rest off, she hears of it (a call too many is harmless,
    one too few leaves someone at work for nothing)."""
    clock.set(WED, 10)
    lock = db.session.get(Roster, world.roster_id).lock_version
    service.set_cell(WEEK, world.team.id, world.anna.id, WED, None, lock_version=lock)
    db.session.commit()
    said = cancel_and_publish(client, login, world)
    assert "0 nieuw, 0 gewijzigd, 1 vervallen" in said
    assert told(world.anna)[WED].cancelled
    assert "Anna Smit" in call_list(client, login, world)


def test_only_todays_clock_decides_what_has_begun(client, login, world, clock):
    """At 08:00 nothing of Wednesday has begun: the cancelled request's Wednesday goes too."""
    clock.set(WED, 8)
    said = cancel_and_publish(client, login, world, world.morning)
    assert "0 nieuw, 0 gewijzigd, 6 vervallen" in said
    assert told(world.anna)[WED].cancelled
    assert "woensdag 17 maart (vandaag)" in line_of(call_list(client, login, world), "Anna Smit")


def test_a_repair_that_moves_a_shift_under_way_or_adds_one_today_is_called_about(client, login, world, clock):
    """A new shift today and a move of one being worked are work to come: on the call list."""
    clock.set(WED, 10)
    lock = db.session.get(Roster, world.roster_id).lock_version
    # Anna, at work since 09:00 on the morning request, is moved to the afternoon one (Cees's).
    service.set_cell(WEEK, world.team.id, world.cees.id, WED, None, lock_version=lock)
    lock = db.session.get(Roster, world.roster_id).lock_version
    service.set_cell(WEEK, world.team.id, world.anna.id, WED, world.afternoon.id, lock_version=lock)
    db.session.commit()
    said = cancel_and_publish(client, login, world)  # nothing cancelled: publishes only
    assert "0 nieuw, 1 gewijzigd, 1 vervallen" in said
    assert told(world.anna)[WED].short_notice
    assert "Anna Smit" in call_list(client, login, world)
