"""QA round 17 on the iCal feeds: a visit's SEQUENCE and DTSTAMP never go back when a shift moves
to another team, a changed shift's stamp moves when its "Veranderd" goes, a time the clocks skip
is never written, and the days around a contract's end say what the week page says."""
from __future__ import annotations

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest

from binnenwerk.extensions import db
from binnenwerk.models import FeedKind, utcnow
from binnenwerk.services import feeds, tokens
from binnenwerk.services import requests as request_service

from .test_requests_workflow import request_form, world  # noqa: F401 (fixture)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
UTC = dt.timezone.utc


def issue(kind, subject) -> str:
    token = tokens.issue(kind, subject)
    db.session.commit()
    return token


def on(monkeypatch, today: dt.date) -> None:
    monkeypatch.setattr(feeds, "local_now", lambda: dt.datetime.combine(today, dt.time(7), AMSTERDAM))


def feed_on(client, monkeypatch, token: str, today: dt.date) -> bytes:
    on(monkeypatch, today)
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    return response.data


def events(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def event_with_uid(body: bytes, uid: str) -> icalendar.Event:
    (found,) = [e for e in events(body) if str(e["UID"]) == uid]
    return found


def event_on(body: bytes, day: dt.date) -> icalendar.Event:
    (found,) = [e for e in events(body) if e.decoded("DTSTART").date() == day]
    return found


def stamps(event: icalendar.Event) -> tuple[dt.datetime, dt.datetime]:
    return event.decoded("DTSTAMP"), event.decoded("LAST-MODIFIED")


# --- 1. a visit when a shift moves to another team ------------------------------------------------


def test_a_visits_sequence_and_stamp_do_not_go_back_when_a_shift_moves_to_another_team(client, make, monkeypatch):
    """Employee 1 moves from team 1 to team 2; team 1 calls off her day, team 2 publishes her on it
    and the day's row becomes team 2's: team 1's visit lost a shift of its day, its SEQUENCE went
    from 2 to 0 and its DTSTAMP back to the other shift's older change (a QA finding)."""
    today = dt.date(2027, 2, 1)
    day = today + dt.timedelta(days=8)
    made = utcnow() - dt.timedelta(days=10)  # the place and work type: before the shifts (they stamp them too)
    place = make.location(name="Ministerie BZK", address="Rijnstraat 8", updated_at=made)
    cleaning = make.work_type(name_nl="Schoonmaak", updated_at=made)
    one, two = make.team(name="Team Den Haag 1"), make.team(name="Team Den Haag 2")
    anna = make.employee(team=one, first_name="Anna", last_name="Jansen")
    els = make.employee(team=one, first_name="Els", last_name="Visser")
    make.published_shift(employee=anna, date=day, location=place, work_type=cleaning,
                         updated_at=utcnow() - dt.timedelta(days=5))
    moved = make.published_shift(employee=els, date=day, location=place, work_type=cleaning,
                                 updated_at=utcnow() - dt.timedelta(days=4))
    token = issue(FeedKind.LOCATION, place)
    uid = f"visit-{day:%Y%m%d}-t{one.id}-l{place.id}-w{cleaning.id}@binnenwerk"

    # Team 1 calls her day off (she moved), then team 2 takes the day's row over.
    moved.cancelled, moved.sequence, moved.updated_at = True, 1, utcnow() - dt.timedelta(days=2)
    db.session.commit()
    called_off = event_with_uid(feed_on(client, monkeypatch, token, today), uid)
    assert "(1 persoon)" in str(called_off["SUMMARY"])

    els.team_id = two.id
    moved.team_id, moved.cancelled, moved.sequence, moved.updated_at = two.id, False, 2, utcnow()
    db.session.commit()
    taken_over = event_with_uid(feed_on(client, monkeypatch, token, today), uid)
    assert "(1 persoon)" in str(taken_over["SUMMARY"])
    assert int(taken_over["SEQUENCE"]) >= int(called_off["SEQUENCE"])
    assert taken_over.decoded("DTSTAMP") >= called_off.decoded("DTSTAMP")
    assert taken_over.decoded("LAST-MODIFIED") >= called_off.decoded("LAST-MODIFIED")


# --- 2. a changed shift's words go when its day has passed -----------------------------------------


def test_a_changed_shifts_stamp_moves_when_its_day_has_passed(client, make, monkeypatch):
    """The day after a changed shift its summary says "Werk" again, not "Veranderd", and its
    description no longer says to look: LAST-MODIFIED moves to the start of that day, as for an
    absent leader's line (a QA finding: the stamps stayed, so a calendar app could keep the old text)."""
    day = (utcnow() + dt.timedelta(days=30)).date()  # the shift's change is older than the day after it
    employee = make.employee(first_name="Anna", last_name="Jansen")
    shift = make.published_shift(employee=employee, date=day, work_type=make.work_type(name_nl="Schoonmaak"),
                                 sequence=1, updated_at=utcnow())
    token = issue(FeedKind.EMPLOYEE, employee)

    that_day = event_on(feed_on(client, monkeypatch, token, day), day)
    assert str(that_day["SUMMARY"]) == "Veranderd: Schoonmaak"
    assert stamps(that_day) == (shift.updated_at.replace(microsecond=0, tzinfo=UTC),) * 2

    after = event_on(feed_on(client, monkeypatch, token, day + dt.timedelta(days=1)), day)
    assert str(after["SUMMARY"]) == "Werk: Schoonmaak" and "Let op" not in str(after["DESCRIPTION"])
    next_day_start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), AMSTERDAM).astimezone(UTC)
    assert stamps(after) == (next_day_start,) * 2
    assert int(after["SEQUENCE"]) == int(that_day["SEQUENCE"])


