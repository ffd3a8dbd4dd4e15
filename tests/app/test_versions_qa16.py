"""QA round 16, "a week in the life": versions that tell nothing, marks that say nothing changed.

A ministry's change put back leaves the roster as told; a publication that would only hold
shifts back makes no empty version and keeps reminding; the ministry's plan of a day already
begun says nothing is pending."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, Roster, RosterChange
from binnenwerk.services import feeds
from binnenwerk.services import rosters as service

WEEK = "2026-W50"
MON, TUE, WED = dt.date(2026, 12, 7), dt.date(2026, 12, 8), dt.date(2026, 12, 9)

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")


@pytest.fixture
def world(make):
    """Team A in Den Haag, two people (08:00-17:00), both on one request 09:00-15:00 Mon-Wed of
    week 50, published as version 1."""
    wt = make.work_type("keyboards")
    loc = make.location("Den Haag", name="Rijnstraat 8")
    team = make.team("Den Haag", name="Team A")
    leader = make.supervisor(team, work_types=[wt])
    people = [make.employee(team, work_types=[wt], first_name=n, last_name="Test") for n in ("Anna", "Bram")]
    req = make.request(loc, wt, weekdays="123", headcount=2, start_date=MON, end_date=dt.date(2026, 12, 31))
    tl = make.user("team_leader", teams=[team])
    contact = make.user("ministry_contact", ministry=loc.ministry)
    roster = planning.get_or_create_roster(WEEK, team.id)
    db.session.flush()
    for person in people:
        for day in (MON, TUE, WED):
            db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=day, request_id=req.id))
    db.session.commit()
    service.publish(roster_of(team))
    assert roster_of(team).version == 1
    return type("World", (), dict(wt=wt, loc=loc, team=team, leader=leader, people=people, req=req, tl=tl,
                                  contact=contact))


def roster_of(team) -> Roster:
    db.session.expire_all()
    return db.session.scalar(select(Roster).where(Roster.week == WEEK, Roster.team_id == team.id))


def set_times(req, start: int, end: int) -> None:
    req.start_minute, req.end_minute = start, end
    db.session.commit()


CHANGED_WORDS = "heeft wijzigingen die de medewerkers nog niet zien"


# --- 1. a ministry's change that makes no difference ------------------------------------------


def test_a_time_change_put_back_leaves_the_roster_as_told(client, login, world):
    login(world.tl)
    set_times(world.req, 8 * 60, 12 * 60)
    assert service.roster_status(roster_of(world.team)) == "changed"
    assert CHANGED_WORDS in client.get("/home").get_data(as_text=True)
    set_times(world.req, 9 * 60, 15 * 60)
    assert service.roster_status(roster_of(world.team)) == "published"
    assert CHANGED_WORDS not in client.get("/home").get_data(as_text=True)
    roster_page = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    assert "gewijzigd na publicatie" not in roster_page


def test_the_ministrys_form_changing_times_and_back_leaves_the_roster_as_told(client, login, world):
    from .edit_forms import form_as_shown, post_request_edit

    login(world.contact)
    url = f"/aanvragen/{world.req.id}/wijzigen"
    for start, end, status in (("08:00", "12:00", "changed"), ("09:00", "15:00", "published")):
        response = post_request_edit(client, url, {**form_as_shown(client, url), "start_time": start,
                                                   "end_time": end})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        assert service.roster_status(roster_of(world.team)) == status


def test_a_weekday_unticked_and_ticked_again_leaves_the_roster_as_told(world):
    world.req.weekdays = "12"  # Wednesday's shifts would be called off
    db.session.commit()
    assert service.roster_status(roster_of(world.team)) == "changed"
    world.req.weekdays = "123"
    db.session.commit()
    assert service.roster_status(roster_of(world.team)) == "published"


def test_a_weekday_ticked_that_has_no_shifts_changes_nothing_told(world):
    world.req.weekdays = "1234"  # Thursday is asked now: nobody was told anything else
    db.session.commit()
    assert service.roster_status(roster_of(world.team)) == "published"


def test_a_time_change_that_tells_something_still_marks_the_roster(world):
    set_times(world.req, 10 * 60, 14 * 60)  # within everyone's hours: publishing tells it
    assert service.roster_status(roster_of(world.team)) == "changed"


def test_a_change_rolled_back_leaves_nothing_to_check_at_the_next_commit(world):
    from binnenwerk.services import request_history

    world.req.start_minute = 10 * 60
    db.session.flush()
    assert db.session.info.get(request_history.TO_CHECK)
    db.session.rollback()
    assert not db.session.info.get(request_history.TO_CHECK)


# --- 2. a publication that would only hold shifts back ------------------------------------------


def publish_via_page(client, team):
    return client.post("/rooster/publiceren", data={"week": WEEK, "team": team.id,
                                                    "lock_version": roster_of(team).lock_version},
                       follow_redirects=True).get_data(as_text=True)


def test_publishing_only_held_shifts_makes_no_empty_version_and_keeps_reminding(client, login, world):
    set_times(world.req, 7 * 60, 12 * 60)  # before everyone's 08:00: every shift is held
    assert service.roster_status(roster_of(world.team)) == "changed"
    login(world.tl)
    page = publish_via_page(client, world.team)
    assert "Er is niets gepubliceerd: alle wijzigingen zijn tegengehouden. Medewerkers zien nog versie 1." in page
    assert ("6 diensten vallen buiten de werktijden van de medewerkers en zijn niet gepubliceerd." in page)
    assert "Gepubliceerd: versie" not in page and "0 nieuw, 0 gewijzigd, 0 vervallen" not in page
    roster = roster_of(world.team)
    assert roster.version == 1 and service.roster_status(roster) == "changed"
    history = db.session.scalars(select(RosterChange).where(RosterChange.roster_id == roster.id,
                                                            RosterChange.action == "publish")).all()
    assert [change.params["v"] for change in history] == [1]
    assert CHANGED_WORDS in client.get("/home").get_data(as_text=True)


def test_publishing_the_week_with_only_held_shifts_makes_no_empty_version(client, login, world, make):
    set_times(world.req, 7 * 60, 12 * 60)
    planner = make.user("planner")
    login(planner)
    roster = roster_of(world.team)
    page = client.post("/rooster/publiceren-alle", data={"week": WEEK, "locks": f"{roster.id}:{roster.lock_version}"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Er is niets gepubliceerd: alle wijzigingen zijn tegengehouden." in page
    assert "6 diensten vallen buiten de werktijden" in page
    roster = roster_of(world.team)
    assert roster.version == 1 and service.roster_status(roster) == "changed"


def test_publishing_something_told_besides_held_shifts_still_publishes(client, login, world):
    set_times(world.req, 7 * 60, 12 * 60)
    anna = world.people[0]
    anna_mon = db.session.scalar(select(Assignment).where(Assignment.employee_id == anna.id, Assignment.date == WED))
    db.session.delete(anna_mon)  # Wednesday called off for Anna: that is told
    roster_of(world.team).has_unpublished_changes = True
    db.session.commit()
    login(world.tl)
    page = publish_via_page(client, world.team)
    assert "Gepubliceerd: versie 2. 0 nieuw, 0 gewijzigd, 1 vervallen." in page
    assert "5 diensten vallen buiten de werktijden" in page


# --- 3. the ministry's plan of a day already begun ----------------------------------------------


def at(monkeypatch, hour: int, minute: int = 0) -> None:
    monkeypatch.setattr(feeds, "local_now",
                        lambda: dt.datetime(2026, 12, 7, hour, minute, tzinfo=ZoneInfo("Europe/Amsterdam")))


def plan_rows(html: str) -> dict[str, str]:
    """The plan table's rows by their first words (the date)."""
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    return {row.split('<th scope="row">')[1][:20]: row for row in rows}


