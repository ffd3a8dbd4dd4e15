"""Dates and weeks across the turn of 2026 into 2027 (QA round 19): a date of next year says its
year, and a list of weeks over two years names each with its year (formatting.week_names)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import RequestStatus, Roster, SupervisionAssignment

from .test_teams_absence_repairs import _warnings, absence_form

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")


def test_a_team_leaders_absence_in_january_names_the_days_with_their_year(client, make, login):
    team = make.team(name="Team A")
    leader = make.supervisor(team=team, name="Tessa Leider")
    location = make.location(team.region)
    make.request(location, start_date=dt.date(2026, 12, 28), end_date=dt.date(2027, 1, 15), weekdays="12345")
    roster = Roster(week="2027-W01", team_id=team.id, version=1)
    db.session.add(roster)
    db.session.flush()
    for day in (dt.date(2027, 1, 4), dt.date(2027, 1, 5)):
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=leader.id, date=day,
                                             location_id=location.id, team_id=team.id))
    db.session.commit()
    login(make.user(role="planner"))

    html = client.post("/teams/afwezigheid/nieuw", data=absence_form(
        leader, dt.date(2026, 12, 30), dt.date(2027, 1, 5)), follow_redirects=True).get_data(as_text=True)

    [warning] = _warnings(html)
    assert "Wie het team leidt, is afwezig op ma 4 jan 2027, di 5 jan 2027." in warning


def test_the_intake_names_weeks_over_the_turn_of_the_year_with_their_year(client, make, login):
    wt = make.work_type()
    make.employee(team=make.team(region="Oost"), contract_minutes=1800, work_types=[wt])
    make.request(location=make.location(region="Oost", name="Groot Verzoek"), work_type=wt,
                 status=RequestStatus.SUBMITTED.value, start_date=dt.date(2026, 12, 21),
                 end_date=dt.date(2027, 1, 15), weekdays="12345", headcount=15)
    login(make.user(role="planner"))

    page = client.get("/aanvragen/intake").get_data(as_text=True)

    row = " ".join(re.sub(r"<[^>]+>", " ", page.split("Groot Verzoek", 1)[1].split("</tr>", 1)[0]).split())
    assert "✗ Tekort week 2026-W52, 2026-W53, 2027-W01 en 2027-W02" in row
