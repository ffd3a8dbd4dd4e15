"""QA round 18: a request changed after today's shift began keeps what it asked today then.

Request: Rijnstraat 8, 4 people, 09:00-15:00 on Monday to Wednesday, from Monday 7 December
2026, the 4 people of Team A published for week 2026-W50 at 07:00 that Monday. At 21:40 (the
shift of today long begun and over) the ministry contact changes the request: today keeps what it
asked then, as the days before today do (request_history.begun_today); the same change at 08:00
(before the shift begins) applies to today.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, DeploymentRequest, RequestDayAsked, RequestStatus, Roster
from binnenwerk.services import feeds, request_history
from binnenwerk.services import rosters as roster_service
from binnenwerk.services.reports import Quarter, job_report

from .edit_forms import post_request_edit

S = RequestStatus
D = dt.date
WEEK = "2026-W50"
MON, TUE, WED = D(2026, 12, 7), D(2026, 12, 8), D(2026, 12, 9)
ACCESS = "Melden bij de balie."


def at(monkeypatch, day: dt.date, hour: int, minute: int = 0) -> None:
    """The app's clock (Amsterdam) at that moment: today, and the minute today's shifts go by."""
    now = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Europe/Amsterdam"))
    monkeypatch.setattr(feeds, "local_now", lambda: now)
    monkeypatch.setattr(feeds, "local_today", lambda: now.date())


@pytest.fixture
def world(make, monkeypatch):
    at(monkeypatch, MON, 7)
    wt = make.work_type("keyboards")
    loc = make.location("Den Haag", name="Rijnstraat 8")
    other = make.location("Den Haag", ministry=loc.ministry, name="Ander Gebouw")
    team = make.team("Den Haag", name="Team A")
    make.supervisor(team, work_types=[wt])
    people = [make.employee(team, work_types=[wt], first_name=n, last_name="Test") for n in ("An", "Bo", "Cas", "Do")]
    req = make.request(loc, wt, weekdays="123", headcount=4, start_date=MON, end_date=D(2026, 12, 31),
                       access_instructions=ACCESS, contact_name="Jan Balie")
    contact = make.user("ministry_contact", ministry=loc.ministry)
    roster = planning.get_or_create_roster(WEEK, team.id)
    db.session.flush()
    for person in people:
        for day in (MON, TUE, WED):
            db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=day, request_id=req.id))
    db.session.commit()
    roster_service.publish(db.session.scalar(select(Roster).where(Roster.week == WEEK, Roster.team_id == team.id)))
    db.session.commit()
    return type("World", (), dict(wt=wt, loc=loc, other=other, team=team, req=req, contact=contact))


def edit(client, world, **changes) -> None:
    r = db.session.get(DeploymentRequest, world.req.id)
    data = {
        "location_id": str(r.location_id), "work_type_id": str(r.work_type_id),
        "start_date": r.start_date.isoformat(), "end_date": r.end_date.isoformat(),
        "weekdays": list(r.weekdays), "start_time": "09:00", "end_time": "15:00", "break_minutes": "30",
        "headcount": str(r.headcount), "priority": "2", "contact_name": "Jan Balie", "contact_phone": "",
        "access_instructions": ACCESS, "notes": "",
    }
    data.update(changes)
    response = post_request_edit(client, f"/aanvragen/{r.id}/wijzigen", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()


def kept(request_id: int) -> dict[dt.date, RequestDayAsked]:
    return {e.date: e for e in db.session.scalars(select(RequestDayAsked).where(RequestDayAsked.request_id == request_id))}


def plan_rows(client) -> dict[dt.date, str]:
    """The rows of the ministry's planning page of week 50, by date."""
    html = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    found = {}
    for row in rows:
        head = row.split('<th scope="row">')[1].split("<")[0].strip()
        for day in (MON, TUE, WED):
            if head.endswith(f" {day.day} december"):
                found[day] = row
    return found


def asked_cell(row: str) -> str:
    """The 'Gevraagd' cell of a plan row (the third <td>)."""
    return re.findall(r"<td>(.*?)</td>", row, flags=re.S)[2].strip()


