"""Ending a contract mid-week points to the rosters that still hold the person after the last day.

QA: Rosa Koster works Monday 21 and Wednesday 23 December (2026-W52, published); her last working
day is set to Tuesday 22. The only message was that the contract ends then; nothing said that
week 52's roster now has a Wednesday to repair. After an absence the app names each such roster
with a link ("Week 2026-W52, Team Den Haag 1: ... Naar het rooster van week 2026-W52"); a contract
end now does the same, for published and draft weeks alike.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, Roster
from binnenwerk.services import feeds
from binnenwerk.services import rosters as service

MON, TUE, WED = dt.date(2026, 12, 21), dt.date(2026, 12, 22), dt.date(2026, 12, 23)
NEXT_MON = dt.date(2026, 12, 28)


@pytest.fixture(autouse=True)
def monday(monkeypatch):
    monkeypatch.setattr(feeds, "local_today", lambda: MON)
    monkeypatch.setattr(feeds, "local_now", lambda: dt.datetime.combine(MON, dt.time(8), ZoneInfo("Europe/Amsterdam")))


@pytest.fixture
def world(make):
    wt = make.work_type("ict", name_nl="ICT en digitalisering", name_en="ICT and digitisation")
    place = make.location("Den Haag", name="Den Haag locatie 3")
    team = make.team("Den Haag", name="Team Den Haag 1")
    other = make.team("Den Haag", name="Team Den Haag 2")
    make.supervisor(team, work_types=[wt], name="Tineke Teamleider")
    rosa = make.employee(team, work_types=[wt], first_name="Rosa", last_name="Koster")
    request = make.request(place, wt, start_date=MON, end_date=dt.date(2027, 1, 8), headcount=2)
    db.session.commit()
    return team, other, rosa, request


def roster_with(team, week: str, rosa, request, days) -> Roster:
    roster = Roster(week=week, team=team)
    db.session.add(roster)
    db.session.flush()
    for day in days:
        db.session.add(Assignment(roster_id=roster.id, employee_id=rosa.id, date=day, request_id=request.id))
    db.session.commit()
    return roster


def end_contract(client, rosa, last_day: dt.date) -> str:
    response = client.post(f"/teams/medewerkers/{rosa.id}/contract-beeindigen",
                           data={"contract_end": last_day.isoformat()}, follow_redirects=True)
    assert response.status_code == 200
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def test_a_last_day_mid_week_points_to_the_published_roster_to_repair(client, login, make, world):
    team, _other, rosa, request = world
    service.publish(roster_with(team, "2026-W52", rosa, request, [MON, WED]))
    login(make.user("planner"))
    page = end_contract(client, rosa, TUE)
    assert "Het contract van Rosa Koster eindigt na dinsdag 22 december." in page
    assert ("Week 2026-W52, Team Den Haag 1: 1 dienst ligt na de laatste werkdag van Rosa Koster. "
            "Repareer het rooster en publiceer het opnieuw, dan gaat dat werk naar een ander.") in page
    assert f'href="/rooster/?week=2026-W52&team={team.id}">Naar het rooster van week 2026-W52' in page


def test_draft_weeks_after_the_last_day_are_named_too(client, login, make, world):
    team, other, rosa, request = world
    service.publish(roster_with(team, "2026-W52", rosa, request, [MON]))  # nothing after Tuesday here
    roster_with(team, "2026-W53", rosa, request, [NEXT_MON, NEXT_MON + dt.timedelta(days=2)])
    login(make.user("team_leader", teams=[team]))
    page = end_contract(client, rosa, TUE)
    assert "Week 2026-W53, Team Den Haag 1: 2 diensten liggen na de laatste werkdag van Rosa Koster. " \
           "Het rooster is nog niet gepubliceerd. Pas het aan voordat je het publiceert." in page
    assert "Naar het rooster van week 2026-W53" in page
    assert "Week 2026-W52, Team Den Haag 1:" not in page


def test_a_last_day_after_every_shift_names_no_roster(client, login, make, world):
    team, _other, rosa, request = world
    service.publish(roster_with(team, "2026-W52", rosa, request, [MON, WED]))
    login(make.user("planner"))
    page = end_contract(client, rosa, WED)
    assert "Het contract van Rosa Koster eindigt na woensdag 23 december." in page
    assert "Naar het rooster van week" not in page


def test_the_absence_line_still_reads_as_before(client, login, make, world):
    team, _other, rosa, request = world
    service.publish(roster_with(team, "2026-W52", rosa, request, [MON, WED]))
    login(make.user("planner"))
    response = client.post("/teams/afwezigheid/nieuw", data={
        "person": f"medewerker-{rosa.id}", "kind": "ziek", "start_date": WED.isoformat(),
        "end_date": WED.isoformat(), "whole_day": "y", "start_time": "", "end_time": "", "note": ""},
        follow_redirects=True)
    page = html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))
    assert ("Week 2026-W52, Team Den Haag 1: 1 dienst vanaf vandaag valt samen met een afwezigheid. "
            "Wie afwezig is, ziet de dienst nog op de weekpagina en in de agenda, tot het rooster gerepareerd en opnieuw gepubliceerd is.") in page
    assert "laatste werkdag" not in page


def test_a_last_day_gone_by_points_to_the_shifts_still_to_come(client, login, make, world):
    team, _other, rosa, request = world
    service.publish(roster_with(team, "2026-W52", rosa, request, [MON, WED]))
    login(make.user("planner"))
    page = end_contract(client, rosa, dt.date(2026, 12, 18))
    assert "Het contract van Rosa Koster is beëindigd." in page
    assert "Week 2026-W52, Team Den Haag 1: 2 diensten liggen na de laatste werkdag van Rosa Koster." in page
    assert "Naar het rooster van week 2026-W52" in page
