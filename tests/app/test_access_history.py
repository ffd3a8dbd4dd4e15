"""A day gone by says how its people got in then (a known gap: "a day gone by shows a request's
access instructions as they are now").

The week page, the calendar feed and the printed week sheet read how to get in from the request:
when the ministry wrote new instructions, last Monday said the new way in too, and a sheet printed
again for a week partly gone by changed its history. Now the days gone by keep the text told until
the change (request_history, on RequestDayAsked); today and the days to come read the request.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import RequestDayAsked

from .dataio_uploads import upload_folder  # noqa: F401 (an autouse fixture of the world below)
from .test_access_told_qa14 import (  # noqa: F401 (world: a fixture)
    FRI, MON, NEW_WAY, NEXT_MON, OLD_WAY, THU, TUE, WED, day_block, description, edit_request, feed, set_clock,
    text_of, week_page, world,
)

THIRD_WAY = "Via de laadperrons, bel aan bij de beveiliging."


def how(client, world, day: dt.date) -> str:
    """What the week page says on that day about getting in."""
    block = text_of(day_block(week_page(client, world.julia_token), day))
    return block.split("Zo kom je binnen: ")[1] if "Zo kom je binnen: " in block else ""


def kept_ways(world, since: dt.date = MON) -> dict[dt.date, str | None]:
    """The ways in kept for the request's days from `since` (it began the Monday before)."""
    db.session.expire_all()
    return {e.date: e.access_instructions for e in db.session.scalars(
        select(RequestDayAsked).where(RequestDayAsked.request_id == world.req.id, RequestDayAsked.date >= since))}


def test_new_instructions_leave_the_days_gone_by_on_the_week_page_as_they_were_told(client, login, world):
    edit_request(client, login, world.contact, world.req, access_instructions=NEW_WAY)

    assert OLD_WAY in how(client, world, MON) and NEW_WAY not in how(client, world, MON)
    assert OLD_WAY in how(client, world, TUE)
    assert NEW_WAY in how(client, world, WED)  # today is still to come
    assert NEW_WAY in how(client, world, THU)
    next_week = text_of(day_block(week_page(client, world.julia_token, "2026-W51"), NEXT_MON))
    assert f"Zo kom je binnen: {NEW_WAY}" in next_week
    assert kept_ways(world) == {MON: OLD_WAY, TUE: OLD_WAY}


def test_the_calendar_event_of_a_day_gone_by_keeps_its_way_in(client, login, world):
    edit_request(client, login, world.contact, world.req, access_instructions=NEW_WAY)

    events, _etag = feed(client, world.julia_token)
    assert OLD_WAY in description(events[MON]) and NEW_WAY not in description(events[MON])
    assert OLD_WAY in description(events[TUE])
    assert NEW_WAY in description(events[WED]) and OLD_WAY not in description(events[WED])
    assert NEW_WAY in description(events[THU]) and NEW_WAY in description(events[NEXT_MON])


def test_a_week_sheet_printed_again_keeps_the_days_gone_by(client, login, world):
    edit_request(client, login, world.contact, world.req, access_instructions=NEW_WAY)

    login(world.leader)
    html = client.get(f"/rooster/weekbriefjes?week=2026-W50&team={world.julia.team_id}").get_data(as_text=True)
    sheet = text_of(html.split(f'id="weekbriefje-{world.julia.id}"')[1].split("</section>")[0])
    monday = sheet.split("Maandag 7 december")[1].split("Dinsdag")[0]
    assert f"Zo kom je binnen: {OLD_WAY}" in monday
    # Tuesday had the same way in as Monday: it points there. Wednesday's is another: printed, not
    # a pointer to Monday's, and the later days point to Wednesday.
    assert "Zo kom je binnen: dat staat bij maandag 7 december." in sheet.split("Dinsdag 8 december")[1].split(
        "Woensdag")[0]
    wednesday = sheet.split("Woensdag 9 december")[1].split("Donderdag")[0]
    assert f"Zo kom je binnen: {NEW_WAY}" in wednesday
    assert "Zo kom je binnen: dat staat bij woensdag 9 december." in sheet.split("Donderdag")[1]


def test_a_second_change_keeps_each_day_as_it_was_told(client, login, world, monkeypatch):
    edit_request(client, login, world.contact, world.req, access_instructions=NEW_WAY)
    set_clock(monkeypatch, FRI)
    edit_request(client, login, world.contact, world.req, access_instructions=THIRD_WAY)

    assert OLD_WAY in how(client, world, MON) and OLD_WAY in how(client, world, TUE)
    assert NEW_WAY in how(client, world, WED) and NEW_WAY in how(client, world, THU)
    assert THIRD_WAY in how(client, world, FRI)
    events, _etag = feed(client, world.julia_token)
    assert OLD_WAY in description(events[MON]) and NEW_WAY in description(events[THU])
    assert THIRD_WAY in description(events[FRI])


def test_a_day_kept_before_without_its_way_in_gets_it_at_the_change(client, login, world):
    # Kept for another change before the way in was kept (or before the upgrade): not known, so
    # it reads the request, which is what was told until now.
    db.session.add(RequestDayAsked(
        request_id=world.req.id, date=MON, headcount=1, status=world.req.status,
        location_id=world.req.location_id, work_type_id=world.req.work_type_id,
        start_minute=world.req.start_minute, end_minute=world.req.end_minute, break_minutes=world.req.break_minutes))
    db.session.commit()
    assert OLD_WAY in how(client, world, MON)

    edit_request(client, login, world.contact, world.req, access_instructions=NEW_WAY)

    assert OLD_WAY in how(client, world, MON) and NEW_WAY not in how(client, world, MON)
    assert kept_ways(world) == {MON: OLD_WAY, TUE: OLD_WAY}


def test_another_change_keeps_the_way_in_of_then_for_a_later_change(client, login, world):
    world.req.headcount = 2  # kept for Monday and Tuesday, with the way in of then
    db.session.commit()
    edit_request(client, login, world.contact, world.req, access_instructions=NEW_WAY)

    assert kept_ways(world) == {MON: OLD_WAY, TUE: OLD_WAY}
    assert set(kept_ways(world, dt.date(2026, 11, 30)).values()) == {OLD_WAY}
    assert OLD_WAY in how(client, world, MON) and NEW_WAY in how(client, world, THU)


def test_spaces_around_the_way_in_keep_nothing(client, login, world):
    edit_request(client, login, world.contact, world.req, access_instructions=f"  {OLD_WAY}  ")

    assert kept_ways(world, dt.date(2026, 11, 30)) == {}
