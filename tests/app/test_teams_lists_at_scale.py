"""The planner's team pages at a hundred teams: the employees list a page at a time with a name
search and a team filter, the absence form's people grouped per team or opened for one person,
and the pages going by Amsterdam's date."""
from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Absence
from binnenwerk.services import feeds

ROW = re.compile(r'<th scope="row"><a href="/teams/medewerkers/(\d+)">([^<]*)</a></th>')


def _text(response) -> str:
    return response.get_data(as_text=True)


def _rows(html: str) -> list[str]:
    return [unescape(name) for _id, name in ROW.findall(html)]


def _links(html: str, rel: str) -> list[str]:
    return [unescape(href) for href in re.findall(rf'rel="{rel}" href="([^"]*)"', html)]


@pytest.fixture
def many(make):
    """Fifteen teams of fifteen (225 people), last names Naam000 ... Naam224."""
    teams = [make.team(name=f"Team {chr(ord('A') + n)}", region="Utrecht") for n in range(15)]
    people = [make.employee(teams[n // 15], first_name="Kim", last_name=f"Naam{n:03d}") for n in range(225)]
    return teams, people


# --- the employees list ---------------------------------------------------------------------------


def test_the_employees_list_shows_a_hundred_a_page_and_pages_to_the_rest(client, make, login, many):
    login(make.user("planner"))
    first = _text(client.get("/teams/medewerkers"))
    assert _rows(first) == [f"Naam{n:03d}, Kim" for n in range(100)]
    assert "Medewerkers, op achternaam (225), pagina 1 van 3" in first
    assert _links(first, "next") == ["/teams/medewerkers?page=2"] and not _links(first, "prev")
    last = _text(client.get("/teams/medewerkers?page=3"))
    assert _rows(last) == [f"Naam{n:03d}, Kim" for n in range(200, 225)]
    assert _links(last, "prev") == ["/teams/medewerkers?page=2"] and not _links(last, "next")
    assert _rows(_text(client.get("/teams/medewerkers?page=99"))) == _rows(last)  # past the end: the last page
    assert _rows(_text(client.get("/teams/medewerkers?page=abc"))) == _rows(first)


def test_the_pager_keeps_the_search_the_team_and_the_archive(client, make, login, many):
    teams, _people = many
    big = make.team(name="Team Groot", region="Utrecht")
    for n in range(120):
        make.employee(big, first_name="Sam", last_name=f"de Vries{n:03d}", archived=True,
                      contract_end=dt.date(2026, 1, 31))
    login(make.user("planner"))
    html = _text(client.get(f"/teams/medewerkers?naam=vries&team={big.id}&archief=1"))
    assert len(_rows(html)) == 100 and "Oud-medewerkers" in html
    assert _links(html, "next") == [f"/teams/medewerkers?page=2&naam=vries&team={big.id}&archief=1"]
    html = _text(client.get(_links(html, "next")[0]))
    assert _rows(html) == [f"Vries{n:03d}, Sam de" for n in range(100, 120)]  # sorted and shown under V
    assert _links(html, "prev") == [f"/teams/medewerkers?page=1&naam=vries&team={big.id}&archief=1"]
    # the form shows what was asked, and the way back to all
    assert 'value="vries"' in html and re.search(rf'<option selected value="{big.id}">Team Groot</option>', html)
    assert '<input type="hidden" name="archief" value="1">' in html
    assert 'href="/teams/medewerkers?archief=1">Alle filters wissen</a>' in html


def test_the_name_search_finds_any_part_of_the_first_or_last_name(client, make, login):
    team = make.team(name="Team Zoek")
    make.employee(team, first_name="Sanne", last_name="de Vries")
    make.employee(team, first_name="Noor", last_name="Vriesema")
    make.employee(team, first_name="Vries", last_name="Jansen")
    make.employee(team, first_name="Özlem", last_name="Çelik")
    make.employee(team, first_name="Piet", last_name="100%_Echt")
    login(make.user("planner"))

    def found(term):
        return sorted(_rows(_text(client.get("/teams/medewerkers", query_string={"naam": term}))))

    assert found("vries") == ["Jansen, Vries", "Vries, Sanne de", "Vriesema, Noor"]
    assert found("Sanne Vries") == found("Vries, Sanne") == found("  de   VRIES ") == found("Vries, Sanne de") == [
        "Vries, Sanne de"]
    assert found("Çelik") == ["Çelik, Özlem"]
    assert found("%") == found("_") == ["100%_Echt, Piet"]  # no wildcards: what is typed is searched for
    assert found("Sanne Jansen") == []
    html = _text(client.get("/teams/medewerkers?naam=niemand"))
    assert "Er zijn geen medewerkers die hierbij passen." in html and 'value="niemand"' in html
    assert len(found("x" * 5000)) == 0  # a long search is cut, not an error


def test_the_filter_form_is_a_labelled_search_form(client, make, login, many):
    login(make.user("planner"))
    html = _text(client.get("/teams/medewerkers"))
    form = re.search(r'<form method="get" action="/teams/medewerkers"[^>]*role="search"[^>]*>(.*?)</form>', html, re.S)
    assert form, html
    assert '<label for="naam">Zoek op naam</label>' in form[1] and 'type="search"' in form[1]
    assert '<label for="team">Team</label>' in form[1] and '<option selected value="">Alle teams</option>' in form[1]
    assert '<button type="submit" class="button">Zoeken</button>' in form[1]
    assert "Alle filters wissen" not in form[1]  # nothing to clear


def test_a_team_leader_searches_only_their_own_teams(client, make, login, many):
    teams, _people = many
    login(make.user("team_leader", teams=[teams[1], teams[2]]))
    html = _text(client.get("/teams/medewerkers?naam=naam"))
    assert _rows(html) == [f"Naam{n:03d}, Kim" for n in range(15, 45)]
    assert "Team A" not in html and "Team D" not in html
    assert _rows(_text(client.get("/teams/medewerkers?naam=naam02"))) == [f"Naam{n:03d}, Kim" for n in range(20, 30)]
    assert _rows(_text(client.get("/teams/medewerkers?naam=naam00"))) == []  # another team's people
    # another team's id in the URL is no way in: it counts as no team chosen
    html = _text(client.get(f"/teams/medewerkers?naam=naam01&team={teams[0].id}"))
    assert _rows(html) == [f"Naam{n:03d}, Kim" for n in range(15, 20)]
    html = _text(client.get(f"/teams/medewerkers?team={teams[2].id}"))
    assert _rows(html) == [f"Naam{n:03d}, Kim" for n in range(30, 45)]


# --- the absence form -----------------------------------------------------------------------------


def _select(html: str) -> str:
    found = re.search(r'<select[^>]*name="person"[^>]*>(.*?)</select>', html, re.S)
    assert found, html
    return found[1]


def test_the_absence_form_groups_the_people_per_team_and_the_leaders_apart(client, make, login):
    west, east = make.team(name="Team West"), make.team(name="Team Oost")
    make.employee(west, first_name="Ada", last_name="Bos")
    make.employee(east, first_name="Cor", last_name="Aalders")
    make.employee(east, first_name="Dirk", last_name="Zwart")
    leader = make.supervisor(east, name="Lia Leider")
    pool = make.supervisor(None, region="Utrecht", name="Pim Pool")
    login(make.user("planner"))
    html = _text(client.get("/teams/afwezigheid/nieuw"))
    select = _select(html)
    assert select.startswith('<option selected value="">Kies wie er afwezig is</option><optgroup label="Team Oost">')
    groups = re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select)
    assert [label for label, _options in groups] == ["Team Oost", "Team West", "Teamleiders"]
    names = [re.findall(r'<option value="[^"]*">([^<]*)</option>', options) for _label, options in groups]
    assert names == [["Aalders, Cor (Team Oost)", "Zwart, Dirk (Team Oost)"], ["Bos, Ada (Team West)"],
                     ["Lia Leider (teamleider)", "Pim Pool (teamleider)"]]
    assert f'value="teamleider-{leader.id}"' in select and f'value="teamleider-{pool.id}"' in select
    # the select keeps its label and a hint that says how the list is ordered
    assert '<label for="person">Wie</label>' in html and 'aria-describedby="person-hint"' in html


def test_a_team_leader_gets_only_their_own_team_in_the_groups(client, make, login):
    own, other = make.team(name="Team Eigen"), make.team(name="Team Ander")
    make.employee(own, last_name="Hier")
    make.employee(other, last_name="Daar")
    make.supervisor(own, name="Eigen Leider")
    make.supervisor(other, name="Ander Leider")
    make.supervisor(None, region="Den Haag", name="Pool Leider")
    login(make.user("team_leader", teams=[own]))
    select = _select(_text(client.get("/teams/afwezigheid/nieuw")))
    assert re.findall(r'<optgroup label="([^"]*)">', select) == ["Team Eigen", "Teamleiders"]
    assert "Hier," in select and "Eigen Leider" in select
    assert "Daar" not in select and "Ander Leider" not in select and "Pool Leider" not in select


def test_a_grouped_choice_is_stored_and_one_outside_the_groups_refused(client, make, login):
    team = make.team(name="Team Oost")
    employee = make.employee(team, first_name="Cor", last_name="Aalders")
    stranger = make.employee(make.team(name="Team Ver"), last_name="Vreemd")
    login(make.user("team_leader", teams=[team]))
    data = {"kind": "verlof", "start_date": "2026-12-14", "end_date": "2026-12-15", "whole_day": "y"}
    response = client.post("/teams/afwezigheid/nieuw", data={**data, "person": f"medewerker-{stranger.id}"})
    assert response.status_code == 422 and "Kies iemand uit de lijst." in _text(response)
    assert db.session.scalars(select(Absence)).all() == []
    response = client.post("/teams/afwezigheid/nieuw", data={**data, "person": f"medewerker-{employee.id}"})
    assert response.status_code == 302
    assert db.session.scalars(select(Absence.employee_id)).all() == [employee.id]


def test_the_older_wie_link_still_picks_someone_in_the_grouped_list(client, make, login):
    team = make.team(name="Team Oost")
    employee = make.employee(team, first_name="Cor", last_name="Aalders")
    stranger = make.employee(make.team(name="Team Ver"), first_name="Geheim", last_name="Persoon")
    login(make.user("team_leader", teams=[team]))
    select = _select(_text(client.get(f"/teams/afwezigheid/nieuw?wie=medewerker-{employee.id}")))
    assert f'<option selected value="medewerker-{employee.id}">Aalders, Cor (Team Oost)</option>' in select
    html = _text(client.get(f"/teams/afwezigheid/nieuw?wie=medewerker-{stranger.id}"))  # ignored, never shown
    assert "selected" not in _select(html) and "Geheim" not in html


def test_the_employee_page_opens_the_form_for_that_person_without_the_list(client, make, login):
    team = make.team(name="Team Oost")
    employee = make.employee(team, first_name="Cor", last_name="Aalders")
    for n in range(20):
        make.employee(team, last_name=f"Ander{n}")
    login(make.user("planner"))
    page = _text(client.get(f"/teams/medewerkers/{employee.id}"))
    link = f'href="/teams/afwezigheid/nieuw?medewerker={employee.id}">Afwezigheid melden</a>'
    assert link in page
    html = _text(client.get(f"/teams/afwezigheid/nieuw?medewerker={employee.id}"))
    assert "<select" in html and 'name="person"' not in html.split("<select", 1)[1].split(">", 1)[0]
    assert "Ander0" not in html  # no list of everyone
    assert f'<input type="hidden" name="person" value="medewerker-{employee.id}">' in html
    assert (f'<p><strong>Wie:</strong> <a href="/teams/medewerkers/{employee.id}">Cor Aalders</a> (Team Oost)</p>'
            in html)
    assert '<a href="/teams/afwezigheid/nieuw">Iemand anders kiezen</a>' in html
    # saving it registers the absence of that person, whatever the page posts as the person
    other = make.employee(team, last_name="Stiekem")
    response = client.post(f"/teams/afwezigheid/nieuw?medewerker={employee.id}", data={
        "person": f"medewerker-{other.id}", "kind": "ziek", "start_date": "2026-12-14",
        "end_date": "2026-12-14", "whole_day": "y"})
    assert response.status_code == 302, _text(response)[:3000]
    assert db.session.scalars(select(Absence.employee_id)).all() == [employee.id]


def test_a_refused_form_for_one_person_stays_on_that_person(client, make, login):
    employee = make.employee(make.team(name="Team Oost"), first_name="Cor", last_name="Aalders")
    login(make.user("planner"))
    response = client.post(f"/teams/afwezigheid/nieuw?medewerker={employee.id}", data={
        "kind": "ziek", "start_date": "2026-12-15", "end_date": "2026-12-14", "whole_day": "y"})
    html = _text(response)
    assert response.status_code == 422 and "De einddatum mag niet voor de begindatum liggen." in html
    assert f'<input type="hidden" name="person" value="medewerker-{employee.id}">' in html
    assert db.session.scalars(select(Absence)).all() == []


def test_the_team_leaders_page_opens_the_form_for_that_team_leader(client, make, login):
    team = make.team(name="Team Oost")
    leader = make.supervisor(team, name="Lia Leider")
    login(make.user("team_leader", teams=[team]))
    page = _text(client.get(f"/teams/teamleiders/{leader.id}"))
    assert f'href="/teams/afwezigheid/nieuw?teamleider={leader.id}">Afwezigheid melden</a>' in page
    html = _text(client.get(f"/teams/afwezigheid/nieuw?teamleider={leader.id}"))
    assert f'<input type="hidden" name="person" value="teamleider-{leader.id}">' in html
    assert f'<a href="/teams/teamleiders/{leader.id}">Lia Leider</a> (Team Oost)' in html
    response = client.post(f"/teams/afwezigheid/nieuw?teamleider={leader.id}", data={
        "kind": "verlof", "start_date": "2026-12-14", "end_date": "2026-12-14", "whole_day": "y"})
    assert response.status_code == 302, _text(response)[:3000]
    assert db.session.scalars(select(Absence.supervisor_id)).all() == [leader.id]


def test_a_person_the_user_may_not_report_absent_is_404_and_never_shown(client, make, login):
    own, other = make.team(name="Team Eigen"), make.team(name="Team Ander")
    stranger = make.employee(other, first_name="Geheim", last_name="Persoon")
    gone = make.employee(own, first_name="Oud", last_name="Gediende", archived=True,
                         contract_end=dt.date(2026, 1, 31))
    other_leader = make.supervisor(other, name="Ander Leider")
    pool = make.supervisor(None, region="Den Haag", name="Pool Leider")
    archived_leader = make.supervisor(own, name="Oude Leider", archived=True)
    login(make.user("team_leader", teams=[own]))
    for query in (f"medewerker={stranger.id}", f"medewerker={gone.id}", "medewerker=999999",
                  "medewerker=abc", "medewerker=99999999999999999999", "medewerker=",
                  f"teamleider={other_leader.id}", f"teamleider={pool.id}", f"teamleider={archived_leader.id}"):
        for method in (client.get, client.post):
            response = method(f"/teams/afwezigheid/nieuw?{query}", data={
                "kind": "ziek", "start_date": "2026-12-14", "end_date": "2026-12-14", "whole_day": "y"})
            assert response.status_code == 404, query
            html = _text(response)
            assert "Geheim" not in html and "Ander Leider" not in html and "Pool Leider" not in html, query
    assert db.session.scalars(select(Absence)).all() == []


# --- Amsterdam's date -----------------------------------------------------------------------------


@pytest.fixture
def amsterdam(monkeypatch):
    """Pretend Amsterdam's date is another than the machine's: 3 June 2030, a Monday."""
    day = dt.date(2030, 6, 3)
    monkeypatch.setattr(feeds, "local_today", lambda: day)
    return day


def test_the_absence_form_starts_on_amsterdams_date(client, make, login, amsterdam):
    make.employee(make.team())
    login(make.user("planner"))
    html = _text(client.get("/teams/afwezigheid/nieuw"))
    assert html.count('value="2030-06-03"') == 2, re.findall(r'name="(?:start|end)_date"[^>]*', html)


def test_the_absence_lists_split_current_and_earlier_by_amsterdams_date(client, make, login, amsterdam):
    employee = make.employee(make.team(name="Team Oost"), first_name="Cor", last_name="Aalders")
    make.absence(employee=employee, start=amsterdam - dt.timedelta(days=3), end=amsterdam - dt.timedelta(days=1),
                 kind="verlof")
    make.absence(employee=employee, start=amsterdam, end=amsterdam + dt.timedelta(days=1))
    login(make.user("planner"))
    current = _text(client.get("/teams/afwezigheid"))
    earlier = _text(client.get("/teams/afwezigheid?eerder=1"))
    assert "maandag 3 juni" in current and "vrijdag 31 mei" not in current
    assert "vrijdag 31 mei" in earlier and "maandag 3 juni" not in earlier
    page = _text(client.get(f"/teams/medewerkers/{employee.id}"))
    assert page.index("<h2>Afwezig</h2>") < page.index("maandag 3 juni") < page.index("<h2>Eerder afwezig</h2>")
    assert page.index("<h2>Eerder afwezig</h2>") < page.index("vrijdag 31 mei")
    assert re.search(r'<input[^>]*name="contract_end"[^>]*value="2030-06-03"', page)  # the last working day offered: today


def test_ending_a_contract_next_year_names_the_year(client, make, login, monkeypatch):
    monkeypatch.setattr(feeds, "local_today", lambda: dt.date(2030, 12, 20))
    employee = make.employee(make.team(), first_name="Cor", last_name="Aalders")
    login(make.user("planner"))
    response = client.post(f"/teams/medewerkers/{employee.id}/contract-beeindigen",
                           data={"contract_end": "03-01-2031"}, follow_redirects=True)
    assert "Het contract van Cor Aalders eindigt na vrijdag 3 januari 2031." in _text(response)
    this_year = make.employee(make.team(), first_name="Dirk", last_name="Zwart")
    response = client.post(f"/teams/medewerkers/{this_year.id}/contract-beeindigen",
                           data={"contract_end": "30-12-2030"}, follow_redirects=True)
    assert "Het contract van Dirk Zwart eindigt na maandag 30 december. " in _text(response)


def test_the_ministrys_planning_opens_on_amsterdams_week(client, make, login, amsterdam):
    login(make.user("ministry_contact"))
    html = _text(client.get("/aanvragen/planning"))
    assert "2030-W23" in html, html[:3000]


def test_the_name_search_ignores_case_beyond_ascii_on_every_database(client, login, make):
    team = make.team()
    make.employee(team, first_name="Éva", last_name="Özdemir")
    make.employee(team, first_name="Eva", last_name="Jansen")
    login(make.user("planner"))
    page = client.get("/teams/medewerkers?naam=%C3%A9VA+%C3%B6zdemir").get_data(as_text=True)  # "éVA özdemir"
    assert "Özdemir" in page and "Jansen" not in page


def test_the_name_searches_find_names_typed_without_their_accents_on_every_database(client, login, make):
    """A Dutch keyboard has no Ö, Ç or Ş: 'ozdemir' finds 'Özdemir' in the employees list, the
    privacy search and the admin's user list; a search typed with the accent finds it too."""
    team = make.team()
    make.employee(team, first_name="Ayşe", last_name="Özdemir")
    make.employee(team, first_name="Çağrı", last_name="Çelik")
    make.employee(team, first_name="Eva", last_name="Oz")
    login(make.user("planner"))
    assert _rows(_text(client.get("/teams/medewerkers?naam=ozdemir"))) == ["Özdemir, Ayşe"]
    assert _rows(_text(client.get("/teams/medewerkers?naam=%C3%96ZDEMIR"))) == ["Özdemir, Ayşe"]  # "ÖZDEMIR"
    assert _rows(_text(client.get("/teams/medewerkers?naam=cagri+celik"))) == ["Çelik, Çağrı"]
    assert _rows(_text(client.get("/teams/medewerkers?naam=ayse"))) == ["Özdemir, Ayşe"]
    assert _rows(_text(client.get("/teams/medewerkers?naam=oz"))) == ["Oz, Eva", "Özdemir, Ayşe"]
    assert "Özdemir" in _text(client.get("/privacy/?q=ozdem"))
    assert "Özdemir" in _text(client.get("/privacy/?q=ayse+ozdemir"))  # a full name, word by word
    make.employee(team, first_name="Ștefan", last_name="Țăranu")
    assert _rows(_text(client.get("/teams/medewerkers?naam=stefan+taranu"))) == ["Țăranu, Ștefan"]
    assert _rows(_text(client.get("/teams/medewerkers?naam=O%CC%88zdemir"))) == ["Özdemir, Ayşe"]  # O + ¨
    client.post("/auth/logout")
    login(make.user("admin"))
    make.user(role="planner", name="Şükrü Öztürk", email="sukru@binnenwerk.example")
    assert "Öztürk" in _text(client.get("/beheer/gebruikers?q=ozturk"))


def test_the_name_searches_fold_letters_as_the_import_does_on_every_database(client, login, make):
    """'grossmann' finds 'Großmann' and 'ilker' 'İlker', on PostgreSQL too (its lower() keeps ß
    and ı): the employees list, the planner's privacy search and the admin's user list."""
    team = make.team()
    make.employee(team, first_name="İlker", last_name="Großmann")
    make.employee(team, first_name="Ilse", last_name="Yılmaz")
    make.employee(team, first_name="Gerrit", last_name="Gross")
    login(make.user("planner"))
    assert _rows(_text(client.get("/teams/medewerkers?naam=GROSSMANN"))) == ["Großmann, İlker"]
    assert _rows(_text(client.get("/teams/medewerkers?naam=ilker"))) == ["Großmann, İlker"]
    assert _rows(_text(client.get("/teams/medewerkers?naam=yilmaz"))) == ["Yılmaz, Ilse"]
    # "groß" is "gross": Gerrit Gross is found too
    assert _rows(_text(client.get("/teams/medewerkers?naam=gro%C3%9F"))) == ["Gross, Gerrit", "Großmann, İlker"]
    privacy = _text(client.get("/privacy/?q=grossm"))
    assert "Großmann" in privacy and "Gerrit" not in privacy
    client.post("/auth/logout")
    login(make.user("admin"))
    make.user(role="planner", name="Jürgen Strauß", email="jurgen@binnenwerk.example")
    make.user(role="planner", name="Anna Straus", email="anna@binnenwerk.example")
    db.session.commit()
    users = _text(client.get("/beheer/gebruikers?q=STRAUSS"))
    assert "Jürgen Strauß" in users and "Anna Straus" not in users


def test_a_team_leader_of_one_team_gets_no_team_filter(client, login, make):
    """Nothing to choose: no "Alle teams" beside the one team (QA)."""
    team = make.team(name="Team Enkel")
    make.employee(team, first_name="Bas", last_name="de Groot")
    login(make.user("team_leader", teams=[team]))
    for url in ("/teams/medewerkers", "/teams/afwezigheid"):
        assert "Alle teams" not in client.get(url).get_data(as_text=True), url
    client.post("/auth/logout")
    login(make.user("team_leader", teams=[team, make.team(name="Team Twee")]))
    for url in ("/teams/medewerkers", "/teams/afwezigheid"):
        assert "Alle teams" in client.get(url).get_data(as_text=True), url
