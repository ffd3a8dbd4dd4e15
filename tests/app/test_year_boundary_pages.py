"""Staff pages around New Year: years in dates, the weekend's week, holidays in the cell editor, the
quarter that has not started, and one local "today" (Europe/Amsterdam) for all of them."""
from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import refresh

from binnenwerk.extensions import db
from binnenwerk.services import feeds
from tests.conftest import compile_english_catalog

WEDNESDAY = dt.date(2026, 12, 9)
NEW_YEARS_DAY = dt.date(2027, 1, 1)


@pytest.fixture
def today(monkeypatch):
    """Set the app's local date (what the feeds, the employee page and the staff pages go by)."""

    def set_today(day: dt.date) -> None:
        monkeypatch.setattr(feeds, "local_today", lambda: day)

    set_today(WEDNESDAY)
    return set_today


@pytest.fixture
def leader(client, login, make):
    team = make.team("Den Haag", name="Team Jaar")
    person = make.employee(team=team, first_name="Gijs", last_name="Dijkstra")
    login(make.user("team_leader", teams=[team]))
    db.session.commit()
    return team, person


def lead_of(page: str) -> str:
    return page.split('<p class="lead">')[1].split("</p>")[0]


def roster(client, team, week: str | None = None) -> str:
    query = {"team": team.id} | ({"week": week} if week else {})
    return client.get("/rooster/", query_string=query).get_data(as_text=True)


def test_the_roster_lead_names_the_year_of_a_week_in_another_year(client, leader, today):
    team, _person = leader
    assert lead_of(roster(client, team, "2026-W50")) == "maandag 7 december tot en met zondag 13 december"
    assert lead_of(roster(client, team, "2026-W53")) == "maandag 28 december 2026 tot en met zondag 3 januari 2027"
    assert lead_of(roster(client, team, "2027-W01")) == "maandag 4 januari tot en met zondag 10 januari 2027"
    today(dt.date(2027, 1, 4))
    assert lead_of(roster(client, team, "2027-W01")) == "maandag 4 januari tot en met zondag 10 januari"


def test_the_cell_editor_names_the_year_of_a_day_in_another_year(client, leader, today):
    team, person = leader
    url = f"/rooster/cel?week=2026-W53&team={team.id}&employee={person.id}&date="
    assert "Dienst van Gijs Dijkstra op vrijdag 1 januari 2027</h1>" in client.get(url + "2027-01-01").get_data(
        as_text=True)
    assert "Dienst van Gijs Dijkstra op dinsdag 29 december</h1>" in client.get(url + "2026-12-29").get_data(
        as_text=True)


def test_the_cell_editor_on_a_public_holiday_says_which_one(client, leader, today):
    team, person = leader
    url = f"/rooster/cel?week=2026-W53&team={team.id}&employee={person.id}&date="
    holiday = client.get(url + NEW_YEARS_DAY.isoformat()).get_data(as_text=True)
    assert "Nieuwjaarsdag: op feestdagen werkt niemand." in holiday
    assert "Je ziet alleen diensten die passen" not in holiday
    ordinary = client.get(url + "2026-12-29").get_data(as_text=True)
    # Nobody asks for work that day: the form says why only "vrij" is offered, not a holiday.
    assert "Er is deze dag geen dienst die past" in ordinary and "feestdagen" not in ordinary

    compile_english_catalog()
    client.post("/taal/en", data={"next": "/home"})
    refresh()  # the test's app context keeps the locale of the request before
    english = client.get(url + NEW_YEARS_DAY.isoformat()).get_data(as_text=True)
    assert "Friday 1 January 2027" in english
    assert "New Year&#39;s Day: nobody works on public holidays." in english


def test_at_the_weekend_the_roster_opens_on_next_week_and_says_so(client, leader, today):
    team, _person = leader
    for weekend_day in (dt.date(2027, 1, 2), dt.date(2027, 1, 3)):
        today(weekend_day)
        page = roster(client, team)
        assert "Rooster week 2027-W01" in page
        assert "Het is weekend, dus je ziet de komende week. De werkdagen van week 2026-W53 zijn voorbij." in page
        assert f'href="/rooster/?week=2027-W01&amp;team={team.id}">Deze week</a>' in page
    today(dt.date(2026, 12, 26))  # Boxing Day, a Saturday: the week of New Year
    page = roster(client, team)
    assert "Rooster week 2026-W53" in page and lead_of(page).endswith("zondag 3 januari 2027")
    # A week asked for is shown without the note; an unknown one falls back to the coming week.
    assert "Het is weekend" not in roster(client, team, "2026-W52")
    wrong = roster(client, team, "week 60")
    assert "&#39;week 60&#39; is geen week die we kennen." in wrong
    assert "Rooster week 2026-W53" in wrong and "Het is weekend, dus je ziet de komende week." in wrong
    today(dt.date(2027, 1, 4))  # Monday
    page = roster(client, team)
    assert "Rooster week 2027-W01" in page and "Het is weekend" not in page


def test_at_the_weekend_the_capacity_report_starts_next_week(client, login, make, today):
    login(make.user("planner"))
    today(dt.date(2027, 1, 2))
    page = client.get("/rapportages/capaciteit").get_data(as_text=True)
    assert "voor 8 weken vanaf maandag 4 januari." in page
    assert "De werkdagen van week 2026-W53 zijn voorbij." in page
    today(dt.date(2026, 12, 30))
    page = client.get("/rapportages/capaciteit").get_data(as_text=True)
    assert "voor 8 weken vanaf maandag 28 december." in page and "Het is weekend" not in page
    assert "voor 8 weken vanaf maandag 4 januari 2027." in client.get(
        "/rapportages/capaciteit?week=2027-W01").get_data(as_text=True)


def test_a_quarter_that_has_not_started_says_so(client, login, make, today):
    login(make.user("planner"))
    today(dt.date(2026, 12, 30))
    coming = client.get("/rapportages/banenafspraak?kwartaal=2027-K1").get_data(as_text=True)
    assert "Dit kwartaal is nog niet begonnen." in coming and "nog niet voorbij" not in coming
    assert "(vrijdag 1 januari tot en met woensdag 31 maart 2027)" in coming
    current = client.get("/rapportages/banenafspraak").get_data(as_text=True)
    assert "kwartaal 4 2026" in current and "nog niet begonnen" not in current
    assert "Dit kwartaal is nog niet voorbij. Diensten na woensdag 30 december zijn gepland" in current
    assert "(donderdag 1 oktober tot en met donderdag 31 december)" in current


def test_staff_pages_go_by_the_local_date_not_the_servers(client, leader, login, make, today):
    """The server's clock says another day than Amsterdam's (here: any real day but these)."""
    team, _person = leader
    today(NEW_YEARS_DAY)
    assert NEW_YEARS_DAY != dt.date.today()
    assert "Rooster week 2026-W53" in roster(client, team)
    client.post("/auth/logout")
    login(make.user("planner"))
    assert "kwartaal 1 2027" in client.get("/rapportages/banenafspraak").get_data(as_text=True)
    assert "voor 8 weken vanaf maandag 28 december 2026." in client.get("/rapportages/capaciteit").get_data(
        as_text=True)
