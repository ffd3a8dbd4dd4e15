"""Views of the reports blueprint: capacity per region and the job-agreement report with downloads."""
from __future__ import annotations

import csv
import datetime as dt
import io

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _

from ..access import OFFICE, roles_required
from ..formatting import (
    csv_delimiter, current_week, decimal_text, local_today, parse_week, read_week, week_of,
)
from ..rosters.routes import typed_week_refused
from ..services.reports import (
    JOB_HOURS_PER_WEEK, TIGHT, JobReport, Quarter, capacity, job_report, jobs_by_quarter, paid_jobs_by_quarter,
    spreadsheet_safe,
)
from . import bp

CAPACITY_WEEKS = 8
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _capacity_week() -> tuple[str, dt.date, bool]:
    """The week the capacity report starts at, its Monday, and whether a typed week was refused."""
    today = local_today()
    # 'vanaf' too: the page reads "8 weken vanaf ...", so a link may well name the week so.
    typed = request.args.get("week") or request.args.get("vanaf", "")
    refused = False  # the title starts with "Fout:" (base.html)
    try:  # as people type a week ('53', 'week 53 2026'), as the roster page reads it
        chosen = read_week(typed[:20], today) if typed else current_week(today)
    except ValueError as exc:
        chosen, refused = typed_week_refused(typed, exc), True
    year, number = parse_week(chosen)
    return chosen, dt.date.fromisocalendar(year, number, 1), refused


@bp.route("/capaciteit", endpoint="capacity")
@roles_required(*OFFICE)
def capacity_view():
    today = local_today()
    chosen, first, refused = _capacity_week()
    rows = capacity(first, CAPACITY_WEEKS)
    return render_template(
        "reports/capacity.html", rows=rows, first=first, week=chosen, weeks=[c.week for c in rows[0].cells] if rows else [],
        previous_week=week_of(first - dt.timedelta(weeks=CAPACITY_WEEKS)),
        next_week=week_of(first + dt.timedelta(weeks=CAPACITY_WEEKS)), tight=int(TIGHT * 100), today=today,
        past_week=week_of(today) if current_week(today) != week_of(today) else None, this_week=current_week(today),
        refused=refused,
    )


@bp.route("/capaciteit.csv")
@roles_required(*OFFICE)
def capacity_csv():
    """The capacity report's cells, a row per region and week, in hours; a week that cannot be read
    gives this week's (as the page shows it)."""
    chosen, first, _refused = _capacity_week()
    levels = {"ok": _("Ruim"), "tight": _("Krap"), "short": _("Tekort")}
    english = str(get_locale()) != "nl"
    rows = [[_("Regio"), _("Week"), _("Oordeel"), _("Vraag in procenten van beschikbaar"),
             _("Aanvragen met status geaccepteerd (uren)"), _("Aanvragen met status ingepland (uren)"),
             _("Aanvragen met status ingediend (uren)"), _("Beschikbaar (uren)"), _("Te weinig mensen voor")]]
    for row in capacity(first, CAPACITY_WEEKS):
        for c in row.cells:
            short = ", ".join((w.name_en or w.name_nl) if english else w.name_nl for w in c.short_work)
            rows.append([row.region, c.week, levels[c.level], "" if c.percent is None else c.percent,
                         c.accepted / 60, c.scheduled / 60, c.submitted / 60, c.available / 60, short])
    return _csv(rows, f"{_file_name('capaciteit', 'capacity')}-{chosen}.csv")


def _quarter() -> Quarter | None:
    """The quarter asked for, this quarter when none is; None when the text is no quarter."""
    raw = request.args.get("kwartaal")
    if not raw:
        return Quarter.of(local_today())
    try:
        return Quarter.parse(raw)
    except ValueError:
        return None


def _quarter_refused() -> Quarter:
    """A quarter that cannot be read: say so at the top and show this quarter (as a typed week)."""
    shown = Quarter.of(local_today())
    flash(_("'%(quarter)s' is geen kwartaal dat we kennen. Je ziet nu dit kwartaal (%(shown)s).",
            quarter=request.args.get("kwartaal", "")[:20], shown=shown.label), "error")
    return shown


def _download_refused() -> Response:
    """A download of a text that is no quarter: the report's page instead, which says so."""
    return redirect(url_for("reports.jobs", kwartaal=request.args.get("kwartaal", "")[:20]))


@bp.route("/banenafspraak")
@roles_required(*OFFICE)
def jobs():
    quarter = _quarter()
    refused = quarter is None  # the title starts with "Fout:" (base.html)
    if refused:
        quarter = _quarter_refused()
    today = local_today()
    report = job_report(quarter, today)
    return render_template(
        "reports/jobs.html", report=report, quarter=quarter, previous=quarter.shifted(-1), next=quarter.shifted(1),
        job_hours=JOB_HOURS_PER_WEEK, chart=_chart(report), year_rows=jobs_by_quarter(quarter.year),
        year_paid=paid_jobs_by_quarter(quarter.year), today=today, refused=refused,
    )


def _chart(report: JobReport) -> dict:
    """Bar geometry for the server-side SVG chart of jobs per ministry."""
    rows = report.ministries
    top = max((r.jobs for r in rows), default=0) or 1
    bar_area = 420
    return {
        "height": 30 * len(rows) + 10,
        "bars": [
            {"label": r.code, "name": r.name, "value": r.jobs, "y": 30 * i + 5, "width": round(bar_area * r.jobs / top, 1)}
            for i, r in enumerate(rows)
        ],
    }


