"""The feeds' VTIMEZONE (one yearly rule each way, as Outlook reads it) checked against zoneinfo,
and the events' DTSTAMP/LAST-MODIFIED: never back for a visit, newer for an edit of how to get in."""
import bisect
import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from dateutil.rrule import rrulestr

from binnenwerk.extensions import db
from binnenwerk.models import FeedKind, utcnow
from binnenwerk.services import feeds, tokens

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
UTC = dt.timezone.utc


def issue(kind, subject) -> str:
    token = tokens.issue(kind, subject)
    db.session.commit()
    return token


def feed_on(client, monkeypatch, token: str, today: dt.date) -> bytes:
    monkeypatch.setattr(feeds, "local_today", lambda: today)
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    return response.data


def the_event(body: bytes, day: dt.date) -> icalendar.Event:
    found = [e for e in icalendar.Calendar.from_ical(body).walk("VEVENT") if e.decoded("DTSTART").date() == day]
    assert len(found) == 1
    return found[0]


def stamps(event: icalendar.Event) -> tuple[dt.datetime, dt.datetime]:
    return event.decoded("DTSTAMP"), event.decoded("LAST-MODIFIED")


def as_stamp(moment: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) moment as a DTSTAMP reads back: whole seconds, UTC."""
    return moment.replace(microsecond=0, tzinfo=UTC)


@pytest.fixture
def one_shift_feed(app, make):
    """An employee's feed with one shift at today's place, today being any day we like."""
    employee = make.employee(first_name="Anna", last_name="Jansen")
    location = make.location(name="Ministerie BZK", address="Rijnstraat 8")

    def shift_on(day: dt.date, start: str = "09:00", end: str = "15:00"):
        return make.published_shift(employee=employee, date=day, location=location, start=start, end=end)

    return employee, shift_on


# --- the VTIMEZONE ---------------------------------------------------------------------------------


def the_vtimezone(body: bytes) -> icalendar.Timezone:
    zones = icalendar.Calendar.from_ical(body).walk("VTIMEZONE")
    assert len(zones) == 1 and str(zones[0]["TZID"]) == "Europe/Amsterdam"
    return zones[0]


def test_the_vtimezone_is_one_yearly_rule_each_way_without_dates(client, one_shift_feed, monkeypatch):
    """What Outlook for Windows reads ([MS-STANOICAL] 2.2.47): DTSTART, RRULE and the offsets of one
    STANDARD and one DAYLIGHT; RDATEs it drops, showing summer shifts an hour off."""
    employee, shift_on = one_shift_feed
    shift_on(dt.date(2026, 6, 10))
    body = feed_on(client, monkeypatch, issue(FeedKind.EMPLOYEE, employee), dt.date(2026, 6, 8))
    zone = the_vtimezone(body)
    assert [c.name for c in zone.subcomponents] == ["STANDARD", "DAYLIGHT"]
    assert b"RDATE" not in body
    lines = body.decode().split("\r\n")
    assert lines[lines.index("BEGIN:VTIMEZONE"):lines.index("END:VTIMEZONE") + 1] == [
        "BEGIN:VTIMEZONE", "TZID:Europe/Amsterdam",
        "BEGIN:STANDARD", "DTSTART:19701025T030000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET", "END:STANDARD",
        "BEGIN:DAYLIGHT", "DTSTART:19700329T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST", "END:DAYLIGHT",
        "END:VTIMEZONE",
    ]


class Rules:
    """The VTIMEZONE's rules, expanded here (dateutil's rrule) and not by a calendar library's
    timezone: each onset is a local time in the offset before it (RFC 5545, 3.6.5)."""

    def __init__(self, zone: icalendar.Timezone, last_year: int):
        until = dt.datetime(last_year + 1, 1, 1)
        changes = []
        for part in zone.subcomponents:
            before = part["TZOFFSETFROM"].td
            after = part["TZOFFSETTO"].td
            start = part.decoded("DTSTART")
            rule = part["RRULE"].to_ical().decode()
            for onset in rrulestr(rule, dtstart=start).between(start, until, inc=True):
                changes.append(((onset - before).replace(tzinfo=UTC), before, after))
        changes.sort()
        self.instants = [instant for instant, _, _ in changes]
        self.changes = changes

    def offset_at(self, instant: dt.datetime) -> dt.timedelta:
        """The offset in force at a UTC instant: the one the last change before it set."""
        n = bisect.bisect_right(self.instants, instant)
        assert n > 0, "before the first rule's first onset"
        return self.changes[n - 1][2]

    def to_utc(self, local: dt.datetime) -> dt.datetime:
        """A local wall time (neither skipped nor repeated) as the UTC instant the rules make it."""
        found = {local.replace(tzinfo=UTC) - offset for offset in (dt.timedelta(hours=1), dt.timedelta(hours=2))
                 if self.offset_at(local.replace(tzinfo=UTC) - offset) == offset}
        assert len(found) == 1, local
        return found.pop()


def zoneinfo_utc(local: dt.datetime) -> dt.datetime:
    return local.replace(tzinfo=AMSTERDAM).astimezone(UTC)


def test_the_vtimezone_rules_give_zoneinfos_instants_every_year_2020_to_2040(client, one_shift_feed, monkeypatch):
    employee, shift_on = one_shift_feed
    shift_on(dt.date(2026, 6, 10))
    rules = Rules(the_vtimezone(feed_on(client, monkeypatch, issue(FeedKind.EMPLOYEE, employee),
                                        dt.date(2026, 6, 8))), 2040)
    for year in range(2020, 2041):
        onsets = [(instant, before, after) for instant, before, after in rules.changes if instant.year == year]
        assert len(onsets) == 2, year  # one to summer time, one back
        for instant, before, after in onsets:
            # The change is where zoneinfo has it, from and to the same offsets.
            assert instant.astimezone(AMSTERDAM).utcoffset() == after
            assert (instant - dt.timedelta(seconds=1)).astimezone(AMSTERDAM).utcoffset() == before
            # Local times on both sides of it, out of the skipped or repeated hour, land alike.
            onset_local = (instant + before).replace(tzinfo=None)
            for step in (dt.timedelta(days=-1), dt.timedelta(minutes=-90), dt.timedelta(minutes=90),
                         dt.timedelta(days=1), dt.timedelta(days=1, hours=6)):
                local = onset_local + step
                assert rules.to_utc(local) == zoneinfo_utc(local), local
    # And every hour of those years has the offset zoneinfo gives it.
    moment, end = dt.datetime(2020, 1, 1, tzinfo=UTC), dt.datetime(2041, 1, 1, tzinfo=UTC)
    while moment < end:
        assert rules.offset_at(moment) == moment.astimezone(AMSTERDAM).utcoffset(), moment
        moment += dt.timedelta(hours=1)


@pytest.mark.parametrize("day, today, offset", [
    (dt.date(2028, 3, 26), dt.date(2028, 3, 20), dt.timedelta(hours=2)),  # the day summer time starts
    (dt.date(2027, 10, 31), dt.date(2027, 10, 25), dt.timedelta(hours=1)),  # the day it ends
])
def test_a_shift_on_a_change_day_reads_with_that_days_offset(client, one_shift_feed, monkeypatch, day, today, offset):
    employee, shift_on = one_shift_feed
    shift_on(day)
    body = feed_on(client, monkeypatch, issue(FeedKind.EMPLOYEE, employee), today)
    event = the_event(body, day)
    start = event.decoded("DTSTART")
    assert start.replace(tzinfo=None) == dt.datetime.combine(day, dt.time(9)) and start.utcoffset() == offset
    # The feed's own VTIMEZONE, not the parser's copy of the zone, gives it the same offset.
    own = the_vtimezone(body).to_tz(lookup_tzid=False)
    assert dt.datetime.combine(day, dt.time(9), tzinfo=own).utcoffset() == offset
    # vobject builds its zone from the VTIMEZONE too.
    parsed = vobject.readOne(body.decode())
    (vevent,) = [e for e in parsed.vevent_list if e.dtstart.value.date() == day]
    assert vevent.dtstart.value.utcoffset() == offset


# --- DTSTAMP and LAST-MODIFIED ------------------------------------------------------------------------


def test_a_visits_stamp_does_not_go_back_when_its_newest_shift_leaves_it(client, make, monkeypatch):
    """Bram's shift, changed last, moves to another place: the visit's SEQUENCE goes up, and its
    DTSTAMP must not go back to Anna's older change."""
    today = dt.date(2026, 6, 8)
    team = make.team(name="Team Rijnstraat")
    anna = make.employee(team=team, first_name="Anna", last_name="Jansen")
    bram = make.employee(team=team, first_name="Bram", last_name="de Vries")
    made = utcnow() - dt.timedelta(days=5)  # the place and work type: before the shifts (they stamp them too)
    location = make.location(name="Ministerie BZK", address="Rijnstraat 8", updated_at=made)
    keyboards = make.work_type(name_nl="Toetsenborden reinigen", updated_at=made)
    day, now = today + dt.timedelta(days=2), utcnow()
    make.published_shift(employee=anna, date=day, location=location, work_type=keyboards,
                         updated_at=now - dt.timedelta(days=3))
    bram_shift = make.published_shift(employee=bram, date=day, location=location, work_type=keyboards,
                                      updated_at=now - dt.timedelta(days=1))
    token = issue(FeedKind.LOCATION, location)
    first = the_event(feed_on(client, monkeypatch, token, today), day)
    assert stamps(first) == (as_stamp(bram_shift.updated_at),) * 2

    bram_shift.location = make.location(name="Binnenhof 19", address="Binnenhof 19")
    bram_shift.sequence, bram_shift.updated_at = 1, now
    db.session.commit()
    again = the_event(feed_on(client, monkeypatch, token, today), day)
    assert "(1 persoon)" in str(again["SUMMARY"]) and int(again["SEQUENCE"]) > int(first["SEQUENCE"])
    assert stamps(again) == (as_stamp(now),) * 2
    assert again.decoded("DTSTAMP") >= first.decoded("DTSTAMP")


