"""What a QA tester found on the ministry contact's pages (round 13): days of a published week
with nobody planned said "not planned yet", a request gone by could still be changed and
cancelled, the home page's list lacked the request list's badges, a leader absent weeks ago was
still being replaced, and a cancelled request's planning said only that nothing was there."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import DeploymentRequest, RequestStatus, Roster
from binnenwerk.services import ServiceError, feeds
from binnenwerk.services import requests as request_service

from .test_requests_workflow import request_form, world  # noqa: F401  (fixture)

S = RequestStatus
WEEK = "2027-W10"
MONDAY = dt.date.fromisocalendar(2027, 10, 1)


def fake_today(monkeypatch, day: dt.date) -> None:
    monkeypatch.setattr(feeds, "local_today", lambda: day)


def plan_rows(client, request_id: int, week: str = WEEK, language: str = "nl") -> dict[str, list[dict]]:
    text = client.get(f"/aanvragen/planning.csv?week={week}&aanvraag={request_id}").get_data(as_text=True)
    rows = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";" if language == "nl" else ",")
    by_day: dict[str, list[dict]] = {}
    for row in rows:
        by_day.setdefault(row["Datum" if language == "nl" else "Date"], []).append(row)
    return by_day


def stored(request_id: int) -> DeploymentRequest:
    db.session.expire_all()
    return db.session.get(DeploymentRequest, request_id)


# --- 1. a day of a published week with nobody planned ----------------------------------------------


@pytest.fixture
def unplanned(world, make):
    """A scheduled request for Monday to Wednesday of week 10 in region Noord, whose week the
    solver left it without anyone: no shift was published for it."""
    return make.request(location=world.location, work_type=world.work_type, status=S.SCHEDULED.value,
                        start_date=MONDAY, end_date=MONDAY + dt.timedelta(days=2), weekdays="123", headcount=3)


def publish_week_of(*teams, week: str = WEEK) -> None:
    for team in teams:
        db.session.add(Roster(week=week, team_id=team.id, status="published", version=1, published_at=dt.datetime(2027, 3, 1)))
    db.session.commit()


def test_a_published_week_with_nobody_planned_says_nobody_is_planned(client, login, world, make, unplanned,
                                                                     monkeypatch):
    fake_today(monkeypatch, MONDAY + dt.timedelta(days=1))  # Tuesday: Monday has gone by
    publish_week_of(make.team(region="Noord"), make.team(region="Noord"))
    login(world.contact)
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert page.count("✗ Niemand ingepland") == 2  # today and tomorrow
    assert "✗ Niet ingepland" in page  # Monday, gone by
    assert "Nog niet ingepland" not in page
    rows = plan_rows(client, unplanned.id)
    assert [rows[day.isoformat()][0]["Opmerking"] for day in (MONDAY + dt.timedelta(days=n) for n in range(3))] == [
        "Niet ingepland", "Niemand ingepland", "Niemand ingepland"]


def test_a_week_not_every_team_of_the_region_published_is_not_planned_yet(client, login, world, make, unplanned,
                                                                         monkeypatch):
    fake_today(monkeypatch, MONDAY - dt.timedelta(days=7))
    make.team(region="Noord")  # its roster of the week is still to come
    publish_week_of(make.team(region="Noord"), make.team(region="Zuid"))
    login(world.contact)
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert page.count("✗ Nog niet ingepland") == 3 and "Niemand ingepland" not in page
    assert plan_rows(client, unplanned.id)[MONDAY.isoformat()][0]["Opmerking"] == "Nog niet ingepland"


def test_a_week_published_in_another_region_only_is_not_planned_yet(client, login, world, make, unplanned,
                                                                   monkeypatch):
    fake_today(monkeypatch, MONDAY - dt.timedelta(days=7))
    publish_week_of(make.team(region="Zuid"))
    login(world.contact)
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert page.count("✗ Nog niet ingepland") == 3 and "Niemand ingepland" not in page


# --- 2. a request whose last day has gone by ---------------------------------------------------------


@pytest.fixture
def gone_by(world, make, monkeypatch):
    """An accepted request of week 10, looked at on the Monday after it."""
    req = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value,
                       start_date=MONDAY, end_date=MONDAY + dt.timedelta(days=4), weekdays="12345", headcount=2)
    db.session.commit()
    fake_today(monkeypatch, MONDAY + dt.timedelta(days=7))
    return req


def test_a_request_gone_by_offers_no_change_or_cancel_and_says_why(client, login, world, gone_by):
    login(world.contact)
    page = client.get(f"/aanvragen/{gone_by.id}").get_data(as_text=True)
    assert f"/aanvragen/{gone_by.id}/wijzigen" not in page and f"/aanvragen/{gone_by.id}/annuleren" not in page
    assert ("Deze aanvraag is voorbij: de laatste dag was 12 maart 2027. "
            "U kunt hem niet meer wijzigen of annuleren.") in page


def test_a_request_ending_today_can_still_be_changed_and_cancelled(client, login, world, gone_by, monkeypatch):
    fake_today(monkeypatch, gone_by.end_date)
    login(world.contact)
    page = client.get(f"/aanvragen/{gone_by.id}").get_data(as_text=True)
    assert f"/aanvragen/{gone_by.id}/wijzigen" in page and f"/aanvragen/{gone_by.id}/annuleren" in page
    assert "Deze aanvraag is voorbij" not in page


def test_a_change_of_a_request_gone_by_is_refused_and_nothing_stored(client, login, world, gone_by):
    login(world.contact)
    version = request_service.version_of(gone_by)
    # The form as it was opened on its last day, sent now.
    response = client.post(f"/aanvragen/{gone_by.id}/wijzigen", data={**request_form(
        world.location, world.work_type, start_date=MONDAY.isoformat(), end_date="2027-03-26",
        weekdays=["1", "2", "3", "4", "5"], headcount="4"), "seen_version": version}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Deze aanvraag is voorbij: de laatste dag was 12 maart 2027." in page
    assert "De einddatum ligt in het verleden" not in page
    after = stored(gone_by.id)
    assert (after.headcount, after.end_date, request_service.version_of(after)) == (2, MONDAY + dt.timedelta(days=4),
                                                                                   version)
    assert client.get(f"/aanvragen/{gone_by.id}/wijzigen").status_code == 302  # no form that leads nowhere


def test_a_cancel_of_a_request_gone_by_is_refused(client, login, world, gone_by):
    login(world.contact)
    assert client.get(f"/aanvragen/{gone_by.id}/annuleren").status_code == 302
    response = client.post(f"/aanvragen/{gone_by.id}/annuleren", data={}, follow_redirects=True)
    assert "Deze aanvraag is voorbij: de laatste dag was 12 maart 2027." in response.get_data(as_text=True)
    after = stored(gone_by.id)
    assert (after.status, after.changed_since_review) == (S.ACCEPTED.value, False)


def test_the_service_refuses_the_ministrys_change_and_cancel_of_a_request_gone_by(world, gone_by):
    with pytest.raises(ServiceError, match="Deze aanvraag is voorbij"):
        request_service.transition(gone_by, S.CANCELLED.value, actor=world.contact)
    data = request_service.RequestInput(
        location_id=world.location.id, work_type_id=world.work_type.id, start_date=MONDAY,
        end_date=MONDAY + dt.timedelta(days=4), weekdays="12345", start_minute=gone_by.start_minute,
        end_minute=gone_by.end_minute, break_minutes=gone_by.break_minutes, headcount=5, priority=2)
    with pytest.raises(ServiceError, match="Deze aanvraag is voorbij"):
        request_service.update_request(gone_by, data, actor=world.contact,
                                       seen_version=request_service.version_of(gone_by))
    assert stored(gone_by.id).status == S.ACCEPTED.value and stored(gone_by.id).headcount == 2


# --- 3. the home page's list --------------------------------------------------------------------------


def test_the_home_page_shows_the_request_lists_badges(client, login, world, make):
    make.request(location=world.location, work_type=world.work_type, status=S.CANCELLED.value,
                 cancel_reason="Geen mensen")
    make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value,
                 changed_since_review=True)
    login(world.contact)
    home = client.get("/home").get_data(as_text=True)
    listed = client.get("/aanvragen/").get_data(as_text=True)
    for words in ("Geannuleerd door Binnenwerk", "Wijziging nog niet bekeken"):
        assert words in listed and words in " ".join(home.split())


# --- 4. a team leader absent on a day gone by ----------------------------------------------------------


@pytest.fixture
def led(world, make):
    """Monday and Tuesday of week 10: the team's leader is ill both days; on Tuesday a stand-in
    was planned."""
    team = make.team(region="Noord", name="Team Noorderlicht")
    leader = make.supervisor(team=team, name="Sanne Leider", phone="06-11112222")
    stand_in = make.supervisor(region="Noord", name="Piet Invaller", phone="06-33334444")
    req = make.request(location=world.location, work_type=world.work_type, status=S.SCHEDULED.value,
                       start_date=MONDAY, end_date=MONDAY + dt.timedelta(days=1), weekdays="12", headcount=1)
    person = make.employee(team=team)
    make.published_shift(employee=person, date=MONDAY, location=world.location, work_type=world.work_type,
                         supervisor=leader, request_id=req.id)
    make.published_shift(employee=person, date=MONDAY + dt.timedelta(days=1), location=world.location,
                         work_type=world.work_type, supervisor=stand_in, request_id=req.id)
    make.absence(supervisor=leader, start=MONDAY, end=MONDAY + dt.timedelta(days=1), kind="ziek")
    db.session.commit()
    return req


def test_a_leader_absent_on_a_day_gone_by_is_just_absent(client, login, world, led, monkeypatch):
    fake_today(monkeypatch, MONDAY + dt.timedelta(days=21))
    login(world.contact)
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert "zoekt een vervanger" not in page and "ziek" not in page.lower()
    assert "Sanne Leider" not in page and "Piet Invaller" in page
    rows = plan_rows(client, led.id)
    monday, tuesday = rows[MONDAY.isoformat()][0], rows[(MONDAY + dt.timedelta(days=1)).isoformat()][0]
    assert (monday["Teamleider"], monday["Telefoon teamleider"]) == ("afwezig", "")
    assert (tuesday["Teamleider"], tuesday["Telefoon teamleider"]) == ("Piet Invaller", "06-33334444")


def test_a_leader_absent_on_a_day_to_come_is_still_being_replaced(client, login, world, led, monkeypatch):
    fake_today(monkeypatch, MONDAY - dt.timedelta(days=3))
    login(world.contact)
    rows = plan_rows(client, led.id)
    assert rows[MONDAY.isoformat()][0]["Teamleider"] == "afwezig, Binnenwerk zoekt een vervanger"


def test_a_leader_absent_on_a_day_gone_by_in_english(app_with, make, world, led, monkeypatch):
    from .test_english_qa import signed_in
    from tests.conftest import compile_english_catalog
    from flask_babel import refresh

    compile_english_catalog()
    refresh()
    fake_today(monkeypatch, MONDAY + dt.timedelta(days=21))
    world.contact.locale = "en"
    browser = signed_in(app_with, world.contact)
    rows = plan_rows(browser, led.id, language="en")
    assert rows[MONDAY.isoformat()][0]["Team leader"] == "absent"
    assert "stand-in" not in browser.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)


# --- 5. the planning of a request cancelled after people were told to come ---------------------------


def test_a_request_cancelled_and_called_off_says_no_team_comes(client, login, world, make, monkeypatch):
    fake_today(monkeypatch, MONDAY - dt.timedelta(days=7))
    req = make.request(location=world.location, work_type=world.work_type, status=S.CANCELLED.value,
                       start_date=MONDAY, end_date=MONDAY, weekdays="1", headcount=1)
    make.published_shift(employee=make.employee(team=make.team(region="Noord")), date=MONDAY,
                         location=world.location, work_type=world.work_type, request_id=req.id,
                         cancelled=True, sequence=1)
    db.session.commit()
    login(world.contact)
    page = client.get(f"/aanvragen/planning?week={WEEK}&aanvraag={req.id}").get_data(as_text=True)
    assert "Deze aanvraag is geannuleerd. Er komt geen team meer." in page
    assert "In deze weken staat er niets van deze aanvraag in de planning." not in page
