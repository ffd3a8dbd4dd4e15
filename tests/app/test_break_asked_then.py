"""A day gone by keeps the break asked then, as it keeps its times.

Today is faked as Wednesday 16 December 2026. Team Groningen's week 2026-W51 is a draft, never
published: Anna works the request (08:30-12:30, no break) on Monday 14 and Tuesday 15 December.
The ministry then changes the request's times and break, or its break alone. The grid counts the
days gone by as asked then: 2 x 4 hours, not 2 x 3.5 with the break of now.
"""
from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, RequestDayAsked, RequestStatus, Roster
from binnenwerk.services import feeds
from binnenwerk.services.reports import Quarter, job_report
from tests.app.test_calls_qa13 import cell_time

D = dt.date
TODAY = D(2026, 12, 16)
MON, TUE = D(2026, 12, 14), D(2026, 12, 15)
WEEK = "2026-W51"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def world(make, monkeypatch):
    monkeypatch.setattr(feeds, "local_today", lambda: TODAY)
    monkeypatch.setattr(feeds, "local_now", lambda: dt.datetime.combine(TODAY, dt.time(8), AMSTERDAM))
    ministry = make.ministry(name="Ministerie van Noorderzaken", code="MNZ")
    wt = make.work_type("keyboards", name_nl="Toetsenborden reinigen", name_en="Keyboard cleaning")
    place = make.location("Groningen", ministry=ministry, name="Hereplein 1")
    team = make.team("Groningen", name="Team Groningen")
    anna = make.employee(team, work_types=[wt], first_name="Anna", last_name="Smit")
    request = make.request(place, wt, headcount=1, start_minute=8 * 60 + 30, end_minute=12 * 60 + 30,
                           break_minutes=0, start_date=MON, end_date=D(2026, 12, 18),
                           status=RequestStatus.SCHEDULED.value)
    roster = Roster(week=WEEK, team=team)  # a draft: nothing told
    db.session.add(roster)
    db.session.flush()
    for day in (MON, TUE):
        db.session.add(Assignment(roster_id=roster.id, employee_id=anna.id, date=day, request_id=request.id))
    planner = make.user("planner")
    contact = make.user("ministry_contact", ministry=ministry)
    db.session.commit()
    return SimpleNamespace(team=team, anna=anna, request=request, planner=planner, contact=contact)


def change(world, **values) -> None:
    """The ministry changes the request (as the form and the import do: through the ORM)."""
    for name, value in values.items():
        setattr(world.request, name, value)
    db.session.commit()
    db.session.expire_all()


def page(client, login, world, path: str) -> str:
    login(world.planner)
    html = client.get(f"{path}?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    client.post("/auth/logout")
    return html


def hours(html: str, employee) -> str:
    """The person's hours this week (their contract's in brackets), as the grid's row ends."""
    row = html.split(f'id="cel-{employee.id}-{MON.isoformat()}"')[1].split("</tr>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", row.split('class="hours')[1].split(">", 1)[1])).strip()


def kept_breaks(world) -> dict[dt.date, int | None]:
    return {e.date: e.break_minutes for e in db.session.scalars(
        select(RequestDayAsked).where(RequestDayAsked.request_id == world.request.id))}


@pytest.mark.parametrize("path", ["/rooster/", "/rooster/afdrukken"])
def test_the_grid_counts_the_days_gone_by_with_the_break_asked_then(client, login, world, path):
    change(world, start_minute=10 * 60, end_minute=16 * 60, break_minutes=30)

    assert kept_breaks(world) == {MON: 0, TUE: 0}
    html = page(client, login, world, path)
    assert [cell_time(html, world.anna, day) for day in (MON, TUE)] == ["08:30–12:30"] * 2
    assert hours(html, world.anna).startswith("8 ")  # 2 x 4 hours: no break asked then


@pytest.mark.parametrize("path", ["/rooster/", "/rooster/afdrukken"])
def test_a_change_of_the_break_alone_keeps_the_days_gone_by(client, login, world, path):
    change(world, break_minutes=30)

    assert kept_breaks(world) == {MON: 0, TUE: 0}
    html = page(client, login, world, path)
    assert [cell_time(html, world.anna, day) for day in (MON, TUE)] == ["08:30–12:30"] * 2
    assert hours(html, world.anna).startswith("8 ")


def test_a_change_of_the_break_alone_adds_nothing_to_the_ministrys_pages(client, login, world):
    """The days kept show the same place, work and times: no 'Toen gevraagd' line, the same
    person-days in the job-agreement report."""
    login(world.contact)
    before = job_report(Quarter(2026, 4)), client.get(f"/aanvragen/planning.csv?week={WEEK}").get_data(as_text=True)
    change(world, break_minutes=30)

    assert kept_breaks(world) == {MON: 0, TUE: 0}
    after = job_report(Quarter(2026, 4)), client.get(f"/aanvragen/planning.csv?week={WEEK}").get_data(as_text=True)
    assert [(m.code, m.wanted_days, m.planned_days) for m in after[0].ministries] == \
        [(m.code, m.wanted_days, m.planned_days) for m in before[0].ministries]
    assert after[1] == before[1] and "2026-12-14;08:30;12:30" in after[1]
    plan = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert "Hereplein 1" in plan and "Toen gevraagd" not in plan


