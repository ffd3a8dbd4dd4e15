"""Publishing and the 11 hours' rest when a ministry moves the times of two days in a row: of a
pair without rest that both change, the later is held (as the grid tags it) and the earlier told,
unless what stands for the later day would leave the earlier without rest too."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, FeedKind, PublishedShift, Roster, SupervisionAssignment
from binnenwerk.services import tokens

WEEK = "2026-W50"
# Written when 2026-W50 was to come: the app's clock stays before its Monday's work.
pytestmark = pytest.mark.usefixtures("before_work_on_7_december")
MON = dt.date(2026, 12, 7)
TUE, WED = MON + dt.timedelta(days=1), MON + dt.timedelta(days=2)
ALL_WEEK = (1, 2, 3, 4, 5, 6, 7)
HELD_ONE = ("1 nieuwe of gewijzigde dienst geeft de medewerker geen 11 uur rust tussen twee werkdagen en is niet "
            "gepubliceerd.")
HELD_TWO = ("2 nieuwe of gewijzigde diensten geven de medewerkers geen 11 uur rust tussen twee werkdagen en zijn "
            "niet gepubliceerd.")


def _minutes(text: str) -> int:
    return int(text[:2]) * 60 + int(text[3:])


@pytest.fixture
def world(make, client, login):
    """Ilse, free 06:00-23:00 every day, on a Tuesday request and a Wednesday request of the same
    garage (09:00-15:00 each unless a test says otherwise), with their team leader Tineke."""
    wt = make.work_type("carwash")
    team = make.team("Den Haag", name="Team Avond")
    leader = make.supervisor(team, work_types=[wt], weekdays=ALL_WEEK, window=("06:00", "23:30"),
                             name="Tineke Teamleider")
    ilse = make.employee(team, work_types=[wt], weekdays=ALL_WEEK, window=("06:00", "23:00"),
                         max_minutes_per_day=600, first_name="Ilse", last_name="Rust")
    location = make.location("Den Haag", name="Garage Rijnstraat")
    tuesday = make.request(location, wt, weekdays="2", break_minutes=0, headcount=1)
    wednesday = make.request(location, wt, weekdays="3", break_minutes=0, headcount=1)
    planner = make.user("planner")
    db.session.commit()
    roster = planning.get_or_create_roster(WEEK, team.id)
    for day, request in ((TUE, tuesday), (WED, wednesday)):
        db.session.add(Assignment(roster_id=roster.id, employee_id=ilse.id, date=day, request_id=request.id))
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=leader.id, date=day,
                                             location_id=location.id, team_id=team.id))
    db.session.commit()
    login(planner)
    return type("World", (), dict(team=team, ilse=ilse, tuesday=tuesday, wednesday=wednesday))


def _times(request, start: str, end: str) -> None:
    """The ministry moves the request's times."""
    request.start_minute, request.end_minute = _minutes(start), _minutes(end)
    db.session.commit()


def _publish(client, world) -> str:
    roster = db.session.scalar(select(Roster).where(Roster.week == WEEK, Roster.team_id == world.team.id))
    return client.post("/rooster/publiceren", data={"week": WEEK, "team": world.team.id,
                                                     "lock_version": roster.lock_version},
                       follow_redirects=True).get_data(as_text=True)


def _told(world) -> dict[dt.date, tuple[int, int]]:
    db.session.expire_all()
    return {p.date: (p.start_minute, p.end_minute) for p in db.session.scalars(select(PublishedShift).where(
        PublishedShift.employee_id == world.ilse.id, PublishedShift.cancelled.is_(False)))}


def _told_first(client, world, tuesday: tuple[str, str], wednesday: tuple[str, str]) -> None:
    """Publish the two days at these times first (they leave 11 hours' rest)."""
    _times(world.tuesday, *tuesday)
    _times(world.wednesday, *wednesday)
    assert "rust tussen twee werkdagen en" not in _publish(client, world)
    assert _told(world) == {TUE: tuple(map(_minutes, tuesday)), WED: tuple(map(_minutes, wednesday))}


def test_of_two_changed_days_without_rest_the_earlier_is_told_and_the_later_held(client, world):
    """Told Tuesday and Wednesday 09:00-15:00; the ministry moves Tuesday to 14:00-22:00 and
    Wednesday to 07:00-13:00 (9 hours between them). Wednesday is held (the grid tags the later
    day); Tuesday's new times leave 11 hours' rest before Wednesday's told 09:00, so they are told."""
    _told_first(client, world, ("09:00", "15:00"), ("09:00", "15:00"))
    _times(world.tuesday, "14:00", "22:00")
    _times(world.wednesday, "07:00", "13:00")
    said = _publish(client, world)
    assert HELD_ONE in said
    assert _told(world) == {TUE: (14 * 60, 22 * 60), WED: (9 * 60, 15 * 60)}
    token = tokens.issue(FeedKind.EMPLOYEE, world.ilse)
    db.session.commit()
    week_page = client.get(f"/week/{token}").get_data(as_text=True)
    tuesday = week_page.split(f'id="day-{TUE.isoformat()}"')[1].split("</article>")[0]
    wednesday = week_page.split(f'id="day-{WED.isoformat()}"')[1].split("</article>")[0]
    assert "Je werkt van 14:00 tot 22:00." in tuesday
    assert "Je werkt van 09:00 tot 15:00." in wednesday


