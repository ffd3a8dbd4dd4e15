"""In a real browser: the team-leader page of a day's place leads back to that place's leader entry in
the roster grid, and the focus is on its edit link again, as after a cell's page (WCAG 2.4.3)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_roster_grid_a11y_browser import draft_week, first_team

pytestmark = pytest.mark.browser

PLANNER = "planner@binnenwerk.example"


def open_last_leader_page(page, live_server) -> tuple[str, str, list[str]]:
    """From the first team's grid, the page of its last leader entry (far from the top of the page):
    that entry's id, its link's hidden words and the script errors of the pages from then on."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, PLANNER)
    page.goto(f"{live_server.url}/rooster/?week={draft_week()}&team={first_team(live_server)}")
    links = page.locator("table.roster-grid tfoot a.edit")
    target = links.nth(links.count() - 1)
    entry_id = target.evaluate("link => link.closest('[id^=\"cel-leider-\"]').id")
    name = target.locator(".visually-hidden").inner_text().strip()
    target.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Teamleider van")
    return entry_id, name, errors


@pytest.mark.parametrize("way_back", ["Annuleren", "← Terug naar het rooster van"])
def test_cancel_and_back_on_the_leader_page_lead_back_to_that_leader_entry(page, live_server, way_back):
    entry_id, name, errors = open_last_leader_page(page, live_server)
    page.get_by_role("link", name=re.compile(rf"^{re.escape(way_back)}")).click()

    expect(page).to_have_url(re.compile(rf"#{entry_id}$"))
    expect(page.get_by_role("link", name=f"Wijzig {name}")).to_be_focused()
    assert errors == []


def test_saving_the_leader_brings_the_focus_back_with_the_message(page, live_server):
    """Saved as it was (who leads now, chosen; the pin as it is): nothing changes in the shared demo."""
    entry_id, name, errors = open_last_leader_page(page, live_server)
    page.get_by_role("button", name="Opslaan").click()

    expect(page).to_have_url(re.compile(rf"#{entry_id}$"))
    link = page.get_by_role("link", name=f"Wijzig {name}")
    expect(link).to_be_focused()
    message = page.locator(".flashes .flash").first
    expect(message).to_contain_text("leidt")
    assert link.get_attribute("aria-describedby") == message.get_attribute("id")
    # The copy of the message for the eye, just above the footer row: at the end of the body, the
    # footer keeps its one row.
    expect(page.locator("table.roster-grid tbody tr.saved-note")).to_contain_text("leidt")
    expect(page.locator("table.roster-grid tfoot tr")).to_have_count(1)
    assert errors == []
