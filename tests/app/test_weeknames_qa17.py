"""Weeks named over the turn of the year (2026 has a week 53), and "Zelfde als vorige week" onto a
Saturday public holiday (a QA pass at year end)."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.formatting import week_of
from binnenwerk.models import Assignment, Roster, SupervisionAssignment
from binnenwerk.services import feeds
from binnenwerk.services import rosters as roster_service

from .edit_forms import post_edit
from .test_teams_employees import employee_form

WED_16_DEC = dt.date(2026, 12, 16)  # today: week 51
MON_W53 = dt.date(2026, 12, 28)
MON_W01, TUE_W01 = dt.date(2027, 1, 4), dt.date(2027, 1, 5)
MON_W02 = dt.date(2027, 1, 11)


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


@pytest.fixture
def world(make, login, monkeypatch):
    """Julia in Team Den Haag 1, led by Tineke; Team Den Haag 2 to move to; a request over New Year."""
    monkeypatch.setattr(feeds, "local_today", lambda: WED_16_DEC)
    wt = make.work_type(name_nl="Toetsenborden reinigen")
    place = make.location("Den Haag", name="Rijnstraat 8")
    old = make.team("Den Haag", name="Team Den Haag 1")
    new = make.team("Den Haag", name="Team Den Haag 2")
    leader = make.supervisor(old, work_types=[wt], name="Tineke Teamleider")
    julia = make.employee(old, work_types=[wt], first_name="Julia", last_name="Huisman")
    request = make.request(place, wt, weekdays="12345", headcount=1, start_date=dt.date(2026, 12, 14),
                           end_date=dt.date(2027, 1, 31))
    login(make.user("planner"))

    def rostered(days):
        """Julia on `days` in the old team's draft rosters, led by Tineke."""
        for day in days:
            week = week_of(day)
            roster = db.session.scalar(select(Roster).where(Roster.week == week, Roster.team_id == old.id))
            if roster is None:
                roster = Roster(week=week, team=old)
                db.session.add(roster)
                db.session.flush()
            db.session.add(Assignment(roster_id=roster.id, employee_id=julia.id, date=day, request_id=request.id))
            db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=leader.id, date=day,
                                                 location_id=place.id, team_id=old.id))
        db.session.commit()

    return type("World", (), dict(wt=wt, old=old, new=new, leader=leader, julia=julia, rostered=rostered))


def move(client, world, **kwargs):
    fields = {"first_name": "Julia", "last_name": "Huisman", "contract_start": "2025-01-01", **kwargs}
    return post_edit(client, f"/teams/medewerkers/{world.julia.id}/wijzigen",
                     employee_form(world.new, [world.wt], **fields), follow_redirects=True)


def test_moving_someone_with_shifts_over_new_year_names_the_weeks_with_their_years(client, world):
    world.rostered([MON_W53, MON_W01, TUE_W01])
    asked = _text(move(client, world))
    assert ("Julia Huisman staat nog in 3 diensten in week 2026-W53 en 2027-W01 van Team Den Haag 1.") in asked
    said = _text(move(client, world, confirm_move="y"))
    assert "Julia Huisman staat nog in 3 diensten in week 2026-W53 en 2027-W01 van Team Den Haag 1." in said
    assert "week 53 en 1" not in asked + said


def test_weeks_all_in_next_year_are_named_with_their_year(client, world):
    """In December, a bare 'week 1 en 2' does not say which January."""
    world.rostered([MON_W01, MON_W02])
    said = _text(move(client, world))
    assert "Julia Huisman staat nog in 2 diensten in week 2027-W01 en 2027-W02 van Team Den Haag 1." in said


def test_weeks_of_this_year_stay_bare_numbers(client, world):
    world.rostered([dt.date(2026, 12, 21), MON_W53])
    said = _text(move(client, world))
    assert "Julia Huisman staat nog in 2 diensten in week 52 en 53 van Team Den Haag 1." in said


def test_archiving_a_leader_who_leads_over_new_year_names_the_weeks_with_their_years(client, world):
    world.rostered([MON_W53, MON_W01])
    said = _text(client.post(f"/teams/teamleiders/{world.leader.id}/archiveren", follow_redirects=True))
    assert ("Tineke Teamleider leidt nog diensten in week 2026-W53 en 2027-W01 (Team Den Haag 1). Pas die "
            "roosters aan voordat je ze publiceert.") in said


