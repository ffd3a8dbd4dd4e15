"""The warning before a logout (WCAG 2.2.1): every signed-in page carries the dialog with the
seconds its login has left; /auth/sessie tells how long is left without counting as activity (GET)
and keeps the login (POST, "Ingelogd blijven"). The dialog's script is tested in the browser
(tests/browser/test_session_warning_browser.py)."""
from __future__ import annotations

import datetime as dt
import re
import time

from sqlalchemy import update

from binnenwerk.extensions import db
from binnenwerk.models import Role, UserSession, utcnow
from tests.app.test_security_login import actions_for, post_login
from tests.conftest import TEST_PASSWORD

IDLE = 10  # minutes


def _signed_in(app_with, make, role="planner", **config):
    client = app_with(SESSION_IDLE_MINUTES=IDLE, **config).test_client()
    user = make.user(role=role)
    db.session.commit()
    assert post_login(client, user.email).status_code == 302
    return client, user


def _idle_for(client, seconds: int) -> None:
    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - seconds


def _last_seen(client) -> int:
    with client.session_transaction() as session:
        return session["last_seen"]


def test_asking_how_long_is_left_is_no_activity(app_with, make):
    client, _user = _signed_in(app_with, make)
    _idle_for(client, 5 * 60)
    seen = _last_seen(client)

    first = client.get("/auth/sessie")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    assert first.json["extend"] is True
    assert 5 * 60 - 5 <= first.json["left"] <= 5 * 60
    again = client.get("/auth/sessie")
    assert again.json["left"] <= first.json["left"]
    assert _last_seen(client) == seen  # the question did not keep the login


def test_stay_logged_in_keeps_the_login(app_with, make):
    client, user = _signed_in(app_with, make)
    _idle_for(client, 9 * 60)

    kept = client.post("/auth/sessie")

    assert kept.status_code == 200 and IDLE * 60 - 5 <= kept.json["left"] <= IDLE * 60
    assert abs(_last_seen(client) - time.time()) < 5
    _idle_for(client, 9 * 60 + 30)  # nine and a half minutes since "stay": still in
    assert client.get("/home").status_code == 200
    assert ("logout", "ok") not in actions_for(user)


def test_after_the_idle_limit_the_question_ends_the_login_and_says_so(app_with, make):
    client, user = _signed_in(app_with, make)
    _idle_for(client, IDLE * 60 + 1)

    gone = client.get("/auth/sessie")

    assert gone.status_code == 401 and (gone.json["left"], gone.json["extend"]) == (0, False)
    assert gone.json["texts"]["gone_title"] == "Je bent uitgelogd"
    assert ("logout", "ok") in actions_for(user)
    home = client.get("/home")
    assert "/auth/login" in home.headers["Location"]
    assert "niet actief" in client.get(home.headers["Location"]).get_data(as_text=True)
    # "Stay logged in" cannot bring it back either.
    assert client.post("/auth/sessie").status_code == 401


def test_near_the_logins_lifetime_staying_is_not_offered(app_with, make):
    """The idle limit counts from the last request, the lifetime from the login: when the lifetime
    ends first, activity does not help, and the page is told so (the dialog says "save now")."""
    client, user = _signed_in(app_with, make, SESSION_MAX_HOURS=1)
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id)
                       .values(created_at=utcnow() - dt.timedelta(minutes=55)))
    db.session.commit()

    found = client.get("/auth/sessie").json

    assert found["extend"] is False and 5 * 60 - 5 <= found["left"] <= 5 * 60
    assert client.post("/auth/sessie").json["left"] <= 5 * 60


def test_without_a_login_nothing_is_left(app_with):
    client = app_with(SESSION_IDLE_MINUTES=IDLE).test_client()
    response = client.get("/auth/sessie")
    assert response.status_code == 401 and (response.json["left"], response.json["extend"]) == (0, False)


