"""'Zelfde als vorige week' over Christmas and New Year: a holiday does not empty a weekday for good."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from flask_babel import refresh
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, Roster
from binnenwerk.services import rosters as service

FRIDAY_18_DEC = dt.date(2026, 12, 18)
Y = r"(?: 202[67])?"


def _team_over_new_year(make, team_name: str, first_name: str, rostered: list[tuple[str, dt.date]]):
    """A team of one with a Monday-to-Friday request over the turn of the year, a planner, and the
    person rostered on the given (week, day) cells."""
    wt = make.work_type("cleaning", name_nl="Schoonmaak")
    loc = make.location("Den Haag", name="Rijnstraat 8")
    team = make.team("Den Haag", name=team_name)
    make.supervisor(team, work_types=[wt])
    person = make.employee(team, work_types=[wt], first_name=first_name, last_name="Test")
    req = make.request(loc, wt, weekdays="12345", headcount=1, start_date=dt.date(2026, 12, 14),
                       end_date=dt.date(2027, 1, 31))
    planner = make.user("planner")
    db.session.commit()
    for week, day in rostered:
        service.set_cell(week, team.id, person.id, day, req.id,
                         lock_version=getattr(service.find_roster(week, team.id), "lock_version", 0))
    return type("World", (), dict(team=team, anna=person, planner=planner))


@pytest.fixture
def world(make):
    """Team A, with a roster of 2026-W51 (Monday and Friday for Anna)."""
    return _team_over_new_year(make, "Team A", "Anna", [("2026-W51", FRIDAY_18_DEC - dt.timedelta(days=4)),
                                                        ("2026-W51", FRIDAY_18_DEC)])


def copy(client, world, week: str) -> str:
    roster = service.find_roster(week, world.team.id)
    response = client.post("/rooster/vorige-week", data={
        "week": week, "team": world.team.id, "lock_version": roster.lock_version if roster else 0,
    }, follow_redirects=True)
    return html.unescape(response.get_data(as_text=True))


def days_of(world, week: str) -> list[dt.date]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(Assignment.date).join(Roster).where(
        Roster.week == week, Roster.team_id == world.team.id, Assignment.employee_id == world.anna.id)))


def test_copying_over_the_holidays_keeps_the_friday(client, login, world):
    login(world.planner)

    christmas_week = copy(client, world, "2026-W52")
    assert days_of(world, "2026-W52") == [dt.date(2026, 12, 21)]
    # The year shows when it is not this year's (Y).
    assert re.search(rf"Vrijdag 25 december{Y} is een feestdag \(Eerste kerstdag\): daar is niets overgenomen\.",
                     christmas_week)
    assert "bijvoorbeeld door afwezigheid" not in christmas_week

    new_year_week = copy(client, world, "2026-W53")
    assert days_of(world, "2026-W53") == [dt.date(2026, 12, 28)]
    assert re.search(rf"Vrijdag 1 januari{Y} is een feestdag \(Nieuwjaarsdag\)", new_year_week)

    # Friday was a holiday in both weeks before: it comes from 2026-W51, and the message says so.
    first_week = copy(client, world, "2027-W01")
    assert days_of(world, "2027-W01") == [dt.date(2027, 1, 4), dt.date(2027, 1, 8)]
    # Both holidays it skipped are named, and the day and week it copied from.
    assert re.search(rf"In de weken ervoor waren vrijdag 25 december{Y} \(Eerste kerstdag\) en vrijdag 1 januari"
                     rf"{Y} \(Nieuwjaarsdag\) feestdagen\. Voor vrijdag 8 januari{Y} is vrijdag 18 december{Y} "
                     rf"overgenomen, uit week 51\.", first_week), first_week

    # And the week after copies the Friday of 2027-W01 as usual, without a word on holidays.
    second_week = copy(client, world, "2027-W02")
    assert days_of(world, "2027-W02") == [dt.date(2027, 1, 11), dt.date(2027, 1, 15)]
    assert "feestdag" not in second_week.split('class="flash')[1].split("</")[0]


def test_a_holiday_weekday_with_no_earlier_roster_is_said_to_stay_empty(client, login, make):
    """The team's rosters start in the Christmas week: 2027-W01's Friday has no week to come from."""
    world = _team_over_new_year(make, "Team B", "Bo", [("2026-W52", dt.date(2026, 12, 21))])
    login(world.planner)
    copy(client, world, "2026-W53")
    page = copy(client, world, "2027-W01")
    assert days_of(world, "2027-W01") == [dt.date(2027, 1, 4)]
    assert re.search(rf"Vorige week was vrijdag 1 januari{Y} een feestdag \(Nieuwjaarsdag\), en er is geen eerdere "
                     rf"week met een rooster\. Vrijdag 8 januari{Y} blijft leeg\.", page)


def test_the_repair_choice_leaves_out_public_holidays(client, login, world):
    db.session.add(Roster(week="2026-W52", team_id=world.team.id, version=1, status="published"))
    db.session.commit()
    login(world.planner)
    page = client.get(f"/rooster/?week=2026-W52&team={world.team.id}").get_data(as_text=True)
    choices = re.search(r'<select[^>]*name="day"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert "value=\"2026-12-24\"" in choices and "value=\"2026-12-25\"" not in choices


def test_in_english_the_holiday_message_keeps_the_month_s_capital(client, login, world):
    """'Friday 25 December', not 'Friday 25 december' (str.capitalize lowered the month)."""
    login(world.planner)
    client.post("/taal/en", data={"next": "/home"})
    refresh()  # the tests' requests share one app context, where Flask-Babel keeps the locale
    christmas_week = copy(client, world, "2026-W52")
    assert re.search(rf"Friday 25 December{Y} is a public holiday", christmas_week)


def _two_places_led_crosswise(make):
    """Team A at two places on Tuesdays; in 2027-W02, as a solve may leave it, the stand-in Olaf
    leads Anna at the first place and the team's own Tineke leads Bram at the second."""
    from binnenwerk.models import SupervisionAssignment

    wt = make.work_type("cleaning", name_nl="Schoonmaak")
    first, second = make.location("Den Haag", name="Rijnstraat 8"), make.location("Den Haag", name="Turfmarkt 147")
    team = make.team("Den Haag", name="Team A")
    own = make.supervisor(team, work_types=[wt], name="Tineke Teamleider")
    stand_in = make.supervisor(None, region="Den Haag", work_types=[wt], name="Olaf Kaya")
    anna = make.employee(team, work_types=[wt], first_name="Anna", last_name="Test")
    bram = make.employee(team, work_types=[wt], first_name="Bram", last_name="Test")
    asks = [make.request(place, wt, weekdays="2", headcount=1, start_date=dt.date(2027, 1, 4),
                         end_date=dt.date(2027, 2, 26)) for place in (first, second)]
    planner = make.user("planner")
    db.session.commit()
    week, tuesday = "2027-W02", dt.date(2027, 1, 12)
    for person, ask in zip((anna, bram), asks):
        service.set_cell(week, team.id, person.id, tuesday, ask.id,
                         lock_version=getattr(service.find_roster(week, team.id), "lock_version", 0))
    roster = service.find_roster(week, team.id)
    for row in list(roster.supervision):
        db.session.delete(row)
    db.session.flush()
    for leader, place in ((stand_in, first), (own, second)):
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=leader.id, date=tuesday,
                                             location_id=place.id, team_id=team.id))
    db.session.commit()

    def leaders(of_week):
        db.session.expire_all()
        return {row.location_id: row.supervisor_id for row in db.session.scalars(
            select(SupervisionAssignment).join(Roster).where(Roster.week == of_week, Roster.team_id == team.id))}

    return type("World", (), dict(wt=wt, first=first, second=second, team=team, own=own, stand_in=stand_in,
                                  anna=anna, bram=bram, asks=asks, planner=planner, tuesday=tuesday,
                                  leaders=staticmethod(leaders)))


