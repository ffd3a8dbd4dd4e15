"""The database itself refuses impossible rows, whatever code writes them."""
import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

from binnenwerk.extensions import db
from binnenwerk import models as m


@pytest.fixture
def refused(app):
    """refused(obj) asserts the database rejects the row and leaves the session usable."""

    def check(*objects):
        db.session.add_all(objects)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()

    return check


def test_a_team_cannot_be_larger_than_fifteen(make, refused):
    refused(m.Team(name="Te groot", region="Den Haag", max_size=16))


def test_a_contract_cannot_end_before_it_starts(make, refused):
    team = make.team()
    db.session.commit()
    refused(m.Employee(first_name="A", last_name="B", team_id=team.id, contract_minutes=600, max_minutes_per_day=240,
                       contract_start=dt.date(2026, 5, 1), contract_end=dt.date(2026, 4, 30)))


def test_contract_hours_and_day_maximum_stay_in_range(make, refused):
    team = make.team()
    db.session.commit()
    refused(m.Employee(first_name="A", last_name="B", team_id=team.id, contract_minutes=-60, max_minutes_per_day=240,
                       contract_start=dt.date(2026, 1, 1)))
    refused(m.Employee(first_name="A", last_name="B", team_id=team.id, contract_minutes=600, max_minutes_per_day=13 * 60,
                       contract_start=dt.date(2026, 1, 1)))


def test_an_employee_works_at_most_one_shift_a_date(make, refused):
    wt = make.work_type()
    employee = make.employee(work_types=[wt])
    request = make.request(work_type=wt)
    roster = m.Roster(week="2026-W50", team=employee.team)
    db.session.add(roster)
    db.session.add(m.Assignment(roster=roster, employee=employee, date=dt.date(2026, 12, 7), request=request))
    db.session.commit()
    refused(m.Assignment(roster_id=roster.id, employee_id=employee.id, date=dt.date(2026, 12, 7), request_id=request.id))


def test_an_absence_belongs_to_exactly_one_person_and_ends_after_it_starts(make, refused):
    employee = make.employee()
    supervisor = make.supervisor(employee.team)
    db.session.commit()
    refused(m.Absence(employee_id=employee.id, supervisor_id=supervisor.id, kind="ziek",
                      start_date=dt.date(2026, 12, 7), end_date=dt.date(2026, 12, 7)))
    refused(m.Absence(employee_id=employee.id, kind="ziek", start_date=dt.date(2026, 12, 8), end_date=dt.date(2026, 12, 7)))
    refused(m.Absence(employee_id=employee.id, kind="vakantie", start_date=dt.date(2026, 12, 7), end_date=dt.date(2026, 12, 7)))


def test_a_request_has_a_real_shift_headcount_and_priority(make, refused):
    location, wt = make.location(), make.work_type()
    db.session.commit()
    base = dict(ministry_id=location.ministry_id, location_id=location.id, work_type_id=wt.id,
                start_date=dt.date(2026, 12, 7), end_date=dt.date(2026, 12, 31), weekdays="12345",
                start_minute=540, end_minute=900, break_minutes=30, headcount=3, priority=2)
    refused(m.DeploymentRequest(**{**base, "end_minute": 500}))
    refused(m.DeploymentRequest(**{**base, "break_minutes": 400}))
    refused(m.DeploymentRequest(**{**base, "headcount": 0}))
    refused(m.DeploymentRequest(**{**base, "priority": 4}))
    refused(m.DeploymentRequest(**{**base, "status": "verzonnen"}))


def test_foreign_keys_are_enforced_on_every_backend(make, refused):
    refused(m.Employee(first_name="A", last_name="B", team_id=999_999, contract_minutes=600, max_minutes_per_day=240,
                       contract_start=dt.date(2026, 1, 1)))


def test_a_ministry_contact_account_needs_a_ministry(make, refused):
    refused(m.User(email="x@example.org", name="X", password_hash="x", role="ministry_contact"))
    refused(m.User(email="y@example.org", name="Y", password_hash="x", role="superuser"))


def test_a_calendar_token_names_exactly_one_subject(make, refused):
    employee = make.employee()
    db.session.commit()
    refused(m.CalendarToken(kind="employee", employee_id=employee.id, team_id=employee.team_id,
                            nonce="n", token_hash="h" * 64))


def test_a_work_type_colour_is_a_hex_code(make, refused):
    refused(m.WorkType(code="x", name_nl="X", name_en="X", pictogram="broom", colour="red"))


@pytest.mark.parametrize("name, address, postcode, city, expected", [
    ("Ministerie BZK", "Rijnstraat 8", "2515 XP", "Den Haag", "Ministerie BZK, Rijnstraat 8, 2515 XP Den Haag"),
    ("Binnenhof 19", "Binnenhof 19", "2513 AA", "Den Haag", "Binnenhof 19, 2513 AA Den Haag"),
    ("binnenhof 19 ", "Binnenhof 19", "", "Den Haag", "Binnenhof 19, Den Haag"),
    ("Rijnstraat", "Rijnstraat 8", "", "", "Rijnstraat 8"),
    ("Kantoor", "", "", "", "Kantoor"),
    ("Binnen", "Binnenhof 19", "", "Den Haag", "Binnen, Binnenhof 19, Den Haag"),
])
def test_a_place_is_named_once_with_its_address(name, address, postcode, city, expected):
    assert m.name_and_address(name, address, postcode, city) == expected
