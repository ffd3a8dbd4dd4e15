"""Calendar links in English (QA): staff link pages, the week page's ?taal=en and its QR codes, and
handouts printed in the employees' language, Dutch, unless asked in English. Dutch links stay as
they were."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import FeedKind, WorkType
from binnenwerk.security import LANG_LENT
from binnenwerk.services import feeds, tokens
from tests.conftest import TEST_PASSWORD

from .test_calendar_language import qr_targets  # noqa: F401  (fixture)
from .test_i18n_pages import english_catalog  # noqa: F401  (autouse fixture)


@pytest.fixture
def world(app, make):
    today = feeds.local_today()
    team = make.team(name="Team Rijnstraat")
    anna = make.employee(team=team, first_name="Anna", last_name="Jansen")
    location = make.location(name="Ministerie BZK")
    keyboards = make.work_type(name_nl="Toetsenborden reinigen", name_en="Keyboard cleaning")
    make.published_shift(employee=anna, date=today, location=location, work_type=keyboards)
    token = tokens.issue(FeedKind.EMPLOYEE, anna)
    team_token = tokens.issue(FeedKind.TEAM, team)
    location_token = tokens.issue(FeedKind.LOCATION, location)
    db.session.commit()
    return SimpleNamespace(team=team, anna=anna, location=location, token=token, team_token=team_token,
                           location_token=location_token)


def browser(app_with, user=None):
    """A fresh client (a fresh `g` per request, as in production), logged in as `user` if given."""
    client = app_with().test_client()
    if user is not None:
        db.session.commit()
        assert client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    return client


def images(html: str) -> list[str]:
    return [src.replace("&amp;", "&") for src in re.findall(r'<img class="qr" src="([^"]+)"', html)]


def lang_of(html: str) -> str:
    return re.search(r'<html lang="([a-z]+)"', html).group(1)


# --- the staff's link pages of a team's and a location's calendar -----------------------------


def test_an_english_team_leader_gets_the_team_calendar_in_english(app_with, make, world, qr_targets):  # noqa: F811
    leader = make.user("team_leader", teams=[world.team], locale="en")
    page = browser(app_with, leader).get(f"/kalender/link/team/{world.team.id}").get_data(as_text=True)
    token = world.team_token
    assert f"webcal://localhost/calendar/{token}.ics?taal=en" in page
    assert f"http://localhost/calendar/{token}.ics?taal=en" in page
    (code,) = images(page)
    assert browser(app_with).get(code).status_code == 200
    assert qr_targets == [f"webcal://localhost/calendar/{token}.ics?taal=en"]


def test_an_english_ministry_contact_gets_the_location_calendar_in_english(app_with, make, world):
    contact = make.user("ministry_contact", ministry=world.location.ministry, locale="en")
    page = browser(app_with, contact).get(f"/kalender/link/locatie/{world.location.id}").get_data(as_text=True)
    assert f"webcal://localhost/calendar/{world.location_token}.ics?taal=en" in page
    assert f"/calendar/{world.location_token}/qr.svg?taal=en" in page


def test_dutch_staff_link_pages_stay_exactly_as_they_were(app_with, make, world, qr_targets):  # noqa: F811
    leader = make.user("team_leader", teams=[world.team])
    page = browser(app_with, leader).get(f"/kalender/link/team/{world.team.id}").get_data(as_text=True)
    assert f'href="webcal://localhost/calendar/{world.team_token}.ics"' in page
    assert "taal=" not in page
    assert images(page) == [f"/calendar/{world.team_token}/qr.svg"]


def test_an_employees_link_page_keeps_dutch_links_for_an_english_team_leader(app_with, make, world):
    """The employee's calendar is handed to the employee, who reads Dutch."""
    leader = make.user("team_leader", teams=[world.team], locale="en")
    page = browser(app_with, leader).get(f"/kalender/link/medewerker/{world.anna.id}").get_data(as_text=True)
    assert "Calendar link of Anna" in page and "taal=" not in page


# --- the week page and its marker -------------------------------------------------------------


def test_a_fresh_phone_opens_the_english_week_page_from_an_english_link(app_with, world):
    phone = browser(app_with)
    english = phone.get(f"/week/{world.token}?taal=en").get_data(as_text=True)
    assert lang_of(english) == "en" and "Add to my calendar (iPhone)" in english
    assert f"webcal://localhost/calendar/{world.token}.ics?taal=en" in english
    assert f'href="/week/{world.token}?taal=en"' in english  # the name at the top leads back in English
    # The phone keeps it, lent as after a logout: the next visit without the marker is English too.
    with phone.session_transaction() as session:
        assert session["lang"] == "en" and session[LANG_LENT] is True
    again = phone.get(f"/week/{world.token}").get_data(as_text=True)
    assert lang_of(again) == "en"


def test_the_language_chosen_on_the_page_wins_over_the_links_marker(app_with, world):
    phone = browser(app_with)
    phone.get(f"/week/{world.token}?taal=en")
    # The switch sends the reader back to the same link, marker and all.
    assert phone.post("/taal/nl", data={"next": f"/week/{world.token}?taal=en"}).status_code == 302
    page = phone.get(f"/week/{world.token}?taal=en").get_data(as_text=True)
    assert lang_of(page) == "nl" and "Zet in mijn agenda (iPhone)" in page and "taal=" not in page.split("lang-switch")[0]