def plan_csv(client) -> dict[str, dict]:
    text = client.get(f"/aanvragen/planning.csv?week={WEEK}").get_data(as_text=True).lstrip("\ufeff")
    rows = {}
    for row in csv.DictReader(io.StringIO(text), delimiter=";"):
        rows.setdefault(row["Datum"], row)
    return rows


def wanted_days_of(ministry_id: int) -> int:
    return next(m for m in job_report(Quarter(2026, 4)).ministries if m.ministry_id == ministry_id).wanted_days


# --- after today's shift began ------------------------------------------------------------------


def test_more_people_asked_at_night_leave_todays_shift_as_asked_then(client, login, world, monkeypatch):
    at(monkeypatch, MON, 21, 40)
    before = wanted_days_of(world.loc.ministry_id)
    login(world.contact)
    edit(client, world, headcount="8")

    assert kept(world.req.id)[MON].headcount == 4
    rows = plan_rows(client)
    assert asked_cell(rows[MON]) == "4" and "✓ Ja" in rows[MON]
    assert "Deels" not in rows[MON] and "Toen gevraagd" not in rows[MON]
    # The days to come ask the 8 now.
    assert asked_cell(rows[TUE]) == "8" and "Deels: 4 van 8" in rows[TUE]
    monday = plan_csv(client)[MON.isoformat()]
    assert (monday["Gevraagd"], monday["Ingepland"]) == ("4", "4")
    # The job-agreement report: today at the 4 asked then, every other day it counts (all at 4
    # before) at the 8 asked now.
    assert before >= 4 and before % 4 == 0
    assert wanted_days_of(world.loc.ministry_id) == 4 + (before - 4) * 2


def test_fewer_people_asked_at_night_leave_todays_headcount_as_asked_then(client, login, world, monkeypatch):
    at(monkeypatch, MON, 21, 40)
    login(world.contact)
    edit(client, world, headcount="2")

    assert kept(world.req.id)[MON].headcount == 4
    rows = plan_rows(client)
    assert asked_cell(rows[MON]) == "4" and "✓ Ja" in rows[MON] and "meer dan gevraagd" not in rows[MON]
    assert asked_cell(rows[TUE]) == "2"


def test_other_times_at_night_leave_todays_times_as_asked_then(client, login, world, monkeypatch):
    at(monkeypatch, MON, 21, 40)
    login(world.contact)
    edit(client, world, start_time="10:00", end_time="14:00", break_minutes="15")

    entry = kept(world.req.id)[MON]
    assert (entry.start_minute, entry.end_minute, entry.break_minutes, entry.headcount) == (540, 900, 30, 4)
    rows = plan_rows(client)
    assert "Toen gevraagd: Rijnstraat 8, " in rows[MON] and "09:00–15:00" in rows[MON]
    assert "Wijziging nog niet ingepland" not in rows[MON] and "✓ Ja" in rows[MON]
    monday = plan_csv(client)[MON.isoformat()]
    assert (monday["Begintijd"], monday["Eindtijd"], monday["Gevraagd"]) == ("09:00", "15:00", "4")
    assert plan_csv(client)[TUE.isoformat()]["Begintijd"] == "10:00"


def test_another_place_and_work_at_night_leave_today_as_asked_then(client, login, world, make, monkeypatch):
    other_work = make.work_type("windows")
    db.session.commit()
    at(monkeypatch, MON, 21, 40)
    login(world.contact)
    edit(client, world, location_id=str(world.other.id), work_type_id=str(other_work.id))

    entry = kept(world.req.id)[MON]
    assert (entry.location_id, entry.work_type_id) == (world.loc.id, world.wt.id)
    monday = plan_csv(client)[MON.isoformat()]
    assert (monday["Locatie"], monday["Werksoort"], monday["Gevraagd"]) == ("Rijnstraat 8", world.wt.name_nl, "4")
    assert plan_csv(client)[TUE.isoformat()]["Locatie"] == "Ander Gebouw"
    rows = plan_rows(client)
    assert f"Toen gevraagd: Rijnstraat 8, {world.wt.name_nl}, 09:00–15:00" in rows[MON]
    assert "Toen gevraagd" not in rows[TUE]


