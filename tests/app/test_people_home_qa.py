"""The start pages: this week's rosters people do not see as they are, and an archived ministry.

Next week's unpublished rosters were raised; a change to the current week after publishing (a
request cancelled, a cell changed) was not, although people come today by what they were told.
A contact of an archived ministry was offered a "Nieuwe aanvraag" that is refused anyway.
"""
from __future__ import annotations

import datetime as dt

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, RequestStatus, Roster
from binnenwerk.services import feeds
from binnenwerk.services import requests as request_service

WED = dt.date(2026, 12, 9)  # today: week 50, next week 51
THU = dt.date(2026, 12, 10)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(feeds, "local_today", lambda: WED)


def page(client, login, user) -> str:
    login(user)
    html = client.get("/home").get_data(as_text=True)
    client.post("/auth/logout")
    return html


def published_week_with_a_shift(make, team, request, week="2026-W50", day=THU) -> Roster:
    roster = Roster(week=week, team=team, version=1, published_at=dt.datetime(2026, 12, 4, 12))
    db.session.add(roster)
    db.session.flush()
    db.session.add(Assignment(roster_id=roster.id, employee_id=make.employee(team).id, date=day,
                              request_id=request.id))
    # Next week published as it is, so only this week can be what a page raises.
    db.session.add(Roster(week="2026-W51", team=team, version=1))
    db.session.commit()
    return roster


def test_a_request_cancelled_after_this_weeks_publication_is_raised_on_both_start_pages(client, make, login):
    team = make.team(name="Team Oost")
    request = make.request(start_date=dt.date(2026, 12, 7), end_date=dt.date(2026, 12, 31))
    published_week_with_a_shift(make, team, request)
    leader, planner = make.user("team_leader", teams=[team]), make.user("planner")
    db.session.commit()
    for user in (leader, planner):
        assert "deze week" not in page(client, login, user).lower()

    request_service.transition(request, RequestStatus.CANCELLED.value, actor=planner, reason="Locatie gesloten.")
    html = page(client, login, leader)
    assert ("Het rooster van Team Oost voor deze week (2026-W50) heeft wijzigingen die de medewerkers nog niet "
            "zien. Ze gaan nog uit van het oude rooster.") in html
    assert f'href="/rooster/?week=2026-W50&amp;team={team.id}"' in html
    html = page(client, login, planner)
    assert "Deze week (2026-W50): 1 team heeft een rooster dat de medewerkers nog niet zien zoals het nu is." in html
    assert 'href="/rooster/?week=2026-W50"' in html


def test_this_weeks_draft_is_raised_and_a_week_without_roster_is_not(client, make, login):
    draft, empty = make.team(name="Team Concept"), make.team(name="Team Leeg")
    db.session.add(Roster(week="2026-W50", team=draft, version=0))
    for team in (draft, empty):
        db.session.add(Roster(week="2026-W51", team=team, version=1))
    leader = make.user("team_leader", teams=[draft, empty])
    db.session.commit()
    html = page(client, login, leader)
    assert ("Het rooster van Team Concept voor deze week (2026-W50) is nog niet gepubliceerd: de medewerkers "
            "zien het nog niet.") in html
    assert "Team Leeg voor deze week" not in html and "Team Leeg heeft nog geen rooster" not in html


def test_a_team_leader_is_told_only_of_their_own_teams(client, make, login):
    mine, theirs = make.team(name="Team Eigen"), make.team(name="Team Ander")
    db.session.add_all([Roster(week="2026-W50", team=theirs, version=2, has_unpublished_changes=True),
                        Roster(week="2026-W51", team=mine, version=1)])
    leader = make.user("team_leader", teams=[mine])
    db.session.commit()
    assert "Team Ander" not in page(client, login, leader)


# --- an archived ministry -----------------------------------------------------------------------

ARCHIVED = ("Uw ministerie is gearchiveerd. U kunt geen nieuwe aanvragen meer indienen. "
            "Neem contact op met Binnenwerk als dat niet klopt.")


@pytest.mark.parametrize("archived", [True, False])
def test_a_contact_of_an_archived_ministry_is_told_so_and_offered_no_new_request(client, make, login, archived):
    make.work_type(name_nl="Toetsenborden reinigen")
    ministry = make.ministry("BZK", name="Ministerie van BZK", archived=archived)
    contact = make.user("ministry_contact", ministry=ministry)
    login(contact)
    requests_page = client.get("/aanvragen/").get_data(as_text=True)
    home = client.get("/home").get_data(as_text=True)
    assert (ARCHIVED in requests_page) is archived and (ARCHIVED in home) is archived
    assert ('href="/aanvragen/nieuw"' in requests_page) is not archived
    assert ("Uw ministerie heeft een afspraak met Binnenwerk" in home) is not archived
