"""QA pass 19, the imports' words for an English-speaking planner: the requests import reads English
days, priorities and statuses and says each Dutch code's meaning; each day column's help names its
day; a date with slashes that could be month first is said as read; the work types list says its
first name is the Dutch one."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from binnenwerk import models as m
from binnenwerk.dataio import values as v
from binnenwerk.dataio.api import get_kind, import_file
from binnenwerk.dataio.kinds import requests as request_kind
from binnenwerk.extensions import db
from tests.conftest import english_client

from .dataio_uploads import upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)
from .test_dataio_refusals import REQUEST_HEADER, request_row

# A date next year whose day and month could be swapped: 3 April, or 4 March?
YEAR = dt.date.today().year + 1
SLASHED = f"03/04/{YEAR}"


@pytest.fixture
def world(make):
    bzk = make.ministry("BZK", name="Binnenlandse Zaken")
    make.location("Den Haag", bzk, code="dh-rijnstraat")
    make.work_type("keyboards", name_nl="Toetsenborden", name_en="Keyboards")
    make.team("Den Haag", name="Team Den Haag 1")
    db.session.commit()
    return {"bzk": bzk}


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def text_of(response) -> str:
    """A page's words, without tags and with single spaces, entities read."""
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    page = page.replace("&#39;", "'").replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&")
    return re.sub(r"\s+", " ", page)


def dated_row(**changes) -> list[str]:
    return request_row(startdatum=SLASHED, einddatum=f"{YEAR}-06-30", **changes)


# --- 1. English days, priorities and statuses ---------------------------------------------------


def test_english_days_priorities_and_statuses_are_read_as_the_dutch_ones():
    assert v.weekdays("mon,tue,thu") == v.weekdays("ma,di,do") == "124"
    assert v.weekdays("Monday; WEDNESDAY, sun") == "137"
    assert [request_kind.priority(word) for word in ("low", "Normal", "HIGH")] == [1, 2, 3]
    assert [request_kind.status(word) for word in ("submitted", "Accepted", "declined", "scheduled", "completed",
                                                   "cancelled")] == [s.value for s in m.RequestStatus]


def test_an_english_request_row_is_imported_as_the_planner_meant_it(world, app):
    row = request_row(dagen="mon,tue,thu", prioriteit="high", status="accepted")

    outcome = import_file(get_kind("requests"), "f.csv", csv_bytes([REQUEST_HEADER, row]), commit=True)

    assert outcome.committed, [str(p) for p in outcome.problems]
    found = db.session.scalars(select(m.DeploymentRequest)).one()
    assert (found.weekdays, found.priority, found.status) == ("124", 3, "geaccepteerd")
    # The export still writes the Dutch codes, so the file reads back as it is.
    exported = get_kind("requests").export_row(found)
    assert exported[6] == "ma,di,do" and exported[11] == "hoog" and exported[12] == "geaccepteerd"


def test_dutch_refusals_list_the_dutch_codes(world, app):
    row = request_row(dagen="maa,dii", prioriteit="dringend", status="klaar")

    said = [str(p) for p in import_file(get_kind("requests"), "f.csv", csv_bytes([REQUEST_HEADER, row]),
                                        commit=False).problems]

    assert "Rij 2, kolom dagen: 'maa,dii' zijn geen dagen. Schrijf de dagen met komma's ertussen, bijvoorbeeld " \
           "ma,di,wo. De dagen zijn ma, di, wo, do, vr, za en zo." in said
    assert "Rij 2, kolom prioriteit: 'dringend' is geen prioriteit. Schrijf laag, normaal of hoog." in said
    assert "Rij 2, kolom status: 'klaar' is geen status. Schrijf ingediend, geaccepteerd, afgewezen, ingepland, " \
           "afgerond of geannuleerd." in said


def test_english_refusals_give_each_dutch_code_its_meaning(world, app_with, make):
    english = english_client(app_with, make, role="planner")
    row = request_row(dagen="maa,dii", prioriteit="urgent", status="done")

    page = text_of(upload(english, "requests", csv_bytes([REQUEST_HEADER, row]), "requests.csv"))

    assert "ma (Monday), di (Tuesday), wo (Wednesday), do (Thursday), vr (Friday), za (Saturday) and zo (Sunday)" \
        in page
    assert "'urgent' is not a priority. Write laag (low), normaal (normal) or hoog (high)" in page
    assert ("'done' is not a status. Write ingediend (submitted), geaccepteerd (accepted), afgewezen (declined), "
            "ingepland (scheduled), afgerond (completed) or geannuleerd (cancelled)") in page