def test_a_staff_session_is_lent_the_links_language_for_that_page_only(app_with, make, world):
    leader = make.user("team_leader", teams=[world.team])  # reads Dutch, chose nothing in this browser
    staff = browser(app_with, leader)
    page = staff.get(f"/week/{world.token}?taal=en").get_data(as_text=True)
    assert lang_of(page) == "en" and "Add to my calendar (iPhone)" in page
    with staff.session_transaction() as session:
        assert "lang" not in session and LANG_LENT not in session
    assert lang_of(staff.get("/home").get_data(as_text=True)) == "nl"
    db.session.refresh(leader)
    assert leader.locale in (None, "", "nl")


def test_the_english_week_pages_qr_code_opens_the_english_page(app_with, world, qr_targets):  # noqa: F811
    phone = browser(app_with)
    page = phone.get(f"/week/{world.token}?taal=en").get_data(as_text=True)
    (code,) = images(page)
    assert "taal=en" in code and phone.get(code).status_code == 200
    assert qr_targets == [f"http://localhost/week/{world.token}?taal=en#agenda"]


def test_the_dutch_week_page_and_its_code_stay_as_they_were(app_with, world, qr_targets):  # noqa: F811
    phone = browser(app_with)
    page = phone.get(f"/week/{world.token}").get_data(as_text=True)
    assert lang_of(page) == "nl" and "taal=" not in page
    (code,) = images(page)
    phone.get(code)
    assert qr_targets == [f"http://localhost/week/{world.token}#agenda"]
    with phone.session_transaction() as session:
        assert "lang" not in session


@pytest.mark.parametrize("marker", ["de", "EN", "", "x" * 300])
def test_an_unknown_marker_leaves_the_week_page_dutch(app_with, world, marker):
    page = browser(app_with).get(f"/week/{world.token}", query_string={"taal": marker}).get_data(as_text=True)
    assert lang_of(page) == "nl"


def test_a_tidied_week_link_keeps_its_marker_and_a_dead_one_speaks_its_language(app_with, world):
    phone = browser(app_with)
    tidied = phone.get(f"/week/{world.token}).?taal=en")
    assert tidied.status_code == 301 and tidied.headers["Location"].endswith(f"/week/{world.token}?taal=en")
    assert phone.get(f"/week/{world.token}).").headers["Location"].endswith(f"/week/{world.token}")
    gone = browser(app_with).get("/week/" + "B" * 32 + "?taal=en")
    assert gone.status_code == 404 and "This link no longer works" in gone.get_data(as_text=True)


# --- handouts: Dutch for the employees, English on request ------------------------------------


def sheet_of(html: str, employee_id: int) -> str:
    return html.split(f'id="briefje-{employee_id}"')[1].split("</section>")[0]


def test_handouts_are_dutch_for_an_english_team_leader(app_with, make, world, qr_targets):  # noqa: F811
    leader = make.user("team_leader", teams=[world.team], locale="en")
    staff = browser(app_with, leader)
    html = staff.get(f"/kalender/team/{world.team.id}/briefjes").get_data(as_text=True)
    assert lang_of(html) == "en" and "Handouts for Team Rijnstraat" in html  # the page: the leader's
    sheet = sheet_of(html, world.anna.id)
    assert "Jouw werk op je telefoon, Anna" in sheet and "taal=" not in sheet
    assert '<div lang="nl">' in html
    assert f'href="/kalender/team/{world.team.id}/briefjes?taal=en">Print in English</a>' in html
    for code in images(sheet):
        staff.get(code)
    assert qr_targets == [f"http://localhost/week/{world.token}", f"http://localhost/week/{world.token}#agenda"]


def test_handouts_printed_in_english_open_the_english_week_page(app_with, make, world, qr_targets):  # noqa: F811
    leader = make.user("team_leader", teams=[world.team], locale="en")
    staff = browser(app_with, leader)
    html = staff.get(f"/kalender/team/{world.team.id}/briefjes?taal=en").get_data(as_text=True)
    sheet = sheet_of(html, world.anna.id)
    assert "Your work on your phone, Anna" in sheet and '<div lang="en">' in html
    assert f'href="/kalender/team/{world.team.id}/briefjes">Print in Dutch</a>' in html
    for code in images(sheet):
        staff.get(code)
    assert qr_targets == [f"http://localhost/week/{world.token}?taal=en",
                          f"http://localhost/week/{world.token}?taal=en#agenda"]


def test_a_dutch_team_leader_can_print_in_english_too(app_with, make, world):
    leader = make.user("team_leader", teams=[world.team])
    staff = browser(app_with, leader)
    html = staff.get(f"/kalender/team/{world.team.id}/briefjes").get_data(as_text=True)
    assert "Jouw werk op je telefoon, Anna" in html and "Afdrukken in het Engels" in html
    english = staff.get(f"/kalender/team/{world.team.id}/briefjes?taal=en").get_data(as_text=True)
    assert lang_of(english) == "nl" and "Your work on your phone, Anna" in english
    assert "Afdrukken in het Nederlands" in english


def test_an_english_page_names_work_without_an_english_name_by_its_dutch_one(app_with, world):
    for work_type in db.session.scalars(select(WorkType)):
        work_type.name_en = ""
    db.session.commit()
    page = browser(app_with).get(f"/week/{world.token}?taal=en").get_data(as_text=True)
    assert "Your work: Toetsenborden reinigen." in page
