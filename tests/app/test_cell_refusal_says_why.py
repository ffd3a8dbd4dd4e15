"""Saving an option the cell's form marks is refused with the reason, in the words of the mark
("(vol)", "(te weinig rust)", "(meer dan het contract)"), not only "kies een van de opties"; and a
shift without 11 hours' rest against a shift the person still holds in another team's roster
that week (they moved teams mid-week) is listed, marked, and refused the same way. Nothing is
stored on a refusal."""
from __future__ import annotations

import datetime as dt

import pytest

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import Assignment
from binnenwerk.services import ServiceError
from binnenwerk.services import rosters as service

# The world and the form helpers are the marked options' (tests/app/test_cell_options_marked.py).
from tests.app.test_cell_options_marked import (  # noqa: E402,F401 (world: a fixture)
    WEEK, _assign, _options, _save, world,
)

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")
MON = dt.date(2026, 12, 7)
TUE, WED, THU = (MON + dt.timedelta(days=n) for n in (1, 2, 3))
SUN = MON + dt.timedelta(days=6)


def _lock(world) -> int:
    roster = service.find_roster(WEEK, world.team.id)
    return roster.lock_version if roster is not None else 0


def _refusal(world, day: dt.date, request) -> str:
    with pytest.raises(ServiceError) as refused:
        service.set_cell(WEEK, world.team.id, world.person.id, day, request.id, lock_version=_lock(world))
    return refused.value.message


def _shifts(person) -> list[dt.date]:
    return db.session.scalars(db.select(Assignment.date).where(Assignment.employee_id == person.id)
                              .order_by(Assignment.date)).all()


def _moved_mid_week(world) -> None:
    """Ilse worked Monday in Team Ochtend's roster and is in Team Avond since."""
    world.person.team_id = world.other.id
    db.session.commit()
    _assign(WEEK, world.other, world.person, MON, world.late)  # until 22:00
    world.person.team_id = world.team.id
    db.session.commit()


def test_a_full_request_is_refused_saying_it_is_full(client, login, world):
    _assign(WEEK, world.other, world.neighbour, TUE, world.early)  # the only place, in the other team's roster
    login(world.planner)
    assert _options(client, world, TUE)[str(world.early.id)].endswith("(vol)")
    text = _save(client, world, TUE, world.early)
    assert ("Ilse Rust kan op dinsdag 8 december niet op deze aanvraag werken. Deze aanvraag is die dag al vol. "
            "Kies een andere dienst of vrij.") in text, text[:3000]
    assert _shifts(world.person) == []


def test_a_shift_without_rest_across_the_week_is_refused_saying_so(world):
    _assign("2026-W51", world.team, world.person, SUN + dt.timedelta(days=1), world.early)  # from 07:00
    said = _refusal(world, SUN, world.late)  # until 22:00: 9 hours' rest
    assert said == ("Ilse Rust kan op zondag 13 december niet op deze aanvraag werken. Dan heeft Ilse Rust geen "
                    "11 uur rust tussen twee diensten. Kies een andere dienst of vrij.")
    assert _shifts(world.person) == [SUN + dt.timedelta(days=1)]


def test_full_and_over_the_contract_says_both(client, login, world):
    world.person.contract_minutes = 10 * 60
    db.session.commit()
    _assign(WEEK, world.team, world.person, THU, world.late)  # 7.5 of her 10 hours
    _assign(WEEK, world.other, world.neighbour, TUE, world.early)
    login(world.planner)
    assert _options(client, world, TUE)[str(world.early.id)].endswith("(vol; meer dan het contract)")
    said = _refusal(world, TUE, world.early)
    assert said == ("Ilse Rust kan op dinsdag 8 december niet op deze aanvraag werken. Deze aanvraag is die dag al "
                    "vol. Dan werkt Ilse Rust meer uren dan het contract. Kies een andere dienst of vrij.")
    assert _shifts(world.person) == [THU]


def test_a_request_not_listed_keeps_the_plain_refusal(make, world):
    elsewhere = make.request(make.location("Den Haag", name="Garage Elders"), make.work_type("balie"),
                             weekdays="1234567", start_minute=7 * 60, end_minute=13 * 60, headcount=1)
    db.session.commit()
    said = _refusal(world, TUE, elsewhere)  # not her work: nothing to mark
    assert said == "Ilse Rust kan op dinsdag 8 december niet op deze aanvraag werken. Kies een van de opties."


def test_rest_against_a_shift_held_in_the_old_teams_roster_is_listed_and_refused(client, login, world):
    _moved_mid_week(world)
    login(world.planner)
    options = _options(client, world, TUE)
    assert options[str(world.early.id)].endswith("07:00–13:00 (te weinig rust)")  # 9 hours after Monday's
    assert options[str(world.late.id)].endswith("14:00–22:00")
    text = _save(client, world, TUE, world.early)
    assert ("Ilse Rust kan op dinsdag 8 december niet op deze aanvraag werken. Dan heeft Ilse Rust geen 11 uur rust "
            "tussen twee diensten. Kies een andere dienst of vrij.") in text, text[:3000]
    assert _shifts(world.person) == [MON]


def test_rest_before_a_shift_held_in_another_roster_the_day_after(world):
    _moved_mid_week(world)
    world.person.team_id = world.other.id
    db.session.commit()
    _assign(WEEK, world.other, world.person, WED, world.early)  # from 07:00
    world.person.team_id = world.team.id
    db.session.commit()
    problem, idmap = planning.build_problem(WEEK, [world.team.id])
    listed, fits = service.cell_listed(problem, idmap, WEEK, world.team.id, world.person.id, TUE)
    assert {q.id for q in listed} == {world.early.id, world.late.id} and fits == set()
    said = _refusal(world, TUE, world.late)  # until 22:00, then Wednesday's from 07:00
    assert "Dan heeft Ilse Rust geen 11 uur rust tussen twee diensten." in said
    assert _shifts(world.person) == [MON, WED]


def test_hours_held_in_the_old_teams_roster_count_once(client, login, world):
    """The Problem takes the hours of a shift held in another roster off the week's contract: the
    form does not count them a second time for "(meer dan het contract)"."""
    world.person.contract_minutes = 14 * 60
    db.session.commit()
    _moved_mid_week(world)  # 7.5 hours in Team Ochtend's roster: 6.5 left
    login(world.planner)
    options = _options(client, world, WED)
    assert options[str(world.early.id)].endswith("07:00–13:00")  # 6 hours: fits
    service.set_cell(WEEK, world.team.id, world.person.id, WED, world.early.id, lock_version=_lock(world))
    assert _shifts(world.person) == [MON, WED]
