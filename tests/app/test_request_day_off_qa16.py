"""QA round 16 of "Eén dag afzeggen" and the commit-time settle of a ministry's change.

A refused date starts the page with the error summary; a shift on a called-off day is no absence
clash; the audit tells calling off from taking back; a change settled as told leaves the roster's
lock version as it was; only dates the request would ask for can be taken back; the planner's own
call-off is not the ministry's change; the ministry's plan names the dates called off, and its CSV
gives a day begun the old way the times the team came by."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, DeploymentRequest, Roster, RosterChange
from binnenwerk.services import feeds
from binnenwerk.services import rosters as roster_service
from tests.app.test_request_day_off import (  # noqa: F401  (world: the fixture)
    FRI, MON, THU, WED, WEEK, call_off, days_off, detail, publish, take_back, world,
)

# Monday 7 December 2026, 07:00: the week of 2026-W50 is to come.
pytestmark = pytest.mark.usefixtures("before_work_on_7_december")


def _warnings(html: str) -> list[str]:
    """The text of each warning line (flash or start page), tags removed."""
    found = re.findall(r'class="flash flash-warning"[^>]*>(.*?)</(?:p|li)>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", w).split()) for w in found]


def roster(world) -> Roster:
    db.session.expire_all()
    return db.session.get(Roster, world.roster_id)


# --- 1. a refused date: the error summary first -----------------------------------------------


def test_a_refused_call_off_starts_with_the_error_summary_linking_to_the_date(client, login, world):
    login(world.contact)
    response = call_off(client, world, dt.date(2026, 12, 4))  # last Friday: gone by
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = page.index('class="error-summary"')
    assert summary < page.index('class="facts"') < page.index('id="day-off-title"')  # first, before the request
    box = page[summary:page.index("</div>", summary)]
    assert 'href="#date"' in box and "Deze datum ligt in het verleden." in box


# --- 2. a shift on a called-off day is no absence clash --------------------------------------------


def absence_form(person, start, end):
    return {"person": f"medewerker-{person.id}", "kind": "ziek", "start_date": start.isoformat(),
            "end_date": end.isoformat(), "whole_day": "y", "start_time": "", "end_time": "", "note": ""}


def test_an_absence_on_a_called_off_friday_counts_only_the_shifts_that_stand(client, login, world):
    login(world.contact)
    assert call_off(client, world, FRI).status_code == 302
    client.post("/auth/logout")
    publish(client, login, world)

    login(world.team_leader)
    saved = client.post("/teams/afwezigheid/nieuw", data=absence_form(world.anna, THU, FRI), follow_redirects=True)
    warnings = _warnings(saved.get_data(as_text=True))
    assert any("1 dienst vanaf vandaag valt samen met een afwezigheid" in w for w in warnings), warnings
    assert not any("2 diensten" in w for w in warnings)
    home = client.get("/home").get_data(as_text=True)
    assert "1 dienst vanaf vandaag valt samen met een afwezigheid" in home
    grid = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    assert "1 dienst valt samen met een afwezigheid" in grid and "2 diensten vallen samen" not in grid


def test_an_absence_only_on_the_called_off_friday_needs_no_repair(client, login, world):
    login(world.contact)
    assert call_off(client, world, FRI).status_code == 302
    client.post("/auth/logout")
    publish(client, login, world)

    login(world.team_leader)
    saved = client.post("/teams/afwezigheid/nieuw", data=absence_form(world.anna, FRI, FRI), follow_redirects=True)
    assert not any("valt samen" in w for w in _warnings(saved.get_data(as_text=True)))
    assert "valt samen met een afwezigheid" not in client.get("/home").get_data(as_text=True)
    grid = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    assert "valt samen met een afwezigheid" not in grid


def test_an_absence_on_the_called_off_friday_writes_no_history_line(client, login, world):
    login(world.contact)
    assert call_off(client, world, FRI).status_code == 302
    client.post("/auth/logout")
    publish(client, login, world)
    login(world.team_leader)
    client.post("/teams/afwezigheid/nieuw", data=absence_form(world.anna, THU, FRI))
    db.session.expire_all()
    lines = db.session.scalars(select(RosterChange).where(RosterChange.action == "absence")).all()
    assert len(lines) == 1 and "donderdag 10 december" in lines[0].detail


# --- 3. the audit tells calling off from taking back ----------------------------------------------


def test_the_audit_says_whether_a_date_was_called_off_or_asked_for_again(app, client, login, world):
    from binnenwerk.admin.audit_details import describe

    login(world.contact)
    assert call_off(client, world, WED).status_code == 302
    take_back(client, world, WED)
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "request_changed")
                              .order_by(AuditEvent.id)).all()
    with app.test_request_context(), force_locale("nl"):
        words = [describe(row.action, row.detail) for row in rows]
    assert words[0].startswith("gewijzigd: afgezegde dagen dag afgezegd: ") and "09-12-2026" in words[0]
    assert words[1].startswith("gewijzigd: afgezegde dagen dag weer gevraagd: ") and "09-12-2026" in words[1]


# --- 4. a change settled as told keeps the lock version ---------------------------------------------


def test_a_change_and_its_undo_leave_the_lock_version_as_it_was(world):
    lock = roster(world).lock_version
    request = db.session.get(DeploymentRequest, world.req.id)
    start = request.start_minute
    request.start_minute = start - 60
    db.session.flush()  # marked and bumped here, settled at the commit
    request.start_minute = start
    db.session.commit()
    assert roster(world).lock_version == lock
    assert not roster(world).has_unpublished_changes


def test_a_weekday_without_shifts_ticked_leaves_the_lock_version_as_it_was(world):
    lock = roster(world).lock_version
    db.session.get(DeploymentRequest, world.req.id).weekdays = "123456"  # no shifts on Saturday
    db.session.commit()
    assert roster(world).lock_version == lock
    assert roster_service.roster_status(roster(world)) == "published"


def test_an_undo_in_a_later_commit_keeps_the_lock_version_of_the_change(world):
    request = db.session.get(DeploymentRequest, world.req.id)
    start = request.start_minute
    request.start_minute = start + 60  # within everyone's hours: publishing tells it
    db.session.commit()
    assert roster(world).has_unpublished_changes
    lock = roster(world).lock_version
    db.session.get(DeploymentRequest, world.req.id).start_minute = start
    db.session.commit()
    assert not roster(world).has_unpublished_changes
    assert roster(world).lock_version == lock


def test_a_change_that_tells_something_still_bumps_the_lock_version(world):
    lock = roster(world).lock_version
    request = db.session.get(DeploymentRequest, world.req.id)
    request.start_minute += 60
    db.session.commit()
    assert roster(world).has_unpublished_changes
    assert roster(world).lock_version > lock


# --- 5. only dates the request would ask for can be taken back -------------------------------------


def test_a_called_off_date_outside_the_shortened_period_is_not_listed_nor_taken_back(client, login, world):
    late = dt.date(2026, 12, 30)  # a Wednesday of the period
    login(world.contact)
    client.get(call_off(client, world, late).headers["Location"])  # its message read
    request = db.session.get(DeploymentRequest, world.req.id)
    request.end_date = dt.date(2026, 12, 24)
    db.session.commit()
    page = detail(client, world)
    assert "woensdag 30 december" not in page and "Toch laten doorgaan" not in page
    page = take_back(client, world, late).get_data(as_text=True)
    assert "vraagt de aanvraag geen mensen meer" in page and "vraagt u weer mensen" not in page
    assert days_off() == [late]  # kept: lengthened again, the date stays called off


# --- 6. the planner's own call-off is not the ministry's change --------------------------------------


def test_the_planners_own_call_off_is_not_listed_as_the_ministrys_change(client, login, world):
    login(world.contact)
    assert call_off(client, world, WED).status_code == 302
    client.post("/auth/logout")
    login(world.planner)
    assert call_off(client, world, THU).status_code == 302
    page = detail(client, world)
    box = page.split('id="changes-title"')[1].split("</section>")[0]
    assert "wo 9 dec" in box and "do 10 dec" not in box


def test_the_planners_call_off_alone_shows_no_ministry_change(client, login, world):
    login(world.planner)
    assert call_off(client, world, THU).status_code == 302
    page = detail(client, world)
    assert "Wat het ministerie veranderde" not in page and "weer teruggezet" not in page


# --- 7. the ministry's plan and its CSV ------------------------------------------------------------------


def test_the_ministrys_plan_names_the_dates_called_off(client, login, world):
    login(world.contact)
    assert call_off(client, world, WED).status_code == 302
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert "Afgezegd: woensdag 9 december" in page


def test_the_csv_row_of_a_day_begun_the_old_way_has_the_times_the_team_came_by(client, login, world, monkeypatch):
    from zoneinfo import ZoneInfo

    # Monday 11:00: the team came at 09:00 the old way; the ministry then moves the times.
    # (The change made at 08:00, before the shift began: one made after it leaves the day as asked.)
    monkeypatch.setattr(feeds, "local_now", lambda: dt.datetime(2026, 12, 7, 8, 0, tzinfo=ZoneInfo("Europe/Amsterdam")))
    request = db.session.get(DeploymentRequest, world.req.id)
    old = (request.start_minute, request.end_minute)
    request.start_minute, request.end_minute = old[0] + 60, old[1] + 60
    db.session.commit()
    monkeypatch.setattr(feeds, "local_now", lambda: dt.datetime(2026, 12, 7, 11, 0, tzinfo=ZoneInfo("Europe/Amsterdam")))
    login(world.contact)
    body = client.get(f"/aanvragen/planning.csv?week={WEEK}").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    [monday] = [row for row in rows[1:] if row[3] == MON.isoformat()]
    hhmm = [f"{m // 60:02d}:{m % 60:02d}" for m in old]
    assert "oude aanvraag" in monday[-1] and f"{hhmm[0]}–{hhmm[1]}" in monday[-1]
    assert monday[4:6] == hhmm
