"""Write a kind's rows as .xlsx or .csv in exactly the shape the import reads."""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

from flask_babel import get_babel
from flask_babel import gettext as _

from ..formatting import CONTROL_CHARACTERS
from . import values as v
from .engine import Kind

# Fixed timestamps inside the file, so the same data always gives the same bytes.
FIXED_TIME = dt.datetime(2000, 1, 1)
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"
# The number format Text: what is typed in the cell stays text (a phone number keeps its 0).
TEXT_FORMAT = "@"
# A kind's file name, in Dutch and in English; the column names stay Dutch (the import reads them).
FILE_NAMES = {
    "teams": ("teams", "teams"), "supervisors": ("teamleiders", "team-leaders"),
    "employees": ("medewerkers", "employees"), "requests": ("inzetaanvragen", "deployment-requests"),
}


def csv_cell(value, *, phone: bool = False) -> str:
    """One cell's text; `phone` for a phone column, where an international number stays bare
    (values.guard_formula)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return v.display(value)  # Dutch decimal comma: '25,5'
    if isinstance(value, (dt.date, int)):
        return v.display(value)
    return v.guard_formula(str(value), phone=phone)


def is_phone_column(name: str) -> bool:
    """Whether a kind's column holds phone numbers ('telefoon', 'jobcoach_telefoon',
    'contact_telefoon'): read with values.phone, so nothing but a phone number is in it."""
    return name.endswith("telefoon")


def to_csv(kind: Kind, rows: list[list]) -> bytes:
    """UTF-8 with a BOM and ';' between cells: what Dutch Excel opens and writes."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.name for c in kind.columns])
    phones = [is_phone_column(c.name) for c in kind.columns]
    for row in rows:
        writer.writerow([csv_cell(value, phone=i < len(phones) and phones[i]) for i, value in enumerate(row)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def put_value(cell, value) -> None:
    """A worksheet cell's value: text as text (data type "s"), so Excel never runs it as a formula
    and a name starting with '=' reads as typed (a CSV guards it with a quote instead); control
    characters, which would make openpyxl refuse the whole file, are dropped."""
    if isinstance(value, str):
        cell.value = CONTROL_CHARACTERS.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value


def to_xlsx(kind: Kind, rows: list[list], *, with_help: bool = True) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.properties.creator = "Binnenwerk Teamplanner"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    sheet = workbook.active
    sheet.title = str(kind.sheet_title)  # in the user's language; the import reads the sheet shown, by any name
    sheet.append([c.name for c in kind.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    texts = {index for index, column in enumerate(kind.columns, start=1) if column.text}
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=column)
            put_value(cell, value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            if column in texts:
                cell.number_format = TEXT_FORMAT
    for index, column in enumerate(kind.columns, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = max(10, min(40, len(column.name) + 4))
        if column.text:
            # The rows a user adds too: Excel keeps 0612345678 and 0123 as typed, not as a number.
            dimension.number_format = TEXT_FORMAT

    if with_help:
        notes = workbook.create_sheet(_("Uitleg"))
        notes.append([_("Kolom"), _("Verplicht"), _("Uitleg")])
        for cell in notes[1]:
            cell.font = Font(bold=True)
        for column in kind.columns:
            notes.append([column.name, _("ja") if column.required else _("nee"), str(column.description)])
        for heading, codes in kind.code_lists():
            # The codes the columns take, with their names: "Toetsenborden reinigen" is refused.
            notes.append([])
            notes.append([heading, "", _("Naam")])
            notes.cell(row=notes.max_row, column=1).font = Font(bold=True)
            for code, name in codes:
                notes.append([code, "", CONTROL_CHARACTERS.sub("", name)])
        notes.column_dimensions["A"].width = 24
        notes.column_dimensions["C"].width = 90

    # openpyxl's save() stamps "modified" with the clock; its writer, used directly, keeps ours.
    from openpyxl.writer.excel import ExcelWriter

    raw = io.BytesIO()
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()
    return _fixed_zip_times(raw.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite the zip with fixed entry times: an export of unchanged data is byte for byte equal."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return target_buffer.getvalue()


def export(kind: Kind, fmt: str) -> bytes:
    rows = kind.export_rows()
    return to_xlsx(kind, rows) if fmt == "xlsx" else to_csv(kind, rows)


def template(kind: Kind, fmt: str) -> bytes:
    """An empty sheet with the headers and one example row."""
    rows = [kind.example_row()]
    return to_xlsx(kind, rows) if fmt == "xlsx" else to_csv(kind, rows)


def in_dutch() -> bool:
    """Whether the user reads Dutch (the CLI does): file names follow the user's language.

    Asked of the app's locale selector, not of get_locale(): that keeps its answer in `g` for as long
    as the app context lives, and a CSV download asks nothing else of it, so it must not fix the
    language for what comes after it in that context (a test client keeps one for a whole test)."""
    babel = get_babel()
    chosen = babel.locale_selector() if babel.locale_selector is not None else None
    return str(chosen or "nl") == "nl"


def filename(kind: Kind, fmt: str, *, template_file: bool = False) -> str:
    """'medewerkers.xlsx', 'sjabloon-medewerkers.csv'; in English 'employees.xlsx',
    'template-employees.csv'."""
    dutch = in_dutch()
    names = FILE_NAMES.get(kind.name, (kind.name, kind.name))
    name = names[0] if dutch else names[1]
    if template_file:
        name = ("sjabloon-" if dutch else "template-") + name
    return f"{name}.{fmt}"