def test_both_are_held_when_the_later_days_told_shift_leaves_the_earlier_no_rest(client, world):
    """Told Tuesday 09:00-15:00 and Wednesday 07:00-13:00; the ministry moves Tuesday to
    14:00-22:00 and Wednesday to 08:00-14:00. Holding Wednesday alone would tell Tuesday until
    22:00 with Wednesday 07:00 standing: both are held, as told before."""
    _told_first(client, world, ("09:00", "15:00"), ("07:00", "13:00"))
    _times(world.tuesday, "14:00", "22:00")
    _times(world.wednesday, "08:00", "14:00")
    said = _publish(client, world)
    assert HELD_TWO in said
    assert _told(world) == {TUE: (9 * 60, 15 * 60), WED: (7 * 60, 13 * 60)}


def test_the_earlier_is_told_when_the_later_is_held_for_its_hours_and_its_told_shift_leaves_rest(
        client, world):
    """Wednesday moves to 06:00-12:00, before Ilse's hours (from 07:00 that day): it is held for
    them, and its told 09:00-15:00 stands. Tuesday's move to 14:00-22:00 leaves 11 hours' rest
    before that (not before 06:00, but that is not told): Tuesday is told."""
    _told_first(client, world, ("09:00", "15:00"), ("09:00", "15:00"))
    next(s for s in world.ilse.availability if s.weekday == 3).start_minute = 7 * 60
    _times(world.tuesday, "14:00", "22:00")
    _times(world.wednesday, "06:00", "12:00")
    said = _publish(client, world)
    assert "rust tussen twee werkdagen en" not in said
    assert "1 dienst valt buiten de werktijden van de medewerker" in said
    assert _told(world) == {TUE: (14 * 60, 22 * 60), WED: (9 * 60, 15 * 60)}


@pytest.mark.parametrize("moved", ["tuesday", "wednesday"])
def test_a_pair_where_only_one_day_changes_holds_that_day(client, world, moved):
    """Told Tuesday 14:00-22:00 and Wednesday 09:00-15:00 (11 hours' rest). Wednesday moves to
    07:00-13:00, or else told Tuesday 09:00-15:00 and Wednesday 07:00-13:00 and Tuesday moves to
    14:00-22:00: the changed day is held, the other stays as told."""
    if moved == "wednesday":
        _told_first(client, world, ("14:00", "22:00"), ("09:00", "15:00"))
        _times(world.wednesday, "07:00", "13:00")
        expected = {TUE: (14 * 60, 22 * 60), WED: (9 * 60, 15 * 60)}
    else:
        _told_first(client, world, ("09:00", "15:00"), ("07:00", "13:00"))
        _times(world.tuesday, "14:00", "22:00")
        expected = {TUE: (9 * 60, 15 * 60), WED: (7 * 60, 13 * 60)}
    said = _publish(client, world)
    assert HELD_ONE in said
    assert _told(world) == expected


EARLY, LATE = (7 * 60, 13 * 60), (14 * 60, 22 * 60)


def test_the_rule_decides_each_day_knowing_what_the_day_after_will_be():
    """_held_for_rest alone. Monday and Tuesday move from early to late and Wednesday from late to
    early: Monday's late shift would lack rest before Tuesday's told early one, but Tuesday is
    told (late after late has rest; it is Wednesday that is held, and its told late shift leaves
    Tuesday its rest), so Monday is told too."""
    from binnenwerk.services.rosters import _held_for_rest

    days = {MON: (LATE, EARLY), TUE: (LATE, EARLY), WED: (EARLY, LATE)}
    new = {(1, day): times for day, times in days.items()}
    worked = {(1, day): times[0] for day, times in days.items()}
    assert _held_for_rest(new, {}, worked) == {(1, WED)}
    # Wednesday told early too: holding it would leave Tuesday's late shift no rest, so Tuesday
    # is held, and with it Monday (Tuesday's told early shift stands), and Wednesday after the
    # roster's late Tuesday.
    new[(1, WED)] = (EARLY, (8 * 60, 12 * 60))
    assert _held_for_rest(new, {}, worked) == {(1, MON), (1, TUE), (1, WED)}
    # A whole week moved from early to late is told whole.
    week = {(1, MON + dt.timedelta(days=n)): (LATE, EARLY) for n in range(7)}
    assert _held_for_rest(week, {}, {key: times[0] for key, times in week.items()}) == set()


def test_publishing_every_team_says_how_many_were_held_for_rest(client, world):
    """The planner's "publish all" counts the shifts held for rest too (its totals left them out)."""
    _times(world.tuesday, "14:00", "23:00")
    _times(world.wednesday, "06:00", "12:00")
    roster = db.session.scalar(select(Roster).where(Roster.week == WEEK, Roster.team_id == world.team.id))
    said = client.post("/rooster/publiceren-alle", data={"week": WEEK, "locks": f"{roster.id}:{roster.lock_version}"},
                       follow_redirects=True).get_data(as_text=True)
    assert HELD_ONE in said
    assert set(_told(world)) == {TUE}
