""""Eén dag afzeggen": a ministry contact (or the planner) calls off one date of a running request,
the building being closed that day, and may take it back while it is still to come. Every place
that decides which days a request asks for agrees: the planning Problem, the roster grid,
publishing (and so the calendar feeds), the ministry's plan and the job-agreement report."""
from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import func, select

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import (
    Assignment, AuditEvent, DeploymentRequest, FeedKind, RequestDateOff, RequestDayAsked, RequestStatus, Roster,
)
from binnenwerk.services import feeds, tokens
from binnenwerk.services import rosters as roster_service
from binnenwerk.services.reports import Quarter, job_report, ministry_plan
from tests.conftest import TEST_PASSWORD

# Monday 7 December 2026, 07:00: the week of 2026-W50 is to come.
pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

WEEK = "2026-W50"
MON, TUE, WED, THU, FRI = (dt.date(2026, 12, 7) + dt.timedelta(days=n) for n in range(5))
DAYS = (MON, TUE, WED, THU, FRI)


@pytest.fixture
def world(make):
    """Two people of Team A planned Monday to Friday on a request for two a day (7 to 31
    December), the week published; the ministry's contact, another ministry's, the planner."""
    wt = make.work_type("keyboards", name_nl="Toetsenborden reinigen", name_en="Keyboard cleaning")
    place = make.location("Den Haag", name="Rijnstraat 8")
    team = make.team("Den Haag", name="Team A")
    leader = make.supervisor(team, work_types=[wt], name="Tineke")
    anna = make.employee(team, work_types=[wt], first_name="Anna", last_name="Smit")
    bram = make.employee(team, work_types=[wt], first_name="Bram", last_name="Bos")
    req = make.request(place, wt, weekdays="12345", headcount=2)
    roster = Roster(week=WEEK, team=team)
    db.session.add(roster)
    db.session.flush()
    for person in (anna, bram):
        for day in DAYS:
            db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=day, request_id=req.id))
    contact = make.user("ministry_contact", ministry=req.ministry, name="Carla Contact")
    stranger = make.user("ministry_contact", ministry=make.ministry(), name="Olaf Ander")
    planner = make.user("planner", name="Petra Planner")
    team_leader = make.user("team_leader", teams=[team], name="Tineke")
    db.session.commit()
    roster_service.publish(roster)
    feed = tokens.issue(FeedKind.EMPLOYEE, anna)
    db.session.commit()
    return SimpleNamespace(req=req, team=team, leader=leader, anna=anna, bram=bram, roster_id=roster.id,
                           contact=contact, stranger=stranger, planner=planner, team_leader=team_leader, feed=feed,
                           place=place, wt=wt)


def call_off(client, world, day, request_id=None):
    return client.post(f"/aanvragen/{request_id or world.req.id}/dag-afzeggen",
                       data={"date": day if isinstance(day, str) else day.isoformat()})


def take_back(client, world, day):
    return client.post(f"/aanvragen/{world.req.id}/dag-terug", data={"date": day.isoformat()},
                       follow_redirects=True)


def detail(client, world) -> str:
    return client.get(f"/aanvragen/{world.req.id}").get_data(as_text=True)


def days_off() -> list[dt.date]:
    db.session.expire_all()
    return list(db.session.scalars(select(RequestDateOff.date).order_by(RequestDateOff.date)))


def problem_days(world) -> set[dt.date]:
    db.session.expire_all()
    problem, _ = planning.build_problem(WEEK, [world.team.id])
    return {day for r in problem.requests for day in r.days}  # the world's one request


def grid_cells(client, login, world, day) -> list[str]:
    login(world.team_leader)
    page = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    client.post("/auth/logout")
    return [page.split(f'id="cel-{person.id}-{day.isoformat()}"')[1].split("</td>")[0]
            for person in (world.anna, world.bram)]


def wanted_days(world) -> int:
    db.session.expire_all()
    report = job_report(Quarter(2026, 4), today=MON)
    return next(m.wanted_days for m in report.ministries if m.ministry_id == world.req.ministry_id)


