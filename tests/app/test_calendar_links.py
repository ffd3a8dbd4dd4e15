"""Staff pages to show, make, renew and revoke calendar links, each for its own people only."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, CalendarToken, FeedKind
from binnenwerk.services import tokens


@pytest.fixture
def teams(app, make):
    ours, theirs = make.team(name="Team Oost"), make.team(name="Team West")
    leader = make.user(role="team_leader", teams=[ours])
    anna = make.employee(team=ours, first_name="Anna", last_name="Jansen")
    stranger = make.employee(team=theirs, first_name="Vera", last_name="Vreemd")
    db.session.commit()
    return dict(ours=ours, theirs=theirs, leader=leader, anna=anna, stranger=stranger)


def token_count() -> int:
    return db.session.scalar(select(func.count(CalendarToken.id)))


def test_team_leader_makes_shows_and_uses_an_employee_link(client, login, teams):
    login(teams["leader"])
    anna = teams["anna"]
    overview = client.get(f"/kalender/team/{teams['ours'].id}").get_data(as_text=True)
    assert "Anna Jansen" in overview and "Nog geen link" in overview
    page = client.get(f"/kalender/link/medewerker/{anna.id}").get_data(as_text=True)
    assert "Er is nu geen werkende link." in page
    response = client.post(f"/kalender/link/medewerker/{anna.id}/vernieuwen", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "De link is gemaakt." in html
    token = tokens.link_for(tokens.active_for(FeedKind.EMPLOYEE, anna))
    assert f"webcal://localhost/calendar/{token}.ics" in html
    assert f"/week/{token}" in html and f"/calendar/{token}/qr.svg" in html
    # The calendar QR of an employee's link opens the week page's buttons (iPhone and Android).
    assert f"/calendar/{token}/qr.svg?voor=agenda" in html and "knop voor die telefoon: iPhone of Android" in html
    assert client.get(f"/calendar/{token}/qr.svg?voor=agenda").status_code == 200
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    assert client.get(f"/week/{token}").status_code == 200
    assert "Actief sinds" in client.get(f"/kalender/team/{teams['ours'].id}").get_data(as_text=True)


def stopped(client, token: str) -> bool:
    """The feed of a stopped link: a calendar with only the notice, so the phone drops the shifts."""
    response = client.get(f"/calendar/{token}.ics")
    text = response.get_data(as_text=True)
    return (response.status_code == 200 and text.count("BEGIN:VEVENT") == 1
            and "SUMMARY:Deze agenda-link werkt niet meer" in text)


def test_renew_on_the_page_stops_the_old_link_and_the_new_one_works(client, login, teams):
    anna = teams["anna"]
    old = tokens.issue(FeedKind.EMPLOYEE, anna)
    db.session.commit()
    login(teams["leader"])
    response = client.post(f"/kalender/link/medewerker/{anna.id}/vernieuwen", follow_redirects=True)
    assert "De oude link werkt niet meer." in response.get_data(as_text=True)
    new = tokens.link_for(tokens.active_for(FeedKind.EMPLOYEE, anna))
    assert new != old
    assert stopped(client, old)
    assert client.get(f"/week/{old}").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200 and not stopped(client, new)


def test_revoke_on_the_page_stops_the_link(client, login, teams):
    anna = teams["anna"]
    token = tokens.issue(FeedKind.EMPLOYEE, anna)
    db.session.commit()
    login(teams["leader"])
    response = client.post(f"/kalender/link/medewerker/{anna.id}/intrekken", follow_redirects=True)
    assert "De link is ingetrokken." in response.get_data(as_text=True)
    assert stopped(client, token)
    again = client.post(f"/kalender/link/medewerker/{anna.id}/intrekken", follow_redirects=True)
    assert "Er is geen link om in te trekken." in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "calendar_token.revoke")) == 1


def test_renewing_or_revoking_a_working_link_asks_first_and_says_what_breaks(client, login, teams):
    anna = teams["anna"]
    token = tokens.issue(FeedKind.EMPLOYEE, anna)
    db.session.commit()
    login(teams["leader"])
    base = f"/kalender/link/medewerker/{anna.id}"
    page = client.get(base).get_data(as_text=True)
    # The buttons lead to a question, not straight to the change.
    assert f'href="{base}/vernieuwen"' in page and f'href="{base}/intrekken"' in page
    assert f'action="{base}/' not in page

    ask_revoke = client.get(f"{base}/intrekken").get_data(as_text=True)
    assert "Link van Anna Jansen intrekken?" in ask_revoke
    assert "De oude link werkt dan niet meer." in ask_revoke
    assert "Het werk verdwijnt uit de agenda op de telefoon van Anna Jansen" in ask_revoke
    assert "Ja, trek de link in" in ask_revoke and f'href="{base}">Annuleren</a>' in ask_revoke
    ask_renew = client.get(f"{base}/vernieuwen").get_data(as_text=True)
    assert "Nieuwe link maken voor Anna Jansen?" in ask_renew
    assert "Anna Jansen moet de nieuwe link opnieuw in de agenda zetten." in ask_renew
    assert "Ja, maak een nieuwe link" in ask_renew
    # Asking changed nothing: the link still works.
    assert tokens.link_for(tokens.active_for(FeedKind.EMPLOYEE, anna)) == token
    assert client.get(f"/week/{token}").status_code == 200


def test_asking_first_is_only_for_a_link_that_works(client, login, teams):
    anna, team = teams["anna"], teams["ours"]
    login(teams["leader"])
    # No link yet: nothing to break, so no question and no link made by just looking.
    assert client.get(f"/kalender/link/medewerker/{anna.id}/vernieuwen").status_code == 302
    gone = client.get(f"/kalender/link/medewerker/{anna.id}/intrekken", follow_redirects=True)
    assert "Er is geen link om in te trekken." in gone.get_data(as_text=True)
    assert token_count() == 0
    tokens.issue(FeedKind.TEAM, team)
    db.session.commit()
    ask = client.get(f"/kalender/link/team/{team.id}/vernieuwen").get_data(as_text=True)
    assert "Nieuwe teamagenda-link maken voor Team Oost?" in ask
    assert "Wie de agenda wil blijven zien, moet de nieuwe link opnieuw in de agenda zetten." in ask


def test_team_leader_manages_the_own_team_feed(client, login, teams):
    login(teams["leader"])
    team = teams["ours"]
    assert "Er is nog geen link voor de teamagenda." in client.get(f"/kalender/team/{team.id}").get_data(as_text=True)
    client.post(f"/kalender/link/team/{team.id}/vernieuwen")
    row = tokens.active_for(FeedKind.TEAM, team)
    assert row is not None
    assert "Toon teamagenda-link" in client.get(f"/kalender/team/{team.id}").get_data(as_text=True)
    token = tokens.link_for(row)
    html = client.get(f"/kalender/link/team/{team.id}").get_data(as_text=True)
    assert f"webcal://localhost/calendar/{token}.ics" in html
    assert "weekpagina" not in html.lower()
    assert client.get(f"/calendar/{token}.ics").status_code == 200


def test_team_leader_gets_404_for_another_teams_pages_and_changes_nothing(client, login, teams):
    login(teams["leader"])
    theirs, stranger = teams["theirs"], teams["stranger"]
    for url in (f"/kalender/team/{theirs.id}", f"/kalender/link/medewerker/{stranger.id}"):
        assert client.get(url).status_code == 404, url
    for url in (f"/kalender/link/medewerker/{stranger.id}/vernieuwen", f"/kalender/link/team/{theirs.id}/vernieuwen",
                f"/kalender/link/medewerker/{stranger.id}/intrekken"):
        assert client.post(url).status_code == 404, url
    assert token_count() == 0


def test_team_leader_cannot_manage_location_links(client, login, teams, make):
    login(teams["leader"])
    location = make.location()
    db.session.commit()
    assert client.get(f"/kalender/link/locatie/{location.id}").status_code == 404
    assert client.post(f"/kalender/link/locatie/{location.id}/vernieuwen").status_code == 404
    assert client.get("/kalender/locaties").status_code == 403
    assert token_count() == 0


@pytest.mark.parametrize("url", [
    "/kalender/team/99999999999999999999", "/kalender/link/medewerker/0", "/kalender/link/medewerker/2147483648",
    "/kalender/link/verjaardag/1", "/kalender/team/abc", "/kalender/link/medewerker/-1",
    "/kalender/link/team/99999999999999999999",
])
def test_unknown_or_absurd_ids_get_404(client, login, make, url):
    login(make.user(role="planner"))
    assert client.get(url).status_code == 404


def test_ministry_contact_sees_and_manages_only_own_locations(client, login, make):
    ours, theirs = make.ministry(name="BZK"), make.ministry(name="Financiën")
    home = make.location(ministry=ours, name="Rijnstraat")
    away = make.location(ministry=theirs, name="Korte Voorhout")
    contact = make.user(role="ministry_contact", ministry=ours)
    login(contact)
    html = client.get("/kalender/locaties").get_data(as_text=True)
    assert "Rijnstraat" in html and "Korte Voorhout" not in html
    assert client.get(f"/kalender/link/locatie/{away.id}").status_code == 404
    assert client.post(f"/kalender/link/locatie/{away.id}/vernieuwen").status_code == 404
    assert token_count() == 0
    client.post(f"/kalender/link/locatie/{home.id}/vernieuwen")
    row = tokens.active_for(FeedKind.LOCATION, home)
    assert row is not None
    assert client.get(f"/calendar/{tokens.link_for(row)}.ics").status_code == 200


def test_ministry_contact_gets_no_employee_or_team_links(client, login, make, teams):
    login(make.user(role="ministry_contact"))
    assert client.get(f"/kalender/link/medewerker/{teams['anna'].id}").status_code == 404
    assert client.get(f"/kalender/team/{teams['ours'].id}").status_code == 403
    assert client.get("/kalender").status_code == 302


def test_admin_has_no_access_to_calendar_links(client, login, make, teams):
    login(make.user(role="admin"))
    assert client.get("/kalender").status_code == 403
    assert client.get(f"/kalender/link/medewerker/{teams['anna'].id}").status_code == 403


def test_planner_sees_every_team_and_can_make_links(client, login, make, teams):
    login(make.user(role="planner"))
    html = client.get("/kalender").get_data(as_text=True)
    assert "Team Oost" in html and "Team West" in html
    client.post(f"/kalender/link/medewerker/{teams['stranger'].id}/vernieuwen")
    assert tokens.active_for(FeedKind.EMPLOYEE, teams["stranger"]) is not None


def test_the_teams_list_says_how_many_people_of_each_team_have_no_link_yet(client, login, make, teams):
    """At 100 teams a planner opened every team to find who still needed a link (a QA finding)."""
    make.employee(team=teams["ours"], first_name="Bram", last_name="Bos")
    make.employee(team=teams["ours"], first_name="Oud", last_name="Lid", archived=True)
    db.session.commit()
    tokens.issue(FeedKind.EMPLOYEE, teams["anna"])
    tokens.issue(FeedKind.EMPLOYEE, teams["stranger"])
    tokens.revoke(tokens.active_for(FeedKind.EMPLOYEE, teams["stranger"]))
    db.session.commit()
    login(make.user(role="planner"))
    html = " ".join(client.get("/kalender").get_data(as_text=True).split())
    assert "<bdi>Team Oost</bdi> <span class=\"muted\">(1 medewerker zonder link)</span>" in html
    assert "<bdi>Team West</bdi> <span class=\"muted\">(1 medewerker zonder link)</span>" in html
    tokens.issue(FeedKind.EMPLOYEE, teams["stranger"])
    db.session.commit()
    html = " ".join(client.get("/kalender").get_data(as_text=True).split())
    assert "Team West</bdi></a>" in html


def test_an_archived_employee_gets_no_new_link(client, login, teams):
    anna = teams["anna"]
    anna.archived = True
    db.session.commit()
    login(teams["leader"])
    response = client.post(f"/kalender/link/medewerker/{anna.id}/vernieuwen", follow_redirects=True)
    assert "gearchiveerd" in response.get_data(as_text=True)
    assert token_count() == 0


def test_staff_pages_need_a_login(client, teams):
    response = client.get(f"/kalender/team/{teams['ours'].id}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.post(f"/kalender/link/medewerker/{teams['anna'].id}/vernieuwen").status_code == 302
    assert token_count() == 0


def test_ending_a_contract_revokes_the_links_and_a_restore_does_not_bring_them_back(client, login, teams):
    """A link handed out before the contract ended may be on an old phone or passed on."""
    anna = teams["anna"]
    token = tokens.issue(FeedKind.EMPLOYEE, anna)
    db.session.commit()
    login(teams["leader"])
    assert client.get(f"/calendar/{token}.ics").status_code == 200

    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    ended = client.post(f"/teams/medewerkers/{anna.id}/contract-beeindigen", data={"contract_end": yesterday},
                        follow_redirects=True).get_data(as_text=True)
    assert "De agenda-link en de weekpagina van Anna Jansen werken niet meer." in ended
    assert "Neem je Anna Jansen weer in dienst, maak dan een nieuwe link." in ended
    assert tokens.active_for(FeedKind.EMPLOYEE, anna) is None
    assert "calendar_token.revoke" in [e.action for e in db.session.scalars(select(AuditEvent))]

    restored = client.post(f"/teams/medewerkers/{anna.id}/terugzetten", follow_redirects=True).get_data(as_text=True)
    assert "Een oude agenda-link van Anna Jansen werkt niet meer." in restored
    assert "Anna Jansen heeft geen agenda-link." in restored
    assert f'href="/kalender/team/{teams["ours"].id}"' in restored
    assert stopped(client, token)
    assert client.get(f"/week/{token}").status_code == 404

    # The links page offers a new one, which works.
    overview = client.get(f"/kalender/team/{teams['ours'].id}").get_data(as_text=True)
    assert "Nog geen link" in overview
    client.post(f"/kalender/team/{teams['ours'].id}/links-maken")
    new = tokens.link_for(tokens.active_for(FeedKind.EMPLOYEE, anna))
    assert new != token and client.get(f"/calendar/{new}.ics").status_code == 200
