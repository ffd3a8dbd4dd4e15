"""QA round 13 (newoff): place names and words on English pages, and what a region's solve says.

1. Dutch place names in the call list on the start page and in the pin messages of a job page
   are marked lang="nl" on an English page (WCAG 3.1.2); in Dutch, and as stored on the job, the
   message stays plain text, and a name typed by someone is never markup.
2. A region or all-teams solve that leaves a team out because no team leader can lead its pinned
   shift says so as a one-team solve does (one shift: "deze dienst"), not that the pins clash.
3. The capacity report's English says "work type" and "requested", as the rest of the app.
4. A shift that does not go ahead is "cancelled" in English, not "called off".
5. A request gone by: after the redirect from /wijzigen or /annuleren the refusal is said once.
6. The admin's page of a team leader's account names the person once, in plain words.
"""
from __future__ import annotations

import datetime as dt
import html

import pytest
from babel.messages.pofile import read_po
from markupsafe import Markup

from binnenwerk import jobs
from binnenwerk.extensions import db
from binnenwerk.models import JobStatus
from binnenwerk.services import rosters
from tests.app.test_english_qa import in_language, signed_in
from tests.app.test_i18n import PO
from tests.conftest import english_client

from .test_admin_catalog import admin  # noqa: F401 (a fixture)
from .test_admin_qa13 import linked_leader  # noqa: F401 (a fixture)
from .test_ministry_qa13 import gone_by, world  # noqa: F401 (fixtures)
from .test_reports_capacity import WEEK as CAPACITY_WEEK
from .test_reports_capacity import no_car_washers, noord  # noqa: F401 (fixtures)
from .test_solver_explain_qa13 import WED, den_haag, fast_solver, page_of, pin_leader, pin_shift, solve  # noqa: F401
from .test_i18n_pages import english_catalog  # noqa: F401 (an autouse fixture)
from .test_short_notice import WEDNESDAY, line_of, section

TURFMARKT = '<span lang="nl">Turfmarkt 147</span>'
RIJNSTRAAT = '<span lang="nl">Rijnstraat 8</span>'


# --- 1. Dutch place names marked on English pages ----------------------------------------------


@pytest.fixture
def changed_shifts(make, monkeypatch):
    """A team whose Anna now works elsewhere on Thursday and whose Bram's Wednesday is cancelled,
    and its team leader, who reads English."""
    monkeypatch.setattr(rosters, "today", lambda: WEDNESDAY)
    team = make.team(name="Team A")
    leader = make.user("team_leader", teams=[team], locale="en")
    anna = make.employee(team=team, first_name="Anna", last_name="Jansen", phone="06-11112222")
    bram = make.employee(team=team, first_name="Bram", last_name="Bos")
    make.published_shift(employee=anna, date=WEDNESDAY + dt.timedelta(days=1),
                         location=make.location(name="Turfmarkt 147"), start="09:00", end="13:00", sequence=1)
    make.published_shift(employee=bram, date=WEDNESDAY, cancelled=True, sequence=1)
    return leader


def test_the_call_list_marks_the_dutch_place_on_an_english_page(app_with, changed_shifts):
    listed = section(signed_in(app_with, changed_shifts).get("/home").get_data(as_text=True))
    assert "now works from 09:00 to 13:00, <span lang=\"nl\">Turfmarkt 147, Straat" in line_of(listed, "Anna Jansen")


def test_the_call_list_keeps_the_place_plain_in_dutch(client, login, changed_shifts):
    changed_shifts.locale = "nl"
    login(changed_shifts)
    listed = section(client.get("/home").get_data(as_text=True))
    assert "werkt nu van 09:00 tot 13:00, Turfmarkt 147, Straat" in line_of(listed, "Anna Jansen")
    assert 'lang="nl"' not in listed


HUGO = {"name": "Hugo <b>Kuiper</b>", "email": "", "nr": None, "date": "2026-12-16", "place": "Turfmarkt 147",
        "start": 540, "end": 780, "unled": False, "short": False, "begun": False, "loose": True,
        "held": [{"name": "Olaf Kaya", "date": "2026-12-16", "place": "Rijnstraat 8", "team": "",
                  "with": ["Julia & Co"]}]}


def test_a_pin_message_marks_its_places_in_english_and_escapes_the_names(app):
    with in_language(app, "en"):
        one_team = jobs.pins_message({"conflicting_pins": [HUGO]})
        region = jobs.left_out_messages({"left_out": [{"team_id": 1, "team": "Team <i>1</i>", "pins": [HUGO]}]})
    for message in (one_team, *region):
        assert isinstance(message, Markup)
        assert f"Hugo &lt;b&gt;Kuiper&lt;/b&gt; on Wednesday 16 December, {TURFMARKT} 09:00–13:00" in message
        assert f"Olaf Kaya is pinned at {RIJNSTRAAT} on Wednesday 16 December, where Julia &amp; Co is" in message
        assert "<b>" not in message
    assert region[0].startswith("Team &lt;i&gt;1&lt;/i&gt; ")  # the team's name escaped too


