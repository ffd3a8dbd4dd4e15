"""The import pages: upload, preview, confirm; templates and exports; who may use them."""
from __future__ import annotations

import io
import re

import pytest
from flask import g
from openpyxl import load_workbook
from sqlalchemy import func, select

from binnenwerk import models as m
from binnenwerk.extensions import db

from .dataio_uploads import token_of, upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)

HEADER = "voornaam;achternaam;team;contracturen_per_week;max_uren_per_dag;werksoorten;ma;contract_start"


@pytest.fixture
def planner(make, login):
    make.location("Den Haag", code="dh-rijnstraat")
    make.work_type("keyboards")
    team = make.team("Den Haag", name="Team Den Haag 1")
    user = make.user(role="planner")
    login(user)
    return {"user": user, "team": team}


def employees() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(m.Employee.id)))


def test_upload_preview_confirm_imports_the_file(planner, client, upload_folder):
    page = client.get("/gegevens/employees/")
    assert page.status_code == 200 and "Medewerkers importeren en exporteren" in page.get_data(as_text=True)
    body = ("\ufeff" + HEADER + "\r\nSanne;de Vries;Team Den Haag 1;25,5;6;keyboards;08:30-14:30;7-12-2026\r\n"
            "Piet;Jansen;Team Den Haag 1;20;8;keyboards;09:00-13:00;2026-12-07\r\n").encode("utf-8")

    preview = upload(client, "employees", body, "medewerkers.csv")

    text = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Alle 2 rijen zijn in orde: 2 nieuw, 0 gewijzigd, 0 ongewijzigd" in text
    assert "<caption" in text and '<th scope="row">2</th>' in text and "Sanne" in text
    assert employees() == 0  # a preview stores nothing
    assert [p.name for p in upload_folder.iterdir()] == [f"{token_of(text)}.csv"]

    response = client.post("/gegevens/employees/bevestigen", data={"upload": token_of(text)}, follow_redirects=True)

    assert "Het bestand is geïmporteerd: 2 nieuw, 0 gewijzigd, 0 ongewijzigd." in response.get_data(as_text=True)
    assert employees() == 2
    # The kept upload is gone once imported; a note of the result stays, without the file's data.
    assert [p.name for p in upload_folder.iterdir()] == [f"{token_of(text)}.done"]
    assert "Sanne" not in (upload_folder / f"{token_of(text)}.done").read_text()
    sanne = db.session.scalar(select(m.Employee).where(m.Employee.first_name == "Sanne"))
    assert sanne.contract_minutes == 1530 and [w.code for w in sanne.work_types] == ["keyboards"]
    assert [(s.weekday, s.start_minute, s.end_minute) for s in sanne.availability] == [(1, 510, 870)]
    event = db.session.scalar(select(m.AuditEvent).where(m.AuditEvent.action == "import_employees"))
    assert event.detail == "created=2 updated=0 unchanged=0" and event.actor_id == planner["user"].id
    assert "Sanne" not in event.detail

    again = client.post("/gegevens/employees/bevestigen", data={"upload": token_of(text)}, follow_redirects=True)
    assert "Dit bestand is al geïmporteerd: 2 nieuw, 0 gewijzigd, 0 ongewijzigd." in again.get_data(as_text=True)
    assert "verlopen" not in again.get_data(as_text=True)
    assert employees() == 2


def test_a_second_click_on_importeren_during_the_import_waits_and_says_it_was_imported(planner, client, app,
                                                                                        upload_folder):
    import threading

    from binnenwerk.dataio import routes
    from binnenwerk.dataio.api import get_kind

    preview = upload(client, "employees", (HEADER + "\nSanne;de Vries;Team Den Haag 1;25;6;keyboards;09:00-13:00;"
                                                    "2026-12-07\n").encode(), "m.csv")
    token = token_of(preview.get_data(as_text=True))
    # The first click is importing: it has taken the upload, and finishes a moment later.
    busy = routes._claim(upload_folder / f"{token}.csv")

    def first_click_finishes():
        routes._record_import(upload_folder, token, planner["user"].id, get_kind("employees"),
                              {"create": 1, "update": 0, "unchanged": 0})
        busy.unlink()

    threading.Timer(0.5, first_click_finishes).start()

    second = client.post("/gegevens/employees/bevestigen", data={"upload": token}, follow_redirects=True)

    assert "Dit bestand is al geïmporteerd: 1 nieuw, 0 gewijzigd, 0 ongewijzigd." in second.get_data(as_text=True)
    assert employees() == 0  # the second click imported nothing itself


