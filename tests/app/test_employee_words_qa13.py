"""The employee's week page, calendar and week sheet say nothing untrue (QA round 13, Team Den Haag 1).

A leader change after a move no longer says "time and place stay the same"; a contract's last day
mid-week is named and the days after it are no days off; a day led by another leader says so
without a second "je teamleider"; a leader's short appointment is told as its times; a stopped link
asks whether the reader still works here; errors under /week/ speak to the employee; English says
"cancelled" for a called-off day in the page and the calendar alike.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from types import SimpleNamespace

import icalendar
import pytest
from flask_babel import refresh
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import (
    Assignment, FeedKind, PublishedShift, Roster, SupervisionAssignment,
)
from binnenwerk.services import feeds, tokens
from binnenwerk.services import rosters as service
from tests.conftest import compile_english_catalog

WEEK = "2026-W50"
MON, TUE, WED, THU, FRI = (dt.date(2026, 12, 7) + dt.timedelta(days=n) for n in range(5))
FRIDAY_BEFORE = dt.date(2026, 12, 4)
OFFICE = "070-1234567"
SAME = "Je tijd en je plek blijven hetzelfde."


def set_today(monkeypatch, day: dt.date) -> None:
    monkeypatch.setattr(feeds, "local_today", lambda: day)


def text_of(html: str) -> str:
    """A page's words without tags, spaces made single."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".").replace(" :", ":")


def day_block(html: str, day: dt.date, prefix: str = "day-") -> str:
    return html.split(f'id="{prefix}{day.isoformat()}"')[1].split("</article>")[0]


def top_block(html: str) -> str:
    return html.split('id="leader-title"')[1].split("</section>")[0]


def events_by_day(body: bytes) -> dict:
    return {e.decoded("DTSTART").date(): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def week_html(client, token: str) -> str:
    response = client.get(f"/week/{token}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def feed_events(client, token: str) -> dict:
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    return events_by_day(response.data)


# --- 1. another team leader after a move: time and place do not "stay the same" ---------------------


@pytest.fixture
def moved(make, monkeypatch):
    """Julia of Team Den Haag 1 on a Monday-to-Friday request at Rijnstraat 8, 09:00-15:00, led by
    Tineke, published the Friday before; today is Wednesday of that week."""
    wt = make.work_type("keyboards", name_nl="Toetsenborden reinigen", name_en="Keyboard cleaning")
    home = make.location("Den Haag", name="Rijnstraat 8")
    nearby = make.location("Den Haag", name="Turfmarkt 147")
    team = make.team("Den Haag", name="Team Den Haag 1")
    tineke = make.supervisor(team, work_types=[wt], name="Tineke Teamleider", phone="06-11112222")
    olaf = make.supervisor(None, region="Den Haag", work_types=[wt], name="Olaf Kaya", phone="06-33334444")
    julia = make.employee(team, work_types=[wt], first_name="Julia", last_name="Huisman", phone="06-55556666")
    req = make.request(home, wt, weekdays="12345", headcount=1, start_date=dt.date(2026, 11, 30),
                       end_date=dt.date(2026, 12, 31))
    roster = Roster(week=WEEK, team=team)
    db.session.add(roster)
    db.session.flush()
    for day in (MON, TUE, WED, THU, FRI):
        db.session.add(Assignment(roster_id=roster.id, employee_id=julia.id, date=day, request_id=req.id))
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=tineke.id, date=day,
                                             location_id=home.id, team_id=team.id))
    leader_user = make.user("team_leader", teams=[team], name="Tineke Teamleider")
    token = tokens.issue(FeedKind.EMPLOYEE, julia)
    db.session.commit()
    set_today(monkeypatch, FRIDAY_BEFORE)
    service.publish(roster)
    set_today(monkeypatch, WED)
    return SimpleNamespace(wt=wt, home=home, nearby=nearby, team=team, tineke=tineke, olaf=olaf, julia=julia,
                           req=req, roster_id=roster.id, leader_user=leader_user, token=token)


