"""The employee's week page and calendar in the employee's own words (a tester's eight findings).

Android's calendar gets a button of its own; a leader's away day gives the office's number; a
changed shift to come says so in the calendar as the week page does; a called-off shift reads as a
day off; the calendar says how to get in; long words stay in their box; a dead link says what to do
first; the English is natural. Read through the HTTP pages, and the .ics parsed with icalendar.
"""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, quote, urlsplit

import icalendar
import pytest
from flask_babel import refresh

from binnenwerk.extensions import db
from binnenwerk.models import EmployeeSensitive, FeedKind, utcnow
from binnenwerk.services import feeds, tokens
from tests.conftest import compile_english_catalog

OFFICE = "070-1234567"
AWAY = "Je teamleider is er die dag niet. Binnenwerk zoekt iemand anders."
CALL_OFFICE = f"Ben je ziek of heb je een vraag? Bel dan Binnenwerk: {OFFICE}."
CHANGED = "Let op: dit is veranderd. Kijk goed hoe laat en waar je werkt."
SECRETS = ("Wajong-GEHEIM", "Rugklachten-GEHEIM")


@pytest.fixture
def world(app, make, monkeypatch):
    """Anna of Team Rijnstraat, led by Tineke; today is a Wednesday, with shifts Monday (gone by)
    to Friday and on next week's Monday and Tuesday."""
    real = feeds.local_today()
    monday = real - dt.timedelta(days=real.weekday())
    wednesday = monday + dt.timedelta(days=2)
    monkeypatch.setattr(feeds, "local_today", lambda: wednesday)
    team = make.team(name="Team Rijnstraat")
    leader = make.supervisor(team=team, name="Tineke", phone="06-12345678")
    anna = make.employee(team=team, first_name="Anna", last_name="Jansen")
    anna.sensitive = EmployeeSensitive(indication=SECRETS[0], health_notes=SECRETS[1])
    location = make.location(name="Ministerie BZK", address="Rijnstraat 8", postcode="2515 XP", city="Den Haag")
    keyboards = make.work_type(name_nl="Toetsenborden reinigen", name_en="Keyboard cleaning", pictogram="keyboard")
    days = [monday + dt.timedelta(days=n) for n in (0, 1, 2, 3, 4, 7, 8)]
    shifts = {day: make.published_shift(employee=anna, date=day, location=location, work_type=keyboards)
              for day in days}
    token = tokens.issue(FeedKind.EMPLOYEE, anna)
    db.session.commit()
    return dict(monday=monday, today=wednesday, team=team, leader=leader, anna=anna, location=location,
                keyboards=keyboards, shifts=shifts, token=token)