def test_a_second_click_while_a_long_import_runs_says_so_and_imports_nothing(planner, client, upload_folder,
                                                                             monkeypatch):
    from binnenwerk.dataio import routes

    monkeypatch.setattr(routes, "WAIT_FOR_IMPORT", 0.3)
    preview = upload(client, "employees", (HEADER + "\nSanne;de Vries;Team Den Haag 1;25;6;keyboards;09:00-13:00;"
                                                    "2026-12-07\n").encode(), "m.csv")
    token = token_of(preview.get_data(as_text=True))
    routes._claim(upload_folder / f"{token}.csv")

    second = client.post("/gegevens/employees/bevestigen", data={"upload": token}, follow_redirects=True)

    assert "Dit bestand wordt nog geïmporteerd." in second.get_data(as_text=True)
    assert employees() == 0


def test_a_preview_shows_each_rows_problem_and_offers_no_import(planner, client):
    body = (HEADER + "\nSanne;de Vries;Team Den Haag 1;25,5;6;keyboards;09:00-13:00;2026-12-07\n"
            "Piet;Jansen;Team Delft;veertig;6;;;2026-12-07\n").encode()

    preview = upload(client, "employees", body, "medewerkers.csv")

    text = preview.get_data(as_text=True)
    assert preview.status_code == 422  # a refused form (README); was 200
    # Every problem of the row at once: the missing work type too, not once the others are fixed.
    assert "Er zijn 3 problemen. Er is niets opgeslagen." in text
    assert "Rij 3, kolom team: onbekend team &#39;Team Delft&#39;" in text
    assert "Rij 3, kolom contracturen_per_week: &#39;veertig&#39; is geen getal" in text
    assert "Rij 3, kolom werksoorten: Kies minstens één werksoort." in text
    assert 'href="#rij-3"' in text and 'id="rij-3"' in text
    # The summary's link puts the focus on the row, not on the page's start (WCAG 2.4.3, a QA finding).
    assert re.search(r'<tr id="rij-3" class="has-problem" tabindex="-1">', text)
    assert "bevestigen" not in text
    assert employees() == 0


def test_the_preview_counts_rows_and_problems_in_the_right_grammatical_number(planner, client):
    # One bad cell in each of 101 rows: the list shows 100, the one left over is "1 probleem".
    body = (HEADER + "\n" + "Piet;Jansen;Team Den Haag 1;veertig;6;keyboards;09:00-13:00;2026-12-07\n" * 101).encode()

    text = upload(client, "employees", body, "medewerkers.csv").get_data(as_text=True)

    assert "Er zijn 101 problemen." in text
    assert "En nog 1 probleem; dat staat in de tabel." in text and "nog 1 problemen" not in text


def test_the_database_is_checked_again_on_confirm(planner, make, client):
    """A team that filled up between preview and confirm: nothing is imported."""
    for _ in range(14):
        make.employee(team=planner["team"])
    db.session.commit()
    preview = upload(client, "employees", (HEADER + "\nSanne;de Vries;Team Den Haag 1;25;6;keyboards;09:00-13:00;2026-12-07\n").encode(),
                     "m.csv")
    assert "De rij is in orde" in preview.get_data(as_text=True)
    make.employee(team=planner["team"])
    db.session.commit()

    response = client.post("/gegevens/employees/bevestigen", data={"upload": token_of(preview.get_data(as_text=True))})

    assert response.status_code == 422
    assert "Team Den Haag 1 is vol" in response.get_data(as_text=True)
    assert employees() == 15
    # Nothing was imported, so a second click does not say it was.
    again = client.post("/gegevens/employees/bevestigen", data={"upload": token_of(preview.get_data(as_text=True))},
                        follow_redirects=True)
    assert "Deze upload is verlopen of niet gevonden. Er is niets geïmporteerd." in again.get_data(as_text=True)


def test_a_token_from_another_session_or_a_forged_one_imports_nothing(planner, client, app):
    preview = upload(client, "employees", (HEADER + "\nSanne;de Vries;Team Den Haag 1;25;6;keyboards;09:00-13:00;2026-12-07\n").encode(),
                     "m.csv")
    token = token_of(preview.get_data(as_text=True))
    other = app.test_client()
    other.post("/auth/login", data={"email": planner["user"].email, "password": "Test-wachtwoord-2026"})

    for who, value in ((other, token), (client, "../../secret_key"), (client, "0" * 32)):
        response = who.post("/gegevens/employees/bevestigen", data={"upload": value}, follow_redirects=True)
        assert "Deze upload is verlopen" in response.get_data(as_text=True)
    assert employees() == 0


