"""A change of only the way in says so (a known gap: "Kijk goed hoe laat en waar je werkt").

A ministry's new access instructions mark the request's shifts to come as changed (access_told),
and the week page, the printed week sheet, the calendar and the team leader's call list said
"look how late and where you work": time and place had not changed, the way in had. The shift now
records that its change since the first telling was of the way in only (access_only), as it does
for a change of the team leader only; any other change brings the general words back.
"""
from __future__ import annotations

from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import PublishedShift, Roster
from binnenwerk.services import rosters as service

from .dataio_uploads import upload_folder  # noqa: F401 (an autouse fixture of the world below)
from .test_access_told_qa14 import (  # noqa: F401 (world: a fixture)
    MON, NEW_WAY, NEXT_MON, THU, call_list, day_block, edit_request, feed, description, text_of, week_page, world,
)
from .test_short_notice import line_of

WAY_IN = "Dit is veranderd. Je komt op een andere manier binnen. Lees hieronder hoe."
GENERAL = "Kijk goed hoe laat en waar je werkt."
FEED_WAY_IN = "Let op: dit is veranderd. Je komt op een andere manier binnen. Lees hieronder hoe."
FEED_GENERAL = "Let op: dit is veranderd. Kijk goed hoe laat en waar je werkt."


def thursday(client, world) -> str:
    return text_of(day_block(week_page(client, world.julia_token), THU))


def thursday_shift(world) -> PublishedShift:
    db.session.expire_all()
    return db.session.scalars(select(PublishedShift).where(
        PublishedShift.employee_id == world.julia.id, PublishedShift.date == THU)).one()


def publish_week_50_ending_at_14(world) -> None:
    """The request's work now ends at 14:00 instead of 15:00, and week 50 is published again (its
    days from today on change)."""
    world.req.end_minute = 14 * 60
    db.session.commit()
    service.publish(db.session.scalars(select(Roster).where(Roster.week == "2026-W50")).one())
    db.session.commit()
    db.session.expire_all()


def test_the_week_page_says_the_way_in_changed_not_to_look_at_time_and_place(client, login, world):
    edit_request(client, login, world.contact, world.req, access_instructions=NEW_WAY)

    block = thursday(client, world)
    assert WAY_IN in block and GENERAL not in block
    assert f"Zo kom je binnen: {NEW_WAY}" in block and "Je werkt van 09:00 tot 15:00." in block
    assert "Dit is veranderd" not in text_of(day_block(week_page(client, world.julia_token), MON))
    # A second new way in: still only the way in changed since she was first told.
    edit_request(client, login, world.contact, world.req, access_instructions="Via de laadperrons.")
    assert thursday_shift(world).sequence == 2
    block = thursday(client, world)
    assert WAY_IN in block and GENERAL not in block


def test_the_printed_week_sheet_says_it_too(client, login, world):
    edit_request(client, login, world.contact, world.req, access_instructions=NEW_WAY)

    login(world.leader)
    html = client.get(f"/rooster/weekbriefjes?week=2026-W50&team={world.julia.team_id}").get_data(as_text=True)
    sheet = text_of(html.split(f'id="weekbriefje-{world.julia.id}"')[1].split("</section>")[0])
    assert WAY_IN in sheet and GENERAL not in sheet
    # Printed on Wednesday: its first day that says the way in changed prints it, not a pointer to
    # Monday (gone by, unmarked); the later ones point to Wednesday.
    wednesday = sheet.split("Woensdag 9 december")[1].split("Donderdag")[0]
    assert f"Zo kom je binnen: {NEW_WAY}" in wednesday
    assert "dat staat bij maandag" not in sheet.split("Woensdag 9 december")[1]
    assert "Zo kom je binnen: dat staat bij woensdag 9 december." in sheet.split("Donderdag")[1]


def test_a_later_change_of_time_brings_the_general_words_back(client, login, world):
    edit_request(client, login, world.contact, world.req, access_instructions=NEW_WAY)
    assert WAY_IN in thursday(client, world)
    publish_week_50_ending_at_14(world)

    block = thursday(client, world)
    assert f"Dit is veranderd. {GENERAL}" in block and "andere manier binnen" not in block
    assert "Je werkt van 09:00 tot 14:00." in block
    events, _etag = feed(client, world.julia_token)
    assert description(events[THU]).split("\n")[0] == FEED_GENERAL
    # Week 51 was not published again: there only the way in changed.
    assert WAY_IN in text_of(day_block(week_page(client, world.julia_token, "2026-W51"), NEXT_MON))
    assert description(events[NEXT_MON]).split("\n")[0] == FEED_WAY_IN


def test_a_new_way_in_after_a_change_of_time_does_not_hide_the_time(client, login, world):
    publish_week_50_ending_at_14(world)
    edit_request(client, login, world.contact, world.req, access_instructions=NEW_WAY)

    shift = thursday_shift(world)
    assert shift.sequence == 2 and not shift.access_only
    block = thursday(client, world)
    assert f"Dit is veranderd. {GENERAL}" in block and "andere manier binnen" not in block
    # Next Monday (week 51, not published again) was as first told: there the way in is the change.
    assert WAY_IN in text_of(day_block(week_page(client, world.julia_token, "2026-W51"), NEXT_MON))
    julia = text_of(line_of(call_list(client, login, world.leader), "Julia Huisman"))
    assert "werkt nu van 09:00 tot 14:00, Rijnstraat 8, Straat" in julia and "andere manier" not in julia


def test_the_calendar_event_says_the_way_in_changed(client, login, world):
    edit_request(client, login, world.contact, world.req, access_instructions=NEW_WAY)

    events, _etag = feed(client, world.julia_token)
    lines = description(events[THU]).split("\n")
    assert lines[0] == FEED_WAY_IN and f"Zo kom je binnen: {NEW_WAY}" in lines
    assert GENERAL not in description(events[THU])
    assert str(events[THU]["SUMMARY"]).startswith("Veranderd:")


def test_the_call_list_gives_the_new_way_in_and_says_time_and_place_stay(client, login, world):
    edit_request(client, login, world.contact, world.req, access_instructions=NEW_WAY)

    julia = text_of(line_of(call_list(client, login, world.leader), "Julia Huisman"))
    assert ("donderdag 10 december: komt op een andere manier binnen. Tijd en plek blijven hetzelfde. "
            f"Binnenkomen: {NEW_WAY}") in julia
    assert "werkt nu van" not in julia
    # The ministry that changed it sees no employee on its request's page.
    login(world.contact)
    page = client.get(f"/aanvragen/{world.req.id}").get_data(as_text=True)
    assert "Julia" not in page and "Huisman" not in page and "06-55556666" not in page


def test_instructions_taken_away_are_said_so_not_a_new_way_in_with_nothing_to_read(client, login, world):
    edit_request(client, login, world.contact, world.req, access_instructions="")

    block = thursday(client, world)
    assert "Dit is veranderd. Er staat geen uitleg meer bij hoe je binnenkomt." in block
    assert "andere manier" not in block and GENERAL not in block and "Zo kom je binnen" not in block
    events, _etag = feed(client, world.julia_token)
    assert description(events[THU]).split("\n")[0] == \
        "Let op: dit is veranderd. Er staat geen uitleg meer bij hoe je binnenkomt."
    julia = text_of(line_of(call_list(client, login, world.leader), "Julia Huisman"))
    assert "donderdag 10 december: heeft geen uitleg meer over binnenkomen: die is weggehaald." in julia