def test_an_edit_of_how_to_get_in_gives_the_employees_event_a_newer_stamp(client, make, monkeypatch):
    """The ministry edits the access instructions on its request: the event's text changes, so its
    DTSTAMP and LAST-MODIFIED move on; its SEQUENCE stays (the shift itself did not change)."""
    today, now = dt.date(2026, 6, 8), utcnow()
    employee = make.employee(first_name="Anna", last_name="Jansen")
    made = now - dt.timedelta(days=5)  # the place and work type: before the request and the shifts
    location = make.location(name="Ministerie BZK", address="Rijnstraat 8", updated_at=made)
    keyboards = make.work_type(name_nl="Toetsenborden reinigen", updated_at=made)
    request = make.request(location=location, work_type=keyboards, access_instructions="Melden bij de receptie.",
                           updated_at=now - dt.timedelta(days=3))
    going, off = (make.published_shift(employee=employee, date=today + dt.timedelta(days=d), location=location,
                                       work_type=keyboards, request=request, cancelled=d == 2,
                                       updated_at=now - dt.timedelta(days=2)) for d in (1, 2))
    token = issue(FeedKind.EMPLOYEE, employee)
    body = feed_on(client, monkeypatch, token, today)
    first = the_event(body, going.date)
    assert stamps(first) == (as_stamp(going.updated_at),) * 2  # the shift changed after the request

    request.access_instructions = "Melden bij de achteringang."
    db.session.commit()
    assert request.updated_at > going.updated_at  # set by the edit itself (onupdate)
    body = feed_on(client, monkeypatch, token, today)
    again = the_event(body, going.date)
    assert "Zo kom je binnen: Melden bij de achteringang." in str(again["DESCRIPTION"])
    assert stamps(again) == (as_stamp(request.updated_at),) * 2
    assert int(again["SEQUENCE"]) == int(first["SEQUENCE"])
    # A called-off day shows no way in: its stamp stays the shift's own.
    assert stamps(the_event(body, off.date)) == (as_stamp(off.updated_at),) * 2