def test_only_the_user_who_imported_an_upload_hears_that_it_was_imported(planner, make, client, app):
    preview = upload(client, "employees", (HEADER + "\nSanne;de Vries;Team Den Haag 1;25;6;keyboards;09:00-13:00;"
                                                    "2026-12-07\n").encode(), "m.csv")
    token = token_of(preview.get_data(as_text=True))
    client.post("/gegevens/employees/bevestigen", data={"upload": token})
    g.pop("_login_user", None)
    colleague = make.user(role="planner")
    db.session.commit()
    other = app.test_client()
    other.post("/auth/login", data={"email": colleague.email, "password": "Test-wachtwoord-2026"})

    response = other.post("/gegevens/employees/bevestigen", data={"upload": token}, follow_redirects=True)

    assert "Deze upload is verlopen" in response.get_data(as_text=True)
    assert "al geïmporteerd" not in response.get_data(as_text=True)
    assert employees() == 1


NOT_A_SPREADSHEET = [  # (content, file name, message)

    (bytes(range(256)) * 40, "medewerkers.xlsx", "kunnen we niet lezen als Excel-bestand"),
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 500, "programma.xlsx",
     "kunnen we niet lezen als Excel-bestand"),
    (b"PK\x03\x04" + b"\x00" * 200, "kapot.xlsx", "kunnen we niet lezen als Excel-bestand"),
    (bytes(range(256)) * 40, "medewerkers.csv", "geen CSV-bestand"),
    (b"%PDF-1.4", "brief.pdf", "Kies een Excel-bestand (.xlsx) of een CSV-bestand (.csv)."),
    (b"", "leeg.csv", "Het bestand is leeg"),
    (HEADER.encode() + b"\n", "alleen-kop.csv", "geen rijen met gegevens"),
    (b"naam;kleur\nx;y\n", "ander.csv", "deze kolom kennen we niet"),
]


def test_a_file_that_is_no_usable_spreadsheet_gets_a_dutch_message(planner, client):
    for body, filename, message in NOT_A_SPREADSHEET:
        response = upload(client, "employees", body, filename)

        assert response.status_code == 422, filename
        text = response.get_data(as_text=True)
        assert message in text, filename
        assert 'aria-invalid="true"' in text, filename  # the message is tied to the file field
    assert employees() == 0


def test_a_real_zip_that_is_no_workbook_gets_a_dutch_message(planner, client):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "geen werkmap")
    response = upload(client, "employees", buffer.getvalue(), "map.xlsx")
    assert response.status_code == 422
    assert "kunnen we niet lezen als Excel-bestand" in response.get_data(as_text=True)


