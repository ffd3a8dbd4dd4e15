"""The iCal feeds: RFC 5545 basics checked by two parsers, content, privacy, HTTP caching."""
import datetime as dt
import re
from types import SimpleNamespace

import icalendar
import pytest
import vobject
from sqlalchemy import event

from binnenwerk.extensions import db
from binnenwerk.models import EmployeeSensitive, FeedKind, utcnow
from binnenwerk.services import feeds, tokens

SECRETS = ("Wajong-GEHEIM", "Rugklachten-GEHEIM", "Stille-werkplek-GEHEIM")


@pytest.fixture
def world(app, make):
    """A team with its leader, two employees (one with health data) and shifts around today."""
    today = feeds.local_today()
    team = make.team(name="Team Rijnstraat")
    leader = make.supervisor(team=team, name="Tineke", phone="06-12345678")
    anna = make.employee(team=team, first_name="Anna", last_name="Jansen")
    bram = make.employee(team=team, first_name="Bram", last_name="de Vries")
    anna.sensitive = EmployeeSensitive(indication=SECRETS[0], health_notes=SECRETS[1], accommodations=SECRETS[2])
    location = make.location(name="Ministerie BZK", address="Rijnstraat 8", postcode="2515 XP", city="Den Haag")
    keyboards = make.work_type(name_nl="Toetsenborden reinigen", pictogram="keyboard")
    shifts = [
        make.published_shift(employee=anna, date=today + dt.timedelta(days=d), location=location,
                             work_type=keyboards, supervisor=leader)
        for d in (-3, 0, 1, 2, 9)
    ]
    bram_shift = make.published_shift(employee=bram, date=today, location=location, work_type=keyboards)
    db.session.commit()
    return SimpleNamespace(today=today, team=team, leader=leader, anna=anna, bram=bram, location=location,
                           keyboards=keyboards, shifts=shifts, bram_shift=bram_shift)


def issue(kind, subject) -> str:
    token = tokens.issue(kind, subject)
    db.session.commit()
    return token


def get_feed(client, token, **headers):
    return client.get(f"/calendar/{token}.ics", headers=headers)


