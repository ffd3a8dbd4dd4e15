"""A tenth QA round of bad input: an import read "2 5" as 25; other scripts' digits passed in hours,
times and import values; a CSV cell far too long was said to be a quoting fault; Excel's "sep=;"
line was read as the header; the request form took any six characters of digits as a phone number."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from binnenwerk import models as m
from binnenwerk.dataio import reading, values
from binnenwerk.dataio.api import get_kind, import_file
from binnenwerk.extensions import db
from binnenwerk.formatting import read_week, time_of_day_minutes

from .test_dataio_encodings import TEAMS_TEXT, stored_teams
from .test_requests_form_refusals import request_form, world  # noqa: F401 (fixture)

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


# --- numbers with a space inside, and other scripts' digits -------------------------------------


@pytest.mark.parametrize("typed", ["2 5", "1 2", "3 0"])
def test_an_import_refuses_a_number_with_a_space_inside(app, typed):
    with app.test_request_context(), pytest.raises(values.CellError) as refused:
        values.number(typed, low=0, high=100)
    assert str(refused.value.args[0]) == f"'{typed}' is geen getal"


def test_an_import_still_reads_a_number_with_spaces_around_it(app):
    with app.test_request_context():
        assert values.number(" 25,5 ", low=0, high=100) == 25.5
        assert values.hours_as_minutes("25,5 ", high_hours=60) == 1530


@pytest.mark.parametrize("script", [ARABIC_INDIC, FULLWIDTH])
def test_import_values_take_only_the_digits_0_to_9(app, script):
    with app.test_request_context():
        for read, typed in ((lambda v: values.number(v, low=0, high=100), "25"),
                            (values.date, "1-1-2026"), (values.date, "2026-01-01")):
            with pytest.raises(values.CellError):
                read(typed.translate(script))
            assert read(typed) is not None  # the same in 0-9 reads


@pytest.mark.parametrize("script", [ARABIC_INDIC, FULLWIDTH])
def test_times_and_weeks_take_only_the_digits_0_to_9(script):
    assert time_of_day_minutes("09:00") == 540 and read_week("2026-W50") == "2026-W50"
    for read, typed in ((time_of_day_minutes, "09:00"), (read_week, "2026-W50"), (read_week, "week 50")):
        with pytest.raises(ValueError):
            read(typed.translate(script))


def test_the_employee_form_refuses_hours_in_other_digits(client, make, login):
    from .edit_forms import form_as_shown

    team = make.team("Den Haag")
    person = make.employee(team)
    login(make.user("planner"))
    url = f"/teams/medewerkers/{person.id}/wijzigen"
    response = client.post(url, data={**form_as_shown(client, url), "contract_hours": "٢٠"})
    assert response.status_code == 422
    assert "Vul een aantal uren in, bijvoorbeeld 25,5." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(m.Employee, person.id).contract_minutes == 1530


# --- CSV files as Excel writes them -------------------------------------------------------------


def test_excels_separator_line_names_the_separator_and_is_no_row(app):
    semicolons = TEAMS_TEXT.replace("\t", ";")
    with app.test_request_context():
        twin = reading.read("teams.csv", semicolons.encode("utf-8"))
        for hint in ("sep=;\r\n", "SEP=;\n"):
            table = reading.read("teams.csv", (hint + semicolons).encode("utf-8"))
            assert (table.headers, table.rows) == (twin.headers, twin.rows)
            assert table.rows[0][0] == 2  # the row number Excel shows: the hint line is not a row
        commas = reading.read("teams.csv", ("sep=,\r\n" + TEAMS_TEXT.replace("\t", ",")).encode("utf-8"))
        assert (commas.headers, commas.rows) == (twin.headers, twin.rows)


def test_a_cell_far_too_long_says_so_not_that_the_quotes_are_wrong(app):
    body = "naam;regio\r\nTeam " + "x" * 200_000 + ";Den Haag\r\n"
    with app.test_request_context():
        outcome = import_file(get_kind("teams"), "teams.csv", body.encode("utf-8"), commit=True)
    assert [str(p) for p in outcome.file_problems] == [
        "Regel 2 van dit CSV-bestand heeft een cel met veel te veel tekst. Een cel mag hoogstens 2.000 tekens "
        "hebben."]
    assert stored_teams() == []


# --- the request form's phone number: the people forms' rule -------------------------------------


@pytest.mark.parametrize("phone", ["1900-01-01", "1" * 20, "070-1234567+", "06 - 12 - 34 - 56 - 78 - 9"])
def test_the_request_form_refuses_a_phone_number_the_people_forms_refuse(client, login, world, phone):
    login(world.contact)
    before = db.session.scalar(select(func.count(m.DeploymentRequest.id)))
    response = client.post("/aanvragen/nieuw", data=request_form(world.location, world.work_type,
                                                                 contact_phone=phone))
    assert response.status_code == 422
    assert ("Vul een geldig telefoonnummer in, bijvoorbeeld 070-1234567: 10 tot 15 cijfers, met alleen spaties of "
            "streepjes ertussen en een + vooraan.") in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(m.DeploymentRequest.id))) == before


def test_a_request_keeps_a_phone_number_stored_before_the_rule(client, login, world):
    """Its other fields can still be changed: the old number is not refused until someone changes it."""
    login(world.contact)
    assert client.post("/aanvragen/nieuw", data=request_form(world.location, world.work_type)).status_code == 302
    request = db.session.scalars(select(m.DeploymentRequest).order_by(m.DeploymentRequest.id.desc())).first()
    request.contact_phone = "14 070"  # stored before: five digits
    db.session.commit()
    from .edit_forms import post_request_edit

    response = post_request_edit(client, f"/aanvragen/{request.id}/wijzigen", request_form(
        world.location, world.work_type, headcount="4", contact_phone="14 070",
        start_date=request.start_date.isoformat(), end_date=request.end_date.isoformat()))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.get(m.DeploymentRequest, request.id).headcount == 4
