"""An .xlsx upload that holds no data but makes work (millions of empty rows, cells or texts) is
refused before a parser builds it, and a real file is read as before, its workbook opened once."""
from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile

import openpyxl
import pytest
from openpyxl.worksheet._reader import WorkSheetParser

from binnenwerk.dataio import reading, writing
from binnenwerk.dataio.api import get_kind

from .dataio_uploads import upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)

MB = 1024 * 1024
MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES = b"application/vnd.openxmlformats-officedocument.spreadsheetml"
EMPTY_ROW = b"<row><c/></row>"
HEADER_ROW = b'<row r="1"><c r="A1" t="inlineStr"><is><t>voornaam</t></is></c></row>'


def workbook(rows: bytes = b"", *, strings: bytes = b"", styles: bytes = b"", head: bytes = b"",
             doctype: bytes = b"") -> bytes:
    """A workbook as the security review's generator wrote it: one sheet, its first row the column
    'voornaam', then `rows`; `strings` the items of its shared strings, `styles` those of its cell
    formats, `head` what comes before the sheet's data (a <dimension>), `doctype` before the sheet."""
    overrides = [(b"/xl/workbook.xml", b"sheet.main"), (b"/xl/worksheets/sheet1.xml", b"worksheet"),
                 (b"/xl/sharedStrings.xml", b"sharedStrings")] + ([(b"/xl/styles.xml", b"styles")] if styles else [])
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        + b"".join(b'<Override PartName="%s" ContentType="%s.%s+xml"/>' % (name, TYPES, kind)
                   for name, kind in overrides)
        + b"</Types>",
        "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/relationships"><Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/>'
        b"</Relationships>" % RELS,
        "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="%s" xmlns:r="%s"><sheets>'
        b'<sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>' % (MAIN, RELS),
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="%s/worksheet" Target='
        b'"worksheets/sheet1.xml"/><Relationship Id="rId2" Type="%s/sharedStrings" Target="sharedStrings.xml"/>'
        b'<Relationship Id="rId3" Type="%s/styles" Target="styles.xml"/></Relationships>' % (RELS, RELS, RELS),
        "xl/sharedStrings.xml": b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="%s">%s</sst>' % (MAIN, strings),
        "xl/worksheets/sheet1.xml": b'<?xml version="1.0" encoding="UTF-8"?>%s<worksheet xmlns="%s">%s<sheetData>'
        b"%s%s</sheetData></worksheet>" % (doctype, MAIN, head, HEADER_ROW, rows),
    }
    if styles:
        parts["xl/styles.xml"] = b'<styleSheet xmlns="%s"><cellXfs>%s</cellXfs></styleSheet>' % (MAIN, styles)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return buffer.getvalue()


@pytest.fixture
def planner(make, login):
    user = make.user(role="planner")
    login(user)
    return user


@pytest.fixture
def opened(monkeypatch):
    """How often openpyxl opened a workbook."""
    calls = []
    real = openpyxl.load_workbook

    def counted(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counted)
    return calls


@pytest.fixture
def parsed_rows(monkeypatch):
    """How many rows openpyxl's sheet parser built."""
    rows = []
    real = WorkSheetParser.parse_row

    def counted(self, row):
        rows.append(1)
        return real(self, row)

    monkeypatch.setattr(WorkSheetParser, "parse_row", counted)
    return rows


@pytest.fixture
def finished(monkeypatch):
    """(row number, width) of each row the reader was handed to look at."""
    rows = []
    real = reading._finish

    def finish(raw_rows):
        def watched():
            for number, cells in raw_rows:
                cells = list(cells)
                rows.append((number, len(cells)))
                yield number, cells
        return real(watched())

    monkeypatch.setattr(reading, "_finish", finish)
    return rows


def refusal(app, body: bytes) -> str:
    with app.test_request_context(), pytest.raises(reading.ReadError) as refused:
        reading.read("bestand.xlsx", body)
    return refused.value.message