def check_rfc5545(body: bytes) -> list:
    """The basics every feed must meet; returns the VEVENTs as icalendar parsed them."""
    assert body.endswith(b"\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert b"\n" not in body.replace(b"\r\n", b"") and b"\r" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines), "lines must be folded at 75 octets"
    # Parser 1: icalendar.
    cal = icalendar.Calendar.from_ical(body)
    for name in ("PRODID", "VERSION", "CALSCALE", "X-WR-CALNAME", "X-WR-TIMEZONE", "X-PUBLISHED-TTL"):
        assert cal.get(name), name
    assert str(cal["VERSION"]) == "2.0"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in body
    zones = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    assert "Europe/Amsterdam" in zones
    events = list(cal.walk("VEVENT"))
    for ev in events:
        assert ev.get("UID") and ev.get("DTSTAMP")
        assert ev["DTSTART"].params["TZID"] in zones
        assert ev["DTEND"].params["TZID"] in zones
        assert ev.decoded("DTEND") > ev.decoded("DTSTART")
        assert ev.decoded("DTSTART").utcoffset() is not None
    # Parser 2: vobject, written independently.
    parsed = vobject.readOne(body.decode("utf-8"))
    vevents = list(getattr(parsed, "vevent_list", []))
    assert len(vevents) == len(events)
    for ev in vevents:
        assert ev.uid.value and ev.dtstamp.value
        assert ev.dtstart.value.tzinfo is not None
        assert ev.dtend.value > ev.dtstart.value
    assert sorted(ev.uid.value for ev in vevents) == sorted(str(ev["UID"]) for ev in events)
    return events


# --- content ----------------------------------------------------------------------------------


def test_employee_feed_passes_both_parsers_and_describes_each_shift(client, world):
    token = issue(FeedKind.EMPLOYEE, world.anna)
    response = get_feed(client, token)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response.headers["Cache-Control"]
    events = check_rfc5545(response.data)
    assert sorted(str(e["UID"]) for e in events) == sorted(s.uid for s in world.shifts)
    first = next(e for e in events if str(e["UID"]) == world.shifts[1].uid)
    assert str(first["SUMMARY"]) == "Werk: Toetsenborden reinigen"
    assert str(first["STATUS"]) == "CONFIRMED" and int(first["SEQUENCE"]) == 0
    assert str(first["LOCATION"]) == "Ministerie BZK, Rijnstraat 8, 2515 XP Den Haag"
    start = first.decoded("DTSTART")
    assert start.date() == world.today and (start.hour, start.minute) == (9, 0)
    assert str(start.tzinfo) == "Europe/Amsterdam"
    description = str(first["DESCRIPTION"])
    for text in ("Toetsenborden reinigen", "Tineke", "06-12345678", "Pauze: 30 minuten", "Rijnstraat 8"):
        assert text in description
    assert first.get("LAST-MODIFIED")


def test_feed_names_the_team_leader_when_the_shift_names_nobody(client, world):
    token = issue(FeedKind.EMPLOYEE, world.bram)
    events = check_rfc5545(get_feed(client, token).data)
    assert "Tineke, telefoon 06-12345678" in str(events[0]["DESCRIPTION"])


def test_feed_holds_four_weeks_back_to_eight_weeks_ahead(client, world, make):
    inside = [make.published_shift(employee=world.anna, date=world.today + dt.timedelta(days=d)) for d in (-27, 55)]
    outside = [make.published_shift(employee=world.anna, date=world.today + dt.timedelta(days=d)) for d in (-40, 70)]
    token = issue(FeedKind.EMPLOYEE, world.anna)
    uids = {str(e["UID"]) for e in check_rfc5545(get_feed(client, token).data)}
    assert {s.uid for s in inside} <= uids
    assert not {s.uid for s in outside} & uids


def test_a_changed_shift_keeps_its_uid_and_shows_the_raised_sequence(client, world):
    token = issue(FeedKind.EMPLOYEE, world.anna)
    shift = world.shifts[1]
    shift.start_minute, shift.sequence, shift.updated_at = 10 * 60, 1, utcnow()
    db.session.commit()
    events = check_rfc5545(get_feed(client, token).data)
    changed = [e for e in events if str(e["UID"]) == shift.uid]
    assert len(changed) == 1
    assert int(changed[0]["SEQUENCE"]) == 1
    assert changed[0].decoded("DTSTART").hour == 10


def test_a_cancelled_shift_stays_in_the_feed_as_cancelled(client, world):
    token = issue(FeedKind.EMPLOYEE, world.anna)
    shift = world.shifts[2]
    shift.cancelled, shift.sequence, shift.updated_at = True, 2, utcnow()
    db.session.commit()
    events = check_rfc5545(get_feed(client, token).data)
    cancelled = next(e for e in events if str(e["UID"]) == shift.uid)
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) == 2
    # The employee reads a day off, not work to come (the team and location feeds: "Gaat niet door").
    assert re.fullmatch(r"Vrij: je werk gaat niet door \([^:()]+\)", str(cancelled["SUMMARY"])), str(cancelled["SUMMARY"])
    others = [e for e in events if str(e["UID"]) != shift.uid]
    assert {str(e["STATUS"]) for e in others} == {"CONFIRMED"}


def test_an_employee_feed_shows_only_that_employees_shifts(client, world):
    token = issue(FeedKind.EMPLOYEE, world.bram)
    events = check_rfc5545(get_feed(client, token).data)
    assert [str(e["UID"]) for e in events] == [world.bram_shift.uid]


def test_team_feed_lists_every_shift_of_the_team_with_names(client, world, make):
    other_team_shift = make.published_shift(employee=make.employee(first_name="Vreemd"), date=world.today)
    token = issue(FeedKind.TEAM, world.team)
    body = get_feed(client, token).data
    events = check_rfc5545(body)
    assert len(events) == len(world.shifts) + 1
    text = body.decode()
    assert "Anna Jansen" in text and "Bram de Vries" in text and "Vreemd" not in text
    # Other UIDs than the employee feed: one event must not be two different things.
    assert other_team_shift.uid not in text
    assert all(str(e["UID"]).startswith("team-") for e in events)


