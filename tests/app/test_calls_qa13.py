"""QA round 13: the list of people to phone, and the grid's days gone by.

1. With the team leader away, the planner makes the calls: the planner's start page lists every
   team's short-notice changes with phone numbers and "Gebeld", and publishing points there.
2. A part-day absence that does not cover the whole shift called off keeps the person on the list.
3. After a ministry changes a request's times, the grid and the print view keep the times (and
   hours) as worked on the days gone by.
"""
from __future__ import annotations

import datetime as dt
import re

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, PublishedShift, Roster

from .test_publish_today_started import DAYS, FRI, MON, THU, TUE, WED, WEEK, clock, world  # noqa: F401
from .test_short_notice import WEDNESDAY, leader_page, line_of, section  # noqa: F401


def home(client, login, user) -> str:
    login(user)
    html = client.get("/home").get_data(as_text=True)
    client.post("/auth/logout")
    return html


def cancel_afternoon_and_publish(client, login, world, user) -> str:
    """The afternoon request (Cees) is cancelled on Wednesday 10:00 and `user` publishes the week:
    Cees's Wednesday to Friday are called off at short notice."""
    world.cees.phone = "06-12345678"
    db.session.commit()
    login(world.planner)
    assert client.post(f"/aanvragen/{world.afternoon.id}/annuleren",
                       data={"reason": "Locatie gesloten."}).status_code == 302
    client.post("/auth/logout")
    db.session.expire_all()
    login(user)
    lock = db.session.get(Roster, world.roster_id).lock_version
    page = client.post("/rooster/publiceren", data={"week": WEEK, "team": world.team.id, "lock_version": lock},
                       follow_redirects=True).get_data(as_text=True)
    client.post("/auth/logout")
    db.session.expire_all()
    return page


# --- 1. the planner's call list -----------------------------------------------------------------


def test_the_planner_sees_every_teams_call_list_with_phone_numbers(client, login, world, clock, make):
    clock.set(WED, 10)
    quiet = make.team("Den Haag", name="Team Stil")  # nothing to call: no heading of its own
    make.employee(quiet, first_name="Stella", last_name="Stil")
    said = cancel_afternoon_and_publish(client, login, world, world.planner)

    # The message names the people and leads to the planner's own start page, at the team.
    assert "Op korte termijn veranderd voor: Cees Cohen." in said
    assert f'href="/home#bellen-team-{world.team.id}">Bekijk de lijst</a>' in said

    listed = section(home(client, login, world.planner))
    assert f'id="bellen-team-{world.team.id}"><bdi>Team A</bdi>' in listed and "Team Stil" not in listed
    cees = line_of(listed, "Cees Cohen")
    assert "woensdag 17 maart (vandaag):" in cees and "vrijdag 19 maart:" in cees and "gaat niet door." in cees
    assert 'href="tel:0612345678"' in cees and ">Gebeld<" in cees
    assert "Anna" not in listed  # her shifts did not change


def test_gebeld_by_the_planner_leaves_the_team_leaders_list_and_the_other_way(client, login, world, clock, make):
    clock.set(WED, 10)
    cancel_afternoon_and_publish(client, login, world, world.planner)
    # A second person to call, Dirk of Team B with its own leader.
    other = make.team("Den Haag", name="Team B")
    dirk = make.employee(other, first_name="Dirk", last_name="Dekker")
    dirks = make.published_shift(employee=dirk, date=THU, sequence=1, short_notice=True)
    other_leader = make.user("team_leader", teams=[other])
    db.session.commit()
    assert "Cees Cohen" in section(home(client, login, world.team_leader))
    assert "Dirk Dekker" in section(home(client, login, world.planner))

    planner_list = section(home(client, login, world.planner))
    cees_form = line_of(planner_list, "Cees Cohen")
    action = re.search(r'action="([^"]+)"', cees_form).group(1)
    sent = re.findall(r'name="shift" value="([^"]+)"', cees_form)
    # Another team's leader may not note Cees as phoned; the planner may, for any team.
    login(other_leader)
    assert client.post(action, data={"shift": sent}).status_code == 404
    client.post("/auth/logout")
    login(world.planner)
    done = client.post(action, data={"shift": sent}, follow_redirects=True).get_data(as_text=True)
    client.post("/auth/logout")
    assert "Genoteerd: Cees Cohen weet het." in done
    assert "Cees Cohen" not in section(home(client, login, world.team_leader))
    assert "Cees Cohen" not in section(home(client, login, world.planner))

    # The other way: Team B's leader phones Dirk; he leaves the planner's list (and Team B with him).
    login(other_leader)
    done = client.post(f"/rooster/gebeld/{dirks.id}", data={"shift": f"{dirks.id}:1"},
                       follow_redirects=True).get_data(as_text=True)
    client.post("/auth/logout")
    assert "Genoteerd: Dirk Dekker weet het." in done
    assert section(home(client, login, world.planner)) == ""


