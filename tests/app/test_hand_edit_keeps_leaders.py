"""A hand edit of one cell leaves who led the team where on days gone by as it was, and the team
leader of a shift under way today; other days keep their leader where that leader still may lead.

(Found 2026-12-06: saving any cell rewrote every team leader row of the roster from the requests
still asked, so clearing Cees's Thursday after a repair at 10:00 that kept a cancelled request's
shift under way took the team leader off Monday, Tuesday and Wednesday; and a team leader who
no longer works on Tuesdays was swapped out of a Tuesday gone by.)
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import AvailabilitySlot, PublishedShift, Roster, Supervisor, SupervisionAssignment
from binnenwerk.services import rosters as service

from .edit_forms import form_as_shown
from .test_publish_today_started import FRI, MON, THU, TUE, WED, WEEK, clock, world  # noqa: F401  (fixtures)
from .test_repair_begun_supervision import cancel_and_repair, fast_solver  # noqa: F401  (fixture)


def rows(world) -> dict[tuple[dt.date, str], tuple[str, int]]:
    """(date, place) -> (the team leader's name, the row's id), as the roster holds them."""
    db.session.expire_all()
    return {(s.date, s.location.name): (s.supervisor.name, s.id) for s in db.session.scalars(
        select(SupervisionAssignment).where(SupervisionAssignment.roster_id == world.roster_id))}


def names(found: dict) -> dict[tuple[dt.date, str], str]:
    return {key: name for key, (name, _id) in found.items()}


def edit_cell(client, world, employee, day: dt.date, request=None):
    """Save the cell through the roster's cell form, as the page shows it now."""
    url = f"/rooster/cel?week={WEEK}&team={world.team.id}&employee={employee.id}&date={day.isoformat()}"
    form = form_as_shown(client, url)
    form["request"] = str(request.id) if request is not None else ""
    return client.post("/rooster/cel", data=form)


def no_longer_works_on(supervisor_name: str, *weekdays: int) -> Supervisor:
    """The team leader's working hours changed since: none on these weekdays any more."""
    leader = db.session.scalar(select(Supervisor).where(Supervisor.name == supervisor_name))
    leader.availability = [AvailabilitySlot(weekday=s.weekday, start_minute=s.start_minute, end_minute=s.end_minute)
                           for s in leader.availability if s.weekday not in weekdays]
    db.session.commit()
    return leader


def test_an_edit_after_a_repair_keeps_the_leaders_of_the_days_gone_by_and_of_the_shift_under_way(
        client, login, world, clock):
    # Wednesday 10:00: the Turfmarkt's request is cancelled and the week repaired; Anna and Bram
    # have been at work there since 09:00, and Tineke leads them (as on Monday and Tuesday).
    cancel_and_repair(client, login, world, clock, 10)
    before = rows(world)
    for day in (MON, TUE, WED):
        assert before[(day, "Turfmarkt 147")][0] == "Tineke"
    assert before[(THU, "Rijnstraat 8")][0] == "Karel"

    response = edit_cell(client, world, world.cees, THU)  # Cees is free on Thursday
    assert response.status_code == 302, response.get_data(as_text=True)[:800]

    after = rows(world)
    # Nobody works at the Rijnstraat on Thursday now: Karel is not needed there. Every other row
    # stays as it was, the very same row.
    expected = dict(before)
    del expected[(THU, "Rijnstraat 8")]
    assert after == expected

    # What is published of the days gone by and of today keeps its team leader.
    service.publish(db.session.get(Roster, world.roster_id))
    db.session.expire_all()
    for day in (MON, TUE, WED):
        told = db.session.scalar(select(PublishedShift).where(
            PublishedShift.employee_id == world.anna.id, PublishedShift.date == day))
        assert not told.cancelled and told.supervisor.name == "Tineke", day


