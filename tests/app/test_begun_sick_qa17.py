"""QA round 17: someone reported sick while their shift is under way.

1. A repair keeps a shift under way as told, so the start page and the roster's table name the hand
   edit (the cell set to Vrij) for it, not a repair; shifts still to come keep the repair advice.
2. The ministry's "Planning op uw locaties" does not count people absent that day as coming, as the
   roster's table does not, and says nothing of who or why.
3. "Gebeld" on a start page opened before the person's change changed again says so.
"""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import PublishedShift, Roster
from binnenwerk.services import rosters as service

from .test_publish_today_started import MON, TUE, WEEK, clock, world  # noqa: F401
from .test_short_notice import line_of, section

REPAIR = "vanaf vandaag valt samen met een afwezigheid"
BEGUN = ("1 dienst die al begonnen is, valt samen met een afwezigheid. Repareren verandert die dienst niet: "
         "zet de cel in het rooster op Vrij en publiceer opnieuw.")
OLD_ROSTER = "Wie afwezig is, ziet de dienst nog op de weekpagina en in de agenda, tot het rooster gerepareerd en opnieuw gepubliceerd is."


def page(client, login, user, url: str) -> str:
    login(user)
    html = client.get(url).get_data(as_text=True)
    client.post("/auth/logout")
    return html


def report_sick(client, login, world, employee, day: dt.date) -> None:
    """The team leader reports the person sick for that day through the absence form."""
    login(world.team_leader)
    response = client.post("/teams/afwezigheid/nieuw", data={
        "person": f"medewerker-{employee.id}", "kind": "ziek", "start_date": day.isoformat(),
        "end_date": day.isoformat(), "whole_day": "y", "start_time": "", "end_time": "", "note": ""})
    client.post("/auth/logout")
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:800]
    db.session.expire_all()


def repairs(html: str) -> str:
    return html.split('id="repairs-title"')[1].split("</section>")[0] if 'id="repairs-title"' in html else ""


def short_reasons(html: str, place: str) -> str:
    """The short-days panel's item of Monday at that place, with its reasons."""
    items = [item for item in html.split("<li><strong>") if item.startswith(f"maandag 15 maart, {place}")]
    assert len(items) == 1, items
    return items[0]


# --- 1. a shift under way: the hand edit, not a repair -------------------------------------------


def test_a_shift_under_way_of_someone_reported_sick_names_the_hand_edit_not_a_repair(client, login, world, clock):
    clock.set(MON, 10)  # Anna's 09:00 shift has begun
    report_sick(client, login, world, world.anna, MON)
    said = repairs(page(client, login, world.team_leader, "/home"))
    assert BEGUN in said
    assert REPAIR not in said and OLD_ROSTER not in said


def test_a_shift_still_to_come_keeps_the_repair_advice_beside_the_one_under_way(client, login, world, clock):
    clock.set(MON, 10)  # Cees's 14:00 shift is still to come
    report_sick(client, login, world, world.anna, MON)
    report_sick(client, login, world, world.cees, MON)
    said = repairs(page(client, login, world.planner, "/home"))
    assert BEGUN in said
    assert "1 dienst vanaf vandaag valt samen met een afwezigheid." in said and OLD_ROSTER in said


def test_the_roster_table_names_the_hand_edit_for_a_shift_under_way(client, login, world, clock):
    clock.set(MON, 10)
    report_sick(client, login, world, world.anna, MON)
    report_sick(client, login, world, world.cees, MON)
    grid = page(client, login, world.team_leader, f"/rooster/?week={WEEK}&team={world.team.id}")
    morning = short_reasons(grid, "Turfmarkt 147")
    assert ("1 ingeplande medewerker is die dag afwezig, maar de dienst is al begonnen: zet de cel in het rooster "
            "op Vrij") in morning
    assert "afwezig: repareer het rooster" not in morning
    # Cees's 14:00 shift has not begun: a repair takes it off.
    assert "1 ingeplande medewerker is die dag afwezig: repareer het rooster" in short_reasons(grid, "Rijnstraat 8")


# --- 2. the ministry's planning page --------------------------------------------------------------