def test_a_weekday_dropped_at_night_still_asked_for_today(client, login, world, monkeypatch):
    at(monkeypatch, MON, 21, 40)
    login(world.contact)
    edit(client, world, weekdays=list("23"))

    assert kept(world.req.id)[MON].headcount == 4
    rows = plan_rows(client)
    assert MON in rows and asked_cell(rows[MON]) == "4" and "✓ Ja" in rows[MON]


def test_new_access_at_night_keeps_the_way_in_told_for_today(client, login, world, monkeypatch):
    at(monkeypatch, MON, 21, 40)
    login(world.contact)
    edit(client, world, access_instructions="Nieuwe ingang aan de achterkant.")

    assert kept(world.req.id)[MON].access_instructions == ACCESS
    # The next day, Monday is a day gone by: it shows the way in its people were told.
    at(monkeypatch, TUE, 7)
    shift = type("Shift", (), dict(request_id=world.req.id, date=MON))
    assert request_history.told_access([shift]) == {(world.req.id, MON): ACCESS}


def test_the_planners_import_at_night_leaves_todays_shift_as_asked_then(world, runner, tmp_path, monkeypatch):
    at(monkeypatch, MON, 21, 40)
    path = tmp_path / "requests.csv"
    assert runner.invoke(args=["export", "requests", str(path)]).exit_code == 0
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    for i, line in enumerate(lines[1:], start=1):
        cells = line.split(";")
        if cells[header.index("id")] == str(world.req.id):
            cells[header.index("aantal_medewerkers")] = "8"
            lines[i] = ";".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")

    result = runner.invoke(args=["import", "requests", str(path)])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(DeploymentRequest, world.req.id).headcount == 8
    assert {day: e.headcount for day, e in kept(world.req.id).items()} == {MON: 4}


def test_a_request_cancelled_at_night_still_counts_today(client, login, world, monkeypatch):
    at(monkeypatch, MON, 21, 40)
    login(world.contact)
    response = client.post(f"/aanvragen/{world.req.id}/annuleren", follow_redirects=True)
    assert "De aanvraag is geannuleerd." in response.get_data(as_text=True)
    db.session.expire_all()
    entry = kept(world.req.id)[MON]
    assert entry.headcount == 4 and entry.status in request_history.COMMITTED
    assert wanted_days_of(world.loc.ministry_id) == 4


# --- before today's shift begins: the change is today's too ------------------------------------


def test_more_people_asked_before_the_shift_begins_are_asked_today(client, login, world, monkeypatch):
    at(monkeypatch, MON, 8, 30)
    login(world.contact)
    edit(client, world, headcount="8", start_time="09:00")

    assert kept(world.req.id) == {}
    rows = plan_rows(client)
    assert asked_cell(rows[MON]) == "8" and "Deels: 4 van 8" in rows[MON]


def test_other_times_before_the_shift_begins_are_asked_today(client, login, world, monkeypatch):
    at(monkeypatch, MON, 8, 59)
    login(world.contact)
    edit(client, world, start_time="10:00", end_time="14:00")

    assert kept(world.req.id) == {}
    assert plan_csv(client)[MON.isoformat()]["Begintijd"] == "10:00"


def test_a_weekday_added_for_tonight_is_asked_today_one_for_this_morning_not(client, login, world, monkeypatch):
    # Tuesday 8 December at 19:00. Only Mondays and Wednesdays asked: adding Tuesday with a shift
    # from 20:00 asks for tonight; with the shift from 09:00 it asks nothing of the morning gone by.
    world.req.weekdays = "13"
    db.session.commit()
    at(monkeypatch, TUE, 19)
    login(world.contact)
    edit(client, world, weekdays=list("123"), start_time="20:00", end_time="23:00")
    assert TUE not in kept(world.req.id)
    assert asked_cell(plan_rows(client)[TUE]) == "4"

    other = world.req
    other.weekdays = "13"
    other.start_minute, other.end_minute = 9 * 60, 15 * 60
    db.session.query(RequestDayAsked).delete()
    db.session.commit()
    edit(client, world, weekdays=list("123"))
    assert kept(world.req.id)[TUE].headcount == 0
    assert TUE not in plan_rows(client)
