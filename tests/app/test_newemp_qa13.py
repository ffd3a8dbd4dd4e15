"""The employee's week page after a QA tester's round 13 (Team Den Haag 1, week pages by link).

The language button on an employee's "page does not exist" keeps the employee there; a stand-in
team leader's appointment names the stand-in, not "je teamleider" (the own one, who is not away);
whom to call when ill today is said once; one way of saying "Bel"; a link cut short asks to check
the whole link was used.
"""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from flask_babel import refresh

from binnenwerk.extensions import db
from binnenwerk.models import FeedKind, Roster
from binnenwerk.services import tokens
from tests.conftest import compile_english_catalog

from tests.app.test_employee_words_qa13 import (  # noqa: F401 (the same week and readers)
    FRI, MON, OFFICE, THU, TUE, WED, WEEK, day_block, set_today, text_of, top_block, week_html,
)

STOPPED = "Werk je nog bij Binnenwerk? Vraag je teamleider dan om een nieuwe link."
WHOLE = "Kijk of je de hele link hebt gebruikt."


@pytest.fixture
def stand_in(make, monkeypatch):
    """Hugo of Team Den Haag 1, own leader Tineke; Olaf Kaya (a stand-in) leads his Wednesday
    (today) and Thursday at Turfmarkt 147, Tineke the other days. The week is published."""
    set_today(monkeypatch, WED)
    team = make.team("Den Haag", name="Team Den Haag 1")
    tineke = make.supervisor(team, name="Tineke Teamleider", phone="06-77446522")
    olaf = make.supervisor(None, region="Den Haag", name="Olaf Kaya", phone="06-78695681")
    hugo = make.employee(team, first_name="Hugo", last_name="de Vries")
    place = make.location(name="Turfmarkt 147")
    wt = make.work_type(name_nl="Toetsenborden reinigen")
    for day in (MON, TUE, WED, THU, FRI):
        make.published_shift(employee=hugo, date=day, location=place, work_type=wt, start="09:00", end="15:00",
                             supervisor=olaf if day in (WED, THU) else tineke)
    db.session.add(Roster(week=WEEK, team=team, version=1, published_at=dt.datetime(2026, 12, 1)))
    token = tokens.issue(FeedKind.EMPLOYEE, hugo)
    leader_user = make.user("team_leader", teams=[team])
    db.session.commit()
    return SimpleNamespace(team=team, tineke=tineke, olaf=olaf, hugo=hugo, token=token, leader_user=leader_user)


# --- 1. the language button on an employee's "Deze pagina bestaat niet" ----------------------------


@pytest.mark.parametrize("path", ["/week/abc/def", "/week/{token}/xyz", "/calendar/abc/def/ghi"])
def test_the_language_button_on_an_employee_404_stays_on_that_page(client, stand_in, path):
    path = path.format(token=stand_in.token)
    dutch = client.get(path)
    assert dutch.status_code == 404 and "Deze pagina bestaat niet" in dutch.get_data(as_text=True)
    compile_english_catalog()
    switched = client.post("/taal/en", data={"next": path})
    assert switched.status_code == 302 and switched.headers["Location"] == path  # not /auth/login
    refresh()  # the test's app context keeps the locale of the request before
    english = client.get(path)
    assert english.status_code == 404
    html = english.get_data(as_text=True)
    assert "This page does not exist" in html and "/auth/login" not in html


def test_the_language_button_keeps_the_link_and_the_chosen_language_wins_over_its_marker(client, stand_in):
    """A mistyped English link (?taal=en): "Nederlands" goes back to it, and it speaks Dutch."""
    compile_english_catalog()
    path = f"/week/{stand_in.token}/xyz?taal=en"
    assert "This page does not exist" in client.get(path).get_data(as_text=True)
    switched = client.post("/taal/nl", data={"next": path})
    assert switched.headers["Location"] == path
    refresh()
    assert "Deze pagina bestaat niet" in client.get(path).get_data(as_text=True)


def test_a_staff_address_that_is_no_page_still_goes_back_to_the_start(client):
    assert client.post("/taal/en", data={"next": "/geen-pagina"}).headers["Location"] == "/"
    assert client.post("/taal/en", data={"next": "//example.org/week/abc"}).headers["Location"] == "/"


# --- 2. a stand-in leader's appointment names the stand-in --------------------------------------------


def test_a_stand_in_leaders_appointment_names_the_stand_in_not_your_team_leader(app, client, make, stand_in):
    app.config["OFFICE_PHONE"] = OFFICE
    make.absence(supervisor=stand_in.olaf, start=THU, kind="afspraak", times=("11:00", "12:00"))
    db.session.commit()
    html = week_html(client, stand_in.token)
    assert "Je vaste teamleider is Tineke Teamleider." in text_of(top_block(html))
    thursday = text_of(day_block(html, THU))
    assert ("Die dag is Olaf Kaya je teamleider. Olaf Kaya is er van 11:00 tot 12:00 niet. "
            f"Ben je ziek of heb je een vraag? Bel dan Binnenwerk: {OFFICE}.") in thursday
    assert "Je teamleider is er" not in thursday and "Tineke" not in thursday
    assert "afspraak" not in html


