"""QA round 14: a location's calendar (the ministry's) shows a team coming twice a day for the same
work (two requests) as two visits, each with its own times and number of people, not one visit
from the first start to the last end with everyone at once. The usual day stays one visit with
its old UID."""
import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import event

from binnenwerk.extensions import db
from binnenwerk.models import FeedKind, utcnow
from binnenwerk.services import feeds, tokens

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SATURDAY = dt.date(2027, 3, 27)  # the QA's day: two requests, 06:00-10:00 and 17:00-24:00


@pytest.fixture
def today_is(monkeypatch):
    def move(day: dt.date) -> None:
        monkeypatch.setattr(feeds, "local_now", lambda: dt.datetime.combine(day, dt.time(8, 0), AMSTERDAM))

    return move


@pytest.fixture
def place(app, make):
    """Team Den Haag 1, its leader Tineke and a ministry's building with one work type."""
    team = make.team(name="Team Den Haag 1")
    leader = make.supervisor(team=team, name="Tineke", phone="06-77446522")
    location = make.location(name="Rijnstraat 8", address="Rijnstraat 8", postcode="2515 XP", city="Den Haag")
    keyboards = make.work_type(name_nl="Toetsenborden reinigen")
    return SimpleNamespace(team=team, leader=leader, location=location, keyboards=keyboards)


def shifts(make, place, day: dt.date, start: str, end: str, people: int, request=None, **kw) -> list:
    """`people` shifts of the team at the place, of one request (a new one unless given)."""
    request = request or make.request(location=place.location, work_type=place.keyboards)
    return [make.published_shift(employee=make.employee(team=place.team, first_name="Anna", last_name=f"Jansen{n}"),
                                 date=day, location=place.location, work_type=place.keyboards,
                                 supervisor=place.leader, start=start, end=end, request=request, **kw)
            for n in range(people)]


@pytest.fixture
def saturday(place, make, today_is):
    """The QA's Saturday: two people 06:00-10:00 and one 17:00-24:00, two requests."""
    today_is(dt.date(2027, 3, 22))
    morning = shifts(make, place, SATURDAY, "06:00", "10:00", 2)
    evening = shifts(make, place, SATURDAY, "17:00", "24:00", 1)
    token = tokens.issue(FeedKind.LOCATION, place.location)
    db.session.commit()
    return SimpleNamespace(token=token, morning=morning, evening=evening, evening_request=evening[0].request_id)


def get_feed(client, token: str, etag: str | None = None):
    return client.get(f"/calendar/{token}.ics", headers={"If-None-Match": etag} if etag else {})


def visits_on(body: bytes, day: dt.date) -> list:
    """The day's events, by start and end."""
    found = [e for e in icalendar.Calendar.from_ical(body).walk("VEVENT") if e.decoded("DTSTART").date() == day]
    return sorted(found, key=lambda e: (e.decoded("DTSTART"), e.decoded("DTEND")))


def times(visit) -> tuple[str, str]:
    return (visit.decoded("DTSTART").astimezone(AMSTERDAM).strftime("%d %H:%M"),
            visit.decoded("DTEND").astimezone(AMSTERDAM).strftime("%d %H:%M"))


def base_uid(place, day: dt.date) -> str:
    """The UID a visit had before visits were split by times (and subscribed calendars hold)."""
    return f"visit-{day:%Y%m%d}-t{place.team.id}-l{place.location.id}-w{place.keyboards.id}@binnenwerk"


