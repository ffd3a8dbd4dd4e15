"""The team and request lists load what they show with the list: their statement count does not grow with its rows."""
from __future__ import annotations

import datetime as dt

import pytest

from binnenwerk.bench import count_queries
from binnenwerk.extensions import db
from binnenwerk.models import RequestStatus


def _statements(client, url: str) -> tuple[int, str]:
    db.session.commit()
    db.session.expire_all()
    with count_queries(db.engine) as counter:
        response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return counter["n"], response.get_data(as_text=True)


def _teams_at_homes(make, count: int) -> list:
    """Teams each at a home location of their own (a lazy load per team would be one statement each)."""
    teams = []
    for _ in range(count):
        home = make.location("Utrecht")
        team = make.team("Utrecht", home_location=home)
        make.employee(team)
        teams.append((team, home))
    return teams


def _requests(make, count: int, **kw) -> list:
    """Requests each at their own location, of their own ministry and work type."""
    return [make.request(make.location("Utrecht"), make.work_type(), **kw) for _ in range(count)]


@pytest.mark.parametrize("role", ["planner", "admin"])
def test_the_team_list_costs_the_same_for_three_teams_and_for_nine(client, login, make, role):
    login(make.user(role))
    _teams_at_homes(make, 3)
    few, _ = _statements(client, "/teams/")
    teams = _teams_at_homes(make, 6)
    many, page = _statements(client, "/teams/")
    assert many == few, (few, many)
    for team, home in teams:
        assert team.name in page and home.name in page


def test_the_teams_export_costs_the_same_for_three_teams_and_for_nine(client, login, make):
    login(make.user("planner"))
    _teams_at_homes(make, 3)
    few, _ = _statements(client, "/gegevens/teams/export.csv")
    teams = _teams_at_homes(make, 6)
    many, export = _statements(client, "/gegevens/teams/export.csv")
    assert many == few, (few, many)
    for team, home in teams:
        assert f"{team.name};Utrecht;{home.code};" in export


@pytest.mark.parametrize("url", ["/aanvragen/alle", "/aanvragen/alle?regio=Utrecht",
                                 f"/aanvragen/alle?status={RequestStatus.ACCEPTED.value}"])
def test_all_requests_costs_the_same_for_three_requests_and_for_nine(client, login, make, url):
    login(make.user("planner"))
    _requests(make, 3)
    few, _ = _statements(client, url)
    found = _requests(make, 6)
    many, page = _statements(client, url)
    assert many == few, (few, many)
    for request in found:
        assert f"{request.id}: {request.location.name}" in page
        assert request.work_type.name_nl in page and request.ministry.code in page


def test_the_intake_costs_the_same_for_three_waiting_requests_and_for_nine(client, login, make):
    login(make.user("planner"))
    waiting = dict(status=RequestStatus.SUBMITTED.value, start_date=dt.date.today(),
                   end_date=dt.date.today() + dt.timedelta(days=30))
    _requests(make, 3, **waiting)
    few, _ = _statements(client, "/aanvragen/intake")
    found = _requests(make, 6, **waiting)
    many, page = _statements(client, "/aanvragen/intake")
    assert many == few, (few, many)
    for request in found:
        assert f"{request.id}: {request.location.name}" in page
        assert request.work_type.name_nl in page and request.ministry.code in page


def test_a_ministrys_request_list_costs_the_same_for_three_requests_and_for_nine(client, login, make):
    ministry = make.ministry()
    login(make.user("ministry_contact", ministry=ministry))

    def ours(count: int) -> list:
        return [make.request(make.location("Utrecht", ministry=ministry), make.work_type()) for _ in range(count)]

    ours(3)
    few, _ = _statements(client, "/aanvragen/")
    found = ours(6)
    many, page = _statements(client, "/aanvragen/")
    assert many == few, (few, many)
    for request in found:
        assert request.location.name in page and request.work_type.name_nl in page


@pytest.mark.parametrize("url", ["/privacy/?q=Mede", "/privacy/"])
def test_the_privacy_search_and_its_ended_list_cost_the_same_for_three_teams_and_for_nine(client, login, make, url):
    """Each line names the person's team: loaded with the list, not one statement per team."""
    login(make.user("planner"))

    def people_in_new_teams(count):
        return [make.employee(make.team("Utrecht"), first_name="Mede", contract_end=dt.date(2026, 1, 31))
                for _ in range(count)]

    people_in_new_teams(3)
    few, _ = _statements(client, url)
    found = people_in_new_teams(6)
    many, page = _statements(client, url)
    assert many == few, (few, many)
    for person in found:
        assert person.team.name in page
