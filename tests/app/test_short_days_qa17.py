"""QA round 17: the short days' panel ("Waar te weinig mensen staan") after things changed since planning.

Another request of the region that was cancelled, declined, given a lower priority or asked less
after the region's rosters were planned may free the people (and the leader) it holds: the short
days it stood in the way of say to plan again (rosters.view._others_changed_since). A team leader
absent after planning leaves the people planned there without a leader: the panel says so, never
the kind of absence (rosters.view._leader_away)."""
from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest

from binnenwerk.bench import count_queries
from binnenwerk.extensions import db
from binnenwerk.models import DeploymentRequest, JobStatus, RequestStatus
from binnenwerk.services import requests as request_service

from .test_rosters_flow import solve_via_page

# Monday 7 December 2026, 07:00: the week of 2026-W50 is to come.
pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

WEEK = "2026-W50"
MON, TUE, WED, THU, FRI = (dt.date(2026, 12, 7) + dt.timedelta(days=n) for n in range(5))
DAY_NAMES = {MON: "maandag 7 december", TUE: "dinsdag 8 december", WED: "woensdag 9 december",
             THU: "donderdag 10 december", FRI: "vrijdag 11 december"}
OTHER = ("Na het plannen is een andere aanvraag in deze regio veranderd of geannuleerd. Plan opnieuw: dan kan "
         "deze dag misschien wel gevuld worden.")
OWN = "Deze aanvraag is veranderd nadat dit rooster werd gemaakt: plan opnieuw."


@pytest.fixture
def den_haag(app, make, client, login):
    """Team A (a leader, Anna and Bram) planned by a solve: Rijnstraat 8 (two people, the higher
    priority) gets both every day, so Turfmarkt 147 (two people) is short every day."""
    app.config.update(SOLVE_DETERMINISTIC=True, SOLVE_WORKERS=1, REDIS_URL="")
    wt = make.work_type("keyboards", name_nl="Toetsenborden reinigen")
    team = make.team("Den Haag", name="Team A")
    make.supervisor(team, work_types=[wt])
    for name in ("Anna", "Bram"):
        make.employee(team, work_types=[wt], first_name=name, last_name="Test")
    first = make.request(make.location("Den Haag", name="Rijnstraat 8"), wt, headcount=2, priority=2,
                         start_date=MON, end_date=FRI, start_minute=9 * 60, end_minute=12 * 60)
    second = make.request(make.location("Den Haag", name="Turfmarkt 147"), wt, headcount=2, priority=1,
                          start_date=MON, end_date=FRI, start_minute=9 * 60, end_minute=12 * 60)
    planner = make.user("planner")
    db.session.commit()
    login(planner)
    assert solve_via_page(client, team, WEEK).status == JobStatus.FINISHED.value
    world = SimpleNamespace(team=team, first=first, second=second, planner=planner)
    assert set(rows_of(client, world, "Turfmarkt 147")) == set(DAY_NAMES)
    assert not rows_of(client, world, "Rijnstraat 8")
    return world


def panel(client, team) -> str:
    page = client.get(f"/rooster/?week={WEEK}&team={team.id}").get_data(as_text=True)
    return page.split('id="tekort-kop"', 1)[1].split("</section>", 1)[0]


def rows_of(client, world, place: str) -> dict[dt.date, str]:
    """Per short day of the place, the panel's text of it."""
    rows = {}
    for row in panel(client, world.team).split("<li><strong>")[1:]:
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
        day = next((d for d, name in DAY_NAMES.items() if name in text), None)
        if day is not None and place in text:
            rows[day] = text
    return rows


def change(world, request: DeploymentRequest, **values) -> None:
    request = db.session.get(DeploymentRequest, request.id)
    data = request_service.RequestInput(**{
        name: getattr(request, name) for name in request_service.RequestInput.__dataclass_fields__})
    for name, value in values.items():
        setattr(data, name, value)
    assert request_service.update_request(request, data, actor=world.planner,
                                          seen_version=request_service.version_of(request))


