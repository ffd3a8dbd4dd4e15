"""Roster history is worded in the reader's language, whoever made the change and in whatever language."""
from __future__ import annotations

import datetime as dt
import html
from contextlib import contextmanager

import pytest
from flask import current_app
from flask_babel import force_locale, refresh
from sqlalchemy import select

from binnenwerk import privacy, roster_history
from binnenwerk.extensions import db
from binnenwerk.models import Absence, Employee, Roster, RosterChange
from binnenwerk.services import rosters as service
from tests.conftest import TEST_PASSWORD, compile_english_catalog

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

LAST_WEEK, WEEK = "2026-W49", "2026-W50"
LAST_MON, MON, TUE, WED = dt.date(2026, 11, 30), dt.date(2026, 12, 7), dt.date(2026, 12, 8), dt.date(2026, 12, 9)


@pytest.fixture(autouse=True)
def english_catalog(app):
    compile_english_catalog()
    refresh()  # drop catalogs Flask-Babel cached before the .mo was written


@pytest.fixture
def world(make):
    """One team with a keyboard request from last week on, and a Dutch and an English planner."""
    wt = make.work_type("keyboards", name_nl="Toetsenborden reinigen", name_en="Keyboard cleaning")
    loc = make.location("Den Haag", name="Rijnstraat 8")
    team = make.team("Den Haag", name="Team A")
    make.supervisor(team, work_types=[wt])
    anna, bram = (make.employee(team, work_types=[wt], first_name=n, last_name="Test",
                                contract_end=dt.date(2026, 12, 31)) for n in ("Anna", "Bram"))
    req = make.request(loc, wt, weekdays="123", headcount=2, start_date=LAST_MON, end_date=dt.date(2026, 12, 31))
    dutch = make.user("planner", name="Nina Planner", locale="nl")
    english = make.user("planner", name="Eric Planner", locale="en")
    db.session.commit()
    return type("World", (), dict(team=team, anna=anna, bram=bram, req=req, dutch=dutch, english=english))


def roster_of(team, week=WEEK) -> Roster:
    db.session.expire_all()
    return db.session.scalar(select(Roster).where(Roster.week == week, Roster.team_id == team.id))


def history_lines(app_with, user, roster: Roster) -> list[str]:
    """The 'Details' cells of the history page as `user` sees it, newest first."""
    client = app_with().test_client()
    response = client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    page = client.get(f"/rooster/{roster.id}/geschiedenis").get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    return [html.unescape(row.split("<td>")[4].split("</td>")[0]) for row in rows]


@contextmanager
def speaking(user):
    """A request in the acting user's language, as when they click in the roster."""
    with current_app.test_request_context(), force_locale(user.locale):
        yield


def make_history(world) -> Roster:
    """Changes made partly by the English planner, partly by the Dutch one, each in their language."""
    with speaking(world.dutch):
        service.set_cell(LAST_WEEK, world.team.id, world.anna.id, LAST_MON, world.req.id, lock_version=0,
                         user=world.dutch)
    with speaking(world.english):
        service.copy_previous_week(WEEK, world.team.id, lock_version=0, user=world.english)
        service.set_cell(WEEK, world.team.id, world.bram.id, TUE, world.req.id,
                         lock_version=roster_of(world.team).lock_version, user=world.english, pin=True,
                         reason="Vaste plek")
    with speaking(world.dutch):
        service.set_cell(WEEK, world.team.id, world.anna.id, MON, None,
                         lock_version=roster_of(world.team).lock_version, user=world.dutch)
    with speaking(world.english):
        service.publish(roster_of(world.team), user=world.english)
    return roster_of(world.team)


