"""QA pass 18, the import templates: their example row is not imported as a real person, their text
columns keep a phone number's leading 0 (and a lost 0 is said as such), and English downloads have
English names."""
from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from binnenwerk import models as m
from binnenwerk.dataio import values as v
from binnenwerk.dataio import writing
from binnenwerk.dataio.api import get_kind, import_file
from binnenwerk.extensions import db
from tests.conftest import english_client

from .dataio_uploads import upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)
from .test_dataio_refusals import REQUEST_HEADER, request_row

EXAMPLE = ("Rij 2: dit is de voorbeeldrij uit het sjabloon, geen echte gegevens. Haal deze rij uit het bestand en "
           "upload het opnieuw.")


@pytest.fixture
def world(make):
    """What every template's example row names: it would be imported as it is."""
    bzk = make.ministry("BZK", name="Binnenlandse Zaken")
    make.location("Den Haag", bzk, code="dh-rijnstraat")
    make.work_type("keyboards")
    make.work_type("pdossiers")
    team = make.team("Den Haag", name="Team Den Haag 1")
    db.session.commit()
    return {"team": team, "bzk": bzk}


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(model.id)))


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def own_employee(header: list[str], **cells) -> list[str]:
    row = dict.fromkeys(header, "")
    row.update({"voornaam": "Piet", "achternaam": "Bakker", "team": "Team Den Haag 1", "contracturen_per_week": "20",
                "max_uren_per_dag": "8", "werksoorten": "keyboards", "ma": "09:00-13:00",
                "contract_start": "2026-12-07"}, **cells)
    return [row[c] for c in header]


def problems(kind: str, data: bytes, name: str = "f.csv") -> list[str]:
    return [str(p) for p in import_file(get_kind(kind), name, data, commit=False).problems]


# --- 1. the template's example row -------------------------------------------------------------


def test_the_employees_template_with_own_rows_under_it_refuses_the_example(world, make, login, client):
    login(make.user(role="planner"))
    rows = csv_rows(client.get("/gegevens/employees/sjabloon.csv").data)
    assert rows[1][1:4] == ["Sanne", "de Vries", "Team Den Haag 1"]
    body = csv_bytes(rows + [own_employee(rows[0])])

    response = upload(client, "employees", body, "medewerkers.csv")

    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
    assert response.status_code == 422
    assert EXAMPLE in text
    assert "1 nieuw" not in text and "Rij 3:" not in text and "Rij 3, " not in text
    assert count(m.Employee) == 0
    # Without the example row the file is right.
    assert problems("employees", csv_bytes([rows[0], own_employee(rows[0])])) == []


def test_the_xlsx_template_with_own_rows_under_it_refuses_the_example(world, make, login, client):
    login(make.user(role="planner"))
    workbook = load_workbook(io.BytesIO(client.get("/gegevens/employees/sjabloon.xlsx").data))
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    sheet.append(own_employee(header))
    saved = io.BytesIO()
    workbook.save(saved)

    assert problems("employees", saved.getvalue(), "medewerkers.xlsx") == [EXAMPLE]


def test_the_supervisors_example_is_no_second_team_leader(world, make, login, client):
    login(make.user(role="planner"))
    body = client.get("/gegevens/supervisors/sjabloon.csv").data
    assert "Peter Jansen" in body.decode("utf-8-sig")

    response = upload(client, "supervisors", body, "teamleiders.csv")

    assert response.status_code == 422 and "dit is de voorbeeldrij uit het sjabloon" in response.get_data(as_text=True)
    assert count(m.Supervisor) == 0


