"""The absences list a page at a time in both views (from today and earlier), with the employees
list's name search; a team leader's search stays inside their own team."""
from __future__ import annotations

import datetime as dt
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from binnenwerk.services import feeds

TODAY = dt.date(2030, 6, 3)  # a Monday
ROW = re.compile(r'<th scope="row">([^<]*)')


@pytest.fixture(autouse=True)
def amsterdam(monkeypatch):
    monkeypatch.setattr(feeds, "local_today", lambda: TODAY)


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _rows(html: str) -> list[str]:
    """The people in the table, in its order (a team leader's row has a marker after the name)."""
    return [unescape(name).strip() for name in ROW.findall(html)]


def _link(html: str, rel: str) -> str | None:
    found = re.findall(rf'rel="{rel}" href="([^"]*)"', html)
    return unescape(found[0]) if found else None


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


@pytest.fixture
def sixty(make):
    """Sixty people of Team Noord on leave, one a day from today (Kim Naam000 first), and five of
    Team Zuid starting today."""
    north, south = make.team(name="Team Noord"), make.team(name="Team Zuid")
    for n in range(60):
        person = make.employee(north, first_name="Kim", last_name=f"Naam{n:03d}")
        make.absence(employee=person, start=TODAY + dt.timedelta(days=n), end=TODAY + dt.timedelta(days=n + 14),
                     kind="verlof")
    for n in range(5):
        make.absence(employee=make.employee(south, first_name="Zoë", last_name=f"Zuid{n}"), start=TODAY)
    return north, south


def test_the_current_absences_show_fifty_a_page_and_page_to_the_rest(client, make, login, sixty):
    north, _south = sixty
    login(make.user("planner"))
    first = _text(client.get(f"/teams/afwezigheid?team={north.id}"))
    assert _rows(first) == [f"Kim Naam{n:03d}" for n in range(50)]  # by start date, as before
    assert "Afwezigheid vanaf vandaag, op begindatum (60), pagina 1 van 2" in first
    assert "Volgende pagina" in first and _link(first, "prev") is None
    following = _link(first, "next")
    assert _query(following) == {"page": ["2"], "team": [str(north.id)]}  # the team filter stays
    second = _text(client.get(following))
    assert _rows(second) == [f"Kim Naam{n:03d}" for n in range(50, 60)]
    assert _link(second, "next") is None and _query(_link(second, "prev")) == {"page": ["1"], "team": [str(north.id)]}
    every_team = _text(client.get("/teams/afwezigheid"))
    assert "(65), pagina 1 van 2" in every_team and len(_rows(every_team)) == 50
    # the same start date: in the order they were stored, as before
    assert _rows(every_team)[:7] == ["Kim Naam000", *(f"Zoë Zuid{n}" for n in range(5)), "Kim Naam001"]


def test_the_earlier_absences_keep_the_team_and_the_search_across_pages(client, make, login, sixty):
    north, south = sixty
    for n in range(55):  # ended n + 1 days ago: the newest first
        make.absence(employee=make.employee(north, first_name="Lou", last_name=f"Eerder{n:03d}"),
                     start=TODAY - dt.timedelta(days=n + 3), end=TODAY - dt.timedelta(days=n + 1))
    make.absence(employee=make.employee(south, first_name="Lou", last_name="Eerder999"),
                 start=TODAY - dt.timedelta(days=2), end=TODAY - dt.timedelta(days=1))
    login(make.user("planner"))
    first = _text(client.get(f"/teams/afwezigheid?eerder=1&team={north.id}&naam=eerder"))
    assert _rows(first) == [f"Lou Eerder{n:03d}" for n in range(50)]
    assert "Eerdere afwezigheid, de laatste eerst (55), pagina 1 van 2" in first
    following = _link(first, "next")
    assert _query(following) == {"page": ["2"], "team": [str(north.id)], "naam": ["eerder"], "eerder": ["1"]}
    assert _rows(_text(client.get(following))) == [f"Lou Eerder{n:03d}" for n in range(50, 55)]
    # The search alone pages too, in the view from today as well
    current = _text(client.get("/teams/afwezigheid?naam=NAAM0"))
    assert "(60), pagina 1 van 2" in current and _query(_link(current, "next")) == {"page": ["2"], "naam": ["NAAM0"]}