def test_any_edit_of_the_request_that_moves_the_stamp_changes_the_etag(client, make, monkeypatch):
    """A new contact phone changes no text but the events' stamps: the ETag changes with them, so
    a poll with the old one gets the new body (200), not 304 for bytes that differ."""
    today = dt.date(2026, 6, 8)
    employee = make.employee(first_name="Anna", last_name="Jansen")
    made = utcnow() - dt.timedelta(days=5)  # the place and work type: before the request and the shift
    request = make.request(location=make.location(updated_at=made), work_type=make.work_type(updated_at=made),
                           access_instructions="Melden bij de receptie.", updated_at=utcnow() - dt.timedelta(days=3))
    make.published_shift(employee=employee, date=today + dt.timedelta(days=1), location=request.location,
                         work_type=request.work_type, request=request, updated_at=utcnow() - dt.timedelta(days=4))
    token = issue(FeedKind.EMPLOYEE, employee)
    monkeypatch.setattr(feeds, "local_today", lambda: today)
    first = client.get(f"/calendar/{token}.ics")
    etag = first.headers["ETag"]
    assert client.get(f"/calendar/{token}.ics", headers={"If-None-Match": etag}).status_code == 304
    request.contact_phone = "070-7654321"
    db.session.commit()
    again = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag
    assert again.data != first.data  # the stamps moved
