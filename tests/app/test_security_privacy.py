"""AVG: the inzage export of one employee and anonymisation once the contract has ended."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from binnenwerk.extensions import db
from binnenwerk import models as m

MONDAY = dt.date(2025, 3, 3)


@pytest.fixture
def former(make):
    """An employee whose contract ended, with sensitive data, an absence, shifts and a feed link."""
    work_type = make.work_type()
    location = make.location()
    team = make.team()
    employee = make.employee(
        team=team, work_types=[work_type], first_name="Fleur", last_name="Oudgediende",
        email="fleur@example.org", phone="06-11112222", contract_start=dt.date(2024, 1, 1),
        contract_end=dt.date(2025, 6, 30), job_coach_name="Coach Kees", job_coach_phone="06-3333",
        job_coach_email="kees@example.org",
    )
    employee.sensitive = m.EmployeeSensitive(indication="Wajong", health_notes="Snel moe", accommodations="Rustige plek")
    request = make.request(location=location, work_type=work_type, start_date=MONDAY, end_date=MONDAY)
    roster = m.Roster(week="2025-W10", team=team)
    roster.assignments = [m.Assignment(employee=employee, date=MONDAY, request=request)]
    db.session.add(roster)
    db.session.flush()
    db.session.add(m.RosterChange(roster_id=roster.id, action="absence",
                                  detail="Fleur Oudgediende is afwezig op maandag 3 maart en staat ingeroosterd."))
    # A line about her with a reason her team leader typed: her first name and why.
    db.session.add(m.RosterChange(roster_id=roster.id, action="edit", message="edit",
                                  params={"employee": employee.id, "name": "Fleur Oudgediende", "day": "2025-03-03",
                                          "old": None, "new": None},
                                  detail="Fleur Oudgediende, maandag 3 maart: vrij wordt vrij",
                                  reason="Fleur heeft fysiotherapie (rug)"))
    db.session.add(m.PublishedShift(
        uid="privacy-1", employee=employee, team=team, date=MONDAY, request=request, location=location,
        work_type=work_type, start_minute=540, end_minute=900, break_minutes=30,
    ))
    db.session.add(m.Absence(employee=employee, kind="ziek", start_date=MONDAY, end_date=MONDAY,
                             note="Griep met koorts"))
    db.session.add(m.CalendarToken(kind="employee", employee=employee, nonce="n" * 64, token_hash="h" * 64))
    db.session.add(m.AuditEvent(action="employee_update", object_type="Employee", object_id=str(employee.id),
                                detail="name Fleur Oudgediende", origin="cli"))
    db.session.flush()
    return employee


def test_planner_downloads_the_inzage_export(client, make, login, former):
    login(make.user(role="planner"))
    page = client.get(f"/privacy/medewerkers/{former.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Fleur Oudgediende" in text and "Snel moe" in text and "Griep met koorts" in text
    # Read by people: dates, hours and kinds in words, not as stored.
    assert "2024-01-01" not in text and "maandag 1 januari 2024" in text and ">25,5<" in text
    assert "<td>Ziek</td>" in text and "<td>ziek</td>" not in text

    response = client.get(f"/privacy/medewerkers/{former.id}/inzage.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["personal"]["last_name"] == "Oudgediende"
    assert data["personal"]["job_coach"]["name"] == "Coach Kees"
    assert data["sensitive"]["health_notes"] == "Snel moe"
    assert data["absences"][0]["note"] == "Griep met koorts"
    assert data["planned_shifts"][0]["date"] == MONDAY.isoformat()
    assert data["published_shifts"][0]["from"] == "09:00"
    assert data["calendar_links"] and "n" * 64 not in response.get_data(as_text=True)
    # What the roster history says about her, and where she may work when no place is listed.
    assert [line["reason"] for line in data["roster_history"]] == ["Fleur heeft fysiotherapie (rug)"]
    assert data["roster_history"][0]["what"].startswith("Fleur Oudgediende, ")
    assert data["personal"]["locations"] == [f"Alle locaties in regio {former.team.region}"]
    assert "Fleur heeft fysiotherapie (rug)" in text
    audit = db.session.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "privacy_export")).one()
    assert audit.object_id == str(former.id) and "Snel moe" not in audit.detail


def test_anonymising_removes_identity_and_health_data_but_keeps_the_hours(client, make, login, former):
    login(make.user(role="planner"))
    page = client.get(f"/privacy/medewerkers/{former.id}").get_data(as_text=True)
    assert "Anonimiseren" in page
    response = client.post(f"/privacy/medewerkers/{former.id}/anonimiseren", data={"confirm": "y"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "De gegevens zijn geanonimiseerd." in response.get_data(as_text=True)

    db.session.expire_all()
    employee = db.session.get(m.Employee, former.id)
    assert employee.first_name == "Geanonimiseerd" and "Oudgediende" not in employee.name
    assert (employee.email, employee.phone, employee.job_coach_phone, employee.job_coach_email) == ("", "", "", "")
    assert employee.job_coach_name == "Geanonimiseerd"
    assert employee.anonymised_at is not None and employee.archived
    assert db.session.get(m.EmployeeSensitive, former.id) is None
    assert db.session.scalars(select(m.Absence).where(m.Absence.employee_id == former.id)).all() == []
    reasons = db.session.scalars(select(m.RosterChange.reason)).all()
    assert not any("Fleur" in r or "fysiotherapie" in r for r in reasons)
    assert db.session.scalar(select(m.CalendarToken).where(m.CalendarToken.employee_id == former.id)).revoked_at
    # The hours stay: shifts remain, linked to the anonymised employee.
    assert db.session.scalar(select(func.count()).select_from(m.Assignment).where(m.Assignment.employee_id == former.id)) == 1
    shift = db.session.scalar(select(m.PublishedShift).where(m.PublishedShift.employee_id == former.id))
    assert shift.end_minute - shift.start_minute - shift.break_minutes == 330
    details = db.session.scalars(select(m.AuditEvent.detail).where(m.AuditEvent.object_id == str(former.id))).all()
    assert not any("Oudgediende" in d for d in details)
    history = db.session.scalars(select(m.RosterChange.detail)).all()
    assert history and not any("Oudgediende" in d for d in history)
    assert any("Geanonimiseerd" in d for d in history)
    assert db.session.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "anonymise")).one()

    again = client.post(f"/privacy/medewerkers/{former.id}/anonimiseren", data={"confirm": "y"})
    assert again.status_code == 422 and "al geanonimiseerd" in again.get_data(as_text=True)


@pytest.mark.parametrize("contract_end", [None, dt.date.today(), dt.date.today() + dt.timedelta(days=30)])
def test_anonymising_is_refused_while_the_contract_runs(client, make, login, contract_end):
    employee = make.employee(first_name="Bram", last_name="Werktnog", contract_end=contract_end)
    employee.sensitive = m.EmployeeSensitive(health_notes="Astma")
    login(make.user(role="planner"))
    response = client.post(f"/privacy/medewerkers/{employee.id}/anonimiseren", data={"confirm": "y"})
    assert response.status_code == 422
    assert "Het contract van deze medewerker loopt nog." in response.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(m.Employee, employee.id)
    assert kept.last_name == "Werktnog" and kept.anonymised_at is None
    assert db.session.get(m.EmployeeSensitive, employee.id).health_notes == "Astma"


def test_anonymising_needs_the_confirmation_box(client, make, login, former):
    login(make.user(role="planner"))
    response = client.post(f"/privacy/medewerkers/{former.id}/anonimiseren", data={})
    assert response.status_code == 422
    assert "Vink aan dat je dit zeker weet." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(m.Employee, former.id).anonymised_at is None


def test_privacy_pages_list_ended_contracts_and_refuse_unknown_ids(client, make, login, former):
    make.employee(first_name="Nog", last_name="InDienst")
    login(make.user(role="planner"))
    index = client.get("/privacy/").get_data(as_text=True)
    assert "Fleur Oudgediende" in index and "InDienst" not in index
    assert "InDienst" in client.get("/privacy/?q=indienst").get_data(as_text=True)
    assert client.get("/privacy/?q=" + "%" * 500).status_code == 200
    assert client.get("/privacy/medewerkers/987654").status_code == 404
    assert client.get("/privacy/medewerkers/987654/inzage.json").status_code == 404
    assert client.post("/privacy/medewerkers/987654/anonimiseren", data={"confirm": "y"}).status_code == 404


@pytest.mark.parametrize("role", ["admin", "team_leader", "ministry_contact"])
def test_only_planners_reach_the_privacy_pages(client, make, login, former, role):
    login(make.user(role=role, teams=[former.team] if role == "team_leader" else ()))
    assert client.get(f"/privacy/medewerkers/{former.id}/inzage.json").status_code == 403
    assert client.post(f"/privacy/medewerkers/{former.id}/anonimiseren", data={"confirm": "y"}).status_code == 403
