"""Numbers in URLs and forms are the digits 0-9: "²" is a digit to str.isdigit() that int() then
refuses, and answered 500 (an MFA code of six of them too: hmac.compare_digest refuses non-ASCII)."""
from __future__ import annotations

from binnenwerk.extensions import db
from binnenwerk.formatting import ascii_digits
from tests.app.test_security_login import enrol, later_code, post_login

SUPERSCRIPT_TWO = "\u00b2"


def test_ascii_digits_takes_only_0_to_9():
    assert ascii_digits("0123456789")
    assert not ascii_digits(SUPERSCRIPT_TWO) and not ascii_digits("\u0661\u0660") and not ascii_digits("")
    assert not ascii_digits("1_0") and not ascii_digits(" 1")


def test_an_mfa_code_of_other_digits_is_a_wrong_code(client, make):
    user = make.user(role="planner")
    db.session.commit()
    post_login(client, user.email)
    secret = enrol(client, user)
    client.post("/auth/logout")
    post_login(client, user.email)
    arabic_indic = "\u0661\u0662\u0663\u0664\u0665\u0666"  # digits to the form's \\d, not to hmac
    for code in (SUPERSCRIPT_TWO * 6, arabic_indic):
        response = client.post("/auth/tweestaps", data={"code": code})
        assert response.status_code < 500, (code, response.status_code)
        assert "/auth/login" in client.get("/home").headers["Location"]  # not logged in
    assert client.post("/auth/tweestaps", data={"code": later_code(secret)}).status_code == 302


def test_a_team_size_of_other_digits_is_refused_in_words(client, make, login):
    login(make.user(role="planner"))
    response = client.post("/teams/nieuw", data={"name": "Team Twee", "region": "Utrecht",
                                                 "home_location_id": "", "max_size": SUPERSCRIPT_TWO})
    assert response.status_code == 422
    assert "Vul een aantal in van 1 tot en met 15." in response.get_data(as_text=True)


def test_an_absence_form_for_person_other_digits_is_not_found(client, make, login):
    login(make.user(role="planner"))
    for kind in ("medewerker", "teamleider"):
        assert client.get(f"/teams/afwezigheid/nieuw?{kind}={SUPERSCRIPT_TWO}").status_code == 404


def test_publish_ignores_a_lock_of_other_digits(client, make, login):
    login(make.user(role="planner"))
    response = client.post("/rooster/publiceren-alle", data={"week": "2030-W10", "locks": f"1:{SUPERSCRIPT_TWO}"})
    assert response.status_code < 500
