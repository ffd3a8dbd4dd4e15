"""QA pass 17: the codes the imports take can be found (the import page and the template's help
list them) and an unknown code that is a name or a typo says which code was meant."""
from __future__ import annotations

import io

import pytest

from binnenwerk.dataio.api import get_kind, import_file
from binnenwerk.dataio.writing import template
from binnenwerk.extensions import db

from .test_dataio_refusals import (  # noqa: F401 (world: a fixture)
    EMPLOYEE_HEADER, REQUEST_HEADER, TEAM_HEADER, employee_row, request_row, world,
)


@pytest.fixture
def named(world):
    world["keyboards"].name_nl = "Toetsenborden reinigen"
    world["location"].name = "Rijnstraat 8"
    db.session.commit()
    return world


def _problems(kind: str, rows: list[list[str]]) -> list[str]:
    data = "\r\n".join(";".join(row) for row in rows).encode("utf-8")
    return [str(p) for p in import_file(get_kind(kind), "f.csv", data, commit=False).problems]


@pytest.mark.parametrize("typed, said", [
    ("Toetsenborden reinigen", "onbekende werksoort 'Toetsenborden reinigen'. Vul de code in: keyboards."),
    ("keybaords", "onbekende werksoort 'keybaords'. Bedoel je keyboards?"),
])
def test_an_unknown_work_type_of_a_request_names_the_code_meant(named, typed, said):
    assert _problems("requests", [REQUEST_HEADER, request_row(werksoort=typed)]) == [
        f"Rij 2, kolom werksoort: {said}"]


def test_an_unknown_location_of_a_request_by_its_name_names_the_code(named):
    assert _problems("requests", [REQUEST_HEADER, request_row(locatie="rijnstraat 8")]) == [
        "Rij 2, kolom locatie: onbekende locatie 'rijnstraat 8'. Vul de code in: dh-rijnstraat."]


def test_an_employees_work_type_typo_and_location_name_name_the_codes_meant(named):
    problems = _problems("employees", [EMPLOYEE_HEADER, employee_row(werksoorten="keybaords",
                                                                      locaties="Rijnstraat 8")])
    assert "Rij 2, kolom werksoorten: onbekende werksoort 'keybaords'. Bedoel je keyboards?" in problems
    assert "Rij 2, kolom locaties: onbekende locatie 'Rijnstraat 8'. Vul de code in: dh-rijnstraat." in problems


def test_a_teams_home_location_typo_names_the_code_meant(named):
    assert _problems("teams", [TEAM_HEADER, ["Team Den Haag 1", "Den Haag", "dh-rijnstrat", "15"]]) == [
        "Rij 2, kolom thuislocatie: onbekende locatie 'dh-rijnstrat'. Bedoel je dh-rijnstraat?"]


def test_a_code_like_nothing_gets_no_guess(named):
    assert _problems("requests", [REQUEST_HEADER, request_row(werksoort="zzz")]) == [
        "Rij 2, kolom werksoort: onbekende werksoort 'zzz'."]


def test_the_import_page_lists_the_active_codes_with_their_names(named, make, login, client):
    make.work_type("weg", name_nl="Oude werksoort", archived=True)
    login(make.user(role="planner"))

    page = client.get("/gegevens/requests/").get_data(as_text=True)

    assert "Codes van de locaties" in page and "Codes van de werksoorten" in page
    assert "<code>dh-rijnstraat</code></td><td>Rijnstraat 8 (Den Haag)" in page
    assert "<code>keyboards</code></td><td>Toetsenborden reinigen" in page
    assert "Oude werksoort" not in page


def test_the_supervisors_page_lists_work_types_only(named, make, login, client):
    login(make.user(role="planner"))

    page = client.get("/gegevens/supervisors/").get_data(as_text=True)

    assert "Codes van de werksoorten" in page and "Codes van de locaties" not in page


def test_the_templates_help_sheet_lists_the_codes(named, app):
    from openpyxl import load_workbook

    with app.test_request_context():
        workbook = load_workbook(io.BytesIO(template(get_kind("requests"), "xlsx")))
    rows = [[cell for cell in row] for row in workbook["Uitleg"].iter_rows(values_only=True)]
    assert ["Codes van de werksoorten", None, "Naam"] in rows
    assert ["keyboards", None, "Toetsenborden reinigen"] in rows
    assert ["dh-rijnstraat", None, "Rijnstraat 8 (Den Haag)"] in rows
