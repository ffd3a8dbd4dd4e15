"""The roster grid's request table after a ministry changed a request once today's shift began.

Same week as test_request_begun_today_qa18: 4 people of Team A published for Monday to Wednesday
of week 2026-W50 on a request of 4 at Rijnstraat 8, 09:00-15:00. A change at 21:40 on Monday keeps
Monday as asked then (request_history.begun_today): the planner's grid counts Monday against the 4
asked then, as the ministry's pages do, and the days to come against the number asked now. The
same change at 08:00, before the shift began, applies to Monday too.
"""
from __future__ import annotations

import re

from .test_request_begun_today_qa18 import MON, WEEK, at, edit, world  # noqa: F401 (fixture)


def grid_cells(client, team_id: int) -> list[str]:
    """The request table's cells of the grid's week (Monday to Friday), as text."""
    html = client.get(f"/rooster/?week={WEEK}&team={team_id}").get_data(as_text=True)
    table = html.split('id="aanvragen-tabel"')[1].split("</table>")[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table.split("<tbody>")[1], flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]


def shortfall_panel(client, team_id: int) -> str:
    html = client.get(f"/rooster/?week={WEEK}&team={team_id}").get_data(as_text=True)
    return " ".join(re.sub(r"<[^>]+>", " ", html.split('class="shortfall-panel"')[1].split("</section>")[0]).split())


def changed_at(client, login, world, make, monkeypatch, hour: int, minute: int, **changes) -> None:
    """The contact changes the request on Monday at hour:minute; at 21:40 a planner looks."""
    at(monkeypatch, MON, hour, minute)
    login(world.contact)
    edit(client, world, **changes)
    client.post("/auth/logout")
    at(monkeypatch, MON, 21, 40)
    login(make.user("planner"))


def test_more_people_asked_after_todays_shift_began_leave_today_full_on_the_grid(client, login, world, make,
                                                                              monkeypatch):
    changed_at(client, login, world, make, monkeypatch, 21, 40, headcount="8")

    cells = grid_cells(client, world.team.id)
    assert cells[0] == "4 van 4"  # Monday, as asked then
    assert cells[1].startswith("4 van 8") and "tekort" in cells[1]  # Tuesday asks the 8 now
    assert "7 dec" not in shortfall_panel(client, world.team.id)


def test_fewer_people_asked_after_todays_shift_began_are_not_more_than_asked_today(client, login, world, make,
                                                                                 monkeypatch):
    changed_at(client, login, world, make, monkeypatch, 21, 40, headcount="2")

    cells = grid_cells(client, world.team.id)
    assert cells[0] == "4 van 4"
    assert "meer dan gevraagd" in cells[1]


def test_a_change_before_todays_shift_began_counts_for_today(client, login, world, make, monkeypatch):
    changed_at(client, login, world, make, monkeypatch, 8, 0, headcount="8")

    cells = grid_cells(client, world.team.id)
    assert cells[0].startswith("4 van 8") and "tekort" in cells[0]
