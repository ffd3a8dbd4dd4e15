"""A location's feed counts the people of a visit as the ministry's planning page does: someone
absent that day does not come, and the feed never says who or why."""
import datetime as dt
import re

import icalendar
from sqlalchemy import select, update

from binnenwerk.extensions import db
from binnenwerk.models import (
    Absence, Employee, FeedKind, Location, PublishedShift, Supervisor, WorkType, utcnow,
)
from binnenwerk.services import feeds, tokens

from .edit_forms import post_edit


def unfolded(body: bytes) -> str:
    text = body.decode().replace("\r\n ", "")
    return text.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n")


def visit(body: bytes):
    events = list(icalendar.Calendar.from_ical(body).walk("VEVENT"))
    assert len(events) == 1
    return events[0]


def stamp(body: bytes) -> dt.datetime:
    return visit(body).decoded("DTSTAMP")


def backdate(hours: float) -> None:
    """Everything the visit's stamp takes in, edited `hours` ago: a later change shows in whole seconds."""
    then = utcnow() - dt.timedelta(hours=hours)
    for table in (PublishedShift, Location, WorkType, Supervisor):
        db.session.execute(update(table).values(updated_at=then))
    db.session.commit()


def a_team_at_a_location(make, people=3):
    day = feeds.local_today() + dt.timedelta(days=3)
    team = make.team(name="Team Den Haag 1")
    make.supervisor(team=team, name="Tineke", phone="06-12345678")
    location = make.location(name="Rijnstraat 8")
    keyboards = make.work_type(name_nl="Toetsenborden reinigen")
    employees = [make.employee(team=team, first_name=f"Mede{i}", last_name="Werker",
                               contract_start=dt.date(2020, 1, 1)) for i in range(people)]
    for employee in employees:
        make.published_shift(employee=employee, date=day, location=location, work_type=keyboards)
    token = tokens.issue(FeedKind.LOCATION, location)
    db.session.commit()
    backdate(1)
    return day, team, employees, token


def sick_form(employee, day):
    return {"person": f"medewerker-{employee.id}", "kind": "ziek", "start_date": day.isoformat(),
            "end_date": day.isoformat(), "whole_day": "y", "start_time": "", "end_time": "", "note": ""}


def test_a_location_visit_leaves_out_someone_reported_absent_and_counts_them_again_when_removed(
        client, make, login):
    day, team, employees, token = a_team_at_a_location(make)
    url = f"/calendar/{token}.ics"
    before = client.get(url)
    assert "Team Den Haag 1: Toetsenborden reinigen (3 personen)" in unfolded(before.data)
    assert "Aantal personen: 3" in unfolded(before.data)

    login(make.user(role="team_leader", teams=[team]))
    response = client.post("/teams/afwezigheid/nieuw", data=sick_form(employees[0], day), follow_redirects=True)
    assert "is geregistreerd" in response.get_data(as_text=True)
    absence_id = db.session.scalar(select(Absence.id))
    # Recorded a while ago: removing it later moves the stamp on in whole seconds.
    db.session.execute(update(Employee).where(Employee.absence_changed_at.is_not(None))
                       .values(absence_changed_at=utcnow() - dt.timedelta(minutes=30)))
    db.session.commit()

    absent = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert absent.status_code == 200
    assert absent.headers["ETag"] != before.headers["ETag"]
    text = unfolded(absent.data)
    assert "Team Den Haag 1: Toetsenborden reinigen (2 personen)" in text
    assert "Aantal personen: 2" in text
    assert "Mede0" not in text and "ziek" not in text.lower()
    assert stamp(absent.data) > stamp(before.data)
    assert visit(absent.data).decoded("LAST-MODIFIED") == stamp(absent.data)

    response = post_edit(client, f"/teams/afwezigheid/{absence_id}/verwijderen", {}, follow_redirects=True)
    assert "is verwijderd" in response.get_data(as_text=True)
    back = client.get(url, headers={"If-None-Match": absent.headers["ETag"]})
    assert back.status_code == 200
    assert "(3 personen)" in unfolded(back.data) and "Aantal personen: 3" in unfolded(back.data)
    assert back.headers["ETag"] not in (absent.headers["ETag"], before.headers["ETag"])
    assert stamp(back.data) > stamp(absent.data)
    assert client.get(url, headers={"If-None-Match": back.headers["ETag"]}).status_code == 304


def test_a_visit_whose_people_are_all_absent_is_not_shown_as_coming(client, make):
    day, team, employees, token = a_team_at_a_location(make, people=2)
    make.absence(employee=employees[0], start=day, kind="ziek")
    make.absence(employee=employees[1], start=day, times=("08:00", "10:00"), kind="afspraak")
    db.session.commit()
    event = visit(client.get(f"/calendar/{token}.ics").data)
    assert str(event["STATUS"]) == "CANCELLED"
    assert "personen" not in str(event["SUMMARY"]) and "Aantal personen" not in str(event["DESCRIPTION"])


def test_a_part_day_absence_outside_the_visits_times_leaves_the_count(client, make):
    day, team, employees, token = a_team_at_a_location(make, people=2)
    make.absence(employee=employees[0], start=day, times=("15:00", "17:00"), kind="afspraak")
    db.session.commit()
    body = unfolded(client.get(f"/calendar/{token}.ics").data)
    assert "(2 personen)" in body and re.search(r"Aantal personen: 2\b", body)


def test_an_absence_moved_onto_the_visits_day_lowers_the_count_and_moves_the_stamp(client, make, login):
    day, team, employees, token = a_team_at_a_location(make, people=2)
    url = f"/calendar/{token}.ics"
    login(make.user(role="team_leader", teams=[team]))
    other_day = {"start_date": (day + dt.timedelta(days=1)).isoformat(),
                 "end_date": (day + dt.timedelta(days=1)).isoformat()}
    client.post("/teams/afwezigheid/nieuw", data={**sick_form(employees[1], day), **other_day})
    absence_id = db.session.scalar(select(Absence.id))
    db.session.execute(update(Employee).where(Employee.absence_changed_at.is_not(None))
                       .values(absence_changed_at=utcnow() - dt.timedelta(minutes=30)))
    db.session.commit()
    before = client.get(url)
    assert "(2 personen)" in unfolded(before.data)

    response = post_edit(client, f"/teams/afwezigheid/{absence_id}", sick_form(employees[1], day),
                         follow_redirects=True)
    assert "is opgeslagen" in response.get_data(as_text=True)
    moved = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert moved.status_code == 200
    assert "(1 persoon)" in unfolded(moved.data) and "Aantal personen: 1" in unfolded(moved.data)
    assert stamp(moved.data) > stamp(before.data)
