"""QA round 12 on the import pages: dates the forms refuse, control characters in a CSV cell, a
byte order mark before Windows-1252 text, the page of a refused 10,000-row file, another kind's
file, and how a problem line ends."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from binnenwerk import models as m
from binnenwerk.dataio import engine, values
from binnenwerk.dataio.api import get_kind, import_file
from binnenwerk.extensions import db

from .dataio_uploads import upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)
from .test_dataio_refusals import (  # noqa: F401 (world: a fixture)
    EMPLOYEE_HEADER, REQUEST_HEADER, TEAM_HEADER, counts, employee_row, request_row, run_import, world, write_csv,
)


def csv_body(rows: list[list[str]]) -> bytes:
    return "\r\n".join(";".join(row) for row in rows).encode("utf-8")


@pytest.fixture
def planner(world, make, login):
    login(make.user(role="planner"))


# --- 1. dates outside the years the forms take ------------------------------------------------------


@pytest.mark.parametrize("column, value", [
    ("contract_start", "0001-01-01"), ("contract_start", "1-1-0001"), ("contract_eind", "9999-12-31"),
    ("contract_start", "1899-12-31"), ("contract_eind", "1-1-2201"),
])
def test_an_employee_date_outside_the_forms_years_is_refused_by_row_and_column(world, runner, tmp_path, column,
                                                                               value):
    path = write_csv(tmp_path, [EMPLOYEE_HEADER, employee_row(**{column: value})])
    before = counts()

    result = run_import(runner, "employees", path)

    assert result.exit_code == 1, result.output
    assert f"rij 2\tkolom {column}\twaarde '{value}'\t'{value}' ligt niet tussen 1900 en 2200" in result.output
    assert counts() == before


def test_a_request_date_outside_the_forms_years_is_refused_by_row_and_column(world, runner, tmp_path):
    path = write_csv(tmp_path, [REQUEST_HEADER, request_row(startdatum="0001-01-01")])

    result = run_import(runner, "requests", path)

    assert result.exit_code == 1, result.output
    assert "rij 2\tkolom startdatum\twaarde '0001-01-01'\t'0001-01-01' ligt niet tussen 1900 en 2200" in result.output


def test_an_excel_date_cell_outside_the_forms_years_is_refused_too(world, runner, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(EMPLOYEE_HEADER)
    workbook.active.append(employee_row()[:-1] + [dt.datetime(9999, 12, 31)])
    path = tmp_path / "medewerkers.xlsx"
    workbook.save(path)

    result = run_import(runner, "employees", str(path))

    assert result.exit_code == 1, result.output
    assert "kolom contract_eind\twaarde '9999-12-31'\t'9999-12-31' ligt niet tussen 1900 en 2200" in result.output


def test_the_first_and_last_day_the_forms_take_are_read(app):
    with app.test_request_context():
        assert values.date("1900-01-01") == dt.date(1900, 1, 1)
        assert values.date("31-12-2200") == dt.date(2200, 12, 31)
        assert values.date(dt.datetime(2200, 12, 31)) == dt.date(2200, 12, 31)


# --- 2. a control character in a cell of a text file ------------------------------------------------


@pytest.mark.parametrize("typed, stored", [
    ("San\x0bne", "San ne"), ("San\x0cne", "San ne"), ("Sanne\x07", "Sanne"), ("\x1b[31mSanne\x1b[0m", "Sanne"),
])
def test_a_control_character_in_a_csv_cell_is_read_as_the_forms_read_it(world, runner, tmp_path, typed, stored):
    path = write_csv(tmp_path, [EMPLOYEE_HEADER, employee_row(voornaam=typed)])

    result = run_import(runner, "employees", path)

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalars(select(m.Employee.first_name)).all() == [stored]


def test_a_control_character_in_an_xlsx_cell_is_read_as_in_a_csv_cell(world, runner, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(EMPLOYEE_HEADER)
    workbook.active.append(employee_row())
    workbook.active["A2"].value = "San_x000B_ne"  # how Excel writes a vertical tab in a cell
    path = tmp_path / "medewerkers.xlsx"
    workbook.save(path)

    result = run_import(runner, "employees", str(path))

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalars(select(m.Employee.first_name)).all() == ["San ne"]


def test_a_binary_file_named_csv_is_still_no_csv_file(world, app):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    with app.test_request_context():
        outcome = import_file(get_kind("teams"), "teams.csv", png, commit=True)
    assert [str(p) for p in outcome.file_problems] == [
        "Dit bestand is geen CSV-bestand (tekst). Kies een .xlsx- of .csv-bestand."]


# --- 3. a UTF-8 byte order mark before Windows-1252 text --------------------------------------------


def test_a_byte_order_mark_before_windows_1252_text_is_no_part_of_the_first_column(world, runner, tmp_path):
    path = tmp_path / "teams.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "naam;regio\r\nTeam Zoë;Den Haag\r\n".encode("cp1252"))

    result = run_import(runner, "teams", str(path))

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert "Team Zoë" in db.session.scalars(select(m.Team.name)).all()


# --- 4. the page of a refused file of many rows -----------------------------------------------------


def test_a_refused_file_lists_its_first_rows_with_a_problem_and_counts_the_rest(planner, client, monkeypatch):
    monkeypatch.setattr(engine, "LISTED_ROWS", 20)
    rows = [employee_row(voornaam=f"P{i}", team="Team Delft") for i in range(50)]
    rows[5] = employee_row(voornaam="Goed")  # a new employee: a row that changes something
    rows[45] = employee_row(voornaam="Ook goed")

    response = upload(client, "employees", csv_body([EMPLOYEE_HEADER] + rows), "medewerkers.csv")

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    listed = re.findall(r'<tr id="rij-(\d+)"', page)
    # The first 20 rows with a problem (rows 2-22 but the good row 7), and both good rows.
    assert listed == [str(n) for n in range(2, 23)] + ["47"], listed
    assert "Nog 28 rijen met een fout staan niet in de tabel." in page
    assert "En nog 0 problemen" not in page and "rijen veranderen niets" not in page


def test_a_refused_file_of_ten_thousand_rows_makes_a_small_page(planner, client):
    rows = [employee_row(voornaam=f"P{i}", team="Team Delft") for i in range(10_000)]

    response = upload(client, "employees", csv_body([EMPLOYEE_HEADER] + rows), "medewerkers.csv")

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert len(page) < 300_000, len(page)
    assert "Nog 9800 rijen met een fout staan niet in de tabel." in page
    assert "En nog 9900 problemen." in page and "die staan in de tabel" not in page


def test_a_file_without_problems_still_lists_every_row_it_changes(planner, client, monkeypatch):
    monkeypatch.setattr(engine, "LISTED_ROWS", 2)
    rows = [employee_row(voornaam=f"P{i}") for i in range(5)]

    page = upload(client, "employees", csv_body([EMPLOYEE_HEADER] + rows), "medewerkers.csv").get_data(as_text=True)

    assert len(re.findall(r'<tr id="rij-', page)) == 5, page[-3000:]


# --- 5. the file of another kind --------------------------------------------------------------------


def test_the_employees_file_on_the_teams_page_says_where_it_belongs(planner, client):
    response = upload(client, "teams", csv_body([EMPLOYEE_HEADER, employee_row()]), "medewerkers.csv")

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Dit lijkt een bestand met medewerkers. Upload het bij Medewerkers." in page
    assert "deze kolom kennen we niet" not in page and "deze kolom ontbreekt" not in page
    assert '<a href="/gegevens/employees/#importeren">Medewerkers importeren en exporteren</a>' in page


def test_the_teams_file_on_the_supervisors_page_says_where_it_belongs(planner, client):
    body = csv_body([TEAM_HEADER, ["Team Nieuw", "Den Haag", "dh-rijnstraat", "12"]])

    page = upload(client, "supervisors", body, "teams.csv").get_data(as_text=True)

    assert "Dit lijkt een bestand met teams. Upload het bij Teams." in page


def test_a_mistyped_column_of_the_kinds_own_file_is_named_as_before(planner, client):
    header = ["naam", "regio", "thuislocatie", "max_medewerker"]
    body = csv_body([header, ["Team Nieuw", "Den Haag", "dh-rijnstraat", "12"]])

    page = upload(client, "teams", body, "teams.csv").get_data(as_text=True)

    assert "deze kolom kennen we niet" in page and "Dit lijkt een bestand" not in page


# --- 6. how a problem line ends ---------------------------------------------------------------------


def test_every_problem_line_ends_as_a_sentence_once(world, app):
    rows = [EMPLOYEE_HEADER, employee_row(contracturen_per_week="2 5"), employee_row(voornaam="B", werksoorten=""),
            employee_row(voornaam="C", ma="x")]
    with app.test_request_context():
        outcome = import_file(get_kind("employees"), "x.csv", csv_body(rows), commit=False)
    assert [str(p) for p in outcome.problems] == [
        "Rij 2, kolom contracturen_per_week: '2 5' is geen getal.",
        "Rij 3, kolom werksoorten: Kies minstens één werksoort.",
        "Rij 4, kolom ma: 'x' is geen tijdvak (schrijf bijvoorbeeld 08:30-16:00, of laat leeg).",
    ]


def test_a_problem_in_the_table_ends_as_in_the_summary(planner, client):
    body = csv_body([EMPLOYEE_HEADER, employee_row(contracturen_per_week="2 5")])

    page = upload(client, "employees", body, "medewerkers.csv").get_data(as_text=True)

    assert "<strong>contracturen_per_week</strong>: &#39;2 5&#39; is geen getal.</li>" in page
