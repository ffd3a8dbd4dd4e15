"""An absence that hits a roster says so outside the roster page: on save, and on the team leader's start page."""
import datetime as dt
import re

import pytest
from sqlalchemy import event

from binnenwerk.extensions import db
from binnenwerk.formatting import week_of
from binnenwerk.models import Assignment, Roster, SupervisionAssignment
from binnenwerk.services import absences as ops

from .edit_forms import post_edit

TODAY = dt.date.today()
NEXT_MONDAY = TODAY + dt.timedelta(days=7 - TODAY.weekday())
NEXT_WEEK = week_of(NEXT_MONDAY)


def _text(response):
    return response.get_data(as_text=True)


def _warnings(html: str) -> list[str]:
    """The text of each warning line (flash or start page), tags removed."""
    found = re.findall(r'class="flash flash-warning"[^>]*>(.*?)</(?:p|li)>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", w).split()) for w in found]


@pytest.fixture
def world(make):
    team = make.team(name="Team A")
    employee = make.employee(team=team, first_name="Pien", last_name="Smit", contract_start=dt.date(2020, 1, 1))
    leader = make.supervisor(team=team, name="Tessa Leider")
    location = make.location(team.region)
    request = make.request(location, start_date=TODAY - dt.timedelta(days=14), end_date=TODAY + dt.timedelta(days=60),
                           weekdays="1234567")
    return type("World", (), dict(team=team, employee=employee, leader=leader, location=location,
                                  request=request, make=make))


def roster_with(world, week=NEXT_WEEK, *, team=None, employee=None, days=(), lead_days=(), published=True):
    """A roster of `team` for `week` with shifts of `employee` on `days`, led by the team's leader on
    `lead_days`: what a solve and a publication leave behind."""
    team = team or world.team
    roster = Roster(week=week, team_id=team.id, version=1 if published else 0)
    db.session.add(roster)
    db.session.flush()
    for day in days:
        db.session.add(Assignment(roster_id=roster.id, employee_id=(employee or world.employee).id, date=day,
                                  request_id=world.request.id))
    for day in lead_days:
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=world.leader.id, date=day,
                                             location_id=world.location.id, team_id=team.id))
    db.session.commit()
    return roster


def absence_form(who, start, end, **changes):
    kind = "medewerker" if hasattr(who, "contract_start") else "teamleider"
    data = {"person": f"{kind}-{who.id}", "kind": "ziek", "start_date": start.isoformat(),
            "end_date": end.isoformat(), "whole_day": "y", "start_time": "", "end_time": "", "note": ""}
    data.update(changes)
    return data


def test_saving_an_absence_that_hits_a_published_shift_names_the_roster_to_repair(client, make, login, world):
    roster = roster_with(world, days=[NEXT_MONDAY + dt.timedelta(days=2)])
    login(make.user(role="team_leader", teams=[world.team]))
    response = client.post("/teams/afwezigheid/nieuw", data=absence_form(
        world.employee, NEXT_MONDAY, NEXT_MONDAY + dt.timedelta(days=3)), follow_redirects=True)
    html = _text(response)
    assert "De afwezigheid van Pien Smit is geregistreerd." in html
    [warning] = _warnings(html)
    assert warning.startswith(f"Week {NEXT_WEEK}, Team A: 1 dienst vanaf vandaag valt samen met een afwezigheid.")
    assert "ziet de dienst nog op de weekpagina en in de agenda, tot het rooster gerepareerd en opnieuw gepubliceerd is" in warning
    assert f'href="/rooster/?week={NEXT_WEEK}&amp;team={roster.team_id}"' in html
    assert "ziek" not in warning.lower()


