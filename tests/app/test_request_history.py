"""A request changed or cancelled while it runs keeps what it asked on the days gone by.

Today is faked as Wednesday 9 December 2026. The request runs Monday 30 November to Thursday
31 December on weekdays and asks for 2 people: before today it asked on 30 November and 1, 2, 3,
4, 7 and 8 December (7 days); from today on 9-11, 14-18, 21-24 and 28-31 December (16 days,
Christmas Day being a public holiday).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, DeploymentRequest, RequestDayAsked, RequestStatus, Roster
from binnenwerk.services import feeds
from binnenwerk.services.reports import Quarter, job_report, ministry_plan

from .edit_forms import post_request_edit

S = RequestStatus
D = dt.date
TODAY = D(2026, 12, 9)
Q4 = Quarter(2026, 4)
PAST = [D(2026, 11, 30), *(D(2026, 12, d) for d in (1, 2, 3, 4, 7, 8))]
COMING = [D(2026, 12, d) for d in (9, 10, 11, 14, 15, 16, 17, 18, 21, 22, 23, 24, 28, 29, 30, 31)]


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(feeds, "local_today", lambda: TODAY)
    return TODAY


@pytest.fixture
def world(make, today):
    ministry = make.ministry(name="Ministerie van Eigen Zaken", code="MEZ")
    location = make.location(region="Noord", ministry=ministry, name="Eigen Gebouw")
    work_type = make.work_type(name_nl="Toetsenborden reinigen")
    team = make.team(name="Team Noord", region="Noord")
    people = [make.employee(team=team) for _ in range(3)]
    request = make.request(location=location, work_type=work_type, status=S.SCHEDULED.value,
                           start_date=D(2026, 11, 30), end_date=D(2026, 12, 31), weekdays="12345", headcount=2,
                           start_minute=9 * 60, end_minute=15 * 60, break_minutes=30)
    for day in (D(2026, 11, 30), D(2026, 12, 1), D(2026, 12, 10)):
        for person in people[:2]:
            make.published_shift(employee=person, date=day, location=location, work_type=work_type, team=team,
                                 start="09:00", end="15:00", break_minutes=30, request_id=request.id)
    # Every week to the quarter's end is published: the report counts every day of it, the days to
    # come too (a week the team has not published stops the count before it).
    for week in ("2026-W50", "2026-W51", "2026-W52", "2026-W53"):
        db.session.add(Roster(week=week, team=team, version=1, status="published"))
    db.session.flush()
    return SimpleNamespace(ministry=ministry, location=location, work_type=work_type, team=team, request=request,
                           contact=make.user(role="ministry_contact", ministry=ministry),
                           planner=make.user(role="planner"))


def edit(client, world, **changes):
    r = world.request
    data = {
        "location_id": str(r.location_id), "work_type_id": str(r.work_type_id),
        "start_date": r.start_date.isoformat(), "end_date": r.end_date.isoformat(),
        "weekdays": list(r.weekdays), "start_time": "09:00", "end_time": "15:00", "break_minutes": "30",
        "headcount": str(r.headcount), "priority": "2", "contact_name": "Jan Balie", "contact_phone": "",
        "access_instructions": "", "notes": "",
    }
    data.update(changes)
    response = post_request_edit(client, f"/aanvragen/{r.id}/wijzigen", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()


def kept(request_id: int) -> dict[dt.date, int]:
    return {e.date: e.headcount for e in db.session.scalars(
        select(RequestDayAsked).where(RequestDayAsked.request_id == request_id))}


def mez(report):
    return next(m for m in report.ministries if m.code == "MEZ")


def test_more_people_asked_from_today_on_leaves_the_days_gone_by_as_they_were(client, login, world):
    before = mez(job_report(Q4))
    assert (before.wanted_days, before.planned_days) == (2 * 23, 6)

    login(world.contact)
    edit(client, world, headcount="4")

    assert kept(world.request.id) == {day: 2 for day in PAST}
    after = mez(job_report(Q4))
    # 7 days gone by at 2, 16 days to come at 4; the people planned count up to what each day asked.
    assert (after.wanted_days, after.planned_days) == (7 * 2 + 16 * 4, 6)

    client.post("/auth/logout")
    login(world.planner)
    page = client.get("/rapportages/banenafspraak?kwartaal=2026-K4").get_data(as_text=True)
    assert "dat van de aanvraag zoals die nu is" not in page
    assert "telt voor de dagen die toen al voorbij waren wat toen gevraagd was" in page
    rows = list(csv.reader(io.StringIO(client.get("/rapportages/banenafspraak.csv?kwartaal=2026-K4")
                                       .get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    line = next(row for row in rows if "Ministerie van Eigen Zaken" in row)
    assert "78" in line and "6" in line  # person-days asked and planned


def test_a_weekday_added_today_asks_nothing_of_the_days_gone_by(client, login, world):
    world.request.weekdays = "135"
    db.session.commit()
    db.session.query(RequestDayAsked).delete()
    db.session.commit()
    login(world.contact)
    edit(client, world, weekdays=list("12345"))

    entries = kept(world.request.id)
    assert entries == {day: (2 if day.isoweekday() in (1, 3, 5) else 0) for day in PAST}
    mondays_wednesdays_fridays = [day for day in PAST if day.isoweekday() in (1, 3, 5)]
    assert mez(job_report(Q4)).wanted_days == 2 * len(mondays_wednesdays_fridays) + 2 * len(COMING)


def test_a_later_start_keeps_the_days_that_were_asked_before_it(client, login, world):
    login(world.contact)
    edit(client, world, start_date="2026-12-14")

    assert world.request.start_date == D(2026, 12, 14)
    assert kept(world.request.id) == {day: 2 for day in PAST}
    # 9-11 December are asked neither then nor now.
    assert mez(job_report(Q4)).wanted_days == 2 * len(PAST) + 2 * (len(COMING) - 3)
    days = {d.date: d for block in ministry_plan(world.ministry.id, D(2026, 11, 30), D(2026, 12, 13))
            for d in block.days}
    assert sorted(days) == PAST and days[D(2026, 11, 30)].planned == 2


def test_a_cancelled_request_still_counts_the_days_it_was_committed_for(client, login, world):
    login(world.contact)
    response = client.post(f"/aanvragen/{world.request.id}/annuleren", follow_redirects=True)
    assert "De aanvraag is geannuleerd." in response.get_data(as_text=True), response.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    assert db.session.get(DeploymentRequest, world.request.id).status == S.CANCELLED.value

    # The ministry's plan shows those days too, as the report counts them.
    page = client.get("/aanvragen/planning?week=2026-W49").get_data(as_text=True)
    assert "Deze aanvraag is geannuleerd. Hieronder staan de dagen die al voorbij waren." in page
    rows = list(csv.DictReader(io.StringIO(client.get("/aanvragen/planning.csv?week=2026-W49")
                                           .get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    asked = {row["Datum"]: row["Gevraagd"] for row in rows}
    # The days gone by as asked; 10 December only because two people are still told to come.
    assert asked == {**{day.isoformat(): "2" for day in PAST}, "2026-12-10": "0"}

    figures = mez(job_report(Q4))
    # The days gone by as asked and planned; none of the days to come, and not the shift still
    # published on 10 December.
    assert (figures.wanted_days, figures.planned_days) == (2 * len(PAST), 4)


def test_a_request_cancelled_before_it_was_taken_in_counts_nothing(make, world, in_request):
    from binnenwerk.services import requests as service

    other = make.request(location=world.location, work_type=world.work_type, status=S.SUBMITTED.value,
                         start_date=D(2026, 11, 30), end_date=D(2026, 12, 31), headcount=5)
    db.session.commit()
    service.transition(other, S.CANCELLED.value, actor=world.planner, reason="Locatie gesloten.")
    assert kept(other.id) == {}
    assert mez(job_report(Q4)).wanted_days == 2 * (len(PAST) + len(COMING))


def test_the_ministrys_plan_compares_a_day_gone_by_with_what_was_asked_then(client, login, world):
    login(world.contact)
    edit(client, world, start_time="10:00", end_time="16:00", headcount="3")

    rows = list(csv.DictReader(io.StringIO(client.get("/aanvragen/planning.csv?week=2026-W49")
                                           .get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    by_date = {}
    for row in rows:
        by_date.setdefault(row["Datum"], row)
    monday = next(row for date, row in by_date.items() if "30" in date and "nov" in date.lower() or date == "2026-11-30")
    # Monday 30 November: asked 2 from 09:00 then, and the 2 people published for 09:00 count.
    assert (monday["Gevraagd"], monday["Ingepland"], monday["Begintijd"]) == ("2", "2", "09:00")
    thursday = next(row for date, row in by_date.items() if "10 dec" in date.lower() or date == "2026-12-10")
    # Thursday 10 December is to come: 3 from 10:00 asked; the 2 people of the old plan (09:00)
    # still come and count, and the note says the change is not planned yet.
    assert (thursday["Gevraagd"], thursday["Ingepland"], thursday["Begintijd"]) == ("3", "2", "10:00")
    assert thursday["Opmerking"].startswith("Wijziging nog niet ingepland")


def test_the_ministrys_plan_names_the_place_a_day_gone_by_was_asked_for(client, login, world, make):
    elsewhere = make.location(region="Noord", ministry=world.ministry, name="Ander Gebouw")
    db.session.commit()
    login(world.contact)
    edit(client, world, location_id=str(elsewhere.id), start_time="10:00", end_time="16:00")

    rows = list(csv.DictReader(io.StringIO(client.get("/aanvragen/planning.csv?week=2026-W49")
                                           .get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    by_date = {row["Datum"]: row for row in rows}
    assert (by_date["2026-11-30"]["Locatie"], by_date["2026-11-30"]["Begintijd"]) == ("Eigen Gebouw", "09:00")
    assert (by_date["2026-12-10"]["Locatie"], by_date["2026-12-10"]["Begintijd"]) == ("Ander Gebouw", "10:00")
    page = client.get("/aanvragen/planning?week=2026-W49").get_data(as_text=True)
    assert "Toen gevraagd: Eigen Gebouw, Toetsenborden reinigen, 09:00–15:00" in page
    assert page.count("Toen gevraagd:") == len(PAST)


def test_an_import_that_changes_a_running_request_keeps_the_days_gone_by(world, runner, tmp_path):
    path = tmp_path / "requests.csv"
    assert runner.invoke(args=["export", "requests", str(path)]).exit_code == 0
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    column = header.index("aantal_medewerkers")
    for i, line in enumerate(lines[1:], start=1):
        cells = line.split(";")
        if cells[header.index("id")] == str(world.request.id):
            cells[column] = "5"
            lines[i] = ";".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")

    result = runner.invoke(args=["import", "requests", str(path)])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(DeploymentRequest, world.request.id).headcount == 5
    assert kept(world.request.id) == {day: 2 for day in PAST}


def test_a_second_change_keeps_the_first_days_as_they_were(client, login, world, monkeypatch):
    login(world.contact)
    edit(client, world, headcount="4")
    monkeypatch.setattr(feeds, "local_today", lambda: D(2026, 12, 14))
    edit(client, world, headcount="1")

    assert kept(world.request.id) == {**{day: 2 for day in PAST}, **{day: 4 for day in COMING[:3]}}
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.detail.contains("Geheim"))).first()


@pytest.fixture
def in_request(app):
    with app.test_request_context():
        yield


def test_the_migration_keeps_the_days_gone_by_of_changes_in_the_audit_log(tmp_path):
    """Changes made before the table existed: their old values are in the audit log."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    from binnenwerk import models as m

    from .test_foundation import scratch_app

    before = "c4f6e8a0b2d3"
    with scratch_app(tmp_path):
        upgrade(revision=before)
        ministry = m.Ministry(name="Ministerie M", code="MM")
        db.session.add(ministry)
        db.session.flush()
        # The place and work type as that revision stores them (their models have more columns now).
        location_id = db.session.execute(text(
            "INSERT INTO location (code, name, address, postcode, city, region, ministry_id, archived) "
            "VALUES ('g-1', 'Gebouw', 'Straat 1', '', 'Zwolle', 'Noord', :m, :no) RETURNING id"),
            {"m": ministry.id, "no": False}).scalar_one()
        work_type_id = db.session.execute(text(
            "INSERT INTO work_type (code, name_nl, name_en, pictogram, colour, archived) "
            "VALUES ('keyboards', 'Toetsenborden', 'Keyboards', 'broom', '#2f6b2f', :no) RETURNING id"),
            {"no": False}).scalar_one()
        # The requests as SQL too: the model has columns that revision does not (cancel_reason).
        changed, cancelled = (SimpleNamespace(id=db.session.execute(text(
            "INSERT INTO deployment_request (ministry_id, location_id, work_type_id, start_date, end_date, weekdays, "
            "start_minute, end_minute, break_minutes, headcount, priority, status, decline_reason, contact_name, "
            "contact_phone, access_instructions, notes, changed_since_review, created_at, updated_at) VALUES "
            "(:m, :place, :work, :start, :end, '12345', 600, 960, 30, 4, 2, :status, '', '', '', '', '', :no, :at, "
            ":at) RETURNING id"),
            {"m": ministry.id, "place": location_id, "work": work_type_id, "start": D(2026, 11, 30),
             "end": D(2026, 12, 31), "status": status, "no": False, "at": dt.datetime(2026, 11, 1)}).scalar_one())
            for status in (S.SCHEDULED.value, S.CANCELLED.value))
        for request, at, action, detail in (
            # Asked 2 from 09:00 on Mondays, Wednesdays and Fridays until 9 December (10:00 UTC) ...
            (changed, dt.datetime(2026, 12, 9, 10), "request_changed",
             'fields=headcount,weekdays,start_minute; before={"headcount": 2, "weekdays": "135", '
             '"start_minute": 540}'),
            # ... a note changed on 10 December keeps nothing more ...
            (changed, dt.datetime(2026, 12, 10, 10), "request_changed", 'fields=notes; before={"notes": ""}'),
            # ... and one cancelled on Tuesday 1 December (23:30 UTC: Wednesday 2 December in Amsterdam).
            (cancelled, dt.datetime(2026, 12, 1, 23, 30), "request_geannuleerd", "from=ingepland"),
        ):
            db.session.add(m.AuditEvent(at=at, action=action, object_type="DeploymentRequest",
                                        object_id=str(request.id), detail=detail))
        db.session.commit()

        upgrade()

        rows = db.session.execute(text(
            "SELECT request_id, date, headcount, status, start_minute FROM request_day_asked "
            "ORDER BY request_id, date")).all()
        got = [(r[0], str(r[1]), r[2], r[3], r[4]) for r in rows]
        assert got == [
            *((changed.id, str(day), 2 if day.isoweekday() in (1, 3, 5) else 0, "ingepland", 540) for day in PAST),
            (cancelled.id, "2026-11-30", 4, "ingepland", 600), (cancelled.id, "2026-12-01", 4, "ingepland", 600),
        ]
        db.session.remove()

        downgrade(revision=before)
        assert "request_day_asked" not in inspect(db.engine).get_table_names()
        db.session.remove()
        upgrade()