def _publish(world) -> None:
    db.session.expire_all()
    service.publish(db.session.get(Roster, world.roster_id))
    db.session.expire_all()


def _friday(world) -> PublishedShift:
    db.session.expire_all()
    return db.session.scalars(select(PublishedShift).where(
        PublishedShift.employee_id == world.julia.id, PublishedShift.date == FRI)).one()


def _lead_friday(world, leader) -> None:
    """The roster gives Friday's work at the request's place another team leader (a repair after
    the leader's absence does that)."""
    db.session.execute(SupervisionAssignment.__table__.delete().where(
        SupervisionAssignment.roster_id == world.roster_id, SupervisionAssignment.date == FRI))
    db.session.add(SupervisionAssignment(roster_id=world.roster_id, supervisor_id=leader.id, date=FRI,
                                         location_id=world.req.location_id, team_id=world.team.id))
    db.session.commit()


def test_a_leader_change_after_a_move_does_not_say_time_and_place_stay_the_same(client, login, moved):
    # Published: Friday moves to Turfmarkt 147, 09:00-13:00 (she was first told Rijnstraat 8, 09:00-15:00).
    moved.req.location_id, moved.req.end_minute = moved.nearby.id, 13 * 60
    db.session.commit()
    _publish(moved)
    assert _friday(moved).sequence == 1 and not _friday(moved).leader_only
    # Then only Friday's team leader changes, and that is published too.
    _lead_friday(moved, moved.olaf)
    _publish(moved)
    friday = _friday(moved)
    assert friday.sequence == 2 and friday.supervisor_id == moved.olaf.id
    assert not friday.leader_only  # compared with what she was first told, her time and place changed

    block = text_of(day_block(week_html(client, moved.token), FRI))
    assert SAME not in block
    assert ("Dit is veranderd. Kijk goed hoe laat en waar je werkt. Je hebt die dag ook een andere teamleider."
            in block)
    assert "Je werkt van 09:00 tot 13:00." in block and "Turfmarkt 147" in block
    lines = str(feed_events(client, moved.token)[FRI]["DESCRIPTION"]).split("\n")
    assert lines[0] == ("Let op: dit is veranderd. Kijk goed hoe laat en waar je werkt. "
                        "Je hebt die dag ook een andere teamleider.")
    assert "Teamleider: Olaf Kaya, telefoon 06-33334444" in lines
    # The call list reads the same flag: it gives the new time and place.
    login(moved.leader_user)
    home = text_of(client.get("/home").get_data(as_text=True))
    assert "werkt nu van 09:00 tot 13:00, Turfmarkt 147, Straat" in home
    assert "Tijd en plek blijven hetzelfde" not in home


def test_leader_changes_only_since_the_first_telling_still_say_time_and_place_stay(client, moved, make):
    _lead_friday(moved, moved.olaf)
    _publish(moved)
    assert _friday(moved).leader_only
    # A second leader-only change: still as first told apart from the leader.
    _lead_friday(moved, make.supervisor(None, region="Den Haag", work_types=[moved.wt], name="Piet Vos"))
    _publish(moved)
    friday = _friday(moved)
    assert friday.sequence == 2 and friday.leader_only
    block = text_of(day_block(week_html(client, moved.token), FRI))
    assert f"Dit is veranderd. Je hebt die dag een andere teamleider. {SAME}" in block
    assert "ook een andere teamleider" not in block


def test_a_changed_day_led_by_the_own_leader_does_not_say_another_leader(client, moved):
    moved.req.end_minute = 13 * 60
    db.session.commit()
    _publish(moved)
    block = text_of(day_block(week_html(client, moved.token), FRI))
    assert "Dit is veranderd. Kijk goed hoe laat en waar je werkt." in block
    assert "andere teamleider" not in block
    assert "andere teamleider" not in str(feed_events(client, moved.token)[FRI]["DESCRIPTION"])