def test_each_planner_reads_every_line_in_their_own_language(app_with, world):
    roster = make_history(world)
    dutch = history_lines(app_with, world.dutch, roster)
    english = history_lines(app_with, world.english, roster)
    assert dutch == [
        "Versie 1 gepubliceerd: 1 nieuw, 0 gewijzigd, 0 vervallen.",
        "Anna Test, maandag 7 december: Toetsenborden reinigen Rijnstraat 8 wordt vrij",
        "Bram Test, dinsdag 8 december: vrij wordt Toetsenborden reinigen Rijnstraat 8 (vastgezet)",
        "1 dienst van vorige week overgenomen, 0 pasten niet.",
    ]
    assert english == [
        "Version 1 published: 1 new, 0 changed, 0 cancelled.",
        "Anna Test, Monday 7 December: Keyboard cleaning Rijnstraat 8 changed to day off",
        "Bram Test, Tuesday 8 December: day off changed to Keyboard cleaning Rijnstraat 8 (pinned)",
        "1 shift copied from last week, 0 did not fit.",
    ]


def test_pin_unpin_absence_and_planned_lines_follow_the_reader_too(world):
    from binnenwerk import planning
    from scheduling import AssignmentRef, Solution

    problem, idmap = planning.build_problem(WEEK, [world.team.id])
    shift = AssignmentRef(planning.eid(world.anna.id), WED, planning.rid(world.req.id))
    with speaking(world.english):
        planning.apply_solution(WEEK, idmap, Solution("FEASIBLE", [shift]), user=world.english)
        assignment = roster_of(world.team).assignments[0]
        service.set_pin(assignment, True, lock_version=roster_of(world.team).lock_version, user=world.english)
        service.set_pin(assignment, False, lock_version=roster_of(world.team).lock_version, user=world.english)
        absence = Absence(employee_id=world.anna.id, kind="ziek", start_date=WED, end_date=WED, note="Griep")
        db.session.add(absence)
        service.mark_affected_shifts(absence, user=world.english)
        db.session.commit()
    changes = db.session.scalars(select(RosterChange).order_by(RosterChange.id)).all()
    assert [c.message for c in changes] == ["planned", "pin", "unpin", "absence"]
    with speaking(world.dutch):
        assert [roster_history.wording(c) for c in changes] == [
            "1 dienst gepland, 1 gewijzigd.", "Anna Test, woensdag 9 december vastgezet",
            "Anna Test, woensdag 9 december losgemaakt",
            "Anna Test is afwezig op woensdag 9 december en staat ingeroosterd. Pas het rooster aan."]
    with speaking(world.english):
        assert [roster_history.wording(c) for c in changes] == [
            "1 shift planned, 1 changed.", "Anna Test, Wednesday 9 December pinned",
            "Anna Test, Wednesday 9 December unpinned",
            "Anna Test is absent on Wednesday 9 December but is on the roster. Adjust the roster."]
    # The absence line stores who and when, never what kind of absence or its note.
    assert changes[-1].params == {"employee": world.anna.id, "name": "Anna Test", "day": WED.isoformat()}


def test_a_repair_or_import_line_and_its_time_follow_the_reader(app_with, world):
    """The day a repair started from and the file a roster came from are values, not stored
    Dutch text; the time is Amsterdam's, as everywhere else in the app."""
    from binnenwerk import planning
    from scheduling import AssignmentRef, Solution

    problem, idmap = planning.build_problem(WEEK, [world.team.id])
    shift = AssignmentRef(planning.eid(world.anna.id), WED, planning.rid(world.req.id))
    with speaking(world.dutch):
        planning.apply_solution(WEEK, idmap, Solution("FEASIBLE", [shift]), user=world.dutch, action="repair",
                                day=TUE)
        planning.apply_solution(WEEK, idmap, Solution("FEASIBLE", []), user=world.dutch, action="import",
                                file="rooster.json")
    changes = db.session.scalars(select(RosterChange).order_by(RosterChange.id)).all()
    changes[0].at = dt.datetime(2026, 12, 5, 0, 4)  # UTC; 01:04 in Amsterdam
    db.session.commit()
    roster = roster_of(world.team)
    assert history_lines(app_with, world.english, roster) == [
        "Imported from rooster.json: 0 shifts planned, 1 changed.",
        "Repaired from Tuesday 8 December: 1 shift planned, 1 changed."]
    assert history_lines(app_with, world.dutch, roster) == [
        "Geïmporteerd uit rooster.json: 0 diensten gepland, 1 gewijzigd.",
        "Gerepareerd vanaf dinsdag 8 december: 1 dienst gepland, 1 gewijzigd."]
    assert all(c.reason == "" for c in changes)
    client = app_with().test_client()
    client.post("/auth/login", data={"email": world.dutch.email, "password": TEST_PASSWORD})
    page = client.get(f"/rooster/{roster.id}/geschiedenis").get_data(as_text=True)
    assert "05-12-2026 01:04" in page and "05-12-2026 00:04" not in page


