"""A team leader's working time in the app (the Arbeidstijdenwet): 11 hours of rest between the
days they lead and at most 12 hours a day at one place, kept by a hand edit, said in the leader's
choice and in a refused edit."""
from __future__ import annotations

import datetime as dt
import pytest
from sqlalchemy import select, update

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, Roster, SupervisionAssignment

from .test_rosters_leader_choice import form_values

WEEK = "2026-W50"
# Written when 2026-W50 was to come: the app's clock stays before its Monday's work.
pytestmark = pytest.mark.usefixtures("before_work_on_7_december")
MON = dt.date(2026, 12, 7)
SAT, SUN = MON + dt.timedelta(days=5), MON + dt.timedelta(days=6)
ALL_WEEK = (1, 2, 3, 4, 5, 6, 7)
ALL_DAY = ("00:00", "24:00")


@pytest.fixture
def world(make):
    """Team Nacht with its own leader Tineke and the region's stand-in Ina, both free all day every
    day; a late shift on Saturday until midnight, a night shift on Sunday from 01:00, and a day
    shift on Sunday at the same place."""
    wt = make.work_type("carwash")
    team = make.team("Den Haag", name="Team Nacht")
    tineke = make.supervisor(team, work_types=[wt], weekdays=ALL_WEEK, window=ALL_DAY, name="Tineke Teamleider")
    ina = make.supervisor(None, region="Den Haag", work_types=[wt], weekdays=ALL_WEEK, window=ALL_DAY,
                          name="Ina Invaller")
    anna, bram, cees = (make.employee(team, work_types=[wt], weekdays=ALL_WEEK, window=ALL_DAY,
                                      first_name=n, last_name="Test") for n in ("Anna", "Bram", "Cees"))
    location = make.location("Den Haag", name="Garage Rijnstraat")
    late = make.request(location, wt, weekdays="6", start_minute=16 * 60, end_minute=24 * 60, headcount=1)
    night = make.request(location, wt, weekdays="7", start_minute=60, end_minute=9 * 60, headcount=1)
    day = make.request(location, wt, weekdays="7", start_minute=9 * 60, end_minute=17 * 60, headcount=1)
    planner = make.user("planner")
    db.session.commit()
    return type("World", (), dict(team=team, tineke=tineke, ina=ina, anna=anna, bram=bram, cees=cees,
                                  location=location, late=late, night=night, day=day, planner=planner))


def _shift(world, person, day, request, leader=None) -> None:
    roster = planning.get_or_create_roster(WEEK, world.team.id)
    db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=day, request_id=request.id))
    if leader is not None:
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=leader.id, date=day,
                                             location_id=world.location.id, team_id=world.team.id))
    db.session.commit()


def _edit(client, world, person, day, request):
    roster = db.session.scalar(select(Roster).where(Roster.week == WEEK, Roster.team_id == world.team.id))
    return client.post("/rooster/cel", data={
        "week": WEEK, "team": world.team.id, "employee": person.id, "date": day.isoformat(),
        "request": str(request.id), "lock_version": roster.lock_version,
    })


def _leader_on(world, day) -> int | None:
    db.session.expire_all()
    return db.session.scalar(select(SupervisionAssignment.supervisor_id).where(
        SupervisionAssignment.team_id == world.team.id, SupervisionAssignment.date == day))


def _element(page: str, element_id: str, end: str = "</td>") -> str:
    """The page from the element with this id to its end tag (a grid cell, an overview line)."""
    rest = page[page.index(f'id="{element_id}"'):]
    return rest[:rest.index(end)]


def _leader_url(world, day) -> str:
    return f"/rooster/leider?week={WEEK}&team={world.team.id}&date={day.isoformat()}&location={world.location.id}"


def test_the_problem_keeps_a_leaders_day_within_twelve_hours(world):
    problem, _ = planning.build_problem(WEEK, [world.team.id])
    assert problem.max_supervision_minutes == 12 * 60
    assert problem.min_rest_minutes == 11 * 60


def test_a_hand_edit_has_the_stand_in_lead_after_a_leaders_late_saturday(client, login, world):
    """Tineke led until 24:00 on Saturday: the night from 01:00 on Sunday goes to the free stand-in,
    not to the team's own leader without rest."""
    _shift(world, world.anna, SAT, world.late, leader=world.tineke)
    login(world.planner)
    response = _edit(client, world, world.bram, SUN, world.night)
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:2000]
    assert _leader_on(world, SUN) == world.ina.id
    assert _leader_on(world, SAT) == world.tineke.id


