"""Markup of the fourteenth accessibility round: an error summary's link to a group of boxes lands on
the group, a roster cell's page leads back to the cell, and the repair's hint belongs to its field."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, Roster

from .test_teams_employees import employee_form

WEEK = "2026-W50"
MON = dt.date(2026, 12, 7)

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")


def _html(response) -> str:
    return response.get_data(as_text=True)


def _tag(html: str, name: str, attribute: str) -> str:
    """The one opening tag `name` that has `attribute` (as written, e.g. 'id="day"')."""
    found = [tag for tag in re.findall(rf"<{name}\b[^>]*>", html) if f" {attribute}" in tag]
    assert len(found) == 1, found
    return found[0]


def _described_by(tag: str) -> list[str]:
    found = re.search(r'aria-describedby="([^"]*)"', tag)
    return found.group(1).split() if found else []


@pytest.fixture
def team(make):
    return make.team("Den Haag", name="Team A")


# --- an error summary's link to a group of boxes lands on the group ------------------------------


def test_a_group_of_boxes_takes_the_focus_and_names_its_error(client, login, make):
    login(make.user("ministry_contact"))
    db.session.commit()
    fieldset = _tag(_html(client.get("/aanvragen/nieuw")), "fieldset", 'id="weekdays"')
    assert 'tabindex="-1"' in fieldset

    refused = _html(client.post("/aanvragen/nieuw", data={"weekdays": []}))
    assert '<a href="#weekdays">' in refused
    fieldset = _tag(refused, "fieldset", 'id="weekdays"')
    assert 'tabindex="-1"' in fieldset
    assert "weekdays-error" in _described_by(fieldset)
    assert 'id="weekdays-error"' in refused


def test_the_week_of_availability_takes_the_focus_with_its_hint_and_error(client, login, make, team):
    keyboards = make.work_type()
    login(make.user("planner"))
    db.session.commit()
    fieldset = _tag(_html(client.get("/teams/medewerkers/nieuw")), "fieldset", 'class="availability"')
    assert 'tabindex="-1"' in fieldset
    assert _described_by(fieldset) == ["availability-hint"]

    refused = _html(client.post("/teams/medewerkers/nieuw", data=employee_form(team, [], days=())))
    assert '<a href="#availability">' in refused and '<a href="#work_type_ids">' in refused
    fieldset = _tag(refused, "fieldset", 'class="availability"')
    assert 'tabindex="-1"' in fieldset
    assert _described_by(fieldset) == ["availability-hint", "availability-error"]
    assert 'id="availability-hint"' in refused and 'id="availability-error"' in refused
    assert 'tabindex="-1"' in _tag(refused, "fieldset", 'id="work_type_ids"')

    # A day's time wrong, the week as a whole fine: the week names no error that is not there.
    refused = _html(client.post("/teams/medewerkers/nieuw", data=employee_form(team, [keyboards], end="25:00")))
    fieldset = _tag(refused, "fieldset", 'class="availability"')
    assert _described_by(fieldset) == ["availability-hint"]
    assert 'id="availability-error"' not in refused


# --- a roster cell's page leads back to the cell ------------------------------------------------


def test_cancel_and_back_on_a_cells_page_lead_to_that_cell(client, login, make, team):
    anna = make.employee(team, first_name="Anna", last_name="Test")
    login(make.user("team_leader", teams=[team]))
    db.session.commit()
    html = _html(client.get(f"/rooster/cel?week={WEEK}&team={team.id}&employee={anna.id}&date={MON}"))
    cell = f"/rooster/?week={WEEK}&amp;team={team.id}#cel-{anna.id}-{MON.isoformat()}"
    assert f'<a class="button" href="{cell}">Annuleren</a>' in html
    assert f'<p><a href="{cell}">← Terug naar het rooster van Team A</a></p>' in html


def test_a_cell_of_someone_now_in_another_team_leads_back_to_this_teams_row(client, login, make, team):
    """Their row is in both teams' grids: this grid's cell says its team (rosters/_grid.html)."""
    anna = make.employee(team, first_name="Anna", last_name="Test")
    login(make.user("planner"))
    db.session.commit()
    other = make.team("Den Haag", name="Team B")
    # A shift still in the old team's roster: the cell can only be freed, but its page opens.
    req = make.request(make.location("Den Haag"), make.work_type(), start_date=MON, end_date=MON)
    roster = Roster(week=WEEK, team_id=team.id)
    db.session.add(roster)
    db.session.flush()
    db.session.add(Assignment(roster_id=roster.id, employee_id=anna.id, date=MON, request_id=req.id))
    anna.team = other
    db.session.commit()
    html = _html(client.get(f"/rooster/cel?week={WEEK}&team={team.id}&employee={anna.id}&date={MON}"))
    assert f'#cel-{anna.id}-{MON.isoformat()}-team-{team.id}">Annuleren</a>' in html


# --- the repair's hint belongs to its field -------------------------------------------------------


def test_the_repairs_hint_describes_its_day_field(client, login, make, team):
    make.employee(team)
    db.session.add(Roster(week=WEEK, team_id=team.id, version=1, status="published"))
    login(make.user("team_leader", teams=[team]))
    db.session.commit()
    html = _html(client.get(f"/rooster/?week={WEEK}&team={team.id}"))
    select = _tag(html, "select", 'id="day"')
    assert _described_by(select) == ["repair-hint"]
    assert re.search(r'<span class="hint" id="repair-hint">Bijvoorbeeld als iemand ziek is\. Dagen ervoor blijven '
                     r'zoals ze zijn', html)