# --- 2. the last working day mid-week ------------------------------------------------------------


@pytest.fixture
def leaving(make, monkeypatch):
    """Julia's contract ends on Tuesday; her Wednesday to Friday were called off for it. Today is
    Monday of that week."""
    set_today(monkeypatch, MON)
    team = make.team("Den Haag", name="Team Den Haag 1")
    make.supervisor(team, name="Tineke Teamleider", phone="06-11112222")
    julia = make.employee(team, first_name="Julia", last_name="Huisman", contract_end=TUE)
    bram = make.employee(team, first_name="Bram", last_name="Bos")
    place = make.location(name="Rijnstraat 8")
    wt = make.work_type(name_nl="Toetsenborden reinigen")
    for n, day in enumerate((MON, TUE, WED, THU, FRI)):
        make.published_shift(employee=julia, date=day, location=place, work_type=wt,
                             cancelled=n >= 2, sequence=int(n >= 2), contract_call_off=n >= 2)
    for week in (WEEK, "2026-W51"):
        db.session.add(Roster(week=week, team=team, version=1, published_at=dt.datetime(2026, 12, 1)))
    make.published_shift(employee=bram, date=MON + dt.timedelta(weeks=1), location=place, work_type=wt)
    token = tokens.issue(FeedKind.EMPLOYEE, julia)
    leader_user = make.user("team_leader", teams=[team])
    db.session.commit()
    return SimpleNamespace(team=team, julia=julia, bram=bram, token=token, leader_user=leader_user)


def test_the_week_page_names_the_last_working_day_and_the_days_after_are_no_days_off(client, leaving):
    html = week_html(client, leaving.token)
    this_week = text_of(html.split('id="week-1"')[1].split("</section>")[0])
    assert "Je laatste werkdag bij Binnenwerk is dinsdag 8 december." in this_week
    assert "Dit is je laatste werkdag bij Binnenwerk." in text_of(day_block(html, TUE))
    assert "laatste werkdag" not in text_of(day_block(html, MON))
    for day in (WED, THU, FRI):
        block = text_of(day_block(html, day))
        assert "Geen werk meer. Je werkt dan niet meer bij Binnenwerk." in block, day
        assert "Vrij." not in block and "gaat niet door" not in block
    # The week after: as before, no roster for them any more.
    assert "In week 51 werk je niet meer bij ons." in text_of(html)


def test_the_week_sheets_say_the_same_and_leave_out_who_has_left(client, login, leaving):
    login(leaving.leader_user)
    sheets = client.get(f"/rooster/weekbriefjes?week={WEEK}&team={leaving.team.id}").get_data(as_text=True)
    julia = sheets.split(f'id="weekbriefje-{leaving.julia.id}"')[1].split("</section>")[0]
    prefix = f"dag-{leaving.julia.id}-"
    assert "Dit is je laatste werkdag bij Binnenwerk." in text_of(day_block(julia, TUE, prefix))
    for day in (WED, THU, FRI):
        assert "Geen werk meer." in text_of(day_block(julia, day, prefix))
        assert "Vrij." not in text_of(day_block(julia, day, prefix))
    # Week 51, wholly after her last day: no sheet of "Vrij." days for her; Bram's is there.
    later = client.get(f"/rooster/weekbriefjes?week=2026-W51&team={leaving.team.id}").get_data(as_text=True)
    assert f'id="weekbriefje-{leaving.julia.id}"' not in later
    assert f'id="weekbriefje-{leaving.bram.id}"' in later


# --- 3. one "je teamleider": the own one at the top, another named by the day ----------------------


