"""From publication to phone: what the roster service publishes is what the feed and week page say."""
import datetime as dt
import re

import icalendar
from sqlalchemy import delete

from binnenwerk.extensions import db
from binnenwerk.formatting import week_of
from binnenwerk.models import Assignment, FeedKind, Roster, SupervisionAssignment
from binnenwerk.services import feeds, rosters, tokens


def events_by_uid(client, token) -> dict:
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(response.data).walk("VEVENT")}


def test_published_change_and_removal_reach_the_feed(client, make):
    day = feeds.local_today() + dt.timedelta(days=7)
    team = make.team()
    make.supervisor(team=team, name="Tineke", phone="06-12345678")
    employee = make.employee(team=team, weekdays=range(1, 8))  # works any day: `day` may be a weekend
    request = make.request(start_date=day - dt.timedelta(days=7), end_date=day + dt.timedelta(days=7),
                           weekdays="1234567")
    roster = Roster(week=week_of(day), team=team)
    db.session.add(roster)
    db.session.flush()
    db.session.add(Assignment(roster_id=roster.id, employee_id=employee.id, date=day, request_id=request.id))
    db.session.commit()
    token = tokens.issue(FeedKind.EMPLOYEE, employee)
    db.session.commit()

    rosters.publish(roster)
    first = events_by_uid(client, token)
    assert len(first) == 1
    uid, event = next(iter(first.items()))
    assert int(event["SEQUENCE"]) == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART").date() == day and event.decoded("DTSTART").hour == 9

    request.start_minute = 10 * 60
    db.session.commit()
    rosters.publish(db.session.get(Roster, roster.id))
    changed = events_by_uid(client, token)
    assert list(changed) == [uid]
    assert int(changed[uid]["SEQUENCE"]) == 1 and changed[uid].decoded("DTSTART").hour == 10

    db.session.execute(delete(Assignment).where(Assignment.roster_id == roster.id))
    db.session.commit()
    rosters.publish(db.session.get(Roster, roster.id))
    removed = events_by_uid(client, token)
    assert list(removed) == [uid]
    assert str(removed[uid]["STATUS"]) == "CANCELLED" and int(removed[uid]["SEQUENCE"]) == 2


def event_blocks(client, token) -> dict[str, bytes]:
    """uid -> the event's content lines exactly as the feed wrote them."""
    body = client.get(f"/calendar/{token}.ics").data
    blocks = re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", body, re.S)
    return {icalendar.Event.from_ical(block)["UID"]: block for block in blocks}


def test_an_event_a_publication_leaves_alone_reads_the_same_in_every_feed_after_it(client, make):
    """A calendar app keeps an event it has unless its SEQUENCE rises: what a publication did not
    change must read the same after it. A called-off shift's text once lost its team leader when
    the leader fell ill that day and the repaired week was published, its SEQUENCE unchanged."""
    today = feeds.local_today()
    day = today + dt.timedelta(days=8 - today.weekday())  # Tuesday next week: a working day
    team = make.team()
    tineke = make.supervisor(team=team, name="Tineke", phone="06-12345678")
    stand_in = make.supervisor(region=team.region, name="Sjaak", phone="06-87654321")
    anna, bram = make.employee(team=team, first_name="Anna"), make.employee(team=team, first_name="Bram")
    request = make.request(start_date=day - dt.timedelta(days=7), end_date=day + dt.timedelta(days=7),
                           weekdays="1234567")
    roster = Roster(week=week_of(day), team=team)
    db.session.add(roster)
    db.session.flush()
    for person in (anna, bram):
        db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=day, request_id=request.id))
    db.session.commit()
    feeds_of = {kind: tokens.issue(kind, subject) for kind, subject in (
        (FeedKind.EMPLOYEE, anna), (FeedKind.TEAM, team), (FeedKind.LOCATION, request.location))}
    db.session.commit()
    rosters.publish(roster)
    # Anna's work that day is called off.
    db.session.execute(delete(Assignment).where(Assignment.employee_id == anna.id))
    db.session.commit()
    rosters.publish(db.session.get(Roster, roster.id))
    before = {kind: event_blocks(client, token) for kind, token in feeds_of.items()}
    assert b"STATUS:CANCELLED" in next(iter(before[FeedKind.EMPLOYEE].values()))

    # Tineke falls ill that day; the repaired week gives Bram a stand-in and is published.
    make.absence(supervisor=tineke, start=day, kind="ziek")
    db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=stand_in.id, date=day,
                                         location_id=request.location_id, team_id=team.id))
    db.session.commit()
    rosters.publish(db.session.get(Roster, roster.id))
    after = {kind: event_blocks(client, token) for kind, token in feeds_of.items()}

    anna_uid = rosters.shift_uid(anna.id, day)
    assert after[FeedKind.EMPLOYEE][anna_uid] == before[FeedKind.EMPLOYEE][anna_uid]
    assert after[FeedKind.TEAM][f"team-{anna_uid}"] == before[FeedKind.TEAM][f"team-{anna_uid}"]
    for kind in feeds_of:  # and whatever did change says so with a higher SEQUENCE
        for uid, block in after[kind].items():
            if block != before[kind].get(uid, block):
                old, new = (int(icalendar.Event.from_ical(b)["SEQUENCE"]) for b in (before[kind][uid], block))
                assert new > old, (kind, uid)
    bram_event = after[FeedKind.TEAM][f"team-{rosters.shift_uid(bram.id, day)}"]
    assert b"Sjaak" in bram_event and b"SEQUENCE:1" in bram_event
