"""The warning before a logout in the browser (WCAG 2.2.1): two minutes before the login ends a
dialog opens with the focus on "Ingelogd blijven", which keeps the login and gives the focus back
to the field being typed in; when the time is up it says what was typed is still on the page.

The page's clock is Playwright's (page.clock), so no test waits minutes; the server's answers to
the question how long is left are set by the test (page.route), the "stay" goes to the server."""
from __future__ import annotations

import json
import re

import pytest

from tests.browser.conftest import log_in, screenshot
from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.browser

FORM = "/teams/medewerkers/nieuw"


def _answer(page, state: dict) -> list[str]:
    """Answer the page's GETs of /auth/sessie with the server's words but `state`'s time (changeable;
    a negative time answers 401, logged out); POSTs go to the server. Returns the list of methods
    asked, in order."""
    asked: list[str] = []

    def handle(route):
        if route.request.method == "GET":
            answer = route.fetch().json()
            answer.update(state)
            route.fulfill(status=401 if state["left"] < 0 else 200, content_type="application/json",
                          body=json.dumps(answer))
        else:
            route.continue_()
        asked.append(route.request.method)

    page.route("**/auth/sessie", handle)
    return asked


def _open_form_and_type(page, live_server) -> int:
    log_in(page, live_server, "planner@binnenwerk.example")
    page.clock.install()
    page.goto(live_server.url + FORM)
    field = page.get_by_label("Voornaam")
    field.fill("Sanne")
    field.focus()
    left = int(page.locator("#session-warning").get_attribute("data-left"))
    assert 7_100 <= left <= 7_200  # two hours, as the server counts them
    return left


def _warned(page, live_server, left: int = 100):
    """The form open and typed in, and the warning open: the server says `left` seconds are left
    two minutes before the end the page knew. (state, the methods asked, the dialog)."""
    state = {"left": left, "extend": True}
    asked = _answer(page, state)
    known = _open_form_and_type(page, live_server)
    page.clock.run_for((known - 119) * 1000)
    dialog = page.get_by_role("dialog", name="Je wordt bijna uitgelogd")
    dialog.wait_for(state="visible")
    return state, asked, dialog


def test_the_warning_opens_two_minutes_before_and_staying_keeps_the_login(page, live_server):
    state = {"left": 7_200, "extend": True}
    asked = _answer(page, state)
    left = _open_form_and_type(page, live_server)
    dialog = page.get_by_role("dialog", name="Je wordt bijna uitgelogd")

    page.clock.run_for((left - 130) * 1000)
    assert not dialog.is_visible() and asked == []
    # Another tab kept the login meanwhile: the page asks first and opens nothing, and looks again
    # two minutes before the end the answer gives.
    page.clock.run_for(11_000)
    expect_asked(page, asked, ["GET"])
    page.wait_for_function("() => document.getElementById('session-warning').dataset.next - Date.now() > 7000e3")
    assert not dialog.is_visible()

    # Two minutes before the end (as the server says now), the dialog opens on its button.
    state["left"] = 115
    page.clock.run_for((7_200 - 120) * 1000)
    dialog.wait_for(state="visible")
    stay = page.get_by_role("button", name="Ingelogd blijven")
    assert stay.evaluate("b => b === document.activeElement")
    assert "Binnen 2 minuten word je uitgelogd" in dialog.inner_text()
    screenshot(page, "session-warning")
    assert axe_violations(page) == []

    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    expect_asked(page, asked, ["GET", "GET", "POST"])
    field = page.get_by_label("Voornaam")
    assert field.evaluate("f => f === document.activeElement") and field.input_value() == "Sanne"


def test_escape_keeps_the_login_too(page, live_server):
    state, asked, dialog = _warned(page, live_server)
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    expect_asked(page, asked, ["GET", "POST"])


def test_when_the_time_is_up_the_dialog_says_what_was_typed_is_still_there(page, live_server):
    state, _asked, dialog = _warned(page, live_server)

    state["left"] = -1  # nobody pressed anything: the server ended the login (401)
    page.clock.run_for(101_000)
    page.get_by_role("dialog", name="Je bent uitgelogd").wait_for()
    assert "Wat je typte, staat nog op deze pagina." in dialog_text(page)
    assert not page.get_by_role("button", name="Ingelogd blijven").is_visible()
    again = page.get_by_role("link", name="Opnieuw inloggen")
    assert re.search(r"/auth/login\?next=/teams/medewerkers/nieuw$", again.get_attribute("href"))
    # It no longer blocks the page: what was typed can be selected and copied behind it.
    assert not page.locator("#session-warning").evaluate("d => d.matches(':modal')")
    page.get_by_label("Voornaam").select_text()
    assert page.evaluate("() => window.getSelection().toString() || document.activeElement.value") == "Sanne"
    page.get_by_role("button", name="Sluiten").click()
    page.locator("#session-warning").wait_for(state="hidden")
    assert page.get_by_label("Voornaam").input_value() == "Sanne"
    # Closed, its news and the link stay at the top of the page.
    line = page.locator("#session-gone")
    assert line.inner_text().startswith("Je bent uitgelogd.")
    assert line.get_by_role("link", name="Opnieuw inloggen").get_attribute("href") == again.get_attribute("href")


def test_near_the_logins_lifetime_it_says_save_now_without_a_stay_button(page, live_server):
    state = {"left": 100, "extend": False}
    _answer(page, state)
    left = _open_form_and_type(page, live_server)
    page.clock.run_for((left - 119) * 1000)
    page.get_by_text("Sla nu op wat je nog niet hebt opgeslagen.").wait_for()
    assert not page.get_by_role("button", name="Ingelogd blijven").is_visible()
    assert page.get_by_role("button", name="Sluiten").evaluate("b => b === document.activeElement")
    # Closed, it does not open again at the next look (every 15 s while the end is near).
    page.get_by_role("button", name="Sluiten").click()
    page.locator("#session-warning").wait_for(state="hidden")
    page.clock.run_for(31_000)
    page.wait_for_timeout(300)
    assert not page.locator("#session-warning").is_visible()


def expect_asked(page, asked: list[str], expected: list[str]) -> None:
    """The page's requests are answered asynchronously: wait until they have been made (the
    routes are served while Playwright waits)."""
    for _ in range(50):
        if asked == expected:
            return
        page.wait_for_timeout(50)
    assert asked == expected


def dialog_text(page) -> str:
    return page.locator("#session-warning").inner_text()


def test_an_open_warning_closes_when_another_tab_keeps_the_login(page, live_server):
    state, _asked, dialog = _warned(page, live_server)

    state["left"] = 7_150  # "Ingelogd blijven" pressed in another tab
    page.clock.run_for(16_000)
    dialog.wait_for(state="hidden")
    assert page.get_by_label("Voornaam").evaluate("f => f === document.activeElement")


def test_a_last_second_that_the_server_still_counts_is_not_said_to_be_logged_out(page, live_server):
    """Only the server's 401 means logged out: with 0 seconds left it looks again a moment later."""
    state, asked, _dialog = _warned(page, live_server, left=0)  # a warning, not "logged out"
    state["left"] = -1
    page.clock.run_for(2_000)
    page.get_by_role("dialog", name="Je bent uitgelogd").wait_for()
    assert asked.count("GET") >= 2