def test_a_team_coming_twice_a_day_is_two_visits_each_with_its_own_people(client, place, saturday):
    response = get_feed(client, saturday.token)
    assert response.status_code == 200
    morning, evening = visits_on(response.data, SATURDAY)
    assert times(morning) == ("27 06:00", "27 10:00") and times(evening) == ("27 17:00", "28 00:00")
    assert str(morning["SUMMARY"]) == "Team Den Haag 1: Toetsenborden reinigen (2 personen)"
    assert str(evening["SUMMARY"]) == "Team Den Haag 1: Toetsenborden reinigen (1 persoon)"
    for visit, people, told in ((morning, 2, "06:00 tot 10:00"), (evening, 1, "17:00 tot 24:00")):
        assert f"Aantal personen: {people}" in str(visit["DESCRIPTION"])
        assert f"Tijd: {told}" in str(visit["DESCRIPTION"])
    for visit in (morning, evening):
        assert str(visit["STATUS"]) == "CONFIRMED"
        assert "Teamleider: Tineke, telefoon 06-77446522" in str(visit["DESCRIPTION"])
    # The first request keeps the UID the day's visit had; the second names its request.
    assert str(morning["UID"]) == base_uid(place, SATURDAY)
    assert str(evening["UID"]) == base_uid(place, SATURDAY).replace("@", f"-r{saturday.evening_request}@")
    assert int(morning["SEQUENCE"]) == int(evening["SEQUENCE"])
    # No employee's name in the ministry's calendar.
    assert "Anna" not in response.get_data(as_text=True).replace("\r\n ", "")


def test_overlapping_shifts_on_the_night_the_clocks_go_back_are_three_visits(client, place, make, today_is):
    """The QA's 31 October 2027: 01:00-06:00, 02:30-05:00 and 10:00-15:00, one person each."""
    today_is(dt.date(2027, 10, 25))
    day = dt.date(2027, 10, 31)
    for start, end in (("10:00", "15:00"), ("01:00", "06:00"), ("02:30", "05:00")):
        shifts(make, place, day, start, end, 1)
    token = tokens.issue(FeedKind.LOCATION, place.location)
    db.session.commit()
    found = visits_on(get_feed(client, token).data, day)
    assert [times(v) for v in found] == [("31 01:00", "31 06:00"), ("31 02:30", "31 05:00"), ("31 10:00", "31 15:00")]
    assert all(str(v["SUMMARY"]).endswith("(1 persoon)") for v in found)
    assert len({str(v["UID"]) for v in found}) == 3
    assert str(found[2]["UID"]) == base_uid(place, day)  # the day's first request


def test_the_usual_day_stays_one_visit_with_the_uid_it_had(client, place, make, today_is):
    today_is(dt.date(2027, 3, 22))
    day = dt.date(2027, 3, 24)
    shifts(make, place, day, "09:00", "15:00", 3)
    token = tokens.issue(FeedKind.LOCATION, place.location)
    db.session.commit()
    [visit] = visits_on(get_feed(client, token).data, day)
    assert times(visit) == ("24 09:00", "24 15:00")
    assert str(visit["SUMMARY"]) == "Team Den Haag 1: Toetsenborden reinigen (3 personen)"
    assert str(visit["UID"]) == base_uid(place, day)


def test_a_request_added_to_the_day_adds_a_visit_and_leaves_the_first_as_it_was(client, place, make, today_is):
    today_is(dt.date(2027, 3, 22))
    shifts(make, place, SATURDAY, "17:00", "24:00", 1)
    token = tokens.issue(FeedKind.LOCATION, place.location)
    db.session.commit()
    response = get_feed(client, token)
    [before] = visits_on(response.data, SATURDAY)
    added = shifts(make, place, SATURDAY, "06:00", "10:00", 2, updated_at=utcnow() + dt.timedelta(seconds=5))
    db.session.commit()
    again = get_feed(client, token, response.headers["ETag"])
    assert again.status_code == 200
    morning, evening = visits_on(again.data, SATURDAY)
    # The evening's event keeps its UID and times, with a higher SEQUENCE; the morning is a new one.
    assert str(evening["UID"]) == str(before["UID"]) == base_uid(place, SATURDAY)
    assert times(evening) == times(before) and int(evening["SEQUENCE"]) > int(before["SEQUENCE"])
    assert str(morning["UID"]) == base_uid(place, SATURDAY).replace("@", f"-r{added[0].request_id}@")
    assert "(2 personen)" in str(morning["SUMMARY"]) and "(1 persoon)" in str(evening["SUMMARY"])