def priority(world, request: DeploymentRequest, value: int) -> None:
    assert request_service.set_priority(db.session.get(DeploymentRequest, request.id), value, actor=world.planner)


def test_another_request_cancelled_after_planning_says_plan_again_until_planned(client, den_haag):
    before = rows_of(client, den_haag, "Turfmarkt 147")
    assert all("te weinig:" in row and OTHER not in row for row in before.values())

    request_service.transition(db.session.get(DeploymentRequest, den_haag.first.id), RequestStatus.CANCELLED.value,
                               actor=den_haag.planner, reason="Verbouwing")
    rows = rows_of(client, den_haag, "Turfmarkt 147")
    assert set(rows) == set(DAY_NAMES)
    # Instead of the optimiser's reasons, which point at the cancelled request's shifts.
    assert all(OTHER in row and "te weinig:" not in row and OWN not in row for row in rows.values())

    # Planned again: the people of the cancelled request fill Turfmarkt.
    assert solve_via_page(client, den_haag.team, WEEK).status == JobStatus.FINISHED.value
    assert rows_of(client, den_haag, "Turfmarkt 147") == {}


def test_another_request_declined_after_planning_says_plan_again(client, den_haag):
    request_service.transition(db.session.get(DeploymentRequest, den_haag.first.id), RequestStatus.DECLINED.value,
                               actor=den_haag.planner, reason="Dubbel ingediend")
    assert all(OTHER in row for row in rows_of(client, den_haag, "Turfmarkt 147").values())


def test_a_lower_priority_of_another_request_says_plan_again_a_higher_one_does_not(client, den_haag):
    priority(den_haag, den_haag.first, 3)  # takes people rather than freeing them
    assert not any(OTHER in row for row in rows_of(client, den_haag, "Turfmarkt 147").values())
    priority(den_haag, den_haag.first, 1)  # lower than when planned (2)
    rows = rows_of(client, den_haag, "Turfmarkt 147")
    assert set(rows) == set(DAY_NAMES) and all(OTHER in row for row in rows.values())
    priority(den_haag, den_haag.first, 2)  # back as it was planned: nothing changed
    assert not any(OTHER in row for row in rows_of(client, den_haag, "Turfmarkt 147").values())


def test_fewer_people_or_other_times_of_another_request_say_plan_again_more_people_do_not(client, den_haag):
    change(den_haag, den_haag.first, headcount=3)
    assert not any(OTHER in row for row in rows_of(client, den_haag, "Turfmarkt 147").values())
    change(den_haag, den_haag.first, headcount=1)  # fewer than when planned (2)
    assert all(OTHER in row for row in rows_of(client, den_haag, "Turfmarkt 147").values())
    change(den_haag, den_haag.first, headcount=2)
    assert not any(OTHER in row for row in rows_of(client, den_haag, "Turfmarkt 147").values())
    change(den_haag, den_haag.first, start_minute=13 * 60, end_minute=16 * 60)
    assert all(OTHER in row for row in rows_of(client, den_haag, "Turfmarkt 147").values())


def test_another_requests_contact_details_change_nothing(client, den_haag):
    before = rows_of(client, den_haag, "Turfmarkt 147")
    change(den_haag, den_haag.first, contact_phone="06-99999999", notes="Bel aan bij de achterdeur")
    assert rows_of(client, den_haag, "Turfmarkt 147") == before


def test_another_requests_date_called_off_frees_that_date_only_and_taken_back_nothing(client, den_haag):
    before = rows_of(client, den_haag, "Turfmarkt 147")
    request_service.call_off_day(db.session.get(DeploymentRequest, den_haag.first.id), THU, actor=den_haag.planner)
    rows = rows_of(client, den_haag, "Turfmarkt 147")
    assert OTHER in rows[THU]
    assert {day: rows[day] for day in rows if day != THU} == {day: before[day] for day in before if day != THU}
    request_service.take_back_day_off(db.session.get(DeploymentRequest, den_haag.first.id), THU,
                                      actor=den_haag.planner)
    assert rows_of(client, den_haag, "Turfmarkt 147") == before


