"""Publishing leaves days gone by as they were told and worked, and the grid flags every shift that
no longer fits (another team now, a place outside the team's region, work or a place the person
may no longer do, more hours than the contract), as it flags one outside the working hours."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import (
    Assignment, FeedKind, PublishedShift, RequestStatus, Roster, RosterChange, SupervisionAssignment,
)
from binnenwerk.services import feeds, reports, tokens
from binnenwerk.services import requests as request_service
from binnenwerk.services import rosters as service

# Written when 2026-W50 was to come: the app's clock stays before its Monday's work.
pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

WEEK = "2026-W50"
MON, TUE, WED, THU, FRI = (dt.date(2026, 12, 7) + dt.timedelta(days=n) for n in range(5))
DAYS = (MON, TUE, WED, THU, FRI)
FRIDAY_BEFORE = dt.date(2026, 12, 4)


@pytest.fixture
def today(monkeypatch):
    """today.set(day) makes `day` the app's today (Amsterdam's date)."""
    state = SimpleNamespace()

    def set_today(day: dt.date) -> None:
        monkeypatch.setattr(feeds, "local_today", lambda: day)

    state.set = set_today
    return state


@pytest.fixture
def world(make, today):
    """Team A (Den Haag) with Anna on a Monday-to-Friday request, published the Friday before;
    today is Wednesday of that week."""
    wt = make.work_type("keyboards", name_nl="Toetsenborden reinigen", name_en="Keyboard cleaning")
    other_wt = make.work_type("cars", name_nl="Auto's wassen", name_en="Car washing")
    home = make.location("Den Haag", name="Rijnstraat 8")
    nearby = make.location("Den Haag", name="Turfmarkt 147")
    far = make.location("Apeldoorn", name="Kennedylaan 9")
    team = make.team("Den Haag", name="Team A")
    team_b = make.team("Den Haag", name="Team B")
    leader = make.supervisor(team, work_types=[wt, other_wt], name="Tineke")
    make.supervisor(team_b, work_types=[wt, other_wt], name="Bert")
    anna = make.employee(team, work_types=[wt, other_wt], first_name="Anna", last_name="Smit",
                         contract_end=dt.date(2027, 12, 31))
    req = make.request(home, wt, weekdays="12345", headcount=1, start_date=dt.date(2026, 11, 30),
                       end_date=dt.date(2026, 12, 31))
    roster = Roster(week=WEEK, team=team)
    db.session.add(roster)
    db.session.flush()
    for day in DAYS:
        db.session.add(Assignment(roster_id=roster.id, employee_id=anna.id, date=day, request_id=req.id))
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=leader.id, date=day,
                                             location_id=home.id, team_id=team.id))
    planner = make.user("planner", name="Petra Planner")
    team_leader = make.user("team_leader", teams=[team], name="Tineke")
    db.session.commit()
    today.set(FRIDAY_BEFORE)
    service.publish(roster)
    today.set(WED)
    return SimpleNamespace(wt=wt, other_wt=other_wt, home=home, nearby=nearby, far=far, team=team,
                           team_b=team_b, anna=anna, req=req, roster_id=roster.id, planner=planner,
                           team_leader=team_leader)


def roster_of(world) -> Roster:
    db.session.expire_all()
    return db.session.get(Roster, world.roster_id)


def told(world) -> dict[dt.date, PublishedShift]:
    db.session.expire_all()
    return {p.date: p for p in db.session.scalars(select(PublishedShift).where(
        PublishedShift.employee_id == world.anna.id))}


def week_page(client, employee) -> str:
    token = tokens.issue(FeedKind.EMPLOYEE, employee)
    db.session.commit()
    return client.get(f"/week/{token}?week={WEEK}").get_data(as_text=True)


# --- 1. days gone by keep what was told and worked --------------------------------------------


def test_a_request_cancelled_midweek_keeps_its_days_gone_by_at_publish(client, world):
    request_service.transition(world.req, RequestStatus.CANCELLED.value, actor=world.planner, reason="Dicht.")
    counts = service.publish(roster_of(world))
    assert (counts["cancelled"], counts["changed"], counts["new"]) == (3, 0, 0)  # Wednesday to Friday
    shifts = told(world)
    assert [shifts[d].cancelled for d in DAYS] == [False, False, True, True, True]
    assert shifts[MON].sequence == 0 and shifts[TUE].sequence == 0
    page = week_page(client, world.anna)
    assert "Vrij." not in page.split("Woensdag 9 december")[0].split("Maandag 7 december")[1]
    assert "Vrij." in page.split("Woensdag 9 december")[1]
    # The ministry's planning still has Monday and Tuesday planned as committed and worked.
    plan = {d.date: d for r in reports.ministry_plan(world.req.ministry_id, MON, FRI) for d in r.days}
    assert [(plan[d].wanted, plan[d].planned) for d in (MON, TUE)] == [(1, 1), (1, 1)]


def test_a_request_moved_to_another_place_keeps_the_days_gone_by_where_they_were(world):
    world.req.location_id = world.nearby.id
    db.session.commit()
    counts = service.publish(roster_of(world))
    assert (counts["changed"], counts["cancelled"]) == (3, 0)
    shifts = told(world)
    assert [shifts[d].location_id for d in DAYS] == [world.home.id] * 2 + [world.nearby.id] * 3
    assert [shifts[d].sequence for d in DAYS] == [0, 0, 1, 1, 1]
    plan = {d.date: d for r in reports.ministry_plan(world.req.ministry_id, MON, FRI) for d in r.days}
    assert [plan[d].covered for d in DAYS] == [True] * 5  # no "Wijziging nog niet ingepland" on days gone by


def test_a_contract_ended_in_the_past_keeps_the_days_worked_before_it_was_entered(world):
    world.anna.contract_end = MON
    service.mark_unworkable_shifts(world.anna, ["contract_end"])
    db.session.commit()
    counts = service.publish(roster_of(world))
    assert counts["cancelled"] == 0  # Wednesday on was called off with the change; Tuesday stays
    shifts = told(world)
    assert [shifts[d].cancelled for d in DAYS] == [False, False, True, True, True]


def test_the_grid_does_not_flag_or_mark_days_gone_by_of_a_changed_request(client, login, world):
    world.req.location_id = world.nearby.id
    db.session.commit()
    login(world.team_leader)
    page = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    cells = {d: page.split(f'id="cel-{world.anna.id}-{d.isoformat()}"')[1].split("</td>")[0] for d in DAYS}
    assert ["gewijzigd" in cells[d] for d in DAYS] == [False, False, True, True, True]


def test_the_grid_flags_only_the_days_to_come_of_a_cancelled_request(client, login, world):
    request_service.transition(world.req, RequestStatus.CANCELLED.value, actor=world.planner, reason="Dicht.")
    login(world.team_leader)
    page = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    cells = {d: page.split(f'id="cel-{world.anna.id}-{d.isoformat()}"')[1].split("</td>")[0] for d in DAYS}
    assert ["niet meer gevraagd" in cells[d] for d in DAYS] == [False, False, True, True, True]
    assert "11 (" in page.split(f'id="cel-{world.anna.id}-{FRI.isoformat()}"')[1].split("</tr>")[0]  # Mon+Tue worked


def test_a_hand_correction_of_a_day_gone_by_is_still_published(world):
    """The page invites it for a week gone by: what really happened counts in the reports."""
    roster = roster_of(world)
    service.set_cell(WEEK, world.team.id, world.anna.id, MON, None, lock_version=roster.lock_version)
    counts = service.publish(roster_of(world))
    assert counts["cancelled"] == 1
    assert told(world)[MON].cancelled and not told(world)[TUE].cancelled


def test_a_first_publication_midweek_tells_the_days_gone_by(make, world):
    bram = make.employee(world.team, work_types=[world.wt], first_name="Bram")
    roster = roster_of(world)
    db.session.add(Assignment(roster_id=roster.id, employee_id=bram.id, date=MON, request_id=world.req.id))
    world.req.headcount = 2
    db.session.commit()
    counts = service.publish(roster_of(world))
    assert counts["new"] == 1
    assert db.session.scalar(select(PublishedShift).where(PublishedShift.employee_id == bram.id)).date == MON


def test_work_again_on_a_day_called_off_is_new_work(world):
    """Friday set free and published ('1 vervallen'), then given work again: '1 nieuw', not
    '1 gewijzigd' (a day without work gets work); the calendar event of the day comes back."""
    world.anna.contract_minutes = 2400  # room for the five days
    db.session.commit()
    service.set_cell(WEEK, world.team.id, world.anna.id, FRI, None, lock_version=roster_of(world).lock_version)
    assert service.publish(roster_of(world))["cancelled"] == 1
    called_off = told(world)[FRI]
    assert called_off.cancelled
    service.set_cell(WEEK, world.team.id, world.anna.id, FRI, world.req.id, lock_version=roster_of(world).lock_version)
    counts = service.publish(roster_of(world))
    assert (counts["new"], counts["changed"], counts["cancelled"]) == (1, 0, 0)
    again = told(world)[FRI]
    assert again.id == called_off.id and not again.cancelled and again.sequence > 1


# --- 2. someone moved to another team --------------------------------------------------------


def move(employee, team) -> None:
    """What the employee form does when the planner sets another team (services.people)."""
    employee.team_id = team.id
    employee.team = team
    service.mark_unworkable_shifts(employee, ["team_id"])
    db.session.commit()


def cell_of(page: str, employee, day: dt.date) -> str:
    # In the old team's grid the cell's id ends in that team ("-team-<id>": ids are unique on a page).
    return page.split(f'id="cel-{employee.id}-{day.isoformat()}')[1].split("</td>")[0]


def test_after_a_move_the_old_teams_pages_open_and_flag_the_shifts_still_to_come(client, login, world):
    move(world.anna, world.team_b)
    login(world.team_leader)
    urls = [f"/rooster/?week={WEEK}&team={world.team.id}", f"/rooster/afdrukken?week={WEEK}&team={world.team.id}",
            f"/rooster/?week={WEEK}"]
    pages = [client.get(url) for url in urls]
    assert [p.status_code for p in pages] == [200, 200, 200]
    page = pages[0].get_data(as_text=True)
    assert "nu in Team B" in page
    assert ["let op: ander team" in cell_of(page, world.anna, d) for d in DAYS] == [False, False, True, True, True]
    assert "3 diensten zijn van mensen die nu in een ander team zitten." in page
    # Only a shift can be taken off in the old team's grid: no link on a free day of that row.
    assert f"employee={world.anna.id}&amp;date={MON.isoformat()}" in page
    history = db.session.scalars(select(RosterChange).where(RosterChange.message == "moved_team")).all()
    assert sorted(dt.date.fromisoformat(c.params["day"]) for c in history) == [WED, THU, FRI]
    assert "Anna Smit zit nu in Team B, maar staat op woensdag 9 december nog in dit rooster." in history[0].detail


def test_the_planners_all_teams_page_shows_the_moved_shifts_in_the_old_grid_only(client, login, world):
    move(world.anna, world.team_b)
    login(world.planner)
    response = client.get(f"/rooster/?week={WEEK}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    grid_a = page.split(f'id="team-{world.team.id}"')[1].split('id="team-')[0]
    grid_b = page.split(f'id="team-{world.team_b.id}"')[-1]
    assert "Rijnstraat 8" in cell_of(grid_a, world.anna, THU) and "nu in Team B" in grid_a
    assert "Rijnstraat 8" not in cell_of(grid_b, world.anna, THU)  # her row in team B: team B's shifts only
    overview = page.split('class="table team-overview"')[1].split("</table>")[0]
    assert "3 diensten van mensen in een ander team" in overview


def test_a_hand_edit_takes_a_moved_persons_shift_off_and_publishing_calls_it_off(client, login, world):
    move(world.anna, world.team_b)
    login(world.team_leader)
    form = client.get(f"/rooster/cel?week={WEEK}&team={world.team.id}&employee={world.anna.id}&date={THU}")
    assert form.status_code == 200
    assert "Anna Smit zit nu in Team B" in form.get_data(as_text=True)
    assert client.get(f"/rooster/cel?week={WEEK}&team={world.team.id}&employee={world.anna.id}"
                      f"&date=2026-12-12").status_code == 404  # a free day of hers: nothing to do here
    roster = roster_of(world)
    with pytest.raises(service.ServiceError):  # only taken off, not given other work here
        service.set_cell(WEEK, world.team.id, world.anna.id, THU, world.req.id, lock_version=roster.lock_version)
    service.set_cell(WEEK, world.team.id, world.anna.id, THU, None, lock_version=roster.lock_version)
    counts = service.publish(roster_of(world))
    assert counts["cancelled"] == 1
    shifts = told(world)
    assert [shifts[d].cancelled for d in DAYS] == [False, False, False, True, False]  # Friday: told, stands


def test_a_moved_persons_days_gone_by_stay_told_when_a_repair_took_them_off(world):
    """A repair of the old team leaves the person out of its Problem: their rows go, Monday's too."""
    move(world.anna, world.team_b)
    roster = roster_of(world)
    for a in list(roster.assignments):
        db.session.delete(a)
    roster.has_unpublished_changes = True
    db.session.commit()
    counts = service.publish(roster_of(world))
    assert counts["cancelled"] == 3
    assert [told(world)[d].cancelled for d in DAYS] == [False, False, True, True, True]


