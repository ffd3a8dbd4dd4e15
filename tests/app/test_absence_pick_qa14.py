"""QA round 14: a planner among many people picks the team first on the absence form (a GET step that
works without JavaScript), then the person from that team's list; a team leader's form stays as it was."""
from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Absence
from binnenwerk.teams.routes import PEOPLE_IN_ONE_LIST

DAYS = {"kind": "verlof", "start_date": "2026-12-14", "end_date": "2026-12-15", "whole_day": "y"}


def _text(response) -> str:
    return response.get_data(as_text=True)


def _select(html: str, name: str) -> str | None:
    found = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    return found[1] if found else None


def _labels(select_html: str) -> list[str]:
    return [unescape(label) for label in re.findall(r'<option[^>]*>([^<]*)</option>', select_html)]


@pytest.fixture
def crowd(make):
    """Nine teams of twelve (108 employees, more than one list holds), each with a leader, a stand-in
    in the pool, and in every team someone named Vos."""
    teams = [make.team(name=f"Team {chr(ord('A') + n)}") for n in range(9)]
    people = {team.id: [make.employee(team, first_name=f"Kim{n}", last_name="Vos" if n == 0 else f"Naam{n:02d}")
                        for n in range(12)] for team in teams}
    leaders = [make.supervisor(team, name=f"Leider {team.name}") for team in teams]
    pool = make.supervisor(None, region="Utrecht", name="Pim Pool")
    assert 108 + 10 > PEOPLE_IN_ONE_LIST
    return teams, people, leaders, pool


def test_a_planner_among_many_people_chooses_the_team_first(client, make, login, crowd):
    teams, _people, _leaders, _pool = crowd
    login(make.user("planner"))
    response = client.get("/teams/afwezigheid/nieuw")
    html = _text(response)
    assert response.status_code == 200
    assert _select(html, "person") is None and "Vos" not in html  # no list of everyone
    step = _select(html, "team")
    assert _labels(step) == ["Kies een team"] + [t.name for t in teams] + ["Teamleiders en invallers"]
    # a GET form, labelled and explained, sent with a button (no JavaScript needed)
    assert re.search(r'<form method="get" class="form" action="/teams/afwezigheid/nieuw"', html)
    assert '<label for="team">Kies eerst het team</label>' in html and 'aria-describedby="team-hint"' in html
    assert ">Toon mensen</button>" in html


def test_choosing_a_team_shows_only_its_people_and_its_leader(client, make, login, crowd):
    teams, people, leaders, _pool = crowd
    login(make.user("planner"))
    html = _text(client.get(f"/teams/afwezigheid/nieuw?team={teams[2].id}"))
    person = _select(html, "person")
    assert _labels(person) == (["Kies wie er afwezig is"] + [f"{e.list_name} (Team C)" for e in
                               sorted(people[teams[2].id], key=lambda e: e.sort_name)]
                               + ["Leider Team C (teamleider)"])
    assert sum("Vos" in label for label in _labels(person)) == 1
    assert f'value="teamleider-{leaders[2].id}"' in person
    # the team stays chosen in the step, and the form is sent with it
    assert f'<option selected value="{teams[2].id}">Team C</option>' in _select(html, "team")
    assert f'<form method="post" class="form" data-no-keep novalidate action="/teams/afwezigheid/nieuw?team={teams[2].id}">' in html


def test_the_leaders_choice_shows_every_team_leader_and_stand_in(client, make, login, crowd):
    _teams, _people, leaders, pool = crowd
    login(make.user("planner"))
    person = _select(_text(client.get("/teams/afwezigheid/nieuw?team=teamleiders")), "person")
    values = re.findall(r'value="([^"]+)"', person)
    assert sorted(values) == sorted(f"teamleider-{s.id}" for s in [*leaders, pool])


