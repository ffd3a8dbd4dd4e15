"""QA round 13: the audit rows of absences deleted by hand are emptied by the purge, a contract's
end stops the person's links the day after (without waiting for a team page to archive them), and
the stopped link's notice is a new revision every day it moves, with an ETag."""
import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import func, select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, FeedKind
from binnenwerk.services import absences as ops
from binnenwerk.services import feeds, tokens

# --- 1. the purge empties the audit rows of absences deleted by hand ---------------------------

MADE_ON = dt.date(2025, 12, 10)


@pytest.fixture
def today_is(monkeypatch):
    def move(day: dt.date) -> None:
        monkeypatch.setattr("binnenwerk.services.feeds.local_today", lambda: day)

    return move


def _details(absence_id: int) -> dict[str, str]:
    return dict(db.session.execute(select(AuditEvent.action, AuditEvent.detail).where(
        AuditEvent.object_type == "Absence", AuditEvent.object_id == str(absence_id))).all())


def _made_changed_and_deleted(employee=None, supervisor=None, *, start: dt.date, end: dt.date) -> int:
    """An absence registered, changed and deleted through the service: three audit rows naming the
    person and the days, and no absence left."""
    data = ops.AbsenceInput(kind="ziek", start_date=start, end_date=end)
    absence = ops.create_absence(data, employee=employee, supervisor=supervisor)
    ops.update_absence(absence, ops.AbsenceInput(kind="verlof", start_date=start, end_date=end, note="x"))
    absence_id = absence.id
    ops.delete_absence(absence)
    return absence_id


def test_the_purge_empties_the_audit_rows_of_absences_deleted_by_hand(runner, make, today_is):
    today_is(MADE_ON)
    team = make.team()
    employee = make.employee(team=team)
    leader = make.supervisor(team=team)
    db.session.commit()
    employees = _made_changed_and_deleted(employee, start=dt.date(2025, 12, 21), end=dt.date(2025, 12, 22))
    leaders = _made_changed_and_deleted(supervisor=leader, start=dt.date(2025, 12, 15), end=dt.date(2025, 12, 17))
    # Ended within the year the purge looks back on: kept as an existing absence would be.
    recent = _made_changed_and_deleted(employee, start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 3))
    assert _details(employees)["absence.delete"] == f"employee={employee.id} 2025-12-21..2025-12-22"
    assert _details(leaders)["absence.update"] == \
        f"supervisor={leader.id} 2025-12-15..2025-12-17 changed=kind,note"

    today_is(dt.date(2026, 12, 23))  # 2025-12-22 is 366 days ago, the leader's end longer
    result = runner.invoke(args=["purge-absences"])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    for gone in (employees, leaders):
        assert _details(gone) == {"absence.create": "", "absence.update": "", "absence.delete": ""}
    assert set(_details(recent).values()) == {f"employee={employee.id} 2026-06-01..2026-06-03",
                                              f"employee={employee.id} 2026-06-01..2026-06-03 changed=kind,note"}
    purge = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "absence.purge")).one()
    assert purge.detail == "absences=0 ended_before=2025-12-23"


def test_a_deleted_absence_is_kept_until_its_last_day_as_deleted_is_a_year_ago(make, today_is):
    """The last day is the one the newest row names (the absence as deleted), as the purge reads
    an existing absence's end as it is now, not as first registered."""
    from binnenwerk.privacy import purge_old_absences

    today_is(MADE_ON)
    employee = make.employee()
    db.session.commit()
    absence = ops.create_absence(ops.AbsenceInput(kind="ziek", start_date=dt.date(2025, 12, 11),
                                                  end_date=dt.date(2025, 12, 12)), employee=employee)
    ops.update_absence(absence, ops.AbsenceInput(kind="ziek", start_date=dt.date(2025, 12, 11),
                                                 end_date=dt.date(2026, 1, 20)))
    absence_id = absence.id
    ops.delete_absence(absence)

    assert purge_old_absences(today=dt.date(2026, 12, 20)) == 0
    db.session.expire_all()
    assert "" not in _details(absence_id).values()
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "absence.purge")) == 0

    purge_old_absences(today=dt.date(2027, 1, 22))
    db.session.expire_all()
    assert set(_details(absence_id).values()) == {""}


def test_a_deleted_absences_row_without_days_goes_by_its_own_time(make, today_is):
    from binnenwerk import audit
    from binnenwerk.privacy import purge_old_absences

    today_is(MADE_ON)
    old, new = make.absence(start=MADE_ON), make.absence(start=MADE_ON)
    old_row = audit.record("absence.delete", old, detail="form=abc")
    new_row = audit.record("absence.delete", new, detail="form=def")
    old_row.at = dt.datetime(2025, 11, 30, 12, 0)
    new_row.at = dt.datetime(2026, 2, 1, 12, 0)
    db.session.delete(old)
    db.session.delete(new)
    db.session.commit()

    purge_old_absences(today=dt.date(2026, 12, 7))

    db.session.expire_all()
    assert db.session.get(AuditEvent, old_row.id).detail == ""
    assert db.session.get(AuditEvent, new_row.id).detail == "form=def"


