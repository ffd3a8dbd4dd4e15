"""Moving an employee to another team while they still have shifts in the old team's rosters.

The form has no date: a move takes effect at once. Someone told to come this week in the old
team is not moved mid-week (refused, nothing changed, the message says from which Monday it can,
or what to do first). Shifts in later weeks stay in the old team's rosters: the save says how
many, in which weeks, that those rosters need a repair and a publication, and that the person
still comes for the shifts already told until then.
"""
from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, Employee, PublishedShift, Roster
from binnenwerk.services import feeds
from binnenwerk.services import rosters as roster_service

from .edit_forms import post_edit
from .test_teams_employees import employee_form

WED = dt.date(2026, 12, 9)  # today, week 50
THU = dt.date(2026, 12, 10)  # week 50, to come
MON_51 = dt.date(2026, 12, 14)
THU_51 = dt.date(2026, 12, 17)
MON_52 = dt.date(2026, 12, 21)


@pytest.fixture
def world(make, login, monkeypatch):
    """Sanne in Team Oud; Team Nieuw with room; a request on Mondays and Thursdays."""
    monkeypatch.setattr(feeds, "local_today", lambda: WED)
    wt = make.work_type(name_nl="Toetsenborden reinigen")
    place = make.location("Den Haag", name="Rijnstraat 8")
    old = make.team("Den Haag", name="Team Oud")
    new = make.team("Den Haag", name="Team Nieuw")
    sanne = make.employee(old, work_types=[wt], first_name="Sanne", last_name="de Vries")
    request = make.request(place, wt, weekdays="14", headcount=1, start_date=dt.date(2026, 12, 7),
                           end_date=dt.date(2026, 12, 31))
    login(make.user("planner"))
    return type("World", (), dict(make=make, wt=wt, place=place, old=old, new=new, sanne=sanne, request=request))


def roster(world, week: str, *, published: bool, days=(), told=()) -> Roster:
    """The old team's roster of `week` with Sanne on `days`; `told` of them published to her."""
    found = Roster(week=week, team=world.old, version=1 if published else 0,
                   published_at=dt.datetime(2026, 12, 4, 12) if published else None)
    db.session.add(found)
    db.session.flush()
    for day in days:
        db.session.add(Assignment(roster_id=found.id, employee_id=world.sanne.id, date=day,
                                  request_id=world.request.id))
    for day in told:
        world.make.published_shift(employee=world.sanne, date=day, location=world.place, work_type=world.wt,
                                   request=world.request)
    db.session.commit()
    return found


def move(client, world, **kwargs):
    fields = {"first_name": "Sanne", "last_name": "de Vries", "contract_start": "2025-01-01", **kwargs}
    return post_edit(client, f"/teams/medewerkers/{world.sanne.id}/wijzigen",
                     employee_form(world.new, [world.wt], **fields), follow_redirects=True)


