"""The all-teams roster page starts with one line per team: status, shifts, what needs attention."""
from __future__ import annotations

import datetime as dt

import pytest
import re

from binnenwerk.extensions import db
from binnenwerk.models import Absence, Assignment, Roster, SupervisionAssignment

# Written when 2026-W50 was to come: the app's clock stays before its Monday's work.
pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

WEEK = "2026-W50"
MON = dt.date(2026, 12, 7)
TUE = MON + dt.timedelta(days=1)


def overview_rows(html: str) -> dict[str, str]:
    table = html.split('id="overzicht-tabel"')[1].split("</table>")[0]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)[1:]:
        name = re.search(r'<a href="#team-\d+">([^<]+)</a>', row).group(1)
        rows[name] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
    return rows


def test_the_overview_names_each_teams_state_and_what_needs_attention(client, login, make):
    wt = make.work_type("keyboards")
    place = make.location("Den Haag", name="Rijnstraat 8")
    busy, quiet = make.team("Den Haag", name="Team Druk"), make.team("Den Haag", name="Team Stil")
    leader = make.supervisor(busy, work_types=[wt])
    anna, bram = (make.employee(busy, work_types=[wt], first_name=n) for n in ("Anna", "Bram"))
    request = make.request(place, wt, start_date=MON, headcount=3)
    roster = Roster(week=WEEK, team=busy)
    db.session.add(roster)
    db.session.flush()
    for person, day in ((anna, MON), (bram, MON), (anna, TUE)):
        db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=day, request_id=request.id))
    for day in (MON, TUE):
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=leader.id, date=day,
                                             location_id=place.id, team_id=busy.id))
    db.session.add_all([Absence(employee_id=anna.id, kind="ziek", start_date=MON, end_date=TUE),
                        Absence(supervisor_id=leader.id, kind="verlof", start_date=TUE, end_date=TUE)])
    db.session.commit()
    login(make.user("planner"))

    html = client.get(f"/rooster/?week={WEEK}").get_data(as_text=True)
    rows = overview_rows(html)

    assert rows["Team Druk"] == ("Team Druk Den Haag concept 3 2 diensten samen met een afwezigheid; "
                                 "teamleider afwezig op di 8 dec")
    assert rows["Team Stil"] == "Team Stil Den Haag nog geen rooster 0 –"
    assert "ziek" not in str(rows) and "verlof" not in str(rows)  # never why
    # The grid's team leader row marks the day the leader is away, as employee cells are marked.
    leader_row = html.split(f'id="team-{busy.id}"')[1].split('<th scope="row">Teamleider</th>')[1].split("</tr>")[0]
    marked = ["let op: afwezig" in cell for cell in re.findall(r"<td>(.*?)</td>", leader_row, flags=re.S)]
    assert marked == [False, True, False, False, False, False]  # Mon-Fri, then the hours column
    # Each row ends with the hours planned this week and the contract's hours a week.
    anna_row = re.search(r"<tr>\s*<th scope=\"row\">[^<]*Anna[^<]*</th>(.*?)</tr>", html.split(f'id="team-{busy.id}"')[1], re.S).group(1)
    # 25.5 hours a week, less the two of five days she is ill: 15.3. Her two shifts of 5.5 hours
    # fall on those days, still to come: they bring no hours (counted, they read as more than a
    # contract the illness lowered); the cells say "let op: afwezig".
    assert '<td class="hours">0 (15,3)</td>' in anna_row


def test_one_team_shows_no_overview(client, login, make):
    team = make.team("Den Haag", name="Team Alleen")
    login(make.user("team_leader", teams=[team]))
    html = client.get(f"/rooster/?week={WEEK}").get_data(as_text=True)
    assert "Team Alleen" in html and 'id="overzicht-tabel"' not in html


def test_the_grid_names_public_holidays_in_its_day_headers(client, login, make):
    team = make.team("Den Haag", name="Team Kerst")
    make.employee(team)
    login(make.user("team_leader", teams=[team]))
    html = client.get(f"/rooster/?week=2026-W52&team={team.id}").get_data(as_text=True)
    head = html.split('class="table roster-grid"')[1].split("</thead>")[0]
    assert re.search(r"vr 25 dec<br><span class=\"holiday\">Eerste kerstdag</span>", head), head
    assert head.count('class="holiday"') == 1  # Boxing Day is a Saturday: not shown without work


def test_a_public_holiday_is_no_request_day_and_never_short(client, login, make):
    """A weekday request over Christmas asks nobody on the 25th: the table shows no cell to fill,
    the shortfall list leaves the day out, and the week's Problem has no demand on it."""
    from binnenwerk import planning

    wt = make.work_type("keyboards")
    team = make.team("Den Haag", name="Team Kerst")
    make.employee(team, work_types=[wt])
    make.request(make.location("Den Haag", name="Rijnstraat 8"), wt, start_date=dt.date(2026, 12, 21),
                 end_date=dt.date(2026, 12, 31), weekdays="12345", headcount=4)
    db.session.commit()
    login(make.user("team_leader", teams=[team]))
    html = client.get(f"/rooster/?week=2026-W52&team={team.id}").get_data(as_text=True)
    table = html.split('id="aanvragen-tabel"')[1].split("</table>")[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table.split("<tbody>")[1], flags=re.S)
    assert len(cells) == 5
    assert [("0 van 4" in c) for c in cells] == [True, True, True, True, False]  # Mon-Thu asked, Fri 25 Dec not
    panel = html.split('class="shortfall-panel"')[1]
    assert "25 dec" not in panel and "24 dec" in panel

    problem, _ids = planning.build_problem("2026-W52")
    asked = {day for request in problem.requests for day in request.days}
    assert dt.date(2026, 12, 25) not in asked and dt.date(2026, 12, 24) in asked


def test_the_printed_grid_scrolls_by_keyboard(client, login, make):
    """Without edit links nothing in the printed grid takes focus: its scroll box does (WCAG 2.1.1)."""
    team = make.team("Den Haag", name="Team Print")
    make.employee(team)
    login(make.user("team_leader", teams=[team]))
    printed = client.get(f"/rooster/afdrukken?week={WEEK}&team={team.id}").get_data(as_text=True)
    assert f'<div class="table-scroll" tabindex="0" role="region" aria-labelledby="grid-{team.id}">' in printed
    assert f'<caption id="grid-{team.id}">' in printed
    editable = client.get(f"/rooster/?week={WEEK}&team={team.id}").get_data(as_text=True)
    assert 'aria-labelledby="grid-' not in editable  # its cells' links take focus: no extra tab stop


def test_a_week_that_is_over_says_so_before_anything_is_changed(client, login, make, monkeypatch):
    """Planning or publishing a past week is allowed (what really happened counts in the reports),
    but never by mistake: the page says the week is over."""
    import binnenwerk.rosters.routes as routes

    make.team("Zwolle", name="Team Zwolle")
    login(make.user("planner"))
    monkeypatch.setattr(routes, "local_today", lambda: dt.date(2026, 12, 14))  # Monday of week 51
    past = client.get("/rooster/?week=2026-W50").get_data(as_text=True)
    assert "Week 2026-W50 is voorbij." in past
    now = client.get("/rooster/?week=2026-W51").get_data(as_text=True)
    assert "is voorbij" not in now
