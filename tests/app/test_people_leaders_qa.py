"""A team leader given another team: their account's team access follows the team they lead.

What a team-leader account may see is its own list of teams; leading a team is the supervisor's
team. Changing the team (or the linked account) moves the access with it: the account no longer
sees the old team's employees and their health notes (special-category data), and does see the
new team's. The save says so, names the old team's weeks the leader still leads (they need a
repair, as when a leader is archived) and a team left without a leader of its own.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, EmployeeSensitive, Roster, SupervisionAssignment, User
from binnenwerk.services import feeds

from .edit_forms import post_edit
from .test_teams_supervisors import supervisor_form

WED = dt.date(2026, 12, 9)  # today, week 50
THU = dt.date(2026, 12, 10)
NEXT_MON = dt.date(2026, 12, 14)  # week 51
OLD_NOTES = "Epilepsie, geen werk op hoogte"
NEW_NOTES = "Rustige werkplek nodig"


@pytest.fixture
def world(make, login, monkeypatch):
    """Tineke leads Team Oud and logs in as its team leader; Fleur (Team Oud) and Bram (Team
    Nieuw) have health notes; Tineke leads Thursday (week 50, published) and next Monday (a draft)."""
    monkeypatch.setattr(feeds, "local_today", lambda: WED)
    wt = make.work_type()
    place = make.location("Den Haag")
    old = make.team("Den Haag", name="Team Oud")
    new = make.team("Den Haag", name="Team Nieuw")
    account = make.user("team_leader", name="Tineke Teamleider", email="tineke@binnenwerk.example", teams=[old])
    leader = make.supervisor(old, work_types=[wt], name="Tineke Teamleider", user=account)
    fleur = make.employee(old, work_types=[wt], first_name="Fleur", last_name="Smit")
    bram = make.employee(new, work_types=[wt], first_name="Bram", last_name="Bakker")
    for person, notes in ((fleur, OLD_NOTES), (bram, NEW_NOTES)):
        db.session.add(EmployeeSensitive(employee=person, health_notes=notes))
    for week, day, version in (("2026-W50", THU, 1), ("2026-W51", NEXT_MON, 0)):
        roster = Roster(week=week, team=old, version=version)
        db.session.add(roster)
        db.session.flush()
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=leader.id, date=day,
                                             location_id=place.id, team_id=old.id))
    planner = make.user("planner")
    db.session.commit()
    return type("World", (), dict(wt=wt, old=old, new=new, account=account, leader=leader, fleur=fleur,
                                  bram=bram, planner=planner))


def edit_leader(client, world, team, user):
    return post_edit(client, f"/teams/teamleiders/{world.leader.id}/wijzigen",
                     supervisor_form([world.wt], team=team, name="Tineke Teamleider",
                                     user_id=str(user.id) if user else "", region="Den Haag"),
                     follow_redirects=True)


def flashes(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()
            for text in re.findall(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', html, flags=re.S)]


def teams_of(user: User) -> list[str]:
    db.session.expire_all()
    return sorted(t.name for t in db.session.get(User, user.id).teams)


def test_a_leader_given_another_team_sees_that_team_and_no_longer_the_old_one(client, login, world):
    login(world.account)
    assert OLD_NOTES in client.get(f"/teams/medewerkers/{world.fleur.id}").get_data(as_text=True)
    assert client.get(f"/teams/medewerkers/{world.bram.id}").status_code == 404
    client.post("/auth/logout")

    login(world.planner)
    said = flashes(edit_leader(client, world, world.new, world.account).get_data(as_text=True))
    assert "Teamleider Tineke Teamleider is opgeslagen." in said
    assert "Het account van Tineke Teamleider ziet nu Team Nieuw, en Team Oud niet meer." in said
    assert teams_of(world.account) == ["Team Nieuw"]
    client.post("/auth/logout")

    login(world.account)
    old_page = client.get(f"/teams/medewerkers/{world.fleur.id}")
    assert old_page.status_code == 404 and OLD_NOTES not in old_page.get_data(as_text=True)
    assert client.get(f"/teams/{world.old.id}").status_code == 404
    assert NEW_NOTES in client.get(f"/teams/medewerkers/{world.bram.id}").get_data(as_text=True)
    assert client.get(f"/teams/{world.new.id}").status_code == 200


def test_the_save_names_the_old_teams_weeks_still_led_and_a_team_left_without_leader(client, login, world):
    login(world.planner)
    said = flashes(edit_leader(client, world, world.new, world.account).get_data(as_text=True))
    assert ("Tineke Teamleider leidt nog diensten in week 50 en 51 (Team Oud). "
            "Repareer die roosters en publiceer ze opnieuw.") in said
    assert ("Team Oud heeft nu geen eigen teamleider. Geef het team een nieuwe teamleider. Tot dan zien de "
            "medewerkers van Team Oud op hun weekpagina niet wie hun teamleider is.") in said


def test_the_account_change_is_in_the_audit_log_with_the_teams_before_and_after(client, login, world):
    login(world.planner)
    edit_leader(client, world, world.new, world.account)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user_changed")).one()
    assert event.object_type == "User" and event.object_id == str(world.account.id)
    assert f"teams ([{world.old.id}] -> [{world.new.id}])" in event.detail


def test_other_teams_the_admin_gave_the_account_stay(client, login, world, make):
    extra = make.team("Den Haag", name="Team Extra")
    db.session.get(User, world.account.id).teams.append(extra)
    db.session.commit()
    login(world.planner)
    said = flashes(edit_leader(client, world, world.new, world.account).get_data(as_text=True))
    assert teams_of(world.account) == ["Team Extra", "Team Nieuw"]
    assert "Het account van Tineke Teamleider ziet nu Team Extra en Team Nieuw, en Team Oud niet meer." in said


def test_a_leader_moved_to_the_pool_takes_the_old_team_from_the_account(client, login, world):
    login(world.planner)
    said = flashes(edit_leader(client, world, None, world.account).get_data(as_text=True))
    assert teams_of(world.account) == []
    assert "Het account van Tineke Teamleider ziet Team Oud niet meer." in said


def test_another_account_linked_to_the_leader_takes_over_the_team(client, login, world, make):
    other = make.user("team_leader", name="Tineke Nieuw Account", email="tineke2@binnenwerk.example")
    db.session.commit()
    login(world.planner)
    said = flashes(edit_leader(client, world, world.old, other).get_data(as_text=True))
    assert teams_of(world.account) == [] and teams_of(other) == ["Team Oud"]
    assert "Het account van Tineke Teamleider ziet Team Oud niet meer." in said
    assert "Het account van Tineke Nieuw Account ziet nu Team Oud." in said
    assert not any("leidt nog diensten" in text or "geen eigen teamleider" in text for text in said)


def test_an_edit_that_keeps_team_and_account_leaves_the_access_alone(client, login, world):
    login(world.planner)
    response = post_edit(client, f"/teams/teamleiders/{world.leader.id}/wijzigen",
                         supervisor_form([world.wt], team=world.old, name="Tineke Teamleider",
                                         user_id=str(world.account.id), phone="06-99990000"),
                         follow_redirects=True)
    assert flashes(response.get_data(as_text=True)) == ["Teamleider Tineke Teamleider is opgeslagen."]
    assert teams_of(world.account) == ["Team Oud"]


def test_a_new_leader_linked_to_an_account_gives_it_the_team(client, login, world, make):
    account = make.user("team_leader", name="Tessa Leider", email="tessa@binnenwerk.example")
    db.session.commit()
    login(world.planner)
    response = client.post("/teams/teamleiders/nieuw", data=supervisor_form(
        [world.wt], team=world.new, user_id=str(account.id)), follow_redirects=True)
    said = flashes(response.get_data(as_text=True))
    assert "Teamleider Tessa Leider is toegevoegd." in said
    assert "Het account van Tessa Leider ziet nu Team Nieuw." in said
    assert teams_of(account) == ["Team Nieuw"]
