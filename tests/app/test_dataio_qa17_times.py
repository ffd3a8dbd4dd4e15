"""QA pass 17: times as spreadsheets write them. An Excel duration cell ([h]:mm, "24:00"), a CSV
time with seconds ("9:00:00"), and the begintijd's spellings inside a weekly tijdvak ("0730-1700")."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from binnenwerk.dataio import values
from binnenwerk.dataio.api import get_kind, import_file

from .test_dataio_refusals import (  # noqa: F401 (world: a fixture)
    EMPLOYEE_HEADER, REQUEST_HEADER, employee_row, request_row, world,
)


@pytest.mark.parametrize("cell, minutes", [
    (dt.timedelta(hours=9), 540), (dt.timedelta(hours=9, minutes=30), 570), ("9:00:00", 540), ("15:30:00", 930),
])
def test_a_duration_cell_or_a_time_with_zero_seconds_is_a_time(app, cell, minutes):
    assert values.time_of_day(cell) == minutes


def test_excels_24_00_is_the_end_of_the_day_only_where_a_shift_may_end_at_midnight(app):
    with app.test_request_context():
        assert values.time_of_day(dt.timedelta(days=1), end=True) == 24 * 60
        with pytest.raises(values.CellError) as refused:
            values.time_of_day(dt.timedelta(days=1))
        assert refused.value.message == "'24:00' is geen tijd. Schrijf de tijd zo: 9:30 of 14:00."


@pytest.mark.parametrize("cell", [dt.timedelta(hours=9, seconds=30), dt.timedelta(days=1, minutes=1), "9:00:30"])
def test_a_time_with_seconds_or_beyond_a_day_is_refused_in_dutch(app, cell):
    with app.test_request_context(), pytest.raises(values.CellError) as refused:
        values.time_of_day(cell)
    assert "day" not in refused.value.message and refused.value.message.endswith("is geen tijd. Schrijf de tijd "
                                                                                  "zo: 9:30 of 14:00.")


def test_an_xlsx_request_with_duration_cells_until_midnight_is_read(world, app):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(REQUEST_HEADER)
    sheet.append(request_row())
    start, end = REQUEST_HEADER.index("begintijd") + 1, REQUEST_HEADER.index("eindtijd") + 1
    sheet.cell(2, start).value, sheet.cell(2, start).number_format = 0.625, "[h]:mm"
    sheet.cell(2, end).value, sheet.cell(2, end).number_format = 1.0, "[h]:mm:ss"
    buffer = io.BytesIO()
    workbook.save(buffer)

    outcome = import_file(get_kind("requests"), "r.xlsx", buffer.getvalue(), commit=False)

    assert outcome.ok, [str(p) for p in outcome.problems]
    assert outcome.rows[0].cells[REQUEST_HEADER.index("begintijd")] == "15:00"
    assert outcome.rows[0].cells[REQUEST_HEADER.index("eindtijd")] == "24:00"


@pytest.mark.parametrize("typed, slots", [
    ("0730-1700", [(450, 1020)]), ("7.30-17", [(450, 1020)]), ("7:30:00-17:00:00", [(450, 1020)]),
    ("08:30-16:00", [(510, 960)]), ("9-12, 1300-1500", [(540, 720), (780, 900)]),
])
def test_a_tijdvak_takes_the_begintijds_spellings(app, typed, slots):
    assert values.windows(typed) == slots


def test_an_employees_weekday_of_0730_1700_is_imported(world):
    data = "\r\n".join(";".join(row) for row in [EMPLOYEE_HEADER, employee_row(ma="0730-1700")]).encode()

    outcome = import_file(get_kind("employees"), "e.csv", data, commit=False)

    assert outcome.ok, [str(p) for p in outcome.problems]