@pytest.mark.parametrize("kind", ["teams", "supervisors", "employees", "requests"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_kinds_example_row_is_refused(world, kind, fmt):
    """Each template as downloaded: its one row would be imported (the database has what it names),
    and is refused as the example instead."""
    data = writing.template(get_kind(kind), fmt)

    outcome = import_file(get_kind(kind), f"sjabloon.{fmt}", data, commit=True)

    assert [str(p) for p in outcome.problems] == [EXAMPLE]
    assert not outcome.committed and outcome.counts == {"create": 0, "update": 0, "unchanged": 0}


def test_the_example_row_with_an_unknown_team_says_only_that_it_is_the_example(make):
    """The example's team, work types and location need not exist: "onbekend team" would only
    puzzle; the row is the example."""
    make.team("Utrecht", name="Team Utrecht")
    db.session.commit()
    assert problems("employees", writing.template(get_kind("employees"), "csv")) == [EXAMPLE]


def test_the_example_row_as_excel_rewrites_it_is_still_the_example(world):
    """A CSV template opened and saved in Excel: 8:30 for 08:30, 25.5, a Dutch date."""
    rows = csv_rows(writing.template(get_kind("employees"), "csv"))
    row = dict(zip(rows[0], rows[1]))
    row.update({"contracturen_per_week": "25.5", "ma": "8:30-14:30", "contract_start": "5-1-2026",
                "team": "team den haag 1"})
    assert problems("employees", csv_bytes([rows[0], [row[c] for c in rows[0]]])) == [EXAMPLE]


@pytest.mark.parametrize("column, value", [("voornaam", "Sanna"), ("email", "sanne@example.org"),
                                           ("contracturen_per_week", "24")])
def test_a_row_that_differs_from_the_example_is_imported(world, column, value):
    rows = csv_rows(writing.template(get_kind("employees"), "csv"))
    row = dict(zip(rows[0], rows[1]), **{column: value})
    outcome = import_file(get_kind("employees"), "f.csv", csv_bytes([rows[0], [row[c] for c in rows[0]]]),
                          commit=False)
    assert outcome.ok and outcome.counts["create"] == 1


def test_a_file_without_the_examples_columns_is_no_example(world):
    """A file of a few columns that happen to hold the example's values is someone's own file."""
    header = ["voornaam", "achternaam", "team", "contracturen_per_week", "max_uren_per_dag", "werksoorten", "ma",
              "contract_start"]
    outcome = import_file(get_kind("employees"), "f.csv", csv_bytes([header, [
        "Sanne", "de Vries", "Team Den Haag 1", "25,5", "6", "keyboards,pdossiers", "08:30-14:30", "2026-01-05"]]),
        commit=False)
    assert outcome.ok and outcome.counts["create"] == 1


def test_a_stored_team_equal_to_the_example_exports_and_imports_unchanged(world, make):
    """A real team may be the example's: its export, imported again, changes nothing and is fine."""
    world["team"].home_location = db.session.scalar(select(m.Location).where(m.Location.code == "dh-rijnstraat"))
    world["team"].max_size = 15
    db.session.commit()
    exported = writing.export(get_kind("teams"), "csv")
    assert csv_rows(exported)[1] == csv_rows(writing.template(get_kind("teams"), "csv"))[1]

    outcome = import_file(get_kind("teams"), "teams.csv", exported, commit=False)

    assert outcome.ok and outcome.counts == {"create": 0, "update": 0, "unchanged": 1}


# --- 2. a phone number's leading 0 -------------------------------------------------------------


def _column_formats(data: bytes) -> dict[str, tuple[str, str]]:
    """Per column name: (the column's number format, the example cell's)."""
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return {cell.value: (sheet.column_dimensions[cell.column_letter].number_format,
                         sheet.cell(row=2, column=cell.column).number_format) for cell in sheet[1]}


def test_the_xlsx_templates_text_columns_are_text(world):
    for kind in ("teams", "supervisors", "employees", "requests"):
        formats = _column_formats(writing.template(get_kind(kind), "xlsx"))
        for column in get_kind(kind).columns:
            wanted = "@" if column.text else "General"
            assert formats[column.name][0] == wanted, (kind, column.name)
            if column.text:
                assert formats[column.name][1] == "@", (kind, column.name)
    employees = _column_formats(writing.template(get_kind("employees"), "xlsx"))
    for name in ("telefoon", "jobcoach_telefoon", "voornaam", "team", "werksoorten", "locaties", "ma"):
        assert employees[name] == ("@", "@"), name
    assert employees["contracturen_per_week"][0] == "General"
    assert employees["contract_start"][0] == "General"
    assert _column_formats(writing.template(get_kind("requests"), "xlsx"))["contact_telefoon"][0] == "@"
    assert _column_formats(writing.template(get_kind("supervisors"), "xlsx"))["telefoon"][0] == "@"


def test_the_xlsx_export_keeps_text_columns_text_and_reads_back(world, make):
    make.employee(team=world["team"], first_name="Anna", last_name="Bos", phone="0612345678",
                  work_types=[db.session.scalar(select(m.WorkType).where(m.WorkType.code == "keyboards"))])
    db.session.commit()
    data = writing.export(get_kind("employees"), "xlsx")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    header = [c.value for c in sheet[1]]
    phone = sheet.cell(row=2, column=header.index("telefoon") + 1)
    assert (phone.value, phone.number_format) == ("0612345678", "@")
    assert sheet.column_dimensions[phone.column_letter].number_format == "@"
    outcome = import_file(get_kind("employees"), "medewerkers.xlsx", data, commit=False)
    assert outcome.ok and outcome.counts["unchanged"] == 1


@pytest.mark.parametrize("cell", [612345678, 612345678.0, "612345678", 701234567])
def test_nine_digits_without_the_0_say_excel_dropped_it(app, cell):
    with pytest.raises(v.CellError) as refused:
        v.phone(cell)
    shown = v.display(cell)
    assert refused.value.message == (
        f"'{shown}' is te kort voor een telefoonnummer. Begint het nummer met een 0? Excel haalt die weg: zet de "
        "kolom op Tekst en typ de 0 er weer voor.")


@pytest.mark.parametrize("cell", ["06-1", "12345678", "061234567"])
def test_other_short_numbers_keep_their_words(app, cell):
    with pytest.raises(v.CellError) as refused:
        v.phone(cell)
    assert refused.value.message == (f"'{cell}' is te kort voor een telefoonnummer. Vul een geldig telefoonnummer "
                                     "in, bijvoorbeeld 06-12345678.")


def test_an_employees_phone_from_a_number_cell_says_the_0_is_lost(world):
    workbook = load_workbook(io.BytesIO(writing.template(get_kind("employees"), "xlsx")))
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    sheet.delete_rows(2)
    sheet.append(own_employee(header, telefoon=612345700))  # 0612345700 as General Excel keeps it
    saved = io.BytesIO()
    workbook.save(saved)
    assert problems("employees", saved.getvalue(), "medewerkers.xlsx") == [
        "Rij 2, kolom telefoon: '612345700' is te kort voor een telefoonnummer. Begint het nummer met een 0? Excel "
        "haalt die weg: zet de kolom op Tekst en typ de 0 er weer voor."]


@pytest.mark.parametrize("typed, said", [
    ("612345678", "'612345678' is te kort voor een telefoonnummer. Begint het nummer met een 0? Excel haalt die "
                  "weg: zet de kolom op Tekst en typ de 0 er weer voor."),
    ("06-1", "'06-1' is te kort voor een telefoonnummer. Vul een geldig telefoonnummer in, bijvoorbeeld "
             "06-12345678."),
    ("06-1234567890123456", "'06-1234567890123456' is te lang voor een telefoonnummer. Vul een geldig "
                            "telefoonnummer in, bijvoorbeeld 06-12345678."),
])
def test_a_requests_contact_phone_is_named_in_its_refusal(world, typed, said):
    header = REQUEST_HEADER + ["contact_telefoon"]
    assert problems("requests", csv_bytes([header, request_row() + [typed]])) == [
        f"Rij 2, kolom contact_telefoon: {said}"]


def test_a_requests_contact_phone_that_is_right_is_taken(world):
    header = REQUEST_HEADER + ["contact_telefoon"]
    outcome = import_file(get_kind("requests"), "f.csv", csv_bytes([header, request_row() + ["070-1234567"]]),
                          commit=False)
    assert outcome.ok and outcome.counts["create"] == 1


# --- 3. English downloads have English names ---------------------------------------------------


def _name(response) -> str:
    return re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"]).group(1)


def test_english_dataio_downloads_have_english_names_and_sheet(app_with, make, world):
    english = english_client(app_with, make, role="planner")
    assert _name(english.get("/gegevens/employees/sjabloon.csv")) == "template-employees.csv"
    assert _name(english.get("/gegevens/supervisors/sjabloon.xlsx")) == "template-team-leaders.xlsx"
    assert _name(english.get("/gegevens/requests/export.csv")) == "deployment-requests.csv"
    exported = english.get("/gegevens/employees/export.xlsx")
    assert _name(exported) == "employees.xlsx"
    assert load_workbook(io.BytesIO(exported.data)).sheetnames == ["Employees", "Explanation"]
    # The import reads the sheet shown, whatever its name: the English export reads back.
    make.employee(team=world["team"], first_name="Anna", last_name="Bos",
                  work_types=[db.session.scalar(select(m.WorkType).where(m.WorkType.code == "keyboards"))])
    db.session.commit()
    exported = english.get("/gegevens/employees/export.xlsx").data
    outcome = import_file(get_kind("employees"), "employees.xlsx", exported, commit=False)
    assert outcome.ok and outcome.counts["unchanged"] == 1


def test_dutch_dataio_downloads_keep_their_dutch_names(make, login, client, world):
    login(make.user(role="planner"))
    assert _name(client.get("/gegevens/employees/sjabloon.csv")) == "sjabloon-medewerkers.csv"
    assert _name(client.get("/gegevens/supervisors/export.csv")) == "teamleiders.csv"
    exported = client.get("/gegevens/employees/export.xlsx")
    assert _name(exported) == "medewerkers.xlsx"
    assert load_workbook(io.BytesIO(exported.data)).sheetnames == ["Medewerkers", "Uitleg"]


def test_english_report_downloads_have_english_names(app_with, make):
    english = english_client(app_with, make, role="planner")
    assert _name(english.get("/rapportages/capaciteit.csv?week=2026-W51")) == "capacity-2026-W51.csv"
    assert _name(english.get("/rapportages/banenafspraak.csv?kwartaal=2026-K4")) == "job-agreement-2026-Q4.csv"
    assert _name(english.get("/rapportages/banenafspraak-teams.csv?kwartaal=2026-K4")) == "team-use-2026-Q4.csv"
    assert _name(english.get("/rapportages/banenafspraak.xlsx?kwartaal=2026-K4")) == "job-agreement-2026-Q4.xlsx"


def test_dutch_report_downloads_keep_their_dutch_names(make, login, client):
    login(make.user(role="planner"))
    assert _name(client.get("/rapportages/capaciteit.csv?week=2026-W51")) == "capaciteit-2026-W51.csv"
    assert _name(client.get("/rapportages/banenafspraak.csv?kwartaal=2026-K4")) == "banenafspraak-2026-K4.csv"
    assert _name(client.get("/rapportages/banenafspraak-teams.csv?kwartaal=2026-K4")) == "benutting-teams-2026-K4.csv"
    assert _name(client.get("/rapportages/banenafspraak.xlsx?kwartaal=2026-K4")) == "banenafspraak-2026-K4.xlsx"
