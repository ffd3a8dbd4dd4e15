"""The team-leader page of a day's place leads back to that place's leader entry in the roster grid,
as a cell's page leads back to its cell: saving, Annuleren and the back link (WCAG 2.4.3)."""
from __future__ import annotations

import re

import pytest

from .test_rosters_flow import MON, WEEK, solve_via_page
from .test_rosters_leader_choice import choose, fast_solver, leader_at, url, world  # noqa: F401 (fixtures)

# Written when 2026-W50 was to come: the app's clock stays before its Monday's work.
pytestmark = pytest.mark.usefixtures("before_work_on_7_december")


def entry_id(world, day=MON) -> str:
    return f"cel-leider-{world.team.id}-{day.isoformat()}-{world.loc.id}"


def test_the_grid_gives_each_places_leader_entry_an_id_around_its_edit_link(client, login, world):
    login(world.planner)
    solve_via_page(client, world.team)
    grid = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    entry = re.search(rf'<span id="{entry_id(world)}">(.*?)</a></span>', grid, re.S)
    assert entry, "no leader entry with that id"
    assert '<a class="edit" href="/rooster/leider?' in entry.group(1)
    assert f"date={MON.isoformat()}&amp;location={world.loc.id}" in entry.group(1)


def test_cancel_and_back_on_the_leader_page_lead_to_that_leader_entry(client, login, world):
    login(world.tl)
    solve_via_page(client, world.team)
    html = client.get(url(world)).get_data(as_text=True)
    back = f"/rooster/?week={WEEK}&amp;team={world.team.id}#{entry_id(world)}"
    assert f'<a class="button" href="{back}">Annuleren</a>' in html
    assert f'<p><a href="{back}">← Terug naar het rooster van Team A</a></p>' in html


def test_saving_a_leader_leads_back_to_that_leader_entry(client, login, world):
    login(world.planner)
    solve_via_page(client, world.team)

    response = choose(client, world, world.pool)

    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    assert leader_at(world.team, MON, world.loc) == world.pool.id
    assert response.headers["Location"].endswith(f"/rooster/?week={WEEK}&team={world.team.id}#{entry_id(world)}")


def test_the_way_back_from_a_regions_page_keeps_the_region_and_the_leader_entry(client, login, world):
    login(world.planner)
    solve_via_page(client, world.team)
    html = client.get(url(world) + "&regio=Den Haag").get_data(as_text=True)
    assert re.search(rf'<a class="button" href="/rooster/\?week={WEEK}[^"]*#{entry_id(world)}">Annuleren</a>', html)