def test_the_leader_choice_flags_and_refuses_a_leader_without_rest(client, login, world):
    _shift(world, world.anna, SAT, world.late, leader=world.tineke)
    _shift(world, world.bram, SUN, world.night, leader=world.ina)
    login(world.planner)
    page = client.get(_leader_url(world, SUN)).get_data(as_text=True)
    assert "Tineke Teamleider (heeft dan geen 11 uur rust tussen twee werkdagen)" in page
    response = client.post("/rooster/leider", data={**form_values(page), "supervisor": str(world.tineke.id)})
    text = response.get_data(as_text=True)
    assert "Dit kan niet: Tineke Teamleider heeft dan geen 11 uur rust tussen twee werkdagen." in text, text[:3000]
    assert _leader_on(world, SUN) == world.ina.id


def test_the_leader_choice_flags_a_day_longer_than_twelve_hours(client, login, world):
    """Sunday's team day at the place runs from 01:00 to 17:00: whoever else leads it works 16 hours."""
    _shift(world, world.bram, SUN, world.night, leader=world.ina)
    roster = planning.get_or_create_roster(WEEK, world.team.id)
    db.session.add(Assignment(roster_id=roster.id, employee_id=world.cees.id, date=SUN, request_id=world.day.id))
    db.session.commit()
    login(world.planner)
    page = client.get(_leader_url(world, SUN)).get_data(as_text=True)
    assert "Tineke Teamleider (zou op zondag 13 december langer dan 12 uur werken)" in page


def test_an_edit_making_a_leaders_day_too_long_names_the_rule(client, login, world):
    _shift(world, world.bram, SUN, world.night, leader=world.tineke)
    login(world.planner)
    response = _edit(client, world, world.cees, SUN, world.day)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ("Dit kan niet: de werkdag van teamleider Tineke Teamleider wordt op zondag 13 december langer dan "
            "12 uur (Arbeidstijdenwet).") in text, text[:3000]
    assert db.session.scalar(select(Assignment.id).where(Assignment.employee_id == world.cees.id)) is None


def test_a_leader_keeps_rest_after_leading_late_on_the_sunday_before(world, make):
    """Tineke led a shift until 23:00 on the Sunday before the week (another week's roster): on
    Monday she cannot lead before 10:00; the stand-in, who led nothing, can."""
    before = MON - dt.timedelta(days=1)
    evening = make.request(world.location, world.late.work_type, weekdays="7", start_date=before, end_date=before,
                           start_minute=15 * 60, end_minute=23 * 60, headcount=1)
    roster = planning.get_or_create_roster("2026-W49", world.team.id)
    db.session.add(Assignment(roster_id=roster.id, employee_id=world.anna.id, date=before, request_id=evening.id))
    db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=world.tineke.id, date=before,
                                         location_id=world.location.id, team_id=world.team.id))
    db.session.commit()
    problem, _ = planning.build_problem(WEEK, [world.team.id])
    leaders = {s.id: s.availability for s in problem.supervisors}
    assert leaders[f"s-{world.tineke.id}"][MON] == ((10 * 60, 24 * 60),)  # 23:00 + 11 hours
    assert leaders[f"s-{world.ina.id}"][MON] == ((0, 24 * 60),)
    assert leaders[f"s-{world.tineke.id}"][MON + dt.timedelta(days=1)] == ((0, 24 * 60),)


def test_the_grid_warns_of_a_leader_without_rest_or_with_a_too_long_day(client, login, world):
    _shift(world, world.anna, SAT, world.late, leader=world.tineke)
    _shift(world, world.bram, SUN, world.night, leader=world.tineke)
    login(world.planner)
    grid = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    sunday = _element(grid, f"cel-leider-{world.team.id}-{SUN.isoformat()}-{world.location.id}")
    assert "let op: te weinig rust" in sunday
    roster = planning.get_or_create_roster(WEEK, world.team.id)
    db.session.add(Assignment(roster_id=roster.id, employee_id=world.cees.id, date=SUN, request_id=world.day.id))
    db.session.commit()
    grid = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    assert "let op: langer dan 12 uur" in grid