def test_a_team_leader_who_publishes_is_led_to_their_own_list(client, login, world, clock):
    clock.set(WED, 10)
    said = cancel_afternoon_and_publish(client, login, world, world.team_leader)
    assert "Op korte termijn veranderd voor: Cees Cohen." in said
    assert 'href="/home#short-notice-title">Bekijk de lijst</a>' in said
    assert "Cees Cohen" in section(home(client, login, world.team_leader))


def test_an_earlier_change_still_to_call_points_the_planner_to_their_list(client, login, world, clock):
    clock.set(WED, 10)
    earlier = db.session.query(PublishedShift).filter_by(employee_id=world.bram.id, date=THU).one()
    earlier.sequence, earlier.short_notice = 1, True  # changed by an earlier publication, not yet phoned
    db.session.commit()
    said = cancel_afternoon_and_publish(client, login, world, world.planner)
    assert "Van een eerdere publicatie staat nog 1 medewerker op je lijst om te bellen." in said
    assert "De teamleider ziet die lijst op de startpagina." not in said
    assert "Bram Bos" in section(home(client, login, world.planner))


# --- 2. a part-day absence that does not cover the shift ---------------------------------------


def test_a_part_day_absence_inside_the_shift_keeps_its_cancellation_on_the_list(leader_page, make):
    """Julia's appointment 13:00-15:00 cut into her shift 10:00-15:00; the repair called the whole
    shift off. She would come in at ten for work that is gone: she must be phoned. Karin's
    appointment covers her whole shift: she knows."""
    team, page = leader_page
    thursday = WEDNESDAY + dt.timedelta(days=1)
    julia = make.employee(team=team, first_name="Julia", last_name="Huisman", phone="06-22223333")
    karin = make.employee(team=team, first_name="Karin", last_name="Kok")
    make.absence(employee=julia, start=thursday, kind="afspraak", times=("13:00", "15:00"))
    make.absence(employee=karin, start=thursday, kind="afspraak", times=("09:00", "16:00"))
    for person in (julia, karin):
        make.published_shift(employee=person, date=thursday, start="10:00", end="15:00", cancelled=True,
                             sequence=1, short_notice=True)

    listed = section(page())

    assert "donderdag 10 december:" in line_of(listed, "Julia Huisman") and "gaat niet door." in listed
    assert "Karin Kok" not in listed


# --- 3. the grid's days gone by after a request's times changed ---------------------------------


def grid(client, login, world, path: str = "/rooster/") -> str:
    login(world.planner)
    page = client.get(f"{path}?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    client.post("/auth/logout")
    return page


def cell_time(page: str, employee, day: dt.date) -> str:
    cell = page.split(f'id="cel-{employee.id}-{day.isoformat()}"')[1].split("</td>")[0]
    return re.search(r'<span class="time">([^<]+)</span>', cell).group(1)


def hours(page: str, employee) -> str:
    row = page.split(f'id="cel-{employee.id}-{FRI.isoformat()}"')[1].split("</tr>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", row.split('class="hours')[1].split(">", 1)[1])).strip()


def test_the_grid_keeps_the_times_worked_on_days_gone_by(client, login, world, clock):
    """Request 'morning' (09:00-13:00, break 0:30) starts at 10:00 from Wednesday 10:00 on. Monday,
    Tuesday and this morning were worked from nine; Thursday and Friday are to come at ten."""
    clock.set(WED, 10)
    world.morning.start_minute = 10 * 60
    db.session.commit()
    for path in ("/rooster/", "/rooster/afdrukken"):
        page = grid(client, login, world, path)
        assert [cell_time(page, world.anna, day) for day in DAYS] == ["09:00–13:00"] * 3 + ["10:00–13:00"] * 2
        # 3 x 3,5 hours worked and 2 x 2,5 to come.
        assert hours(page, world.anna).startswith("15,5 ")


def test_a_week_gone_by_keeps_its_times_and_hours(client, login, world, clock):
    clock.set(WED + dt.timedelta(days=7), 10)
    world.morning.start_minute = 10 * 60
    db.session.commit()
    page = grid(client, login, world)
    assert [cell_time(page, world.bram, day) for day in DAYS] == ["09:00–13:00"] * 5
    assert hours(page, world.bram).startswith("17,5 ")
    assert [cell_time(page, world.cees, day) for day in (MON, TUE)] == ["14:00–17:00"] * 2


def test_a_day_gone_by_never_told_so_shows_the_times_asked_then(client, login, world, clock):
    """Cees's Monday was moved by hand to the morning request after the fact (never published so):
    the grid shows the morning as it was asked that Monday, not its new start."""
    clock.set(WED, 10)
    monday = db.session.query(Assignment).filter_by(roster_id=world.roster_id, employee_id=world.cees.id,
                                                    date=MON).one()
    monday.request_id = world.morning.id
    world.morning.start_minute = 10 * 60
    db.session.commit()
    page = grid(client, login, world)
    assert cell_time(page, world.cees, MON) == "09:00–13:00"
    assert cell_time(page, world.cees, THU) == "14:00–17:00"