def test_the_plan_says_nothing_pending_for_a_day_begun_before_the_change(client, login, world, monkeypatch):
    at(monkeypatch, 8, 30)  # changed before the shift began (after it, the day keeps what was asked then)
    set_times(world.req, 10 * 60, 14 * 60)
    at(monkeypatch, 14, 30)
    login(world.contact)
    html = client.get("/aanvragen/planning").get_data(as_text=True)
    rows = plan_rows(html)
    monday = next(row for day, row in rows.items() if "7 december" in day)
    tuesday = next(row for day, row in rows.items() if "8 december" in day)
    assert "nog niet ingepland" not in monday and "nog volgens de oude aanvraag" not in monday
    assert "al begonnen volgens de oude aanvraag: 09:00–15:00" in monday
    assert "Uw wijziging geldt vanaf de volgende dag" in monday and "✓ Ja" in monday
    # The days to come still wait for the change.
    assert "Wijziging nog niet ingepland" in tuesday and "nog volgens de oude aanvraag: 09:00–15:00" in tuesday
    assert "Op 2 dagen is uw wijziging nog niet ingepland" in html

    csv_text = client.get("/aanvragen/planning.csv").get_data(as_text=True)
    monday_rows = [line for line in csv_text.splitlines() if "2026-12-07" in line]
    assert monday_rows and all("nog niet ingepland" not in line for line in monday_rows)
    assert any("Al begonnen volgens de oude aanvraag" in line for line in monday_rows)
    assert any("Wijziging nog niet ingepland" in line for line in csv_text.splitlines() if "2026-12-08" in line)


def test_the_plan_still_says_pending_for_todays_shift_not_begun(client, login, world, monkeypatch):
    at(monkeypatch, 8, 0)  # the shifts begin at 09:00: the team leader can still phone
    set_times(world.req, 10 * 60, 14 * 60)
    login(world.contact)
    rows = plan_rows(client.get("/aanvragen/planning").get_data(as_text=True))
    monday = next(row for day, row in rows.items() if "7 december" in day)
    assert "Wijziging nog niet ingepland" in monday and "al begonnen" not in monday


def test_the_plan_of_a_day_gone_by_says_the_team_came_the_old_way(client, login, world, monkeypatch):
    from binnenwerk.models import RequestDayAsked

    # Asked 08:00-12:00 that Monday (a change nobody published before the day went by).
    db.session.add(RequestDayAsked(request_id=world.req.id, date=MON, headcount=2, status=world.req.status,
                                   location_id=world.loc.id, work_type_id=world.wt.id, start_minute=8 * 60,
                                   end_minute=12 * 60, break_minutes=30))
    db.session.commit()
    monkeypatch.setattr(feeds, "local_now",
                        lambda: dt.datetime(2026, 12, 8, 7, 0, tzinfo=ZoneInfo("Europe/Amsterdam")))
    login(world.contact)
    rows = plan_rows(client.get("/aanvragen/planning").get_data(as_text=True))
    monday = next(row for day, row in rows.items() if "7 december" in day)
    assert "nog niet ingepland" not in monday and "nog volgens de oude aanvraag" not in monday
    assert "gekomen volgens de oude aanvraag: 09:00–15:00" in monday
