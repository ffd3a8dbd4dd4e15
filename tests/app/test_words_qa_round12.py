"""Words from an English QA pass: a full team of one in the singular, the office's number in one
sentence, the session warning in natural English, and Dutch names marked lang="nl" on English pages
(WCAG 3.1.2): an employee's indication and the roster's places."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from flask_babel import refresh

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, EmployeeSensitive, FeedKind, Roster, SupervisionAssignment
from binnenwerk.services import ServiceError, feeds, tokens
from binnenwerk.services.teams import ensure_room_in_team
from tests.app.test_english_qa import in_language, signed_in
from tests.conftest import TEST_PASSWORD, compile_english_catalog

MON = dt.date(2026, 12, 7)
OFFICE = "070-1234567"


@pytest.fixture(autouse=True)
def english_catalog(app):
    compile_english_catalog()
    refresh()


def text_of(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


# --- 1. a full team counts one as one -----------------------------------------------------------


@pytest.mark.parametrize("language, size, said", [
    ("nl", 1, "Team Een is vol: er is al 1 medewerker en het maximum is 1."),
    ("nl", 2, "Team Een is vol: er zijn al 2 medewerkers en het maximum is 2."),
    ("en", 1, "Team Een is full: there is already 1 employee and the maximum is 1."),
    ("en", 2, "Team Een is full: there are already 2 employees and the maximum is 2."),
])
def test_a_full_team_says_one_employee_in_the_singular(app, make, language, size, said):
    team = make.team(name="Team Een", max_size=size)
    for _n in range(size):
        make.employee(team)
    db.session.commit()
    with in_language(app, language), pytest.raises(ServiceError) as refused:
        ensure_room_in_team(team.id)
    assert refused.value.message == said


# --- 2. who to call on a day the team leader is away: one sentence -------------------------------


@pytest.fixture
def leader_away(make, monkeypatch):
    """Anna works today; her team leader is ill today."""
    today = feeds.local_today()
    monkeypatch.setattr(feeds, "local_today", lambda: today)
    team = make.team(name="Team Rijnstraat")
    leader = make.supervisor(team=team, name="Tineke")
    anna = make.employee(team=team, first_name="Anna", weekdays=range(1, 8))
    make.published_shift(employee=anna, date=today)
    make.absence(supervisor=leader, start=today, kind="ziek")
    token = tokens.issue(FeedKind.EMPLOYEE, anna)
    db.session.commit()
    return token


@pytest.mark.parametrize("language, sentence", [
    ("nl", f"Ben je ziek of heb je een vraag? Bel dan Binnenwerk: {OFFICE}."),
    ("en", f"If you are ill or have a question, call Binnenwerk: {OFFICE}."),
])
def test_the_week_page_and_the_calendar_say_whom_to_call_in_one_sentence(app_with, leader_away, language, sentence):
    client = app_with(OFFICE_PHONE=OFFICE).test_client()
    page = client.get(f"/week/{leader_away}", query_string={"taal": language}).get_data(as_text=True)
    calls = re.findall(r'<a href="tel:0701234567">(.*?)</a>', page, re.S)
    assert calls and all(text_of(call) == sentence for call in calls)  # all of it the link
    calendar = client.get(f"/calendar/{leader_away}.ics", query_string={"taal": language})
    calendar = calendar.get_data(as_text=True).replace("\r\n ", "")  # unfolded
    assert sentence.replace(",", "\\,") in calendar


# --- 3. the session warning in natural English --------------------------------------------------


@pytest.mark.parametrize("role, hours, lifetime", [
    ("planner", 12, "You have been logged in for almost 12 hours. You will be logged out in 2 minutes."),
    ("ministry_contact", 1, "You have been logged in for almost 1 hour. You will be logged out in 2 minutes."),
])
def test_the_session_warning_reads_as_english(app_with, make, role, hours, lifetime):
    user = make.user(role, locale="en")
    db.session.commit()
    client = app_with(SESSION_MAX_HOURS=hours).test_client()
    client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD})
    texts = client.get("/auth/sessie").json["texts"]
    assert "You will be logged out in 2 minutes." in texts["idle"]
    assert texts["lifetime"].startswith(lifetime)
    assert texts["gone"].endswith("If you still need it, copy it first, then log in again.")
    assert "Within" not in texts["idle"] + texts["lifetime"] and "Then" not in texts["gone"]


def test_the_session_warning_in_dutch_is_unchanged_for_one_hour(app_with, make):
    user = make.user("planner")
    db.session.commit()
    client = app_with(SESSION_MAX_HOURS=1).test_client()
    client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert client.get("/auth/sessie").json["texts"]["lifetime"] == (
        "Je bent bijna 1 uur ingelogd. Binnen 2 minuten word je uitgelogd. Sla nu op wat je nog niet hebt opgeslagen.")


# --- 4. Dutch names on English pages marked lang="nl" -------------------------------------------


@pytest.mark.parametrize("language, shown", [
    ("en", '<dd><span lang="nl">banenafspraak</span> (to 7 December 2026)'),
    ("nl", "<dd>banenafspraak (tot en met 07-12-2026)"),
])
def test_the_employee_page_marks_the_dutch_indication(app_with, make, language, shown):
    person = make.employee(make.team())
    db.session.add(EmployeeSensitive(employee=person, indication="banenafspraak", indication_until=MON))
    page = signed_in(app_with, make.user("planner", locale=language)).get(f"/teams/medewerkers/{person.id}")
    assert shown in page.get_data(as_text=True)


def a_planned_week(make):
    """Team Papier's week 2026-W50: Anna at CBS-weg 11 on Monday, Tineke leading her there."""
    team = make.team(name="Team Papier")
    tineke = make.supervisor(team, name="Tineke")
    anna = make.employee(team, first_name="Anna", last_name="Jansen")
    place = make.location(name="CBS-weg 11")
    request = make.request(location=place, work_type=make.work_type(name_nl="Schoonmaak", name_en="Cleaning"),
                           start_date=MON, end_date=MON, weekdays="1", headcount=2)
    roster = Roster(week="2026-W50", team=team)
    db.session.add(roster)
    db.session.flush()
    db.session.add(Assignment(roster_id=roster.id, employee_id=anna.id, date=MON, request_id=request.id))
    db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=tineke.id, date=MON,
                                         location_id=place.id, team_id=team.id))
    db.session.commit()
    return team


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_roster_marks_the_dutch_place_names_on_an_english_page(app_with, make, language):
    team = a_planned_week(make)
    client = signed_in(app_with, make.user("planner", locale=language))
    page = client.get("/rooster/", query_string={"week": "2026-W50", "team": team.id}).get_data(as_text=True)
    marked = {
        "the cell": '<span class="loc" lang="nl">CBS-weg 11</span>',
        "the leader row": 'Tineke: <span lang="nl">CBS-weg 11</span>',
        "the requests table": '<th scope="row"><span lang="nl">CBS-weg 11</span>: Cleaning',
        "what is short": '<span lang="nl">CBS-weg 11</span> (Cleaning)',
    }
    if language == "en":
        assert {where: html in page for where, html in marked.items()} == dict.fromkeys(marked, True)
    else:
        assert 'lang="nl"' not in page.split("<main", 1)[1] and '<span class="loc">CBS-weg 11</span>' in page