def test_the_week_sheet_names_the_stand_in_too(client, login, make, stand_in):
    make.absence(supervisor=stand_in.olaf, start=THU, kind="afspraak", times=("11:00", "12:00"))
    db.session.commit()
    login(stand_in.leader_user)
    sheets = client.get(f"/rooster/weekbriefjes?week={WEEK}&team={stand_in.team.id}").get_data(as_text=True)
    hugo = sheets.split(f'id="weekbriefje-{stand_in.hugo.id}"')[1].split("</section>")[0]
    thursday = text_of(day_block(hugo, THU, f"dag-{stand_in.hugo.id}-"))
    assert "Die dag is Olaf Kaya je teamleider. Olaf Kaya is er van 11:00 tot 12:00 niet." in thursday
    assert "Je teamleider is er" not in thursday and "afspraak" not in sheets


def test_the_own_leaders_appointment_still_reads_as_your_team_leader(client, make, stand_in):
    make.absence(supervisor=stand_in.tineke, start=FRI, kind="afspraak", times=("10:00", "11:00"))
    db.session.commit()
    friday = text_of(day_block(week_html(client, stand_in.token), FRI))
    assert "Je teamleider is er die dag van 10:00 tot 11:00 niet." in friday
    assert "Die dag is" not in friday and "Tineke" not in friday


def test_whom_to_call_when_ill_today_is_said_once(app, client, make, stand_in):
    """Olaf leads today and is away part of it: the top gives the office for today, today's block
    does not say it again; another day's block still does."""
    app.config["OFFICE_PHONE"] = OFFICE
    make.absence(supervisor=stand_in.olaf, start=WED, end=THU, kind="afspraak", times=("11:00", "12:00"))
    db.session.commit()
    html = week_html(client, stand_in.token)
    assert f"Ben je vandaag ziek? Bel dan Binnenwerk: {OFFICE}." in text_of(top_block(html))
    today = text_of(day_block(html, WED))
    assert "Olaf Kaya is er van 11:00 tot 12:00 niet." in today and "Bel dan Binnenwerk" not in today
    assert "Bel dan Binnenwerk" in text_of(day_block(html, THU))
    assert text_of(html).count("Bel dan Binnenwerk") == 2  # the top (today) and Thursday


def test_without_an_own_team_leader_todays_block_keeps_the_office(app, client, make, monkeypatch):
    """No top section names anyone to call: today's block is where the office stands."""
    set_today(monkeypatch, WED)
    app.config["OFFICE_PHONE"] = OFFICE
    team = make.team("Den Haag", name="Team zonder leider")
    olaf = make.supervisor(None, region="Den Haag", name="Olaf Kaya", phone="06-78695681")
    hugo = make.employee(team, first_name="Hugo")
    make.published_shift(employee=hugo, date=WED, supervisor=olaf)
    make.absence(supervisor=olaf, start=WED, kind="afspraak", times=("11:00", "12:00"))
    token = tokens.issue(FeedKind.EMPLOYEE, hugo)
    db.session.commit()
    html = week_html(client, token)
    assert 'id="leader-title"' not in html
    assert f"Bel dan Binnenwerk: {OFFICE}." in text_of(day_block(html, WED))


# --- 3. one way of saying "Bel" --------------------------------------------------------------------


def test_a_day_led_by_another_says_bel_as_the_rest_of_the_page(client, stand_in):
    html = week_html(client, stand_in.token)
    assert "Die dag is Olaf Kaya je teamleider. Bel 06-78695681." in text_of(day_block(html, THU))
    assert "Je vaste teamleider is Tineke Teamleider. Bel 06-77446522." in text_of(top_block(html))
    assert "Bel:" not in text_of(html)


# --- 4. a link cut short ---------------------------------------------------------------------------


def test_a_link_cut_short_asks_to_check_the_whole_link_was_used(client, stand_in):
    cut = client.get(f"/week/{stand_in.token[:-1]}")
    assert cut.status_code == 404
    assert f"{WHOLE} {STOPPED}" in text_of(cut.get_data(as_text=True))
    nothing = client.get("/week/")  # cut off before its code
    assert f"{WHOLE} {STOPPED}" in text_of(nothing.get_data(as_text=True))


def test_a_stopped_link_was_whole_and_is_not_told_to_check_it(client, stand_in):
    tokens.revoke(tokens.resolve(stand_in.token))
    db.session.commit()
    stopped = client.get(f"/week/{stand_in.token}")
    assert stopped.status_code == 404
    words = text_of(stopped.get_data(as_text=True))
    assert STOPPED in words and "hele link" not in words
