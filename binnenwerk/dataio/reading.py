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

from ..formatting import without_controls
from .values import MAX_CELL

MAX_ROWS = 10_000
MAX_COLUMNS = 100
MB = 1024 * 1024
# A workbook's parts, unpacked, as the zip's directory states them. A picture or another part no
# parser reads is never unpacked, so these only keep a zip bomb (a few hundred KB that unpacks
# to gigabytes) out; what reading costs is bounded by the limits below.
MAX_PART_SIZE = 50 * MB
MAX_UNPACKED_SIZE = 100 * MB
# The XML parts together: what a parser reads. An employees export of 10,000 rows (the most a
# file may hold) with every column filled holds 11 MB of XML, 19 MB with every text at its
# longest; saved by Excel, with its texts shared, 10 MB. A requests export of 10,000 rows with
# three notes of 200 characters 14 MB; with every note at its longest (2,000 characters) a file
# passes 32 MB from about 5,000 rows, and is then refused with the advice to split it.
MAX_XML_SIZE = 32 * MB
# Counted in the XML before a parser builds anything, because the parser's cost is per element,
# not per byte: a few MB of empty rows or of one-letter texts cost a worker a minute and hundreds
# of MB. Each limit is well above what a file of MAX_ROWS rows and all its columns holds.
# Rows of the sheet read, empty ones too: Excel writes a row for an empty row with formatting.
MAX_SHEET_ROWS = 50_000
# Cells of the sheet read, empty ones too (an employees file of 10,000 rows has 230,000), and of
# one row: Excel has 16,384 columns.
MAX_SHEET_CELLS = 500_000
MAX_ROW_CELLS = 16_384
# Shared strings: Excel keeps each different text of a workbook once. An employees export of
# 10,000 rows saved by Excel has 100,000; with every cell a different text 230,000.
MAX_SHARED_STRINGS = 300_000
# Tags ('<') of all the XML (an employees export of 10,000 rows has 1.2 million), of the shared
# strings, and of each part openpyxl makes an object of every tag of when it opens the workbook:
# styles, the workbook part, relations. Those hold a few thousand tags; 100,000 cost it 2 s.
MAX_XML_TAGS = 3_000_000
MAX_SHARED_STRING_TAGS = 5 * MAX_SHARED_STRINGS
MAX_LOAD_PART_TAGS = 100_000
MAX_MERGES = 100_000
# openpyxl opens each sheet's part when it opens the workbook: 50,000 sheets took it 8 s.
MAX_SHEETS = 1_000
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
            headers = ["" if c is None else without_controls(str(c)).strip() for c in cells]
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
    parts = _scan_workbook(data, unreadable)
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
        part = parts.get(sheet._worksheet_path)  # where openpyxl's read-only sheet keeps its part's name
        if part is None:  # every part the workbook relates to was counted: this is no workbook of Excel's
            raise ReadError(unreadable)
        _check_sheet(part)  # again: a sheet whose relation does not call it one was only held to fewer tags
        table = _finish(_sheet_rows(sheet, part.rows))
        table.sheet = sheet_name
        merged = _merged_in(table, part.merges)
        if merged:
            shown = ", ".join(merged[:MAX_MERGES_NAMED]) + (", …" if len(merged) > MAX_MERGES_NAMED else "")
            raise ReadError(_("Samengevoegde cellen %(cells)s: maak ze los en probeer het opnieuw.", cells=shown))
        uncached = _formulas_without_result(sheet, part, table) if part.formulas else []
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


@dataclass
class _Part:
    """What an XML part holds, counted in its bytes without parsing it.

    The counts take any namespace prefix and never count less than a parser finds; a text that
    happens to look like a tag can only count more.
    """

    size: int = 0
    tags: int = 0
    rows: int = 0
    cells: int = 0
    widest_row: int = 0
    strings: int = 0
    formulas: bool = False
    merges: list[str] = field(default_factory=list)


# <row ...>, <c ...>, <si>, <f>, with or without a namespace prefix (any name an XML parser takes).
PREFIX = rb"""(?:[^\s<>/:=!?"']+:)?"""
ROW_OR_CELL_RE = re.compile(rb"<" + PREFIX + rb"(row|c)[\s>/]")
STRING_TAG_RE = re.compile(rb"<" + PREFIX + rb"si[\s>/]")
FORMULA_RE = re.compile(rb"<" + PREFIX + rb"f[\s>/]")
SHEET_TAG_RE = re.compile(rb"<" + PREFIX + rb"sheet[\s>/]")
# <mergeCell ref="A2:A4"/>, either quote.
MERGE_CELL_RE = re.compile(rb"<" + PREFIX + rb"""mergeCell\s[^>]*?\bref\s*=\s*["']([^"']*)["']""")
MAX_MERGES_NAMED = 10
CHUNK = 1 << 20


