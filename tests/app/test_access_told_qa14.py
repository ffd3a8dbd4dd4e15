"""A changed way in is a change for the people told to come (a known gap of round 13).

A ministry's (or an import's) new access instructions reached the week page and the calendar at
once, read live from the request, but unmarked: no "Dit is veranderd", the same SEQUENCE with a new
DESCRIPTION, and nobody on the team leader's call list. Now the request's published shifts to come
change as a publication would change them; days gone by and other requests' shifts stay as told.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, FeedKind, PublishedShift, Roster, SupervisionAssignment
from binnenwerk.services import feeds, tokens
from binnenwerk.services import rosters as service

from .dataio_uploads import token_of, upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)
from .edit_forms import form_as_shown, post_request_edit
from .test_short_notice import line_of, section

W50 = [dt.date(2026, 12, 7) + dt.timedelta(days=n) for n in range(5)]
W51 = [dt.date(2026, 12, 14) + dt.timedelta(days=n) for n in range(5)]
MON, TUE, WED, THU, FRI = W50
NEXT_MON = W51[0]
FRIDAY_BEFORE = dt.date(2026, 12, 4)
OLD_WAY = "Melden bij de receptie."
NEW_WAY = "Ingang Zuid gebruiken, de receptie is dicht."
CHANGED = "Dit is veranderd."


def set_clock(monkeypatch, day: dt.date, hour: int = 8) -> None:
    at = dt.datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Europe/Amsterdam"))
    monkeypatch.setattr(feeds, "local_now", lambda: at)
    monkeypatch.setattr(feeds, "local_today", lambda: day)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".").replace(" :", ":")


def day_block(html: str, day: dt.date) -> str:
    return html.split(f'id="day-{day.isoformat()}"')[1].split("</article>")[0]


def week_page(client, token: str, week: str | None = None) -> str:
    response = client.get(f"/week/{token}" + (f"?week={week}" if week else ""))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def feed(client, token: str) -> tuple[dict, str]:
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    events = {e.decoded("DTSTART").date(): e for e in icalendar.Calendar.from_ical(response.data).walk("VEVENT")}
    return events, response.headers["ETag"]


def description(event) -> str:
    return str(event["DESCRIPTION"])


@pytest.fixture
def world(make, monkeypatch):
    """Julia works on the Rijnstraat request (way in: OLD_WAY) Monday to Friday of weeks 50 and 51,
    Piet on a request at the Turfmarkt with its own way in; both weeks were published the Friday
    before week 50, and today is Wednesday of week 50, 08:00."""
    wt = make.work_type("keyboards", name_nl="Toetsenborden reinigen")
    ministry = make.ministry("BZK")
    rijnstraat = make.location("Den Haag", ministry=ministry, name="Rijnstraat 8")
    turfmarkt = make.location("Den Haag", ministry=ministry, name="Turfmarkt 147")
    team = make.team("Den Haag", name="Team Den Haag 1")
    tineke = make.supervisor(team, work_types=[wt], name="Tineke Teamleider")
    olaf = make.supervisor(None, region="Den Haag", work_types=[wt], name="Olaf Kaya")
    julia = make.employee(team, work_types=[wt], first_name="Julia", last_name="Huisman", phone="06-55556666")
    piet = make.employee(team, work_types=[wt], first_name="Piet", last_name="Peters", phone="06-77778888")
    asked = dict(weekdays="12345", headcount=1, start_date=dt.date(2026, 11, 30), end_date=dt.date(2026, 12, 31))
    req = make.request(rijnstraat, wt, access_instructions=OLD_WAY, notes="Graag stil werken.", **asked)
    other = make.request(turfmarkt, wt, access_instructions="Bel aan bij de zijdeur.", **asked)
    rosters = []
    for days in (W50, W51):
        roster = Roster(week=f"2026-W{days[0].isocalendar()[1]}", team=team)
        db.session.add(roster)
        db.session.flush()
        for day in days:
            db.session.add(Assignment(roster_id=roster.id, employee_id=julia.id, date=day, request_id=req.id))
            db.session.add(Assignment(roster_id=roster.id, employee_id=piet.id, date=day, request_id=other.id))
            for leads, place in ((tineke, rijnstraat), (olaf, turfmarkt)):
                db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=leads.id, date=day,
                                                     location_id=place.id, team_id=team.id))
        rosters.append(roster)
    contact = make.user("ministry_contact", ministry=ministry)
    leader = make.user("team_leader", teams=[team])
    planner = make.user("planner")
    julia_token = tokens.issue(FeedKind.EMPLOYEE, julia)
    piet_token = tokens.issue(FeedKind.EMPLOYEE, piet)
    db.session.commit()
    set_clock(monkeypatch, FRIDAY_BEFORE)
    for roster in rosters:
        service.publish(roster)
    set_clock(monkeypatch, WED)
    db.session.expire_all()
    return SimpleNamespace(req=req, other=other, julia=julia, piet=piet, contact=contact, leader=leader,
                           planner=planner, julia_token=julia_token, piet_token=piet_token)


def edit_request(client, login, user, req, **changes) -> None:
    login(user)
    url = f"/aanvragen/{req.id}/wijzigen"
    response = post_request_edit(client, url, {**form_as_shown(client, url), **changes})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    client.post("/auth/logout")
    db.session.expire_all()


def call_list(client, login, user) -> str:
    login(user)
    html = client.get("/home").get_data(as_text=True)
    client.post("/auth/logout")
    return section(html)


def sequences(employee) -> dict[dt.date, int]:
    db.session.expire_all()
    return {s.date: s.sequence for s in db.session.scalars(
        select(PublishedShift).where(PublishedShift.employee_id == employee.id))}


def test_a_ministrys_new_way_in_says_dit_is_veranderd_on_the_days_to_come(client, login, world):
    edit_request(client, login, world.contact, world.req, access_instructions=NEW_WAY)

    page = week_page(client, world.julia_token)
    thursday = text_of(day_block(page, THU))
    assert CHANGED in thursday and f"Zo kom je binnen: {NEW_WAY}" in thursday
    assert CHANGED in text_of(day_block(page, WED))  # today too
    assert CHANGED not in text_of(day_block(page, MON))  # a day gone by stays as it was
    assert CHANGED in text_of(day_block(week_page(client, world.julia_token, "2026-W51"), NEXT_MON))
    # Piet's request did not change: nor did his days.
    assert CHANGED not in text_of(day_block(week_page(client, world.piet_token), THU))


def test_the_calendar_event_gets_a_higher_sequence_with_its_new_description(client, login, world):
    before, etag_before = feed(client, world.julia_token)
    piet_before, _ = feed(client, world.piet_token)
    assert before[THU]["SEQUENCE"] == 0 and OLD_WAY in description(before[THU])

    edit_request(client, login, world.contact, world.req, access_instructions=NEW_WAY)

    after, etag_after = feed(client, world.julia_token)
    assert after[THU]["SEQUENCE"] == 1 and NEW_WAY in description(after[THU])
    assert after[NEXT_MON]["SEQUENCE"] == 1
    assert etag_after != etag_before
    assert after[MON]["SEQUENCE"] == before[MON]["SEQUENCE"] == 0  # a day gone by
    piet_after, _ = feed(client, world.piet_token)
    assert ({day: e["SEQUENCE"] for day, e in piet_after.items()}
            == {day: e["SEQUENCE"] for day, e in piet_before.items()})


def test_a_shift_within_two_working_days_goes_on_the_call_list_one_next_week_does_not(
        client, login, world, monkeypatch):
    assert call_list(client, login, world.leader) == ""

    edit_request(client, login, world.contact, world.req, access_instructions=NEW_WAY)

    julia = line_of(call_list(client, login, world.leader), "Julia Huisman")
    assert "donderdag 10 december:" in julia and 'href="tel:0655556666"' in julia
    assert "Piet" not in call_list(client, login, world.leader)
    # On Friday the list reaches Tuesday: next Monday's change was told in time, nobody calls for it.
    set_clock(monkeypatch, FRI)
    julia = line_of(call_list(client, login, world.leader), "Julia Huisman")
    assert "vrijdag 11 december (vandaag):" in julia and "14 december" not in julia


def test_new_notes_or_spaces_around_the_way_in_change_no_shift(client, login, world):
    edit_request(client, login, world.contact, world.req, notes="Graag heel stil werken.",
                 contact_name="Karin de Vries")
    edit_request(client, login, world.contact, world.req, access_instructions=f"  {OLD_WAY}  ")

    assert CHANGED not in text_of(day_block(week_page(client, world.julia_token), THU))
    assert call_list(client, login, world.leader) == ""
    # Only the way in counts, once: the event's SEQUENCE rises by one, not once for each save.
    edit_request(client, login, world.contact, world.req, access_instructions=NEW_WAY)
    events, _etag = feed(client, world.julia_token)
    assert events[THU]["SEQUENCE"] == 1 and events[MON]["SEQUENCE"] == 0


def test_an_import_that_changes_the_way_in_tells_it_as_the_form_does(client, login, world):
    login(world.planner)
    exported = client.get("/gegevens/requests/export.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported), delimiter=";"))
    header, row = rows[0], next(r for r in rows[1:] if r[0] == str(world.req.id))
    row[header.index("toegangsinstructies")] = NEW_WAY
    preview = upload(client, "requests", "\r\n".join(";".join(r) for r in (header, row)).encode(),
                     "aanvragen.csv").get_data(as_text=True)
    done = client.post("/gegevens/requests/bevestigen", data={"upload": token_of(preview)}, follow_redirects=True)
    assert done.status_code == 200
    client.post("/auth/logout")

    thursday = text_of(day_block(week_page(client, world.julia_token), THU))
    assert CHANGED in thursday and f"Zo kom je binnen: {NEW_WAY}" in thursday
    assert CHANGED not in text_of(day_block(week_page(client, world.julia_token), MON))
    assert "Julia Huisman" in call_list(client, login, world.leader)
    assert set(sequences(world.piet).values()) == {0}
