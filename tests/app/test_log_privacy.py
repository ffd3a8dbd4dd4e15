"""No special-category data in a log line: a database error's text carries no bound values.

SQLAlchemy puts a failed statement's parameters into the exception's text, and Flask logs an
unhandled exception in full: a race on the personal-details form wrote an employee's health
notes into the server log (QA, 2026-12-06).
"""
from __future__ import annotations

import logging

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


def test_an_unhandled_database_error_logs_no_health_data(app, client, login, make, caplog):
    """The whole path a 500 takes: the error handler logs the exception, without the values."""
    employee = make.employee()
    db.session.add(EmployeeSensitive(employee_id=employee.id, health_notes="eerder"))
    db.session.commit()
    employee_id = employee.id

    from binnenwerk.access import OFFICE, roles_required

    @app.route("/_test/botsing")
    @roles_required(*OFFICE)
    def clash():
        db.session.add(EmployeeSensitive(employee_id=employee_id, health_notes=MARKER))
        db.session.commit()
        return "niet bereikt"

    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(make.user(role="planner"))
    with caplog.at_level(logging.DEBUG):
        response = client.get("/_test/botsing")
    assert response.status_code == 500
    logged = "\n".join(r.getMessage() + (str(r.exc_info[1]) if r.exc_info else "") for r in caplog.records)
    assert "IntegrityError" in logged or "UNIQUE" in logged or "unique" in logged
    assert MARKER not in logged and MARKER not in response.get_data(as_text=True)