def test_a_shift_called_off_at_its_requests_old_times_stays_inside_its_visit(client, place, make, today_is):
    """The ministry moved its request from 06:00 to 07:00; one person was called off before and
    keeps the times told then. One visit, at the times the others come: no "Gaat niet door"."""
    today_is(dt.date(2027, 3, 22))
    [going, _other] = shifts(make, place, SATURDAY, "07:00", "11:00", 2)
    shifts(make, place, SATURDAY, "06:00", "10:00", 1, request=going.request, cancelled=True, sequence=1)
    token = tokens.issue(FeedKind.LOCATION, place.location)
    db.session.commit()
    [visit] = visits_on(get_feed(client, token).data, SATURDAY)
    assert times(visit) == ("27 07:00", "27 11:00") and str(visit["STATUS"]) == "CONFIRMED"
    assert str(visit["SUMMARY"]) == "Team Den Haag 1: Toetsenborden reinigen (2 personen)"
    assert str(visit["UID"]) == base_uid(place, SATURDAY)


def test_a_called_off_block_is_cancelled_while_the_other_still_comes(client, place, saturday):
    first = get_feed(client, saturday.token)
    before = {str(v["UID"]): int(v["SEQUENCE"]) for v in visits_on(first.data, SATURDAY)}
    for shift in saturday.evening:  # as a publication calls it off (services.rosters.tell_change)
        shift.cancelled, shift.sequence, shift.updated_at = True, 1, utcnow() + dt.timedelta(seconds=5)
    db.session.commit()
    again = get_feed(client, saturday.token, first.headers["ETag"])
    assert again.status_code == 200
    morning, evening = visits_on(again.data, SATURDAY)
    # The same events (UIDs), none lower in SEQUENCE: a calendar updates them, never doubles them.
    assert {str(morning["UID"]), str(evening["UID"])} == set(before)
    assert all(int(v["SEQUENCE"]) > before[str(v["UID"])] for v in (morning, evening))
    assert str(morning["STATUS"]) == "CONFIRMED" and "(2 personen)" in str(morning["SUMMARY"])
    assert str(evening["STATUS"]) == "CANCELLED"
    assert str(evening["SUMMARY"]) == "Gaat niet door (Team Den Haag 1: Toetsenborden reinigen)"
    assert "Aantal personen" not in str(evening["DESCRIPTION"]) and "Tineke" not in str(evening["DESCRIPTION"])
    assert times(evening) == ("27 17:00", "28 00:00")


def test_a_leader_away_for_one_block_is_told_for_that_block_only(client, place, saturday, make):
    make.absence(supervisor=place.leader, start=SATURDAY, times=("16:00", "24:00"), kind="verlof")
    db.session.commit()
    morning, evening = visits_on(get_feed(client, saturday.token).data, SATURDAY)
    assert "Teamleider: Tineke, telefoon 06-77446522" in str(morning["DESCRIPTION"])
    assert "Teamleider: afwezig, Binnenwerk zoekt een vervanger" in str(evening["DESCRIPTION"])
    assert "Tineke" not in str(evening["DESCRIPTION"]) and "verlof" not in str(evening["DESCRIPTION"]).lower()


def test_the_visits_select_no_employee_column(app, place, saturday):
    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.lower())

    row = tokens.resolve(saturday.token)
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        visits = feeds.load_visits(row, SATURDAY - dt.timedelta(days=1), SATURDAY + dt.timedelta(days=1))
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(visits) == 2 and statements
    # Only the selected columns: the query reads who is absent (never the kind) and when that
    # changed, to count the people who come, but selects nothing of the employees.
    assert all("first_name" not in statement and "last_name" not in statement for statement in statements)
    assert all("first_name" not in key and "employee" not in key for key in visits[0]._mapping)
