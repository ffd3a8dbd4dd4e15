"""A team leader leaving a team, and a second leader joining one.

The link of the whole team's calendar (every employee's name, place and times) stops when a leader
leaves the team (archived, moved) or an account that could show it loses the team (deactivated,
team taken off, unlinked), with an audit row and a message that says who makes a new one. The
team's own, fixed leader is the one who has led it longest, not the one with the lowest id.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, FeedKind, Supervisor
from binnenwerk.services import feeds, tokens

from .edit_forms import post_edit
from .test_teams_supervisors import supervisor_form

TODAY = dt.date(2026, 12, 9)
THU = dt.date(2026, 12, 10)
STOPPED = "De link naar de agenda van het hele team (Team Den Haag 1) werkt niet meer"


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def world(make, monkeypatch):
    """Team Den Haag 1 led by Tineke (account teamleider@, which also sees Team Den Haag 2) and
    Hanna; Team Den Haag 2 led by Karel, made later. Anna in team 1 has a shift on Thursday; both
    teams have a team calendar link."""
    monkeypatch.setattr(feeds, "local_today", lambda: TODAY)
    wt = make.work_type()
    team = make.team("Den Haag", name="Team Den Haag 1")
    other = make.team("Den Haag", name="Team Den Haag 2")
    account = make.user("team_leader", email="teamleider@binnenwerk.example", name="Tineke Teamleider",
                        teams=[team, other])
    tineke = make.supervisor(team, work_types=[wt], name="Tineke Teamleider", user=account)
    hanna = make.supervisor(team, work_types=[wt], name="Hanna de Vries")
    karel = make.supervisor(other, work_types=[wt], name="Karel Bos", phone="06-99998888")
    anna = make.employee(team, work_types=[wt], first_name="Anna", last_name="Jansen")
    bram = make.employee(other, work_types=[wt], first_name="Bram", last_name="Smit")
    make.published_shift(employee=anna, date=THU, work_type=wt)
    planner = make.user("planner")
    admin = make.user("admin")
    link = tokens.issue(FeedKind.TEAM, team)
    other_link = tokens.issue(FeedKind.TEAM, other)
    db.session.commit()
    return type("World", (), dict(wt=wt, team=team, other=other, account=account, tineke=tineke, hanna=hanna,
                                  karel=karel, anna=anna, bram=bram, planner=planner, admin=admin, link=link,
                                  other_link=other_link))


def _works(token: str) -> bool:
    db.session.expire_all()
    return tokens.resolve(token) is not None


def _revocations() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.detail).where(
        AuditEvent.action == "calendar_token.revoke", AuditEvent.object_type == "CalendarToken")))


# --- the team's calendar link ------------------------------------------------------------------


def test_archiving_a_leader_stops_the_team_calendar_link(client, login, world):
    assert "Anna Jansen" in _text(client.get(f"/calendar/{world.link}.ics"))
    login(world.planner)
    html = _text(client.post(f"/teams/teamleiders/{world.tineke.id}/archiveren", follow_redirects=True))
    assert not _works(world.link)
    assert "Anna Jansen" not in _text(client.get(f"/calendar/{world.link}.ics"))
    assert _works(world.other_link)  # the account lost only the team Tineke led
    assert _revocations() == ["kind=team reason=leader_left"]
    assert STOPPED + ", want Tineke Teamleider leidt dat team niet meer." in html
    assert "Hanna de Vries maakt die op de pagina Agenda-links van Team Den Haag 1" in html
    # The account is still active: the planner is told an admin can deactivate it.
    assert "Het account van Tineke Teamleider is nog actief." in html


def test_moving_a_leader_to_another_team_stops_the_old_teams_link(client, login, world):
    login(world.planner)
    post_edit(client, f"/teams/teamleiders/{world.tineke.id}/wijzigen", supervisor_form(
        [world.wt], team=world.team, name="Tineke Teamleider", phone="06-55556666",
        user_id=str(world.account.id)), follow_redirects=True)
    assert _works(world.link)  # an edit that keeps her in the team keeps the link
    html = _text(post_edit(client, f"/teams/teamleiders/{world.tineke.id}/wijzigen", supervisor_form(
        [world.wt], team=world.other, name="Tineke Teamleider", confirm_move="y", user_id=str(world.account.id)),
        follow_redirects=True))
    assert "Teamleider Tineke Teamleider is opgeslagen." in html
    assert not _works(world.link)
    assert _works(world.other_link)  # the team she joined keeps its link
    assert STOPPED + ", want Tineke Teamleider leidt dat team niet meer." in html


def test_unlinking_the_leaders_account_stops_the_teams_link(client, login, world):
    login(world.planner)
    html = _text(post_edit(client, f"/teams/teamleiders/{world.tineke.id}/wijzigen", supervisor_form(
        [world.wt], team=world.team, name="Tineke Teamleider", user_id=""), follow_redirects=True))
    assert not _works(world.link)
    assert STOPPED + ", want het account van Tineke Teamleider ziet dat team niet meer." in html


def test_deactivating_a_leaders_account_stops_its_teams_links_and_says_the_leader_is_still_planned(
        client, login, world):
    login(world.admin)
    html = _text(client.post(f"/beheer/gebruikers/{world.account.id}/deactiveren", follow_redirects=True))
    assert not _works(world.link) and not _works(world.other_link)
    assert STOPPED + ", want het account van Tineke Teamleider ziet dat team niet meer." in html
    assert "Hanna de Vries maakt die" in html and "Karel Bos maakt die" in html
    assert "Tineke Teamleider staat nog als teamleider van Team Den Haag 1 in de planning." in html
    assert f'href="/teams/teamleiders/{world.tineke.id}"' in html
    assert "account_lost_team" in " ".join(_revocations())


def test_taking_a_team_off_an_account_stops_that_teams_link_only(client, login, world):
    login(world.admin)
    form = {"email": world.account.email, "name": world.account.name, "role": "team_leader", "ministry_id": "",
            "team_ids": [str(world.team.id)]}
    html = _text(post_edit(client, f"/beheer/gebruikers/{world.account.id}", form, follow_redirects=True))
    assert "Account van Tineke Teamleider is opgeslagen." in html
    assert _works(world.link)
    assert not _works(world.other_link)
    assert ("De link naar de agenda van het hele team (Team Den Haag 2) werkt niet meer, want het account van "
            "Tineke Teamleider ziet dat team niet meer.") in html
    assert "Karel Bos maakt die op de pagina Agenda-links van Team Den Haag 2" in html


# --- the team's own, fixed leader --------------------------------------------------------------


def test_a_leader_moving_into_a_led_team_does_not_become_its_fixed_leader(client, login, world):
    """Tineke (lowest id) into Team Den Haag 2, led by Karel: Karel stays Bram's fixed leader."""
    login(world.planner)
    html = _text(post_edit(client, f"/teams/teamleiders/{world.tineke.id}/wijzigen", supervisor_form(
        [world.wt], team=world.other, name="Tineke Teamleider", confirm_move="y", user_id=str(world.account.id)),
        follow_redirects=True))
    db.session.expire_all()
    assert world.tineke.id < world.karel.id
    assert feeds.team_leaders([world.other.id])[world.other.id].id == world.karel.id
    bram_link = tokens.issue(FeedKind.EMPLOYEE, world.bram)
    db.session.commit()
    week = _text(client.get(f"/week/{bram_link}"))
    assert "Je vaste teamleider is Karel Bos." in week
    assert ("Team Den Haag 2 had al een teamleider. De medewerkers van Team Den Haag 2 houden Karel Bos als "
            "vaste teamleider.") in html


