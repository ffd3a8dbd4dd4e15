"""The roster grid shows what publishing does (QA 16): a day the ministry dropped and that was
published as called off is shown called off, not as changed work; and shifts publishing holds back
(outside the working hours, say) count neither as planned for the request nor in the hours, as
the ministry's page does not count them."""
from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, Roster, SupervisionAssignment
from binnenwerk.rosters import view
from binnenwerk.services import reports
from binnenwerk.services import rosters as service

# The app's clock: Monday 7 December 2026, 07:00; the week below is still to come.
pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

WEEK = "2026-W51"
MON, TUE, WED, THU, FRI = (dt.date(2026, 12, 14) + dt.timedelta(days=n) for n in range(5))
DAYS = (MON, TUE, WED, THU, FRI)


@pytest.fixture
def world(make):
    """Team A (Den Haag): Jan and Rosa on a one-week request for two people, 09:30-13:30 without
    a break, Monday to Friday; the roster published. Their working hours: 09:00-17:00."""
    wt = make.work_type("support", name_nl="Gebouwondersteuning", name_en="Building support")
    home = make.location("Den Haag", name="Rijnstraat 8")
    team = make.team("Den Haag", name="Team A")
    leader = make.supervisor(team, work_types=[wt], name="Tineke")
    jan = make.employee(team, work_types=[wt], first_name="Jan", last_name="Peters", window=("09:00", "17:00"))
    rosa = make.employee(team, work_types=[wt], first_name="Rosa", last_name="Hendriks", window=("09:00", "17:00"))
    req = make.request(home, wt, weekdays="12345", headcount=2, start_date=MON, end_date=FRI,
                       start_minute=9 * 60 + 30, end_minute=13 * 60 + 30, break_minutes=0)
    roster = Roster(week=WEEK, team=team)
    db.session.add(roster)
    db.session.flush()
    for day in DAYS:
        for person in (jan, rosa):
            db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=day, request_id=req.id))
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=leader.id, date=day,
                                             location_id=home.id, team_id=team.id))
    team_leader = make.user("team_leader", teams=[team], name="Tineke")
    db.session.commit()
    service.publish(db.session.get(Roster, roster.id))
    db.session.commit()
    return SimpleNamespace(team=team, jan=jan, rosa=rosa, req=req, roster_id=roster.id, team_leader=team_leader)


def cell(page: str, person, day: dt.date) -> str:
    """The grid cell's HTML of that person and day."""
    found = re.search(rf'<td id="cel-{person.id}-{day.isoformat()}"[^>]*>(.*?)</td>', page, re.S)
    assert found, (person, day)
    return found.group(1)


def hours(page: str, person) -> str:
    """The hours column of the person's row: "planned (contract)"."""
    row = re.search(rf'<td id="cel-{person.id}-{FRI.isoformat()}".*?<td class="hours[^"]*">(.*?)</td>', page, re.S)
    assert row, person
    return re.sub(r"<[^>]+>.*", "", row.group(1)).strip()


def grid(client, world) -> str:
    return client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)