def test_the_name_search_folds_as_the_employees_list_in_both_views(client, make, login):
    team = make.team(name="Team Oost")
    groot = make.employee(team, first_name="Bas", last_name="de Groot")
    ozdemir = make.employee(team, first_name="Ayşe", last_name="Özdemir")
    other = make.employee(team, first_name="Dirk", last_name="Grootveld")
    leader = make.supervisor(team, name="Jürgen Strauß")
    people = {e.list_name: e.name for e in (groot, ozdemir, other)}
    for person in (groot, ozdemir, other):
        make.absence(employee=person, start=TODAY + dt.timedelta(days=1))
        make.absence(employee=person, start=TODAY - dt.timedelta(days=5), end=TODAY - dt.timedelta(days=4))
    make.absence(supervisor=leader, start=TODAY)
    make.absence(supervisor=leader, start=TODAY - dt.timedelta(days=9))
    login(make.user("planner"))
    for view in ("", "&eerder=1"):
        def found(words: str, view: str = view) -> list[str]:
            return _rows(_text(client.get(f"/teams/afwezigheid?naam={words}{view}")))

        assert found("de+groot") == ["Bas de Groot"], view
        assert found("Groot%2C+Bas") == ["Bas de Groot"], view  # "Groot, Bas", as the list writes it
        assert sorted(found("groot")) == ["Bas de Groot", "Dirk Grootveld"], view
        assert found("%C3%96ZDEMIR") == ["Ayşe Özdemir"] == found("%C3%B6zdemir"), view  # "ÖZDEMIR", "özdemir"
        assert found("ayse") == ["Ayşe Özdemir"] and found("strauss") == ["Jürgen Strauß"], view  # a team leader
        assert found("ozdemir") == ["Ayşe Özdemir"], view  # typed without the accent
        # The same words find the same people as the employees list
        for words in ("ozdemir", "%C3%B6zdemir", "de+groot", "grootv", "bas+de"):
            listed = {people[unescape(n)] for n in re.findall(
                r'<th scope="row"><a [^>]*>([^<]*)</a>', _text(client.get(f"/teams/medewerkers?naam={words}")))}
            assert set(found(words)) == listed, (words, view)
        nothing = _text(client.get(f"/teams/afwezigheid?naam=niemand{view}"))
        assert "Er is geen afwezigheid die hierbij past." in nothing and _rows(nothing) == []
        assert 'value="niemand"' in nothing  # the search stays in its field
    html = _text(client.get("/teams/afwezigheid"))
    assert re.search(r'<label for="naam">Zoek op naam</label>', html)
    assert re.search(r'<input[^>]*name="naam"', html)
    assert "Afwezigheid vanaf vandaag, op begindatum (4)" in html and "pagina 1 van" not in html


def test_a_team_leaders_search_never_shows_another_teams_absence(client, make, login):
    own, other = make.team(name="Team Eigen"), make.team(name="Team Ander")
    make.absence(employee=make.employee(own, first_name="Eva", last_name="Özdemir"), start=TODAY)
    make.absence(employee=make.employee(other, first_name="Ali", last_name="Özdemir"), start=TODAY)
    make.absence(employee=make.employee(other, first_name="Oud", last_name="Özdemir"),
                 start=TODAY - dt.timedelta(days=3), end=TODAY - dt.timedelta(days=2))
    leader_user = make.user("team_leader", teams=[own])
    fellow = make.supervisor(own, name="Sem Özdemir", user=make.user("team_leader", teams=[own]))
    make.absence(supervisor=fellow, start=TODAY)  # a fellow team leader's: for planners only
    login(leader_user)
    for url in ("/teams/afwezigheid?naam=%C3%B6zdemir", f"/teams/afwezigheid?naam=%C3%B6zdemir&team={other.id}",
                "/teams/afwezigheid?naam=%C3%96ZDEMIR", "/teams/afwezigheid?naam=%C3%B6zdemir&page=2"):
        assert _rows(_text(client.get(url))) == ["Eva Özdemir"], url
    earlier = _text(client.get(f"/teams/afwezigheid?eerder=1&naam=%C3%B6zdemir&team={other.id}"))
    assert _rows(earlier) == [] and "Oud" not in earlier and "Er is geen afwezigheid die hierbij past." in earlier
    client.post("/auth/logout")
    login(make.user("planner"))
    assert sorted(_rows(_text(client.get("/teams/afwezigheid?naam=%C3%B6zdemir")))) == [
        "Ali Özdemir", "Eva Özdemir", "Sem Özdemir"]
