"""Accessibility pass over the roster grid (WCAG 2.1 AA): a refused week says "Fout:" in the title,
the all-teams view has links past its overview, and a cell opened from a region's page or the
all-teams view leads back there. (The message beside a saved cell, and a focused link kept clear of
the grid's edges, are the browser's: tests/browser/test_roster_grid_a11y_browser.py.)"""
from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, Roster

WEEK = "2026-W50"
MON = dt.date(2026, 12, 7)
TUE = dt.date(2026, 12, 8)


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def hrefs(html: str, text: str) -> list[str]:
    """The addresses of the links whose text starts with `text`."""
    return [unescape(href) for href, said in re.findall(r'<a[^>]* href="([^"]*)"[^>]*>([^<]*)', html)
            if said.strip().lstrip("← ").startswith(text)]


@pytest.fixture
def two_regions(make):
    """Twelve teams in Groningen and eleven in Zwolle: more than fit (rosters.routes.GRIDS_AT_ONCE),
    so the all-teams view shows one region's grids. The first Groningen team has Anna."""
    wt = make.work_type("keyboards")
    teams = {region: [make.team(region, name=f"Team {region} {i:02d}") for i in range(1, count + 1)]
             for region, count in (("Zwolle", 11), ("Groningen", 12))}
    anna = make.employee(teams["Groningen"][0], work_types=[wt], first_name="Anna")
    db.session.commit()
    return teams, anna


# --- 4. "Fout:" in the title when a typed week is refused ----------------------------------------


@pytest.mark.parametrize("address", [
    "/rooster/?week=abc", "/rooster/afdrukken?week=abc", "/rapportages/capaciteit?week=abc",
    "/rooster/?week=2027-W53",
])
def test_a_typed_week_that_is_no_week_puts_fout_in_the_title(client, login, make, address):
    make.team("Den Haag")
    login(make.user("planner"))

    refused = client.get(address)
    fine = client.get(address.split("?")[0] + "?week=2026-W50")

    assert refused.status_code == 200
    assert "geen week die we kennen" in refused.get_data(as_text=True)
    assert title(refused.get_data(as_text=True)).startswith("Fout: ")
    assert "Fout:" not in title(fine.get_data(as_text=True))


def test_week_sheets_and_a_ministrys_planning_say_fout_for_a_week_that_is_no_week(client, login, make):
    team = make.team("Den Haag")
    login(make.user("planner"))
    sheets = client.get(f"/rooster/weekbriefjes?week=abc&team={team.id}").get_data(as_text=True)
    assert title(sheets).startswith("Fout: ")
    client.post("/auth/logout")

    login(make.user("ministry_contact"))
    plan = client.get("/aanvragen/planning?week=abc").get_data(as_text=True)
    assert "geen week die we kennen" in plan and title(plan).startswith("Fout: ")
    assert "Fout:" not in title(client.get("/aanvragen/planning?week=50").get_data(as_text=True))


# --- 8. links past the overview ------------------------------------------------------------------


def test_the_all_teams_view_links_past_the_overview_to_the_grids_and_the_regions(client, login, make, two_regions):
    teams, _anna = two_regions
    login(make.user("planner"))

    html = client.get(f"/rooster/?week={WEEK}&regio=Zwolle").get_data(as_text=True)

    jumps = html.split('<nav class="page-jumps"')[1].split("</nav>")[0]
    first = teams["Zwolle"][0]
    assert f'<a href="#team-{first.id}">Naar de roosters van regio Zwolle</a>' in jumps
    assert '<a href="#regio-kop">Naar de lijst met regio’s</a>' in jumps
    # Before the hundred overview links and the region links, and each target is on the page.
    assert html.index('class="page-jumps"') < html.index('id="overzicht-kop"') < html.index('id="regio-kop"')
    assert f'<h2 id="team-{first.id}">' in html
    # Every region at once: the first grid of all.
    every = client.get(f"/rooster/?week={WEEK}&regio=alle").get_data(as_text=True)
    assert f'<a href="#team-{teams["Groningen"][0].id}">Naar de roosters</a>' in every


def test_each_grid_below_the_overview_links_back_to_its_team_s_line(client, login, make, two_regions):
    """A hundred grids down, the only way back to the overview was the browser's Back (a known gap)."""
    teams, _anna = two_regions
    login(make.user("planner"))

    html = client.get(f"/rooster/?week={WEEK}&regio=alle").get_data(as_text=True)

    for team in (team for region in teams.values() for team in region):
        assert f'<tr id="overzicht-team-{team.id}">' in html
        back = (f'<a href="#overzicht-team-{team.id}">Terug naar het overzicht per team'
                f'<span class="visually-hidden"> ({team.name})</span></a>')
        # Below the team's own grid, before the next team's (or the requests' table after the last).
        heading = html.index(f'<h2 id="team-{team.id}">')
        following = html.find('<h2 id="team-', heading + 1)
        assert heading < html.index(back) < (following if following != -1 else html.index('id="aanvragen-kop"'))
    one = next(iter(teams.values()))[0]
    assert "overzicht-team-" not in client.get(f"/rooster/?week={WEEK}&team={one.id}").get_data(as_text=True)


