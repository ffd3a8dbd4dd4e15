"""Absences are kept a year after their last day, then `flask purge-absences` deletes them (their
kind and days are health data), with the details of their audit rows."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from binnenwerk import audit
from binnenwerk.extensions import db
from binnenwerk.models import Absence, AuditEvent
from binnenwerk.privacy import purge_old_absences
from binnenwerk.services import ServiceError
from binnenwerk.services import absences as ops

from .edit_forms import post_edit

TODAY = dt.date(2026, 12, 7)
YEAR_AGO = TODAY - dt.timedelta(days=365)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("binnenwerk.services.feeds.local_today", lambda: TODAY)


def _ids() -> set[int]:
    return set(db.session.scalars(select(Absence.id)))


def test_absences_that_ended_over_a_year_ago_go_with_their_audit_details(runner, make):
    team = make.team()
    employee = make.employee(team=team)
    leader = make.supervisor(team=team)
    long_ago = make.absence(employee=employee, start=dt.date(2025, 3, 3), end=dt.date(2025, 3, 7))
    leaders = make.absence(supervisor=leader, start=dt.date(2024, 1, 8), end=YEAR_AGO - dt.timedelta(days=1))
    last_kept = make.absence(employee=employee, start=dt.date(2025, 11, 1), end=YEAR_AGO)
    recent = make.absence(employee=employee, start=TODAY, end=TODAY, kind="verlof")
    # A long sickness that began over a year ago but ended within it stays whole.
    long_sick = make.absence(employee=employee, start=dt.date(2025, 1, 6), end=dt.date(2026, 1, 9))
    db.session.flush()
    for absence in (long_ago, leaders, last_kept):
        audit.record("absence.create", absence, detail=f"employee={employee.id} 2025-03-03..2025-03-07")
    other = audit.record("employee.update", employee, detail="changed=phone")
    db.session.commit()
    gone = {long_ago.id, leaders.id}
    kept = {last_kept.id, recent.id, long_sick.id}

    result = runner.invoke(args=["purge-absences"])

    assert result.exit_code == 0, result.output
    assert "2 afwezigheden verwijderd die meer dan 365 dagen geleden eindigden." in result.output
    db.session.expire_all()
    assert _ids() == kept
    details = dict(db.session.execute(select(AuditEvent.object_id, AuditEvent.detail)
                                      .where(AuditEvent.action == "absence.create")).all())
    assert {int(i) for i, detail in details.items() if detail == ""} == gone
    assert details[str(last_kept.id)].startswith(f"employee={employee.id} ")
    assert db.session.get(AuditEvent, other.id).detail == "changed=phone"
    purge = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "absence.purge")).one()
    assert purge.detail == f"absences=2 ended_before={YEAR_AGO.isoformat()}"
    assert purge.origin == "cli" and purge.object_type == ""

    again = runner.invoke(args=["purge-absences"])
    assert again.exit_code == 0 and "0 afwezigheden verwijderd" in again.output
    assert _ids() == kept
    # Nothing purged, nothing recorded.
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "absence.purge")) == 1


def test_a_dry_run_counts_and_deletes_nothing(runner, make):
    absence = make.absence(start=dt.date(2024, 5, 1), end=dt.date(2024, 5, 2))
    db.session.commit()

    result = runner.invoke(args=["purge-absences", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "1 afwezigheid eindigde meer dan 365 dagen geleden (niets verwijderd)." in result.output
    assert _ids() == {absence.id}
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "absence.purge")) == 0


def test_a_longer_term_keeps_more_and_a_shorter_one_is_refused(runner, make):
    older = make.absence(start=dt.date(2024, 5, 1), end=dt.date(2024, 5, 2))
    newer = make.absence(start=dt.date(2025, 5, 1), end=dt.date(2025, 5, 2))
    db.session.commit()

    refused = runner.invoke(args=["purge-absences", "--keep-days", "30"])
    assert refused.exit_code != 0
    assert "Afwezigheden blijven minstens 365 dagen bewaard." in refused.output
    assert _ids() == {older.id, newer.id}

    result = runner.invoke(args=["purge-absences", "--keep-days", "730"])
    assert result.exit_code == 0, result.output
    assert "1 afwezigheid verwijderd die meer dan 730 dagen geleden eindigde." in result.output
    db.session.expire_all()
    assert _ids() == {newer.id}


def test_the_purge_batches_large_numbers(runner, make, monkeypatch):
    monkeypatch.setattr("binnenwerk.privacy._PURGE_BATCH", 3)
    employee = make.employee()
    made = [make.absence(employee=employee, start=dt.date(2024, 2, d), end=dt.date(2024, 2, d)) for d in range(1, 9)]
    db.session.flush()
    for absence in made:
        audit.record("absence.create", absence, detail=f"employee={employee.id} 2024-02-01..2024-02-01")
    db.session.commit()

    assert runner.invoke(args=["purge-absences"]).exit_code == 0

    assert _ids() == set()
    assert set(db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "absence.create"))) == {""}


def test_the_audit_page_words_the_purge(client, make, login, runner):
    make.absence(start=dt.date(2024, 5, 1), end=dt.date(2024, 5, 2))
    db.session.commit()
    assert runner.invoke(args=["purge-absences"]).exit_code == 0
    login(make.user(role="admin"))

    page = client.get("/beheer/audit").get_data(as_text=True)

    assert "Oude afwezigheden verwijderd (bewaartermijn)" in page
    assert "afwezigheden: 1 geëindigd vóór" in page
    assert "absence.purge" not in page.split("<tbody>")[1]


def test_an_absence_that_ended_over_a_year_ago_is_not_taken_in(make):
    employee = make.employee(contract_start=dt.date(2020, 1, 1))
    db.session.commit()
    old = ops.AbsenceInput(kind="ziek", start_date=YEAR_AGO - dt.timedelta(days=3),
                           end_date=YEAR_AGO - dt.timedelta(days=1))
    with pytest.raises(ServiceError) as refused:
        ops.create_absence(old, employee=employee, supervisor=None)
    assert refused.value.field == "end_date"
    assert "meer dan een jaar geleden" in refused.value.message
    db.session.rollback()
    assert _ids() == set()
    # The last day the lists still show is taken in, and kept by the purge.
    kept = ops.create_absence(ops.AbsenceInput(kind="ziek", start_date=YEAR_AGO, end_date=YEAR_AGO),
                              employee=employee, supervisor=None)
    db.session.commit()
    assert purge_old_absences(today=TODAY) == 0 and _ids() == {kept.id}


def test_the_form_says_so_and_an_edit_cannot_move_one_back_either(client, make, login):
    team = make.team()
    employee = make.employee(team=team, contract_start=dt.date(2020, 1, 1))
    absence = make.absence(employee=employee, start=TODAY, end=TODAY, kind="verlof")
    login(make.user(role="planner"))
    form = {"person": f"medewerker-{employee.id}", "kind": "ziek", "start_date": "2025-01-06",
            "end_date": "2025-01-08", "whole_day": "y", "start_time": "", "end_time": "", "note": ""}

    new = client.post("/teams/afwezigheid/nieuw", data=form)
    edit = post_edit(client, f"/teams/afwezigheid/{absence.id}", form)

    for response in (new, edit):
        assert response.status_code == 422, response.status_code
        assert "Zo lang bewaren we afwezigheden niet." in response.get_data(as_text=True)
    db.session.expire_all()
    assert _ids() == {absence.id}
    assert db.session.get(Absence, absence.id).start_date == TODAY
