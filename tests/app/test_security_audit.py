"""The audit log: what gets recorded, the admin page's filters, and what must never be in it."""
from __future__ import annotations

import datetime as dt
import logging
import re
import time

import pyotp
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, EmployeeSensitive, FeedKind, utcnow
from tests.conftest import TEST_PASSWORD

NEW_PASSWORD = "Nieuw-wachtwoord-2027"
TEMPORARY = "Tijdelijk-wachtwoord-55"
WRONG = "Fout-wachtwoord-Geheim-9"
INDICATION = "Indicatie-GEHEIM-3141"
HEALTH = "Epilepsie-GEHEIM-2718"
ACCOMMODATION = "Pauze-elk-uur-GEHEIM-1618"


def login(client, email, password=TEST_PASSWORD):
    return client.post("/auth/login", data={"email": email, "password": password})


def rows(**where) -> list[AuditEvent]:
    db.session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(db.session.scalars(query))


def test_security_events_and_data_changes_are_audited_and_never_hold_secrets(app_with, make, caplog):
    caplog.set_level(logging.DEBUG)
    app = app_with()
    team = make.team()
    employee = make.employee(team=team, contract_end=dt.date(2025, 6, 30), first_name="Sanne", last_name="Geheimnaam")
    employee.sensitive = EmployeeSensitive(indication=INDICATION, health_notes=HEALTH, accommodations=ACCOMMODATION)
    admin = make.user(role="admin", email="beheer@example.org")
    planner = make.user(role="planner", email="plan@example.org")
    leader = make.user(role="team_leader", email="leider@example.org", teams=[team])
    try:
        from binnenwerk.services import tokens

        calendar_token = tokens.issue(FeedKind.EMPLOYEE.value, employee)
    except ImportError:
        calendar_token = None
    db.session.commit()

    browser = app.test_client()
    # Failed logins: a wrong password, an unknown account, then enough to lock the leader out.
    login(browser, planner.email, WRONG)
    login(browser, "niemand@example.org", WRONG)
    for _ in range(5):
        login(browser, leader.email, WRONG)

    # The planner logs in, turns on MFA, changes the password, looks at sensitive data, exports, anonymises.
    assert login(browser, planner.email).status_code == 302
    page = browser.get("/auth/tweestaps/instellen").get_data(as_text=True)
    secret = re.search(r'class="mfa-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    browser.post("/auth/tweestaps/instellen", data={"code": pyotp.TOTP(secret).now()})
    browser.post("/auth/wachtwoord", data={"current": TEST_PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    for path in (f"/teams/medewerkers/{employee.id}", f"/privacy/medewerkers/{employee.id}",
                 f"/privacy/medewerkers/{employee.id}/inzage.json"):
        browser.get(path)
    browser.post(f"/privacy/medewerkers/{employee.id}/anonimiseren", data={"confirm": "y"})
    browser.post("/auth/logout")
    # Second login goes through the code step.
    login(browser, planner.email, NEW_PASSWORD)
    # The next step's code: the enrolment code is used already and counts only once.
    browser.post("/auth/tweestaps", data={"code": pyotp.TOTP(secret).at(time.time() + 30)})
    browser.post("/auth/logout")

    # The admin resets the locked leader's password.
    login(browser, admin.email)
    browser.post(f"/auth/gebruikers/{leader.id}/wachtwoord", data={"password": TEMPORARY, "repeat": TEMPORARY})
    browser.get("/beheer/audit?actor=plan")
    browser.post("/auth/logout")
    if calendar_token:
        browser.get(f"/calendar/{calendar_token}.ics")
        browser.get(f"/week/{calendar_token}")

    events = rows()
    seen = {(e.action, e.result, e.actor_email) for e in events}
    for expected in [
        ("login_failed", "refused", "plan@example.org"),
        ("login_failed", "refused", ""),            # unknown account: no actor
        ("account_locked", "locked", "leider@example.org"),
        ("login", "ok", "plan@example.org"),
        ("mfa_enable", "ok", "plan@example.org"),
        ("password_change", "ok", "plan@example.org"),
        ("privacy_export", "ok", "plan@example.org"),
        ("anonymise", "ok", "plan@example.org"),
        ("logout", "ok", "plan@example.org"),
        ("password_reset", "ok", "beheer@example.org"),
        ("logout", "ok", "beheer@example.org"),
    ]:
        assert expected in seen, expected
    mfa_login = [e for e in events if e.action == "login" and "totp" in e.detail]
    assert mfa_login and mfa_login[0].actor_email == "plan@example.org"
    for event in events:
        assert event.at is not None and event.origin, event.action
    anonymised = rows(action="anonymise")[0]
    assert (anonymised.object_type, anonymised.object_id) == ("Employee", str(employee.id))

    secrets = [TEST_PASSWORD, NEW_PASSWORD, TEMPORARY, WRONG, secret, INDICATION, HEALTH, ACCOMMODATION,
               "Geheimnaam"]
    if calendar_token:
        secrets.append(calendar_token)
    for event in events:
        stored = " ".join(str(getattr(event, c.name)) for c in AuditEvent.__table__.columns)
        for value in secrets:
            assert value not in stored, f"{value!r} stored in audit row {event.action}"
    assert "login_failed" in caplog.text and "anonymise" in caplog.text  # the log was captured
    for value in secrets:
        assert value not in caplog.text, f"{value!r} in the log output"


def test_audit_page_filters_by_actor_action_result_and_period(client, make, login):
    admin = make.user(role="admin", email="beheerder@example.org")
    old = AuditEvent(action="team_update", actor_email="oud@example.org", object_type="Team", object_id="3",
                     at=dt.datetime(2026, 1, 15, 10, 0), origin="10.0.0.1")
    refused = AuditEvent(action="login_failed", actor_email="x@example.org", result="refused",
                         at=utcnow(), origin="10.0.0.2")
    db.session.add_all([old, refused])
    login(admin)

    def listed(query):
        response = client.get("/beheer/audit" + query)
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    page = listed("")
    assert "team_update" in page and "login_failed" in page and "<caption" in page
    assert "oud@example.org" in listed("?actor=OUD") and "x@example.org" not in listed("?actor=OUD")
    assert "x@example.org" in listed("?result=refused") and "oud@example.org" not in listed("?result=refused")
    # Results read as words, in the rows and in the filter's options, the same words both.
    assert "<strong>geweigerd</strong>" in page and '<option value="refused">geweigerd</option>' in page
    assert '<option value="ok">gelukt</option>' in page and ">refused<" not in page
    assert "oud@example.org" in listed("?action=team_update&object_type=Team")
    january = listed("?date_from=2026-01-01&date_to=2026-01-31")
    assert "oud@example.org" in january and "x@example.org" not in january

    bad = client.get("/beheer/audit?date_from=2026-02-30&date_to=morgen")
    assert bad.status_code == 422
    reversed_period = client.get("/beheer/audit?date_from=2026-03-01&date_to=2026-02-01").get_data(as_text=True)
    assert "De einddatum ligt voor de begindatum." in reversed_period


def test_audit_page_is_paginated(client, make, login):
    admin = make.user(role="admin")
    db.session.add_all(
        AuditEvent(action=f"bulk_{n:03d}", actor_email="bulk@example.org", at=dt.datetime(2026, 5, 1, 12, n % 60),
                   origin="cli")
        for n in range(120)
    )
    login(admin)
    first = client.get("/beheer/audit?actor=bulk").get_data(as_text=True)
    assert "120 regels gevonden" in first and "pagina 1 van 3" in first
    assert "Volgende pagina" in first and "page=2" in first and "actor=bulk" in first
    last = client.get("/beheer/audit?actor=bulk&page=3").get_data(as_text=True)
    assert last.count("bulk@example.org") == 20
    assert client.get("/beheer/audit?page=999999999999").status_code == 200


def test_a_request_that_commits_a_change_without_an_audit_row_is_logged(app_with, make, caplog):
    from flask import Blueprint

    from binnenwerk import audit
    from binnenwerk.access import public
    from binnenwerk.models import Ministry

    ministry = make.ministry(name="Oud")
    db.session.commit()
    extra = Blueprint("audit_probe", __name__)

    @extra.route("/probe/<int:audited>", methods=["POST"])
    @public
    def probe(audited):
        row = db.session.get(Ministry, ministry.id)
        row.name = f"Nieuw {audited}"
        if audited:
            audit.record("ministry_update", row)
        db.session.commit()
        return "ok"

    app = app_with()
    app.register_blueprint(extra)
    client = app.test_client()
    caplog.set_level(logging.WARNING, logger="binnenwerk.audit")
    client.post("/probe/1")
    assert "without an audit row" not in caplog.text
    client.post("/probe/0")
    assert "change without an audit row: Ministry on POST audit_probe.probe" in caplog.text


def test_the_actor_filter_takes_percent_and_underscore_as_characters(client, make, login):
    admin = make.user(role="admin", email="beheerder@example.org")
    db.session.add_all([
        AuditEvent(action="team_update", actor_email="j_jansen@example.org", at=utcnow(), origin="10.0.0.1"),
        AuditEvent(action="team_update", actor_email="jxjansen@example.org", at=utcnow(), origin="10.0.0.1"),
    ])
    login(admin)

    def rows(actor):
        response = client.get("/beheer/audit", query_string={"actor": actor})
        assert response.status_code == 200, response.status_code
        page = response.get_data(as_text=True)
        return page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""

    assert rows("%") == "" and rows("j%jansen") == ""
    underscore = rows("_")
    assert "j_jansen@example.org" in underscore and "jxjansen@example.org" not in underscore
    assert "beheerder@example.org" not in underscore
    found = rows("J_Jansen")
    assert "j_jansen@example.org" in found and "jxjansen@example.org" not in found
