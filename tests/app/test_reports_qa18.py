"""QA round 18 on the job-agreement report (/rapportages/banenafspraak, its CSV and XLSX).

1. Coverage and use count up to the first week not every team has published, not up to the latest
   week each team has published: week 52 published while week 51 was a draft counted week 51 as
   asked and not planned (83% fell to 49%) and the page said "up to 27 December". A week between
   two a team published waits for no roster of it when the team has no work in it.
2. A shift of someone reported absent counts nowhere (worked hours, people, days planned), as the
   ministry's planning page leaves them out (ministry_plan).
3. The XLSX writes text as text: a team named "=Team Test" reads as typed, without the CSV's quote.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import RequestStatus, Roster
from binnenwerk.services.reports import Quarter, counted_until, job_report, jobs_by_quarter, ministry_plan

S = RequestStatus
D = dt.date


def by_name(rows, name):
    return next(r for r in rows if r.name == name)


def weekdays_between(first: dt.date, last: dt.date) -> list[dt.date]:
    from binnenwerk.public_holidays import is_public_holiday

    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return [d for d in days if d.isoweekday() <= 5 and not is_public_holiday(d)]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))


# --- 1. counting stops before the first week a team has not published ----------------------------
# Today is faked as Wednesday 9 December 2026 (week 50). Team Noord has work every weekday of the
# quarter; it published weeks 49, 50 and 52, week 51 is a draft. Quarter 4 runs to 31 December.

Q4 = Quarter(2026, 4)
TODAY = D(2026, 12, 9)
SUNDAY_50, SUNDAY_52 = D(2026, 12, 13), D(2026, 12, 27)


def publish(team, *weeks, version=1):
    for week in weeks:
        db.session.add(Roster(week=week, team=team, version=version, status="published" if version else "draft"))
    db.session.flush()


@pytest.fixture
def gap(make, monkeypatch):
    from binnenwerk.services import feeds

    monkeypatch.setattr(feeds, "local_today", lambda: TODAY)
    ministry = make.ministry(code="GAT", name="Ministerie Gat")
    location, work_type = make.location(ministry=ministry, region="Noord"), make.work_type()
    team = make.team(name="Team Noord", region="Noord")
    person = make.employee(team=team, contract_minutes=1530)
    request_id = make.request(location=location, work_type=work_type, status=S.SCHEDULED.value, start_date=Q4.start,
                              end_date=Q4.end, weekdays="12345", headcount=1).id
    planned = weekdays_between(Q4.start, SUNDAY_50) + weekdays_between(D(2026, 12, 21), SUNDAY_52)
    for day in planned:  # weeks 40-50 and 52 planned; week 51 (a draft) not
        make.published_shift(employee=person, date=day, location=location, work_type=work_type,
                             start="09:00", end="15:00", break_minutes=30, request_id=request_id)
    publish(team, "2026-W49", "2026-W50", "2026-W52")
    publish(team, "2026-W51", version=0)
    return SimpleNamespace(team=team, ministry=ministry, work_type=work_type,
                           planned_to_50=weekdays_between(Q4.start, SUNDAY_50))


def test_a_week_not_published_stops_the_count_though_a_later_one_is(app, gap):
    assert counted_until(Q4, TODAY) == SUNDAY_50  # was 27 December: week 52's Sunday
    report = job_report(Q4)
    assert report.counted_until == SUNDAY_50
    figures = by_name(report.ministries, "Ministerie Gat")
    days = len(gap.planned_to_50)
    assert (figures.wanted_days, figures.planned_days, figures.coverage) == (days, days, 1.0)
    team = by_name(report.teams, "Team Noord")
    assert team.contract_hours == pytest.approx(25.5 * ((SUNDAY_50 - Q4.start).days + 1) / 7)
    assert team.worked_hours == 5.5 * days  # week 52's shifts wait, as its contract hours do
    # Once week 51 is published, weeks 51 and 52 count; week 53, which nobody published, does not.
    draft = db.session.scalar(select(Roster).where(Roster.week == "2026-W51"))
    draft.version, draft.status = 1, "published"
    db.session.flush()
    assert counted_until(Q4, TODAY) == SUNDAY_52
    # A roster changed since it was published is still published.
    draft.has_unpublished_changes = True
    db.session.flush()
    assert counted_until(Q4, TODAY) == SUNDAY_52


def test_weeks_gone_by_need_no_roster(app, gap):
    """Days gone by always count: on Wednesday 23 December (week 52) week 51 is over."""
    assert counted_until(Q4, D(2026, 12, 23)) == SUNDAY_52
    assert counted_until(Q4, D(2026, 12, 16)) == D(2026, 12, 16)  # in week 51: today, not week 52
    assert counted_until(Q4, D(2027, 1, 4)) == Q4.end


def test_a_team_blocks_only_weeks_it_has_work_in(app, gap, make):
    """Team Zuid did not publish week 51. Nothing is asked in its region then: it waits for no
    roster of it. Once something is asked there that week, the count stops before it."""
    noord_51 = db.session.scalar(select(Roster).where(Roster.week == "2026-W51"))
    noord_51.version, noord_51.status = 1, "published"
    zuid = make.team(name="Team Zuid", region="Zuid")
    make.employee(team=zuid)
    publish(zuid, "2026-W50", "2026-W52")
    south = make.location(ministry=gap.ministry, region="Zuid")
    make.request(location=south, work_type=gap.work_type, status=S.ACCEPTED.value, start_date=D(2026, 12, 7),
                 end_date=D(2026, 12, 11), headcount=1)  # week 50
    make.request(location=south, work_type=gap.work_type, status=S.ACCEPTED.value, start_date=D(2026, 12, 21),
                 end_date=D(2026, 12, 24), headcount=1)  # week 52
    # A team whose people start in week 52 has nothing to do in week 51 either.
    new = make.team(name="Team Nieuw", region="Noord")
    make.employee(team=new, contract_start=D(2026, 12, 21))
    publish(new, "2026-W52")
    assert counted_until(Q4, TODAY) == SUNDAY_52
    # Work asked in Zuid in week 51 (a request submitted only is not asked: not committed).
    make.request(location=south, work_type=gap.work_type, status=S.SUBMITTED.value, start_date=D(2026, 12, 14),
                 end_date=D(2026, 12, 18), headcount=1)
    assert counted_until(Q4, TODAY) == SUNDAY_52
    make.request(location=south, work_type=gap.work_type, status=S.ACCEPTED.value, start_date=D(2026, 12, 16),
                 end_date=D(2026, 12, 16), headcount=1)
    assert counted_until(Q4, TODAY) == SUNDAY_50
    assert job_report(Q4).counted_until == SUNDAY_50
    # A team with no published week of the quarter holds every day back, as before.
    make.employee(team=make.team(name="Team Stil", region="Oost"))
    assert counted_until(Q4, TODAY) == TODAY


def test_the_page_and_downloads_say_the_day_the_count_stops(client, login, make, gap):
    login(make.user(role="planner"))
    page = client.get("/rapportages/banenafspraak?kwartaal=2026-K4").get_data(as_text=True)
    assert ("Dekking en benutting tellen tot en met zondag 13 december: van de weken daarna heeft nog niet "
            "elk team een rooster gepubliceerd.") in page
    assert "27 december" not in page
    rows = csv_rows(client.get("/rapportages/banenafspraak.csv?kwartaal=2026-K4"))
    line = dict(zip(rows[0], next(r for r in rows if r[0] == "Ministerie Gat")))
    assert (line["Dekking"], line["Dekking telt tot en met"]) == ("1", "2026-12-13")
    book = load_workbook(io.BytesIO(client.get("/rapportages/banenafspraak.xlsx?kwartaal=2026-K4").data))
    sheet = list(book["Teams"].iter_rows(values_only=True))
    assert sheet[1][-1].date() == SUNDAY_50


# --- 2. who is reported absent counts nowhere, as on the ministry's planning page -----------------
# Quarter 2 of 2026 (gone by). A request asks 2 people on Monday 13 - Wednesday 15 April; Anna and
# Bert are told to come each day 09:00-15:00 (5.5 h worked), Cees on the 13th only.

Q2 = Quarter(2026, 2)
AFTER_Q2 = D(2026, 7, 15)
JOB_Q2 = 25.5 * 13  # hours in one job


@pytest.fixture
def absent(make):
    ministry = make.ministry(code="AFW", name="Ministerie Ochtend")
    location, work_type = make.location(ministry=ministry, region="Noord"), make.work_type()
    team = make.team(name="Team Ochtend", region="Noord")
    anna, bert, cees = (make.employee(team=team, first_name=name, last_name="Geheim")
                        for name in ("Anna", "Bert", "Cees"))
    request = make.request(location=location, work_type=work_type, status=S.ACCEPTED.value,
                           start_date=D(2026, 4, 13), end_date=D(2026, 4, 15), headcount=2,
                           start_minute=9 * 60, end_minute=15 * 60, break_minutes=30)
    days = (D(2026, 4, 13), D(2026, 4, 14), D(2026, 4, 15))
    for person, when in ((anna, days), (bert, days), (cees, days[:1])):
        for day in when:
            make.published_shift(employee=person, date=day, location=location, work_type=work_type,
                                 start="09:00", end="15:00", break_minutes=30, request_id=request.id)
    make.absence(employee=anna, start=days[0], kind="ziek", note="Griep, geheim")  # the whole day
    make.absence(employee=cees, start=days[0], end=days[2], kind="verlof")  # whole days
    make.absence(employee=bert, start=days[1], times=("13:00", "14:00"), kind="afspraak")  # during the shift
    make.absence(employee=bert, start=days[2], times=("15:00", "17:00"), kind="afspraak")  # after it: comes
    return SimpleNamespace(ministry=ministry, team=team, days=days)


def test_an_absent_persons_shift_is_no_hours_person_or_day_planned(app, absent):
    report = job_report(Q2, AFTER_Q2)
    figures = by_name(report.ministries, "Ministerie Ochtend")
    # Anna: 14 and 15 April; Bert: 13 and 15 April; Cees: none (away the only day he was told).
    assert figures.worked_hours == 4 * 5.5  # was 7 shifts: 38.5 h
    assert figures.people == 2 and report.total.people == 2
    assert figures.jobs == pytest.approx(22 / JOB_Q2)
    # Wanted 3 x 2; planned: the 13th Bert, the 14th Anna, the 15th both.
    assert (figures.wanted_days, figures.planned_days) == (6, 4)
    assert by_name(report.teams, "Team Ochtend").worked_hours == 22
    assert {r.name: r.jobs for r in jobs_by_quarter(2026)}["Ministerie Ochtend"][1] == pytest.approx(22 / JOB_Q2)


def test_the_report_counts_the_people_the_ministrys_planning_page_shows(app, absent):
    plan = {d.date: d for r in ministry_plan(absent.ministry.id, *absent.days[::2]) for d in r.days}
    assert [plan[day].planned for day in absent.days] == [1, 1, 2]
    figures = by_name(job_report(Q2, AFTER_Q2).ministries, "Ministerie Ochtend")
    assert figures.planned_days == sum(min(d.wanted, d.planned) for d in plan.values())
    assert figures.wanted_days == sum(d.wanted for d in plan.values())


def test_the_downloads_leave_the_absent_out_and_never_say_why(client, login, make, absent):
    login(make.user(role="planner"))
    rows = csv_rows(client.get("/rapportages/banenafspraak.csv?kwartaal=2026-K2"))
    line = dict(zip(rows[0], next(r for r in rows if r[0] == "Ministerie Ochtend")))
    assert (line["Gewerkte uren"], line["Mensen geplaatst"], line["Ingeplande mensdagen"]) == ("22", "2", "4")
    page = client.get("/rapportages/banenafspraak?kwartaal=2026-K2").get_data(as_text=True)
    teams = client.get("/rapportages/banenafspraak-teams.csv?kwartaal=2026-K2").get_data(as_text=True)
    book = load_workbook(io.BytesIO(client.get("/rapportages/banenafspraak.xlsx?kwartaal=2026-K2").data))
    cells = " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row)
    for text in (page, teams, cells, " ".join(" ".join(r) for r in rows)):
        assert "Griep" not in text and "Geheim" not in text
        assert not re.search(r"\b(ziek|verlof|afspraak|afwezig)\b", text, re.IGNORECASE)  # no absence, nor its kind


# --- 3. the XLSX writes text as text ------------------------------------------------------------


@pytest.fixture
def formula_names(make):
    ministry = make.ministry(code="FRM", name="+Ministerie Formule")
    team = make.team(name="=Team Test", region="@Regio")
    make.published_shift(employee=make.employee(team=team), date=D(2026, 4, 7),
                         location=make.location(ministry=ministry))
    return ministry


def test_the_excel_file_shows_names_as_typed_and_never_as_a_formula(client, login, make, formula_names):
    login(make.user(role="planner"))
    data = client.get("/rapportages/banenafspraak.xlsx?kwartaal=2026-K2").data
    book = load_workbook(io.BytesIO(data))
    teams = book["Teams"]
    row = next(r for r in teams.iter_rows(min_row=2) if r[0].value and "Team Test" in r[0].value)
    assert (row[0].value, row[1].value) == ("=Team Test", "@Regio")  # was "'=Team Test"
    assert row[0].data_type == "s" and row[1].data_type == "s"
    ministries = [r[0] for r in book["Ministeries"].iter_rows(min_row=2)]
    assert "+Ministerie Formule" in [c.value for c in ministries]
    assert all(c.data_type == "s" for c in ministries if isinstance(c.value, str))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # no cell is a formula
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name
    # Numbers and dates stay what they were.
    header = [c.value for c in teams[1]]
    line = dict(zip(header, (c.value for c in row)))
    assert line["Gewerkte uren"] == 5.5 and line["Benutting telt tot en met"].date() == Q2.end


def test_the_csv_still_guards_formula_like_names(client, login, make, formula_names):
    login(make.user(role="planner"))
    teams = csv_rows(client.get("/rapportages/banenafspraak-teams.csv?kwartaal=2026-K2"))
    assert ["'=Team Test", "'@Regio"] in [r[:2] for r in teams]
    ministries = csv_rows(client.get("/rapportages/banenafspraak.csv?kwartaal=2026-K2"))
    assert "'+Ministerie Formule" in [r[0] for r in ministries]


def test_control_characters_are_dropped_from_the_excel_file(client, login, make):
    team = make.team(name="Team\x07 Bel", region="Noord")
    make.published_shift(employee=make.employee(team=team), date=D(2026, 4, 7))
    login(make.user(role="planner"))
    book = load_workbook(io.BytesIO(client.get("/rapportages/banenafspraak.xlsx?kwartaal=2026-K2").data))
    assert "Team Bel" in [r[0] for r in book["Teams"].iter_rows(values_only=True)]