@pytest.fixture
def led(make, monkeypatch):
    """Julia, own leader Tineke; Wednesday (today) and Thursday are led by Olaf Kaya."""
    set_today(monkeypatch, WED)
    team = make.team("Den Haag", name="Team Den Haag 1")
    tineke = make.supervisor(team, name="Tineke Teamleider", phone="06-11112222")
    olaf = make.supervisor(None, region="Den Haag", name="Olaf Kaya", phone="06-33334444")
    julia = make.employee(team, first_name="Julia", last_name="Huisman")
    place = make.location(name="Rijnstraat 8")
    wt = make.work_type(name_nl="Toetsenborden reinigen")
    shifts = {day: make.published_shift(employee=julia, date=day, location=place, work_type=wt,
                                        supervisor=olaf if day in (WED, THU) else tineke)
              for day in (MON, TUE, WED, THU, FRI)}
    token = tokens.issue(FeedKind.EMPLOYEE, julia)
    db.session.commit()
    return SimpleNamespace(tineke=tineke, olaf=olaf, julia=julia, shifts=shifts, token=token)


def test_the_top_names_the_own_leader_and_a_day_led_by_another_says_so(client, led):
    html = week_html(client, led.token)
    top = text_of(top_block(html))
    assert "Je vaste teamleider is Tineke Teamleider. Bel 06-11112222." in top
    # Ill today: today's leader, said once at the top.
    assert "Vandaag is Olaf Kaya je teamleider. Ben je vandaag ziek? Bel dan Olaf Kaya: 06-33334444." in top
    thursday = text_of(day_block(html, THU))
    assert "Die dag is Olaf Kaya je teamleider. Bel 06-33334444." in thursday
    assert "Je teamleider is Olaf" not in text_of(html)
    assert "Je teamleider is Tineke Teamleider. Bel 06-11112222." in text_of(day_block(html, FRI))
    assert 'href="tel:0633334444"' in day_block(html, THU)


def test_with_the_own_leader_away_today_the_top_gives_todays_leader_not_the_office(app, client, make, led):
    app.config["OFFICE_PHONE"] = OFFICE
    make.absence(supervisor=led.tineke, start=WED, kind="verlof")
    db.session.commit()
    html = week_html(client, led.token)
    top = text_of(top_block(html))
    assert "Je vaste teamleider Tineke Teamleider is er nu niet." in top
    assert "Ben je vandaag ziek? Bel dan Olaf Kaya: 06-33334444." in top
    assert OFFICE not in top and "verlof" not in html
    assert "Bel dan Binnenwerk" not in text_of(html)  # nobody away where she works this week


def test_with_todays_leader_away_the_top_gives_the_office_once(app, client, make, led):
    app.config["OFFICE_PHONE"] = OFFICE
    make.absence(supervisor=led.olaf, start=WED, kind="ziek")
    db.session.commit()
    html = week_html(client, led.token)
    top = text_of(top_block(html))
    assert "Je vaste teamleider is Tineke Teamleider. Bel 06-11112222." in top
    assert f"Ben je vandaag ziek? Bel dan Binnenwerk: {OFFICE}." in top
    assert "Olaf" not in top and "ziek" not in top.replace("Ben je vandaag ziek?", "")
    assert "Je teamleider is er die dag niet. Binnenwerk zoekt iemand anders." in text_of(day_block(html, WED))


# --- 4. a short appointment of the team leader ------------------------------------------------------


@pytest.fixture
def appointment(make, monkeypatch):
    set_today(monkeypatch, WED)
    team = make.team("Den Haag", name="Team Den Haag 1")
    tineke = make.supervisor(team, name="Tineke Teamleider", phone="06-11112222")
    julia = make.employee(team, first_name="Julia", last_name="Huisman")
    place = make.location(name="Rijnstraat 8")
    wt = make.work_type(name_nl="Toetsenborden reinigen")
    for day in (WED, THU, FRI):
        make.published_shift(employee=julia, date=day, location=place, work_type=wt, start="09:00", end="15:00")
    token = tokens.issue(FeedKind.EMPLOYEE, julia)
    db.session.commit()
    return SimpleNamespace(tineke=tineke, token=token)