def _scan_workbook(data: bytes, unreadable: str) -> dict[str, _Part]:
    """Count what the XML parts hold, and refuse a workbook past a limit before a parser reads it.

    The sizes come from the zip's directory, and Python's zipfile never unpacks more of a part
    than its stated size (a part that holds more fails its CRC check), so the checks hold for
    openpyxl's reading too. Each XML part is then streamed once, counting its tags, rows, cells
    and shared strings, and the longest text between two tags: openpyxl would build a text longer
    than a cell can be in memory whole, whatever the cell's column allows. Every worksheet is
    held to the limits of a sheet, not only the one read: openpyxl parses a sheet without a
    <dimension> whole when it opens the workbook.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if any(info.file_size > MAX_PART_SIZE for info in infos):
                raise ReadError(_("Een deel van dit Excel-bestand is uitgepakt groter dan %(max)d MB.",
                                  max=MAX_PART_SIZE // MB) + " " + _too_large_advice())
            if sum(info.file_size for info in infos) > MAX_UNPACKED_SIZE:
                raise ReadError(_("Dit Excel-bestand is uitgepakt groter dan %(max)d MB.",
                                  max=MAX_UNPACKED_SIZE // MB) + " " + _too_large_advice())
            xml = [info for info in infos if info.filename.lower().endswith((".xml", ".rels"))]
            _check_xml_size(xml)
            parts: dict[str, _Part] = {}
            for info in xml:
                parts[info.filename] = _scan_part(archive, info, unreadable, parts)
            sheets, strings, targets = _roles(archive, parts)
            # The shared strings and a sheet may be in a part named anything; openpyxl reads it all the same.
            extra = [info for info in infos if info.filename in targets and info.filename not in parts]
            _check_xml_size(xml + extra)
            for info in extra:
                parts[info.filename] = _scan_part(archive, info, unreadable, parts)
            for name, part in parts.items():
                if name in sheets:
                    _check_sheet(part)
                elif name != strings and part.tags > MAX_LOAD_PART_TAGS:
                    raise ReadError(_too_large())
            return parts
    except ReadError:
        raise
    except Exception as error:  # a damaged zip fails in many ways (BadZipFile, zlib.error, EOFError, ...)
        raise ReadError(unreadable) from error


def _check_xml_size(infos) -> None:
    if sum(info.file_size for info in infos) > MAX_XML_SIZE:
        raise ReadError(_("De werkbladen in dit Excel-bestand zijn uitgepakt samen groter dan %(max)d MB.",
                          max=MAX_XML_SIZE // MB) + " " + _too_large_advice())


def _too_large() -> str:
    return _("Dit Excel-bestand is uitgepakt te groot om te lezen.") + " " + _too_large_advice()


def _roles(archive: zipfile.ZipFile, parts: dict[str, _Part]) -> tuple[set[str], str | None, set[str]]:
    """The worksheets, the shared strings and every part the workbook relates to, found as
    openpyxl finds them when it opens the workbook.

    The worksheets and the shared strings may hold many tags, each within its own limits; every
    other part openpyxl reads whole (styles, the workbook part and its relations, a chart sheet),
    each tag an object, so those are held to MAX_LOAD_PART_TAGS, the three read here first.
    """
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.packaging.relationship import get_dependents, get_rels_path
    from openpyxl.reader.excel import _find_workbook_part
    from openpyxl.xml.constants import (ARC_APP, ARC_CONTENT_TYPES, ARC_CORE, ARC_CUSTOM, ARC_ROOT_RELS,
                                        ARC_STYLE, SHARED_STRINGS)
    from openpyxl.xml.functions import fromstring

    def small(name: str) -> str:
        if name in parts and parts[name].tags > MAX_LOAD_PART_TAGS:
            raise ReadError(_too_large())
        return name

    manifest = Manifest.from_tree(fromstring(archive.read(small(ARC_CONTENT_TYPES))))
    workbook_part = _find_workbook_part(manifest).PartName[1:]
    if len(SHEET_TAG_RE.findall(archive.read(small(workbook_part)))) > MAX_SHEETS:
        raise ReadError(_("Dit Excel-bestand heeft meer dan %(max)s werkbladen.", max=format_number(MAX_SHEETS)))
    relations = get_dependents(archive, small(get_rels_path(workbook_part)))
    names = set(archive.namelist())
    targets = {rel.target for rel in relations if rel.target in names}
    whole = {ARC_CONTENT_TYPES, ARC_ROOT_RELS, ARC_CORE, ARC_APP, ARC_CUSTOM, ARC_STYLE, workbook_part,
             get_rels_path(workbook_part)}
    sheets = {rel.target for rel in relations if rel.Type.endswith("/worksheet")} & targets - whole
    found = manifest.find(SHARED_STRINGS)
    strings = found.PartName[1:] if found is not None and found.PartName[1:] in names else None
    if strings in whole:
        strings = None
    return sheets, strings, targets | ({strings} if strings else set())


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, unreadable: str, scanned: dict) -> _Part:
    """One streaming pass over a part, whole tags at a time: a tag never holds a '<', so all
    before the last '<' of what is unpacked so far is whole tags and texts, and the rest is
    carried to the next piece."""
    part = _Part(size=info.file_size)
    before = sum(p.tags for p in scanned.values())
    row_cells = 0  # of the row that is open
    carry = b""
    with archive.open(info) as source:
        while True:
            chunk = source.read(CHUNK)
            block = carry + chunk
            end = max(block.rfind(b"<"), 0) if chunk else len(block)
            text, carry = block[:end], block[end:]
            if len(carry) > LONGEST_XML_TEXT + 1 or _longest_run(text) > LONGEST_XML_TEXT:
                raise ReadError(_("Een cel in dit Excel-bestand heeft meer tekst dan Excel in een cel toelaat "
                                  "(%(max)s tekens). Verbeter de cel en sla het bestand opnieuw op.",
                                  max=format_number(EXCEL_CELL_LIMIT)))
            if text:
                if b"<!DOCTYPE" in text or b"<!ENTITY" in text or b"\x00" in text[:4]:
                    # Excel writes no document type: its entities could make one tag many, past
                    # the counts. And a part in UTF-16 would hide its tags from them.
                    raise ReadError(unreadable)
                part.tags += text.count(b"<")
                if before + part.tags > MAX_XML_TAGS:
                    raise ReadError(_too_large())
                if b"<si" in text or b":si" in text:
                    part.strings += len(STRING_TAG_RE.findall(text))
                    if part.strings > MAX_SHARED_STRINGS:
                        raise ReadError(_("Dit Excel-bestand heeft meer dan %(max)s verschillende teksten, meer dan "
                                          "in een bestand van %(rows)s rijen past. Sla het werkblad op als CSV, of "
                                          "haal de werkbladen die er niet in horen uit het bestand.",
                                          max=format_number(MAX_SHARED_STRINGS), rows=format_number(MAX_ROWS)))
                    if part.tags > MAX_SHARED_STRING_TAGS:
                        raise ReadError(_too_large())
                if part.rows <= MAX_SHEET_ROWS and part.cells <= MAX_SHEET_CELLS:
                    # b"c" per cell and b"row" per row, in order: split at the rows, each piece
                    # is a row's cells. Past a limit the part is refused: no need to count on.
                    pieces = b"".join(ROW_OR_CELL_RE.findall(text)).split(b"row")
                    row_cells += len(pieces[0])
                    for piece in pieces[1:]:
                        part.cells += row_cells
                        part.widest_row = max(part.widest_row, row_cells)
                        row_cells = len(piece)
                    part.rows += len(pieces) - 1
                if not part.formulas and (b"<f" in text or b":f" in text) and FORMULA_RE.search(text):
                    part.formulas = True
                if b"mergeCell" in text and len(part.merges) <= MAX_MERGES:
                    part.merges.extend(m.group(1).decode("ascii", "replace") for m in MERGE_CELL_RE.finditer(text))
            if not chunk:
                break
    part.cells += row_cells
    part.widest_row = max(part.widest_row, row_cells)
    return part


def _longest_run(text: bytes) -> int:
    """The longest run of bytes between two '<' in `text`, or a lower bound when that is at most
    half of LONGEST_XML_TEXT: a run longer than that fills one of the windows looked at."""
    window = LONGEST_XML_TEXT // 2
    if all(text.find(b"<", start, start + window) >= 0 for start in range(0, len(text) - window + 1, window)):
        return 0 if len(text) < window else window
    return max(map(len, text.split(b"<")))


def _check_sheet(part: _Part) -> None:
    """Refuse a sheet that holds far more than a file of MAX_ROWS rows, before it is parsed."""
    if part.rows > MAX_SHEET_ROWS:
        raise ReadError(_("Een werkblad heeft meer dan %(max)s rijen, lege rijen meegeteld.",
                          max=format_number(MAX_SHEET_ROWS)) + " " + _too_large_advice())
    if part.cells > MAX_SHEET_CELLS:
        raise ReadError(_("Een werkblad heeft meer dan %(max)s cellen, lege cellen meegeteld.",
                          max=format_number(MAX_SHEET_CELLS)) + " " + _too_large_advice())
    if part.widest_row > MAX_ROW_CELLS:
        raise ReadError(_("Een rij van een werkblad heeft meer dan %(max)s cellen: meer dan Excel in een rij "
                          "toelaat.", max=format_number(MAX_ROW_CELLS)) + " " + _too_large_advice())
    if len(part.merges) > MAX_MERGES:
        shown = ", ".join(part.merges[:MAX_MERGES_NAMED]) + ", …"
        raise ReadError(_("Samengevoegde cellen %(cells)s: maak ze los en probeer het opnieuw.", cells=shown))


def _too_large_advice() -> str:
    """What to do about a workbook too large to unpack. Few real files hold that much data; a
    sheet with one row of data and a million empty rows that carry formatting (a whole column
    given a colour or border) does, and then there is nothing to split."""
    return _("Vaak komt dat door heel veel lege rijen met opmaak onder de gegevens, bijvoorbeeld een hele "
             "kolom met een kleur of rand. Verwijder dan de lege rijen onder de gegevens (selecteer ze en kies "
             "Verwijderen) en sla het bestand opnieuw op, of sla het werkblad op als CSV. Staan er echt zoveel "
             "gegevens in, splits het bestand dan in kleinere bestanden.")


def _sheet_rows(sheet, rows: int, *, data_only: bool = True):
    """(row number, values) per row of the sheet, as openpyxl's read-only iter_rows(values_only=True)
    gives them, from the same parser, without its padding.

    iter_rows pads every row to the width the sheet's <dimension> claims and yields an empty row
    for every row number the XML skips: a file of a few KB made it build a row of 16,384 cells
    for each of 50,000 rows, or count to a row number of a billion. Here a row is as wide as its
    cells (at most MAX_COLUMNS), a skipped row costs nothing, and the parse stops after the last
    of the `rows` rows the part was counted to hold: what follows is no data.
    """
    # openpyxl's own parser and read-only sheet internals: setup.cfg keeps openpyxl below 3.2, and
    # tests/app/test_import_xlsx_cost.py would read a changed one as "unreadable".
    from openpyxl.worksheet._reader import WorkSheetParser

    workbook = sheet.parent
    expected = 1
    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=data_only, epoch=workbook.epoch,
                                 date_formats=workbook._date_formats,
                                 timedelta_formats=workbook._timedelta_formats)
        for count, (number, cells) in enumerate(parser.parse(), start=1):
            if number >= expected:  # as iter_rows: a row after a later one is not read
                expected = number + 1
                yield number, _row_values(cells, refuse_wide=data_only)
            if count >= rows:
                break


def _row_values(cells: list[dict], *, refuse_wide: bool = True) -> list:
    """A row's values by column, as wide as its last cell and at most MAX_COLUMNS."""
    values: list = []
    for cell in cells:
        column, value = cell["column"], cell["value"]
        if column < 1:
            continue
        if column > MAX_COLUMNS:
            # Trailing empty columns are common in spreadsheets; real data that wide is not ours.
            if refuse_wide and value is not None and str(value).strip() != "":
                raise ReadError(_("Het bestand heeft meer dan %(max)d kolommen. Gebruik het sjabloon.",
                                  max=MAX_COLUMNS))
            continue
        if column > len(values):
            values.extend([None] * (column - len(values)))
        values[column - 1] = _excel_unescaped(value)
    return values