def test_a_stand_in_keeps_rest_around_what_she_leads_for_another_team_this_week(world, make):
    """Ina, the region's stand-in, leads team Dag until 23:00 on Tuesday and from 06:00 on Thursday
    (that team's roster, outside this Problem): planning team Nacht, she cannot lead on Tuesday or
    Thursday at all (one place a day), on Wednesday only from 10:00 to 19:00 (11 hours' rest on
    either side), on Friday from 01:00; Monday stays whole (Tuesday starts at 15:00)."""
    tue, wed, thu = MON + dt.timedelta(days=1), MON + dt.timedelta(days=2), MON + dt.timedelta(days=3)
    wt = world.late.work_type
    other = make.team("Den Haag", name="Team Dag")
    worker = make.employee(other, work_types=[wt], weekdays=ALL_WEEK, window=ALL_DAY, first_name="Dirk",
                           last_name="Test")
    late = make.request(world.location, wt, weekdays="2", start_minute=15 * 60, end_minute=23 * 60, headcount=1)
    early = make.request(world.location, wt, weekdays="4", start_minute=6 * 60, end_minute=14 * 60, headcount=1)
    roster = planning.get_or_create_roster(WEEK, other.id)
    for day, request in ((tue, late), (thu, early)):
        db.session.add(Assignment(roster_id=roster.id, employee_id=worker.id, date=day, request_id=request.id))
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=world.ina.id, date=day,
                                             location_id=world.location.id, team_id=other.id))
    db.session.commit()
    problem, _ = planning.build_problem(WEEK, [world.team.id])
    ina = {s.id: s.availability for s in problem.supervisors}[f"s-{world.ina.id}"]
    assert tue not in ina and thu not in ina
    assert ina[wed] == ((10 * 60, 19 * 60),)  # 23:00 + 11 hours; 06:00 - 11 hours
    assert ina[MON] == ((0, 24 * 60),)
    assert ina[MON + dt.timedelta(days=4)] == ((60, 24 * 60),)  # Thursday's 14:00 + 11 hours


def _ina_leads_team_dag_late_on_saturday(world, make):
    """Team Dag's roster (not team Nacht's): Dirk works Saturday's late shift, Ina leads it."""
    other = make.team("Den Haag", name="Team Dag")
    worker = make.employee(other, work_types=[world.late.work_type], weekdays=ALL_WEEK, window=ALL_DAY,
                           first_name="Dirk", last_name="Test")
    roster = planning.get_or_create_roster(WEEK, other.id)
    db.session.add(Assignment(roster_id=roster.id, employee_id=worker.id, date=SAT, request_id=world.late.id))
    db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=world.ina.id, date=SAT,
                                         location_id=world.location.id, team_id=other.id))
    db.session.commit()
    return other


def test_the_grid_counts_what_a_stand_in_leads_in_a_roster_not_on_the_page(client, login, world, make):
    """Ina leads team Dag until midnight on Saturday and team Nacht from 01:00 on Sunday: each team's
    own grid warns, though the other roster is not on its page."""
    other = _ina_leads_team_dag_late_on_saturday(world, make)
    _shift(world, world.bram, SUN, world.night, leader=world.ina)
    login(world.planner)
    for team, day in ((world.team, SUN), (other, SAT)):
        grid = client.get(f"/rooster/?week={WEEK}&team={team.id}").get_data(as_text=True)
        cell = _element(grid, f"cel-leider-{team.id}-{day.isoformat()}-{world.location.id}")
        assert "let op: te weinig rust" in cell, team.name
    # With a night's rest between, neither warns.
    db.session.execute(update(SupervisionAssignment).where(SupervisionAssignment.date == SUN)
                       .values(supervisor_id=world.tineke.id))
    db.session.commit()
    for team in (world.team, other):
        assert "let op: te weinig rust" not in client.get(f"/rooster/?week={WEEK}&team={team.id}").get_data(as_text=True)