def test_an_absence_is_saved_through_the_narrowed_form(client, make, login, crowd):
    teams, people, _leaders, _pool = crowd
    login(make.user("planner"))
    vos = people[teams[3].id][0]
    url = f"/teams/afwezigheid/nieuw?team={teams[3].id}"
    # refused (no end date): the list stays that team's, and so does the address it is sent to
    response = client.post(url, data={**DAYS, "end_date": "", "person": f"medewerker-{vos.id}"})
    html = _text(response)
    assert response.status_code == 422 and "Vul een einddatum in." in html
    assert f'<option selected value="medewerker-{vos.id}">' in _select(html, "person")
    assert len(_labels(_select(html, "person"))) == 1 + 12 + 1
    assert f'action="{url}"' in html
    # someone of another team is not in this list
    other = people[teams[4].id][0]
    response = client.post(url, data={**DAYS, "person": f"medewerker-{other.id}"})
    assert response.status_code == 422 and "Kies iemand uit de lijst." in _text(response)
    assert db.session.scalars(select(Absence)).all() == []
    response = client.post(url, data={**DAYS, "person": f"medewerker-{vos.id}"})
    assert response.status_code == 302
    assert db.session.scalars(select(Absence.employee_id)).all() == [vos.id]


@pytest.mark.parametrize("team", ["abc", "999999", "", "1x", "-1"])
def test_a_team_not_in_the_list_gets_a_clear_message(client, make, login, crowd, team):
    teams, people, _leaders, _pool = crowd
    login(make.user("planner"))
    response = client.get(f"/teams/afwezigheid/nieuw?team={team}")
    html = _text(response)
    assert response.status_code == 422
    message = "Kies een team." if team == "" else "Dit team staat niet in de lijst. Kies een team uit de lijst."
    assert '<div class="error-summary" role="alert" tabindex="-1">' in html
    assert f'<a href="#team">Kies eerst het team: {message}</a>' in html
    assert f'<p class="error" id="team-error">{message}</p>' in html and 'aria-invalid="true"' in html
    assert _select(html, "person") is None and _select(html, "team") is not None
    # sent with such a team: nothing is stored
    response = client.post(f"/teams/afwezigheid/nieuw?team={team}",
                           data={**DAYS, "person": f"medewerker-{people[teams[0].id][0].id}"})
    assert response.status_code == 422 and message in _text(response)
    assert db.session.scalars(select(Absence)).all() == []


def test_an_archived_team_without_people_is_not_offered(client, make, login, crowd):
    teams, people, _leaders, _pool = crowd
    gone = make.team(name="Team Weg", archived=True)
    login(make.user("planner"))
    html = _text(client.get("/teams/afwezigheid/nieuw"))
    assert "Team Weg" not in _select(html, "team")
    response = client.get(f"/teams/afwezigheid/nieuw?team={gone.id}")
    assert response.status_code == 422 and "Dit team staat niet in de lijst." in _text(response)


def test_a_team_leaders_form_is_unchanged_among_many_people(client, make, login, crowd):
    teams, people, _leaders, _pool = crowd
    login(make.user("team_leader", teams=[teams[0]]))
    html = _text(client.get("/teams/afwezigheid/nieuw"))
    assert _select(html, "team") is None and "Toon mensen" not in html
    person = _select(html, "person")
    assert re.findall(r'<optgroup label="([^"]*)">', person) == ["Team A", "Teamleiders"]
    assert len(_labels(person)) == 1 + 12 + 1
    # a team asked in the address changes nothing for a team leader
    assert _select(_text(client.get(f"/teams/afwezigheid/nieuw?team={teams[1].id}")), "person") == person
    response = client.post("/teams/afwezigheid/nieuw", data={**DAYS, "person": f"medewerker-{people[teams[0].id][0].id}"})
    assert response.status_code == 302


def test_a_planner_among_few_people_keeps_one_list(client, make, login):
    west, east = make.team(name="Team West"), make.team(name="Team Oost")
    for n in range(PEOPLE_IN_ONE_LIST - 2):
        make.employee(west if n % 2 else east)
    make.supervisor(east, name="Lia Leider")
    make.supervisor(None, region="Utrecht", name="Pim Pool")
    login(make.user("planner"))
    html = _text(client.get("/teams/afwezigheid/nieuw"))
    assert _select(html, "team") is None
    assert re.findall(r'<optgroup label="([^"]*)">', _select(html, "person")) == ["Team Oost", "Team West", "Teamleiders"]