def test_copying_a_week_keeps_who_led_which_place(client, make, login):
    """'Zelfde als vorige week' copied the shifts but chose the leaders afresh: the team's own leader
    at the first place, the stand-in at the other, where last week it was the other way round (a QA
    finding: people with a fixed leader got another one)."""
    w = _two_places_led_crosswise(make)
    assert w.leaders("2027-W02") == {w.first.id: w.stand_in.id, w.second.id: w.own.id}
    login(w.planner)
    copy(client, w, "2027-W03")
    assert w.leaders("2027-W03") == {w.first.id: w.stand_in.id, w.second.id: w.own.id}

    # A week that has its own leader somewhere already keeps them there: the stand-in leads Bram at
    # the second place in 2027-W04, so Anna's copied shift at the first gets the team's own leader.
    next_week, next_tuesday = "2027-W04", w.tuesday + dt.timedelta(weeks=2)
    service.set_cell(next_week, w.team.id, w.bram.id, next_tuesday, w.asks[1].id, lock_version=0)
    [row] = service.find_roster(next_week, w.team.id).supervision
    row.supervisor_id = w.stand_in.id
    db.session.commit()
    copy(client, w, next_week)
    assert w.leaders(next_week) == {w.first.id: w.own.id, w.second.id: w.stand_in.id}


