"""Read an uploaded .xlsx or .csv file into a header row and numbered data rows."""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..formatting import CONTROL_CHARACTERS

MAX_ROWS = 10_000
MAX_COLUMNS = 100
# A workbook's parts, unpacked. An export of 10,000 rows (the most a file may hold) unpacks to
# about 10 MB, nearly all of it the sheet; only one with every free-text column filled to its
# maximum length would reach 70 MB. 50 MB a part and 100 MB in all leave room for real files,
# while a zip bomb (a few hundred KB that unpacks to gigabytes) is refused before it is unpacked.
MAX_PART_SIZE = 50 * 1024 * 1024
MAX_UNPACKED_SIZE = 100 * 1024 * 1024
# Excel holds at most 32,767 characters in a cell; one escaped character takes at most a few
# bytes of XML, so a run of text this long between two tags is no cell Excel wrote.
LONGEST_XML_TEXT = 256 * 1024
EXCEL_CELL_LIMIT = 32_767


class ReadError(Exception):
    """The file as a whole cannot be read; the message is Dutch.

    `sheet` names the worksheet that was read when the workbook has more than one visible sheet.
    """

    def __init__(self, message: str, sheet: str = ""):
        super().__init__(message)
        self.message = message
        self.sheet = sheet


@dataclass
class Table:
    """What a file holds: headers as written, and (row number, cells) per non-empty row."""

    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)
    header_row: int = 1
    # The worksheet read, named only when the workbook has more than one visible sheet.
    sheet: str = ""


def normalise_header(name) -> str:
    """'Contract uren per week ' -> 'contract_uren_per_week'; 'E-mail' -> 'e_mail'."""
    text = str(name if name is not None else "").strip().casefold().lstrip("\ufeff")
    return re.sub(r"[\s\-]+", "_", text)


def suffix_of(filename: str) -> str:
    name = (filename or "").strip().lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


def read(filename: str, data: bytes) -> Table:
    """Read by the file's extension; any unreadable file raises ReadError, never something else."""
    suffix = suffix_of(filename)
    if suffix == "xlsx":
        return _read_xlsx(data)
    if suffix == "csv":
        return _read_csv(data)
    if suffix in ("xls", "ods", "numbers"):
        raise ReadError(_("Dit soort bestand kunnen we niet lezen. Sla het op als Excel-werkmap (.xlsx) of als CSV-bestand (.csv)."))
    raise ReadError(_("Kies een Excel-bestand (.xlsx) of een CSV-bestand (.csv)."))


def _finish(raw_rows) -> Table:
    """Take the first non-empty row as the header row; skip empty rows but keep their numbers."""
    headers: list[str] | None = None
    header_row = 1
    rows: list[tuple[int, list]] = []
    for number, cells in raw_rows:
        cells = list(cells)
        if not any(c is not None and str(c).strip() != "" for c in cells):
            continue
        if len(cells) > MAX_COLUMNS:
            # Trailing empty columns are common in spreadsheets; real data that wide is not ours.
            if any(c is not None and str(c).strip() != "" for c in cells[MAX_COLUMNS:]):
                raise ReadError(_("Het bestand heeft meer dan %(max)d kolommen. Gebruik het sjabloon.", max=MAX_COLUMNS))
            cells = cells[:MAX_COLUMNS]
        if headers is None:
            headers = ["" if c is None else str(c).strip() for c in cells]
            header_row = number
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise ReadError(_("Het bestand heeft meer dan %(max)d rijen. Splits het in kleinere bestanden.", max=MAX_ROWS))
    if headers is None:
        raise ReadError(_("Het bestand is leeg. Gebruik het sjabloon: eerst een rij met kolomnamen, dan de gegevens."))
    while headers and headers[-1] == "":
        headers.pop()
    return Table(headers=headers, rows=rows, header_row=header_row)