def test_an_unchanged_shift_keeps_its_stamp_when_its_day_has_passed(client, make, monkeypatch):
    day = (utcnow() + dt.timedelta(days=30)).date()
    employee = make.employee(first_name="Anna", last_name="Jansen")
    shift = make.published_shift(employee=employee, date=day, updated_at=utcnow())
    token = issue(FeedKind.EMPLOYEE, employee)
    after = event_on(feed_on(client, monkeypatch, token, day + dt.timedelta(days=1)), day)
    assert stamps(after) == (shift.updated_at.replace(microsecond=0, tzinfo=UTC),) * 2


# --- 3. the night the clocks go forward --------------------------------------------------------------

SPRING = dt.date(2028, 3, 26)  # the last Sunday of March 2028, no public holiday


@pytest.mark.parametrize("kind", [FeedKind.EMPLOYEE, FeedKind.TEAM, FeedKind.LOCATION])
def test_a_stored_time_the_clocks_skip_is_written_as_the_first_time_after_them(client, make, monkeypatch, kind):
    """02:30 does not exist that night; the feed wrote it, and a phone showed 03:30 while the week
    page said 02:30 (a QA finding). The event starts at 03:00, the description keeps the week page's
    times and says why the calendar shows another."""
    team = make.team(name="Team Den Haag 1")
    employee = make.employee(team=team, first_name="Anna", last_name="Jansen")
    place = make.location(name="Ministerie BZK")
    make.published_shift(employee=employee, date=SPRING, location=place, start="02:30", end="05:00",
                         break_minutes=0)
    token = issue(kind, {FeedKind.EMPLOYEE: employee, FeedKind.TEAM: team, FeedKind.LOCATION: place}[kind])
    body = feed_on(client, monkeypatch, token, SPRING - dt.timedelta(days=6))
    assert b"T023000" not in body
    event = event_on(body, SPRING)
    assert event.decoded("DTSTART") == dt.datetime(2028, 3, 26, 3, 0, tzinfo=AMSTERDAM)
    assert event.decoded("DTEND") == dt.datetime(2028, 3, 26, 5, 0, tzinfo=AMSTERDAM)
    description = str(event["DESCRIPTION"])
    assert "Tijd: 02:30 tot 05:00" in description
    assert "Die nacht gaat de klok een uur vooruit: 02:30 bestaat dan niet. Daarom staat hier 03:00." in description


def test_times_the_clocks_do_not_skip_are_written_as_stored(client, make, monkeypatch):
    employee = make.employee(first_name="Anna", last_name="Jansen")
    make.published_shift(employee=employee, date=SPRING, start="03:00", end="05:00", break_minutes=0)
    make.published_shift(employee=employee, date=SPRING + dt.timedelta(days=7), start="02:30", end="05:00",
                         break_minutes=0)
    body = feed_on(client, monkeypatch, issue(FeedKind.EMPLOYEE, employee), SPRING - dt.timedelta(days=6))
    assert b"DTSTART;TZID=Europe/Amsterdam:20280326T030000" in body
    assert b"DTSTART;TZID=Europe/Amsterdam:20280402T023000" in body
    assert "klok" not in body.decode()


def post_request(client, world, day: dt.date, start: str, end: str, last: dt.date | None = None) -> str:
    form = request_form(world.location, world.work_type, start_date=day.isoformat(),
                        end_date=(last or day).isoformat(), weekdays=["7"], start_time=start, end_time=end,
                        break_minutes="0")
    page = client.post("/aanvragen/nieuw", data=form, follow_redirects=True).get_data(as_text=True)
    return " ".join(html.unescape(page).split())