def test_extending_an_absence_over_a_shift_names_the_roster_too(client, make, login, world):
    """The QA case: sick leave extended to a day with a published shift."""
    roster_with(world, days=[NEXT_MONDAY + dt.timedelta(days=2)])
    absence = make.absence(employee=world.employee, start=NEXT_MONDAY, end=NEXT_MONDAY + dt.timedelta(days=1))
    login(make.user(role="team_leader", teams=[world.team]))
    response = post_edit(client, f"/teams/afwezigheid/{absence.id}", absence_form(
        world.employee, NEXT_MONDAY, NEXT_MONDAY + dt.timedelta(days=3)), follow_redirects=True)
    html = _text(response)
    assert "De afwezigheid van Pien Smit is opgeslagen." in html
    [warning] = _warnings(html)
    assert warning.startswith(f"Week {NEXT_WEEK}, Team A: 1 dienst vanaf vandaag valt samen met een afwezigheid.")


def test_an_absence_clear_of_every_shift_says_nothing_more(client, make, login, world):
    roster_with(world, days=[NEXT_MONDAY])
    login(make.user(role="team_leader", teams=[world.team]))
    html = _text(client.post("/teams/afwezigheid/nieuw", data=absence_form(
        world.employee, NEXT_MONDAY + dt.timedelta(days=1), NEXT_MONDAY + dt.timedelta(days=2)), follow_redirects=True))
    assert _warnings(html) == []


def test_a_draft_roster_is_named_as_one_to_adjust_before_publishing(client, make, login, world):
    roster_with(world, days=[NEXT_MONDAY], published=False)
    login(make.user(role="planner"))
    html = _text(client.post("/teams/afwezigheid/nieuw", data=absence_form(world.employee, NEXT_MONDAY, NEXT_MONDAY),
                             follow_redirects=True))
    [warning] = _warnings(html)
    assert "Het rooster is nog niet gepubliceerd. Pas het aan voordat je het publiceert." in warning


def test_the_team_leaders_own_absence_names_the_roster_she_leads(client, make, login, world):
    roster_with(world, days=[NEXT_MONDAY + dt.timedelta(days=1)], lead_days=[NEXT_MONDAY + dt.timedelta(days=1)])
    login(make.user(role="team_leader", teams=[world.team]))
    html = _text(client.post("/teams/afwezigheid/nieuw", data=absence_form(
        world.leader, NEXT_MONDAY, NEXT_MONDAY + dt.timedelta(days=4)), follow_redirects=True))
    [warning] = _warnings(html)
    assert f"Week {NEXT_WEEK}, Team A: Wie het team leidt, is afwezig op" in warning
    assert "dienst" not in warning.split(":")[1].split(".")[0]
    # What people see already (the leader's absence is told at once), not "het oude rooster" (a QA finding).
    assert "Medewerkers en locaties zien al dat de teamleider er niet is." in warning
    assert "het oude rooster" not in warning


def test_the_start_page_lists_rosters_from_today_on_that_clash_with_an_absence(client, make, login, world):
    other_team = make.team(name="Team B")
    stranger = make.employee(team=other_team)
    roster_with(world, days=[NEXT_MONDAY, NEXT_MONDAY + dt.timedelta(days=1)])
    week_after = week_of(NEXT_MONDAY + dt.timedelta(days=7))
    roster_with(world, week_after, days=[NEXT_MONDAY + dt.timedelta(days=8)], published=False)
    roster_with(world, team=other_team, employee=stranger, days=[NEXT_MONDAY])
    yesterday = TODAY - dt.timedelta(days=1)
    roster_with(world, week_of(yesterday), days=[yesterday])  # over: nothing to repair there
    make.absence(employee=world.employee, start=yesterday, end=NEXT_MONDAY + dt.timedelta(days=8))
    make.absence(employee=stranger, start=NEXT_MONDAY)
    login(make.user(role="team_leader", teams=[world.team]))
    html = _text(client.get("/home"))
    lines = _warnings(html.split('id="repairs-title"')[1])
    assert [line.split(":")[0] for line in lines if line.startswith("Week ")] == [
        f"Week {NEXT_WEEK}, Team A", f"Week {week_after}, Team A"]
    assert "2 diensten vanaf vandaag vallen samen met een afwezigheid" in lines[0]
    assert "Team B" not in html and "ziek" not in html.lower()