def _number(value: float | None) -> str:
    """A decimal number for CSV in the user's language, to 4 decimals: '12,5' in Dutch, '12.5' in
    English. Cells are split by ';' in Dutch (what Dutch Excel reads), so a decimal comma stays in
    its cell, and by ',' in English (formatting.csv_delimiter)."""
    return decimal_text(value, 4)


def _ministry_rows(report: JobReport) -> list[list]:
    header = [_("Ministerie"), _("Code"), _("Kwartaal"), _("Gewerkte uren"), _("Banen"), _("Mensen geplaatst"),
              _("Gevraagde mensdagen"), _("Ingeplande mensdagen"), _("Dekking"), _("Dekking telt tot en met")]
    rows = [header]
    # The last day coverage counts, on every row: a quarter not yet over counts its rostered weeks.
    until = _counted_until(report)
    for r in report.ministries:
        rows.append([r.name, r.code, report.quarter.label, r.worked_hours, r.jobs, r.people, r.wanted_days,
                     r.planned_days, r.coverage, until])
    t = report.total
    rows.append([_("Totaal"), "", report.quarter.label, t.worked_hours, t.jobs, t.people, t.wanted_days,
                 t.planned_days, t.coverage, until])
    # The job agreement's own count, in paid hours: for all of Binnenwerk, not per ministry.
    rows.append([_("Banen naar betaalde uren"), "", report.quarter.label, "", report.paid_jobs, "", "", "", "", ""])
    return rows


def _counted_until(report: JobReport) -> dt.date | str:
    """The last day coverage and utilisation count, or empty when they count no day yet."""
    return "" if report.counts_no_day else report.counted_until


def _team_rows(report: JobReport) -> list[list]:
    rows = [[_("Team"), _("Regio"), _("Kwartaal"), _("Gewerkte uren"), _("Contracturen"), _("Benutting"),
             _("Benutting telt tot en met")]]
    until = _counted_until(report)
    for t in report.teams:
        rows.append([t.name, t.region, report.quarter.label, t.worked_hours, t.contract_hours, t.utilisation, until])
    return rows


def _year_rows(year: int) -> list[list]:
    rows = [[_("Ministerie"), _("Code")] + [_("Banen K%(n)s %(year)s", n=n, year=year) for n in (1, 2, 3, 4)]]
    for r in jobs_by_quarter(year):
        rows.append([r.name, r.code, *r.jobs])
    rows.append([_("Banen naar betaalde uren"), "", *paid_jobs_by_quarter(year)])
    return rows


def _file_name(dutch: str, english: str) -> str:
    """A download's name in the user's language: 'capaciteit' in Dutch, 'capacity' in English."""
    return dutch if str(get_locale() or "nl") == "nl" else english


def _csv(rows: list[list], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=csv_delimiter())
    for row in rows:
        writer.writerow([_number(v) if isinstance(v, float) else spreadsheet_safe(v) for v in row])
    return Response(
        "\ufeff" + out.getvalue(), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/banenafspraak.csv")
@roles_required(*OFFICE)
def jobs_csv():
    quarter = _quarter()
    if quarter is None:
        return _download_refused()
    report = job_report(quarter, local_today())
    return _csv(_ministry_rows(report), f"{_file_name('banenafspraak', 'job-agreement')}-{report.quarter.label}.csv")


@bp.route("/banenafspraak-teams.csv")
@roles_required(*OFFICE)
def jobs_teams_csv():
    quarter = _quarter()
    if quarter is None:
        return _download_refused()
    report = job_report(quarter, local_today())
    return _csv(_team_rows(report), f"{_file_name('benutting-teams', 'team-use')}-{report.quarter.label}.csv")


def _write_row(sheet, number: int, row: list) -> None:
    """Row `number` of the sheet, each cell as the data exports write theirs (dataio's put_value)."""
    from ..dataio.writing import put_value

    for column, value in enumerate(row, start=1):
        put_value(sheet.cell(row=number, column=column), value)


@bp.route("/banenafspraak.xlsx")
@roles_required(*OFFICE)
def jobs_xlsx():
    from openpyxl import Workbook
    from openpyxl.styles import Font

    quarter = _quarter()
    if quarter is None:
        return _download_refused()
    report = job_report(quarter, local_today())
    book = Workbook()
    sheets = [
        (book.active, _("Ministeries"), _ministry_rows(report)), (None, _("Teams"), _team_rows(report)),
        (None, _("Jaaroverzicht"), _year_rows(report.quarter.year)),
    ]
    for sheet, title, rows in sheets:
        sheet = sheet or book.create_sheet()
        sheet.title = title
        for number, row in enumerate(rows, start=1):
            _write_row(sheet, number, row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        shares = {str(_("Dekking")), str(_("Benutting"))}  # fractions, shown as the page shows them: 29%
        # Hours rounded to 2 decimals (the CSV rounds its numbers too): a sum of contract hours
        # is 3771.999999999999 in binary floating point, which Excel shows in the formula bar.
        hours = {str(_("Gewerkte uren")), str(_("Contracturen"))}
        for head, column in zip(sheet[1], sheet.iter_cols(min_row=2)):  # no rows below: no columns
            share, in_hours = str(head.value) in shares, str(head.value) in hours
            for cell in column:
                if isinstance(cell.value, float):
                    cell.number_format = "0%" if share else "0.00"
                    if in_hours:
                        cell.value = round(cell.value, 2)
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = max(12, max(len(str(c.value or "")) for c in column) + 2)
    out = io.BytesIO()
    book.save(out)
    return Response(
        out.getvalue(), mimetype=XLSX,
        headers={"Content-Disposition":
                 f'attachment; filename="{_file_name("banenafspraak", "job-agreement")}-{report.quarter.label}.xlsx"'},
    )