def test_the_new_team_cannot_plan_a_day_the_old_teams_roster_still_holds(world):
    move(world.anna, world.team_b)
    with pytest.raises(service.ServiceError, match="staat op donderdag 10 december nog in het rooster van Team A"):
        service.set_cell(WEEK, world.team_b.id, world.anna.id, THU, None, lock_version=0)
    assert len(roster_of(world).assignments) == 5


def test_a_changed_shift_of_a_moved_person_is_held_at_publish(world):
    move(world.anna, world.team_b)
    world.req.start_minute = 10 * 60
    db.session.commit()
    counts = service.publish(roster_of(world))
    assert (counts["moved"], counts["changed"], counts["cancelled"]) == (3, 0, 0)
    assert [told(world)[d].start_minute for d in DAYS] == [9 * 60] * 5


# --- 3. a place outside the team's region ----------------------------------------------------


def test_a_request_moved_out_of_the_region_is_flagged_and_held(client, login, world):
    world.req.location_id = world.far.id
    service.mark_shifts_outside_region(request_id=world.req.id)
    db.session.commit()
    login(world.planner)
    page = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    assert ["let op: buiten de regio" in cell_of(page, world.anna, d) for d in DAYS] == [False] * 2 + [True] * 3
    assert "3 diensten zijn op een plek buiten de regio van het team" in page
    overview = client.get(f"/rooster/?week={WEEK}").get_data(as_text=True).split("team-overview")[1]
    assert "3 diensten buiten de regio" in overview.split("</table>")[0]
    lines = db.session.scalars(select(RosterChange).where(RosterChange.message == "outside_region")).all()
    assert len(lines) == 3
    response = client.post("/rooster/publiceren", data={"week": WEEK, "team": world.team.id,
                                                        "lock_version": roster_of(world).lock_version},
                           follow_redirects=True)
    said = response.get_data(as_text=True)
    # Only held back: no empty version (QA round 16).
    assert "Er is niets gepubliceerd: alle wijzigingen zijn tegengehouden." in said
    assert "3 nieuwe of gewijzigde diensten zijn niet gepubliceerd: de plek ligt buiten de regio van het team." in said
    assert {told(world)[d].location_id for d in DAYS} == {world.home.id}