def test_an_edit_never_changes_who_led_on_a_day_gone_by(client, login, world, clock, make):
    """Tineke no longer works on Tuesdays and Fridays (her hours changed since the week was told);
    a pool team leader, Olaf, could take her place. Clearing Cees's Thursday on Wednesday leaves
    Tuesday as it was led; Friday, still to come, gets a team leader who may lead then."""
    make.supervisor(None, region="Den Haag", work_types=[world.morning.work_type], name="Olaf")
    no_longer_works_on("Tineke", 2, 5)
    clock.set(WED, 10)
    login(world.planner)
    before = rows(world)

    response = edit_cell(client, world, world.cees, THU)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]

    after = rows(world)
    assert after[(MON, "Turfmarkt 147")] == before[(MON, "Turfmarkt 147")]
    assert names(before)[(TUE, "Turfmarkt 147")] == "Tineke"
    assert after[(TUE, "Turfmarkt 147")] == before[(TUE, "Turfmarkt 147")]  # the very same row
    # Friday is to come and Tineke may not lead then: the rules ask for another team leader.
    assert names(after)[(FRI, "Turfmarkt 147")] == "Olaf"
    # The rest is untouched: Wednesday, Thursday at the Turfmarkt and every day's Rijnstraat but
    # Thursday's (nobody works there now).
    untouched = {key: value for key, value in before.items()
                 if key not in ((FRI, "Turfmarkt 147"), (THU, "Rijnstraat 8"))}
    assert {key: after[key] for key in untouched} == untouched
    assert (THU, "Rijnstraat 8") not in after


def test_setting_down_a_day_gone_by_keeps_who_led_that_day(client, login, world, clock, make):
    """On Wednesday the planner sets down that Bram went home ill on Tuesday. Anna still worked at
    the Turfmarkt, led by Tineke, as told, though Tineke no longer works on Tuesdays since."""
    make.supervisor(None, region="Den Haag", work_types=[world.morning.work_type], name="Olaf")
    no_longer_works_on("Tineke", 2)
    clock.set(WED, 10)
    login(world.planner)
    before = rows(world)

    response = edit_cell(client, world, world.bram, TUE)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]

    assert (world.bram.id, TUE) not in {(a.employee_id, a.date) for a in db.session.get(
        Roster, world.roster_id).assignments}
    assert rows(world) == before


def test_the_leader_of_a_shift_under_way_cannot_be_planned_at_another_place_that_day(
        client, login, world, clock, make):
    """Tineke leads the Turfmarkt's shift under way (its request cancelled, kept by the repair), and
    Karel the Rijnstraat: a new place this afternoon has no team leader free, and the save is
    refused, nothing changed (one place a day for a team leader)."""
    dirk = make.employee(world.team, work_types=[world.morning.work_type], first_name="Dirk", last_name="Dekker")
    elsewhere = make.location("Den Haag", name="Prinses Beatrixlaan 2", ministry=world.morning.location.ministry)
    late = make.request(elsewhere, world.morning.work_type, headcount=1, start_minute=14 * 60, end_minute=17 * 60,
                        start_date=WED, end_date=WED)
    db.session.commit()
    cancel_and_repair(client, login, world, clock, 10)
    before = rows(world)
    # The cell's form says so before anyone chooses.
    url = f"/rooster/cel?week={WEEK}&team={world.team.id}&employee={dirk.id}&date={WED.isoformat()}"
    option = client.get(url).get_data(as_text=True).split(f'value="{late.id}"')[1].split("</option>")[0]
    assert "geen teamleider vrij" in option

    response = edit_cell(client, world, dirk, WED, late)

    assert response.status_code == 422
    assert "geen teamleider vrij" in response.get_data(as_text=True)
    assert (dirk.id, WED) not in {(a.employee_id, a.date) for a in db.session.get(Roster, world.roster_id).assignments}
    assert rows(world) == before


@pytest.mark.parametrize("today", [MON, WED])
@pytest.mark.parametrize("hour, leader", [(10, "Tineke"), (8, "Olaf")])
def test_the_leader_of_a_shift_under_way_today_stays(client, login, world, clock, make, today, hour, leader):
    """Tineke no longer works on this weekday (her hours changed today). At 10:00 she has led Anna
    and Bram at the Turfmarkt since 09:00: a save of Cees's Thursday leaves her there. At 08:00
    nothing has begun: today is still to come, and the rules give the Turfmarkt Olaf."""
    make.supervisor(None, region="Den Haag", work_types=[world.morning.work_type], name="Olaf")
    no_longer_works_on("Tineke", today.isoweekday())
    clock.set(today, hour)
    login(world.planner)
    before = rows(world)

    response = edit_cell(client, world, world.cees, THU)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]

    after = rows(world)
    assert names(after)[(today, "Turfmarkt 147")] == leader
    if leader == "Tineke":
        assert after[(today, "Turfmarkt 147")] == before[(today, "Turfmarkt 147")]
    assert (THU, "Rijnstraat 8") not in after