def test_the_requests_own_change_keeps_its_own_line(client, den_haag):
    change(den_haag, den_haag.second, start_minute=8 * 60)
    rows = rows_of(client, den_haag, "Turfmarkt 147")
    assert all(OWN in row and OTHER not in row for row in rows.values())


def test_the_panel_reads_the_regions_decisions_in_a_fixed_number_of_queries(app, client, make, den_haag):
    priority(den_haag, den_haag.first, 1)
    with count_queries(db.engine) as counter:
        client.get(f"/rooster/?week={WEEK}&team={den_haag.team.id}")
    few = counter["n"]
    wt = den_haag.first.work_type
    for n in range(3):
        other = make.request(make.location("Den Haag", name=f"Plein {n}"), wt, headcount=1, priority=3,
                             start_date=MON, end_date=FRI, start_minute=13 * 60, end_minute=16 * 60)
        db.session.commit()
        change(den_haag, other, headcount=2)
    with count_queries(db.engine) as counter:
        client.get(f"/rooster/?week={WEEK}&team={den_haag.team.id}")
    assert counter["n"] == few


# --- a team leader absent after planning ---------------------------------------------------------


@pytest.fixture
def groningen(app, make, client, login):
    """Team Groningen (Lars Bosman leading, Anna and Bram) planned for Kempkensberg 12, three people
    a day: one short every day. No stand-in in the region's pool."""
    app.config.update(SOLVE_DETERMINISTIC=True, SOLVE_WORKERS=1, REDIS_URL="")
    wt = make.work_type("keyboards", name_nl="Toetsenborden reinigen")
    team = make.team("Groningen", name="Team Groningen")
    leader = make.supervisor(team, work_types=[wt], name="Lars Bosman")
    for name in ("Anna", "Bram"):
        make.employee(team, work_types=[wt], first_name=name, last_name="Test")
    make.request(make.location("Groningen", name="Kempkensberg 12"), wt, headcount=3, start_date=MON,
                 end_date=FRI, start_minute=9 * 60, end_minute=12 * 60)
    planner = make.user("planner")
    db.session.commit()
    login(planner)
    assert solve_via_page(client, team, WEEK).status == JobStatus.FINISHED.value
    return SimpleNamespace(team=team, leader=leader, planner=planner)


LEADERLESS = ("2 ingeplande medewerkers hebben die dag geen teamleider, want die is afwezig: repareer het rooster "
              "of kies een andere teamleider")


def test_a_leader_absent_after_planning_is_said_on_that_day_never_why(client, make, groningen):
    before = rows_of(client, groningen, "Kempkensberg 12")
    assert set(before) == set(DAY_NAMES) and not any(LEADERLESS in row for row in before.values())
    make.absence(supervisor=groningen.leader, start=WED, kind="ziek")
    db.session.commit()
    rows = rows_of(client, groningen, "Kempkensberg 12")
    assert LEADERLESS in rows[WED] and "1 persoon te weinig" in rows[WED]
    assert not any(word in rows[WED].lower() for word in ("ziek", "verlof", "afspraak"))
    assert {day: rows[day] for day in rows if day != WED} == {day: before[day] for day in before if day != WED}


def test_a_leaders_appointment_outside_the_work_leaves_the_day_led(client, make, groningen):
    before = rows_of(client, groningen, "Kempkensberg 12")
    make.absence(supervisor=groningen.leader, start=WED, kind="afspraak", times=("13:00", "14:00"))
    db.session.commit()
    assert rows_of(client, groningen, "Kempkensberg 12") == before