def test_few_teams_link_to_the_grids_only_and_one_teams_page_has_no_such_links(client, login, make):
    one, two = make.team("Den Haag", name="Team A"), make.team("Utrecht", name="Team B")
    login(make.user("planner"))

    html = client.get(f"/rooster/?week={WEEK}").get_data(as_text=True)
    jumps = html.split('<nav class="page-jumps"')[1].split("</nav>")[0]
    assert f'<a href="#team-{one.id}">Naar de roosters</a>' in jumps and "regio-kop" not in jumps
    assert 'class="page-jumps"' not in client.get(f"/rooster/?week={WEEK}&team={two.id}").get_data(as_text=True)


# --- 9. a cell opened from a region's page or all teams leads back there ------------------------


def cell_address(team, person, day=MON, **extra) -> str:
    query = "".join(f"&{key}={value}" for key, value in extra.items())
    return f"/rooster/cel?week={WEEK}&team={team.id}&employee={person.id}&date={day.isoformat()}{query}"


def save(client, team, person, day=MON, **extra):
    """The cell's form sent as it is (a free day stays free: 'Er was niets veranderd')."""
    return client.post("/rooster/cel", data={"week": WEEK, "team": team.id, "employee": person.id,
                                             "date": day.isoformat(), "request": "", "lock_version": 0, **extra})


def test_the_grid_of_a_region_or_all_teams_opens_cells_with_that_view(client, login, make, two_regions):
    teams, anna = two_regions
    team = teams["Groningen"][0]
    login(make.user("planner"))

    region = client.get(f"/rooster/?week={WEEK}&regio=Groningen").get_data(as_text=True)
    every = client.get(f"/rooster/?week={WEEK}&regio=alle").get_data(as_text=True)
    own = client.get(f"/rooster/?week={WEEK}&team={team.id}").get_data(as_text=True)

    wijzig = f"/rooster/cel?week={WEEK}&regio={{}}&team={team.id}&employee={anna.id}&date={MON.isoformat()}"
    assert wijzig.format("Groningen") in hrefs(region, "Wijzig")
    assert wijzig.format("alle") in hrefs(every, "Wijzig")
    assert f"/rooster/cel?week={WEEK}&team={team.id}&employee={anna.id}&date={MON.isoformat()}" in hrefs(own, "Wijzig")


def test_a_cell_opened_from_a_regions_page_goes_back_there(client, login, make, two_regions):
    teams, anna = two_regions
    team = teams["Groningen"][0]
    login(make.user("planner"))
    region_page = f"/rooster/?week={WEEK}&regio=Groningen"

    page = client.get(cell_address(team, anna, regio="Groningen")).get_data(as_text=True)
    cell = f"#cel-{anna.id}-{MON.isoformat()}"  # back to the cell, as a save goes
    assert hrefs(page, "Terug naar de roosters van regio Groningen") == [region_page + cell]
    assert hrefs(page, "Annuleren") == [region_page + cell]
    assert '<input type="hidden" name="regio" value="Groningen">' in page

    saved = save(client, team, anna, regio="Groningen")
    assert saved.status_code == 302
    assert saved.headers["Location"] == f"{region_page}#cel-{anna.id}-{MON.isoformat()}"
    # Typed in another case, as the region page reads it.
    assert save(client, team, anna, regio="groningen").headers["Location"].startswith(region_page + "#")


def test_a_saved_shift_goes_back_to_the_regions_page_and_so_does_a_refused_one(client, login, make, two_regions):
    teams, anna = two_regions
    team = teams["Groningen"][0]
    wt = anna.work_types[0]
    make.supervisor(team, work_types=[wt])
    asked = make.request(make.location("Groningen", name="Kantoor Groningen"), wt, headcount=1,
                         start_date=MON, end_date=TUE)
    db.session.commit()
    login(make.user("planner"))

    saved = save(client, team, anna, regio="Groningen", request=str(asked.id), pinned="y")
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    assert saved.headers["Location"] == f"/rooster/?week={WEEK}&regio=Groningen#cel-{anna.id}-{MON.isoformat()}"
    db.session.expire_all()
    assert db.session.query(Assignment).filter_by(employee_id=anna.id, date=MON).one().request_id == asked.id

    # Refused (a shift not in the list): the form again, still leading back to the region's page.
    refused = save(client, team, anna, day=TUE, regio="Groningen", request="abc")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Kies een dienst uit de lijst." in page
    assert '<input type="hidden" name="regio" value="Groningen">' in page
    assert hrefs(page, "Terug naar de roosters van regio Groningen") == [
        f"/rooster/?week={WEEK}&regio=Groningen#cel-{anna.id}-{TUE.isoformat()}"]