def flashes(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()
            for text in re.findall(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', html, flags=re.S)]


def team_of(world) -> int:
    db.session.expire_all()
    return db.session.get(Employee, world.sanne.id).team_id


# --- told to come this week: refused -----------------------------------------------------------


def test_a_move_is_refused_while_told_shifts_stand_this_week(client, world):
    roster(world, "2026-W50", published=True, days=(THU,), told=(THU,))
    response = move(client, world)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert ("Sanne de Vries heeft deze week nog 1 dienst bij Team Oud (donderdag 10 december) en weet dat al. "
            "Verander het team daarom pas op maandag 14 december of later. Moet het eerder? Haal Sanne de Vries "
            "dan eerst uit het rooster van deze week en publiceer het opnieuw.") in html
    assert team_of(world) == world.old.id


def test_once_this_weeks_shift_is_called_off_the_move_goes_ahead(client, world):
    """The way out the refusal names: out of this week's roster, published (the shift is called
    off), then the move is saved."""
    roster(world, "2026-W50", published=True, days=(), told=(THU,))
    shift = db.session.scalars(select(PublishedShift)).one()
    shift.cancelled = True
    db.session.commit()
    response = move(client, world)
    assert response.status_code == 200 and team_of(world) == world.new.id
    assert "De gegevens van Sanne de Vries zijn opgeslagen." in flashes(response.get_data(as_text=True))


def test_a_told_shift_gone_by_this_week_does_not_stop_the_move(client, world):
    roster(world, "2026-W50", published=True, days=(dt.date(2026, 12, 7),), told=(dt.date(2026, 12, 7),))
    html = move(client, world).get_data(as_text=True)
    assert team_of(world) == world.new.id
    assert not any("dienst" in text for text in flashes(html))  # Monday has gone by: nothing stands


# --- later weeks: the planner is asked first; once confirmed, saved, and the save says what stands --


def test_a_move_that_leaves_shifts_in_later_weeks_asks_first_and_changes_nothing(client, world):
    roster(world, "2026-W51", published=True, days=(MON_51, THU_51), told=(MON_51, THU_51))
    roster(world, "2026-W52", published=False, days=(MON_52,))
    response = move(client, world, first_name="Sanna")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert team_of(world) == world.old.id
    assert db.session.get(Employee, world.sanne.id).first_name == "Sanne"  # nothing else saved either
    text = re.sub(r"\s+", " ", unescape(html))
    assert ("Sanne de Vries staat nog in 3 diensten in week 51 en 52 van Team Oud. Die diensten blijven staan "
            "tot je die roosters repareert en opnieuw publiceert. 2 van die diensten zijn al aan Sanne de Vries "
            "doorgegeven. Tot je opnieuw publiceert, komt Sanne de Vries daarvoor gewoon werken. Wil je Sanne de "
            "Vries toch nu verplaatsen? Vink dan hieronder 'Toch verplaatsen' aan en sla opnieuw op.") in text
    # The question is the team field's error (announced, tied to the field), the box is offered.
    assert 'id="team_id-error"' in html and 'name="confirm_move"' in html
    assert "Toch verplaatsen. Ik repareer de roosters van het oude team daarna." in html
    assert 'value="Sanna"' in html  # what was typed is kept for the second save


def test_the_box_for_one_roster_says_that_roster_not_the_rosters(client, world):
    """The box read 'Ik repareer de roosters' also when the question named one roster (a QA finding)."""
    roster(world, "2026-W51", published=True, days=(MON_51, THU_51), told=(MON_51,))
    response = move(client, world)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and team_of(world) == world.old.id
    assert "tot je dat rooster repareert en opnieuw publiceert" in html
    assert "Toch verplaatsen. Ik repareer het rooster van het oude team daarna." in html
    assert "Ik repareer de roosters" not in html


def test_the_box_is_only_offered_when_a_move_leaves_shifts_behind(client, world):
    html = client.get(f"/teams/medewerkers/{world.sanne.id}/wijzigen").get_data(as_text=True)
    assert 'name="confirm_move"' not in html


def test_the_save_names_the_shifts_left_in_the_old_teams_rosters_and_that_told_ones_still_stand(client, world):
    roster(world, "2026-W51", published=True, days=(MON_51, THU_51), told=(MON_51, THU_51))
    roster(world, "2026-W52", published=False, days=(MON_52,))
    html = move(client, world, confirm_move="y").get_data(as_text=True)
    assert team_of(world) == world.new.id
    said = flashes(html)
    assert "De gegevens van Sanne de Vries zijn opgeslagen." in said
    assert ("Sanne de Vries staat nog in 3 diensten in week 51 en 52 van Team Oud. "
            "Repareer die roosters van het oude team en publiceer ze opnieuw, zodat Sanne de Vries het ook hoort. "
            "2 van die diensten zijn al aan Sanne de Vries doorgegeven. Tot je opnieuw publiceert, komt "
            "Sanne de Vries daarvoor gewoon werken.") in said


def test_planned_shifts_that_were_never_told_need_a_repair_but_nobody_comes_for_them(client, world):
    roster(world, "2026-W50", published=False, days=(THU,))
    said = flashes(move(client, world, confirm_move="y").get_data(as_text=True))
    assert team_of(world) == world.new.id
    # Never published: change it before publishing (not "publish it again").
    assert ("Sanne de Vries staat nog in 1 dienst in week 50 van Team Oud. Pas dat "
            "rooster van het oude team aan voordat je het publiceert.") in said
    assert not any("doorgegeven" in text for text in said)


def test_one_told_shift_left_behind_is_that_shift_not_one_of_them(client, world):
    """'staat nog in 1 dienst ... 1 van die diensten is al doorgegeven' read oddly (a QA finding)."""
    roster(world, "2026-W51", published=True, days=(MON_51,), told=(MON_51,))
    said = flashes(move(client, world, confirm_move="y").get_data(as_text=True))
    assert team_of(world) == world.new.id
    assert any("Die dienst is al aan Sanne de Vries doorgegeven. Tot je opnieuw publiceert, komt Sanne de Vries "
               "daarvoor gewoon werken." in text for text in said), said
    assert not any("1 van die diensten" in text for text in said)


def test_a_move_without_shifts_left_behind_says_only_that_it_was_saved(client, world):
    said = flashes(move(client, world).get_data(as_text=True))
    assert team_of(world) == world.new.id
    assert said == ["De gegevens van Sanne de Vries zijn opgeslagen."]


def test_an_edit_that_keeps_the_team_says_nothing_about_shifts(client, world):
    roster(world, "2026-W51", published=True, days=(MON_51,), told=(MON_51,))
    response = post_edit(client, f"/teams/medewerkers/{world.sanne.id}/wijzigen",
                         employee_form(world.old, [world.wt], first_name="Sanne", last_name="de Vries",
                                       contract_start="2025-01-01", phone="06-99998888"), follow_redirects=True)
    said = flashes(response.get_data(as_text=True))
    assert said == ["De gegevens van Sanne de Vries zijn opgeslagen."]


def test_a_team_change_reaches_the_rosters_hook_by_its_field_name(client, world, monkeypatch):
    """services.rosters flags the old team's shifts from the changed field names: the move must
    be named team_id there (as in the audit row)."""
    seen = []
    monkeypatch.setattr(roster_service, "mark_unworkable_shifts", lambda employee, changed, user=None: seen.append(
        list(changed)) or [])
    move(client, world)
    assert seen and "team_id" in seen[0]