def test_a_place_moved_to_another_region_flags_its_shifts(client, login, world):
    world.home.region = "Apeldoorn"
    service.mark_shifts_outside_region(location_id=world.home.id)
    db.session.commit()
    login(world.team_leader)
    page = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    assert "let op: buiten de regio" in cell_of(page, world.anna, THU)
    # What was told is the same place: nothing new to hold or tell.
    counts = service.publish(roster_of(world))
    assert (counts["changed"], counts["cancelled"], counts.get("region", 0)) == (0, 0, 0)


# --- 4. work, places and hours that no longer fit -----------------------------------------------


@pytest.mark.parametrize("change, tag", [("work_types", "werksoorten"), ("allowed_locations", "locaties")])
def test_work_or_places_taken_away_flag_the_shifts_like_working_hours_do(client, login, world, change, tag):
    if change == "work_types":
        world.anna.work_types = [world.other_wt]
    else:
        world.anna.allowed_locations = [world.nearby]
    service.mark_unworkable_shifts(world.anna, [change])
    db.session.commit()
    lines = db.session.scalars(select(RosterChange).where(RosterChange.message.in_(
        ["work_type_dropped", "location_dropped"]))).all()
    assert sorted(dt.date.fromisoformat(c.params["day"]) for c in lines) == [WED, THU, FRI]
    assert f"De {tag} van Anna Smit zijn veranderd" in lines[0].detail
    service.mark_unworkable_shifts(world.anna, [change])  # a second edit repeats nothing
    assert len(db.session.scalars(select(RosterChange).where(RosterChange.message == lines[0].message)).all()) == 3
    login(world.planner)
    page = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    flagged = ["let op: werk of plek past niet meer" in cell_of(page, world.anna, d) for d in DAYS]
    assert flagged == [False] * 2 + [True] * 3
    assert "3 diensten passen niet meer bij de werksoorten of de locaties van de medewerkers" in page
    overview = client.get(f"/rooster/?week={WEEK}").get_data(as_text=True).split("team-overview")[1]
    assert "3 diensten die niet meer passen bij werk of plek" in overview.split("</table>")[0]
    form = client.get(f"/rooster/cel?week={WEEK}&team={world.team.id}&employee={world.anna.id}&date={THU}")
    why = "niet de werksoort" if change == "work_types" else "niet een locatie"
    assert f"(past niet meer: {why} van de medewerker)" in form.get_data(as_text=True)


