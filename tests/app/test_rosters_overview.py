"""The all-teams roster page starts with one line per team: status, shifts, what needs attention."""
from __future__ import annotations

import datetime as dt
import re

from binnenwerk.extensions import db
from binnenwerk.models import Absence, Assignment, Roster, SupervisionAssignment

WEEK = "2026-W50"
MON = dt.date(2026, 12, 7)
TUE = MON + dt.timedelta(days=1)


def overview_rows(html: str) -> dict[str, str]:
    table = html.split('id="overzicht-tabel"')[1].split("</table>")[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]:
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

    rows = overview_rows(client.get(f"/rooster/?week={WEEK}").get_data(as_text=True))

    assert rows["Team Druk"] == ("Team Druk Den Haag concept 3 2 diensten samen met een afwezigheid; "
                                 "teamleider afwezig op di 8 dec")
    assert rows["Team Stil"] == "Team Stil Den Haag nog geen rooster 0 –"
    assert "ziek" not in str(rows) and "verlof" not in str(rows)  # never why


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