def test_a_cell_opened_from_all_teams_goes_back_to_all_teams(client, login, make, two_regions):
    teams, anna = two_regions
    team = teams["Groningen"][0]
    login(make.user("planner"))

    page = client.get(cell_address(team, anna, regio="alle")).get_data(as_text=True)
    assert hrefs(page, "Terug naar de roosters van alle teams") == [
        f"/rooster/?week={WEEK}&regio=alle#cel-{anna.id}-{MON.isoformat()}"]
    assert save(client, team, anna, regio="alle").headers["Location"] == \
        f"/rooster/?week={WEEK}&regio=alle#cel-{anna.id}-{MON.isoformat()}"


def test_with_few_teams_all_teams_is_the_plain_roster_address(client, login, make):
    team, _other = make.team("Den Haag"), make.team("Utrecht")
    anna = make.employee(team)
    login(make.user("planner"))

    html = client.get(f"/rooster/?week={WEEK}").get_data(as_text=True)
    assert f"/rooster/cel?week={WEEK}&regio=alle&team={team.id}&employee={anna.id}&date={MON.isoformat()}" \
        in hrefs(html, "Wijzig")
    page = client.get(cell_address(team, anna, regio="alle")).get_data(as_text=True)
    assert hrefs(page, "Terug naar de roosters van alle teams") == [f"/rooster/?week={WEEK}#cel-{anna.id}-{MON.isoformat()}"]
    assert save(client, team, anna, regio="alle").headers["Location"] == \
        f"/rooster/?week={WEEK}#cel-{anna.id}-{MON.isoformat()}"


@pytest.mark.parametrize("regio", ["Zwolle", "Atlantis", "x" * 300, ""])
def test_a_view_that_does_not_show_the_team_falls_back_to_the_teams_page(client, login, make, two_regions, regio):
    teams, anna = two_regions
    team = teams["Groningen"][0]
    login(make.user("planner"))
    team_page = f"/rooster/?week={WEEK}&team={team.id}"

    page = client.get(cell_address(team, anna, regio=regio)).get_data(as_text=True)
    assert hrefs(page, "Terug naar het rooster van Team Groningen 01") == [f"{team_page}#cel-{anna.id}-{MON.isoformat()}"]
    assert 'name="regio"' not in page
    assert save(client, team, anna, regio=regio).headers["Location"] == f"{team_page}#cel-{anna.id}-{MON.isoformat()}"


def test_a_team_leader_of_one_team_goes_back_to_the_teams_page(client, login, make, two_regions):
    teams, anna = two_regions
    team = teams["Groningen"][0]
    login(make.user("team_leader", teams=[team]))

    assert save(client, team, anna, regio="alle").headers["Location"] == \
        f"/rooster/?week={WEEK}&team={team.id}#cel-{anna.id}-{MON.isoformat()}"
    # Another team's region page is not theirs: still 404 for the other team's cell.
    other = teams["Zwolle"][0]
    stranger = make.employee(other)
    db.session.commit()
    assert client.get(cell_address(other, stranger, regio="Zwolle")).status_code == 404


def test_someone_now_in_another_team_has_one_cell_id_per_grid_and_the_save_lands_on_the_old_teams(
        client, login, make, two_regions):
    """Both grids on one page: the old team's row of someone moved since is marked with its team,
    so the page opens (and grid.js puts the focus) at the cell that was saved, not the other grid's."""
    teams, anna = two_regions
    old, new = teams["Groningen"][0], teams["Groningen"][1]
    asked = make.request(make.location("Groningen"), anna.work_types[0], start_date=MON, end_date=TUE)
    roster = Roster(week=WEEK, team=old)
    db.session.add(roster)
    db.session.flush()
    db.session.add(Assignment(roster_id=roster.id, employee_id=anna.id, date=MON, request_id=asked.id))
    anna.team = new
    db.session.commit()
    login(make.user("planner"))

    html = client.get(f"/rooster/?week={WEEK}&regio=Groningen").get_data(as_text=True)
    ids = re.findall(r'<td id="(cel-[^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert f"cel-{anna.id}-{MON.isoformat()}-team-{old.id}" in ids and f"cel-{anna.id}-{MON.isoformat()}" in ids

    freed = save(client, old, anna, regio="Groningen", lock_version=roster.lock_version)
    assert freed.status_code == 302, freed.get_data(as_text=True)[:2000]
    assert freed.headers["Location"].endswith(f"#cel-{anna.id}-{MON.isoformat()}-team-{old.id}")
