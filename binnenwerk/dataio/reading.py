"""Read an uploaded .xlsx or .csv file into a header row and numbered data rows."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from flask_babel import gettext as _

MAX_ROWS = 10_000
MAX_COLUMNS = 100


class ReadError(Exception):
    """The file as a whole cannot be read; the message is Dutch."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """What a file holds: headers as written, and (row number, cells) per non-empty row."""

    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)


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
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise ReadError(_("Het bestand heeft meer dan %(max)d rijen. Splits het in kleinere bestanden.", max=MAX_ROWS))
    if headers is None:
        raise ReadError(_("Het bestand is leeg. Gebruik het sjabloon: eerst een rij met kolomnamen, dan de gegevens."))
    while headers and headers[-1] == "":
        headers.pop()
    return Table(headers=headers, rows=rows)


def _read_xlsx(data: bytes) -> Table:
    unreadable = _("Dit bestand kunnen we niet lezen als Excel-bestand (.xlsx). Sla het opnieuw op als Excel-werkmap, of gebruik CSV.")
    if not data.startswith(b"PK"):
        raise ReadError(unreadable)
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as error:
        raise ReadError(unreadable) from error
    except Exception as error:  # openpyxl raises many kinds on a damaged file: all mean "unreadable"
        raise ReadError(unreadable) from error
    try:
        if not workbook.worksheets:
            raise ReadError(unreadable)
        sheet = workbook.worksheets[0]
        return _finish(enumerate(sheet.iter_rows(values_only=True), start=1))
    except ReadError:
        raise
    except Exception as error:
        raise ReadError(unreadable) from error
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise ReadError(_("Dit is geen CSV-bestand maar waarschijnlijk een Excel-bestand. Geef het de naam .xlsx."))
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
    if any(ord(ch) < 32 and ch not in "\r\n\t" for ch in content[:10_000]):
        raise ReadError(_("Dit bestand is geen CSV-bestand (tekst). Kies een .xlsx- of .csv-bestand."))
    first_line = next((line for line in content.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=_delimiter(first_line))
    try:
        raw = []
        # The record number, not the line number: it is the row number Excel shows.
        for number, cells in enumerate(reader, start=1):
            raw.append((number, cells))
            if len(raw) > MAX_ROWS + 50:
                break
        return _finish(raw)
    except csv.Error as error:
        raise ReadError(_("Dit CSV-bestand is niet goed opgebouwd (regel %(line)d). Controleer de aanhalingstekens.",
                          line=reader.line_num)) from error