def test_every_signed_in_page_carries_the_warning_and_a_public_page_does_not(app_with, make):
    client, _user = _signed_in(app_with, make)
    page = client.get("/home").get_data(as_text=True)
    dialog = re.search(r'<dialog id="session-warning"[^>]*>', page)
    assert dialog, "the warning's dialog is on the page"
    left = int(re.search(r'data-left="(\d+)"', dialog.group(0)).group(1))
    assert IDLE * 60 - 5 <= left <= IDLE * 60
    assert 'data-extend="1"' in dialog.group(0) and "js/session.js" in page
    # Its words come with the answer, not on every page (where they would read as the page's own).
    assert "niet actief" not in page and "Ingelogd blijven" not in page
    texts = client.get("/auth/sessie").json["texts"]
    assert texts["idle"].startswith("Je was een tijd niet actief. Binnen 2 minuten word je uitgelogd.")
    assert texts["lifetime"].startswith("Je bent bijna 12 uur ingelogd.")
    assert texts["stay"] == "Ingelogd blijven" and texts["login"] == "Opnieuw inloggen"

    client.post("/auth/logout")
    login_page = client.get("/auth/login").get_data(as_text=True)
    assert "session-warning" not in login_page and "js/session.js" not in login_page


def test_a_ministry_contact_is_addressed_formally_and_english_reads_english(app_with, make):
    client, _user = _signed_in(app_with, make, role=Role.MINISTRY_CONTACT.value)
    texts = client.get("/auth/sessie").json["texts"]
    assert texts["idle"].startswith("U was een tijd niet actief. Binnen 2 minuten wordt u uitgelogd.")
    assert texts["title"] == "U wordt bijna uitgelogd"
    client.post("/taal/en", data={"next": "/home"})
    english = client.get("/auth/sessie").json["texts"]
    assert english["stay"] == "Stay logged in" and english["idle"].startswith("You have not been active")


def test_following_the_login_link_after_the_limit_keeps_the_page_to_go_back_to(app_with, make):
    """The dialog's "Opnieuw inloggen" reached the server just as the session ran out: the login
    page was wrapped in a second login redirect and the way back was lost (a QA finding)."""
    client, user = _signed_in(app_with, make)
    _idle_for(client, IDLE * 60 + 1)

    page = client.get("/auth/login?next=/teams/afwezigheid/nieuw")

    assert page.status_code == 200  # the login page itself, not a redirect to another one
    assert ("logout", "ok") in actions_for(user)
    assert "Je was een tijd niet actief. Log opnieuw in." in page.get_data(as_text=True)
    back = client.post("/auth/login?next=/teams/afwezigheid/nieuw",
                       data={"email": user.email, "password": TEST_PASSWORD})
    assert back.headers["Location"].endswith("/teams/afwezigheid/nieuw")


def test_a_ministry_contact_logged_out_is_told_formally(app_with, make):
    client, _user = _signed_in(app_with, make, role=Role.MINISTRY_CONTACT.value)
    _idle_for(client, IDLE * 60 + 1)
    home = client.get("/home")
    assert "U was een tijd niet actief. Log opnieuw in." in client.get(home.headers["Location"]).get_data(as_text=True)

    # Logged out in another tab: the warning's words to this browser stay formal.
    other, _contact = _signed_in(app_with, make, role=Role.MINISTRY_CONTACT.value)
    other.post("/auth/logout")
    gone = other.get("/auth/sessie")
    assert gone.status_code == 401 and gone.json["texts"]["gone_title"] == "U bent uitgelogd"
    assert gone.json["texts"]["gone"].startswith("Wat u typte")


def test_with_a_short_idle_limit_activity_counts_within_a_tenth_of_it(app_with, make):
    """Activity was written at most once a minute: with a 3-minute limit the warning came while
    someone was working (a QA finding). Now at most a tenth of the limit goes unrecorded."""
    client = app_with(SESSION_IDLE_MINUTES=3).test_client()
    user = make.user()
    db.session.commit()
    post_login(client, user.email)
    _idle_for(client, 30)
    client.get("/home")
    assert abs(_last_seen(client) - time.time()) < 5