def week_html(client, token) -> str:
    response = client.get(f"/week/{token}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def feed(client, token, **headers):
    return client.get(f"/calendar/{token}.ics", headers=headers)


def events_by_day(body: bytes) -> dict:
    return {e.decoded("DTSTART").date(): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def employee_events(client, world) -> dict:
    response = feed(client, world["token"])
    assert response.status_code == 200
    return events_by_day(response.data)


def description_lines(event) -> list[str]:
    return str(event["DESCRIPTION"]).split("\n")


def day_block(html: str, day: dt.date) -> str:
    return html.split(f'id="day-{day.isoformat()}"')[1].split("</article>")[0]


def text_of(html: str) -> str:
    """A page's words without tags, spaces made single (a link inside a sentence is read on)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".")


def issue(kind, subject) -> str:
    token = tokens.issue(kind, subject)
    db.session.commit()
    return token


# --- 1. a button for Android (Google Calendar) beside the webcal one for Apple ----------------------


def test_the_week_page_has_a_google_calendar_button_for_android_beside_the_iphone_one(client, world):
    token = world["token"]
    html = week_html(client, token)
    webcal = f"webcal://localhost/calendar/{token}.ics"
    google = "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
    links = dict((label.strip(), href) for href, label in
                 re.findall(r'<a class="button primary big-button" href="([^"]+)">([^<]+)</a>', html))
    assert links == {"Zet in mijn agenda (iPhone)": webcal, "Zet in Google Agenda (Android)": google}
    # Google reads the feed's address back from cid, whole and URL-encoded.
    assert parse_qs(urlsplit(google).query)["cid"] == [webcal]
    assert "cid=webcal%3A%2F%2Flocalhost%2Fcalendar%2F" in google
    words = text_of(html)
    assert "Kies de knop voor jouw telefoon: iPhone of Android." in words
    # Google looks for changes only once or twice a day: the page is where a change shows first.
    assert "Op deze pagina zie je een verandering meteen, in je agenda soms pas een dag later." in words


# --- 2. a number to call on the day the team leader is away -----------------------------------------


def test_a_day_the_leader_is_away_gives_the_office_number_on_the_page_and_in_the_calendar(app, client, world, make):
    app.config["OFFICE_PHONE"] = OFFICE
    thursday = world["monday"] + dt.timedelta(days=3)
    make.absence(supervisor=world["leader"], start=thursday, kind="ziek")
    db.session.commit()
    html = week_html(client, world["token"])
    block = day_block(html, thursday)
    assert f"{AWAY} {CALL_OFFICE}" in text_of(block)
    assert 'href="tel:0701234567"' in block
    assert "Tineke" not in block and "06-12345678" not in block  # the absent leader stays unnamed
    assert html.count("Bel dan Binnenwerk") == 1  # only where the leader is away
    assert "Bel 06-12345678." in day_block(html, world["monday"] + dt.timedelta(days=4))

    events = employee_events(client, world)
    away = str(events[thursday]["DESCRIPTION"])
    assert f"{AWAY} {CALL_OFFICE}" in away and "Tineke" not in away
    assert all("Binnenwerk:" not in str(e["DESCRIPTION"]) for day, e in events.items() if day != thursday)
    # Staff and the ministry read their own lines, as before.
    team = events_by_day(feed(client, issue(FeedKind.TEAM, world["team"])).data)
    assert "Teamleider: Tineke (afwezig)" in str(team[thursday]["DESCRIPTION"])
    location = feed(client, issue(FeedKind.LOCATION, world["location"])).get_data(as_text=True)
    assert OFFICE not in str(team[thursday]["DESCRIPTION"]) and "Bel dan" not in location.replace("\r\n ", "")


def test_the_leader_away_now_gives_the_office_number_at_the_top(app, client, world, make):
    app.config["OFFICE_PHONE"] = OFFICE
    make.absence(supervisor=world["leader"], start=world["today"], kind="verlof")
    db.session.commit()
    top = week_html(client, world["token"]).split('id="leader-title"')[1].split("</section>")[0]
    assert f"Je vaste teamleider Tineke is er nu niet. {CALL_OFFICE}" in text_of(top)
    assert top.count("Tineke") == 1 and top.count("Je vaste teamleider") == 1  # named once
    assert 'href="tel:0701234567"' in top and "tel:0612345678" not in top


def test_without_an_office_number_the_sentence_is_left_out(app, client, world, make):
    assert app.config["OFFICE_PHONE"] == ""  # the default: production sets its own
    thursday = world["monday"] + dt.timedelta(days=3)
    make.absence(supervisor=world["leader"], start=thursday, kind="ziek")
    db.session.commit()
    block = day_block(week_html(client, world["token"]), thursday)
    assert AWAY in block and "Bel dan" not in block and "ziek of heb je een vraag" not in block
    away = str(employee_events(client, world)[thursday]["DESCRIPTION"])
    assert away.endswith(AWAY)


def test_setting_the_office_number_changes_the_calendars_etag(app, client, world, make):
    make.absence(supervisor=world["leader"], start=world["today"], kind="ziek")
    db.session.commit()
    first = feed(client, world["token"])
    assert feed(client, world["token"], **{"If-None-Match": first.headers["ETag"]}).status_code == 304
    app.config["OFFICE_PHONE"] = OFFICE
    again = feed(client, world["token"], **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert CALL_OFFICE in str(events_by_day(again.data)[world["today"]]["DESCRIPTION"])


# --- 3. a changed shift to come says so in the calendar, by the week page's rule --------------------


def test_a_changed_shift_to_come_says_so_first_as_the_week_page_does(client, world):
    shifts = world["shifts"]
    friday, monday = world["monday"] + dt.timedelta(days=4), world["monday"]
    shifts[friday].start_minute, shifts[friday].sequence, shifts[friday].updated_at = 10 * 60, 1, utcnow()
    shifts[monday].sequence = 2  # changed, but gone by
    db.session.commit()
    events = employee_events(client, world)
    assert str(events[friday]["SUMMARY"]) == "Veranderd: Toetsenborden reinigen"
    assert description_lines(events[friday])[0] == CHANGED
    assert "Tijd: 10:00 tot 15:00" in description_lines(events[friday])
    for day in (monday, world["today"]):
        assert str(events[day]["SUMMARY"]) == "Werk: Toetsenborden reinigen"
        assert "veranderd" not in str(events[day]["DESCRIPTION"]).lower()
    # The same days as the week page marks: one rule.
    html = week_html(client, world["token"])
    page_changed = {day for day in events if f'id="day-{day.isoformat()}"' in html
                    and "Dit is veranderd." in day_block(html, day)}
    feed_changed = {day for day, e in events.items() if str(e["SUMMARY"]).startswith("Veranderd: ")}
    assert page_changed == feed_changed == {friday}
    # The team's feed (staff) is as it was.
    team = events_by_day(feed(client, issue(FeedKind.TEAM, world["team"])).data)
    assert str(team[friday]["SUMMARY"]) == "Anna Jansen – Werk: Toetsenborden reinigen"
    assert "veranderd" not in str(team[friday]["DESCRIPTION"]).lower()


def test_a_change_of_leader_only_says_time_and_place_stay(client, world, make):
    friday = world["monday"] + dt.timedelta(days=4)
    shift = world["shifts"][friday]
    shift.supervisor = make.supervisor(name="Pieter", phone="06-99998888")
    shift.sequence, shift.leader_only = 1, True
    db.session.commit()
    event = employee_events(client, world)[friday]
    assert str(event["SUMMARY"]) == "Veranderd: Toetsenborden reinigen"
    assert description_lines(event)[0] == ("Let op: dit is veranderd. Je hebt die dag een andere teamleider. "
                                           "Je tijd en je plek blijven hetzelfde.")
    assert "Teamleider: Pieter, telefoon 06-99998888" in description_lines(event)


def test_a_changed_day_gone_by_no_longer_says_changed_and_the_etag_moves_with_the_day(client, world, monkeypatch):
    friday = world["monday"] + dt.timedelta(days=4)
    world["shifts"][friday].sequence = 1
    db.session.commit()
    first = feed(client, world["token"])
    assert str(events_by_day(first.data)[friday]["SUMMARY"]).startswith("Veranderd: ")
    saturday = friday + dt.timedelta(days=1)
    monkeypatch.setattr(feeds, "local_today", lambda: saturday)
    # Nothing in the database changed, but the text did: the day is part of the ETag.
    again = feed(client, world["token"], **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]
    assert str(events_by_day(again.data)[friday]["SUMMARY"]) == "Werk: Toetsenborden reinigen"


# --- 4. a called-off shift is a day off ------------------------------------------------------------


def test_a_called_off_shift_reads_as_a_day_off_without_time_break_or_place(client, world):
    friday = world["monday"] + dt.timedelta(days=4)
    shift = world["shifts"][friday]
    shift.cancelled, shift.sequence, shift.updated_at = True, 3, utcnow()
    db.session.commit()
    event = employee_events(client, world)[friday]
    assert str(event["SUMMARY"]) == "Vrij: je werk gaat niet door (Toetsenborden reinigen)"
    assert description_lines(event) == ["Je hoeft deze dag niet te werken."]
    assert "LOCATION" not in event
    # What a phone needs to cancel its copy stays: the status, the raised sequence, the same UID.
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 3
    assert str(event["UID"]) == shift.uid
    # Staff keep their wording.
    team = events_by_day(feed(client, issue(FeedKind.TEAM, world["team"])).data)[friday]
    assert str(team["SUMMARY"]) == "Gaat niet door (Anna Jansen – Werk: Toetsenborden reinigen)"
    assert "Tijd: 09:00 tot 15:00" in str(team["DESCRIPTION"])


# --- 5. how to get in, as the week page says it ------------------------------------------------------


def test_the_calendar_says_how_to_get_in_as_the_week_page_does(client, world, make):
    thursday = world["monday"] + dt.timedelta(days=3)
    request = make.request(location=world["location"], work_type=world["keyboards"],
                           access_instructions="Melden bij de receptie.\nPasje halen.",
                           contact_name="Kees Portier", contact_phone="070-5550000")
    world["shifts"][thursday].request = request
    db.session.commit()
    html = week_html(client, world["token"])
    assert "Zo kom je binnen: Melden bij de receptie.\nPasje halen." in day_block(html, thursday)
    events = employee_events(client, world)
    description = str(events[thursday]["DESCRIPTION"])
    assert "Zo kom je binnen: Melden bij de receptie.\nPasje halen." in description
    lines = description_lines(events[thursday])
    assert lines.index("Zo kom je binnen: Melden bij de receptie.") == lines.index(
        "Waar: Ministerie BZK, Rijnstraat 8, 2515 XP Den Haag") + 1
    assert all("Zo kom je binnen" not in str(e["DESCRIPTION"]) for day, e in events.items() if day != thursday)
    body = feed(client, world["token"]).get_data(as_text=True).replace("\r\n ", "")
    for secret in SECRETS:
        assert secret not in body
    # The team feed is as it was.
    team = feed(client, issue(FeedKind.TEAM, world["team"])).get_data(as_text=True).replace("\r\n ", "")
    assert "Zo kom je binnen" not in team


# --- 6. long words at 200% text on a small phone -----------------------------------------------------


def test_long_words_break_inside_their_box_and_the_pictogram_shrinks(client, world):
    html = week_html(client, world["token"])
    assert re.search(r'<html lang="nl"', html)  # hyphenation follows the language
    assert 'class="week-page' in html and 'class="site-footer"' in html
    css = re.sub(r"/\*.*?\*/", "", client.get("/static/css/week.css").get_data(as_text=True), flags=re.S)
    rules: dict[str, str] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        for selector in selectors.split(","):
            rules[selector.strip()] = rules.get(selector.strip(), "") + body
    for selector in (".week-page main", ".week-page .site-footer"):
        assert "overflow-wrap: anywhere" in rules[selector] and "hyphens: auto" in rules[selector], selector
    big = rules[".pictogram.big"]
    assert re.search(r"width: min\(3rem, \d+vw\)", big) and re.search(r"height: min\(3rem, \d+vw\)", big)


# --- 7. a dead link says what to do first ------------------------------------------------------------


def test_a_dead_week_link_says_ask_for_a_new_link(client, world):
    response = client.get("/week/" + "A" * 32)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    after_title = html.split("<h1>Deze link werkt niet meer</h1>")[1]
    first = re.search(r"<p[^>]*>(.*?)</p>", after_title, re.S).group(1)
    # The action first, asked neutrally: the reader may have left Binnenwerk (QA round 13); a link
    # never ours (most often cut short) first asks to check the whole link was used.
    assert first == ("Kijk of je de hele link hebt gebruikt. "
                     "Werk je nog bij Binnenwerk? Vraag je teamleider dan om een nieuwe link.")
    assert "Misschien" not in html


def test_a_stopped_calendar_says_ask_for_a_new_link_and_staff_keep_their_words(client, world):
    team_token = issue(FeedKind.TEAM, world["team"])
    for token in (world["token"], team_token):
        tokens.revoke(tokens.resolve(token))
    db.session.commit()
    (notice,) = icalendar.Calendar.from_ical(feed(client, world["token"]).data).walk("VEVENT")
    assert str(notice["DESCRIPTION"]) == (
        "Deze link werkt niet meer. Werk je nog bij Binnenwerk? Vraag je teamleider dan om een nieuwe link. "
        "Deze agenda kun je van je telefoon verwijderen.")
    (staff,) = icalendar.Calendar.from_ical(feed(client, team_token).data).walk("VEVENT")
    assert str(staff["DESCRIPTION"]).startswith("Misschien is er een nieuwe link. Die vind je")


# --- 8. natural English ------------------------------------------------------------------------------


def test_the_english_week_page_reads_naturally(app_with, world):
    compile_english_catalog()
    refresh()
    client = app_with().test_client()
    client.post("/taal/en", data={"next": f"/week/{world['token']}"})
    words = text_of(week_html(client, world["token"]))
    for text in ("This page shows when and where you work.",
                 "Tap the button to see your work in your phone's calendar.",
                 "Button not working? Copy this link into your calendar app:",
                 "Add to Google Calendar (Android)"):
        assert text.replace("'", "&#39;") in words or text in words, text
