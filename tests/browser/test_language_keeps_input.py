"""The language button keeps what was typed (static/js/forms.js): the page comes back in the other
language with the same values in its fields and a polite line that says so; a password and the
special-category data of an employee are never put in the browser's storage."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

CONTACT = "contact@bzk.example"
KEPT = "binnenwerk.kept:"


@pytest.fixture(autouse=True)
def dutch_again(live_server):
    """The language button keeps its choice on the account: the demo accounts read Dutch again
    after each test, as the other browser tests expect (a later test's Dutch labels timed out)."""
    yield
    from sqlalchemy import update

    from binnenwerk.extensions import db
    from binnenwerk.models import User

    with live_server.app.app_context():
        db.session.execute(update(User).where(User.locale != "nl").values(locale="nl"))
        db.session.commit()
        db.session.remove()


def in_english(live_server, msgid: str) -> str:
    """What the English page says for msgid (the Dutch text while the catalogue lacks it)."""
    with live_server.app.test_request_context(), force_locale("en"):
        return gettext(msgid)


def kept_in_browser(page) -> dict[str, str]:
    return page.evaluate(
        "() => Object.fromEntries(Object.keys(sessionStorage).map(k => [k, sessionStorage.getItem(k)]))")


def switch_and_peek(page) -> dict[str, str]:
    """Press English, but answer its POST with an empty page of this site: what the button left in
    the tab's storage, before any page of the app could take it out."""
    page.route("**/taal/*", lambda route: route.fulfill(status=200, content_type="text/html",
                                                        body="<!doctype html><title>-</title>"))
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/taal/en")
    kept = kept_in_browser(page)
    page.unroute("**/taal/*")
    return kept


def test_a_refused_request_keeps_its_values_after_choosing_english(page, live_server):
    log_in(page, live_server, CONTACT)
    page.goto(f"{live_server.url}/aanvragen/nieuw")
    start = dt.date.today() + dt.timedelta(days=150)
    page.get_by_label("Locatie", exact=True).select_option(index=1)
    page.get_by_label("Werksoort", exact=True).select_option(index=1)
    location = page.locator("select[name=location_id]").input_value()
    page.get_by_label("Van", exact=True).fill(start.isoformat())
    # No end date: the form is refused.
    page.get_by_label("vrijdag").uncheck()
    page.get_by_label("Begintijd", exact=True).fill("08:30")
    page.get_by_label("Eindtijd", exact=True).fill("12:00")
    page.get_by_label("Aantal mensen per dag").fill("4")
    page.get_by_label("Prioriteit").select_option("3")
    page.get_by_label("Opmerkingen").fill("Graag via de achteringang.\nBel even aan.")
    page.get_by_role("button", name="Aanvraag versturen").click()
    expect(page.locator(".error-summary")).to_contain_text("Vul een einddatum in.")

    page.get_by_role("button", name="English").click()
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.url.endswith("/aanvragen/nieuw")
    message = in_english(live_server, "Wat u had ingevuld, staat er nog.")
    status = page.locator("main #kept-input[role=status]")
    expect(status).to_have_text(message)
    assert page.evaluate("() => document.querySelector('main').firstElementChild.id") == "kept-input"
    assert page.evaluate("() => document.activeElement === document.body")  # no focus taken
    assert page.locator("select[name=location_id]").input_value() == location
    assert page.locator("input[name=start_date]").input_value() == start.isoformat()
    assert page.locator("input[name=end_date]").input_value() == ""
    assert page.locator("input[name=start_time]").input_value() == "08:30"
    assert page.locator("input[name=end_time]").input_value() == "12:00"
    assert page.locator("input[name=headcount]").input_value() == "4"
    assert page.locator("select[name=priority]").input_value() == "3"
    assert page.locator("textarea[name=notes]").input_value() == "Graag via de achteringang.\nBel even aan."
    ticked = page.eval_on_selector_all("input[name=weekdays]:checked", "boxes => boxes.map(b => b.value)")
    assert ticked == ["1", "2", "3", "4"]
    assert kept_in_browser(page) == {}  # taken out at once

    # Opened again, the page is as the server serves it: nothing is put back twice.
    page.reload()
    expect(page.locator("main #kept-input")).to_have_count(0)
    assert page.locator("input[name=start_date]").input_value() == ""


def test_a_password_is_not_kept_nor_the_hidden_fields(page, live_server):
    log_in(page, live_server, "admin@binnenwerk.example")
    page.goto(f"{live_server.url}/beheer/gebruikers/nieuw")
    page.locator("input[name=name]").fill("Noor Nieuw")
    page.locator("input[name=password]").fill("Geheim-wachtwoord-123")
    token = page.locator("main input[name=csrf_token]").input_value()

    kept = switch_and_peek(page)
    assert list(kept) == [KEPT + "/beheer/gebruikers/nieuw"]
    stored = kept[KEPT + "/beheer/gebruikers/nieuw"]
    assert "Noor Nieuw" in stored
    assert "Geheim-wachtwoord-123" not in stored and token not in stored
    assert all("password" not in one["values"] and "csrf_token" not in one["values"] for one in json.loads(stored))

    page.goto(f"{live_server.url}/beheer/gebruikers/nieuw")
    assert page.locator("input[name=name]").input_value() == "Noor Nieuw"
    assert page.locator("input[name=password]").input_value() == ""
    expect(page.locator("main #kept-input")).to_have_text("Wat je had ingevuld, staat er nog.")


def test_the_sensitive_data_form_is_not_kept_in_the_browser(page, live_server):
    from binnenwerk.extensions import db
    from binnenwerk.models import Employee

    with live_server.app.app_context():
        employee_id = db.session.scalars(select(Employee.id).order_by(Employee.id)).first()
        db.session.remove()
    log_in(page, live_server, "planner@binnenwerk.example")
    # The same button keeps an ordinary employee form...
    page.goto(f"{live_server.url}/teams/medewerkers/nieuw")
    page.get_by_label("Voornaam").fill("Sanne")
    assert "Sanne" in "".join(switch_and_peek(page).values())

    # ...but nothing of the special-category data.
    page.goto(f"{live_server.url}/teams/medewerkers/{employee_id}/persoonlijk")
    assert kept_in_browser(page) == {}
    page.locator("textarea[name=health_notes]").fill("Epilepsie; geen nachtdiensten.")
    page.locator("input[name=indication]").fill("Wajong")
    assert switch_and_peek(page) == {}



def test_a_job_coach_and_an_absence_are_not_kept_in_the_browser(page, live_server):
    """A job coach comes with the indication, and whether someone is ill is health data: the
    employee form keeps its other fields but not the job coach's, the absence form nothing."""
    log_in(page, live_server, "planner@binnenwerk.example")
    page.goto(f"{live_server.url}/teams/medewerkers/nieuw")
    page.get_by_label("Voornaam").fill("Sanne")
    page.locator("input[name=job_coach_name]").fill("Marieke Jobcoach")
    kept = "".join(switch_and_peek(page).values())
    assert "Sanne" in kept and "Marieke" not in kept and "job_coach" not in kept

    page.goto(f"{live_server.url}/teams/afwezigheid/nieuw")
    page.locator("select[name=kind]").select_option("ziek")
    assert switch_and_peek(page) == {}

def test_nothing_is_put_back_into_a_form_that_is_no_longer_there(page, live_server):
    log_in(page, live_server, CONTACT)
    page.goto(f"{live_server.url}/aanvragen/nieuw")
    page.evaluate("""() => sessionStorage.setItem('binnenwerk.kept:/aanvragen/nieuw',
        JSON.stringify([{form: '0|post|gone|form old-form', values: {notes: ['Van een ander formulier']}}]))""")
    page.reload()
    assert page.locator("textarea[name=notes]").input_value() == ""
    expect(page.locator("main #kept-input")).to_have_count(0)
    assert kept_in_browser(page) == {}
