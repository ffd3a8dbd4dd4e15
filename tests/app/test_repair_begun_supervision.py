"""A repair at 10:00 keeps who leads a shift that has begun, as it keeps the shift.

A request cancelled at 10:00 while its people have been at work since 09:00: the shift stays as
worked (planning.begun_today), and so does the team leader who led it there (the roster would
otherwise show people at work without a team leader). A shift that has not begun keeps nothing.
"""
from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import (
    FeedKind, JobStatus, Location, PublishedShift, Roster, Supervisor, SupervisionAssignment,
)
from binnenwerk.services import rosters as service
from binnenwerk.services import tokens

from .test_publish_today_started import DAYS, THU, WED, WEEK, clock, world  # noqa: F401  (fixtures)
from .test_rosters_flow import repair_via_page


@pytest.fixture(autouse=True)
def fast_solver(app):
    app.config.update(SOLVE_DETERMINISTIC=True, SOLVE_WORKERS=1, SOLVE_TIME_LIMIT=2.0, REDIS_URL="")


def leads(world) -> dict[tuple[dt.date, str], str]:
    """(date, place) -> the team leader's name, as the roster holds them."""
    db.session.expire_all()
    return {(s.date, s.location.name): s.supervisor.name for s in db.session.scalars(
        select(SupervisionAssignment).where(SupervisionAssignment.roster_id == world.roster_id))}


def shifts(world) -> dict[tuple[int, dt.date], int]:
    db.session.expire_all()
    return {(a.employee_id, a.date): a.request_id for a in db.session.get(Roster, world.roster_id).assignments}


def visits(client, world) -> dict[dt.date, icalendar.Event]:
    """The Turfmarkt's calendar (a location's feed): the team's visits by date."""
    token = tokens.issue(FeedKind.LOCATION, db.session.get(Location, world.morning.location_id))
    db.session.commit()
    calendar = icalendar.Calendar.from_ical(client.get(f"/calendar/{token}.ics").data)
    return {event.decoded("dtstart").date(): event for event in calendar.walk("VEVENT")}


def cancel_and_repair(client, login, world, clock, hour: int):
    clock.set(WED, hour)
    login(world.planner)
    assert client.post(f"/aanvragen/{world.morning.id}/annuleren", data={"reason": "Dicht."}).status_code == 302
    job = repair_via_page(client, world.team, WED, week=WEEK)
    assert job.status == JobStatus.FINISHED.value, job.error
    return job


def test_a_repair_at_ten_keeps_the_team_leader_of_a_begun_shift_of_a_cancelled_request(client, login, world, clock):
    cancel_and_repair(client, login, world, clock, 10)
    held = shifts(world)
    assert held[(world.anna.id, WED)] == held[(world.bram.id, WED)] == world.morning.id
    assert (world.anna.id, THU) not in held
    found = leads(world)
    # Tineke led Anna and Bram at the Turfmarkt from 09:00: history, as their shift is.
    assert found.get((WED, "Turfmarkt 147")) == "Tineke"
    # Thursday nobody works there any more: no team leader is kept for it.
    assert (THU, "Turfmarkt 147") not in found
    # Cees's afternoon at the Rijnstraat has not begun: planned again, and led.
    assert (world.cees.id, WED) in held and (WED, "Rijnstraat 8") in found

    # The roster page's team leader row shows who leads there that day.
    page = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    leader_row = page.split("<tfoot>")[1].split("</tfoot>")[0].split("<td>")[1:]
    assert "Tineke: Turfmarkt 147" in leader_row[DAYS.index(WED)]
    assert "Tineke: Turfmarkt 147" not in leader_row[DAYS.index(THU)]

    # Publishing leaves Wednesday as told, with its team leader.
    service.publish(db.session.get(Roster, world.roster_id))
    db.session.expire_all()
    told = db.session.scalar(select(PublishedShift).where(
        PublishedShift.employee_id == world.anna.id, PublishedShift.date == WED))
    assert not told.cancelled and told.supervisor.name == "Tineke"
    # The ministry's calendar still has the team's visit that day, with its team leader.
    visit = visits(client, world)[WED]
    assert str(visit.get("status")) == "CONFIRMED" and "Teamleider: Tineke" in str(visit.get("description"))


def test_the_kept_team_leader_is_not_planned_elsewhere_that_day(client, login, world, clock, make):
    """Tineke leads at the Turfmarkt today (one entry a day): the afternoon at the Rijnstraat needs
    someone else when Karel cannot come, and the repair finds no clash."""
    karel = db.session.scalar(select(Supervisor).where(Supervisor.name == "Karel"))
    make.absence(supervisor=karel, start=WED, end=WED)
    olaf = make.supervisor(None, region="Den Haag", work_types=[world.morning.work_type], name="Olaf")
    db.session.commit()
    cancel_and_repair(client, login, world, clock, 10)
    found = leads(world)
    assert found.get((WED, "Turfmarkt 147")) == "Tineke"
    assert found.get((WED, "Rijnstraat 8")) == olaf.name


def test_a_repair_before_the_start_keeps_no_team_leader_for_the_shift(client, login, world, clock):
    cancel_and_repair(client, login, world, clock, 8)
    held = shifts(world)
    assert (world.anna.id, WED) not in held and (world.bram.id, WED) not in held
    # Nobody works at the Turfmarkt on Wednesday: nobody leads there.
    assert (WED, "Turfmarkt 147") not in leads(world)