def _excel_unescaped(value):
    """A text as typed in Excel: Excel writes a character XML cannot hold (a vertical tab pasted
    into a cell) as _x000B_, and openpyxl leaves that as it is; the cell is then read as a CSV cell
    with that character (values.display)."""
    if isinstance(value, str) and "_x" in value:
        from openpyxl.utils.escape import unescape

        return unescape(value)
    return value


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


def _formulas_without_result(sheet, part: _Part, table: Table) -> list[str]:
    """The cells of the data that hold a formula without its last result.

    Excel saves a formula's result beside it and that is what is read; a program that writes a
    workbook may leave it out, and such a cell must not be read as empty (a lost value). Only a
    sheet that holds formulas is parsed a second time, for the formulas themselves: the same
    workbook, its shared strings read once, and only up to the last row of the data.
    """
    from openpyxl.utils import get_column_letter

    read = {number: cells for number, cells in table.rows}
    read[table.header_row] = [header or None for header in table.headers]
    last = max(read)
    found = []
    for number, cells in _sheet_rows(sheet, part.rows, data_only=False):
        if number > last:
            break
        shown = read.get(number)
        if shown is None:
            continue
        for index, value in enumerate(cells[:len(shown)]):
            if isinstance(value, str) and value.startswith("=") and shown[index] is None:
                found.append(f"{get_column_letter(index + 1)}{number}")
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


