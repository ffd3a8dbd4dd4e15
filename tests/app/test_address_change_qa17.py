"""A location's new address is told as a change of place (QA round 17).

An admin's new address (street, postcode or city) reached the week page and the calendar at once,
read live from the location, but unmarked: no "Dit is veranderd", SEQUENCE 0 with a new LOCATION,
nobody on the team leader's call list, and the admin was asked to pass it on by hand. It is now
told as a request's new way in is (services.access_told), with the words of a changed place; a new
name alone stays a rename.
"""
from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Location, PublishedShift

from .dataio_uploads import upload_folder  # noqa: F401 (an autouse fixture of the world below)
from .edit_forms import form_as_shown
from .test_access_told_qa14 import (  # noqa: F401 (world: a fixture)
    MON, NEW_WAY, NEXT_MON, THU, W50, WED, call_list, day_block, description, edit_request, feed, sequences,
    text_of, week_page, world,
)
from .test_short_notice import line_of

GENERAL = "Dit is veranderd. Kijk goed hoe laat en waar je werkt."
FEED_GENERAL = "Let op: dit is veranderd. Kijk goed hoe laat en waar je werkt."


def edit_location(client, login, make, location_id: int, **changes) -> str:
    """An admin saves the location's form with `changes`; the page they land on, as text."""
    login(make.user("admin"))
    url = f"/beheer/locaties/{location_id}"
    response = client.post(url, data={**form_as_shown(client, url), **changes}, follow_redirects=True)
    assert response.status_code == 200 and "is opgeslagen" in response.get_data(as_text=True)
    client.post("/auth/logout")
    db.session.expire_all()
    return html.unescape(text_of(response.get_data(as_text=True)))


def rijnstraat(world) -> Location:
    return db.session.get(Location, world.req.location_id)


@pytest.mark.parametrize("field, value", [("address", "Rijnstraat 10"), ("postcode", "2515 XA"),
                                          ("city", "'s-Gravenhage")])
def test_a_new_address_says_dit_is_veranderd_on_the_days_to_come(client, login, make, world, field, value):
    edit_location(client, login, make, world.req.location_id, **{field: value})

    page = week_page(client, world.julia_token)
    thursday = text_of(day_block(page, THU))
    assert GENERAL in thursday and value in html.unescape(thursday)
    assert GENERAL in text_of(day_block(page, WED))  # today too
    assert "Dit is veranderd" not in text_of(day_block(page, MON))  # a day gone by stays as told
    assert GENERAL in text_of(day_block(week_page(client, world.julia_token, "2026-W51"), NEXT_MON))
    # Piet works at the Turfmarkt: his days did not change.
    assert "Dit is veranderd" not in text_of(day_block(week_page(client, world.piet_token), THU))


def test_the_calendar_event_gets_a_higher_sequence_and_says_it_changed(client, login, make, world):
    before, etag_before = feed(client, world.julia_token)
    piet_before, _etag = feed(client, world.piet_token)
    assert before[THU]["SEQUENCE"] == 0

    edit_location(client, login, make, world.req.location_id, address="Rijnstraat 10")

    after, etag_after = feed(client, world.julia_token)
    assert after[THU]["SEQUENCE"] == 1 and after[NEXT_MON]["SEQUENCE"] == 1
    assert description(after[THU]).split("\n")[0] == FEED_GENERAL
    assert str(after[THU]["SUMMARY"]).startswith("Veranderd:") and "Rijnstraat 10" in str(after[THU]["LOCATION"])
    assert after[MON]["SEQUENCE"] == 0 and etag_after != etag_before
    piet_after, _etag = feed(client, world.piet_token)
    assert {d: e["SEQUENCE"] for d, e in piet_after.items()} == {d: e["SEQUENCE"] for d, e in piet_before.items()}


def test_a_day_within_two_working_days_goes_on_the_team_leaders_call_list(client, login, make, world):
    assert call_list(client, login, world.leader) == ""

    edit_location(client, login, make, world.req.location_id, address="Rijnstraat 10")

    listed = call_list(client, login, world.leader)
    julia = text_of(line_of(listed, "Julia Huisman"))
    assert "donderdag 10 december: werkt nu van" in julia and "vrijdag 11 december" in julia
    assert "14 december" not in julia  # told in time: nobody calls for next week
    assert "Piet" not in listed