def test_location_feed_shows_team_visits_without_employee_names(client, world):
    token = issue(FeedKind.LOCATION, world.location)
    body = get_feed(client, token).data
    events = check_rfc5545(body)
    text = icalendar.Calendar.from_ical(body).to_ical().decode()
    unfolded = body.decode().replace("\r\n ", "")
    for name in ("Anna", "Jansen", "Bram", "de Vries"):
        assert name not in unfolded and name not in text
    today = [e for e in events if e.decoded("DTSTART").date() == world.today]
    assert len(today) == 1  # Anna and Bram together are one team visit
    assert str(today[0]["SUMMARY"]) == "Team Rijnstraat: Toetsenborden reinigen (2 personen)"
    description = str(today[0]["DESCRIPTION"])
    assert "Aantal personen: 2" in description and "Tineke" in description and "06-12345678" in description


def test_location_visit_is_cancelled_only_when_every_shift_is(client, world):
    token = issue(FeedKind.LOCATION, world.location)
    world.bram_shift.cancelled, world.bram_shift.sequence = True, 1
    db.session.commit()
    events = check_rfc5545(get_feed(client, token).data)
    visit = next(e for e in events if e.decoded("DTSTART").date() == world.today)
    assert str(visit["STATUS"]) == "CONFIRMED" and "(1 persoon)" in str(visit["SUMMARY"])
    before = int(visit["SEQUENCE"])
    world.shifts[1].cancelled, world.shifts[1].sequence = True, 1
    db.session.commit()
    events = check_rfc5545(get_feed(client, token).data)
    visit = next(e for e in events if e.decoded("DTSTART").date() == world.today)
    assert str(visit["STATUS"]) == "CANCELLED" and int(visit["SEQUENCE"]) > before
    # Called off, it names no number of people ("0 personen" read as a team coming empty-handed).
    assert str(visit["SUMMARY"]) == "Gaat niet door (Team Rijnstraat: Toetsenborden reinigen)"
    assert "Aantal personen" not in str(visit["DESCRIPTION"])


