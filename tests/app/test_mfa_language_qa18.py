"""QA round 18: an English account's two-step code page speaks English on a new computer (the
password has said whose it is), as does the lock after too many wrong codes; a Dutch account's
stays Dutch, and a completed login leaves nothing of it behind."""
from __future__ import annotations

import pyotp

from binnenwerk.extensions import db
from tests.conftest import TEST_PASSWORD, compile_english_catalog


def _browser(app_with):
    """A fresh app's client: the page language is per request (the shared client's app context
    would keep the first page's language)."""
    from flask_babel import refresh

    compile_english_catalog()
    refresh()
    return app_with().test_client()


def _wrong(secret: str) -> str:
    return "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"


def test_the_code_page_speaks_the_accounts_language(app_with, make):
    client = _browser(app_with)
    user = make.user(role="planner", totp_secret=pyotp.random_base32(), mfa_enabled=True, locale="en")
    db.session.commit()
    client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD})
    page = client.get("/auth/tweestaps").get_data(as_text=True)
    assert '<html lang="en">' in page and "Code uit je app" not in page
    wrong = client.post("/auth/tweestaps", data={"code": _wrong(user.totp_secret)}).get_data(as_text=True)
    assert "Deze code klopt niet" not in wrong and '<html lang="en">' in wrong
    for _ in range(4):
        last = client.post("/auth/tweestaps", data={"code": _wrong(user.totp_secret)})
    locked = client.get(last.headers["Location"]).get_data(as_text=True)
    assert '<html lang="en">' in locked and "geblokkeerd" not in locked


def test_a_dutch_account_and_a_finished_login_leave_the_page_dutch(app_with, make):
    client = _browser(app_with)
    dutch = make.user(role="planner", totp_secret=pyotp.random_base32(), mfa_enabled=True, locale="nl")
    english = make.user(role="team_leader", locale="en")
    db.session.commit()
    client.post("/auth/login", data={"email": dutch.email, "password": TEST_PASSWORD})
    assert '<html lang="nl">' in client.get("/auth/tweestaps").get_data(as_text=True)
    # Someone else logs in on this browser instead (no code needed): their own language, and
    # nothing of the first account's is kept.
    client.post("/auth/login", data={"email": english.email, "password": TEST_PASSWORD})
    assert '<html lang="en">' in client.get("/home").get_data(as_text=True)
    with client.session_transaction() as session:
        assert "mfa_locale" not in session and "mfa_user_id" not in session