@pytest.mark.parametrize("third_free", [True, False])
def test_a_copied_week_with_one_leader_away_keeps_the_other_at_their_place(client, make, login, third_free):
    """The stand-in away in 2027-W03: the team's own leader was taken for the stand-in's place, and
    their own place got another leader or none, so Bram's shift, which could stay as it was, was
    the one not copied (a QA finding). Now Anna's place gets another stand-in, or her shift is the
    one that cannot be copied."""
    w = _two_places_led_crosswise(make)
    third = make.supervisor(None, region="Den Haag", work_types=[w.wt], name="Derde Invaller") if third_free else None
    make.absence(supervisor=w.stand_in, start=w.tuesday + dt.timedelta(weeks=1))
    db.session.commit()
    login(w.planner)
    said = copy(client, w, "2027-W03")
    assert w.leaders("2027-W03") == ({w.first.id: third.id, w.second.id: w.own.id} if third_free
                                     else {w.second.id: w.own.id})
    if not third_free:  # the message names a missing leader among its reasons
        assert "1 dienst van vorige week past deze week niet (bijvoorbeeld door afwezigheid, een andere aanvraag " \
               "of geen teamleider vrij)" in " ".join(said.split())


def test_a_leader_held_for_a_place_that_gets_no_shift_leads_another(client, make, login):
    """The team's own leader away and everyone at the stand-in's place away too: the stand-in was held
    for a place that got no shift, and the other place's shifts were not copied (a day left empty;
    a QA finding). A shift held back so is tried again once every shift had its turn."""
    w = _two_places_led_crosswise(make)
    away = w.tuesday + dt.timedelta(weeks=1)
    make.absence(supervisor=w.own, start=away)
    make.absence(employee=w.anna, start=away)
    db.session.commit()
    login(w.planner)
    copy(client, w, "2027-W03")
    assert w.leaders("2027-W03") == {w.second.id: w.stand_in.id}


def test_a_day_after_one_holiday_names_it_and_the_week_it_came_from(client, login, make):
    """2027-W14's Monday comes from 2027-W12, past Easter Monday (29 March 2027)."""
    wt = make.work_type("cleaning", name_nl="Schoonmaak")
    team = make.team("Den Haag", name="Team P")
    make.supervisor(team, work_types=[wt])
    person = make.employee(team, work_types=[wt], first_name="Pim", last_name="Test")
    req = make.request(make.location("Den Haag"), wt, weekdays="12345", headcount=1,
                       start_date=dt.date(2027, 3, 15), end_date=dt.date(2027, 4, 30))
    planner = make.user("planner")
    db.session.commit()
    service.set_cell("2027-W12", team.id, person.id, dt.date(2027, 3, 22), req.id, lock_version=0)
    service.set_cell("2027-W13", team.id, person.id, dt.date(2027, 3, 30), req.id, lock_version=0)
    login(planner)
    world = type("World", (), dict(team=team, anna=person))
    page = copy(client, world, "2027-W14")
    assert days_of(world, "2027-W14") == [dt.date(2027, 4, 5), dt.date(2027, 4, 6)]
    assert re.search(rf"Vorige week was maandag 29 maart{Y} \(Tweede paasdag\) een feestdag\. Voor maandag "
                     rf"5 april{Y} is maandag 22 maart{Y} overgenomen, uit week 12\.", page), page
