"""From publication to phone: what the roster service publishes is what the feed and week page say."""
import datetime as dt

import icalendar
from sqlalchemy import delete

from binnenwerk.extensions import db
from binnenwerk.formatting import week_of
from binnenwerk.models import Assignment, FeedKind, Roster
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
