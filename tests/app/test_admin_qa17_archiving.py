"""QA round 17, admin: archiving a team keeps its own leader planned, an archived team's rosters
stay readable, the last active planner stays, and an archived ministry's locations go with it."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, Location, Team, User

WEEK = "2026-W50"


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


@pytest.fixture
def admin(make, login):
    user = make.user(role="admin", name="Anna Beheer")
    login(user)
    return user


# --- 1. a team with its own active leader is not archived -----------------------------------


def test_a_team_whose_leader_is_still_active_is_not_archived(client, admin, make):
    team = make.team(name="Team Den Haag 1")
    leader = make.supervisor(team=team, name="Fatima Leider")
    db.session.commit()

    response = client.post(f"/teams/{team.id}/archiveren", follow_redirects=True)

    page = _text(response)
    assert "Team Den Haag 1 heeft nog een actieve teamleider: Fatima Leider." in page
    assert "of archiveer de teamleider" in page
    assert f'href="/teams/teamleiders/{leader.id}"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Team, team.id).archived is False


def test_a_team_is_archived_once_its_leader_is_in_the_pool(client, admin, make):
    team = make.team(name="Team Den Haag 1")
    leader = make.supervisor(team=team, name="Fatima Leider")
    make.supervisor(team=team, name="Oud Leider", archived=True)  # an archived leader holds nothing back
    db.session.commit()
    leader.team = None
    db.session.commit()

    response = client.post(f"/teams/{team.id}/archiveren", follow_redirects=True)

    assert "Team Den Haag 1 is gearchiveerd." in _text(response)
    db.session.expire_all()
    assert db.session.get(Team, team.id).archived is True


# --- 2. an archived team's rosters stay readable ------------------------------------------------


@pytest.fixture
def archived_team(make):
    team = make.team(name="Team Oud")
    make.employee(team=team, first_name="Piet", last_name="Vroeger")
    team.archived = True
    db.session.commit()
    return team


def test_an_archived_teams_roster_is_readable_without_actions(client, make, login, archived_team):
    login(make.user(role="planner"))

    response = client.get(f"/rooster/?week={WEEK}&team={archived_team.id}")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Team Oud is gearchiveerd. Je kunt dit rooster alleen bekijken" in _text(response)
    assert "Piet Vroeger" in _text(response)
    for action in ("/rooster/plannen", "/rooster/publiceren", "/rooster/vorige-week", "/rooster/repareren",
                   "/rooster/cel?"):
        assert action not in page


def test_an_archived_teams_print_and_week_sheets_are_readable(client, make, login, archived_team):
    login(make.user(role="planner"))
    assert client.get(f"/rooster/afdrukken?week={WEEK}&team={archived_team.id}").status_code == 200
    assert client.get(f"/rooster/weekbriefjes?week={WEEK}&team={archived_team.id}").status_code == 200


def test_an_archived_teams_roster_still_cannot_be_planned(client, make, login, archived_team):
    login(make.user(role="planner"))
    assert client.post("/rooster/plannen", data={"week": WEEK, "team": archived_team.id}).status_code == 404
    assert client.get(f"/rooster/cel?week={WEEK}&team={archived_team.id}").status_code == 404


# --- 3. the last active planner stays -----------------------------------------------------------


def _refused(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == action, AuditEvent.result == "refused", AuditEvent.detail == "last active planner"))


def test_the_last_active_planner_cannot_be_deactivated(client, admin, make):
    planner = make.user(role="planner", name="Paula Planner")
    make.user(role="planner", name="Stille Planner", active=False)
    db.session.commit()

    response = client.post(f"/beheer/gebruikers/{planner.id}/deactiveren", follow_redirects=True)

    assert "Dit is de laatste actieve planner." in _text(response)
    db.session.expire_all()
    assert db.session.get(User, planner.id).active is True
    assert _refused("user_deactivated") == 1


def test_the_last_active_planner_keeps_the_role(client, admin, make):
    from .edit_forms import seen_state

    planner = make.user(role="planner", name="Paula Planner")
    db.session.commit()
    url = f"/beheer/gebruikers/{planner.id}"
    form = {"name": planner.name, "email": planner.email, "role": "admin", "ministry_id": "",
            "seen_state": seen_state(client, url)}

    response = client.post(url, data=form)

    assert response.status_code == 422
    assert "Dit is de laatste actieve planner." in _text(response)
    db.session.expire_all()
    assert db.session.get(User, planner.id).role == "planner"
    assert _refused("user_changed") == 1


def test_a_planner_goes_while_another_stays_active(client, admin, make):
    first = make.user(role="planner", name="Paula Planner")
    make.user(role="planner", name="Pieter Planner")
    db.session.commit()

    assert client.post(f"/beheer/gebruikers/{first.id}/deactiveren").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, first.id).active is False


# --- 4. an archived ministry's locations are archived with it -------------------------------


def test_an_archived_ministrys_locations_are_no_longer_offered(client, admin, make):
    ministry = make.ministry(name="Ministerie Weg")
    location = make.location("Den Haag", ministry, name="Oude Toren")
    team = make.team(name="Team Den Haag 1")
    db.session.commit()

    response = client.post(f"/beheer/ministeries/{ministry.id}/archiveren", follow_redirects=True)

    assert "De locatie van dit ministerie is ook gearchiveerd: Oude Toren." in _text(response)
    db.session.expire_all()
    assert db.session.get(Location, location.id).archived is True
    form = client.get(f"/teams/{team.id}/wijzigen").get_data(as_text=True)
    assert "Oude Toren" not in form
    # Still there for history, marked archived.
    kept = client.get(f"/beheer/locaties/{location.id}")
    assert kept.status_code == 200 and "Oude Toren" in _text(kept) and "gearchiveerd" in _text(kept)

    restored = client.post(f"/beheer/ministeries/{ministry.id}/terugzetten", follow_redirects=True)
    assert "blijven in het archief" in _text(restored)
    db.session.expire_all()
    assert db.session.get(Location, location.id).archived is True


def test_a_team_keeps_its_home_location_of_a_ministry_archived_since(client, admin, make):
    ministry = make.ministry(name="Ministerie Weg")
    location = make.location("Den Haag", ministry, name="Oude Toren")
    team = make.team(name="Team Den Haag 1", home_location=location)
    db.session.commit()
    client.post(f"/beheer/ministeries/{ministry.id}/archiveren")

    form = client.get(f"/teams/{team.id}/wijzigen").get_data(as_text=True)

    assert "Oude Toren" in form  # shown for history while it is the team's
