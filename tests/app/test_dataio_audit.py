"""Imports audit every record they create or change, as the forms do, and warn about a region
without locations, as the team form does.

Each created or changed object gets the form's action and detail (field names, never personal
values) with "source=import"; the summary row stays. A region that the file's teams or
supervisors work in but that has no location yet is a warning on the page and in the command's
output, not a refusal.
"""
from __future__ import annotations

import csv
import io
import logging

import pytest
from sqlalchemy import select

from binnenwerk import models as m
from binnenwerk.bench import count_queries
from binnenwerk.dataio.api import get_kind, import_file
from binnenwerk.extensions import db

from .dataio_uploads import token_of, upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

EMPLOYEE_HEADER = ["id", "voornaam", "achternaam", "team", "contracturen_per_week", "max_uren_per_dag",
                   "werksoorten", "ma", "contract_start"]
# Special-category data the employee has: none of it may reach an audit row or a log line.
SECRETS = ("Wajong-geheim", "Epilepsie-geheim", "Rustruimte-geheim")


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def import_rows(app, kind: str, rows, *, actor=None):
    with app.test_request_context():
        outcome = import_file(get_kind(kind), f"{kind}.csv", csv_bytes(rows), commit=True, actor=actor)
    assert outcome.committed, [str(p) for p in outcome.problems]
    return outcome


def events(action: str | None = None) -> list[m.AuditEvent]:
    db.session.expire_all()
    query = select(m.AuditEvent).order_by(m.AuditEvent.id)
    if action:
        query = query.where(m.AuditEvent.action == action)
    return list(db.session.scalars(query))


def per_record(action_prefix: str) -> list[tuple[str, str, str, str]]:
    return [(e.action, e.object_type, e.object_id, e.detail) for e in events()
            if not e.action.startswith("import_") and e.action.startswith(action_prefix)]


@pytest.fixture
def staff(make):
    location = make.location("Den Haag", code="dh-rijnstraat")
    keyboards = make.work_type("keyboards")
    team = make.team("Den Haag", name="Team Den Haag 1")
    other = make.team("Den Haag", name="Team Den Haag 2")
    kept = make.employee(team=team, first_name="Kees", last_name="Kalm", work_types=[keyboards], weekdays=(1,),
                         window=("08:30", "14:30"), contract_minutes=1200, max_minutes_per_day=360,
                         contract_start=m.utcnow().date().replace(month=1, day=5))
    changed = make.employee(team=team, first_name="Sanne", last_name="de Vries", work_types=[keyboards],
                            weekdays=(1,), window=("08:30", "14:30"), contract_minutes=1200,
                            max_minutes_per_day=360, contract_start=kept.contract_start)
    db.session.add(m.EmployeeSensitive(employee=changed, indication=SECRETS[0], health_notes=SECRETS[1],
                                       accommodations=SECRETS[2]))
    planner = make.user(role="planner", email="planner@binnenwerk.example")
    db.session.commit()
    return {"team": team, "other": other, "kept": kept, "changed": changed, "planner": planner,
            "location": location, "keyboards": keyboards}


def employee_rows(staff, *, hours="25,5", day_hours="5", team="Team Den Haag 2"):
    start = staff["kept"].contract_start.isoformat()
    return [
        EMPLOYEE_HEADER,
        [str(staff["kept"].id), "Kees", "Kalm", "Team Den Haag 1", "20", "6", "keyboards", "08:30-14:30", start],
        [str(staff["changed"].id), "Sanne", "de Vries", team, hours, day_hours, "keyboards", "08:30-14:30", start],
        ["", "Nieuwe", "Collega", "Team Den Haag 1", "16", "4", "keyboards", "08:30-14:30", start],
    ]


def test_an_import_audits_each_created_and_changed_employee_as_the_form_does(app, staff):
    outcome = import_rows(app, "employees", employee_rows(staff), actor=staff["planner"])

    assert outcome.committed and outcome.counts == {"create": 1, "update": 1, "unchanged": 1}, outcome.problems
    newcomer = db.session.scalar(select(m.Employee).where(m.Employee.first_name == "Nieuwe"))
    team, other = staff["team"].id, staff["other"].id
    # The form's actions and field names, the team by id, and where the change came from.
    assert per_record("employee.") == [
        ("employee.update", "Employee", str(staff["changed"].id),
         f"changed=contract_minutes,max_minutes_per_day,team_id team={team}->{other} source=import"),
        ("employee.create", "Employee", str(newcomer.id), f"team={team} source=import"),
    ]
    # Nothing for the unchanged row; the summary row as before; all by the planner who imported.
    assert not [e for e in events() if e.object_id == str(staff["kept"].id)]
    assert [e.detail for e in events("import_employees")] == ["created=1 updated=1 unchanged=1"]
    assert {(e.actor_id, e.actor_email) for e in events()} == {(staff["planner"].id, "planner@binnenwerk.example")}