@pytest.mark.parametrize("shape", ["shared strings", "empty rows"])
def test_the_review_s_uploads_are_refused_before_openpyxl_opens_them(planner, client, opened, parsed_rows, shape):
    # As ss_49.xlsx and rows_49.xlsx: 33 MB of one-letter texts, or of empty rows.
    if shape == "shared strings":
        body = workbook(strings=b"<si><t>a</t></si>" * (33 * MB // 17))
    else:
        body = workbook(EMPTY_ROW * (33 * MB // len(EMPTY_ROW)))
    assert len(body) < MB  # what made them dangerous: a small upload

    response = upload(client, "employees", body, "medewerkers.xlsx")

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "De werkbladen in dit Excel-bestand zijn uitgepakt samen groter dan 32 MB." in page
    assert "deze kolom ontbreekt" not in page  # not read as far as its columns, as it was after a minute
    assert opened == [] and parsed_rows == []


def test_more_shared_strings_than_a_file_of_ours_holds_are_refused_unread(app, opened):
    body = workbook(strings=b"<si><t>a</t></si>" * (reading.MAX_SHARED_STRINGS + 1))

    message = refusal(app, body)

    assert message.startswith("Dit Excel-bestand heeft meer dan 300.000 verschillende teksten, meer dan in een "
                              "bestand van 10.000 rijen past.")
    assert opened == []


def test_empty_rows_count_and_past_the_limit_the_sheet_is_not_parsed(app, opened, parsed_rows):
    body = workbook(EMPTY_ROW * reading.MAX_SHEET_ROWS)  # and the header: one row too many

    message = refusal(app, body)

    assert message.startswith("Een werkblad heeft meer dan 50.000 rijen, lege rijen meegeteld.")
    assert "Verwijder dan de lege rijen onder de gegevens" in message
    assert opened == [] and parsed_rows == []


@pytest.mark.parametrize("rows, message", [
    (b"<row>" + b"<c/>" * (reading.MAX_ROW_CELLS + 1) + b"</row>",
     "Een rij van een werkblad heeft meer dan 16.384 cellen: meer dan Excel in een rij toelaat."),
    ((b"<row>" + b"<c/>" * 100 + b"</row>") * (reading.MAX_SHEET_CELLS // 100),
     "Een werkblad heeft meer dan 500.000 cellen, lege cellen meegeteld."),
    # A namespace prefix, and whitespace in a tag, count the same.
    (b'<x:row xmlns:x="%s">' % MAIN + b"<x:c\n/>" * (reading.MAX_ROW_CELLS + 1) + b"</x:row>",
     "Een rij van een werkblad heeft meer dan 16.384 cellen"),
], ids=["one wide row", "many cells", "prefixed"])
def test_cells_count_and_past_the_limit_the_sheet_is_not_parsed(app, opened, parsed_rows, rows, message):
    assert refusal(app, workbook(rows)).startswith(message)
    assert opened == [] and parsed_rows == []


def test_styles_with_more_formats_than_excel_allows_are_refused_unread(app, opened):
    # openpyxl makes an object of each: 200,000 took it 7 s and 120 MB.
    body = workbook(styles=b"<xf/>" * reading.MAX_LOAD_PART_TAGS)

    assert refusal(app, body).startswith("Dit Excel-bestand is uitgepakt te groot om te lezen.")
    assert opened == []


def test_more_sheets_than_a_workbook_of_ours_holds_are_refused_unread(app, opened):
    # openpyxl opens the part of each when it opens the workbook: 50,000 (one part) took it 8 s.
    body = workbook()
    source = zipfile.ZipFile(io.BytesIO(body))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "xl/workbook.xml":
                part = part.replace(b'<sheet name="Blad1" sheetId="1" r:id="rId1"/>', b"".join(
                    b'<sheet name="Blad%d" sheetId="%d" r:id="rId1"/>' % (n, n) for n in range(1, 1002)))
            target.writestr(info.filename, part)

    assert refusal(app, buffer.getvalue()) == "Dit Excel-bestand heeft meer dan 1.000 werkbladen."
    assert opened == []


def test_an_entity_that_would_make_one_tag_many_is_refused(app):
    # A document type is no part of a file Excel writes; its entity here makes 1,000 rows a row.
    body = workbook(b"&r;" * 100, doctype=b'<!DOCTYPE worksheet [<!ENTITY r "' + EMPTY_ROW * 1000 + b'">]>')

    assert refusal(app, body).startswith("Dit bestand kunnen we niet lezen als Excel-bestand (.xlsx).")


def test_a_dimension_far_beyond_the_data_does_not_widen_every_row(app, finished):
    """openpyxl pads each row to the width the sheet's <dimension> claims: 16,384 cells for each
    of these 1,000 rows, each then looked at whole."""
    far = b"".join(b'<row r="%d"><c r="XFD%d"/></row>' % (n, n) for n in range(2, 1002))
    body = workbook(far, head=b'<dimension ref="A1:XFD1001"/>')

    with app.test_request_context():
        table = reading.read("bestand.xlsx", body)

    assert table.headers == ["voornaam"] and table.rows == []
    assert len(finished) == 1001 and max(width for _number, width in finished) <= reading.MAX_COLUMNS


def test_a_row_number_far_beyond_the_data_costs_no_rows_in_between(app, finished):
    """openpyxl yields an empty row for every row number the XML skips: here 200,000."""
    body = workbook(b'<row r="200000"><c r="A200000" t="inlineStr"><is><t>Sanne</t></is></c></row>')

    with app.test_request_context():
        table = reading.read("bestand.xlsx", body)

    assert table.rows == [(200000, ["Sanne"])]
    assert [number for number, _width in finished] == [1, 200000]


def test_data_beyond_the_columns_is_still_refused(app):
    rows = b'<row r="2"><c r="A2" t="inlineStr"><is><t>Sanne</t></is></c><c r="DA2" t="inlineStr"><is><t>x</t>' \
           b"</is></c></row>"
    assert refusal(app, workbook(rows)) == "Het bestand heeft meer dan 100 kolommen. Gebruik het sjabloon."


def with_shared_strings(body: bytes) -> bytes:
    """The workbook as Excel saves it: each text once in the shared strings, a cell its number."""
    source = zipfile.ZipFile(io.BytesIO(body))
    index: dict[bytes, int] = {}

    def shared(match):
        number = index.setdefault(match.group(2), len(index))
        return match.group(1) + b't="s"><v>%d</v></c>' % number

    cell = re.compile(rb'(<c [^>]*?)t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>', re.S)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                part = cell.sub(shared, part)
            elif info.filename == "[Content_Types].xml":
                part = part.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="%s.'
                                                 b'sharedStrings+xml"/></Types>' % TYPES)
            elif info.filename == "xl/_rels/workbook.xml.rels":
                part = part.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="%s/sharedStrings" '
                                                         b'Target="sharedStrings.xml"/></Relationships>' % RELS)
            target.writestr(info.filename, part)
        target.writestr("xl/sharedStrings.xml", b'<sst xmlns="%s">%s</sst>' % (
            MAIN, b"".join(b"<si><t>%s</t></si>" % text for text in index)))
    return buffer.getvalue()


def employee_rows(count: int) -> list[list]:
    """Every column of the employees file filled, most texts different, as a real export is."""
    chance = random.Random(7)

    def word(length):
        return "".join(chance.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(length))

    return [[number, word(8).title(), word(10).title(), f"Team {word(6)} {number % 700}",
             f"{word(8)}.{word(8)}@{word(8)}.nl", f"06-{chance.randint(10**7, 10**8 - 1)}",
             chance.choice([16.0, 24.0, 25.5, 32.0]), chance.choice([4, 6, 8]), f"{word(8)},{word(8)}",
             f"{word(8)},{word(8)}", *[chance.choice(["08:30-14:30", "09:00-15:00", ""]) for _ in range(7)],
             dt.date(2026, 1, 5) + dt.timedelta(days=number % 300), dt.date(2027, 12, 31), word(12).title(),
             f"06-{chance.randint(10**7, 10**8 - 1)}", f"{word(8)}@{word(8)}.nl"]
            for number in range(1, count + 1)]


def test_an_export_saved_by_excel_reads_as_the_export_itself_with_the_workbook_opened_once(app, opened):
    with app.test_request_context():
        kind = get_kind("employees")
        rows = employee_rows(50)
        rows[3][5] = None  # an empty cell amid the row, and at its end
        rows[3][-1] = None
        exported = writing.to_xlsx(kind, rows)

        as_written, as_saved = reading.read("a.xlsx", exported), reading.read("b.xlsx", with_shared_strings(exported))

    assert as_written.headers == as_saved.headers == [c.name for c in kind.columns]
    assert as_written.rows == as_saved.rows
    assert len(as_saved.rows) == 50 and as_saved.rows[3][1][5] is None
    assert as_saved.rows[0][1][:3] == [1, rows[0][1], rows[0][2]]
    assert len(opened) == 2  # once a file


def test_a_formula_is_looked_for_without_opening_the_workbook_again(app, opened):
    workbook_ = openpyxl.Workbook()
    sheet = workbook_.active
    sheet.append(["voornaam", "contracturen_per_week", "max_uren_per_dag"])
    sheet.append(["Sanne", 25, 6])
    sheet.append(["Anouk", 20, 6])
    sheet["B3"] = "=20+5.5"  # openpyxl writes no result: such a cell must not read as empty
    buffer = io.BytesIO()
    workbook_.save(buffer)
    opened.clear()

    message = refusal(app, buffer.getvalue())

    assert message.startswith("Formules zonder uitkomst in B3:")
    assert len(opened) == 1


def test_a_csv_file_with_an_empty_line_after_every_row_is_read_whole(app):
    rows = 6_000  # with their empty lines more than the 10,000 rows a file may hold
    data = ("voornaam;achternaam\r\n" + "".join(f"Sanne{n};de Vries\r\n\r\n" for n in range(rows))).encode()

    with app.test_request_context():
        table = reading.read("medewerkers.csv", data)

    assert len(table.rows) == rows
    assert table.rows[-1] == (2 * rows, [f"Sanne{rows - 1}", "de Vries"])


def test_a_csv_file_of_more_rows_than_allowed_is_still_refused(app):
    data = ("voornaam\r\n" + "Sanne\r\n\r\n" * (reading.MAX_ROWS + 1)).encode()

    with app.test_request_context(), pytest.raises(reading.ReadError, match="meer dan 10000 rijen"):
        reading.read("medewerkers.csv", data)


@pytest.mark.slow
def test_an_employees_file_of_the_most_rows_allowed_is_read_well_within_the_limits(app):
    """10,000 employees with every column filled, as the app exports them and as Excel saves them."""
    with app.test_request_context():
        exported = writing.to_xlsx(get_kind("employees"), employee_rows(reading.MAX_ROWS))
        for body in (exported, with_shared_strings(exported)):
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                xml = sum(info.file_size for info in archive.infolist())
            parts = reading._scan_workbook(body, "")

            table = reading.read("medewerkers.xlsx", body)

            assert len(table.rows) == reading.MAX_ROWS and len(table.headers) == 22
            # Room to spare: at least twice what this file holds under each limit.
            assert xml * 2 < reading.MAX_XML_SIZE
            assert sum(part.tags for part in parts.values()) * 2 < reading.MAX_XML_TAGS
            assert max(part.strings for part in parts.values()) * 2 < reading.MAX_SHARED_STRINGS
            sheet = parts["xl/worksheets/sheet1.xml"]
            assert sheet.rows * 2 < reading.MAX_SHEET_ROWS and sheet.cells * 2 < reading.MAX_SHEET_CELLS
