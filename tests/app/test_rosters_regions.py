"""With more than 20 teams the all-teams roster shows every team's line, but one region's grids,
requests and short days at a time: a hundred grids are 10,000 cells, seconds in a browser."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from binnenwerk.rosters.routes import GRIDS_AT_ONCE

WEEK = "2026-W50"


@pytest.fixture
def two_regions(make):
    """Twelve teams in Groningen and eleven in Zwolle (23 in all), a request short in each."""
    wt = make.work_type("keyboards")
    teams = {region: [make.team(region, name=f"Team {region} {i:02d}") for i in range(1, count + 1)]
             for region, count in (("Zwolle", 11), ("Groningen", 12))}
    requests = {region: make.request(make.location(region, name=f"Kantoor {region}"), wt, headcount=2,
                                     start_date=dt.date(2026, 12, 7), end_date=dt.date(2026, 12, 7))
                for region in teams}
    return teams, requests


def grid_names(html: str) -> set[str]:
    return set(re.findall(r'<section class="team-week" aria-labelledby="team-\d+">\s*<h2 id="team-\d+">([^<]+?) <a', html))


def test_more_teams_than_fit_show_one_regions_grids_and_every_teams_line(client, login, make, two_regions):
    teams, requests = two_regions
    assert sum(len(t) for t in teams.values()) > GRIDS_AT_ONCE
    login(make.user("planner"))

    html = client.get(f"/rooster/?week={WEEK}").get_data(as_text=True)

    # The first region (by name) is shown; the overview still lists all 23 teams.
    assert grid_names(html) == {t.name for t in teams["Groningen"]}
    overview = html.split('id="overzicht-tabel"')[1].split("</table>")[0]
    assert all(t.name in overview for region in teams.values() for t in region)
    # A team of another region links to its region's page, at its grid; one of this region, to its grid.
    zwolle = teams["Zwolle"][0]
    assert f'href="/rooster/?week={WEEK}&amp;regio=Zwolle#team-{zwolle.id}"' in overview
    assert f'href="#team-{teams["Groningen"][0].id}"' in overview
    # The regions to choose from, with their teams and short days; the shown one is marked.
    nav = html.split('id="regio-kop"')[1].split("</nav>")[0]
    assert re.search(r'aria-current="page">Groningen</a>\s*<span class="muted">\(12 teams, '
                     r'<span class="tag-warn">1 tekort</span>\)', nav)
    assert re.search(r'regio=Zwolle">Zwolle</a>\s*<span class="muted">\(11 teams, ', nav)
    assert "regio=alle" in nav
    # Requests and short days are the region's too.
    assert "Kantoor Groningen" in html and "Kantoor Zwolle" not in html
    assert "Waar te weinig mensen staan, regio Groningen" in html
    # Printing from here prints the region's teams.
    assert f'href="/rooster/afdrukken?week={WEEK}&amp;regio=Groningen">Afdrukken: regio Groningen</a>' in html
    printed = client.get(f"/rooster/afdrukken?week={WEEK}&regio=Groningen").get_data(as_text=True)
    assert printed.count('<section class="print-team') == 12 and "Team Zwolle 01" not in printed
    # Another week keeps the region.
    assert f'href="/rooster/?week=2026-W51&amp;regio=Groningen"' in html


def test_another_region_or_all_of_them_can_be_chosen(client, login, make, two_regions):
    teams, _requests = two_regions
    login(make.user("planner"))

    zwolle = client.get(f"/rooster/?week={WEEK}&regio=Zwolle").get_data(as_text=True)
    assert grid_names(zwolle) == {t.name for t in teams["Zwolle"]}
    assert "Kantoor Zwolle" in zwolle and "Kantoor Groningen" not in zwolle
    assert 'name="regio" value="Zwolle"' in zwolle  # the week box keeps it too

    every = client.get(f"/rooster/?week={WEEK}&regio=alle").get_data(as_text=True)
    assert grid_names(every) == {t.name for region in teams.values() for t in region}
    assert "Kantoor Zwolle" in every and "Kantoor Groningen" in every
    assert "Je ziet de roosters van alle regio’s." in every

    lower = client.get(f"/rooster/?week={WEEK}&regio=zwolle").get_data(as_text=True)
    assert grid_names(lower) == {t.name for t in teams["Zwolle"]}  # as typed in lower case
    unknown = client.get(f"/rooster/?week={WEEK}&regio=Atlantis")
    assert unknown.status_code == 200
    page = unknown.get_data(as_text=True)
    assert "Er is geen regio &#39;Atlantis&#39; met teams. Je ziet regio Groningen." in page
    assert grid_names(page) == {t.name for t in teams["Groningen"]}


def test_few_teams_show_every_grid_without_regions(client, login, make):
    for region in ("Zwolle", "Groningen"):
        make.team(region, name=f"Team {region}")
    login(make.user("planner"))

    html = client.get(f"/rooster/?week={WEEK}").get_data(as_text=True)

    assert grid_names(html) == {"Team Zwolle", "Team Groningen"}
    assert 'id="regio-kop"' not in html and "regio=" not in html


def test_the_region_page_in_english(client, login, make, two_regions):
    login(make.user("planner"))
    client.post("/taal/en", data={"next": "/home"})

    html = client.get(f"/rooster/?week={WEEK}&regio=Zwolle").get_data(as_text=True)

    assert "Rosters by region" in html and "11 teams" in html and "1 shortage" in html
    assert 'Where there are too few people, region <span lang="nl">Zwolle</span>' in html

