"""The teams list, the team leaders list and the calendar links overview: a name search that ignores
accents, a region (and for team leaders a team or the pool) filter, a page at a time, all in the
URL; a team leader's lists stay their own teams, whatever the URL asks."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

TEAM_ROW = re.compile(r'<th scope="row"><a href="/teams/\d+">([^<]*)</a>')
LEADER_ROW = re.compile(r'<th scope="row"><a href="/teams/teamleiders/\d+">([^<]*)</a>')
TILE = re.compile(r'<a class="tile" href="/kalender/team/\d+"><bdi>([^<]*)</bdi>')
HEADING = re.compile(r'<h2 id="(?:teams|teamleiders)-gevonden">([^<]*)</h2>')

LISTS = {  # the page, how its rows are found
    "teams": ("/teams/", TEAM_ROW),
    "calendar": ("/kalender", TILE),
}


def _text(response) -> str:
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:300])
    return response.get_data(as_text=True)


def _rows(html: str, row: re.Pattern) -> list[str]:
    return [unescape(name) for name in row.findall(html)]


def _heading(html: str) -> str:
    return unescape(HEADING.search(html).group(1))


def _link(html: str, rel: str) -> str | None:
    found = re.findall(rf'rel="{rel}" href="([^"]*)"', html)
    return unescape(found[0]) if found else None


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


@pytest.fixture
def regions(make):
    """Teams in three regions, names with and without accents."""
    return {
        "haag": [make.team(name="Team Özdemir", region="Den Haag"),
                 make.team(name="Team Haagse Hout", region="Den Haag")],
        "utrecht": [make.team(name="Team Çelik", region="Utrecht"), make.team(name="Team Domstad", region="Utrecht")],
        "zwolle": [make.team(name="Team Zwolle Zuid", region="Zwolle")],
    }


# --- the teams list and the calendar links overview ------------------------------------------------


@pytest.mark.parametrize("page", sorted(LISTS))
def test_the_name_search_ignores_accents_and_case_and_says_how_many_of_how_many(client, make, login, regions, page):
    url, row = LISTS[page]
    login(make.user("planner"))
    assert _rows(_text(client.get(f"{url}?naam=ozdemir")), row) == ["Team Özdemir"]
    assert _rows(_text(client.get(f"{url}?naam=%C3%96ZDEMIR")), row) == ["Team Özdemir"]  # "ÖZDEMIR"
    assert _rows(_text(client.get(f"{url}?naam=CELIK")), row) == ["Team Çelik"]
    both = _text(client.get(f"{url}?naam=team+zuid"))  # every word somewhere in the name
    assert _rows(both, row) == ["Team Zwolle Zuid"]
    assert _heading(both) == "1 van 5 teams"
    everyone = _text(client.get(url))
    assert len(_rows(everyone, row)) == 5 and _heading(everyone) == "5 teams"
    # labelled inputs and a submit button, in a search landmark
    assert '<label for="naam">Zoek op naam</label>' in everyone and re.search(r'<input[^>]*name="naam"', everyone)
    assert '<label for="regio">Regio</label>' in everyone and '<select id="regio" name="regio">' in everyone
    assert re.search(r'<form method="get"[^>]*role="search"', everyone)
    assert '<button type="submit" class="button">Zoeken</button>' in everyone


@pytest.mark.parametrize("page", sorted(LISTS))
def test_the_region_filter_narrows_and_keeps_the_search(client, make, login, regions, page):
    url, row = LISTS[page]
    login(make.user("planner"))
    utrecht = _text(client.get(f"{url}?regio=Utrecht"))
    assert sorted(_rows(utrecht, row)) == ["Team Domstad", "Team Çelik"]  # (where Ç sorts: the database's)
    assert _heading(utrecht) == "2 van 5 teams"
    assert '<option value="Utrecht" selected>' in utrecht
    assert _rows(_text(client.get(f"{url}?regio=Utrecht&naam=dom")), row) == ["Team Domstad"]
    assert _rows(_text(client.get(f"{url}?regio=Den+Haag&naam=dom")), row) == []


@pytest.mark.parametrize("page", sorted(LISTS))
def test_an_empty_result_says_so_in_dutch_and_offers_to_clear_the_filters(client, make, login, regions, page):
    url, row = LISTS[page]
    login(make.user("planner"))
    html = _text(client.get(f"{url}?naam=niemand&regio=Zwolle"))
    assert _rows(html, row) == []
    assert _heading(html) == "0 van 5 teams"
    assert "Er zijn geen teams die hierbij passen." in html
    assert "Alle filters wissen" in html and 'value="niemand"' in html


@pytest.mark.parametrize("page", sorted(LISTS))
def test_a_long_list_pages_and_the_filters_stay_in_the_page_links(client, make, login, page):
    url, row = LISTS[page]
    for n in range(53):
        make.team(name=f"Team Noord {n:02d}", region="Groningen")
    make.team(name="Team Zuid", region="Maastricht")
    login(make.user("planner"))
    first = _text(client.get(f"{url}?regio=Groningen&naam=noord"))
    assert _rows(first, row) == [f"Team Noord {n:02d}" for n in range(50)]
    assert "Pagina 1 van 2" in first and _link(first, "prev") is None
    following = _link(first, "next")
    assert _query(following) == {"page": ["2"], "naam": ["noord"], "regio": ["Groningen"]}
    second = _text(client.get(following))
    assert _rows(second, row) == [f"Team Noord {n:02d}" for n in range(50, 53)]
    assert _heading(second).startswith("53 van 54 teams")
    assert _link(second, "next") is None and _query(_link(second, "prev"))["page"] == ["1"]
    # A page number that is no page number is the first page; one past the end the last
    for bad in ("abc", "-1", "0", "1e3", "9" * 40, "%C2%B2"):  # "²": a digit to Python, no number to int()
        assert _rows(_text(client.get(f"{url}?page={bad}")), row)[:1] == ["Team Noord 00"], bad
    assert _rows(_text(client.get(f"{url}?page=7")), row) == ["Team Noord 50", "Team Noord 51", "Team Noord 52",
                                                              "Team Zuid"]


@pytest.mark.parametrize("page", sorted(LISTS))
def test_bad_filters_give_the_list_and_a_clear_message_never_an_error(client, make, login, regions, page):
    url, row = LISTS[page]
    login(make.user("planner"))
    unknown = _text(client.get(f"{url}?regio=Atlantis"))
    assert "Regio Atlantis staat niet in deze lijst. Je ziet alle regio’s." in unknown
    assert len(_rows(unknown, row)) == 5 and _heading(unknown) == "5 teams"
    assert _text(client.get(f"{url}?regio=" + "x" * 500))  # no region that long
    long_search = _text(client.get(f"{url}?naam=" + "ö" * 500))
    assert _rows(long_search, row) == [] and "Er zijn geen teams die hierbij passen." in long_search
    assert _rows(_text(client.get(f"{url}?naam=%25")), row) == []  # the search's % is a letter, not a wildcard
    assert _text(client.get(f"{url}?naam=%00&regio=%00&page=%00"))


def test_the_teams_search_works_among_the_archived_teams_too(client, make, login, regions):
    make.team(name="Team Óud", region="Utrecht", archived=True)
    make.team(name="Team Ander Oud", region="Zwolle", archived=True)
    login(make.user("planner"))
    html = _text(client.get("/teams/?archief=1&naam=oud&regio=Utrecht"))
    assert _rows(html, TEAM_ROW) == ["Team Óud"] and _heading(html) == "1 van 2 teams"
    assert '<input type="hidden" name="archief" value="1">' in html
    assert _rows(_text(client.get("/teams/?naam=oud")), TEAM_ROW) == []  # the active teams: none is called so


@pytest.mark.parametrize("page", sorted(LISTS))
def test_a_team_leader_finds_only_their_own_teams(client, make, login, regions, page):
    url, row = LISTS[page]
    own = [regions["haag"][1], regions["utrecht"][1]]  # Haagse Hout, Domstad
    archived = make.team(name="Team Oud Eigen", region="Den Haag", archived=True)
    login(make.user("team_leader", teams=[*own, archived]))
    html = _text(client.get(url))
    assert _rows(html, row) == ["Team Domstad", "Team Haagse Hout"] and _heading(html) == "2 teams"
    assert re.findall(r'<option value="([^"]+)"', html) == ["Den Haag", "Utrecht"]  # not Zwolle: no team there
    for asked in ("?naam=ozdemir", "?naam=celik&regio=Utrecht", "?regio=Zwolle&naam=zwolle", "?archief=1&naam=oud",
                  "?naam=team&page=2"):
        found = _rows(_text(client.get(url + asked)), row)
        assert set(found) <= {"Team Domstad", "Team Haagse Hout"}, asked
    assert _rows(_text(client.get(f"{url}?regio=Zwolle")), row) == ["Team Domstad", "Team Haagse Hout"]
    assert _rows(_text(client.get(f"{url}?regio=Utrecht")), row) == ["Team Domstad"]


def test_a_team_leader_of_one_team_still_goes_straight_to_its_links(client, make, login, regions):
    login(make.user("team_leader", teams=[regions["zwolle"][0]]))
    for url in ("/kalender", "/kalender?naam=ozdemir", "/kalender?regio=Utrecht&page=2"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].endswith(f"/kalender/team/{regions['zwolle'][0].id}")


# --- the team leaders list --------------------------------------------------------------------------


@pytest.fixture
def leaders(make, regions):
    """Team leaders of some of the teams, and two stand-ins of the regional pool."""
    haag, utrecht = regions["haag"], regions["utrecht"]
    return {
        "ayse": make.supervisor(haag[0], name="Ayşe Özdemir"),
        "bas": make.supervisor(haag[1], name="Bas de Groot"),
        "can": make.supervisor(utrecht[0], name="Can Çelik"),
        "dirk": make.supervisor(utrecht[1], name="Dirk Groenendijk"),
        "pool_haag": make.supervisor(None, region="Den Haag", name="Pim Poolman"),
        "pool_zwolle": make.supervisor(None, region="Zwolle", name="Gert Özer"),
    }


def test_the_team_leaders_search_ignores_accents_and_the_region_narrows(client, make, login, leaders):
    login(make.user("planner"))
    rows = lambda query: _rows(_text(client.get(f"/teams/teamleiders{query}")), LEADER_ROW)  # noqa: E731
    assert rows("?naam=ozdemir") == ["Ayşe Özdemir"]
    assert rows("?naam=%C3%B6z") == ["Ayşe Özdemir", "Gert Özer"]  # "öz": Den Haag first, then Zwolle
    assert rows("?naam=ayse+ozdemir") == ["Ayşe Özdemir"] and rows("?naam=celik") == ["Can Çelik"]
    assert rows("?naam=oz&regio=Zwolle") == ["Gert Özer"]
    assert rows("?regio=Utrecht") == ["Can Çelik", "Dirk Groenendijk"]
    html = _text(client.get("/teams/teamleiders?naam=groo"))
    assert _rows(html, LEADER_ROW) == ["Bas de Groot"] and _heading(html) == "1 van 6 teamleiders"
    assert _heading(_text(client.get("/teams/teamleiders"))) == "6 teamleiders"


def test_the_team_leaders_list_filters_on_a_team_or_on_the_pool(client, make, login, regions, leaders):
    login(make.user("planner"))
    domstad = regions["utrecht"][1]
    html = _text(client.get(f"/teams/teamleiders?team={domstad.id}"))
    assert _rows(html, LEADER_ROW) == ["Dirk Groenendijk"]
    assert f'<option value="{domstad.id}" selected>Team Domstad</option>' in html
    assert '<label for="team">Team</label>' in html
    pool = _text(client.get("/teams/teamleiders?team=pool"))
    assert _rows(pool, LEADER_ROW) == ["Pim Poolman", "Gert Özer"] and _heading(pool) == "2 van 6 teamleiders"
    assert _rows(_text(client.get("/teams/teamleiders?team=pool&regio=Zwolle")), LEADER_ROW) == ["Gert Özer"]
    empty = _text(client.get(f"/teams/teamleiders?team={domstad.id}&naam=pim"))
    assert _rows(empty, LEADER_ROW) == [] and "Er zijn geen teamleiders die hierbij passen." in empty
    for bad in ("abc", "-1", "0", "99999999", "9" * 30, "%C2%B2"):  # no team: the whole list
        assert len(_rows(_text(client.get(f"/teams/teamleiders?team={bad}")), LEADER_ROW)) == 6, bad
    unknown = _text(client.get("/teams/teamleiders?regio=Atlantis&naam=" + "x" * 500 + "&page=-1"))
    assert "Regio Atlantis staat niet in deze lijst." in unknown and _rows(unknown, LEADER_ROW) == []


def test_the_team_leaders_list_pages_and_keeps_its_filters(client, make, login):
    team = make.team(name="Team Groot", region="Utrecht")
    for n in range(52):
        make.supervisor(team, name=f"Leider {n:02d}")
    make.supervisor(None, region="Utrecht", name="Leider Pool")
    login(make.user("planner"))
    first = _text(client.get(f"/teams/teamleiders?team={team.id}&naam=leider"))
    assert _rows(first, LEADER_ROW) == [f"Leider {n:02d}" for n in range(50)]
    following = _link(first, "next")
    assert _query(following) == {"page": ["2"], "naam": ["leider"], "team": [str(team.id)]}
    second = _text(client.get(following))
    assert _rows(second, LEADER_ROW) == ["Leider 50", "Leider 51"] and _heading(second) == "52 van 53 teamleiders"
    archived = _text(client.get("/teams/teamleiders?archief=1&naam=leider"))
    assert _rows(archived, LEADER_ROW) == [] and '<input type="hidden" name="archief" value="1">' in archived


def test_a_team_leader_sees_the_leaders_of_their_own_teams_only(client, make, login, regions, leaders):
    own = regions["haag"][1]  # Haagse Hout: Bas de Groot
    other = regions["haag"][0]  # Özdemir's team
    login(make.user("team_leader", teams=[own]))
    html = _text(client.get("/teams/teamleiders"))
    assert _rows(html, LEADER_ROW) == ["Bas de Groot"] and _heading(html) == "1 teamleider"
    assert 'value="pool"' not in html and "Team Özdemir" not in html  # no pool, no other team to choose
    for asked in ("?naam=ozdemir", f"?team={other.id}", f"?team={other.id}&naam=oz", "?team=pool",
                  "?regio=Zwolle", "?naam=oz&page=2"):
        found = _rows(_text(client.get(f"/teams/teamleiders{asked}")), LEADER_ROW)
        assert set(found) <= {"Bas de Groot"}, asked
    assert _rows(_text(client.get(f"/teams/teamleiders?team={other.id}")), LEADER_ROW) == ["Bas de Groot"]


@pytest.mark.parametrize("url", ["/teams/", "/teams/teamleiders", "/kalender", "/teams/medewerkers",
                                 "/teams/afwezigheid", "/teams/afwezigheid?eerder=1"])
def test_a_page_number_in_other_digits_is_the_first_page_on_every_paged_list(client, make, login, leaders, url):
    """The lists share paging.page_number: "²" and "٣" pass str.isdigit(), and int("²") raised."""
    make.employee(make.team(name="Team Extra"))
    login(make.user("planner"))
    for digits in ("%C2%B2", "%D9%A3", "%EF%BC%92"):  # "²", Arabic-Indic three, a full-width two
        response = client.get(f"{url}{'&' if '?' in url else '?'}page={digits}")
        assert response.status_code == 200, (url, digits)