def test_the_english_column_help_gives_each_dutch_code_its_meaning(world, app_with, make):
    english = english_client(app_with, make, role="planner")

    response = english.get("/gegevens/requests/")

    page = text_of(response)
    assert "laag (low), normaal (normal) or hoog (high)" in page
    assert "ingediend (submitted), geaccepteerd (accepted), afgewezen (declined)" in page
    assert "ma (Monday), di (Tuesday)" in page
    # The Dutch codes stay marked as Dutch for a screen reader.
    assert '<span lang="nl">laag</span> (low)' in response.get_data(as_text=True)


# --- 2. each day column's help names its day -----------------------------------------------------


@pytest.mark.parametrize("kind, example", [("employees", "08:30-16:00"), ("supervisors", "07:30-17:00")])
def test_each_day_column_help_names_its_day_on_the_page_and_in_the_template(world, make, login, client, kind,
                                                                            example):
    login(make.user(role="planner"))
    page = text_of(client.get(f"/gegevens/{kind}/"))
    for day in ("Maandag", "Dinsdag", "Woensdag", "Donderdag", "Vrijdag", "Zaterdag", "Zondag"):
        assert f"{day}: beschikbaar, bijvoorbeeld {example}. Leeg: niet beschikbaar." in page, day
    assert "Beschikbaar op deze dag" not in page

    sheet = load_workbook(io.BytesIO(client.get(f"/gegevens/{kind}/sjabloon.xlsx").data))["Uitleg"]
    help_of = {row[0]: row[2] for row in sheet.iter_rows(values_only=True)}
    assert help_of["ma"].startswith("Maandag: beschikbaar")
    assert help_of["zo"].startswith("Zondag: beschikbaar")


def test_the_english_day_help_names_the_day_in_english(world, app_with, make):
    english = english_client(app_with, make, role="planner")

    page = text_of(english.get("/gegevens/employees/"))

    assert "Monday: available, for example 08:30-16:00. Empty: not available." in page
    assert "Sunday: available, for example 08:30-16:00." in page


# --- 3. a date with slashes that could be month first --------------------------------------------


def test_a_slashed_date_that_could_be_month_first_gets_a_note_naming_the_date_as_read(app):
    with app.test_request_context():
        note = v.date_note(SLASHED)
        assert v.date(SLASHED) == dt.date(YEAR, 4, 3)
    assert note == (f"{SLASHED} gelezen als 3 april {YEAR} (dag-maand-jaar). Voor 4 maart {YEAR} schrijf je "
                    f"{YEAR}-03-04.")


@pytest.mark.parametrize("typed", [f"13/04/{YEAR}", f"04/04/{YEAR}", f"03-04-{YEAR}", f"3.4.{YEAR}",
                                   f"{YEAR}-04-03", dt.date(YEAR, 4, 3)])
def test_a_date_that_can_be_read_one_way_only_gets_no_note(app, typed):
    with app.test_request_context():
        assert v.date_note(typed) == ""


def test_the_check_page_says_how_a_slashed_date_was_read_without_refusing_it(world, make, login, client):
    login(make.user(role="planner"))

    response = upload(client, "requests", csv_bytes([REQUEST_HEADER, dated_row()]), "aanvragen.csv")

    page = text_of(response)
    assert response.status_code == 200
    assert f"Let op : startdatum : {SLASHED} gelezen als 3 april {YEAR} (dag-maand-jaar)." in page
    assert f"Voor 4 maart {YEAR} schrijf je {YEAR}-03-04." in page


def test_a_dry_run_names_the_row_and_column_of_a_date_read_day_first(world, app):
    outcome = import_file(get_kind("requests"), "f.csv", csv_bytes([REQUEST_HEADER, dated_row()]), commit=False)

    assert outcome.ok, [str(p) for p in outcome.problems]
    assert f"Rij 2, kolom startdatum: {SLASHED} gelezen als 3 april {YEAR} (dag-maand-jaar). Voor 4 maart " \
           f"{YEAR} schrijf je {YEAR}-03-04." in outcome.warnings


def test_the_english_check_page_says_the_date_as_read_in_english(world, app_with, make):
    english = english_client(app_with, make, role="planner")

    page = text_of(upload(english, "requests", csv_bytes([REQUEST_HEADER, dated_row()]), "requests.csv"))

    assert f"{SLASHED} read as 3 April {YEAR} (day-month-year). For 4 March {YEAR}, write {YEAR}-03-04." in page


# --- 4. the work types list -------------------------------------------------------------------


def test_the_work_types_list_says_its_first_name_is_the_dutch_one(world, make, login, client, app_with):
    login(make.user(role="admin"))
    dutch = client.get("/beheer/werksoorten").get_data(as_text=True)
    assert re.search(r'<th scope="col">Naam \(Nederlands\)</th>\s*<th scope="col">Naam \(Engels\)</th>', dutch)

    english = english_client(app_with, make).get("/beheer/werksoorten").get_data(as_text=True)
    assert re.search(r'<th scope="col">Name \(Dutch\)</th>\s*<th scope="col">Name \(English\)</th>', english)