def feed_event(client, world, day) -> bytes:
    body = client.get(f"/calendar/{world.feed}.ics").data
    for block in re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", body, re.S):
        if icalendar.Event.from_ical(block)["DTSTART"].dt.date() == day:
            return block
    raise AssertionError(f"no event on {day}")


def publish(client, login, world):
    login(world.planner)
    db.session.expire_all()
    lock = db.session.get(Roster, world.roster_id).lock_version
    page = client.post("/rooster/publiceren", data={"week": WEEK, "team": world.team.id, "lock_version": lock},
                       follow_redirects=True).get_data(as_text=True)
    client.post("/auth/logout")
    return page


def audit_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_the_contact_calls_off_a_wednesday_and_everything_agrees_then_takes_it_back(client, login, world):
    wanted_before = wanted_days(world)
    assert WED in problem_days(world)

    login(world.contact)
    response = call_off(client, world, WED)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Op woensdag 9 december komt er geen team: de dag is afgezegd." in page
    assert "De planner haalt hen uit het rooster" in page  # people were told to come that day
    assert "Afgezegde dagen" in page and "woensdag 9 december" in page.split("Afgezegde dagen")[1]
    assert "Toch laten doorgaan" in page
    client.post("/auth/logout")
    assert days_off() == [WED]

    # The planner sees it as a change to look at, in the intake and on the request.
    db.session.expire_all()
    assert db.session.get(DeploymentRequest, world.req.id).changed_since_review
    login(world.planner)
    assert f"/aanvragen/{world.req.id}" in client.get("/aanvragen/intake").get_data(as_text=True)
    assert "Afgezegde dagen: was –, nu wo 9 dec" in detail(client, world)
    client.post("/auth/logout")

    # Planning, the ministry's plan and the report no longer ask for people that Wednesday.
    assert WED not in problem_days(world) and {MON, TUE, THU, FRI} <= problem_days(world)
    plan = [d.date for r in ministry_plan(world.req.ministry_id, MON, FRI) for d in r.days]
    assert plan == [MON, TUE, THU, FRI]
    assert wanted_days(world) == wanted_before - 2

    # The published roster is changed since; the grid flags both people that day, and only then.
    db.session.expire_all()
    assert db.session.get(Roster, world.roster_id).has_unpublished_changes
    assert all("niet meer gevraagd" in cell for cell in grid_cells(client, login, world, WED))
    assert not any("niet meer gevraagd" in cell for cell in grid_cells(client, login, world, THU))

    # Publishing calls their Wednesday off; Anna's calendar says so.
    assert b"STATUS:CANCELLED" not in feed_event(client, world, WED)
    page = publish(client, login, world)
    assert "2 vervallen" in page
    assert b"STATUS:CANCELLED" in feed_event(client, world, WED)
    assert b"STATUS:CANCELLED" not in feed_event(client, world, THU)

    # "Toch laten doorgaan": asked again everywhere, and publishing tells the shifts again.
    login(world.contact)
    page = take_back(client, world, WED).get_data(as_text=True)
    assert "Op woensdag 9 december vraagt u weer mensen." in page
    assert "Toch laten doorgaan" not in page
    client.post("/auth/logout")
    assert days_off() == []
    assert WED in problem_days(world)
    assert wanted_days(world) == wanted_before
    assert not any("niet meer gevraagd" in cell for cell in grid_cells(client, login, world, WED))
    publish(client, login, world)
    assert b"STATUS:CANCELLED" not in feed_event(client, world, WED)

    # Audited as changes of the request, with the dates before each.
    details = db.session.scalars(select(AuditEvent.detail).where(
        AuditEvent.action == "request_changed", AuditEvent.object_id == str(world.req.id))
        .order_by(AuditEvent.id)).all()
    assert [d.split(";")[0] for d in details] == ["fields=dates_off off=2026-12-09", "fields=dates_off back=2026-12-09"]
    assert '"dates_off": []' in details[0] and '"dates_off": ["2026-12-09"]' in details[1]