# A character as UTF-8 writes it beyond ASCII (é as two bytes, – as three, an emoji as four).
_UTF8_CHARACTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _mostly_utf8(data: bytes) -> bool:
    """More characters written as UTF-8 writes them than bytes beyond ASCII that are none: a UTF-8
    file with something else pasted in. Windows-1252 text has such pairs only by chance ("É’")."""
    valid = _UTF8_CHARACTER.findall(data)
    beyond_ascii = sum(byte >= 0x80 for byte in data)
    return len(valid) > beyond_ascii - sum(map(len, valid))


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
    except UnicodeDecodeError as exc:
        if _mostly_utf8(data):
            # Mostly UTF-8 with a line of another program's bytes (pasted in): read as Windows-1252
            # every accented letter elsewhere would be stored garbled ("Zoë" as "ZoÃ«") without a word.
            line = data[:exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1
            raise ReadError(_("Regel %(line)d van dit CSV-bestand heeft tekens in een andere codering dan de rest "
                              "van het bestand. Sla het bestand op als CSV UTF-8 en kijk die regel na.",
                              line=line)) from None
    try:
        # Excel on Windows saves "CSV (gescheiden door lijstscheidingsteken)" in Windows-1252. A
        # UTF-8 byte order mark before such text (an editor kept it, the text was saved in
        # Windows-1252) is no text: read as Windows-1252 it made the first column "ï»¿naam".
        return data.removeprefix(codecs.BOM_UTF8).decode("cp1252")
    except UnicodeDecodeError:
        raise ReadError(_("De tekens in dit CSV-bestand kunnen we niet lezen. Sla het op als CSV UTF-8.")) from None


EXCEL_SEPARATOR_LINE = re.compile(r"[ \t]*sep=([;,\t])[ \t]*\r?\n", re.IGNORECASE)


def _delimiter(first_line: str) -> str:
    # Dutch Excel writes ';', others ','. Headers never contain either, so the first line decides.
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _read_csv(data: bytes) -> Table:
    # A control character in a cell of a text file (a bell or an escape sequence pasted along) is
    # read as the forms read it (values.display: a space between two words), not as a sign of a
    # binary file: that is a NUL byte (_decode), which a PNG or a PDF holds.
    content = _decode(data)
    hint = EXCEL_SEPARATOR_LINE.match(content)
    if hint:
        # Excel's own first line "sep=;" names the separator and is not shown as a row there:
        # not here either, so the rows keep the numbers Excel gives them.
        content, delimiter = content[hint.end():], hint.group(1)
    else:
        delimiter = _delimiter(next((line for line in content.splitlines() if line.strip()), ""))
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        raw = []
        # The record number, not the line number: it is the row number Excel shows. Only rows
        # with something in them are kept and counted: a file with an empty line after every row
        # lost its second half when empty lines counted towards the limit.
        for number, cells in enumerate(reader, start=1):
            if any(c.strip() for c in cells):
                raw.append((number, cells))
                if len(raw) > MAX_ROWS + 1:  # the header and one row too many: _finish refuses it
                    break
        _one_separator(raw, delimiter)
        return _finish(raw)
    except csv.Error as error:
        if "field larger than field limit" in str(error):  # far past a cell's 2,000 characters
            raise ReadError(_("Regel %(line)d van dit CSV-bestand heeft een cel met veel te veel tekst. Een cel mag "
                              "hoogstens %(max)s tekens hebben.", line=reader.line_num,
                              max=format_number(MAX_CELL))) from error
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
