"""Server-side sessions: logout, deactivation and password or MFA changes end them for good, and
a login lasts a working day at most, however busy."""
from __future__ import annotations

import datetime as dt
import re
import time

import pyotp
from sqlalchemy import func, select, update

from binnenwerk.bench import count_queries
from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, User, UserSession, utcnow
from tests.conftest import TEST_PASSWORD


def sign_in(client, user):
    response = client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def copy_of_cookie(app, client):
    """A second client holding the same session cookie (taken from a proxy log or a shared PC)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value, domain="localhost")
    return thief


def leader_on_two_devices(app_with, make):
    """A team leader signed in on a laptop and a phone: (the app, the leader, laptop, phone)."""
    app = app_with()
    leader = make.user(role="team_leader")
    db.session.commit()
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, leader)
    sign_in(phone, leader)
    return app, leader, laptop, phone


def signed_in(client) -> bool:
    response = client.get("/auth/account")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    return False


def sessions_of(user) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == user.id))


def test_a_cookie_copied_before_logout_does_not_work_after_it(app_with, make):
    app = app_with()
    leader = make.user(role="team_leader")
    db.session.commit()
    browser = app.test_client()
    sign_in(browser, leader)
    thief = copy_of_cookie(app, browser)
    assert signed_in(thief)

    browser.post("/auth/logout")
    assert not signed_in(browser)
    assert not signed_in(thief)
    assert sessions_of(leader) == 0


def test_logout_ends_only_that_session(app_with, make):
    _app, leader, laptop, phone = leader_on_two_devices(app_with, make)
    assert sessions_of(leader) == 2
    laptop.post("/auth/logout")
    assert signed_in(phone) and not signed_in(laptop)


def test_a_session_ends_after_twelve_hours_however_busy(app_with, make):
    app = app_with()
    leader = make.user(role="team_leader")
    db.session.commit()
    browser = app.test_client()
    sign_in(browser, leader)
    db.session.execute(update(UserSession).values(created_at=utcnow() - dt.timedelta(hours=11, minutes=59)))
    db.session.commit()
    assert signed_in(browser)  # busy all day: the idle timeout never struck

    db.session.execute(update(UserSession).values(created_at=utcnow() - dt.timedelta(hours=12, minutes=1)))
    db.session.commit()
    response = browser.get("/auth/account")
    assert "/auth/login" in response.headers["Location"]
    assert "Je bent al 12 uur ingelogd. Log opnieuw in." in browser.get(response.headers["Location"]).get_data(as_text=True)
    assert sessions_of(leader) == 0
    db.session.expire_all()
    assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "logout")) == "session lifetime reached"
    sign_in(browser, leader)
    assert signed_in(browser)


def test_a_login_clears_away_sessions_long_past_their_lifetime(app_with, make):
    """Long past it only: a record just past it was cleared by anyone's login, and the browser that
    came back was told "uitgelogd" instead of why (a QA finding)."""
    app = app_with()
    gone, just, leader = (make.user(role="team_leader") for _n in range(3))
    db.session.commit()
    sign_in(app.test_client(), gone)
    db.session.execute(update(UserSession).values(created_at=utcnow() - dt.timedelta(days=8, hours=13)))
    db.session.commit()
    back = app.test_client()
    sign_in(back, just)
    db.session.execute(update(UserSession).where(UserSession.user_id == just.id)
                       .values(created_at=utcnow() - dt.timedelta(hours=13)))
    db.session.commit()
    sign_in(app.test_client(), leader)
    assert sessions_of(gone) == 0 and sessions_of(leader) == 1
    response = back.get("/auth/account")
    assert "Je bent al 12 uur ingelogd." in back.get(response.headers["Location"]).get_data(as_text=True)


def test_reactivating_an_account_does_not_bring_its_old_sessions_back(app_with, make):
    app = app_with()
    leader = make.user(role="team_leader")
    admin = make.user(role="admin")
    db.session.commit()
    office, suspect = app.test_client(), app.test_client()
    sign_in(office, admin)
    sign_in(suspect, leader)

    assert office.post(f"/beheer/gebruikers/{leader.id}/deactiveren").status_code == 302
    assert not signed_in(suspect)
    assert office.post(f"/beheer/gebruikers/{leader.id}/activeren").status_code == 302
    assert not signed_in(suspect)
    sign_in(suspect, leader)  # a new login works as before
    assert signed_in(suspect)


def _enrol(client) -> str:
    page = client.get("/auth/tweestaps/instellen").get_data(as_text=True)
    secret = re.search(r'class="mfa-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert client.post("/auth/tweestaps/instellen", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    return secret


def test_turning_mfa_on_or_off_ends_the_other_sessions(app_with, make):
    _app, leader, laptop, phone = leader_on_two_devices(app_with, make)

    secret = _enrol(laptop)
    assert signed_in(laptop) and not signed_in(phone)

    phone.post("/auth/login", data={"email": leader.email, "password": TEST_PASSWORD})
    assert phone.post("/auth/tweestaps", data={"code": pyotp.TOTP(secret).at(time.time() + 30)}).status_code == 302
    assert signed_in(phone)
    db.session.execute(update(User).values(totp_last_step=None))  # as if a minute went by
    db.session.commit()
    off = laptop.post("/auth/tweestaps/uitzetten", data={"code": pyotp.TOTP(secret).now()})
    assert off.status_code == 302
    assert signed_in(laptop) and not signed_in(phone)


def test_the_operators_mfa_reset_ends_the_users_sessions(app_with, make):
    app = app_with()
    leader = make.user(role="team_leader", totp_secret=pyotp.random_base32(), mfa_enabled=True)
    db.session.commit()
    browser = app.test_client()
    browser.post("/auth/login", data={"email": leader.email, "password": TEST_PASSWORD})
    browser.post("/auth/tweestaps", data={"code": pyotp.TOTP(leader.totp_secret).now()})
    assert signed_in(browser)
    result = app.test_cli_runner().invoke(args=["account", "reset-mfa", leader.email])
    assert result.exit_code == 0, result.output
    assert not signed_in(browser)


def test_the_database_keeps_only_a_hash_of_the_session_id(app_with, make):
    app = app_with()
    leader = make.user(role="team_leader")
    db.session.commit()
    browser = app.test_client()
    sign_in(browser, leader)
    with browser.session_transaction() as session:
        session_id = session["sid"]
    stored = db.session.scalar(select(UserSession.token_hash))
    assert len(session_id) >= 40 and session_id not in stored


def test_loading_the_signed_in_user_is_one_query(app, make):
    from binnenwerk.services import accounts

    leader = make.user(role="team_leader")
    session_id, leader_id = accounts.start_session(leader), leader.id
    db.session.commit()
    db.session.expunge_all()
    with count_queries(db.engine) as counter:
        user, expired = accounts.session_user(leader_id, session_id)
    assert user is not None and user.id == leader_id and not expired
    assert counter["n"] == 1
    assert accounts.session_user(leader_id, "made-up") == (None, False)
    assert accounts.session_user(leader_id, None) == (None, False)


def test_a_one_hour_login_that_ended_says_one_hour_in_english(app_with, make):
    """"You have been logged in for 1 hours" (SESSION_MAX_HOURS=1; a QA finding)."""
    from tests.conftest import compile_english_catalog

    compile_english_catalog()
    app = app_with(SESSION_MAX_HOURS=1)
    leader = make.user(role="team_leader", locale="en")
    db.session.commit()
    browser = app.test_client()
    sign_in(browser, leader)
    db.session.execute(update(UserSession).values(created_at=utcnow() - dt.timedelta(hours=1, minutes=1)))
    db.session.commit()
    response = browser.get("/auth/account")
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have been logged in for 1 hour. Please log in again." in page and '<html lang="en">' in page
    # A ministry contact reads "u", as after a logout.
    contact = make.user(role="ministry_contact", ministry=make.ministry())
    db.session.commit()
    other = app.test_client()
    sign_in(other, contact)
    db.session.execute(update(UserSession).values(created_at=utcnow() - dt.timedelta(hours=1, minutes=1)))
    db.session.commit()
    page = other.get(other.get("/auth/account").headers["Location"]).get_data(as_text=True)
    assert "U bent al 1 uur ingelogd. Log opnieuw in." in page
    # A language chosen during a login that ran out is lent to the login page, not given to the next
    # person who logs in there (a QA finding).
    browser.post("/auth/login", data={"email": leader.email, "password": TEST_PASSWORD})
    browser.post("/taal/en", data={"next": "/home"})
    db.session.execute(update(UserSession).values(created_at=utcnow() - dt.timedelta(hours=1, minutes=1)))
    db.session.commit()
    browser.get("/home")
    colleague = make.user(role="planner", locale="nl")
    db.session.commit()
    sign_in(browser, colleague)
    db.session.expire_all()
    assert db.session.get(User, colleague.id).locale == "nl"


def test_a_login_ended_on_another_computer_says_so_on_the_next_page(app_with, make):
    """A password changed on the laptop (or the account deactivated, its MFA reset) ended the
    phone's login without a word: the next click showed the login page only (a QA finding)."""
    from binnenwerk.services import accounts

    _app, leader, laptop, phone = leader_on_two_devices(app_with, make)
    accounts.end_sessions(db.session.get(User, leader.id))
    db.session.commit()
    response = phone.get("/auth/account")
    assert "/auth/login" in response.headers["Location"]
    assert "Je bent uitgelogd. Log opnieuw in." in phone.get(response.headers["Location"]).get_data(as_text=True)
    # Said once: the login page after it is quiet again.
    assert "Je bent uitgelogd" not in phone.get("/auth/login").get_data(as_text=True)