def test_an_audit_row_names_the_fields_never_their_values_nor_special_category_data(app, staff, caplog):
    caplog.set_level(logging.DEBUG, logger="binnenwerk")

    outcome = import_rows(app, "employees", employee_rows(staff, hours="31,5", day_hours="7,25"))

    assert outcome.committed, outcome.problems
    details = " ".join(e.detail for e in events())
    logged = " ".join(r.getMessage() for r in caplog.records if r.name.startswith("binnenwerk"))
    assert "max_minutes_per_day" in details  # a doctor's limit: named ...
    for value in ("31,5", "31.5", "1890", "7,25", "7.25", "435", "Sanne", "Vries", "Nieuwe", "Collega", *SECRETS):
        assert value not in details, value  # ... never its value, nor a name or health data
        assert value not in logged, value
    # One log line for the whole import (its summary), not one per row.
    assert len([r for r in caplog.records if r.name == "binnenwerk.audit"]) == 1


def test_the_page_import_is_audited_per_record_and_the_admin_finds_who_changed_the_contract(
        app, staff, client, login, make):
    login(staff["planner"])
    preview = upload(client, "employees", csv_bytes(employee_rows(staff, team="Team Den Haag 1")), "medewerkers.csv")
    assert preview.status_code == 200
    client.post("/gegevens/employees/bevestigen", data={"upload": token_of(preview.get_data(as_text=True))})

    [update] = events("employee.update")
    assert (update.object_id, update.detail) == (
        str(staff["changed"].id), "changed=contract_minutes,max_minutes_per_day source=import")
    assert update.actor_email == "planner@binnenwerk.example" and update.origin not in ("", "cli")

    client.post("/auth/logout")
    login(make.user(role="admin"))
    page = client.get("/beheer/audit?action=employee.update").get_data(as_text=True)
    assert f"Medewerker {staff['changed'].id}" in page and "planner@binnenwerk.example" in page
    assert "contracturen" in page and "import" in page


def test_a_dry_run_and_a_refused_file_audit_nothing(app, staff, runner, tmp_path):
    path = tmp_path / "medewerkers.csv"
    path.write_bytes(csv_bytes(employee_rows(staff)))
    assert runner.invoke(args=["import", "employees", str(path), "--dry-run"]).exit_code == 0
    bad = employee_rows(staff)
    bad[3][4] = "veel"
    path.write_bytes(csv_bytes(bad))
    assert runner.invoke(args=["import", "employees", str(path)]).exit_code == 1
    assert events() == []


def test_the_command_audits_each_record_too(app, staff, runner, tmp_path):
    path = tmp_path / "medewerkers.csv"
    path.write_bytes(csv_bytes(employee_rows(staff)))

    result = runner.invoke(args=["import", "employees", str(path)])

    assert result.exit_code == 0, result.output
    assert sorted(e.action for e in events()) == ["employee.create", "employee.update", "import_employees"]
    assert {e.origin for e in events()} == {"cli"}


def test_teams_supervisors_and_requests_are_audited_as_their_forms_do(app, staff, make):
    import_rows(app, "teams", [
        ["naam", "regio", "max_medewerkers"],
        ["Team Den Haag 1", "Den Haag", "12"],
        ["Team Den Haag 2", "Den Haag", "15"],  # unchanged
        ["Team Den Haag 3", "Den Haag", "10"],
    ])
    new_team = db.session.scalar(select(m.Team).where(m.Team.name == "Team Den Haag 3"))
    assert per_record("team.") == [
        ("team.update", "Team", str(staff["team"].id), "changed=max_size source=import"),
        ("team.create", "Team", str(new_team.id), "name=Team Den Haag 3 region=Den Haag max=10 source=import"),
    ]

    leader = make.supervisor(team=staff["team"], name="Peter Jansen", phone="06-11111111",
                             work_types=[staff["keyboards"]])
    db.session.commit()
    import_rows(app, "supervisors", [
        ["id", "naam", "team", "regio", "telefoon", "werksoorten", "ma"],
        [str(leader.id), "Peter Jansen", "Team Den Haag 1", "", "06-22222222", "keyboards", "07:30-17:30"],
        ["", "Ria Invaller", "", "Den Haag", "", "keyboards", "08:00-16:00"],
    ])
    pool = db.session.scalar(select(m.Supervisor).where(m.Supervisor.name == "Ria Invaller"))
    assert per_record("supervisor.") == [
        ("supervisor.update", "Supervisor", str(leader.id), "changed=phone source=import"),
        ("supervisor.create", "Supervisor", str(pool.id), "team=pool region=Den Haag source=import"),
    ]
    assert "06-22222222" not in " ".join(e.detail for e in events())

    request = make.request(location=staff["location"], work_type=staff["keyboards"],
                           status=m.RequestStatus.SUBMITTED.value, headcount=2)
    db.session.commit()
    header = ["id", "ministerie", "locatie", "werksoort", "startdatum", "einddatum", "dagen", "begintijd",
              "eindtijd", "aantal_medewerkers", "status"]
    code = staff["location"].ministry.code
    import_rows(app, "requests", [
        header,
        [str(request.id), code, "dh-rijnstraat", "keyboards", "2026-12-07", "2026-12-31", "ma,di,wo,do,vr",
         "09:00", "15:00", "4", "geaccepteerd"],
        ["", code, "dh-rijnstraat", "keyboards", "2027-01-04", "2027-01-29", "ma", "09:00", "14:00", "1", ""],
    ])
    created = db.session.scalar(select(m.DeploymentRequest).where(m.DeploymentRequest.id != request.id))
    assert per_record("request_") == [
        ("request_changed", "DeploymentRequest", str(request.id), "fields=headcount source=import"),
        ("request_geaccepteerd", "DeploymentRequest", str(request.id), "from=ingediend source=import"),
        ("request_created", "DeploymentRequest", str(created.id), "source=import"),
    ]
    assert [e.action for e in events() if e.action.startswith("import_")] == [
        "import_teams", "import_supervisors", "import_requests"]


