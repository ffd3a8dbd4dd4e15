"""In a real browser: the request form's times come back after Back, a shift until midnight saves
unchanged, and the employee finds the way back from the accessibility statement to their week."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.browser.test_accessibility import axe_violations, employee_week_link

pytestmark = pytest.mark.browser

CONTACT = "contact@bzk.example"


def fill_request(page, start: dt.date, location_index: int = 1) -> None:
    page.get_by_label("Locatie", exact=True).select_option(index=location_index)
    page.get_by_label("Werksoort", exact=True).select_option(index=1)
    page.get_by_label("Van", exact=True).fill(start.isoformat())
    page.get_by_label("Tot en met", exact=True).fill((start + dt.timedelta(days=11)).isoformat())
    page.get_by_label("Begintijd", exact=True).fill("10:15")
    page.get_by_label("Eindtijd", exact=True).fill("14:45")
    page.get_by_label("Pauze in minuten").fill("15")
    page.get_by_label("Aantal mensen per dag").fill("2")
    page.get_by_label("Opmerkingen").fill("Browsertest: terug met de knop Vorige")


def test_the_request_form_keeps_its_times_after_the_back_button(page, live_server):
    log_in(page, live_server, CONTACT)
    page.goto(f"{live_server.url}/aanvragen/nieuw")
    start = dt.date.today() + dt.timedelta(days=120)
    fill_request(page, start)
    page.get_by_role("button", name="Aanvraag versturen").click()
    expect(page.locator(".flash-success")).to_contain_text("Uw aanvraag is verstuurd.")
    first = re.search(r"/aanvragen/(\d+)$", page.url).group(1)

    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe aanvraag")
    # Everything typed comes back, the times too (autocomplete="off" kept Chromium from that).
    expect(page.get_by_label("Opmerkingen")).to_have_value("Browsertest: terug met de knop Vorige")
    expect(page.get_by_label("Begintijd", exact=True)).to_have_value("10:15")
    expect(page.get_by_label("Eindtijd", exact=True)).to_have_value("14:45")
    screenshot(page, "qa-minors-back-times-kept")

    # The same form for another place: a second request, not taken for the first one sent again.
    page.get_by_label("Locatie", exact=True).select_option(index=2)
    page.get_by_role("button", name="Aanvraag versturen").click()
    expect(page.locator(".flash-success")).to_contain_text("Uw aanvraag is verstuurd.")
    second = re.search(r"/aanvragen/(\d+)$", page.url).group(1)
    assert second != first
    expect(page.get_by_text("10:15–14:45")).to_be_visible()


def test_a_shift_until_midnight_saves_unchanged_in_the_browser(page, live_server):
    log_in(page, live_server, CONTACT)
    page.goto(f"{live_server.url}/aanvragen/nieuw")
    start = dt.date.today() + dt.timedelta(days=150)
    fill_request(page, start)
    page.get_by_label("Begintijd", exact=True).fill("17:00")
    page.get_by_label("Eindtijd", exact=True).fill("00:00")
    page.get_by_label("Pauze in minuten").fill("30")
    page.get_by_role("button", name="Aanvraag versturen").click()
    expect(page.locator(".flash-success")).to_contain_text("Uw aanvraag is verstuurd.")
    expect(page.get_by_text("17:00–24:00")).to_be_visible()

    page.get_by_role("link", name="Wijzigen").click()
    expect(page.get_by_label("Eindtijd", exact=True)).to_have_value("00:00")
    page.get_by_role("button", name="Wijziging opslaan").click()
    expect(page.locator(".flash-info")).to_contain_text("Er was niets veranderd.")
    expect(page.get_by_text("17:00–24:00")).to_be_visible()


def test_the_employee_goes_from_the_statement_back_to_the_week(page, live_server):
    week = employee_week_link(live_server)
    page.goto(week)
    heading = page.get_by_role("heading", level=1).inner_text()
    page.locator("footer").get_by_role("link", name="Toegankelijkheidsverklaring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Toegankelijkheidsverklaring")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    assert axe_violations(page) == []
    screenshot(page, "qa-minors-week-statement")
    page.get_by_role("link", name="Terug naar je week").first.click()
    expect(page).to_have_url(week)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    # The name at the top leads back too, never to the staff login.
    page.locator("footer").get_by_role("link", name="Toegankelijkheidsverklaring").click()
    page.locator("a.brand").click()
    expect(page).to_have_url(week)
