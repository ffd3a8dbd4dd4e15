"""No special-category data in a log line: a database error's text carries no bound values.

SQLAlchemy puts a failed statement's parameters into the exception's text, and Flask logs an
unhandled exception in full: a race on the personal-details form wrote an employee's health
notes into the server log (QA, 2026-12-06).
"""
from __future__ import annotations

import logging
import sys

import pytest
from sqlalchemy.exc import IntegrityError

from binnenwerk.extensions import db
from binnenwerk.models import EmployeeSensitive

MARKER = "MARKER-gezondheid-4711"


def test_a_database_error_names_no_bound_value(app, make):
    employee = make.employee()
    db.session.add(EmployeeSensitive(employee_id=employee.id, indication="Wajong", health_notes="eerder"))
    db.session.commit()
    db.session.add(EmployeeSensitive(employee_id=employee.id, indication="Wajong", health_notes=MARKER))
    with pytest.raises(IntegrityError) as caught:
        db.session.commit()
    db.session.rollback()
    assert "employee_sensitive" in str(caught.value)  # the statement is still there to debug
    assert MARKER not in str(caught.value) and MARKER not in repr(caught.value)


def test_an_unhandled_database_error_logs_no_health_data(app, make, caplog):
    """What Flask logs for an unhandled error (Flask.log_exception, the 500 path): no values."""
    employee = make.employee()
    db.session.add(EmployeeSensitive(employee_id=employee.id, health_notes="eerder"))
    db.session.commit()
    db.session.add(EmployeeSensitive(employee_id=employee.id, health_notes=MARKER))
    with caplog.at_level(logging.DEBUG), app.test_request_context("/teams/medewerkers/1/persoonlijk", method="POST"):
        try:
            db.session.commit()
        except IntegrityError:
            app.log_exception(sys.exc_info())
        db.session.rollback()
    records = [r for r in caplog.records if r.exc_info]
    assert records, "the error was logged"
    logged = "\n".join(logging.Formatter().format(r) for r in records)
    assert "IntegrityError" in logged and "employee_sensitive" in logged
    assert MARKER not in logged