def test_an_upload_without_a_file_asks_for_one(planner, client):
    response = client.post("/gegevens/employees/voorbeeld", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Kies een bestand om te uploaden." in response.get_data(as_text=True)


def test_an_xlsx_upload_with_excel_dates_and_numbers_is_read(planner, client):
    from openpyxl import Workbook
    import datetime as dt

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(["Sanne", "de Vries", "Team Den Haag 1", 25.5, 6, "keyboards", "08:30-14:30", dt.datetime(2026, 12, 7)])
    raw = io.BytesIO()
    workbook.save(raw)

    preview = upload(client, "employees", raw.getvalue(), "medewerkers.xlsx")

    text = preview.get_data(as_text=True)
    assert "De rij is in orde: 1 nieuw" in text
    assert "25,5" in text and "2026-12-07" in text


def test_each_kind_has_templates_whose_headers_are_its_columns(planner, client):
    from binnenwerk.dataio.api import get_kind

    for kind in ("teams", "supervisors", "employees", "requests"):
        columns = [c.name for c in get_kind(kind).columns]
        xlsx = client.get(f"/gegevens/{kind}/sjabloon.xlsx")
        assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
        rows = list(load_workbook(io.BytesIO(xlsx.data), read_only=True).worksheets[0].iter_rows(values_only=True))
        assert list(rows[0]) == columns and len(rows) == 2, kind

        csv = client.get(f"/gegevens/{kind}/sjabloon.csv")
        assert csv.data.startswith("\ufeff".encode()), kind
        assert csv.data.decode("utf-8-sig").splitlines()[0] == ";".join(columns), kind


def test_the_employee_export_has_no_special_category_data(planner, make, client):
    employee = make.employee(team=planner["team"], first_name="Sanne")
    employee.sensitive = m.EmployeeSensitive(indication="Wajong", health_notes="Rugklachten",
                                             accommodations="Rustige ruimte")
    db.session.commit()

    for fmt in ("csv", "xlsx"):
        response = client.get(f"/gegevens/employees/export.{fmt}")
        assert response.status_code == 200
        content = response.data.decode("utf-8-sig") if fmt == "csv" else " ".join(
            str(c) for r in load_workbook(io.BytesIO(response.data)).worksheets[0].iter_rows(values_only=True)
            for c in r)
        assert "Sanne" in content
        for secret in ("Wajong", "Rugklachten", "Rustige ruimte"):
            assert secret not in content
    events = db.session.scalars(select(m.AuditEvent.detail).where(m.AuditEvent.action == "export_employees")).all()
    assert sorted(events) == ["format=csv", "format=xlsx"]


def test_who_may_open_which_import(make, login, client, app):
    cases = [
        ("admin", "teams", 200), ("admin", "supervisors", 200), ("admin", "employees", 403),
        ("admin", "requests", 403), ("team_leader", "teams", 403), ("ministry_contact", "requests", 403),
        ("planner", "onbekend", 404),
    ]
    for role, kind, status in cases:
        # The test's app context (and its g) outlives each request: forget the last visitor.
        g.pop("_login_user", None)
        visitor = app.test_client()
        user = make.user(role=role)
        db.session.commit()
        visitor.post("/auth/login", data={"email": user.email, "password": "Test-wachtwoord-2026"})
        assert visitor.get(f"/gegevens/{kind}/").status_code == status, (role, kind)
        assert visitor.get(f"/gegevens/{kind}/export.csv").status_code == status, (role, kind)
        if status == 403:
            upload_response = upload(visitor, kind, b"naam\nx\n", "x.csv")
            assert upload_response.status_code == 403, (role, kind)


def test_the_overview_lists_only_the_kinds_a_role_may_use(make, login, client):
    login(make.user(role="admin"))
    text = client.get("/gegevens/").get_data(as_text=True)
    assert "Teams" in text and "Teamleiders" in text and "Medewerkers" not in text


def test_an_unknown_export_format_is_a_404(planner, client):
    assert client.get("/gegevens/teams/export.exe").status_code == 404
    assert client.get("/gegevens/teams/sjabloon.pdf").status_code == 404


def test_the_pages_need_a_login(client):
    response = client.get("/gegevens/teams/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("csrf", [False, True], ids=["read in the view", "read by the CSRF check"])
def test_a_file_over_10_mb_gets_the_upload_form_again_with_the_limit(planner, client, app, csrf):
    app.config["WTF_CSRF_ENABLED"] = csrf

    response = upload(client, "employees", b"x" * (10 * 1024 * 1024 + 1), "groot.csv")

    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "Het bestand is groter dan 10 MB, en meer kunnen we niet ontvangen." in text
    assert 'action="/gegevens/employees/voorbeeld"' in text and 'aria-invalid="true"' in text
    assert employees() == 0


def test_a_too_large_body_elsewhere_or_from_someone_without_access_gets_the_general_page(make, login, client):
    login(make.user(role="admin"))  # may import teams, not employees
    big = b"x" * (10 * 1024 * 1024 + 1)

    file_sent = upload(client, "employees", big, "groot.csv")
    form_sent = client.post("/gegevens/teams/bevestigen", data={"upload": big.decode()})  # no file in it
    for response, said in ((file_sent, "Het bestand is te groot. Het mag maximaal 10 MB zijn."),
                           (form_sent, "Dit is te veel gegevens in één keer.")):
        assert response.status_code == 413
        text = response.get_data(as_text=True)
        assert said in text
        assert 'enctype="multipart/form-data"' not in text  # no upload form


def test_an_admin_imports_pool_supervisors_through_the_pages(make, login, client):
    make.work_type("keyboards")
    login(make.user(role="admin"))
    body = "naam;team;regio;werksoorten;ma;di\nInvalpool Oost;;Oost;keyboards;07:30-17:00;07:30-17:00\n".encode()

    preview = upload(client, "supervisors", body, "teamleiders.csv")
    text = preview.get_data(as_text=True)
    assert "De rij is in orde: 1 nieuw" in text
    response = client.post("/gegevens/supervisors/bevestigen", data={"upload": token_of(text)}, follow_redirects=True)

    assert "Het bestand is geïmporteerd: 1 nieuw" in response.get_data(as_text=True)
    supervisor = db.session.scalar(select(m.Supervisor))
    assert (supervisor.name, supervisor.team_id, supervisor.region) == ("Invalpool Oost", None, "Oost")
    assert [(s.weekday, s.start_minute, s.end_minute) for s in supervisor.availability] == [(1, 450, 1020), (2, 450, 1020)]
