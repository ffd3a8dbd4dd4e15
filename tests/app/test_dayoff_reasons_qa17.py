"""QA round 17: a ministry's day off and the short days' reasons on the team's roster page.

Calling off one date of a request (or taking it back) changes what is asked on that date alone: the
date called off is not asked while it is off, so it is no short day, and taken back it asks what it
asked before. The other days of the request keep the optimiser's reasons (people absent, placed
elsewhere) instead of "plan opnieuw"; a real change of the request (times, headcount) still asks to
plan again (rosters.view._decides)."""
from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import DeploymentRequest, JobStatus, Roster
from binnenwerk.services import requests as request_service

from .test_rosters_flow import repair_via_page, solve_via_page

# Monday 7 December 2026, 07:00: the week of 2026-W50 is to come.
pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

WEEK = "2026-W50"
MON, TUE, WED, THU, FRI = (dt.date(2026, 12, 7) + dt.timedelta(days=n) for n in range(5))
CHANGED = "Deze aanvraag is veranderd nadat dit rooster werd gemaakt: plan opnieuw."
# The panel names each short day like "donderdag 10 december, Rijnstraat 8 (...)".
DAY_NAMES = {MON: "maandag 7 december", TUE: "dinsdag 8 december", WED: "woensdag 9 december",
             THU: "donderdag 10 december", FRI: "vrijdag 11 december"}


@pytest.fixture
def world(app, make, client, login):
    """Team A (Anna, Bram) planned by a solve for a request for three people a day (Rijnstraat 8,
    Monday to Friday): short every day. The week published; the ministry's contact, the team leader."""
    app.config.update(SOLVE_DETERMINISTIC=True, SOLVE_WORKERS=1, REDIS_URL="")
    wt = make.work_type("keyboards", name_nl="Toetsenborden reinigen")
    place = make.location("Den Haag", name="Rijnstraat 8")
    team = make.team("Den Haag", name="Team A")
    make.supervisor(team, work_types=[wt])
    for name in ("Anna", "Bram"):
        make.employee(team, work_types=[wt], first_name=name, last_name="Test")
    req = make.request(place, wt, headcount=3, start_minute=9 * 60, end_minute=12 * 60)
    planner = make.user("planner")
    contact = make.user("ministry_contact", ministry=req.ministry)
    team_leader = make.user("team_leader", teams=[team])
    db.session.commit()
    login(planner)
    assert solve_via_page(client, team, WEEK).status == JobStatus.FINISHED.value
    publish(client, team)
    client.post("/auth/logout")
    return SimpleNamespace(team=team, req=req, planner=planner, contact=contact, team_leader=team_leader)


def publish(client, team) -> None:
    db.session.expire_all()
    roster = db.session.query(Roster).filter_by(week=WEEK, team_id=team.id).one()
    response = client.post("/rooster/publiceren", data={"week": WEEK, "team": team.id,
                                                        "lock_version": roster.lock_version})
    assert response.status_code == 302


def as_contact(client, login, world, path: str, day: dt.date) -> None:
    login(world.contact)
    assert client.post(f"/aanvragen/{world.req.id}/{path}", data={"date": day.isoformat()}).status_code == 302
    client.post("/auth/logout")


def short_rows(client, login, world) -> dict[dt.date, str]:
    """The team leader's "Waar te weinig mensen staan": per short day of the request, its text."""
    login(world.team_leader)
    page = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    client.post("/auth/logout")
    panel = page.split('id="tekort-kop"', 1)[1].split("</section>", 1)[0]
    rows = {}
    for row in panel.split("<li><strong>")[1:]:
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
        day = next((d for d, name in DAY_NAMES.items() if name in text), None)
        if day is not None and "Rijnstraat 8" in text:
            rows[day] = text
    return rows


def test_a_day_called_off_and_taken_back_leaves_every_days_reasons_as_they_were(client, login, world):
    before = short_rows(client, login, world)
    assert set(before) == set(DAY_NAMES) and not any(CHANGED in row for row in before.values())

    as_contact(client, login, world, "dag-afzeggen", THU)
    called_off = short_rows(client, login, world)
    # Thursday is asked for by nobody while it is off; the other days keep their own reasons.
    assert set(called_off) == {MON, TUE, WED, FRI}
    assert {day: called_off[day] for day in called_off} == {day: before[day] for day in called_off}

    as_contact(client, login, world, "dag-terug", THU)
    assert short_rows(client, login, world) == before  # nothing about the request has changed


def test_a_called_off_day_does_not_follow_monday_past_a_repair_from_tomorrow(client, login, world):
    before = short_rows(client, login, world)
    as_contact(client, login, world, "dag-afzeggen", TUE)
    login(world.planner)
    assert repair_via_page(client, world.team, TUE, WEEK).status == JobStatus.FINISHED.value
    client.post("/auth/logout")
    after = short_rows(client, login, world)
    assert TUE not in after
    assert CHANGED not in after[MON] and after[MON] == before[MON]


def test_a_real_change_after_a_day_off_still_asks_to_plan_again(client, login, world):
    as_contact(client, login, world, "dag-afzeggen", THU)
    as_contact(client, login, world, "dag-terug", THU)
    request = db.session.get(DeploymentRequest, world.req.id)
    data = request_service.RequestInput(**{
        name: getattr(request, name) for name in request_service.RequestInput.__dataclass_fields__})
    data.start_minute = 8 * 60
    assert request_service.update_request(request, data, actor=world.contact,
                                          seen_version=request_service.version_of(request))
    rows = short_rows(client, login, world)
    assert set(rows) == set(DAY_NAMES) and all(CHANGED in row for row in rows.values())


def test_a_day_taken_back_after_a_plan_made_while_it_was_off_asks_to_plan_that_day_again(client, login, world):
    """Planned while Thursday was off, the roster holds nobody for it: taken back, Thursday asks
    people the plan never gave it, and only Thursday says so."""
    as_contact(client, login, world, "dag-afzeggen", THU)
    login(world.planner)
    assert solve_via_page(client, world.team, WEEK).status == JobStatus.FINISHED.value
    client.post("/auth/logout")
    before = short_rows(client, login, world)
    assert THU not in before

    as_contact(client, login, world, "dag-terug", THU)
    after = short_rows(client, login, world)
    assert CHANGED in after[THU]
    assert {day: row for day, row in after.items() if day != THU} == before


def test_whether_a_date_changed_is_how_it_stands_now_against_then():
    from binnenwerk.rosters.view import date_changed_since

    t = [dt.datetime(2026, 12, 7, 8, n) for n in range(4)]
    off, back = True, False
    assert date_changed_since([], t[0]) is None
    assert date_changed_since([(t[1], off)], t[0]) == t[1]
    assert date_changed_since([(t[1], off), (t[2], back)], t[0]) is None  # as it was
    assert date_changed_since([(t[1], off), (t[2], back), (t[3], off)], t[0]) == t[3]
    assert date_changed_since([(t[1], off), (t[2], back)], t[1]) == t[2]  # off when planned, back now
    assert date_changed_since([(t[1], off)], t[1]) is None  # nothing since