def test_a_new_way_in_then_a_new_address_says_to_look_where_you_work(client, login, make, world):
    """A shift marked as changed in its way in only would hide the new address."""
    edit_request(client, login, world.contact, world.req, access_instructions=NEW_WAY)
    edit_location(client, login, make, world.req.location_id, address="Rijnstraat 10")

    thursday = text_of(day_block(week_page(client, world.julia_token), THU))
    assert GENERAL in thursday and "andere manier binnen" not in thursday
    shift = db.session.scalars(select(PublishedShift).where(
        PublishedShift.employee_id == world.julia.id, PublishedShift.date == THU)).one()
    assert shift.sequence == 2 and not shift.access_only


@pytest.mark.parametrize("changes", [{"name": "Rijnstraat 8 (hoofdingang)"}, {"address": "  straat  {n} "}])
def test_a_new_name_or_other_spaces_and_capitals_change_no_shift(client, login, make, world, changes):
    place = rijnstraat(world)
    changes = {k: v.replace("{n}", place.address.split()[-1]) for k, v in changes.items()}
    edit_location(client, login, make, place.id, **changes)

    assert set(sequences(world.julia).values()) == {0}
    assert "Dit is veranderd" not in text_of(day_block(week_page(client, world.julia_token), THU))
    assert call_list(client, login, world.leader) == ""


def test_the_admin_hears_what_the_people_read_and_who_is_called(client, login, make, world):
    page = edit_location(client, login, make, world.req.location_id, address="Rijnstraat 10")

    assert "Let op: 1 medewerker van Team Den Haag 1 komt hier volgens het rooster werken" in page
    assert 'Er staat ook bij: "Dit is veranderd."' in page
    assert 'Wie hier de komende twee werkdagen werkt, staat op de startpagina van de teamleider bij ' \
           '"Vertel het zelf". De teamleider belt die medewerkers.' in page
    assert "Vertel het de teamleider" not in page and "Julia" not in page


def test_no_call_list_sentence_when_every_day_told_is_further_off(client, login, make, world):
    for shift in db.session.scalars(select(PublishedShift).where(PublishedShift.date.in_(W50))):
        shift.cancelled = True
    db.session.commit()

    page = edit_location(client, login, make, world.req.location_id, address="Rijnstraat 10")

    assert 'Er staat ook bij: "Dit is veranderd."' in page and "Vertel het zelf" not in page
    assert call_list(client, login, world.leader) == ""
    assert sequences(world.julia)[NEXT_MON] == 1


def test_the_admin_hears_that_a_new_name_leaves_the_address_as_it_is(client, login, make, world):
    page = edit_location(client, login, make, world.req.location_id, name="Rijnstraat 8 (hoofdingang)")

    assert "Vertel het de teamleider: de plek heeft een nieuwe naam, het adres blijft hetzelfde." in page
    assert "oude adres" not in page and "Dit is veranderd" not in page


@pytest.mark.parametrize("what", ["address", "way in"])
def test_a_shift_of_today_already_over_is_not_told_or_called_about(client, login, make, world, monkeypatch, what):
    """At 19:47 on Wednesday its 09:00-15:00 shift was worked at the old door: only the days to
    come are told, and the call list does not ask to phone about today."""
    from .test_access_told_qa14 import set_clock

    set_clock(monkeypatch, WED, hour=19)
    if what == "address":
        edit_location(client, login, make, world.req.location_id, address="Rijnstraat 10")
    else:
        edit_request(client, login, world.contact, world.req, access_instructions=NEW_WAY)

    told = sequences(world.julia)
    assert told[WED] == 0 and told[THU] == 1
    listed = call_list(client, login, world.leader)
    assert "(vandaag)" not in listed and "donderdag 10 december" in listed


@pytest.mark.parametrize("hour,archived", [(8, False), (19, True)])
def test_a_place_whose_last_shift_today_is_over_may_be_archived(client, login, make, world, monkeypatch, hour,
                                                                 archived):
    """The request cancelled and every later shift called off: at 08:00 Wednesday's shift is still
    to come and holds the place; at 19:00 it has been worked, and nothing waits for tomorrow."""
    from binnenwerk.models import DeploymentRequest

    from .test_access_told_qa14 import set_clock

    set_clock(monkeypatch, WED, hour=hour)
    db.session.get(DeploymentRequest, world.req.id).status = "geannuleerd"
    for shift in db.session.scalars(select(PublishedShift).where(PublishedShift.date > WED)):
        shift.cancelled = True
    db.session.commit()
    login(make.user("admin"))
    page = client.post(f"/beheer/locaties/{world.req.location_id}/archiveren", follow_redirects=True)
    db.session.expire_all()
    assert db.session.get(Location, world.req.location_id).archived is archived
    assert ("komt nog 1 medewerker werken" in page.get_data(as_text=True)) is not archived