def _read_xlsx(data: bytes) -> Table:
    unreadable = _("Dit bestand kunnen we niet lezen als Excel-bestand (.xlsx). Sla het opnieuw op als Excel-werkmap, of gebruik CSV.")
    if not data.startswith(b"PK"):
        raise ReadError(unreadable)
    _check_unpacked_size(data, unreadable)
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as error:
        raise ReadError(unreadable) from error
    except Exception as error:  # openpyxl raises many kinds on a damaged file: all mean "unreadable"
        raise ReadError(unreadable) from error
    sheet_name = ""
    try:
        if not workbook.worksheets:
            raise ReadError(unreadable)
        sheet, visible = _sheet_shown(workbook)
        # With one visible sheet there is nothing to choose; with more, the user must see which.
        sheet_name = sheet.title if visible > 1 else ""
        table = _finish(enumerate(sheet.iter_rows(values_only=True), start=1))
        table.sheet = sheet_name
        merged = _merged_in(table, _merged_ranges(data, sheet))
        if merged:
            shown = ", ".join(merged[:MAX_MERGES_NAMED]) + (", …" if len(merged) > MAX_MERGES_NAMED else "")
            raise ReadError(_("Samengevoegde cellen %(cells)s: maak ze los en probeer het opnieuw.", cells=shown))
        uncached = _formulas_without_result(data, sheet, table)
        if uncached:
            shown = ", ".join(uncached[:MAX_MERGES_NAMED]) + (", …" if len(uncached) > MAX_MERGES_NAMED else "")
            raise ReadError(_("Formules zonder uitkomst in %(cells)s: open het bestand in Excel, sla het op en "
                              "probeer het opnieuw.", cells=shown))
        return table
    except ReadError as error:
        error.sheet = sheet_name
        raise
    except Exception as error:
        raise ReadError(unreadable, sheet_name) from error
    finally:
        workbook.close()


def _check_unpacked_size(data: bytes, unreadable: str) -> None:
    """Refuse a workbook that unpacks to far more than any file of ours, before a parser reads it.

    The sizes come from the zip's directory, and Python's zipfile never unpacks more of a part
    than its stated size (a part that holds more fails its CRC check), so the check holds for
    openpyxl's reading too. The XML parts are then streamed once for a text longer than a cell
    can be: openpyxl would build that text in memory whole, whatever the cell's column allows.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            limit_mb = MAX_PART_SIZE // (1024 * 1024)
            if any(part.file_size > MAX_PART_SIZE for part in parts):
                raise ReadError(_("Een deel van dit Excel-bestand is uitgepakt groter dan %(max)d MB.",
                                  max=limit_mb) + " " + _too_large_advice())
            if sum(part.file_size for part in parts) > MAX_UNPACKED_SIZE:
                raise ReadError(_("Dit Excel-bestand is uitgepakt groter dan %(max)d MB.",
                                  max=MAX_UNPACKED_SIZE // (1024 * 1024)) + " " + _too_large_advice())
            for part in parts:
                if part.filename.lower().endswith(".xml") and _longest_text(archive, part) > LONGEST_XML_TEXT:
                    raise ReadError(_("Een cel in dit Excel-bestand heeft meer tekst dan Excel in een cel toelaat "
                                      "(%(max)s tekens). Verbeter de cel en sla het bestand opnieuw op.",
                                      max=format_number(EXCEL_CELL_LIMIT)))
    except ReadError:
        raise
    except Exception as error:  # a damaged zip fails in many ways (BadZipFile, zlib.error, EOFError, ...)
        raise ReadError(unreadable) from error


def _too_large_advice() -> str:
    """What to do about a workbook too large to unpack. Few real files hold that much data; a
    sheet with one row of data and a million empty rows that carry formatting (a whole column
    given a colour or border) does, and then there is nothing to split."""
    return _("Vaak komt dat door heel veel lege rijen met opmaak onder de gegevens, bijvoorbeeld een hele "
             "kolom met een kleur of rand. Verwijder dan de lege rijen onder de gegevens (selecteer ze en kies "
             "Verwijderen) en sla het bestand opnieuw op, of sla het werkblad op als CSV. Staan er echt zoveel "
             "gegevens in, splits het bestand dan in kleinere bestanden.")


def _longest_text(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> int:
    """The longest run of bytes between two '<' in an XML part, streamed: a text or a tag."""
    longest = run = 0
    with archive.open(part) as source:
        while chunk := source.read(CHUNK):
            pieces = chunk.split(b"<")
            run += len(pieces[0])
            if len(pieces) > 1:
                longest = max(longest, run, *(len(piece) for piece in pieces[1:-1]))
                run = len(pieces[-1])
            if max(longest, run) > LONGEST_XML_TEXT:
                break  # too long already: no need to unpack the rest
    return max(longest, run)


def _sheet_shown(workbook):
    """The worksheet a user sees on opening the file, and how many sheets are visible.

    That is the active sheet when it is a visible worksheet, else the first visible worksheet;
    never a hidden or very hidden one, whatever its place: a user cannot see what it holds.
    """
    visible = [s for s in workbook.worksheets if s.sheet_state == "visible"]
    shown_charts = [s for s in workbook.chartsheets if getattr(s, "sheet_state", "visible") == "visible"]
    if not visible:
        raise ReadError(_("Het bestand is leeg. Gebruik het sjabloon: eerst een rij met kolomnamen, dan de gegevens."))
    active = workbook.active
    sheet = active if any(active is s for s in visible) else visible[0]
    return sheet, len(visible) + len(shown_charts)


# <mergeCell ref="A2:A4"/>, with or without a namespace prefix, either quote.
MERGE_CELL_RE = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref\s*=\s*["']([^"']*)["']""")
MAX_MERGES_NAMED = 10
# <f>SUM(A1:A3)</f> or <x:f ...>: a cell's formula.
FORMULA_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
CHUNK = 1 << 20
LONGEST_TAG = 4096