def test_a_pin_message_in_dutch_stays_plain_text(app):
    with in_language(app, "nl"):
        message = jobs.pins_message({"conflicting_pins": [HUGO]})
        left_out = jobs.left_out_messages({"left_out": [{"team_id": 1, "team": "Team 1", "pins": [HUGO]}]})
    for said in (message, *left_out):
        assert not isinstance(said, Markup) and 'lang="nl"' not in said
        assert "Hugo <b>Kuiper</b> op woensdag 16 december, Turfmarkt 147 09:00–13:00" in said
        assert "waar ook Julia & Co vaststaat" in said


def test_the_job_page_marks_the_places_of_a_region_solve_in_english(client, den_haag, app_with, make):
    pin_leader(den_haag, den_haag.olaf, WED, den_haag.rijnstraat)
    pin_shift(den_haag, den_haag.julia, WED, den_haag.rijnstraat)
    pin_shift(den_haag, den_haag.hugo, WED, den_haag.turfmarkt)
    make.absence(supervisor=den_haag.tineke, start=WED)
    db.session.commit()
    job = solve(client, regio="Den Haag")
    assert job.status == JobStatus.FINISHED.value, job.error

    english = english_client(app_with, make, role="planner").get(f"/rooster/planning/{job.id}")
    said = english.get_data(as_text=True).split('id="job-left-out"')[1].split("</ul>")[0]
    assert f"Hugo Kuiper on Wednesday 16 December, {TURFMARKT} 09:00–13:00" in said
    assert f"Olaf Kaya is pinned at {RIJNSTRAAT} on Wednesday 16 December, where Julia Huisman is" in said
    dutch = client.get(f"/rooster/planning/{job.id}").get_data(as_text=True).split('id="job-left-out"')[1]
    assert 'lang="nl"' not in dutch.split("</ul>")[0]


def test_a_one_team_solve_stores_its_message_plain_and_the_english_page_marks_it(client, den_haag, app_with,
                                                                                 make):
    pin_leader(den_haag, den_haag.olaf, WED, den_haag.rijnstraat)
    pin_shift(den_haag, den_haag.julia, WED, den_haag.rijnstraat)
    pin_shift(den_haag, den_haag.hugo, WED, den_haag.turfmarkt)
    make.absence(supervisor=den_haag.tineke, start=WED)
    db.session.commit()
    job = solve(client, team=den_haag.team.id)
    assert job.status == JobStatus.FAILED.value
    assert "<span" not in job.error and "Turfmarkt 147 09:00–13:00" in job.error

    page = english_client(app_with, make, role="planner").get(f"/rooster/planning/{job.id}").get_data(as_text=True)
    error = page.split('id="job-error"')[1].split("</p>")[0]
    assert f"No team leader can lead this shift: Hugo Kuiper on Wednesday 16 December, {TURFMARKT}" in error


# --- 2. a region's solve: no leader for a pinned shift -------------------------------------------


def test_an_all_teams_solve_says_no_leader_can_lead_the_one_pinned_shift(client, den_haag, make):
    """The QA steps: Olaf pinned to lead at Rijnstraat 8 with Julia pinned there, Hugo pinned at
    Turfmarkt 147, Tineke absent that day; every team planned."""
    pin_leader(den_haag, den_haag.olaf, WED, den_haag.rijnstraat)
    pin_shift(den_haag, den_haag.julia, WED, den_haag.rijnstraat)
    pin_shift(den_haag, den_haag.hugo, WED, den_haag.turfmarkt)
    make.absence(supervisor=den_haag.tineke, start=WED)
    db.session.commit()

    job = solve(client)

    assert job.status == JobStatus.FINISHED.value, job.error
    said = html.unescape(page_of(client, job).split('id="job-left-out"')[1].split("</ul>")[0])
    assert ("Team Den Haag 1 is niet gepland: geen teamleider kan deze dienst leiden: Hugo Kuiper op woensdag "
            "16 december, Turfmarkt 147 09:00–13:00. Dat komt door een vastgezette teamleider: Olaf Kaya staat op "
            "woensdag 16 december vast bij Rijnstraat 8, waar ook Julia Huisman vaststaat. Maak een of meer hiervan "
            "los en plan het team opnieuw. Het rooster van dit team is niet veranderd.") in said
    assert "botsen" not in said and "deze diensten" not in said