def test_a_day_kept_before_the_break_was_counts_with_the_break_of_now(client, login, world):
    """An entry without a break (stored before it was kept) does not know it: as before."""
    for day in (MON, TUE):
        db.session.add(RequestDayAsked(
            request_id=world.request.id, date=day, headcount=1, status=world.request.status,
            location_id=world.request.location_id, work_type_id=world.request.work_type_id,
            start_minute=8 * 60 + 30, end_minute=12 * 60 + 30))
    db.session.commit()
    change(world, start_minute=10 * 60, end_minute=16 * 60, break_minutes=30)

    assert kept_breaks(world) == {MON: None, TUE: None}
    html = page(client, login, world, "/rooster/")
    assert [cell_time(html, world.anna, day) for day in (MON, TUE)] == ["08:30–12:30"] * 2
    assert hours(html, world.anna).startswith("7 ")


def test_the_migration_gives_the_days_stored_before_the_break_of_their_request(tmp_path):
    """On SQLite, or PostgreSQL in CI: the rows already there get the request's break at the
    upgrade (what the grid and publishing used for them until then), so a break changed after
    the upgrade leaves them as they are."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    from .test_foundation import scratch_app

    before = "f5c7d9e1a3b4"
    with scratch_app(tmp_path):
        upgrade(revision=before)
        _stored_before()
        upgrade()
        assert db.session.execute(text(
            "SELECT date, start_minute, end_minute, break_minutes FROM request_day_asked")).one() == \
            (_sql_date(MON), 510, 750, 30)
        db.session.remove()
        downgrade(revision=before)
        assert "break_minutes" not in {c["name"] for c in inspect(db.engine).get_columns("request_day_asked")}
        assert db.session.execute(text("SELECT count(*) FROM request_day_asked")).scalar() == 1
        db.session.remove()
        upgrade()
        assert db.session.execute(text("SELECT break_minutes FROM request_day_asked")).one() == (30,)


def _sql_date(day: dt.date):
    """A date as the backend returns it from plain SQL: a string on SQLite."""
    return day if db.engine.dialect.name != "sqlite" else day.isoformat()


def _stored_before() -> None:
    """A request with one day kept, as the previous revision stored them (plain SQL)."""
    from sqlalchemy import text

    now = dt.datetime(2026, 12, 15, 12)
    ministry = db.session.execute(text(
        "INSERT INTO ministry (code, name, archived) VALUES ('MNZ', 'Ministerie van Noorderzaken', :no) "
        "RETURNING id"), {"no": False}).scalar_one()
    place = db.session.execute(text(
        "INSERT INTO location (code, name, address, postcode, city, region, ministry_id, archived) "
        "VALUES ('here', 'Hereplein 1', 'Hereplein 1', '9711 GA', 'Groningen', 'Groningen', :m, :no) "
        "RETURNING id"), {"m": ministry, "no": False}).scalar_one()
    work = db.session.execute(text(
        "INSERT INTO work_type (code, name_nl, name_en, pictogram, colour, archived) "
        "VALUES ('keyboards', 'Toetsenborden reinigen', 'Keyboard cleaning', 'broom', '#2f6b2f', :no) "
        "RETURNING id"), {"no": False}).scalar_one()
    request = db.session.execute(text(
        "INSERT INTO deployment_request (ministry_id, location_id, work_type_id, start_date, end_date, weekdays, "
        "start_minute, end_minute, break_minutes, headcount, priority, status, decline_reason, contact_name, "
        "contact_phone, access_instructions, notes, changed_since_review, created_at, updated_at) "
        "VALUES (:m, :l, :w, :mon, :fri, '12345', 600, 960, 30, 1, 2, 'ingepland', '', '', '', '', '', :no, "
        ":now, :now) RETURNING id"),
        {"m": ministry, "l": place, "w": work, "mon": MON, "fri": D(2026, 12, 18), "no": False, "now": now},
    ).scalar_one()
    db.session.execute(text(
        "INSERT INTO request_day_asked (request_id, date, headcount, status, location_id, work_type_id, "
        "start_minute, end_minute) VALUES (:r, :day, 1, 'ingepland', :l, :w, 510, 750)"),
        {"r": request, "day": MON, "l": place, "w": work})
    db.session.commit()


def test_publishing_the_draft_sets_down_the_days_gone_by_with_the_break_asked_then(world):
    from binnenwerk.models import PublishedShift
    from binnenwerk.services import rosters

    change(world, start_minute=10 * 60, end_minute=16 * 60, break_minutes=30)
    rosters.publish(rosters.find_roster(WEEK, world.team.id))
    shifts = db.session.scalars(select(PublishedShift).where(PublishedShift.employee_id == world.anna.id)
                                .order_by(PublishedShift.date)).all()
    assert [(s.date, s.start_minute, s.end_minute, s.break_minutes) for s in shifts] == [
        (MON, 8 * 60 + 30, 12 * 60 + 30, 0), (TUE, 8 * 60 + 30, 12 * 60 + 30, 0)]