def test_a_deactivated_account_is_told_it_was_logged_out_without_being_sent_to_log_in(app_with, make):
    """"Log opnieuw in" to someone who no longer can (a QA finding)."""
    _app, leader, laptop, _phone = leader_on_two_devices(app_with, make)
    gone = db.session.get(User, leader.id)
    gone.active = False
    db.session.commit()
    page = laptop.get(laptop.get("/auth/account").headers["Location"]).get_data(as_text=True)
    assert "Je bent uitgelogd." in page and "Je bent uitgelogd. Log opnieuw in." not in page


def test_a_form_sent_after_the_login_ended_elsewhere_says_it_was_not_saved_and_leads_back(app_with, make):
    """Only "Je bent uitgelogd" was said for a form sent then (a QA finding); the login leads back
    to the page it was sent from, not to the form's POST-only address."""
    from binnenwerk.services import accounts

    _app, leader, laptop, phone = leader_on_two_devices(app_with, make)
    accounts.end_sessions(db.session.get(User, leader.id))
    db.session.commit()
    sent = phone.post("/rooster/publiceren", data={"week": "2026-W50", "team": "1"},
                      headers={"Referer": "http://localhost/rooster/?week=2026-W50"})
    assert sent.status_code == 302
    assert sent.headers["Location"] == "/auth/login?next=/rooster/?week%3D2026-W50"
    page = phone.get(sent.headers["Location"]).get_data(as_text=True)
    assert ("Je bent uitgelogd. Log opnieuw in. Wat je net verstuurde, is niet opgeslagen. Doe het na het inloggen "
            "opnieuw.") in page


def test_the_language_button_on_a_page_shown_for_a_form_goes_to_the_start_page_not_niet_toegestaan(app_with, make):
    _app, _leader, browser, _phone = leader_on_two_devices(app_with, make)
    switched = browser.post("/taal/en", data={"next": "/auth/tweestaps/uitzetten"})
    assert switched.status_code == 302 and switched.headers["Location"] == "/"
    assert browser.post("/taal/nl", data={"next": "/auth/account"}).headers["Location"] == "/auth/account"