def _merged_ranges(data: bytes, sheet) -> list[str]:
    """The merged ranges of a sheet, from its XML part: read-only openpyxl does not read them.

    One streaming pass over the decompressed part with a byte search and no XML parse: a few
    milliseconds for a sheet of thousands of rows.
    """
    path = sheet._worksheet_path  # where openpyxl's read-only sheet keeps its part's name
    found: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path) as source:
        carry = b""
        while True:
            chunk = source.read(CHUNK)
            block = carry + chunk
            # A tag never holds a '<': everything before the last one is whole tags and text.
            end = block.rfind(b"<") if chunk else len(block)
            if end < 0 or len(block) - end > LONGEST_TAG:
                end = len(block)  # no tag starts in the rest, or one far too long to be a mergeCell
            if block.find(b"mergeCell", 0, end) >= 0:
                found.extend(m.group(1).decode("ascii", "replace") for m in MERGE_CELL_RE.finditer(block, 0, end))
            carry = block[end:]
            if not chunk:
                return found


def _formulas_without_result(data: bytes, sheet, table: Table) -> list[str]:
    """The cells of the data that hold a formula without its last result.

    Excel saves a formula's result beside it and that is what is read; a program that writes a
    workbook may leave it out, and such a cell must not be read as empty (a lost value). Only a
    sheet that holds formulas at all is read a second time, for the formulas themselves.
    """
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(sheet._worksheet_path) as source:
        carry = b""
        while True:
            chunk = source.read(CHUNK)
            if not chunk:
                return []
            if FORMULA_RE.search(carry + chunk):
                break
            carry = chunk[-16:]
    read = {number: cells for number, cells in table.rows}
    read[table.header_row] = [header or None for header in table.headers]
    found = []
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        for number, cells in enumerate(workbook[sheet.title].iter_rows(values_only=True), start=1):
            if number not in read:
                continue
            shown = read[number]
            for index, value in enumerate(cells[:len(shown)]):
                if isinstance(value, str) and value.startswith("=") and shown[index] is None:
                    found.append(f"{get_column_letter(index + 1)}{number}")
    finally:
        workbook.close()
    return found