def test_a_request_with_a_time_the_clocks_skip_is_refused_naming_the_day(client, login, world, monkeypatch):
    monkeypatch.setattr(request_service, "today", lambda: dt.date(2028, 3, 1))
    login(world.contact)
    said = r"Op zondag 26 maart(?: 2028)? gaat de klok een uur vooruit: %s bestaat dan niet\. Kies een andere tijd " \
           r"of een periode zonder die dag\."
    assert re.search(said % "02:30", post_request(client, world, SPRING, "02:30", "05:00"))
    assert re.search(said % "02:30", post_request(client, world, SPRING, "01:00", "02:30"))
    # A period over that Sunday: the day is named.
    assert re.search(said % "02:00", post_request(client, world, dt.date(2028, 3, 5), "02:00", "04:00",
                                                  dt.date(2028, 4, 30)))
    assert "Uw aanvraag is verstuurd." not in post_request(client, world, SPRING, "02:15", "05:00")
    assert "Uw aanvraag is verstuurd." in post_request(client, world, SPRING, "03:00", "05:00")
    assert "Uw aanvraag is verstuurd." in post_request(client, world, SPRING + dt.timedelta(days=7), "02:30", "05:00")


# --- 4. the days around a contract's end -------------------------------------------------------------


def test_the_feed_tells_the_last_day_and_the_days_after_it_as_the_week_page_does(
        client, login, make, monkeypatch, before_work_on_7_december):
    """The team leader ends the contract on Wednesday 9 December. The week page says 9 December is
    the last working day and 10-11 December "Geen werk meer"; the feed said plain "Werk" and "Vrij"
    with "Je hoeft deze dag niet te werken" (a QA finding)."""
    old = utcnow() - dt.timedelta(days=3)  # the shifts, and what they name: before the contract's end
    team = make.team(name="Team Den Haag 1")
    work_type = make.work_type(name_nl="Schoonmaak", updated_at=old)
    place = make.location(name="Ministerie BZK", updated_at=old)
    employee = make.employee(team=team, first_name="Anna", last_name="Jansen")
    days = [dt.date(2026, 12, d) for d in (9, 10, 11)]
    for day in days:
        make.published_shift(employee=employee, date=day, work_type=work_type, location=place, updated_at=old)
    leader = make.user("team_leader", teams=[team])
    token = issue(FeedKind.EMPLOYEE, employee)
    today = dt.date(2026, 12, 7)
    before = client.get(f"/calendar/{token}.ics")
    assert "Dit is je laatste werkdag" not in before.get_data(as_text=True)

    login(leader)
    ended = utcnow().replace(microsecond=0, tzinfo=UTC)
    response = client.post(f"/teams/medewerkers/{employee.id}/contract-beeindigen",
                           data={"contract_end": days[0].isoformat()}, follow_redirects=True)
    assert response.status_code == 200
    week = " ".join(html.unescape(client.get(f"/week/{token}").get_data(as_text=True)).split())
    assert "Dit is je laatste werkdag bij Binnenwerk." in week and "Geen werk meer." in week

    after = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    body = after.data
    last = event_on(body, days[0])
    assert str(last["SUMMARY"]) == "Werk: Schoonmaak"
    assert str(last["DESCRIPTION"]).startswith("Dit is je laatste werkdag bij Binnenwerk.\n")
    # Its shift was not touched; its text changed when the end was set.
    assert last.decoded("DTSTAMP") >= ended and last.decoded("LAST-MODIFIED") >= ended
    for day in days[1:]:
        gone = event_on(body, day)
        assert str(gone["STATUS"]) == "CANCELLED"
        assert str(gone["SUMMARY"]) == "Geen werk meer (Schoonmaak)"
        assert str(gone["DESCRIPTION"]) == "Geen werk meer. Je werkt dan niet meer bij Binnenwerk."
    assert "Vrij" not in body.decode() and "niet te werken" not in body.decode()
    assert today == feeds.local_today()


def test_a_last_day_with_nothing_after_it_still_changes_the_feed(client, make, monkeypatch,
                                                                 before_work_on_7_december):
    """Only the last day's text changes (no shift after it to call off): the ETag moves all the same."""
    employee = make.employee(first_name="Anna", last_name="Jansen")
    make.published_shift(employee=employee, date=dt.date(2026, 12, 9), updated_at=utcnow() - dt.timedelta(days=3))
    token = issue(FeedKind.EMPLOYEE, employee)
    before = client.get(f"/calendar/{token}.ics")
    employee.contract_end = dt.date(2026, 12, 9)
    db.session.commit()
    after = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert "Dit is je laatste werkdag bij Binnenwerk." in str(event_on(after.data, dt.date(2026, 12, 9))["DESCRIPTION"])