def test_the_planners_start_page_lists_every_teams_rosters_to_repair(client, make, login, world):
    """The team leader's start page said which rosters clash with an absence; the planner's, who
    covers for a leader away, said nothing (a QA finding at 100 teams)."""
    other_team = make.team(name="Team B")
    stranger = make.employee(team=other_team)
    roster_with(world, days=[NEXT_MONDAY])
    roster_with(world, team=other_team, employee=stranger, days=[NEXT_MONDAY])
    make.absence(employee=world.employee, start=NEXT_MONDAY)
    make.absence(employee=stranger, start=NEXT_MONDAY)
    login(make.user(role="planner"))
    lines = _warnings(_text(client.get("/home")).split('id="repairs-title"')[1])
    assert [line.split(":")[0] for line in lines if line.startswith("Week ")] == [
        f"Week {NEXT_WEEK}, Team A", f"Week {NEXT_WEEK}, Team B"]


def test_the_start_page_says_nothing_when_every_roster_fits(client, make, login, world):
    roster_with(world, days=[NEXT_MONDAY])
    login(make.user(role="team_leader", teams=[world.team]))
    assert 'id="repairs-title"' not in _text(client.get("/home"))


def test_the_start_page_needs_no_more_queries_for_more_teams_with_clashes(client, make, login, world):
    def count(user):
        client.post("/auth/logout")
        login(user)
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/home").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    roster_with(world, days=[NEXT_MONDAY], lead_days=[NEXT_MONDAY])
    make.absence(employee=world.employee, start=NEXT_MONDAY)
    make.absence(supervisor=world.leader, start=NEXT_MONDAY)
    one = count(make.user(role="team_leader", teams=[world.team]))
    teams = [world.team]
    for n in range(3):
        team = make.team(name=f"Team {n}")
        person = make.employee(team=team)
        roster_with(world, team=team, employee=person, days=[NEXT_MONDAY, NEXT_MONDAY + dt.timedelta(days=1)])
        make.absence(employee=person, start=NEXT_MONDAY, end=NEXT_MONDAY + dt.timedelta(days=1))
        teams.append(team)
    many = count(make.user(role="team_leader", teams=teams))
    assert many == one


def test_the_service_lists_by_week_and_team_and_can_look_at_one_absence(app, make, world):
    roster_with(world, days=[NEXT_MONDAY])
    other = make.employee(team=world.team)
    roster_with(world, week_of(NEXT_MONDAY + dt.timedelta(days=7)), employee=other,
                days=[NEXT_MONDAY + dt.timedelta(days=7)])
    mine = make.absence(employee=world.employee, start=NEXT_MONDAY)
    make.absence(employee=other, start=NEXT_MONDAY + dt.timedelta(days=7))
    assert [n.roster.week for n in ops.rosters_to_repair()] == [NEXT_WEEK, week_of(NEXT_MONDAY + dt.timedelta(days=7))]
    assert [(n.roster.week, n.shifts) for n in ops.rosters_to_repair(absence=mine)] == [(NEXT_WEEK, 1)]
    assert ops.rosters_to_repair(team_ids=[]) == []


def test_a_long_absence_names_three_rosters_and_counts_the_rest(client, make, login, world):
    mondays = [NEXT_MONDAY + dt.timedelta(days=7 * n) for n in range(5)]
    for monday in mondays:
        roster_with(world, week_of(monday), days=[monday])
    login(make.user(role="team_leader", teams=[world.team]))
    html = _text(client.post("/teams/afwezigheid/nieuw", data=absence_form(world.employee, mondays[0], mondays[-1]),
                             follow_redirects=True))
    warnings = _warnings(html)
    assert [w.split(",")[0] for w in warnings[:3]] == [f"Week {week_of(m)}" for m in mondays[:3]]
    assert warnings[3] == "En nog 2 roosters met diensten die samenvallen met deze afwezigheid."