def test_a_leaders_short_appointment_is_told_as_its_times_without_seeking_someone_else(app, client, make,
                                                                                      appointment):
    app.config["OFFICE_PHONE"] = OFFICE
    make.absence(supervisor=appointment.tineke, start=THU, kind="afspraak", times=("14:00", "15:00"))
    make.absence(supervisor=appointment.tineke, start=FRI, kind="afspraak", times=("08:00", "16:00"))
    db.session.commit()
    html = week_html(client, appointment.token)
    thursday = text_of(day_block(html, THU))
    assert "Je teamleider is er die dag van 14:00 tot 15:00 niet." in thursday
    assert "zoekt iemand anders" not in thursday and "afspraak" not in html
    # The whole shift: someone else is sought, as before.
    assert "Je teamleider is er die dag niet. Binnenwerk zoekt iemand anders." in text_of(day_block(html, FRI))
    events = feed_events(client, appointment.token)
    thursday_lines = str(events[THU]["DESCRIPTION"]).split("\n")
    assert thursday_lines[-1] == ("Je teamleider is er die dag van 14:00 tot 15:00 niet. "
                                  f"Ben je ziek of heb je een vraag? Bel dan Binnenwerk: {OFFICE}.")
    assert "Binnenwerk zoekt iemand anders" in str(events[FRI]["DESCRIPTION"])
    assert "afspraak" not in client.get(f"/calendar/{appointment.token}.ics").get_data(as_text=True)


def test_two_appointments_in_one_shift_are_both_told(client, make, appointment):
    make.absence(supervisor=appointment.tineke, start=THU, kind="afspraak", times=("08:00", "10:00"))
    make.absence(supervisor=appointment.tineke, start=THU, kind="afspraak", times=("13:00", "14:00"))
    db.session.commit()
    thursday = text_of(day_block(week_html(client, appointment.token), THU))
    assert ("Je teamleider is er die dag van 09:00 tot 10:00 niet. "
            "Je teamleider is er die dag van 13:00 tot 14:00 niet.") in thursday


def test_away_times_join_parts_and_see_a_covered_shift_as_whole():
    day = THU
    assert feeds.away_times([(day, day, 14 * 60, 15 * 60)], day, 9 * 60, 15 * 60) == [(840, 900)]
    assert feeds.away_times([(day, day, None, None)], day, 540, 900) == []
    assert feeds.away_times([(day, day, 480, 720), (day, day, 720, 960)], day, 540, 900) == []
    assert feeds.away_times([], day, 540, 900) == []  # an archived leader: the whole shift


# --- 5. a stopped link asks neutrally -------------------------------------------------------------


