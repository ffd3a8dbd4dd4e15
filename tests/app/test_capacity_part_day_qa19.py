"""Capacity: a part-day absence takes only what it takes of the person's working hours that day."""
from __future__ import annotations

import datetime as dt

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import Absence
from binnenwerk.services.reports import capacity
from tests.app.test_reports_jobs import csv_rows

W01 = dt.date.fromisocalendar(2027, 1, 1)  # 4 January 2027
W02 = dt.date.fromisocalendar(2027, 2, 1)


def available(week_monday: dt.date, region: str = "Den Haag") -> float:
    row = next(r for r in capacity(W01, 2) if r.region == region)
    return row.cells[(week_monday - W01).days // 7].available


@pytest.fixture
def team(make):
    return make.team(region="Den Haag", name="Team Den Haag")


def test_sick_in_the_afternoon_keeps_the_morning(app, team, make):
    # 36 h over Monday to Friday: 432 minutes a day; she works 09:00-15:30 (390 minutes).
    julia = make.employee(team=team, first_name="Julia", contract_minutes=36 * 60, window=("09:00", "15:30"))
    db.session.add(Absence(employee=julia, kind="ziek", start_date=dt.date(2026, 12, 28), end_date=dt.date(2027, 1, 8),
                           start_minute=13 * 60, end_minute=24 * 60))
    db.session.flush()
    # The absence takes 13:00-15:30 of her hours (150 minutes), not its whole eleven hours.
    assert available(W01) == pytest.approx(5 * (432 - 150))


def test_an_appointment_partly_after_work_takes_only_the_part_in_working_hours(app, team, make):
    jan = make.employee(team=team, first_name="Jan", contract_minutes=40 * 60, window=("08:30", "16:30"))
    db.session.add(Absence(employee=jan, kind="afspraak", start_date=W02, end_date=W02 + dt.timedelta(days=4),
                           start_minute=16 * 60, end_minute=17 * 60))
    db.session.flush()
    assert available(W01) == pytest.approx(2400)
    assert available(W02) == pytest.approx(5 * (480 - 30))  # half an hour a day, not an hour


def test_an_absence_outside_working_hours_takes_nothing(app, team, make):
    person = make.employee(team=team, contract_minutes=1530, window=("08:00", "12:00"))
    db.session.add(Absence(employee=person, kind="afspraak", start_date=W01, end_date=W01 + dt.timedelta(days=4),
                           start_minute=14 * 60, end_minute=16 * 60))
    db.session.flush()
    assert available(W01) == pytest.approx(1530)


def test_overlapping_part_day_absences_take_their_minutes_once(app, team, make):
    person = make.employee(team=team, contract_minutes=2400, window=("08:00", "16:00"))
    db.session.add_all([
        Absence(employee=person, kind="afspraak", start_date=W01, end_date=W01,
                start_minute=9 * 60, end_minute=11 * 60),
        Absence(employee=person, kind="ziek", start_date=W01, end_date=W01,
                start_minute=10 * 60, end_minute=12 * 60),
    ])
    db.session.flush()
    assert available(W01) == pytest.approx(2400 - 180)


def test_an_absence_over_all_of_a_day_s_hours_leaves_nothing_like_a_whole_day(app, team, make):
    # 40 h over five days: 480 minutes a day, more than the 420 of the 08:00-15:00 window.
    person = make.employee(team=team, contract_minutes=40 * 60, window=("08:00", "15:00"))
    db.session.add_all([
        Absence(employee=person, kind="verlof", start_date=W01, end_date=W01),
        Absence(employee=person, kind="ziek", start_date=W01 + dt.timedelta(days=1),
                end_date=W01 + dt.timedelta(days=1), start_minute=8 * 60, end_minute=15 * 60),
    ])
    db.session.flush()
    assert available(W01) == pytest.approx(3 * 480)
    assert available(W02) == pytest.approx(5 * 480)


def test_the_capacity_csv_counts_the_half_days(client, login, make, team):
    julia = make.employee(team=team, first_name="Julia", contract_minutes=36 * 60, window=("09:00", "15:30"))
    db.session.add(Absence(employee=julia, kind="ziek", start_date=dt.date(2026, 12, 28), end_date=dt.date(2027, 1, 8),
                           start_minute=13 * 60, end_minute=24 * 60))
    login(make.user(role="planner"))
    rows = csv_rows(client.get("/rapportages/capaciteit.csv?week=2027-W01"))
    row = next(r for r in rows if r[:2] == ["Den Haag", "2027-W01"])
    assert row[7] == "23,5"  # 5 x 282 minutes