def test_a_dropped_day_published_shows_called_off_in_the_grid_and_the_printout(client, login, world):
    login(world.team_leader)
    world.req.weekdays = "1245"  # the ministry no longer asks for Wednesday
    db.session.commit()
    page = grid(client, world)
    for person in (world.jan, world.rosa):
        before = cell(page, person, WED)
        assert "let op: niet meer gevraagd" in before and "gewijzigd" not in before
    counts = service.publish(db.session.get(Roster, world.roster_id))
    db.session.commit()
    assert counts["cancelled"] == 2
    page = grid(client, world)
    assert "gepubliceerd versie 2" in page
    for person in (world.jan, world.rosa):
        after = cell(page, person, WED)
        assert "gaat niet door" in after
        assert "gewijzigd" not in after and "niet meer gevraagd" not in after
        assert 'class="shift"' not in after and "filled" not in page.split(f'id="cel-{person.id}-{WED}"')[1][:60]
        # The roster still holds the row: its form clears it.
        assert f"employee={person.id}&amp;date={WED.isoformat()}" in after
        # The other days are work as told.
        assert 'class="shift"' in cell(page, person, TUE) and "gaat niet door" not in cell(page, person, TUE)
    printed = client.get(f"/rooster/afdrukken?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    for person in (world.jan, world.rosa):
        assert "gaat niet door" in cell(printed, person, WED)
        assert "gewijzigd" not in cell(printed, person, WED)


def test_shifts_outside_the_working_hours_count_neither_as_planned_nor_in_the_hours(client, login, world):
    login(world.team_leader)
    page = grid(client, world)
    assert "2 van 2" in page and hours(page, world.jan).startswith("20 ")
    # The ministry moves the times to 08:00-12:00: before Jan's and Rosa's working hours.
    world.req.start_minute, world.req.end_minute = 8 * 60, 12 * 60
    db.session.commit()
    page = grid(client, world)
    assert page.count("let op: niet beschikbaar") == 10
    assert "2 van 2" not in page and page.count("0 van 2") == 5
    assert hours(page, world.jan).startswith("0 ") and hours(page, world.rosa).startswith("0 ")
    assert "gaan niet mee bij publiceren" in page  # the shortfall panel says why
    # As the ministry sees it after publishing: not covered on any day.
    service.publish(db.session.get(Roster, world.roster_id))
    db.session.commit()
    plan = [d for r in reports.ministry_plan(world.req.ministry_id, MON, FRI) for d in r.days]
    assert plan and not any(d.covered for d in plan)
    # The region's and the job's count of short days is the grid's.
    assert view.count_short_days(WEEK, world.team.id) == 5
    assert view.count_short_days(WEEK, None) == 5


def test_a_held_shift_told_as_the_roster_holds_it_still_counts(client, login, world):
    """Jan's working hours no longer include Tuesday: publishing holds his Tuesday back, but
    what he was told stands as the roster holds it, and the ministry counts him."""
    login(world.team_leader)
    world.jan.availability = [slot for slot in world.jan.availability if slot.weekday != 2]
    db.session.commit()
    page = grid(client, world)
    assert "let op: niet beschikbaar" in cell(page, world.jan, TUE)
    assert page.count("2 van 2") == 5 and hours(page, world.jan).startswith("20 ")
    plan = {d.date: d for r in reports.ministry_plan(world.req.ministry_id, MON, FRI) for d in r.days}
    assert plan[TUE].covered


def test_a_held_shift_never_told_does_not_count(client, login, world):
    """A shift added on Saturday outside Rosa's working days would not be told: not planned."""
    login(world.team_leader)
    world.req.weekdays, world.req.headcount = "123456", 1
    world.req.end_date = FRI + dt.timedelta(days=1)
    db.session.add(Assignment(roster_id=world.roster_id, employee_id=world.rosa.id,
                              date=FRI + dt.timedelta(days=1), request_id=world.req.id))
    db.session.commit()
    page = grid(client, world)
    assert "let op: niet beschikbaar" in cell(page, world.rosa, FRI + dt.timedelta(days=1))
    assert "0 van 1" in page and hours(page, world.rosa).startswith("20 ")


def table_row(page: str, times: str) -> list[str]:
    """The requests' table cells ("x van y") of the request with these times, Monday to Friday."""
    row = re.search(rf"<th scope=\"row\">[^<]*{times}</th>(.*?)</tr>", page, re.S)
    assert row, times
    return [re.sub(r"<[^>]+>", "", found).strip() for found in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def test_a_shift_without_rest_is_not_planned_for_its_request_nor_in_the_hours(client, login, world, make):
    """Piet works Monday until 23:00 and is planned Tuesday from 07:00: eight hours' rest. Tuesday
    is tagged and publishing would hold it: its request is short, and his hours leave it out."""
    login(world.team_leader)
    wt, home = world.req.work_type, world.req.location
    piet = make.employee(world.team, work_types=[wt], first_name="Piet", last_name="Jansen", window=("06:00", "23:30"))
    late = make.request(home, wt, weekdays="1", headcount=1, start_date=MON, end_date=FRI,
                        start_minute=15 * 60, end_minute=23 * 60, break_minutes=0)
    early = make.request(home, wt, weekdays="2", headcount=1, start_date=MON, end_date=FRI,
                         start_minute=7 * 60, end_minute=11 * 60, break_minutes=0)
    db.session.add(Assignment(roster_id=world.roster_id, employee_id=piet.id, date=MON, request_id=late.id))
    db.session.add(Assignment(roster_id=world.roster_id, employee_id=piet.id, date=TUE, request_id=early.id))
    db.session.commit()
    page = grid(client, world)
    assert "let op: te weinig rust" in cell(page, piet, TUE)
    assert "te weinig rust" not in cell(page, piet, MON)
    assert table_row(page, "15:00–23:00")[0].startswith("1 van 1")
    assert table_row(page, "07:00–11:00")[1].startswith("0 van 1")
    assert hours(page, piet).startswith("8 ")
    assert service.publish(db.session.get(Roster, world.roster_id)).get(service.NO_REST) == 1


def test_a_request_moved_out_of_the_region_is_not_planned_there(client, login, world, make):
    """The ministry moves its request to Apeldoorn: the team's shifts there are held (what was
    told, Rijnstraat 8, stands), so the request counts nobody planned."""
    login(world.team_leader)
    world.req.location = make.location("Apeldoorn", name="Kennedylaan 9", ministry=world.req.ministry)
    db.session.commit()
    page = client.get(f"/rooster/?week={WEEK}&team={world.team.id}&regio=alle").get_data(as_text=True)
    assert "let op: buiten de regio" in cell(page, world.jan, MON)
    assert hours(page, world.jan).startswith("0 ")
    assert [d for r in view.load_request_days(WEEK, {"Apeldoorn"}) for d in r.planned.values()] == [0] * 5


def test_an_overview_line_counts_the_hours_as_the_grid(app, world):
    """A team's line (no grid on the page) reads no told shifts after today, yet counts a held
    shift told as it stands in the hours, as the grid does, and a held one not told so not."""
    world.jan.availability = [slot for slot in world.jan.availability if slot.weekday != 2]  # told: stands
    world.rosa.max_minutes_per_day = 3 * 60  # every day too long: told, stands
    world.req.weekdays = "12345"
    db.session.commit()
    with app.test_request_context():
        line = view.load_week(WEEK, [world.team], grids=[])["teams"][0]
        full = view.load_week(WEEK, [world.team])["teams"][0]
    assert line.minutes == full.minutes == {world.jan.id: 20 * 60, world.rosa.id: 20 * 60}
    world.req.start_minute = 8 * 60  # now nothing is told as it stands: all held
    db.session.commit()
    with app.test_request_context():
        line = view.load_week(WEEK, [world.team], grids=[])["teams"][0]
        full = view.load_week(WEEK, [world.team])["teams"][0]
    assert line.minutes == full.minutes == {}


# QA 16's regression pass: the grid took publishing's holds from a rule of its own, which
# disagreed with publishing. It now counts what publishing says will stand (publish_outcomes).


def shift_of(world, person, day: dt.date) -> Assignment:
    return db.session.scalar(db.select(Assignment).filter_by(roster_id=world.roster_id, employee_id=person.id, date=day))


def told_then_changed(world, person, told: dict, changed: dict) -> None:
    """Give the person these shifts (day -> request), publish, then change the roster to `changed`."""
    for day, request in told.items():
        db.session.add(Assignment(roster_id=world.roster_id, employee_id=person.id, date=day, request_id=request.id))
    db.session.commit()
    service.publish(db.session.get(Roster, world.roster_id))
    db.session.commit()
    for day, request in changed.items():
        shift_of(world, person, day).request_id = request.id
    db.session.commit()


def test_a_changed_pair_without_rest_is_held_on_both_days_as_publishing_holds_it(client, login, world, make):
    """Gijs was told 09:00-13:00 on Thursday and Friday. Thursday becomes 14:30-23:00 and Friday
    09:30-13:30: Friday lacks rest after Thursday, and Thursday lacks rest before what stands for
    Friday (told 09:00): publishing holds both. The grid tags both, counts Thursday's late request
    short, and counts the told 09:00-13:00 that stands on both days, in the hours too."""
    login(world.team_leader)
    wt, home = world.req.work_type, world.req.location
    gijs = make.employee(world.team, work_types=[wt], first_name="Gijs", last_name="Bakker", window=("06:00", "23:30"),
                         max_minutes_per_day=9 * 60)
    early = make.request(home, wt, weekdays="12345", headcount=1, start_date=MON, end_date=FRI,
                         start_minute=9 * 60, end_minute=13 * 60, break_minutes=0)
    late = make.request(home, wt, weekdays="4", headcount=1, start_date=MON, end_date=FRI,
                        start_minute=14 * 60 + 30, end_minute=23 * 60, break_minutes=0)
    told_then_changed(world, gijs, {THU: early, FRI: early}, {THU: late, FRI: world.req})
    counts = service._publish(db.session.get(Roster, world.roster_id), None, apply=False)
    assert counts.get(service.NO_REST) == 2
    page = grid(client, world)
    assert "let op: te weinig rust" in cell(page, gijs, THU)
    assert "let op: te weinig rust" in cell(page, gijs, FRI)
    assert table_row(page, "14:30–23:00")[3].startswith("0 van 1")
    assert table_row(page, "09:00–13:00")[3].startswith("1 van 1")
    assert table_row(page, "09:00–13:00")[4].startswith("1 van 1")
    assert hours(page, gijs).startswith("8 ")


def test_a_changed_day_before_an_unchanged_told_day_is_the_one_held(client, login, world, make):
    """Umut was told 09:00-13:00 every day; only Wednesday becomes 14:30-23:00. Publishing holds
    Wednesday (changed, less than 11 hours before his told Thursday) and tells Thursday as it
    was: the grid tags Wednesday, not Thursday, and counts his told Wednesday, not the late one."""
    login(world.team_leader)
    wt, home = world.req.work_type, world.req.location
    umut = make.employee(world.team, work_types=[wt], first_name="Umut", last_name="Demir", window=("06:00", "23:30"),
                         max_minutes_per_day=9 * 60)
    early = make.request(home, wt, weekdays="12345", headcount=1, start_date=MON, end_date=FRI,
                         start_minute=9 * 60, end_minute=13 * 60, break_minutes=0)
    late = make.request(home, wt, weekdays="3", headcount=1, start_date=MON, end_date=FRI,
                        start_minute=14 * 60 + 30, end_minute=23 * 60, break_minutes=0)
    told_then_changed(world, umut, {day: early for day in DAYS}, {WED: late})
    assert service._publish(db.session.get(Roster, world.roster_id), None, apply=False).get(service.NO_REST) == 1
    page = grid(client, world)
    assert "let op: te weinig rust" in cell(page, umut, WED)
    assert "te weinig rust" not in cell(page, umut, THU)
    assert table_row(page, "14:30–23:00")[2].startswith("0 van 1")
    assert [found[:7] for found in table_row(page, "09:00–13:00")] == ["1 van 1"] * 5
    assert hours(page, umut).startswith("20 ")


def test_a_held_change_leaves_the_told_shift_standing_and_counted(client, login, world, make):
    """Rosa was told 09:30-13:30 on Friday; her Friday changes to 14:00-18:00, past her working
    hours: publishing holds it, and what she was told stands, as she and the ministry see it. The
    grid counts her told Friday: the request is covered, and her hours are the week's 20."""
    login(world.team_leader)
    wt, home = world.req.work_type, world.req.location
    afternoon = make.request(home, wt, weekdays="5", headcount=1, start_date=MON, end_date=FRI,
                             start_minute=14 * 60, end_minute=18 * 60, break_minutes=0)
    told_then_changed(world, world.rosa, {}, {FRI: afternoon})
    page = grid(client, world)
    assert "let op: niet beschikbaar" in cell(page, world.rosa, FRI)
    assert table_row(page, "09:30–13:30")[4].startswith("2 van 2")
    assert table_row(page, "14:00–18:00")[4].startswith("0 van 1")
    assert hours(page, world.rosa).startswith("20 ")
    service.publish(db.session.get(Roster, world.roster_id))
    db.session.commit()
    plan = {d.date: d for r in reports.ministry_plan(world.req.ministry_id, MON, FRI) for d in r.days
            if r.request.id == world.req.id}
    assert plan[FRI].covered


def test_the_overview_reads_each_teams_people_once_for_the_lines_the_grids_and_the_table(app, world, make):
    """The all-teams view (one region's grids, every other team's line) counts the requests'
    table from what publishing decides for the shifts the grids and lines read already: it reads
    no region's people, their lists or working hours a second time, and the statements do not
    grow with the regions."""
    wt = world.req.work_type

    def region_team(region: str):
        team = make.team(region, name=f"Team {region}")
        place = make.location(region, name=f"Plein {region}", ministry=world.req.ministry)
        person = make.employee(team, work_types=[wt], window=("09:00", "17:00"))
        asked = make.request(place, wt, weekdays="12345", headcount=1, start_date=MON, end_date=FRI,
                             start_minute=8 * 60, end_minute=12 * 60, break_minutes=0)  # before their hours
        roster = Roster(week=WEEK, team=team)
        db.session.add(roster)
        db.session.flush()
        for day in DAYS:
            db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=day, request_id=asked.id))
        db.session.commit()
        return team

    def statements(teams) -> list[str]:
        read: list[str] = []
        assert all(team.region for team in teams)  # as the page has them (a commit expired them)
        listen = lambda *args: read.append(args[2])  # noqa: E731
        db.event.listen(db.engine, "before_cursor_execute", listen)
        try:
            with app.test_request_context():
                data = view.load_week(WEEK, teams, grids=[world.team])
        finally:
            db.event.remove(db.engine, "before_cursor_execute", listen)
        # Each other region's request: its one shift a day held (before the person's hours).
        assert [rd.planned for rd in data["request_days"] if rd.request.location.region != "Den Haag"] \
            == [{day: 0 for day in DAYS}] * (len(teams) - 1)
        return read

    teams = [world.team, region_team("Apeldoorn")]
    two = statements(teams)
    for table in ("employee", "employee_work_type", "employee_location", "availability_slot"):
        assert sum(bool(re.search(rf"\bFROM {table}\b", found)) for found in two) <= 2, table
    assert len(statements([*teams, region_team("Zwolle")])) == len(two)