def test_the_planner_may_call_off_a_day_too_without_flagging_it_for_review(client, login, world):
    login(world.planner)
    page = client.post(f"/aanvragen/{world.req.id}/dag-afzeggen", data={"date": "09-12-2026"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Publiceer het rooster van week 2026-W50 opnieuw" in page
    assert days_off() == [WED]
    assert not db.session.get(DeploymentRequest, world.req.id).changed_since_review


@pytest.mark.parametrize("day,message", [
    (dt.date(2027, 1, 4), "Deze datum valt buiten de aanvraag."),
    (dt.date(2026, 12, 12), "Op zaterdag 12 december vraagt deze aanvraag geen mensen: het is geen van de gekozen "
                            "dagen."),
    (dt.date(2026, 12, 25), "Op vrijdag 25 december is het een feestdag (Eerste kerstdag). Dan komt er al geen "
                            "team."),
    (dt.date(2026, 12, 4), "Deze datum ligt in het verleden. Kies vandaag of later."),
    ("", "Vul een datum in."),
    ("31-02-2027", "Die datum bestaat niet."),
])
def test_a_day_the_request_does_not_ask_for_is_refused_with_why_and_nothing_stored(client, login, world, day,
                                                                                   message):
    login(world.contact)
    before = audit_rows()
    response = call_off(client, world, day)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert days_off() == [] and audit_rows() == before
    assert not db.session.get(DeploymentRequest, world.req.id).changed_since_review


def test_a_day_called_off_again_says_it_went_through_and_changes_nothing(client, login, world):
    """The same call-off sent twice (a double click) answers as the first did (QA round 18); it
    was refused with "Deze dag is al afgezegd." on a page the browser then showed."""
    login(world.contact)
    assert call_off(client, world, WED).status_code == 302
    before = audit_rows()
    response = call_off(client, world, WED)
    assert response.status_code == 302
    assert "de dag is afgezegd" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert days_off() == [WED] and audit_rows() == before


def at(hour: int, minute: int):
    return lambda: dt.datetime(2026, 12, 7, hour, minute, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_today_may_be_called_off_before_its_shift_starts_not_after(client, login, world, monkeypatch):
    login(world.contact)
    monkeypatch.setattr(feeds, "local_now", at(9, 30))  # Monday's shift began at 09:00
    response = call_off(client, world, MON)
    assert response.status_code == 422
    assert "De dienst van vandaag is al begonnen." in response.get_data(as_text=True)
    assert days_off() == []
    monkeypatch.setattr(feeds, "local_now", at(8, 30))
    assert call_off(client, world, MON).status_code == 302
    assert days_off() == [MON]
    # Once it has begun it stays called off.
    monkeypatch.setattr(feeds, "local_now", at(9, 30))
    assert "Toch laten doorgaan" not in detail(client, world)
    page = take_back(client, world, MON).get_data(as_text=True)
    assert "Deze dag is al begonnen of voorbij. Hij blijft afgezegd." in page
    assert days_off() == [MON]


@pytest.mark.parametrize("status,message", [
    (RequestStatus.CANCELLED.value, "Deze aanvraag is geannuleerd. Er valt geen dag meer af te zeggen."),
    (RequestStatus.DECLINED.value, "Deze aanvraag is afgewezen. Er valt geen dag meer af te zeggen."),
    (RequestStatus.SUBMITTED.value, "Deze aanvraag is nog niet geaccepteerd."),
])
def test_a_request_not_running_as_accepted_gets_no_day_off(client, login, world, status, message):
    world.req.status = status
    db.session.commit()
    login(world.contact)
    assert "Eén dag afzeggen" not in detail(client, world)
    before = audit_rows()
    page = client.post(f"/aanvragen/{world.req.id}/dag-afzeggen", data={"date": WED.isoformat()},
                       follow_redirects=True).get_data(as_text=True)
    assert message in page
    assert days_off() == [] and audit_rows() == before


def test_another_ministrys_contact_cannot_call_off_or_take_back(client, login, world):
    login(world.contact)
    assert call_off(client, world, THU).status_code == 302
    client.post("/auth/logout")
    login(world.stranger)
    before = audit_rows()
    assert call_off(client, world, WED).status_code == 404
    assert client.post(f"/aanvragen/{world.req.id}/dag-terug", data={"date": THU.isoformat()}).status_code == 404
    assert days_off() == [THU] and audit_rows() == before


def test_the_forms_need_their_csrf_token(app_with, world):
    client = app_with(WTF_CSRF_ENABLED=True).test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/auth/login", data={"email": world.contact.email, "password": TEST_PASSWORD, "csrf_token": token})
    assert "Eén dag afzeggen" in client.get(f"/aanvragen/{world.req.id}").get_data(as_text=True)
    assert client.post(f"/aanvragen/{world.req.id}/dag-afzeggen", data={"date": WED.isoformat()}).status_code == 400
    assert days_off() == []


def test_only_the_roster_holding_the_day_is_marked_changed_and_a_day_taken_back_unmarks_it(client, login, world):
    next_week = Roster(week="2026-W51", team=world.team)
    db.session.add(next_week)
    db.session.flush()
    db.session.add(Assignment(roster_id=next_week.id, employee_id=world.anna.id, date=WED + dt.timedelta(weeks=1),
                              request_id=world.req.id))
    db.session.commit()
    roster_service.publish(next_week)
    next_week_id = next_week.id

    def marked() -> tuple[bool, bool]:
        db.session.expire_all()
        return tuple(db.session.get(Roster, pk).has_unpublished_changes for pk in (world.roster_id, next_week_id))

    login(world.contact)
    assert call_off(client, world, WED).status_code == 302
    assert marked() == (True, False)
    take_back(client, world, WED)
    assert marked() == (False, False)  # what was told stands again: nothing to publish


def test_a_day_called_off_stays_unasked_after_a_later_change_of_the_request(client, login, world, monkeypatch):
    """Wednesday called off, then (on Friday) the ministry asks for three people: the Wednesday gone
    by is kept as asked then, which was nobody (request_history.freeze)."""
    login(world.contact)
    assert call_off(client, world, WED).status_code == 302
    before = wanted_days(world)
    friday = dt.datetime(2026, 12, 11, 7, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    monkeypatch.setattr(feeds, "local_today", lambda: friday.date())
    monkeypatch.setattr(feeds, "local_now", lambda: friday)
    db.session.expire_all()
    request = db.session.get(DeploymentRequest, world.req.id)
    request.headcount = 3
    db.session.commit()
    db.session.expire_all()
    report = job_report(Quarter(2026, 4), today=friday.date())
    after = next(m.wanted_days for m in report.ministries if m.ministry_id == world.req.ministry_id)
    # Monday and Tuesday gone by keep 2 each; Wednesday 0 (called off); Thursday gone by 2; from
    # Friday on 3 a day: the report's count rises only by the days to come, never by Wednesday.
    kept = {entry.date: entry.headcount for entry in db.session.scalars(
        select(RequestDayAsked).where(RequestDayAsked.request_id == world.req.id))}
    assert kept[WED] == 0 and kept[TUE] == 2 and kept[THU] == 2
    assert after > before


def test_the_audit_names_the_dates_called_off_in_words(client, login, world, make):
    login(world.contact)
    assert call_off(client, world, WED).status_code == 302
    client.post("/auth/logout")
    login(make.user("admin"))
    page = client.get("/beheer/audit").get_data(as_text=True)
    assert "afgezegde dagen" in page and "dates_off" not in page


def test_a_day_called_off_after_a_solve_asks_to_plan_again():
    """A change of the dates called off changes what the optimiser would plan (rosters.view)."""
    from binnenwerk.rosters.view import _decides

    assert _decides("request_changed", "fields=dates_off day=2026-12-09")
