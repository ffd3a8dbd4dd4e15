"""Export -> import -> export gives the same file and leaves the database as it was."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from binnenwerk import models as m
from binnenwerk.extensions import db

from .dataio_uploads import upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)

KINDS = ("teams", "supervisors", "employees", "requests")


def snapshot() -> dict:
    """Every row of every table but the audit log, as plain tuples."""
    db.session.expire_all()
    tables = {}
    for table in db.metadata.sorted_tables:
        if table.name == "audit_event":
            continue
        rows = db.session.execute(select(table)).all()
        tables[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return tables


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_kind_exports_imports_and_exports_the_same_file_without_changing_the_database(
        demo, make, runner, tmp_path, fmt):
    # Texts a spreadsheet would take for a formula must survive the round trip too.
    team = db.session.scalar(select(m.Team).order_by(m.Team.id))
    make.employee(team=team, first_name="=Jan", last_name="@Smit", email="jan@example.org", phone="+31 6 1234 5678",
                  job_coach_name="-coach", contract_minutes=1525, contract_end=dt.date(2027, 6, 30))
    # Two people with the same name in one team: the id column keeps them apart.
    for _ in range(2):
        make.employee(team=team, first_name="Vera", last_name="Bosman")
    make.supervisor(name="Vera Bosman", region="Oost")
    make.supervisor(name="Vera Bosman", region="Oost")
    db.session.commit()
    before = snapshot()
    for kind in KINDS:
        first, second = tmp_path / f"{kind}-1.{fmt}", tmp_path / f"{kind}-2.{fmt}"
        assert runner.invoke(args=["export", kind, str(first)]).exit_code == 0
        if kind == "employees" and fmt == "csv":
            assert ";'=Jan;'@Smit;" in first.read_text(encoding="utf-8-sig")

        result = runner.invoke(args=["import", kind, str(first)])

        assert result.exit_code == 0, result.output
        assert "0 nieuw, 0 gewijzigd" in result.output
        assert runner.invoke(args=["export", kind, str(second)]).exit_code == 0
        assert first.read_bytes() == second.read_bytes(), kind
    assert snapshot() == before


def test_employees_imported_into_a_new_team_come_back_out_in_the_same_shape(make, client, login, runner, tmp_path):
    make.location("Den Haag", code="dh-rijnstraat")
    make.work_type("keyboards")
    make.work_type("pdossiers")
    make.team("Den Haag", name="Team Den Haag 1")
    rows = [
        "voornaam;achternaam;team;contracturen_per_week;max_uren_per_dag;werksoorten;locaties;ma;di;wo;do;vr;za;zo;"
        "contract_start;contract_eind;jobcoach_naam",
        "Sanne;de Vries;Team Den Haag 1;25,5;6;pdossiers,keyboards;dh-rijnstraat;08:30-14:30;;"
        "08:00-12:00, 13:00-16:00;;;;;7-12-2026;31-12-2027;Marieke",
    ]
    path = tmp_path / "in.csv"
    path.write_text("\n".join(rows), encoding="utf-8")
    db.session.commit()
    assert runner.invoke(args=["import", "employees", str(path)]).exit_code == 0

    login(make.user(role="planner"))
    response = client.get("/gegevens/employees/export.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    header, row = [list(r) for r in sheet.iter_rows(values_only=True)]
    got = dict(zip(header, row))
    employee = db.session.scalar(select(m.Employee))
    assert got["id"] == employee.id
    assert got["contracturen_per_week"] == 25.5 and employee.contract_minutes == 1530
    assert got["werksoorten"] == "keyboards,pdossiers"
    assert (got["ma"], got["di"], got["wo"]) == ("08:30-14:30", None, "08:00-12:00, 13:00-16:00")
    assert got["contract_start"].date() == dt.date(2026, 12, 7)
    assert got["contract_eind"].date() == dt.date(2027, 12, 31)
    assert got["locaties"] == "dh-rijnstraat" and got["jobcoach_naam"] == "Marieke"


def test_an_import_changes_only_the_rows_that_differ(demo, runner, tmp_path):
    path = tmp_path / "teams.csv"
    runner.invoke(args=["export", "teams", str(path)])
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].rsplit(";", 1)[0] + ";14"  # the first team: at most 14
    lines.append("Team Nieuw;Den Haag;;")
    path.write_text("\n".join(lines), encoding="utf-8")

    result = runner.invoke(args=["import", "teams", str(path)])

    assert result.exit_code == 0, result.output
    assert "1 nieuw, 1 gewijzigd, 5 ongewijzigd" in result.output
    db.session.expire_all()
    first = db.session.scalar(select(m.Team).where(m.Team.name == lines[1].split(";")[0]))
    assert first.max_size == 14
    assert db.session.scalar(select(m.Team).where(m.Team.name == "Team Nieuw")).max_size == 15
    audit = db.session.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "import_teams")).all()
    assert len(audit) == 1
    assert audit[0].detail == "created=1 updated=1 unchanged=5" and audit[0].origin == "cli"


def test_the_check_lists_what_changes_and_counts_what_does_not(demo, client, login, make, tmp_path):
    """The whole export back with two phone numbers changed: the check listed every row, most of
    them 'Ongewijzigd', and the changed ones without saying what changed (a QA finding at 1,357 rows)."""
    import csv
    import re

    login(make.user("planner"))
    db.session.commit()
    exported = client.get("/gegevens/employees/export.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported), delimiter=";"))
    header, body = rows[0], rows[1:]
    phone = header.index("telefoon")
    for row, number in zip(body[:2], ("06-11112222", "06-33334444")):
        row[phone] = number
    text = "\r\n".join(";".join(row) for row in rows)

    page = upload(client, "employees", text.encode("utf-8"), "medewerkers.csv").get_data(as_text=True)

    said = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    unchanged = len(body) - 2
    assert f"{unchanged} rijen veranderen niets en staan daarom niet in de tabel." in said
    assert said.count("Verandert: telefoon") == 2
    assert page.count('<tr id="rij-') == 2 and ">Ongewijzigd<" not in page
    assert "De rijen uit het bestand die iets veranderen of een fout hebben" in page