def plan_row(html: str, request, day: str) -> str:
    """The ministry page's row of that request and day ("maandag 15 maart")."""
    table = html.split(f'id="plan-{request.id}-tabel"')[1].split("</table>")[0]
    rows = [row.split("</tr>")[0] for row in table.split('<th scope="row">') if row.startswith(day)]
    assert len(rows) == 1, rows
    return rows[0]


def test_the_ministry_page_does_not_count_people_absent_that_day(client, login, world, clock):
    clock.set(MON, 10)
    report_sick(client, login, world, world.anna, MON)
    html = page(client, login, world.contact, f"/aanvragen/planning?week={WEEK}")
    monday = plan_row(html, world.morning, "maandag 15 maart")
    assert "Deels: 1 van 2" in monday and "(1 persoon)" in monday
    tuesday = plan_row(html, world.morning, "dinsdag 16 maart")
    assert "(2 mensen)" in tuesday
    # Never who or why.
    assert "Anna" not in html and "ziek" not in html.lower() and "afwezig" not in html.lower()


def test_the_ministry_page_counts_someone_whose_appointment_misses_the_shift(client, login, world, clock, make):
    clock.set(MON, 10)
    make.absence(world.anna, start=TUE, kind="afspraak", times=("15:00", "16:00"))  # after 09:00-13:00
    db.session.commit()
    html = page(client, login, world.contact, f"/aanvragen/planning?week={WEEK}")
    tuesday = plan_row(html, world.morning, "dinsdag 16 maart")
    assert "(2 mensen)" in tuesday


def test_a_team_whose_people_are_all_absent_is_not_called_off(client, login, world, clock):
    clock.set(MON, 10)
    report_sick(client, login, world, world.cees, TUE)
    html = page(client, login, world.contact, f"/aanvragen/planning?week={WEEK}")
    tuesday = plan_row(html, world.afternoon, "dinsdag 16 maart")
    assert "Niet meer ingepland" not in tuesday and "Team A" not in tuesday


# --- 3. Gebeld on a page opened before the change changed again ---------------------------------


def publish(client, login, world) -> None:
    login(world.planner)
    lock = db.session.get(Roster, world.roster_id).lock_version
    client.post("/rooster/publiceren", data={"week": WEEK, "team": world.team.id, "lock_version": lock})
    client.post("/auth/logout")
    db.session.expire_all()


def set_cell(world, employee, day, request_id) -> None:
    db.session.expire_all()
    lock = db.session.get(Roster, world.roster_id).lock_version
    service.set_cell(WEEK, world.team.id, employee.id, day, request_id, lock_version=lock)
    db.session.commit()


def test_gebeld_on_an_old_page_after_the_change_changed_again_says_so(client, login, world, clock, make):
    clock.set(MON, 10)
    early = make.request(world.afternoon.location, world.afternoon.work_type, headcount=1, start_minute=8 * 60,
                         end_minute=12 * 60, start_date=MON, end_date=TUE)
    db.session.commit()
    set_cell(world, world.cees, TUE, early.id)
    publish(client, login, world)
    old = line_of(section(page(client, login, world.team_leader, "/home")), "Cees Cohen")
    assert "dinsdag 16 maart" in old
    shown = re.findall(r'name="shift" value="(\d+:\d+)"', old)
    action = re.search(r'action="(/rooster/gebeld/\d+)"', old).group(1)
    assert shown

    set_cell(world, world.cees, TUE, None)  # the planner frees his Tuesday and publishes
    publish(client, login, world)
    login(world.team_leader)
    said = client.post(action, data={"shift": shown}, follow_redirects=True).get_data(as_text=True)
    client.post("/auth/logout")
    assert "Er is sindsdien iets veranderd voor Cees Cohen. Kijk wat er nu staat en bel opnieuw." in said
    assert "Er is niets genoteerd" not in said
    db.session.expire_all()
    tuesday = db.session.scalars(select(PublishedShift).where(
        PublishedShift.employee_id == world.cees.id, PublishedShift.date == TUE)).one()
    assert tuesday.cancelled and tuesday.called_sequence is None
    assert "Cees Cohen" in section(page(client, login, world.team_leader, "/home"))