def _merged_in(table: Table, ranges: list[str]) -> list[str]:
    """The merged ranges that touch the header row or the data under the named columns."""
    from openpyxl.utils.cell import range_boundaries

    last_row = table.rows[-1][0] if table.rows else table.header_row
    width = len(table.headers)
    touching = []
    for ref in ranges:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref.upper())
        except (TypeError, ValueError):
            continue
        if None in (min_col, min_row, max_col, max_row):
            continue  # whole rows or columns: Excel does not write merges like that
        if min_row <= last_row and max_row >= table.header_row and min_col <= width:
            touching.append(ref.upper())
    return touching


def _decode(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise ReadError(_("Dit is geen CSV-bestand maar waarschijnlijk een Excel-bestand. Geef het de naam .xlsx."))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode-tekst" (.txt, tab-separated, renamed .csv): UTF-16 with a byte order
        # mark, so every other byte of Latin text is NUL. The mark says which order; the text
        # is then checked as any other (control characters, separators).
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReadError(_("De tekens in dit CSV-bestand kunnen we niet lezen. Sla het op als CSV UTF-8.")) \
                from None
    if b"\x00" in data:
        raise ReadError(_("Dit bestand is geen CSV-bestand (tekst). Kies een .xlsx- of .csv-bestand."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows saves "CSV (gescheiden door lijstscheidingsteken)" in Windows-1252.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ReadError(_("De tekens in dit CSV-bestand kunnen we niet lezen. Sla het op als CSV UTF-8.")) from None


def _delimiter(first_line: str) -> str:
    # Dutch Excel writes ';', others ','. Headers never contain either, so the first line decides.
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _read_csv(data: bytes) -> Table:
    content = _decode(data)
    if CONTROL_CHARACTERS.search(content):  # a binary file, or text no worksheet could store
        raise ReadError(_("Dit bestand is geen CSV-bestand (tekst). Kies een .xlsx- of .csv-bestand."))
    first_line = next((line for line in content.splitlines() if line.strip()), "")
    delimiter = _delimiter(first_line)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        raw = []
        # The record number, not the line number: it is the row number Excel shows.
        for number, cells in enumerate(reader, start=1):
            raw.append((number, cells))
            if len(raw) > MAX_ROWS + 50:
                break
        _one_separator(raw, delimiter)
        return _finish(raw)
    except csv.Error as error:
        raise ReadError(_("Dit CSV-bestand is niet goed opgebouwd (regel %(line)d). Controleer de aanhalingstekens.",
                          line=reader.line_num)) from error


SEPARATOR_NAMES = {";": _l("puntkomma (;)"), ",": _l("komma (,)"), "\t": _l("tab")}


def _one_separator(raw, delimiter: str) -> None:
    """A row that is one cell holding another separator, under column names split by this one: the
    file mixes separators (pasted rows from another file). One message, not a misaligned error
    for every cell of the row."""
    rows = [(number, cells) for number, cells in raw if any(c.strip() for c in cells)]
    if not rows or len(rows[0][1]) < 3:
        return
    width = len(rows[0][1])
    for number, cells in rows[1:]:
        if len(cells) >= width:
            continue  # as many cells as column names: a text with commas in one of them is fine
        line = delimiter.join(cells)
        other = next((d for d in SEPARATOR_NAMES if d != delimiter and d in line
                      and len(next(csv.reader([line], delimiter=d))) >= width), None)
        if other is not None:
            raise ReadError(_("Rij %(row)d is gescheiden door een %(other)s, de kolomnamen door een %(used)s. "
                              "Sla het bestand opnieuw op met één scheidingsteken.", row=number,
                              other=SEPARATOR_NAMES[other], used=SEPARATOR_NAMES[delimiter]))