def test_every_line_also_keeps_its_dutch_wording_whoever_wrote_it(world):
    roster = make_history(world)
    details = db.session.scalars(select(RosterChange.detail).where(RosterChange.roster_id == roster.id)
                                 .order_by(RosterChange.id)).all()
    assert details[-1] == "Versie 1 gepubliceerd: 1 nieuw, 0 gewijzigd, 0 vervallen."
    assert "Bram Test, dinsdag 8 december: vrij wordt Toetsenborden reinigen Rijnstraat 8 (vastgezet)" in details


def test_a_line_from_before_message_keys_is_shown_as_it_was_stored(app_with, world):
    roster = make_history(world)
    db.session.add(RosterChange(roster_id=roster.id, action="edit", at=dt.datetime(2026, 1, 1),
                                detail="Cees Test, woensdag 9 december: vrij wordt Schoonmaak Rijnstraat 8"))
    db.session.add(RosterChange(roster_id=roster.id, action="edit", at=dt.datetime(2026, 1, 1),
                                message="from_a_later_version", params={"x": 1}, detail="Later, in Dutch"))
    db.session.commit()
    for user in (world.dutch, world.english):
        lines = history_lines(app_with, user, roster)
        assert set(lines[-2:]) == {"Cees Test, woensdag 9 december: vrij wordt Schoonmaak Rijnstraat 8",
                                   "Later, in Dutch"}


def test_a_line_with_a_value_its_message_does_not_show_is_refused(world):
    roster = make_history(world)
    with pytest.raises(ValueError):
        roster_history.record(roster, None, "absence", "absence", employee=world.anna.id, name="Anna Test",
                              day=WED, kind="ziek")
    with pytest.raises(ValueError):
        roster_history.record(roster, None, "copy", "copy", n=1)


def test_anonymising_takes_the_name_out_of_the_values_and_the_text(app_with, world):
    roster = make_history(world)
    legacy = RosterChange(roster_id=roster.id, action="absence", at=dt.datetime(2026, 1, 1),
                          detail="Anna Test is afwezig op maandag 7 december en staat ingeroosterd.")
    db.session.add(legacy)
    db.session.commit()
    anna = db.session.get(Employee, world.anna.id)
    privacy.anonymise_employee(anna, today=dt.date(2027, 1, 1))
    db.session.expire_all()
    about_anna = db.session.scalars(select(RosterChange).where(
        RosterChange.params[roster_history.EMPLOYEE].as_integer() == world.anna.id)).all()
    assert about_anna and all(c.params["name"] == f"Geanonimiseerd #{world.anna.id}" for c in about_anna)
    rows = db.session.scalars(select(RosterChange)).all()
    assert not any("Anna" in c.detail or "Anna" in str(c.params) for c in rows)
    # A line that says the person is absent on a date is health data: it goes (privacy.py).
    assert db.session.get(RosterChange, legacy.id) is None
    for user in (world.dutch, world.english):
        lines = history_lines(app_with, user, roster)
        assert not any("Anna" in line for line in lines)
        assert any(line.startswith(f"Geanonimiseerd #{world.anna.id}, ") for line in lines)
    # Bram's lines keep his name.
    assert any("Bram Test" in line for line in history_lines(app_with, world.dutch, roster))