def test_the_leader_choice_says_rest_for_what_a_stand_in_leads_in_another_teams_roster(client, login, world, make):
    """Ina leads team Dag until midnight on Saturday: for team Nacht's night shift from 01:00 on
    Sunday she is refused for her rest, not as "not free or cannot lead this work"."""
    other = _ina_leads_team_dag_late_on_saturday(world, make)
    _shift(world, world.bram, SUN, world.night, leader=world.tineke)
    login(world.planner)
    page = client.get(_leader_url(world, SUN)).get_data(as_text=True)
    assert "Ina Invaller (invaller) (heeft dan geen 11 uur rust tussen twee werkdagen)" in page
    response = client.post("/rooster/leider", data={**form_values(page), "supervisor": str(world.ina.id)})
    assert "Dit kan niet: Ina Invaller heeft dan geen 11 uur rust tussen twee werkdagen." in response.get_data(as_text=True)
    assert _leader_on(world, SUN) == world.tineke.id


def test_the_grid_flags_an_employees_shift_without_rest_after_the_times_changed(client, login, world, make):
    """Anna's late Saturday ends at 24:00; her Sunday starts at 11:00 (11 hours' rest). The ministry
    moves Sunday's start to 09:00: the grid marks Sunday's shift, the page says why, and the
    overview's line counts it (a QA pass found nothing said anywhere)."""
    make.team("Den Haag", name="Team Dag")  # two teams: the page has an overview line per team
    world.day.start_minute = 11 * 60
    _shift(world, world.anna, SAT, world.late, leader=world.tineke)
    _shift(world, world.anna, SUN, world.day)
    login(world.planner)

    def grid():
        page = client.get(f"/rooster/?week={WEEK}").get_data(as_text=True)
        return page, _element(page, f"cel-{world.anna.id}-{SUN.isoformat()}")

    page, sunday = grid()
    assert "let op: te weinig rust" not in sunday
    assert "geen 11 uur rust" not in client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    world.day.start_minute = 9 * 60
    db.session.commit()
    page, sunday = grid()
    assert "let op: te weinig rust" in sunday
    team_page = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    assert "1 dienst geeft de medewerker geen 11 uur rust tussen twee werkdagen" in team_page
    assert "1 dienst met te weinig rust" in _element(page, f"overzicht-team-{world.team.id}", "</tr>")
    # Anna ill on Saturday: that shift will not be worked, so Sunday owes it no rest.
    make.absence(employee=world.anna, start=SAT, kind="ziek")
    db.session.commit()
    page, sunday = grid()
    assert "let op: te weinig rust" not in sunday
    assert "met te weinig rust" not in page


def test_the_overview_names_a_leader_without_rest(client, login, world, make):
    make.team("Den Haag", name="Team Dag")
    _shift(world, world.anna, SAT, world.late, leader=world.tineke)
    _shift(world, world.bram, SUN, world.night, leader=world.tineke)
    login(world.planner)
    page = client.get(f"/rooster/?week={WEEK}").get_data(as_text=True)
    assert "teamleider met te weinig rust of een te lange dag" in _element(
        page, f"overzicht-team-{world.team.id}", "</tr>")


def test_publishing_holds_a_changed_shift_that_leaves_no_rest(client, login, world):
    """Told Saturday 16:00-24:00 and Sunday from 11:00 (11 hours' rest); the ministry moves Sunday's
    start to 09:00: publishing again does not tell it (Anna keeps 11:00) and says why."""
    from binnenwerk.models import PublishedShift

    world.day.start_minute = 11 * 60
    _shift(world, world.anna, SAT, world.late, leader=world.tineke)
    _shift(world, world.anna, SUN, world.day, leader=world.tineke)
    login(world.planner)

    def publish():
        roster = db.session.scalar(select(Roster).where(Roster.week == WEEK, Roster.team_id == world.team.id))
        return client.post("/rooster/publiceren", data={"week": WEEK, "team": world.team.id,
                                                         "lock_version": roster.lock_version}, follow_redirects=True)

    def told_sunday():
        db.session.expire_all()
        return db.session.scalar(select(PublishedShift.start_minute).where(
            PublishedShift.employee_id == world.anna.id, PublishedShift.date == SUN))

    assert "geen 11 uur rust" not in publish().get_data(as_text=True)
    assert told_sunday() == 11 * 60
    world.day.start_minute = 9 * 60
    db.session.commit()
    said = publish().get_data(as_text=True)
    assert ("1 nieuwe of gewijzigde dienst geeft de medewerker geen 11 uur rust tussen twee werkdagen en is niet "
            "gepubliceerd.") in said
    assert told_sunday() == 11 * 60
