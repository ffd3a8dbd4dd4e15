"""Special-category data in no log line, also with SQL logging turned up to debug by an operator:
SQLAlchemy logs the rows a query returns at DEBUG, which hide_parameters does not hide."""
from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Absence, EmployeeSensitive

HEALTH, NOTE = "Rugklachten-QA14-geheim", "Ziekenhuisopname-QA14-geheim"


@pytest.mark.usefixtures("before_work_on_7_december")
def test_debug_sql_logging_keeps_the_statements_but_not_the_rows(app, client, login, make, caplog):
    team = make.team()
    anna = make.employee(team=team, first_name="Anna")
    anna.sensitive = EmployeeSensitive(indication="Wajong", health_notes=HEALTH)
    db.session.add(Absence(employee=anna, kind="ziek", start_date=dt.date(2026, 12, 7),
                           end_date=dt.date(2026, 12, 8), note=NOTE))
    planner = make.user(role="planner")
    db.session.commit()
    login(planner)
    anna_id = anna.id
    db.session.remove()  # a connection opened before the level changed keeps its echo off
    with caplog.at_level(logging.DEBUG, logger="sqlalchemy.engine"):
        page = client.get(f"/teams/medewerkers/{anna_id}/persoonlijk").get_data(as_text=True)
        absences = client.get("/teams/afwezigheid").get_data(as_text=True)
        db.session.scalars(select(EmployeeSensitive)).all()
    assert HEALTH in page and "Anna" in absences  # the planner does see them: the rows were read
    statements = [r for r in caplog.records if r.name.startswith("sqlalchemy.engine")]
    assert any("employee_sensitive" in r.getMessage() for r in statements)  # SQL is still logged
    assert HEALTH not in caplog.text and NOTE not in caplog.text

