"""Special-category data: only planners and the employee's own team leader see or change it."""
import datetime as dt

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, EmployeeSensitive

from .edit_forms import post_edit

SECRET_HEALTH = "Epilepsie, geen werk op hoogte"
SECRET_INDICATION = "Wajong-indicatie-X"


def _text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def employee(make):
    team = make.team(name="Team A")
    employee = make.employee(team=team, first_name="Fleur", last_name="Smit")
    db.session.add(EmployeeSensitive(employee=employee, indication=SECRET_INDICATION,
                                     indication_until=dt.date(2027, 6, 30), health_notes=SECRET_HEALTH,
                                     accommodations="Rustige werkplek"))
    db.session.flush()
    return employee


@pytest.mark.parametrize("role", ["planner", "own_team_leader"])
def test_planner_and_own_team_leader_see_the_sensitive_section(client, make, login, employee, role):
    user = (make.user(role="team_leader", teams=[employee.team]) if role == "own_team_leader"
            else make.user(role="planner"))
    login(user)
    html = _text(client.get(f"/teams/medewerkers/{employee.id}"))
    assert SECRET_HEALTH in html and SECRET_INDICATION in html and "Rustige werkplek" in html
    assert "Persoonlijke gegevens (vertrouwelijk)" in html
    assert client.get(f"/teams/medewerkers/{employee.id}/persoonlijk").status_code == 200


def test_admin_never_sees_the_sensitive_data(client, make, login, employee):
    login(make.user(role="admin"))
    for url in (f"/teams/medewerkers/{employee.id}", "/teams/medewerkers", f"/teams/{employee.team_id}"):
        response = client.get(url)
        assert response.status_code == 200
        html = _text(response)
        assert SECRET_HEALTH not in html and SECRET_INDICATION not in html and "Rustige werkplek" not in html
        assert "vertrouwelijk" not in html
    assert client.get(f"/teams/medewerkers/{employee.id}/persoonlijk").status_code == 403
    assert client.post(f"/teams/medewerkers/{employee.id}/persoonlijk",
                       data={"health_notes": "x"}).status_code == 403


@pytest.mark.parametrize("role,shown", [("admin", False), ("planner", True), ("own_team_leader", True)])
def test_only_planners_and_the_own_team_leader_see_the_job_coach(client, make, login, employee, role, shown):
    # A job coach comes with the indication: who has one says as much as the indication itself.
    employee.job_coach_name, employee.job_coach_phone = "Coach Kees", "06-33334444"
    user = (make.user(role="team_leader", teams=[employee.team]) if role == "own_team_leader"
            else make.user(role=role))
    login(user)
    html = _text(client.get(f"/teams/medewerkers/{employee.id}"))
    assert ("Coach Kees" in html) is shown and ("06-33334444" in html) is shown
    assert ("Jobcoach" in html) is shown


def test_another_teams_leader_gets_404_and_no_data(client, make, login, employee):
    login(make.user(role="team_leader", teams=[make.team(name="Ander team")]))
    for url in (f"/teams/medewerkers/{employee.id}", f"/teams/medewerkers/{employee.id}/persoonlijk"):
        response = client.get(url)
        assert response.status_code == 404
        assert SECRET_HEALTH not in _text(response)


def test_ministry_contact_is_refused(client, make, login, employee):
    login(make.user(role="ministry_contact"))
    response = client.get(f"/teams/medewerkers/{employee.id}")
    assert response.status_code == 403 and SECRET_HEALTH not in _text(response)


def test_own_team_leader_changes_sensitive_data_and_the_audit_row_holds_no_content(client, make, login):
    team = make.team(name="Team A")
    employee = make.employee(team=team)
    login(make.user(role="team_leader", teams=[team]))
    response = post_edit(client, f"/teams/medewerkers/{employee.id}/persoonlijk", {
        "indication": "Banenafspraak", "indication_until": "2027-12-31",
        "health_notes": "Migraine: soms later beginnen", "accommodations": "Koptelefoon mag",
    }, follow_redirects=True)
    assert "zijn opgeslagen." in _text(response)
    stored = db.session.get(EmployeeSensitive, employee.id)
    assert stored.indication == "Banenafspraak" and stored.indication_until == dt.date(2027, 12, 31)
    assert stored.health_notes == "Migraine: soms later beginnen" and stored.accommodations == "Koptelefoon mag"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "employee.sensitive_update")).one()
    assert event.object_id == str(employee.id)
    assert "Migraine" not in event.detail and "Banenafspraak" not in event.detail and "Koptelefoon" not in event.detail


def test_bad_sensitive_input_is_refused_and_nothing_changes(client, make, login, employee):
    login(make.user(role="planner"))
    response = post_edit(client, f"/teams/medewerkers/{employee.id}/persoonlijk", {
        "indication": "x" * 101, "indication_until": "morgen", "health_notes": "nieuw", "accommodations": "",
    })
    assert response.status_code == 422
    assert "Hoogstens 100 tekens." in _text(response)
    assert "Vul een datum in als dd-mm-jjjj" in _text(response)
    db.session.expire_all()
    assert db.session.get(EmployeeSensitive, employee.id).health_notes == SECRET_HEALTH


def test_sensitive_data_is_not_on_the_employee_edit_form(client, make, login, employee):
    login(make.user(role="planner"))
    html = _text(client.get(f"/teams/medewerkers/{employee.id}/wijzigen"))
    assert SECRET_HEALTH not in html and SECRET_INDICATION not in html