def test_the_import_names_its_changes_otherwise_and_is_heard_too(world):
    world.anna.allowed_locations = [world.nearby]
    service.mark_unworkable_shifts(world.anna, ["locations"])
    assert db.session.scalars(select(RosterChange).where(RosterChange.message == "location_dropped")).all()


def test_lower_contract_hours_are_noted_and_named_under_let_op(client, login, world):
    world.anna.contract_minutes = 20 * 60  # five shifts of 5.5 hours: 27.5
    service.mark_unworkable_shifts(world.anna, ["contract_minutes"])
    db.session.commit()
    line = db.session.scalars(select(RosterChange).where(RosterChange.message == "over_contract")).one()
    assert line.detail == ("De contracturen van Anna Smit zijn verlaagd: in week 2026-W50 staat meer werk "
                           "ingepland dan het contract. Pas het rooster aan.")
    login(world.planner)
    page = client.get(f"/rooster/?week={WEEK}").get_data(as_text=True)
    assert "1 medewerker meer uren dan het contract" in page.split("team-overview")[1].split("</table>")[0]
    team_page = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    assert "1 medewerker staat deze week langer ingepland dan het contract." in team_page
    # Not held: which of the week's shifts is one too many is the team leader's to say.
    world.req.start_minute = 10 * 60
    db.session.commit()
    assert service.publish(roster_of(world))["changed"] == 3


# --- 5. "gewijzigd" where place or times changed under the same request --------------------------


def test_changed_times_of_the_same_request_mark_the_cells_still_to_come(client, login, world):
    world.req.start_minute = 10 * 60
    db.session.commit()
    login(world.team_leader)
    page = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    assert 'Gewijzigde diensten zijn gemarkeerd met "gewijzigd"' in page
    assert ["gewijzigd" in cell_of(page, world.anna, d) for d in DAYS] == [False, False, True, True, True]
