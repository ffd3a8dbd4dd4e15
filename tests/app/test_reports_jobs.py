"""The job-agreement report on a hand-computed fixture, its page, chart and downloads.

Quarter 2 of 2026 runs from 1 April to 30 June: 91 days = 13 weeks, so one job is
25.5 x 13 = 331.5 worked hours. Public holidays in it include Easter Monday (6 April) and
Liberation Day (5 May), on which nobody is asked for.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from binnenwerk.models import RequestStatus
from binnenwerk.services.reports import Quarter, job_report

S = RequestStatus
Q2 = Quarter(2026, 2)
JOB = 331.5
D = dt.date


@pytest.fixture
def fixture(make):
    a = make.ministry(code="AAA", name="Ministerie A")
    b = make.ministry(code="BBB", name="Ministerie B")
    make.ministry(code="CCC", name="Ministerie C zonder werk")
    la, lb = make.location(ministry=a, name="Locatie A"), make.location(ministry=b, name="Locatie B")
    wt = make.work_type()
    t1, t2 = make.team(name="Team Een", region="Noord"), make.team(name="Team Twee", region="Zuid")
    e1 = make.employee(team=t1, contract_minutes=1560, first_name="Anna", last_name="Geheim")  # 26 h
    e2 = make.employee(team=t1, contract_minutes=780, first_name="Bert", last_name="Geheim")  # 13 h
    e3 = make.employee(team=t2, contract_minutes=1530, contract_end=D(2026, 5, 31),
                       first_name="Cees", last_name="Geheim")  # 25.5 h, leaves 31 May
    e4 = make.employee(team=t2, contract_minutes=1200, first_name="Dirk", last_name="Geheim")  # 20 h
    make.employee(team=t2, contract_minutes=1530, archived=True)  # left: no contract hours
    ra = make.request(location=la, work_type=wt, status=S.ACCEPTED.value, start_date=D(2026, 4, 13),
                      end_date=D(2026, 4, 15), weekdays="123", headcount=2)
    rb = make.request(location=lb, work_type=wt, status=S.SCHEDULED.value, start_date=D(2026, 5, 4),
                      end_date=D(2026, 5, 8), weekdays="12345", headcount=1)
    make.request(location=la, work_type=wt, status=S.SUBMITTED.value, start_date=D(2026, 4, 6),
                 end_date=D(2026, 6, 30), headcount=10)  # not committed: not wanted
    make.request(location=la, work_type=wt, status=S.CANCELLED.value, start_date=D(2026, 4, 6),
                 end_date=D(2026, 6, 30), headcount=10)

    def shift(employee, day, start, end, location=la, request=None, break_minutes=30, **kw):
        make.published_shift(employee=employee, date=day, location=location, work_type=wt, start=start, end=end,
                             break_minutes=break_minutes, request_id=request.id if request else None, **kw)

    shift(e1, D(2026, 4, 13), "09:00", "15:00", request=ra)  # 5.5 h
    shift(e1, D(2026, 4, 14), "09:00", "17:00", request=ra)  # 7.5 h
    shift(e2, D(2026, 4, 13), "09:00", "13:00", request=ra, break_minutes=0)  # 4 h
    shift(e4, D(2026, 4, 13), "09:00", "13:00", request=ra, break_minutes=0)  # 4 h, a third on a day asking 2
    shift(e3, D(2026, 5, 4), "08:00", "16:30", location=lb, request=rb)  # 8 h
    shift(e3, D(2026, 5, 5), "08:00", "16:30", request=rb, cancelled=True)  # cancelled: not counted
    shift(e1, D(2026, 3, 31), "09:00", "15:00")  # quarter 1
    shift(e1, D(2026, 7, 1), "09:00", "15:00")  # quarter 3
    return SimpleNamespace(a=a, b=b, t1=t1, t2=t2)


def by_name(rows, name):
    return next(r for r in rows if r.name == name)


def test_quarter_arithmetic():
    assert (Q2.start, Q2.end, Q2.days, Q2.weeks) == (D(2026, 4, 1), D(2026, 6, 30), 91, 13)
    assert Quarter(2026, 4).end == D(2026, 12, 31) and Quarter(2026, 1).days == 90
    assert Quarter.parse("2026-K2") == Q2 and Quarter.parse("2026-q2") == Q2
    assert Quarter(2026, 1).shifted(-1) == Quarter(2025, 4) and Quarter(2026, 4).shifted(1) == Quarter(2027, 1)
    for bad in ("2026-K5", "2026K2", "abcd-K1", "1900-K1", ""):
        with pytest.raises(ValueError):
            Quarter.parse(bad)


def test_jobs_people_and_coverage_per_ministry(app, fixture):
    report = job_report(Q2)
    assert [r.name for r in report.ministries] == ["Ministerie A", "Ministerie B"]
    a, b = by_name(report.ministries, "Ministerie A"), by_name(report.ministries, "Ministerie B")
    assert a.worked_minutes == 21 * 60 and a.people == 3
    assert a.jobs == pytest.approx(21 / JOB)
    # wanted: 3 days x 2; planned: 13 April 2 (3 came, 2 asked), 14 April 1, 15 April 0.
    assert (a.wanted_days, a.planned_days, a.coverage) == (6, 3, 0.5)
    assert b.worked_minutes == 8 * 60 and b.people == 1 and b.jobs == pytest.approx(8 / JOB)
    # wanted: 4 May - 8 May without Liberation Day (5 May) = 4 days x 1; planned: 4 May.
    assert (b.wanted_days, b.planned_days, b.coverage) == (4, 1, 0.25)
    assert report.total.worked_minutes == 29 * 60 and report.total.people == 4
    assert report.total.jobs == pytest.approx(29 / JOB)
    assert (report.total.wanted_days, report.total.planned_days) == (10, 4)


def test_utilisation_per_team(app, fixture):
    report = job_report(Q2)
    one, two = by_name(report.teams, "Team Een"), by_name(report.teams, "Team Twee")
    assert one.worked_hours == 17
    assert one.contract_hours == pytest.approx((26 + 13) * 13)  # 507 h
    assert one.utilisation == pytest.approx(17 / 507)
    # Cees: 25.5 h a week for 61 days (1 April - 31 May); Dirk: 20 h for 13 weeks.
    contract_two = 25.5 * 61 / 7 + 20 * 13
    assert two.worked_hours == 12
    assert two.contract_hours == pytest.approx(contract_two)
    assert two.utilisation == pytest.approx(12 / contract_two)


def test_thirteen_hours_a_week_for_a_quarter_is_point_51_job(app, make):
    loc = make.location()
    person = make.employee(contract_minutes=780)
    for week in range(13):  # Mondays and Tuesdays 6 April - 30 June, 6.5 h each
        for offset in (0, 1):
            make.published_shift(employee=person, date=D(2026, 4, 6) + dt.timedelta(weeks=week, days=offset),
                                 location=loc, start="09:00", end="16:00", break_minutes=30)
    report = job_report(Q2)
    assert report.total.worked_minutes == 169 * 60
    assert round(report.total.jobs, 2) == 0.51
    assert report.teams[0].utilisation == pytest.approx(1.0)


# --- a quarter halfway: coverage and utilisation count up to the rostered weeks ---------------------
# Today is faked as Wednesday 9 December 2026; the teams published week 50 (7-13 December), nothing
# later. Quarter 4 runs from 1 October to 31 December.

Q4 = Quarter(2026, 4)
TODAY = D(2026, 12, 9)
ROSTERED_UNTIL = D(2026, 12, 13)


def weekdays_between(first: dt.date, last: dt.date) -> list[dt.date]:
    from binnenwerk.public_holidays import is_public_holiday

    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return [d for d in days if d.isoweekday() <= 5 and not is_public_holiday(d)]


@pytest.fixture
def halfway(make, monkeypatch):
    from binnenwerk.extensions import db
    from binnenwerk.models import Roster
    from binnenwerk.services import feeds

    monkeypatch.setattr(feeds, "local_today", lambda: TODAY)
    ministry = make.ministry(code="HLF", name="Ministerie Halverwege")
    location, work_type = make.location(ministry=ministry), make.work_type()
    team = make.team(name="Team Halverwege", region="Noord")
    person = make.employee(team=team, contract_minutes=1530)  # 25.5 h a week, the whole quarter
    request = make.request(location=location, work_type=work_type, status=S.SCHEDULED.value,
                           start_date=Q4.start, end_date=Q4.end, weekdays="12345", headcount=1)
    for day in weekdays_between(Q4.start, ROSTERED_UNTIL):  # every day asked so far is planned
        make.published_shift(employee=person, date=day, location=location, work_type=work_type,
                             start="09:00", end="15:00", break_minutes=30, request_id=request.id)
    for week in ("2026-W49", "2026-W50"):
        db.session.add(Roster(week=week, team=team, version=1, status="published"))
    db.session.add(Roster(week="2026-W51", team=team, version=0))  # a draft: not yet published
    db.session.flush()
    return SimpleNamespace(team=team, planned=weekdays_between(Q4.start, ROSTERED_UNTIL))


def test_halfway_coverage_and_utilisation_count_up_to_the_last_published_week(app, halfway):
    report = job_report(Q4)
    figures = by_name(report.ministries, "Ministerie Halverwege")
    days = len(halfway.planned)
    # Every day asked up to Sunday 13 December is planned: 100%, not the share of the whole quarter.
    assert (figures.wanted_days, figures.planned_days, figures.coverage) == (days, days, 1.0)
    assert report.counted_until == ROSTERED_UNTIL and not report.counts_whole_quarter
    team = by_name(report.teams, "Team Halverwege")
    counted = (ROSTERED_UNTIL - Q4.start).days + 1  # 1 October - 13 December: 74 days
    assert team.contract_hours == pytest.approx(25.5 * counted / 7)
    assert team.worked_hours == 5.5 * days and team.utilisation == pytest.approx(5.5 * days / (25.5 * counted / 7))
    # Worked hours and jobs stay those of the whole quarter.
    assert figures.jobs == pytest.approx(5.5 * days / (25.5 * Q4.weeks))


def test_the_horizon_is_today_when_no_later_week_is_published(app, halfway, monkeypatch):
    from binnenwerk.services import feeds
    from binnenwerk.services.reports import counted_until

    assert counted_until(Q4, D(2026, 12, 16)) == D(2026, 12, 16)  # week 51 is a draft only
    assert counted_until(Q4, D(2027, 1, 4)) == Q4.end  # never past the quarter's end
    assert counted_until(Quarter(2026, 3), TODAY) == Quarter(2026, 3).end  # a quarter gone by: all of it
    assert counted_until(Quarter(2027, 1), TODAY) < Quarter(2027, 1).start  # nothing of it yet
    monkeypatch.setattr(feeds, "local_today", lambda: D(2026, 12, 16))
    figures = by_name(job_report(Q4).ministries, "Ministerie Halverwege")
    # 14-16 December are asked and nobody is planned: they count now.
    assert (figures.wanted_days, figures.planned_days) == (len(halfway.planned) + 3, len(halfway.planned))


def test_one_team_publishing_a_week_early_does_not_pull_the_others_week_in(app, halfway, make):
    """Coverage of every ministry fell (47% to 31%) when one team published week 51: the weeks
    count up to the latest one every team has published."""
    from binnenwerk.extensions import db
    from binnenwerk.models import Roster
    from binnenwerk.services.reports import counted_until

    early = make.team(name="Team Vroeg", region="Noord")
    for week in ("2026-W50", "2026-W51"):
        db.session.add(Roster(week=week, team=early, version=1, status="published"))
    db.session.flush()
    assert counted_until(Q4, TODAY) == ROSTERED_UNTIL  # Team Halverwege has week 50 only
    figures = by_name(job_report(Q4).ministries, "Ministerie Halverwege")
    assert figures.coverage == 1.0
    # Once the other team publishes week 51 too, it counts.
    from sqlalchemy import select

    draft = db.session.scalar(select(Roster).where(Roster.week == "2026-W51", Roster.team_id == halfway.team.id))
    draft.version, draft.status = 1, "published"
    db.session.flush()
    assert counted_until(Q4, TODAY) == ROSTERED_UNTIL + dt.timedelta(days=7)
    # An archived team's roster holds nobody back.
    late = make.team(name="Team Weg", region="Noord", archived=True)
    db.session.add(Roster(week="2026-W49", team=late, version=1, status="published"))
    db.session.flush()
    assert counted_until(Q4, TODAY) == ROSTERED_UNTIL + dt.timedelta(days=7)


def test_a_quarter_gone_by_counts_all_its_days(app, halfway):
    report = job_report(Quarter(2026, 3))
    assert report.counted_until == D(2026, 9, 30) and report.counts_whole_quarter
    team = by_name(report.teams, "Team Halverwege")
    assert team.contract_hours == pytest.approx(25.5 * 13 + 25.5 * 1 / 7)  # 92 days


def test_the_page_and_downloads_say_up_to_which_day_coverage_and_use_count(client, login, make, halfway):
    login(make.user(role="planner"))
    page = client.get("/rapportages/banenafspraak?kwartaal=2026-K4").get_data(as_text=True)
    assert ("Dekking en benutting tellen tot en met zondag 13 december: van de weken daarna heeft nog niet "
            "elk team een rooster gepubliceerd.") in page
    assert "100%" in page
    rows = csv_rows(client.get("/rapportages/banenafspraak.csv?kwartaal=2026-K4"))
    line = dict(zip(rows[0], next(r for r in rows if r[0] == "Ministerie Halverwege")))
    assert (line["Dekking"], line["Dekking telt tot en met"]) == ("1", "2026-12-13")
    teams = csv_rows(client.get("/rapportages/banenafspraak-teams.csv?kwartaal=2026-K4"))
    assert teams[1][-1] == "2026-12-13"
    book = load_workbook(io.BytesIO(client.get("/rapportages/banenafspraak.xlsx?kwartaal=2026-K4").data))
    sheet = list(book["Ministeries"].iter_rows(values_only=True))
    assert sheet[1][-1].date() == ROSTERED_UNTIL

    gone_by = client.get("/rapportages/banenafspraak?kwartaal=2026-K3").get_data(as_text=True)
    assert 'id="counted-until"' not in gone_by
    ahead = client.get("/rapportages/banenafspraak?kwartaal=2027-K1").get_data(as_text=True)
    assert "Dekking en benutting tellen nog geen dag: nog niet elk team heeft een rooster van dit kwartaal gepubliceerd." in ahead


def test_the_page_says_up_to_which_day_in_english(reader, halfway):
    page = reader("en").get("/rapportages/banenafspraak?kwartaal=2026-K4").get_data(as_text=True)
    assert ("Coverage and utilisation count up to and including Sunday 13 December: not every team has "
            "published a roster of the weeks after that yet.") in page


def test_excel_hours_have_no_float_noise(client, login, make, fixture):
    """Contract hours of Team Twee are 482.142857...: the sheet holds 482.21, as the CSV rounds."""
    login(make.user(role="planner"))
    book = load_workbook(io.BytesIO(client.get("/rapportages/banenafspraak.xlsx?kwartaal=2026-K2").data))
    for title in ("Ministeries", "Teams"):
        rows = list(book[title].iter_rows(values_only=True))
        for column in ("Gewerkte uren", "Contracturen"):
            if column in rows[0]:
                index = rows[0].index(column)
                # (the row of jobs in paid hours has no hours worked: an empty cell)
                assert all(row[index] is None or row[index] == round(row[index], 2) for row in rows[1:]), (title, column)
    teams = list(book["Teams"].iter_rows(values_only=True))
    two = dict(zip(teams[0], next(r for r in teams if r[0] == "Team Twee")))
    assert two["Contracturen"] == 482.21


def test_the_page_explains_the_definition_and_shows_a_chart_and_tables(client, login, make, fixture):
    login(make.user(role="planner"))
    page = client.get("/rapportages/banenafspraak?kwartaal=2026-K2").get_data(as_text=True)
    assert "91 dagen = 13,00 weken" in page and "1 baan = 331,5 uur" in page
    assert "13 uur per week werkt, telt als 0,51 baan" in page
    assert "telt voor de dagen die toen al voorbij waren wat toen gevraagd was" in page  # what coverage counts, said
    assert '<svg role="img"' in page and "<title id=\"chart-title\">" in page
    assert "Ministerie A" in page and "0,06" in page and "50%" in page and "25%" in page
    assert "Team Een" in page and "3%" in page
    assert "Geheim" not in page, "no employee names in the report"
    assert "Ministerie C zonder werk" not in page


def parse_number(text: str) -> float:
    return float(text.replace(",", "."))


def test_csv_download_parses_back_to_the_same_numbers(client, login, make, fixture):
    login(make.user(role="planner"))
    response = client.get("/rapportages/banenafspraak.csv?kwartaal=2026-K2")
    assert response.mimetype == "text/csv"
    assert "banenafspraak-2026-K2.csv" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True).lstrip("\ufeff")
    assert "Geheim" not in text
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    a = next(r for r in rows if r["Ministerie"] == "Ministerie A")
    assert parse_number(a["Gewerkte uren"]) == 21
    assert parse_number(a["Banen"]) == pytest.approx(21 / JOB, abs=1e-4)
    assert (a["Mensen geplaatst"], a["Gevraagde mensdagen"], a["Ingeplande mensdagen"]) == ("3", "6", "3")
    assert parse_number(a["Dekking"]) == 0.5
    total = next(r for r in rows if r["Ministerie"] == "Totaal")
    assert parse_number(total["Banen"]) == pytest.approx(29 / JOB, abs=1e-4)

    teams = client.get("/rapportages/banenafspraak-teams.csv?kwartaal=2026-K2").get_data(as_text=True).lstrip("\ufeff")
    team_rows = {r["Team"]: r for r in csv.DictReader(io.StringIO(teams), delimiter=";")}
    assert parse_number(team_rows["Team Een"]["Contracturen"]) == 507
    assert parse_number(team_rows["Team Een"]["Benutting"]) == pytest.approx(17 / 507, abs=1e-4)


def test_excel_download_opens_with_the_same_numbers(client, login, make, fixture):
    login(make.user(role="planner"))
    response = client.get("/rapportages/banenafspraak.xlsx?kwartaal=2026-K2")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Ministeries", "Teams", "Jaaroverzicht"]
    ministries = list(book["Ministeries"].iter_rows(values_only=True))
    header = ministries[0]
    a = dict(zip(header, next(r for r in ministries if r[0] == "Ministerie A")))
    assert a["Gewerkte uren"] == 21 and a["Banen"] == pytest.approx(21 / JOB)
    assert (a["Mensen geplaatst"], a["Gevraagde mensdagen"], a["Ingeplande mensdagen"], a["Dekking"]) == (3, 6, 3, 0.5)
    teams = list(book["Teams"].iter_rows(values_only=True))
    two = dict(zip(teams[0], next(r for r in teams if r[0] == "Team Twee")))
    assert two["Benutting"] == pytest.approx(12 / (25.5 * 61 / 7 + 20 * 13))
    assert not any("Geheim" in str(v) for row in ministries + teams for v in row)
    # Shares read as the page shows them (50%), the other figures with two decimals.
    sheet = book["Ministeries"]
    formats = {sheet.cell(row=1, column=c).value: sheet.cell(row=2, column=c).number_format
               for c in range(1, sheet.max_column + 1)}
    assert formats["Dekking"] == "0%" and formats["Banen"] == "0.00"
    assert book["Teams"].cell(row=2, column=6).number_format == "0%"  # Benutting


def test_a_bad_quarter_is_said_and_gets_no_file(client, login, make):
    login(make.user(role="planner"))
    for quarter in ["2026-K9", "onzin", "99999-K1", "2026-K2'--"]:
        page = client.get(f"/rapportages/banenafspraak?kwartaal={quarter}")
        assert page.status_code == 200 and "is geen kwartaal dat we kennen" in page.get_data(as_text=True), quarter
        for url in ("/rapportages/banenafspraak.csv", "/rapportages/banenafspraak.xlsx"):
            answer = client.get(f"{url}?kwartaal={quarter}")
            assert answer.status_code == 302 and "/rapportages/banenafspraak" in answer.location, (url, quarter)


def test_an_empty_quarter_still_renders(client, login, make):
    login(make.user(role="planner"))
    page = client.get("/rapportages/banenafspraak?kwartaal=2030-K1").get_data(as_text=True)
    assert "Geen gewerkte uren of aanvragen in dit kwartaal." in page


def test_a_quarter_not_yet_over_says_its_hours_are_partly_planned(client, login, make, monkeypatch):
    from binnenwerk.reports import routes

    monkeypatch.setattr(routes, "local_today", lambda: D(2026, 5, 20))
    login(make.user(role="planner"))
    notice = "Dit kwartaal is nog niet voorbij. Diensten na woensdag 20 mei zijn gepland, nog niet gewerkt."
    assert notice in client.get("/rapportages/banenafspraak?kwartaal=2026-K2").get_data(as_text=True)
    assert "nog niet voorbij" not in client.get("/rapportages/banenafspraak?kwartaal=2026-K1").get_data(as_text=True)


def test_jobs_per_ministry_for_each_quarter_of_the_year(app, client, login, make, fixture):
    from binnenwerk.services.reports import jobs_by_quarter

    rows = {r.name: r.jobs for r in jobs_by_quarter(2026)}
    q1_job, q3_job = 25.5 * 90 / 7, 25.5 * 92 / 7
    # Ministry A: 5.5 h on 31 March, 21 h in Q2, 5.5 h on 1 July.
    assert rows["Ministerie A"] == pytest.approx([5.5 / q1_job, 21 / JOB, 5.5 / q3_job, 0])
    assert rows["Ministerie B"] == pytest.approx([0, 8 / JOB, 0, 0])
    # A ministry that asked but got no job this year is listed with its zeros, as in the quarter's
    # table; one that asked nothing is not.
    asking = make.ministry("NUL", name="Ministerie Zonder Banen")
    make.request(make.location(ministry=asking), start_date=D(2026, 10, 5), end_date=D(2026, 10, 9))
    rows = {r.name: r.jobs for r in jobs_by_quarter(2026)}
    assert rows["Ministerie Zonder Banen"] == [0, 0, 0, 0] and "Ministerie C zonder werk" not in rows
    login(make.user(role="planner"))
    book = load_workbook(io.BytesIO(client.get("/rapportages/banenafspraak.xlsx?kwartaal=2026-K2").data))
    sheet = list(book["Jaaroverzicht"].iter_rows(values_only=True))
    assert sheet[0][2:] == ("Banen K1 2026", "Banen K2 2026", "Banen K3 2026", "Banen K4 2026")
    a = next(r for r in sheet if r[0] == "Ministerie A")
    assert list(a[2:]) == pytest.approx([5.5 / q1_job, 21 / JOB, 5.5 / q3_job, 0])
    page = client.get("/rapportages/banenafspraak?kwartaal=2026-K2").get_data(as_text=True)
    assert "Banen per ministerie per kwartaal in 2026" in page


# --- jobs in paid hours: what the job agreement counts ----------------------------------------------

# Q2 2026 in paid hours: Anna 26 h, Bert 13 h and Dirk 20 h the whole quarter, Cees 25.5 h until
# 31 May (61 of its 91 days); the archived employee without a last day counts nothing.
Q2_PAID = (26 + 13 + 20) / 25.5 + 61 / 91


def test_paid_jobs_count_every_contract_not_the_hours_worked(app, fixture, make):
    report = job_report(Q2)
    assert report.paid_jobs == pytest.approx(Q2_PAID)
    assert report.total.jobs == pytest.approx(29 / JOB)  # worked: far fewer, and unchanged
    # Someone who has left since counts the days of the quarter they were employed.
    make.employee(team=fixture.t1, contract_minutes=1530, contract_end=D(2026, 4, 30), archived=True)
    # A contract starting after the quarter, and one that ended before it, count nothing.
    make.employee(team=fixture.t1, contract_minutes=1530, contract_start=D(2026, 7, 1))
    make.employee(team=fixture.t1, contract_minutes=1530, contract_start=D(2025, 1, 1),
                  contract_end=D(2026, 3, 31), archived=True)
    assert job_report(Q2).paid_jobs == pytest.approx(Q2_PAID + 30 / 91)


def test_paid_jobs_per_quarter_of_the_year(app, fixture):
    from binnenwerk.services.reports import paid_jobs_by_quarter

    # Q1 (90 days): all four the whole quarter; Q3 and Q4: Cees has left.
    assert paid_jobs_by_quarter(2026) == pytest.approx(
        [(26 + 13 + 25.5 + 20) / 25.5, Q2_PAID, 59 / 25.5, 59 / 25.5])


def test_the_page_and_downloads_show_paid_jobs(client, login, make, fixture):
    login(make.user(role="planner"))
    page = client.get("/rapportages/banenafspraak?kwartaal=2026-K2").get_data(as_text=True)
    assert f"{Q2_PAID:.2f}".replace(".", ",") + " banen in dit kwartaal. Zo telt de banenafspraak" in page
    year = page[page.index('id="year-paid"'):]
    assert year[:year.index("</tr>")].count("<td>") == 4 and f"{59 / 25.5:.2f}".replace(".", ",") in year
    rows = list(csv.DictReader(io.StringIO(client.get("/rapportages/banenafspraak.csv?kwartaal=2026-K2")
                                           .get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    paid = next(r for r in rows if r["Ministerie"] == "Banen naar betaalde uren")
    assert parse_number(paid["Banen"]) == pytest.approx(Q2_PAID, abs=1e-4) and paid["Gewerkte uren"] == ""
    book = load_workbook(io.BytesIO(client.get("/rapportages/banenafspraak.xlsx?kwartaal=2026-K2").data))
    sheet = list(book["Jaaroverzicht"].iter_rows(values_only=True))
    assert list(next(r for r in sheet if r[0] == "Banen naar betaalde uren")[2:]) == pytest.approx(
        [(26 + 13 + 25.5 + 20) / 25.5, Q2_PAID, 59 / 25.5, 59 / 25.5])


def test_paid_jobs_in_english(reader, fixture):
    page = reader("en").get("/rapportages/banenafspraak?kwartaal=2026-K2").get_data(as_text=True)
    assert f"{Q2_PAID:.2f} jobs in this quarter. This is how the job agreement counts" in page
    assert "Jobs in paid hours" in page


def test_downloads_keep_formula_like_names_as_text(client, login, make):
    evil = make.ministry(code="EVIL", name="=HYPERLINK(\"http://x\")")
    make.published_shift(employee=make.employee(), date=D(2026, 4, 6), location=make.location(ministry=evil))
    login(make.user(role="planner"))
    text = client.get("/rapportages/banenafspraak.csv?kwartaal=2026-K2").get_data(as_text=True)
    assert "'=HYPERLINK" in text
    book = load_workbook(io.BytesIO(client.get("/rapportages/banenafspraak.xlsx?kwartaal=2026-K2").data))
    names = [row[0] for row in book["Ministeries"].iter_rows(values_only=True)]
    assert "=HYPERLINK(\"http://x\")" in names and not any(str(n).startswith("'") for n in names)  # as typed


# --- downloads in the reader's language ------------------------------------------------------------


@pytest.fixture
def reader(app_with, make):
    """reader(lang) -> a test client of a planner who reads in that language ('nl' or 'en').

    Each client has its own app, so the language is chosen per request as in production."""
    from flask_babel import refresh

    from binnenwerk.extensions import db
    from tests.conftest import TEST_PASSWORD, compile_english_catalog

    compile_english_catalog()
    refresh()

    def build(lang: str):
        user = make.user(role="planner")
        db.session.commit()
        client = app_with().test_client()
        assert client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
        if lang != "nl":
            assert client.post(f"/taal/{lang}", data={"next": "/home"}).status_code == 302
        return client

    return build


def csv_rows(response, delimiter: str = ";") -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=delimiter))


MINISTRY_CSV = {
    "nl": [
        ["Ministerie", "Code", "Kwartaal", "Gewerkte uren", "Banen", "Mensen geplaatst", "Gevraagde mensdagen",
         "Ingeplande mensdagen", "Dekking", "Dekking telt tot en met"],
        ["Ministerie A", "AAA", "2026-K2", "21", "0,0633", "3", "6", "3", "0,5", "2026-06-30"],
        ["Ministerie B", "BBB", "2026-K2", "8", "0,0241", "1", "4", "1", "0,25", "2026-06-30"],
        ["Totaal", "", "2026-K2", "29", "0,0875", "4", "10", "4", "0,4", "2026-06-30"],
        ["Banen naar betaalde uren", "", "2026-K2", "", "2,9841", "", "", "", "", ""],
    ],
    "en": [
        ["Ministry", "Code", "Quarter", "Hours worked", "Jobs", "People placed", "Person-days requested",
         "Person-days scheduled", "Coverage", "Coverage counted until"],
        ["Ministerie A", "AAA", "2026-Q2", "21", "0.0633", "3", "6", "3", "0.5", "2026-06-30"],
        ["Ministerie B", "BBB", "2026-Q2", "8", "0.0241", "1", "4", "1", "0.25", "2026-06-30"],
        ["Total", "", "2026-Q2", "29", "0.0875", "4", "10", "4", "0.4", "2026-06-30"],
        ["Jobs in paid hours", "", "2026-Q2", "", "2.9841", "", "", "", "", ""],
    ],
}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_csv_download_writes_numbers_and_the_quarter_in_the_readers_language(reader, fixture, lang):
    response = reader(lang).get("/rapportages/banenafspraak.csv?kwartaal=2026-K2")
    assert response.status_code == 200
    # Split as the reader's Excel splits it: ';' in Dutch, ',' in English.
    assert csv_rows(response, ";" if lang == "nl" else ",") == MINISTRY_CSV[lang]


TEAM_CSV = {
    "nl": ("Team;Regio;Kwartaal;Gewerkte uren;Contracturen;Benutting;Benutting telt tot en met",
           "Team Een;Noord;2026-K2;17;507;0,0335;2026-06-30", "Team Twee;Zuid;2026-K2;12;482,2143;0,0249;2026-06-30"),
    "en": ("Team,Region,Quarter,Hours worked,Contract hours,Utilisation,Utilisation counted until",
           "Team Een,Noord,2026-Q2,17,507,0.0335,2026-06-30", "Team Twee,Zuid,2026-Q2,12,482.2143,0.0249,2026-06-30"),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_teams_csv_writes_numbers_and_the_quarter_in_the_readers_language(reader, fixture, lang):
    response = reader(lang).get("/rapportages/banenafspraak-teams.csv?kwartaal=2026-K2")
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    # Cells split by ';' in Dutch: a decimal comma ('482,2143') stays inside its cell; by ',' in
    # English, with decimal points.
    assert lines == list(TEAM_CSV[lang])


EXCEL = {
    "nl": (["Ministeries", "Teams", "Jaaroverzicht"], "2026-K2", ("Banen K1 2026", "Banen K2 2026",
                                                                   "Banen K3 2026", "Banen K4 2026")),
    "en": (["Ministries", "Teams", "Year overview"], "2026-Q2", ("Jobs Q1 2026", "Jobs Q2 2026",
                                                                   "Jobs Q3 2026", "Jobs Q4 2026")),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_excel_download_names_the_quarter_in_the_readers_language(reader, fixture, lang):
    sheets, quarter, year_header = EXCEL[lang]
    book = load_workbook(io.BytesIO(reader(lang).get("/rapportages/banenafspraak.xlsx?kwartaal=2026-K2").data))
    assert book.sheetnames == sheets
    ministries = list(book[sheets[0]].iter_rows(values_only=True))
    assert ministries[1][:3] == ("Ministerie A", "AAA", quarter)
    assert ministries[-1][2] == quarter
    assert [row[2] for row in book["Teams"].iter_rows(min_row=2, values_only=True)] == [quarter, quarter]
    assert next(book[sheets[2]].iter_rows(values_only=True))[2:] == year_header
    # Numbers stay numbers: Excel shows them with the reader's own decimal sign.
    assert ministries[1][8] == 0.5 and isinstance(ministries[1][4], float)


@pytest.mark.parametrize("lang, heading, column, figures", [
    ("nl", "Banenafspraak: kwartaal 2 2026", "Kwartaal 1", ("91 dagen = 13,00 weken", "1 baan = 331,5 uur", "0,06")),
    ("en", "Job agreement: quarter 2 2026", "Quarter 1", ("91 days = 13.00 weeks", "1 job = 331.5 hours", "0.06")),
])
def test_the_report_page_names_the_quarter_in_the_readers_language(reader, fixture, lang, heading, column, figures):
    page = reader(lang).get("/rapportages/banenafspraak?kwartaal=2026-K2").get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in page and f'<th scope="col">{column}</th>' in page
    for figure in figures:
        assert figure in page, figure
    # '2026-K2' only in links and form values (the fixed form of the address), never as text to read.
    import re

    assert "2026-K" not in re.sub(r'(href|value)="[^"]*"', "", page)