def test_a_shift_moving_to_another_place_raises_the_visits_sequence_and_refreshes(client, world, make):
    """Bram moves from Rijnstraat 8 to Binnenhof today: the Rijnstraat visit changes (2 -> 1 person)
    and must not lower its SEQUENCE, nor answer a date-only poll with 304."""
    token = issue(FeedKind.LOCATION, world.location)
    first = get_feed(client, token)
    visit = next(e for e in check_rfc5545(first.data) if e.decoded("DTSTART").date() == world.today)
    before = int(visit["SEQUENCE"])
    world.bram_shift.location = make.location(name="Binnenhof 19", address="Binnenhof 19")
    world.bram_shift.sequence, world.bram_shift.updated_at = 1, utcnow() + dt.timedelta(seconds=5)
    db.session.commit()
    again = get_feed(client, token, **{"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_code == 200
    visit = next(e for e in check_rfc5545(again.data) if e.decoded("DTSTART").date() == world.today)
    assert "(1 persoon)" in str(visit["SUMMARY"]) and int(visit["SEQUENCE"]) > before


@pytest.mark.parametrize("kind", ["employee", "team", "location"])
def test_no_health_or_indication_data_in_any_feed(client, world, kind):
    subject = {"employee": world.anna, "team": world.team, "location": world.location}[kind]
    body = get_feed(client, issue(kind, subject)).data.decode().replace("\r\n ", "")
    for secret in SECRETS:
        assert secret not in body


def test_a_feed_without_shifts_is_a_valid_empty_calendar(client, make):
    token = issue(FeedKind.EMPLOYEE, make.employee())
    response = get_feed(client, token)
    assert response.status_code == 200
    assert check_rfc5545(response.data) == []


def test_a_shift_ending_at_midnight_ends_on_the_next_day(client, world, make):
    shift = make.published_shift(employee=world.bram, date=world.today + dt.timedelta(days=3), start="18:00",
                                 end="24:00", break_minutes=0)
    token = issue(FeedKind.EMPLOYEE, world.bram)
    events = check_rfc5545(get_feed(client, token).data)
    late = next(e for e in events if str(e["UID"]) == shift.uid)
    assert late.decoded("DTEND") == late.decoded("DTSTART") + dt.timedelta(hours=6)
    assert "Pauze: geen" in str(late["DESCRIPTION"])


# --- access and HTTP --------------------------------------------------------------------------


def test_unknown_token_gets_404(client, world):
    assert get_feed(client, "A" * 32).status_code == 404
    assert get_feed(client, "kort").status_code == 404
    assert get_feed(client, "x" * 5000).status_code == 404


def stopped_notice(response) -> icalendar.Event:
    """The one event of a stopped link's calendar, after checking it is a calendar with no shift."""
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    body = response.get_data()
    assert body.endswith(b"\r\n") and all(len(line) <= 75 for line in body.split(b"\r\n"))
    (notice,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert len(vobject.readOne(body.decode()).vevent_list) == 1  # the second parser reads it too
    assert str(notice["SUMMARY"]) == "Deze agenda-link werkt niet meer"
    return notice


def test_a_revoked_link_gets_a_calendar_without_its_shifts_that_says_it_stopped(client, world):
    """A 404 would leave the phone showing the shifts it last fetched, going out of date."""
    token = issue(FeedKind.EMPLOYEE, world.anna)
    assert len(check_rfc5545(get_feed(client, token).data)) == len(world.shifts)
    tokens.revoke(tokens.resolve(token))
    db.session.commit()

    response = get_feed(client, token)

    notice = stopped_notice(response)
    assert notice.decoded("DTSTART") == world.today and notice.decoded("DTEND") == world.today + dt.timedelta(days=1)
    assert "Vraag je teamleider dan om een nieuwe link" in str(notice["DESCRIPTION"])
    text = response.get_data(as_text=True)
    for told in ("Anna", "Tineke", "06-12345678", "Rijnstraat", "Toetsenborden", *SECRETS):
        assert told not in text
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_an_archived_employees_link_gets_the_stopped_calendar_and_an_unknown_one_still_404(client, world):
    token = issue(FeedKind.EMPLOYEE, world.anna)
    world.anna.archived = True
    db.session.commit()
    assert "Vraag je teamleider" in str(stopped_notice(get_feed(client, token))["DESCRIPTION"])
    # The same length and alphabet, never issued: nothing to stop, so still the gone page.
    assert get_feed(client, token[:-1] + ("A" if token[-1] != "A" else "B")).status_code == 404


def test_a_stopped_team_or_location_link_tells_staff_where_the_new_one_is(client, world):
    # The team's feed is the team leader's ("je", as every staff page); a location's the ministry's ("u").
    for kind, subject, words in ((FeedKind.TEAM, world.team, "Die vind je in de Teamplanner"),
                                 (FeedKind.LOCATION, world.location, "Die vindt u in de Teamplanner")):
        token = issue(kind, subject)
        tokens.revoke(tokens.resolve(token))
        db.session.commit()
        description = str(stopped_notice(get_feed(client, token))["DESCRIPTION"])
        assert f"{words} op de pagina Agenda-links" in description
        assert "Anna" not in get_feed(client, token).get_data(as_text=True)


def test_a_link_made_with_another_secret_key_is_not_taken_for_a_stopped_one(client, world, app):
    token = issue(FeedKind.EMPLOYEE, world.anna)
    tokens.revoke(tokens.resolve(token))
    db.session.commit()
    app.config["SECRET_KEY"] = "another key: every link retired"
    assert get_feed(client, token).status_code == 404


def test_feed_sends_etag_and_last_modified_and_answers_304(client, world):
    token = issue(FeedKind.EMPLOYEE, world.anna)
    first = get_feed(client, token)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and modified
    by_etag = get_feed(client, token, **{"If-None-Match": etag})
    assert by_etag.status_code == 304 and by_etag.data == b"" and by_etag.headers["ETag"] == etag
    # The date alone does not decide (a shift leaving the feed does not move it): a full answer.
    by_date = get_feed(client, token, **{"If-Modified-Since": modified})
    assert by_date.status_code == 200 and by_date.data == first.data
    stale = get_feed(client, token, **{"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.data == first.data


def test_a_change_gives_a_new_etag_and_a_full_answer(client, world):
    token = issue(FeedKind.EMPLOYEE, world.anna)
    etag = get_feed(client, token).headers["ETag"]
    shift = world.shifts[1]
    shift.sequence, shift.updated_at = 1, utcnow() + dt.timedelta(seconds=5)
    db.session.commit()
    response = get_feed(client, token, **{"If-None-Match": etag})
    assert response.status_code == 200 and response.headers["ETag"] != etag
    assert b"SEQUENCE:1" in response.data


def test_a_new_shift_gives_a_new_etag(client, world, make):
    token = issue(FeedKind.EMPLOYEE, world.anna)
    etag = get_feed(client, token).headers["ETag"]
    make.published_shift(employee=world.anna, date=world.today + dt.timedelta(days=4),
                         updated_at=dt.datetime(2000, 1, 1))
    db.session.commit()
    assert get_feed(client, token, **{"If-None-Match": etag}).status_code == 200


@pytest.fixture
def count_queries(app):
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    yield statements
    event.remove(db.engine, "before_cursor_execute", before)


def test_a_conditional_request_costs_one_query_and_no_rendering(client, world, count_queries, monkeypatch):
    token = issue(FeedKind.TEAM, world.team)
    etag = get_feed(client, token).headers["ETag"]
    monkeypatch.setattr(feeds, "build_feed", lambda *a, **k: pytest.fail("rendered on a 304"))
    count_queries.clear()
    assert get_feed(client, token, **{"If-None-Match": etag}).status_code == 304
    assert len(count_queries) == 1, count_queries


def test_feed_rendering_uses_a_bounded_number_of_queries(client, world, make, count_queries):
    for day in range(3, 40):
        make.published_shift(employee=make.employee(team=world.team), date=world.today + dt.timedelta(days=day),
                             location=world.location)
    db.session.commit()
    for kind, subject in (("team", world.team), ("location", world.location)):
        token = issue(kind, subject)
        count_queries.clear()
        assert get_feed(client, token).status_code == 200
        assert len(count_queries) <= 5, (kind, len(count_queries))


def test_feed_is_kept_out_of_referrers_and_search_engines(client, world):
    response = get_feed(client, issue(FeedKind.EMPLOYEE, world.anna))
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_special_characters_and_long_lines_survive_both_parsers(client, make):
    place = "Café ‘De Ster’; zaal 3, kamer\\2 — " + "één lange gang met ümlauts " * 4
    location = make.location(name=place, address="Plein 1", postcode="2511 CR", city="’s-Gravenhage")
    work_type = make.work_type(name_nl="Schoonmaak; ramen, deuren & meer")
    leader = make.supervisor(name="Jüri O'Brien", phone="+31 6 1234 5678")
    employee = make.employee()
    make.published_shift(employee=employee, date=feeds.local_today(), location=location, work_type=work_type,
                         supervisor=leader)
    token = issue(FeedKind.EMPLOYEE, employee)
    body = get_feed(client, token).data
    expected = f"{place}, Plein 1, 2511 CR ’s-Gravenhage"
    event = check_rfc5545(body)[0]
    assert str(event["LOCATION"]) == expected
    assert str(event["SUMMARY"]) == "Werk: Schoonmaak; ramen, deuren & meer"
    assert "Jüri O'Brien, telefoon +31 6 1234 5678" in str(event["DESCRIPTION"])
    other = vobject.readOne(body.decode("utf-8")).vevent
    assert other.location.value == expected
    assert other.summary.value == "Werk: Schoonmaak; ramen, deuren & meer"
    assert other.description.value.split("\n")[0] == "Werk: Schoonmaak; ramen, deuren & meer"


@pytest.mark.parametrize("text", ["", "kort", "a" * 74, "a" * 75, "a" * 76, "é" * 100, "€" * 60 + "x", "😀" * 40])
def test_fold_keeps_lines_within_75_octets_and_characters_whole(text):
    folded = feeds.fold("SUMMARY:" + text)
    lines = folded.split(b"\r\n")
    assert lines[-1] == b""
    assert all(len(line) <= 75 for line in lines)
    for line in lines[:-1]:
        line.decode("utf-8")  # no character split across lines
    assert b"".join(line[1:] if i else line for i, line in enumerate(lines[:-1])).decode() == "SUMMARY:" + text


def test_escape_text_escapes_and_drops_control_characters():
    assert feeds.escape_text("a,b;c\\d\ne\r\nf\x00g\x1bh\ti") == "a\\,b\\;c\\\\d\\ne\\nfgh\ti"


def test_feed_says_a_street_once_when_the_place_is_named_after_it(client, make):
    location = make.location(name="Binnenhof 19", address="Binnenhof 19", postcode="2513 AA", city="Den Haag")
    employee = make.employee()
    make.published_shift(employee=employee, date=feeds.local_today(), location=location)
    event = check_rfc5545(get_feed(client, issue(FeedKind.EMPLOYEE, employee)).data)[0]
    assert str(event["LOCATION"]) == "Binnenhof 19, 2513 AA Den Haag"


# --- an absent team leader ---------------------------------------------------------------------
# A leader away on a shift's day is not named with a phone: not to the employee, not to the
# ministry. The feed never says why (ill, leave), and a feed whose text changed by an absence
# is never answered 304 with the old text.

AWAY_EMPLOYEE = "Je teamleider is er die dag niet. Binnenwerk zoekt iemand anders."


def events_by_day(body: bytes) -> dict:
    return {e.decoded("DTSTART").date(): e for e in check_rfc5545(body)}


def unstamped(body: bytes) -> str:
    """The feed's text without its events' DTSTAMP and LAST-MODIFIED lines."""
    return re.sub(r"^(DTSTAMP|LAST-MODIFIED):.*\r\n", "", unfolded(body), flags=re.M)


def unfolded(body: bytes) -> str:
    """The feed as text to search: lines unfolded, TEXT escapes undone."""
    text = body.decode().replace("\r\n ", "")
    return text.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n")


def absence_input(day, end=None, kind="ziek", times=None):
    from binnenwerk.services.absences import AbsenceInput

    start_minute, end_minute = times or (None, None)
    return AbsenceInput(kind=kind, start_date=day, end_date=end or day, start_minute=start_minute,
                        end_minute=end_minute)


def test_employee_feed_names_no_absent_leader_on_that_day(client, world, make):
    tomorrow = world.today + dt.timedelta(days=1)
    make.absence(supervisor=world.leader, start=tomorrow, kind="ziek")
    db.session.commit()
    body = get_feed(client, issue(FeedKind.EMPLOYEE, world.anna)).data
    by_day = events_by_day(body)
    away = str(by_day[tomorrow]["DESCRIPTION"])
    assert AWAY_EMPLOYEE in away
    assert "Tineke" not in away and "06-12345678" not in away and "Teamleider:" not in away
    assert "Pauze: 30 minuten" in away  # the rest is as told
    for day, event in by_day.items():
        if day != tomorrow:
            assert "Teamleider: Tineke, telefoon 06-12345678" in str(event["DESCRIPTION"])
            assert AWAY_EMPLOYEE not in str(event["DESCRIPTION"])


def test_employee_feed_names_no_absent_team_leader_when_the_shift_names_nobody(client, world, make):
    make.absence(supervisor=world.leader, start=world.today, kind="verlof")
    db.session.commit()
    event = check_rfc5545(get_feed(client, issue(FeedKind.EMPLOYEE, world.bram)).data)[0]
    assert AWAY_EMPLOYEE in str(event["DESCRIPTION"]) and "Tineke" not in str(event["DESCRIPTION"])


def test_a_part_day_absence_outside_the_shift_leaves_the_leader_named(client, world, make):
    tomorrow = world.today + dt.timedelta(days=1)
    make.absence(supervisor=world.leader, start=tomorrow, times=("15:00", "17:00"), kind="afspraak")
    make.absence(supervisor=world.leader, start=world.today, times=("08:00", "09:30"), kind="afspraak")
    db.session.commit()
    by_day = events_by_day(get_feed(client, issue(FeedKind.EMPLOYEE, world.anna)).data)
    assert "Tineke, telefoon" in str(by_day[tomorrow]["DESCRIPTION"])  # shift 09:00-15:00
    # Part of the shift: its times within the shift, nobody else sought (QA round 13).
    assert "Je teamleider is er die dag van 09:00 tot 09:30 niet." in str(by_day[world.today]["DESCRIPTION"])
    assert AWAY_EMPLOYEE not in str(by_day[world.today]["DESCRIPTION"])


def test_a_cancelled_shift_with_an_absent_leader_names_nobody_and_promises_nobody(client, world, make):
    shift = world.shifts[2]
    shift.cancelled, shift.sequence = True, 1
    make.absence(supervisor=world.leader, start=shift.date, kind="ziek")
    db.session.commit()
    event = events_by_day(get_feed(client, issue(FeedKind.EMPLOYEE, world.anna)).data)[shift.date]
    description = str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CANCELLED"
    assert "Tineke" not in description and "Binnenwerk zoekt iemand anders" not in description


def test_team_feed_shows_its_leader_as_absent_without_a_phone(client, world, make):
    make.absence(supervisor=world.leader, start=world.today, kind="ziek")
    db.session.commit()
    events = check_rfc5545(get_feed(client, issue(FeedKind.TEAM, world.team)).data)
    today = [str(e["DESCRIPTION"]) for e in events if e.decoded("DTSTART").date() == world.today]
    assert len(today) == 2  # Anna's and Bram's
    for description in today:
        assert "Teamleider: Tineke (afwezig)" in description and "06-12345678" not in description
    others = [str(e["DESCRIPTION"]) for e in events if e.decoded("DTSTART").date() != world.today]
    assert others and all("Teamleider: Tineke, telefoon 06-12345678" in d for d in others)


def test_location_feed_names_no_absent_leader_to_the_ministry(client, world, make):
    make.absence(supervisor=world.leader, start=world.today, kind="ziek")
    db.session.commit()
    by_day = events_by_day(get_feed(client, issue(FeedKind.LOCATION, world.location)).data)
    visit = str(by_day[world.today]["DESCRIPTION"])
    assert "Teamleider: afwezig, Binnenwerk zoekt een vervanger" in visit
    assert "Tineke" not in visit and "06-12345678" not in visit
    tomorrow = str(by_day[world.today + dt.timedelta(days=1)]["DESCRIPTION"])
    assert "Teamleider: Tineke, telefoon 06-12345678" in tomorrow


@pytest.mark.parametrize("kind", ["employee", "team", "location"])
def test_no_feed_says_why_a_leader_is_away(client, world, make, kind):
    make.absence(supervisor=world.leader, start=world.today - dt.timedelta(days=3),
                 end=world.today + dt.timedelta(days=9), kind="ziek", note="Griep-NOTITIE")
    db.session.commit()
    subject = {"employee": world.anna, "team": world.team, "location": world.location}[kind]
    body = unfolded(get_feed(client, issue(kind, subject)).data).lower()
    assert "afwezig" in body or AWAY_EMPLOYEE.lower() in body
    for word in ("ziek", "verlof", "afspraak", "griep", "notitie"):
        assert word not in body, word


@pytest.mark.parametrize("kind", ["employee", "team", "location"])
def test_an_absence_added_changed_or_removed_gives_a_new_etag_and_the_new_text(client, world, make, kind):
    """Through the absence service, as the team pages do: each step changes the feed's text but
    no shift, and a conditional request with the ETag from before gets the new text. Bram's
    shifts name nobody: his leader is the team's own."""
    from binnenwerk.services import absences

    make.published_shift(employee=world.bram, date=world.today + dt.timedelta(days=1), location=world.location,
                         work_type=world.keyboards)
    subject = {"employee": world.bram, "team": world.team, "location": world.location}[kind]
    token = issue(kind, subject)
    first = get_feed(client, token)
    assert "Tineke, telefoon" in unfolded(first.data)

    absence = absences.create_absence(absence_input(world.today), supervisor=world.leader)
    added = get_feed(client, token, **{"If-None-Match": first.headers["ETag"]})
    assert added.status_code == 200 and added.headers["ETag"] != first.headers["ETag"]
    assert "afwezig" in unfolded(added.data) or AWAY_EMPLOYEE in unfolded(added.data)
    # Nothing changed since: a 304 again.
    assert get_feed(client, token, **{"If-None-Match": added.headers["ETag"]}).status_code == 304

    # Moved to another day of the feed: the same number of absent days, other text.
    absences.update_absence(absence, absence_input(world.today + dt.timedelta(days=1)))
    moved = get_feed(client, token, **{"If-None-Match": added.headers["ETag"]})
    assert moved.status_code == 200 and moved.data not in (added.data, first.data)

    # Made part-day, outside the shift (09:00-15:00): the leader is named again. (Each change of
    # the leader's absences gives the events with their line a newer stamp: compared without.)
    absences.update_absence(absence, absence_input(world.today + dt.timedelta(days=1), times=(16 * 60, 17 * 60)))
    later = get_feed(client, token, **{"If-None-Match": moved.headers["ETag"]})
    assert later.status_code == 200 and unstamped(later.data) == unstamped(first.data)

    absences.update_absence(absence, absence_input(world.today + dt.timedelta(days=1), times=(14 * 60, 17 * 60)))
    overlapping = get_feed(client, token, **{"If-None-Match": later.headers["ETag"]})
    assert overlapping.status_code == 200 and unstamped(overlapping.data) != unstamped(later.data)
    if kind == "employee":  # part of the shift: its times (QA round 13); staff and ministry: absent
        assert "van 14:00 tot 15:00 niet" in unfolded(overlapping.data)
    else:
        assert unstamped(overlapping.data) == unstamped(moved.data)

    absences.delete_absence(absence)
    removed = get_feed(client, token, **{"If-None-Match": overlapping.headers["ETag"]})
    assert removed.status_code == 200 and unstamped(removed.data) == unstamped(first.data)
    assert "Tineke, telefoon" in unfolded(removed.data)


def test_an_absence_of_a_leader_the_feed_does_not_name_keeps_the_etag(client, world, make):
    token = issue(FeedKind.EMPLOYEE, world.anna)
    etag = get_feed(client, token).headers["ETag"]
    make.absence(supervisor=make.supervisor(name="Elders"), start=world.today, kind="ziek")
    make.absence(employee=world.bram, start=world.today, kind="ziek")
    db.session.commit()
    assert get_feed(client, token, **{"If-None-Match": etag}).status_code == 304


def test_a_conditional_request_with_absences_still_costs_one_query(client, world, make, count_queries,
                                                                   monkeypatch):
    make.absence(supervisor=world.leader, start=world.today, kind="ziek")
    token = issue(FeedKind.LOCATION, world.location)
    etag = get_feed(client, token).headers["ETag"]
    monkeypatch.setattr(feeds, "build_feed", lambda *a, **k: pytest.fail("rendered on a 304"))
    count_queries.clear()
    assert get_feed(client, token, **{"If-None-Match": etag}).status_code == 304
    assert len(count_queries) == 1, count_queries


def test_fingerprint_and_poll_agree_with_absences(world, make):
    make.absence(supervisor=world.leader, start=world.today, end=world.today + dt.timedelta(days=1), kind="ziek")
    for kind, subject in (("employee", world.bram), ("team", world.team), ("location", world.location)):
        token = issue(kind, subject)
        row = tokens.resolve(token)
        assert feeds.poll(token)[1] == feeds.fingerprint(row), kind


def test_an_absence_of_another_leader_under_a_reused_id_changes_the_etag(client, make):
    """SQLite gives a deleted last row's id to the next row: Annet's absence deleted and Bert's
    recorded the same day carry the same id, dates and times. The ETag must still change."""
    from binnenwerk.services import absences
    from binnenwerk.services.absences import AbsenceInput

    today = feeds.local_today()
    location, work_type = make.location(name="Gebouw"), make.work_type()
    leaders = []
    for n, name in ((1, "Annet"), (2, "Bert")):
        team = make.team(name=f"Team {n}")
        leaders.append(make.supervisor(team=team, name=name, phone=f"06-0000000{n}"))
        make.published_shift(employee=make.employee(team=team), date=today, location=location, work_type=work_type)
    token = tokens.issue(FeedKind.LOCATION, location)
    db.session.commit()

    def ill(leader):
        return absences.create_absence(AbsenceInput(kind="ziek", start_date=today, end_date=today,
                                                    start_minute=None, end_minute=None), supervisor=leader)

    first = ill(leaders[0])
    before = get_feed(client, token)
    absences.delete_absence(first)
    ill(leaders[1])
    after = get_feed(client, token, **{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    text = after.get_data(as_text=True).replace("\r\n ", "")
    assert "Bert" not in text and "Annet" in text