def test_a_stopped_link_asks_whether_they_still_work_here(client, appointment, monkeypatch):
    dead = client.get("/week/" + "A" * 32)
    assert dead.status_code == 404
    words = text_of(dead.get_data(as_text=True))
    assert "Werk je nog bij Binnenwerk? Vraag je teamleider dan om een nieuwe link." in words
    assert "Dan zie je je werk weer" not in words
    tokens.revoke(tokens.resolve(appointment.token))
    db.session.commit()
    # The notice stands on today, counted from the day the link was made (the real clock's).
    made = dt.date.today()
    set_today(monkeypatch, made + dt.timedelta(days=1))
    first = client.get(f"/calendar/{appointment.token}.ics")
    (notice,) = icalendar.Calendar.from_ical(first.data).walk("VEVENT")
    assert str(notice["DESCRIPTION"]) == (
        "Deze link werkt niet meer. Werk je nog bij Binnenwerk? Vraag je teamleider dan om een nieuwe link. "
        "Deze agenda kun je van je telefoon verwijderen.")
    # The notice still moves with its day and answers 304 while it stays.
    again = client.get(f"/calendar/{appointment.token}.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    set_today(monkeypatch, made + dt.timedelta(days=2))
    moved_on = client.get(f"/calendar/{appointment.token}.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert moved_on.status_code == 200
    (later,) = icalendar.Calendar.from_ical(moved_on.data).walk("VEVENT")
    assert int(later["SEQUENCE"]) == int(notice["SEQUENCE"]) + 1


# --- 6. errors on an employee's link --------------------------------------------------------------


def _assert_employee_error(response, status: int, office: bool = True) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert "Naar de startpagina" not in html and "/auth/login" not in html and 'href="/"' not in html
    assert "Er is niets opgeslagen" not in html
    assert response.headers["Referrer-Policy"] == "no-referrer" and "noindex" in response.headers["X-Robots-Tag"]
    if office:
        assert f"Lukt het dan nog steeds niet? Bel dan Binnenwerk: {OFFICE}." in text_of(html)
        assert 'href="tel:0701234567"' in html
    return text_of(html)


def test_a_broken_week_page_speaks_to_the_employee_and_logs_no_token(app_with, appointment, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    quiet = app_with(TESTING=False, PROPAGATE_EXCEPTIONS=False, OFFICE_PHONE=OFFICE)

    def broken(*args, **kwargs):
        raise RuntimeError("week broke")

    monkeypatch.setattr(feeds, "employee_weeks", broken)
    words = _assert_employee_error(quiet.test_client().get(f"/week/{appointment.token}"), 500)
    assert "Je werk is nu even niet te zien" in words
    assert "Probeer het over een paar minuten nog een keer." in words
    assert "week broke" in caplog.text and appointment.token not in caplog.text


def test_a_wrong_path_under_week_gets_the_employee_page_not_the_staff_404(app_with, appointment):
    browser = app_with(OFFICE_PHONE=OFFICE).test_client()
    words = _assert_employee_error(browser.get(f"/week/{appointment.token}/agenda"), 404)
    assert "Deze pagina bestaat niet" in words and "Kijk of de link goed is." in words
    # Without an office number: their team leader, as before.
    plain = app_with().test_client().get(f"/week/{appointment.token}/agenda")
    assert "Lukt het dan nog steeds niet? Bel je teamleider." in text_of(plain.get_data(as_text=True))
    # A calendar's address may be a ministry's: words for anyone, no team leader.
    calendar = app_with(OFFICE_PHONE=OFFICE).test_client().get("/calendar/abc/def/ghi")
    assert calendar.status_code == 404 and "teamleider" not in calendar.get_data(as_text=True)
    assert "Naar de startpagina" not in calendar.get_data(as_text=True)
    # Staff keep theirs.
    staff = browser.get("/geen-pagina")
    assert staff.status_code == 404 and "Naar de startpagina" in staff.get_data(as_text=True)


def test_the_database_down_page_gives_the_office_number(app, client, appointment, monkeypatch):
    from sqlalchemy.exc import OperationalError

    app.config["OFFICE_PHONE"] = OFFICE

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    for name in ("execute", "scalars", "scalar", "get"):
        monkeypatch.setattr(db.session, name, down)
    words = _assert_employee_error(client.get(f"/week/{appointment.token}"), 503)
    assert "Bel je teamleider." not in words


# --- 7. English: one word for a called-off day ----------------------------------------------------


def test_english_says_cancelled_for_a_called_off_day_in_page_and_calendar(app_with, make, monkeypatch):
    compile_english_catalog()
    refresh()
    set_today(monkeypatch, WED)
    julia = make.employee(first_name="Julia", last_name="Huisman")
    wt = make.work_type(name_nl="Toetsenborden reinigen", name_en="Keyboard cleaning")
    make.published_shift(employee=julia, date=THU, work_type=wt, cancelled=True, sequence=1)
    token = tokens.issue(FeedKind.EMPLOYEE, julia)
    db.session.commit()
    browser = app_with().test_client()
    page = text_of(browser.get(f"/week/{token}?taal=en").get_data(as_text=True))
    assert "Your work on this day is cancelled." in page
    event = events_by_day(browser.get(f"/calendar/{token}.ics?taal=en").data)[THU]
    assert str(event["SUMMARY"]) == "Day off: your work is cancelled (Keyboard cleaning)"
