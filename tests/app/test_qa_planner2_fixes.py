"""QA planner pass 2: a team's use counts its worked hours up to the same day as its contract hours,
the plural of weeks already planned, and the call list sorted on the surname."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, RequestStatus, Roster
from binnenwerk.services import feeds
from binnenwerk.services import rosters as roster_service
from binnenwerk.services.reports import Quarter, job_report

from .test_reports_jobs import csv_rows, weekdays_between
from .test_roster_scale_qa import accept, amersfoort, flashes, saturday  # noqa: F401  (fixtures)

D = dt.date
Q4 = Quarter(2026, 4)
TODAY = D(2026, 12, 9)
EVERY_TEAM_UNTIL = D(2026, 12, 13)  # Sunday of week 50, the last week both teams published
EARLY_UNTIL = D(2026, 12, 20)  # Sunday of week 51, published by one team only


# --- 1. a team's use: worked hours stop where contract hours stop ---------------------------------


@pytest.fixture
def one_team_early(make, monkeypatch):
    """Two teams, one person each (25.5 h a week, the whole quarter), 5.5 h every weekday they have
    a published week: Team Laat up to week 50, Team Vroeg up to week 51."""
    monkeypatch.setattr(feeds, "local_today", lambda: TODAY)
    ministry = make.ministry(code="VRG", name="Ministerie Vroeg")
    location, work_type = make.location(ministry=ministry), make.work_type()
    teams = {}
    for name, last in (("Team Laat", EVERY_TEAM_UNTIL), ("Team Vroeg", EARLY_UNTIL)):
        team = make.team(name=name, region="Noord")
        person = make.employee(team=team, contract_minutes=1530)
        for day in weekdays_between(Q4.start, last):
            make.published_shift(employee=person, date=day, location=location, work_type=work_type,
                                 start="09:00", end="15:00", break_minutes=30)
        for week in ("2026-W49", "2026-W50", "2026-W51")[: 2 if last == EVERY_TEAM_UNTIL else 3]:
            db.session.add(Roster(week=week, team=team, version=1, status="published"))
        teams[name] = team
    db.session.flush()
    return teams


def test_a_team_publishing_early_adds_no_hours_after_the_day_its_use_counts_to(app, one_team_early):
    report = job_report(Q4)
    assert report.counted_until == EVERY_TEAM_UNTIL
    counted_days = (EVERY_TEAM_UNTIL - Q4.start).days + 1
    contract = 25.5 * counted_days / 7
    worked = 5.5 * len(weekdays_between(Q4.start, EVERY_TEAM_UNTIL))
    for team in report.teams:  # the early team's week 51 does not count: its contract hours stop before it
        assert team.contract_hours == pytest.approx(contract), team.name
        assert team.worked_hours == pytest.approx(worked), team.name
        assert team.utilisation == pytest.approx(worked / contract), team.name
    # The ministries' worked hours and jobs still count the whole quarter, week 51 included.
    whole = worked + 5.5 * len(weekdays_between(Q4.start, EARLY_UNTIL))
    ministry = next(r for r in report.ministries if r.name == "Ministerie Vroeg")
    assert ministry.worked_hours == pytest.approx(whole)
    assert report.total.worked_hours == pytest.approx(whole)


def test_the_page_csv_and_excel_agree_on_the_early_teams_use(client, login, make, one_team_early):
    login(make.user(role="planner"))
    worked = 5.5 * len(weekdays_between(Q4.start, EVERY_TEAM_UNTIL))  # 302.5 h
    contract = 25.5 * ((EVERY_TEAM_UNTIL - Q4.start).days + 1) / 7
    use = f"{worked / contract * 100:.0f}%"

    page = client.get("/rapportages/banenafspraak?kwartaal=2026-K4").get_data(as_text=True)
    row = re.search(r'<tr><th scope="row">Team Vroeg</th>(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells[1:] == [f"{worked:.1f}".replace(".", ","), f"{contract:.1f}".replace(".", ","), use]

    rows = csv_rows(client.get("/rapportages/banenafspraak-teams.csv?kwartaal=2026-K4"))
    line = dict(zip(rows[0], next(r for r in rows if r[0] == "Team Vroeg")))
    assert float(line["Gewerkte uren"].replace(",", ".")) == pytest.approx(worked)
    assert float(line["Benutting"].replace(",", ".")) == pytest.approx(worked / contract, abs=1e-4)
    assert line["Benutting telt tot en met"] == "2026-12-13"

    book = load_workbook(io.BytesIO(client.get("/rapportages/banenafspraak.xlsx?kwartaal=2026-K4").data))
    sheet = list(book["Teams"].iter_rows(values_only=True))
    line = dict(zip(sheet[0], next(r for r in sheet if r[0] == "Team Vroeg")))
    assert line["Gewerkte uren"] == pytest.approx(worked, abs=0.01)
    assert line["Benutting"] == pytest.approx(worked / contract, abs=1e-4)


def test_a_team_with_shifts_only_after_the_day_its_use_counts_to_is_still_listed(app, make, one_team_early):
    team = make.team(name="Team Alleen Later", region="Noord")
    person = make.employee(team=team, contract_minutes=1530, contract_start=D(2026, 12, 14))
    make.published_shift(employee=person, date=D(2026, 12, 14), start="09:00", end="15:00", break_minutes=30)
    db.session.flush()
    listed = next(t for t in job_report(Q4).teams if t.name == "Team Alleen Later")
    assert (listed.worked_hours, listed.contract_hours, listed.utilisation) == (0, 0, None)


# --- 3. the plural of weeks already planned --------------------------------------------------------


def test_accepting_into_two_planned_weeks_says_weken(client, login, make, amersfoort, saturday):  # noqa: F811
    from binnenwerk import planning

    for week in ("2026-W50", "2026-W51"):
        planning.get_or_create_roster(week, amersfoort.team.id)
    late = make.request(amersfoort.place, amersfoort.wt, headcount=2, weekdays="15", start_date=D(2026, 12, 7),
                        end_date=D(2026, 12, 31), status=RequestStatus.SUBMITTED.value)
    login(amersfoort.planner)
    said = flashes(accept(client, late))
    assert "Weken 50 en 51 van regio Amersfoort zijn al gepland. Plan die regio opnieuw om deze aanvraag in " \
           "te plannen." in said


def test_the_weeks_already_planned_read_right_in_english(app, make, amersfoort, saturday):  # noqa: F811
    from flask import get_flashed_messages
    from flask_babel import force_locale, refresh

    from binnenwerk import planning
    from binnenwerk.requests.routes import _say_weeks_planned
    from tests.conftest import compile_english_catalog

    compile_english_catalog()
    for week in ("2026-W50", "2026-W51"):
        planning.get_or_create_roster(week, amersfoort.team.id)
    db.session.commit()
    with app.test_request_context("/"):
        refresh()
        with force_locale("en"):
            _say_weeks_planned(amersfoort.first)
            assert get_flashed_messages() == [
                'Weeks 50 and 51 of region <span lang="nl">Amersfoort</span> are already planned. Plan that region '
                "again to take this request in."]  # the region, a Dutch name, marked (WCAG 3.1.2)


# --- 6. the call list after publishing sorts on the surname ----------------------------------------


def test_the_publish_message_names_people_sorted_on_their_surname(client, login, make, monkeypatch):
    wednesday = D(2026, 12, 9)
    monkeypatch.setattr(roster_service, "today", lambda: wednesday)
    team = make.team(name="Team A")
    leader = make.user("team_leader", teams=[team])
    thursday = wednesday + dt.timedelta(days=1)
    people = [make.employee(team=team, first_name=first, last_name=last)
              for first, last in (("Bas", "Bakker"), ("Lars", "de Boer"), ("Chantal", "Peters"), ("Anna", "Zwart"))]
    request = make.request(start_date=wednesday - dt.timedelta(days=2), weekdays="12345", headcount=4)
    roster = Roster(week="2026-W50", team=team)
    db.session.add(roster)
    db.session.flush()
    db.session.add(Assignment(roster_id=roster.id, employee_id=people[0].id, date=thursday, request_id=request.id))
    db.session.commit()

    def publish() -> str:
        login(leader)
        lock = db.session.get(Roster, roster.id).lock_version
        response = client.post("/rooster/publiceren", data={"week": roster.week, "team": team.id,
                                                             "lock_version": lock}, follow_redirects=True)
        client.post("/auth/logout")
        db.session.expire_all()
        return response.get_data(as_text=True)

    publish()
    for person in people[1:]:  # three more start tomorrow: a change at short notice
        db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=thursday,
                                  request_id=request.id))
    db.session.execute(Assignment.__table__.delete().where(Assignment.employee_id == people[0].id))
    db.session.commit()
    said = publish()
    # "de Boer" sorts under B, after Bakker; Anna Zwart comes last, not first.
    assert "Op korte termijn veranderd voor: Bas Bakker, Lars de Boer, Chantal Peters, Anna Zwart." in said