def test_a_form_sent_after_the_login_ended_says_it_was_not_saved_and_leads_back_to_its_page(app_with, make):
    """A team leader's absence form sent after the computer slept through the warning: only "Je was een
    tijd niet actief" was said, and the login led to the start page, not the form (a QA finding)."""
    client, user = _signed_in(app_with, make)
    _idle_for(client, IDLE * 60 + 1)

    sent = client.post("/teams/afwezigheid/nieuw", data={"note": "griep"},
                       headers={"Referer": "http://localhost/teams/afwezigheid/nieuw?wie=x"})

    assert sent.status_code == 302 and "/auth/login" in sent.headers["Location"]
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert ("Je was een tijd niet actief. Log opnieuw in. Wat je net verstuurde, is niet opgeslagen. Doe het na het "
            "inloggen opnieuw.") in page
    back = client.post(sent.headers["Location"], data={"email": user.email, "password": TEST_PASSWORD})
    assert back.headers["Location"].endswith("/teams/afwezigheid/nieuw?wie=x")


def test_a_form_sent_late_from_another_site_leads_to_the_start_page(app_with, make):
    client, user = _signed_in(app_with, make)
    _idle_for(client, IDLE * 60 + 1)
    sent = client.post("/teams/afwezigheid/nieuw", data={}, headers={"Referer": "https://elders.example/x"})
    assert "next=" not in sent.headers["Location"]


def test_a_form_sent_late_from_a_page_that_only_a_post_shows_leads_to_the_start_page(app_with, make):
    """An import's check (shown for a POST) as the way back gave "Niet toegestaan" after the login."""
    client, user = _signed_in(app_with, make)
    _idle_for(client, IDLE * 60 + 1)
    sent = client.post("/gegevens/employees/bevestigen", data={},
                       headers={"Referer": "http://localhost/gegevens/employees/voorbeeld"})
    assert "/auth/login" in sent.headers["Location"] and "next=" not in sent.headers["Location"]


def test_a_form_sent_after_the_session_cookie_went_says_it_was_not_saved_and_leads_back(app_with, make):
    """Logged out in another tab (or the cookie deleted), then a form sent: CSRF refused it before
    the login check with "Formulier verlopen" and a link to the start page only (a QA finding)."""
    from tests.app.test_security_login import csrf_token

    client = app_with(WTF_CSRF_ENABLED=True).test_client()
    user = make.user(role="planner")
    db.session.commit()
    client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD,
                                     "csrf_token": csrf_token(client, "/auth/login")})
    token = csrf_token(client, "/teams/afwezigheid/nieuw")
    client.delete_cookie("session")

    sent = client.post("/teams/afwezigheid/nieuw", data={"note": "griep", "csrf_token": token},
                       headers={"Referer": "http://localhost/teams/afwezigheid/nieuw?wie=x"})

    assert sent.status_code == 302 and "/auth/login" in sent.headers["Location"]
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Het formulier is niet opgeslagen: de inlog was al afgelopen." in page
    back = client.post(sent.headers["Location"], data={"email": user.email, "password": TEST_PASSWORD,
                                                       "csrf_token": csrf_token(client, sent.headers["Location"])})
    assert back.headers["Location"].endswith("/teams/afwezigheid/nieuw?wie=x")
    # Signed in, a form without its token is still refused as before.
    refused = client.post("/teams/afwezigheid/nieuw", data={"note": "griep"})
    assert refused.status_code == 400 and "Formulier verlopen" in refused.get_data(as_text=True)


def test_a_language_button_or_a_login_sent_after_the_cookie_went_leads_to_a_page_that_works(app_with):
    """An employee's week page left open until its cookie went: "English" gave the staff's
    "Formulier verlopen" page with a link to the staff login; a stale login page refused the right
    password there too (a QA finding)."""
    client = app_with(WTF_CSRF_ENABLED=True).test_client()
    week = client.post("/taal/en", data={"next": "/week/abcdefghijklmnopqrstuvwxyz012345", "csrf_token": "old"})
    assert week.status_code == 302 and week.headers["Location"] == "/week/abcdefghijklmnopqrstuvwxyz012345"
    login = client.post("/auth/login?next=/rooster/", data={"email": "a@b.example", "password": "x",
                                                           "csrf_token": "old"})
    page = login.get_data(as_text=True)
    assert login.status_code == 400 and "Het inlogformulier was verlopen. Log nog een keer in." in page
    assert 'value="a@b.example"' in page and "Formulier verlopen" not in page
