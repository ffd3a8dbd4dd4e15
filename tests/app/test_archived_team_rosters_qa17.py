"""QA round 17: an archived team's rosters are reachable by links, not only by a typed address: the
team's page leads to them, the read-only week leads to other weeks and back to the team's page,
and every action on them stays refused."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, Roster
from binnenwerk.services import people

SHIFT_WEEK = "2026-W49"  # the team's last week with a shift
EMPTY_WEEK = "2026-W51"  # a draft left empty when the team was archived
TUESDAY = dt.date(2026, 12, 1)


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def _links(response) -> dict[str, str]:
    """Each link's text (tags taken out) by its address."""
    page = response.get_data(as_text=True)
    return {html.unescape(href): html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text))).strip()
            for href, text in re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', page, re.S)}


def _archive_as_the_rules_require(team, employee, leader) -> None:
    """The employee's contract ended and the leader went to the regional pool: then the team may go."""
    people.archive_employee(employee, dt.date(2026, 12, 4), today=dt.date(2026, 12, 7))
    leader.team = None
    db.session.commit()
    people.set_team_archived(team, True)


@pytest.fixture
def archived_team(make):
    team = make.team(name="Team Oud")
    piet = make.employee(team=team, first_name="Piet", last_name="Vroeger")
    leader = make.supervisor(team=team, name="Fatima Leider")
    req = make.request(start_date=dt.date(2026, 11, 30))
    roster = Roster(week=SHIFT_WEEK, team_id=team.id)
    db.session.add_all([roster, Roster(week=EMPTY_WEEK, team_id=team.id)])
    db.session.flush()
    db.session.add(Assignment(roster_id=roster.id, employee_id=piet.id, date=TUESDAY, request_id=req.id))
    db.session.commit()
    _archive_as_the_rules_require(team, piet, leader)
    assert team.archived
    return team


@pytest.fixture
def planner(make, login):
    user = make.user(role="planner")
    login(user)
    return user


def test_an_archived_teams_page_links_to_its_last_roster_with_a_shift(client, planner, archived_team):
    links = _links(client.get(f"/teams/{archived_team.id}"))

    assert links.get(f"/rooster/?week={SHIFT_WEEK}&team={archived_team.id}") == "Roosters bekijken"


def test_an_archived_team_without_rosters_says_so_instead_of_a_link(client, planner, make):
    team = make.team(name="Team Leeg")
    db.session.commit()
    people.set_team_archived(team, True)

    response = client.get(f"/teams/{team.id}")

    assert "Dit team heeft geen roosters." in _text(response)
    assert "Roosters bekijken" not in _text(response)


def test_an_admin_who_cannot_open_rosters_gets_no_roster_link(client, make, login, archived_team):
    login(make.user(role="admin"))

    response = client.get(f"/teams/{archived_team.id}")

    assert response.status_code == 200
    assert "Roosters bekijken" not in _text(response)
    assert "/rooster/" not in "".join(_links(response))


def test_the_archived_week_leads_back_to_the_team_and_on_to_other_weeks(client, planner, archived_team):
    response = client.get(f"/rooster/?week={SHIFT_WEEK}&team={archived_team.id}")

    assert response.status_code == 200
    assert "Piet Vroeger" in _text(response)
    links = _links(response)
    assert links.get(f"/teams/{archived_team.id}") == "← Terug naar Team Oud"
    assert links.get(f"/rooster/?week=2026-W48&team={archived_team.id}") == "← Vorige week"
    assert links.get(f"/rooster/?week=2026-W50&team={archived_team.id}") == "Volgende week →"
    # The week links are a named navigation; no link leads to this same page.
    assert '<nav class="week-nav no-print" aria-label="Andere week">' in response.get_data(as_text=True)
    assert f"/rooster/?week={SHIFT_WEEK}&team={archived_team.id}" not in links
    assert "<title>Rooster week 2026-W49: Team Oud" in response.get_data(as_text=True)


def test_the_archived_week_follows_on_to_the_next_week(client, planner, archived_team):
    response = client.get(f"/rooster/?week=2026-W50&team={archived_team.id}")

    assert response.status_code == 200
    assert "Team Oud is gearchiveerd." in _text(response)
    links = _links(response)
    assert f"/rooster/?week={SHIFT_WEEK}&team={archived_team.id}" in links
    assert f"/rooster/?week={EMPTY_WEEK}&team={archived_team.id}" in links


def test_a_week_that_is_no_week_is_said_on_the_archived_view(client, planner, archived_team):
    response = client.get(f"/rooster/?week=2026-W60&team={archived_team.id}")

    assert response.status_code == 200
    assert "'2026-W60' is geen week die we kennen." in _text(response)
    assert "<title>Fout:" in response.get_data(as_text=True)


def test_the_print_view_of_an_active_team_still_leads_back_to_its_roster(client, planner, make):
    team = make.team(name="Team Nu")
    db.session.commit()

    links = _links(client.get(f"/rooster/afdrukken?week={SHIFT_WEEK}&team={team.id}"))

    assert links.get(f"/rooster/?week={SHIFT_WEEK}&team={team.id}") == "← Terug naar het rooster"
    assert f"/teams/{team.id}" not in links


def test_every_action_on_an_archived_teams_roster_stays_refused(client, planner, archived_team):
    page = client.get(f"/rooster/?week={SHIFT_WEEK}&team={archived_team.id}").get_data(as_text=True)
    for action in ("/rooster/plannen", "/rooster/publiceren", "/rooster/vorige-week", "/rooster/repareren",
                   "/rooster/cel?"):
        assert action not in page

    for path in ("/rooster/plannen", "/rooster/publiceren"):
        assert client.post(path, data={"week": SHIFT_WEEK, "team": archived_team.id}).status_code == 404
    assert client.get(f"/rooster/cel?week={SHIFT_WEEK}&team={archived_team.id}").status_code == 404