# --- "Zelfde als vorige week" onto Tweede kerstdag, a Saturday ---------------------------------------

SAT_19_DEC, SAT_26_DEC = dt.date(2026, 12, 19), dt.date(2026, 12, 26)


def test_copying_a_saturday_shift_onto_a_saturday_holiday_says_it_is_a_holiday(client, login, make, monkeypatch):
    monkeypatch.setattr(feeds, "local_today", lambda: WED_16_DEC)
    wt = make.work_type("cleaning", name_nl="Schoonmaak")
    place = make.location("Den Haag", name="Rijnstraat 8")
    team = make.team("Den Haag", name="Team Zaterdag")
    make.supervisor(team, work_types=[wt], weekdays=(1, 2, 3, 4, 5, 6))
    anna = make.employee(team, work_types=[wt], weekdays=(1, 2, 3, 4, 5, 6), first_name="Anna", last_name="Test")
    request = make.request(place, wt, weekdays="123456", headcount=1, start_date=dt.date(2026, 12, 14),
                           end_date=dt.date(2027, 1, 31))
    planner = make.user("planner")
    db.session.commit()
    for day in (dt.date(2026, 12, 14), SAT_19_DEC):
        roster_service.set_cell("2026-W51", team.id, anna.id, day, request.id,
                                lock_version=getattr(roster_service.find_roster("2026-W51", team.id),
                                                     "lock_version", 0))
    login(planner)
    said = _text(client.post("/rooster/vorige-week", data={"week": "2026-W52", "team": team.id, "lock_version": 0},
                             follow_redirects=True))
    db.session.expire_all()
    copied = sorted(db.session.scalars(select(Assignment.date).join(Roster).where(
        Roster.week == "2026-W52", Roster.team_id == team.id)))
    assert copied == [dt.date(2026, 12, 21)]
    assert re.search(r"Zaterdag 26 december(?: 2026)? is een feestdag \(Tweede kerstdag\): daar is niets "
                     r"overgenomen\.", said), said
    assert "past deze week niet" not in said

    # The Saturday after it comes from the one before the holiday, and the message says so.
    said = _text(client.post("/rooster/vorige-week", data={"week": "2026-W53", "team": team.id, "lock_version": 0},
                             follow_redirects=True))
    db.session.expire_all()
    copied = sorted(db.session.scalars(select(Assignment.date).join(Roster).where(
        Roster.week == "2026-W53", Roster.team_id == team.id)))
    assert copied == [dt.date(2026, 12, 28), dt.date(2027, 1, 2)]
    assert re.search(r"Vorige week was zaterdag 26 december(?: 2026)? \(Tweede kerstdag\) een feestdag\. Voor "
                     r"zaterdag 2 januari 2027 is zaterdag 19 december(?: 2026)? overgenomen, uit week 51\.", said), said
    assert "past deze week niet" not in said


def test_a_team_without_weekend_work_hears_nothing_of_a_saturday_holiday(client, login, make, monkeypatch):
    monkeypatch.setattr(feeds, "local_today", lambda: WED_16_DEC)
    wt = make.work_type("cleaning", name_nl="Schoonmaak")
    place = make.location("Den Haag", name="Rijnstraat 8")
    team = make.team("Den Haag", name="Team Doordeweeks")
    make.supervisor(team, work_types=[wt])
    anna = make.employee(team, work_types=[wt], first_name="Anna", last_name="Test")
    request = make.request(place, wt, weekdays="12345", headcount=1, start_date=dt.date(2026, 12, 14),
                           end_date=dt.date(2027, 1, 31))
    planner = make.user("planner")
    db.session.commit()
    roster_service.set_cell("2026-W51", team.id, anna.id, dt.date(2026, 12, 14), request.id, lock_version=0)
    login(planner)
    said = _text(client.post("/rooster/vorige-week", data={"week": "2026-W52", "team": team.id, "lock_version": 0},
                             follow_redirects=True))
    assert "Vrijdag 25 december" in said and "Zaterdag 26 december" not in said