def test_the_fixed_leader_in_sql_is_the_one_there_longest(make, world):
    """_own_leader_id (the feeds' SQL) picks as team_leaders() does; a row from before team_since
    was kept (empty) counts as first, on PostgreSQL too (NULLS FIRST)."""
    make.supervisor(world.other, name="Nieuw")
    db.session.commit()

    def in_sql(team):
        return db.session.scalar(select(feeds._own_leader_id(team.id)))

    assert in_sql(world.other) == world.karel.id == feeds.team_leaders([world.other.id])[world.other.id].id
    older_row = make.supervisor(world.other, name="Van voor")
    older_row.team_since = None
    db.session.commit()
    assert in_sql(world.other) == older_row.id == feeds.team_leaders([world.other.id])[world.other.id].id


def test_a_shift_naming_nobody_is_led_by_the_leader_there_longest(make, world):
    """The feeds' SQL (whether the shift's leader is away) takes Karel, not Tineke who joined later."""
    world.tineke.team = world.other
    db.session.commit()
    shift = make.published_shift(employee=world.bram, date=THU, work_type=world.wt)
    db.session.commit()
    ps = shift.__table__
    away = db.session.scalar(select(feeds._leader_id(ps)).where(ps.c.id == shift.id))
    assert away == world.karel.id


def test_a_leader_made_in_a_led_team_is_told_to_keep_the_fixed_leader(client, login, world):
    login(world.planner)
    html = _text(client.post("/teams/teamleiders/nieuw", data=supervisor_form([world.wt], team=world.other),
                             follow_redirects=True))
    assert "De medewerkers van Team Den Haag 2 houden Karel Bos als vaste teamleider." in html


def test_a_leader_taken_back_from_the_archive_joins_as_the_newest(client, login, world):
    login(world.planner)
    client.post(f"/teams/teamleiders/{world.tineke.id}/archiveren")
    html = _text(client.post(f"/teams/teamleiders/{world.tineke.id}/terugzetten", follow_redirects=True))
    db.session.expire_all()
    assert feeds.team_leaders([world.team.id])[world.team.id].id == world.hanna.id
    assert "De medewerkers van Team Den Haag 1 houden Hanna de Vries als vaste teamleider." in html


def test_team_since_is_set_when_made_in_a_team_and_on_a_move(make, world):
    pool = make.supervisor(None, region="Den Haag", name="Pool")
    db.session.commit()
    assert pool.team_since is None and world.karel.team_since is not None
    before = world.karel.team_since
    world.karel.team = world.team
    db.session.commit()
    assert db.session.get(Supervisor, world.karel.id).team_since > before
    world.karel.team = None
    db.session.commit()
    assert db.session.get(Supervisor, world.karel.id).team_since is None