def _statements(app, rows) -> tuple[int, int]:
    """Statements of a preview and of the confirm of the same file."""
    counted = []
    for commit in (False, True):
        db.session.expire_all()
        with app.test_request_context(), count_queries(db.engine) as counter:
            outcome = import_file(get_kind("teams"), "teams.csv", csv_bytes(rows), commit=commit)
        assert outcome.ok, outcome.problems
        counted.append(counter["n"])
    return counted[0], counted[1]


def test_the_audit_rows_of_an_import_cost_one_statement_however_many_rows_change(app, staff):
    header = ["naam", "regio", "max_medewerkers"]
    few_preview, few_confirm = _statements(app, [header] + [[f"Team A{n}", "Den Haag", "12"] for n in range(2)])
    many_preview, many_confirm = _statements(app, [header] + [[f"Team B{n}", "Den Haag", "12"] for n in range(40)])

    assert len(events()) == 2 + 42
    # The confirm costs the preview's statements and the same few more (the audit rows, the
    # summary, the commit), for 2 new teams as for 40.
    assert many_confirm - many_preview == few_confirm - few_preview <= 3, (few_preview, few_confirm, many_preview,
                                                                           many_confirm)


# --- a region without locations: a warning, not a refusal ----------------------------------------


def test_a_team_import_warns_about_a_region_without_locations_and_still_imports(app, staff, planner_client):
    body = csv_bytes([["naam", "regio"], ["Team Delft", "Delft"], ["Team Delft 2", "Delft"],
                      ["Team Den Haag 9", "Den Haag"]])

    preview = upload(planner_client, "teams", body, "teams.csv")
    text = preview.get_data(as_text=True)
    warning = ("Er is nog geen locatie in regio Delft (rijen 2, 3). Deze teams kunnen pas ingepland worden als "
               "daar een locatie is.")
    assert preview.status_code == 200 and warning in text and "flash-warning" in text
    assert "regio Den Haag" not in text  # it has a location

    done = planner_client.post("/gegevens/teams/bevestigen", data={"upload": token_of(text)}, follow_redirects=True)
    assert "Het bestand is geïmporteerd: 3 nieuw" in done.get_data(as_text=True)
    assert warning in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(m.Team).where(m.Team.name == "Team Delft 2")) is not None


def test_a_supervisor_import_warns_about_a_pool_region_without_locations(app, staff, runner, tmp_path):
    path = tmp_path / "teamleiders.csv"
    path.write_bytes(csv_bytes([["naam", "team", "regio", "werksoorten", "ma"],
                                ["Ria Invaller", "", "Zeeland", "keyboards", "08:00-16:00"],
                                ["Piet Leider", "Team Den Haag 1", "", "keyboards", "08:00-16:00"]]))

    dry = runner.invoke(args=["import", "supervisors", str(path), "--dry-run"])
    done = runner.invoke(args=["import", "supervisors", str(path)])

    warning = ("Er is nog geen locatie in regio Zeeland (rij 2). Deze teamleider kan daar pas ingepland worden als "
               "er een locatie is.")
    for result in (dry, done):
        assert result.exit_code == 0 and warning in result.output, result.output
        assert "regio Den Haag" not in result.output
    assert "Geïmporteerd: 2 nieuw" in done.output
    assert [s.region for s in db.session.scalars(select(m.Supervisor).order_by(m.Supervisor.name))] == [
        "Den Haag", "Zeeland"]


def test_a_region_whose_only_location_is_archived_is_warned_about_too(app, staff, runner, tmp_path, make):
    make.location("Utrecht", code="ut-oud", archived=True)
    db.session.commit()
    path = tmp_path / "teams.csv"
    path.write_bytes(csv_bytes([["naam", "regio"], ["Team Utrecht", "Utrecht"]]))

    result = runner.invoke(args=["import", "teams", str(path)])

    assert result.exit_code == 0 and "Er is nog geen locatie in regio Utrecht (rij 2)." in result.output


@pytest.fixture
def planner_client(client, login, staff):
    login(staff["planner"])
    return client