def test_a_dry_run_empties_no_audit_row_either(runner, make, today_is):
    today_is(MADE_ON)
    employee = make.employee()
    db.session.commit()
    gone = _made_changed_and_deleted(employee, start=dt.date(2025, 12, 21), end=dt.date(2025, 12, 22))
    today_is(dt.date(2026, 12, 23))

    assert runner.invoke(args=["purge-absences", "--dry-run"]).exit_code == 0

    db.session.expire_all()
    assert "" not in _details(gone).values()


# --- 2. a contract's end stops the links the next day ------------------------------------------


@pytest.fixture
def leaving(make):
    """An employee whose last working day is today, with a link and a shift of today."""
    today = feeds.local_today()
    team = make.team(name="Team Rijnstraat")
    leader = make.supervisor(team=team, name="Tineke", phone="06-12345678")
    anna = make.employee(team=team, first_name="Anna", last_name="Jansen", contract_end=today)
    make.published_shift(employee=anna, date=today, supervisor=leader)
    token = tokens.issue(FeedKind.EMPLOYEE, anna)
    db.session.commit()
    return anna, token, today


def test_the_feed_and_week_page_stop_the_day_after_the_last_working_day(client, leaving, today_is):
    anna, token, today = leaving
    assert "Tineke" in client.get(f"/calendar/{token}.ics").get_data(as_text=True)
    assert client.get(f"/week/{token}").status_code == 200

    today_is(today + dt.timedelta(days=1))
    feed = client.get(f"/calendar/{token}.ics")
    week = client.get(f"/week/{token}")

    assert feed.status_code == 200
    text = feed.get_data(as_text=True)
    (notice,) = icalendar.Calendar.from_ical(feed.get_data()).walk("VEVENT")
    assert str(notice["SUMMARY"]) == "Deze agenda-link werkt niet meer"
    for told in ("Tineke", "06-12345678", "Anna"):
        assert told not in text
    assert week.status_code == 404 and "Tineke" not in week.get_data(as_text=True)
    assert client.get(f"/calendar/{token}/qr.svg").status_code == 404
    # Nothing written on a GET: archiving is left to the team pages.
    db.session.expire_all()
    assert anna.archived is False and tokens.find(token).revoked_at is None


def test_the_links_page_lists_no_one_whose_contract_has_ended(client, login, make, leaving, today_is):
    anna, _token, today = leaving
    bram = make.employee(team=anna.team, first_name="Bram", last_name="de Vries")
    login(make.user(role="planner"))
    today_is(today + dt.timedelta(days=1))

    page = client.get(f"/kalender/team/{anna.team_id}").get_data(as_text=True)
    sheets = client.get(f"/kalender/team/{anna.team_id}/briefjes").get_data(as_text=True)

    assert "Anna" not in page and "Bram" in page
    assert "Anna" not in sheets
    client.post(f"/kalender/team/{anna.team_id}/links-maken")
    assert tokens.active_for(FeedKind.EMPLOYEE, bram) is not None


# --- 3. the stopped link's notice: a new revision each day, and an ETag ------------------------


def _notice(response) -> icalendar.Event:
    (notice,) = icalendar.Calendar.from_ical(response.get_data()).walk("VEVENT")
    return notice


def _stopped_link(make) -> str:
    """A link issued and revoked at once: its feed is the "werkt niet meer" notice."""
    token = tokens.issue(FeedKind.EMPLOYEE, make.employee())
    tokens.revoke(tokens.resolve(token))
    db.session.commit()
    return token


def test_the_stopped_notice_is_a_new_revision_on_each_new_day(client, make, today_is):
    token = _stopped_link(make)
    first_day = feeds.local_today() + dt.timedelta(days=2)
    seen = []
    for day in (first_day, first_day + dt.timedelta(days=1), first_day + dt.timedelta(days=2)):
        today_is(day)
        notice = _notice(client.get(f"/calendar/{token}.ics"))
        start_of_day = dt.datetime.combine(day, dt.time(), ZoneInfo("Europe/Amsterdam"))
        assert notice.decoded("DTSTART") == day
        assert notice.decoded("DTSTAMP") >= start_of_day
        seen.append((int(notice["SEQUENCE"]), notice.decoded("DTSTAMP"), str(notice["UID"])))
    assert len({uid for _s, _stamp, uid in seen}) == 1
    assert seen[0][0] < seen[1][0] < seen[2][0]
    assert seen[0][1] < seen[1][1] < seen[2][1]


def test_the_stopped_notice_has_an_etag_and_answers_304_until_it_moves(client, make, today_is):
    token = _stopped_link(make)
    day = feeds.local_today() + dt.timedelta(days=1)
    today_is(day)

    first = client.get(f"/calendar/{token}.ics")
    etag = first.headers["ETag"]
    assert etag and first.headers["Last-Modified"]
    again = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "private, no-cache"
    assert client.get(f"/calendar/{token}.ics").headers["ETag"] == etag  # stable within the day

    today_is(day + dt.timedelta(days=1))
    moved = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": etag})
    assert moved.status_code == 200 and moved.headers["ETag"] != etag
    assert _notice(moved).decoded("DTSTART") == day + dt.timedelta(days=1)