def test_a_region_solve_says_when_nobody_is_free_to_lead_a_pinned_shift(client, den_haag, make):
    """Tineke and the stand-in Olaf both away: nobody may lead Hugo's pinned shift."""
    pin_shift(den_haag, den_haag.hugo, WED, den_haag.turfmarkt)
    make.absence(supervisor=den_haag.tineke, start=WED)
    make.absence(supervisor=den_haag.olaf, start=WED)
    db.session.commit()

    job = solve(client, regio="Den Haag")

    assert job.status in (JobStatus.FINISHED.value, JobStatus.FAILED.value), job.error
    said = html.unescape(page_of(client, job))
    assert ("Team Den Haag 1 is niet gepland: geen teamleider kan deze dienst leiden: Hugo Kuiper op woensdag "
            "16 december, Turfmarkt 147 09:00–13:00. Er is op woensdag 16 december geen teamleider of invaller vrij "
            "voor dit team en dit werk.") in said
    assert "botsen" not in said


def test_two_shifts_nobody_can_lead_are_plural_and_an_old_stored_job_still_reads(app):
    julia = {**HUGO, "name": "Julia Huisman", "held": [], "unled": True}
    hugo = {**HUGO, "name": "Hugo Kuiper", "held": [], "unled": True}
    with in_language(app, "nl"):
        two = jobs.left_out_messages({"left_out": [{"team_id": 1, "team": "Team 1", "pins": [hugo, julia]}]})[0]
        old = jobs.left_out_messages({"left_out": [{"team_id": 1, "team": "Team 1",
                                                    "pins": [{"name": "Anna Test", "date": "2026-12-09"}]}]})[0]
    assert two.startswith("Team 1 is niet gepland: geen teamleider kan deze diensten leiden: Hugo Kuiper op")
    assert "; Julia Huisman op woensdag 16 december" in two
    assert old.startswith("Team 1 is niet gepland: deze vastgezette diensten botsen: Anna Test")


# --- 3. the capacity report's English -----------------------------------------------------------


def test_the_capacity_report_says_work_type_and_requested_in_english(app_with, make, no_car_washers):
    english = signed_in(app_with, make.user(role="planner", locale="en"))
    page = html.unescape(english.get(f"/rapportages/capaciteit?week={CAPACITY_WEEK}").get_data(as_text=True))
    assert "Waterless car wash</span>: 4 h requested, 0 h available" in page
    assert "Per work type: when more hours of a work type are requested than the people" in page
    assert "kind of work" not in page and " asked" not in page


def test_the_intake_says_too_few_people_can_do_this_work_type_in_english(app):
    with in_language(app, "en"):
        from flask_babel import gettext

        said = gettext("Te weinig mensen in regio %(region)s kunnen dit werk doen.", region="Noord")
    assert said == "Too few people in region Noord can do this work type."


# --- 4. "cancelled", not "called off" -----------------------------------------------------------


def test_the_call_list_says_a_shift_is_cancelled_in_english(app_with, changed_shifts):
    listed = section(signed_in(app_with, changed_shifts).get("/home").get_data(as_text=True))
    assert "is cancelled." in line_of(listed, "Bram Bos")


def test_no_english_text_says_called_off():
    with open(PO, "rb") as f:
        catalog = read_po(f)
    said = [m.id for m in catalog if m.id and "called off" in " ".join(
        m.string if isinstance(m.string, tuple) else (m.string,)).lower()]
    assert said == []


# --- 5. a request gone by: the refusal said once ------------------------------------------------


OVER = "Deze aanvraag is voorbij: de laatste dag was 12 maart 2027. U kunt hem niet meer wijzigen of annuleren."


@pytest.mark.parametrize("action", ["wijzigen", "annuleren"])
def test_a_request_gone_by_says_why_once_after_the_redirect(client, login, world, gone_by, action):
    login(world.contact)
    page = client.get(f"/aanvragen/{gone_by.id}/{action}", follow_redirects=True).get_data(as_text=True)
    assert page.count(OVER) == 1
    assert 'role="alert">' + OVER in page  # the flash says it; the page does not repeat it
    # Opened again (no flash): the page itself says why.
    assert client.get(f"/aanvragen/{gone_by.id}").get_data(as_text=True).count(OVER) == 1


# --- 6. the admin's page of a team leader's account ---------------------------------------------


def test_a_leader_accounts_page_names_the_person_once(client, admin, linked_leader):  # noqa: F811
    _leader, account, _team = linked_leader
    page = html.unescape(client.get(f"/beheer/gebruikers/{account.id}").get_data(as_text=True))
    assert ("Dit is het account van teamleider Tim Leider. Na deactiveren blijft het aan de teamleider gekoppeld. "
            "Activeer je het later weer, dan ziet het account het team weer.") in page
    assert "Tim Leider ziet het team weer" not in page


def test_a_leader_accounts_page_in_english(app_with, make, linked_leader):  # noqa: F811
    _leader, account, _team = linked_leader
    browser = english_client(app_with, make, role="admin")
    page = html.unescape(browser.get(f"/beheer/gebruikers/{account.id}").get_data(as_text=True))
    assert ("This is team leader Tim Leider's account. If you deactivate it, it stays linked to the team leader; "
            "if you reactivate it later, it will see the team again.") in page
