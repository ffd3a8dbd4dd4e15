"""The teams list, the team leaders list and the calendar links overview filtered by keyboard:
axe-core on the filtered page, at a narrow width too, and the back button brings back the list before."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Supervisor, Team
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_accessibility import axe_violations, table_problems

pytestmark = pytest.mark.browser


def _demo_names(live_server) -> tuple[str, str]:
    """A team and a team leader of the demo."""
    with live_server.app.app_context():
        team = db.session.scalars(select(Team.name).where(Team.archived.is_(False)).order_by(Team.id)).first()
        leader = db.session.scalars(select(Supervisor.name).where(Supervisor.archived.is_(False))
                                    .order_by(Supervisor.id)).first()
        db.session.remove()
    return team, leader


@pytest.mark.parametrize(("path", "which"), [("/teams/", "team"), ("/teams/teamleiders", "leader"),
                                             ("/kalender", "team")])
def test_a_planner_filters_each_list_by_keyboard_and_goes_back(page, live_server, path, which):
    team, leader = _demo_names(live_server)
    name = team if which == "team" else leader
    log_in(page, live_server, "planner@binnenwerk.example")
    page.goto(live_server.url + path)
    heading = page.locator("main h2").first
    before = heading.text_content()
    page.get_by_label("Zoek op naam").focus()
    page.keyboard.type(name.lower())
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"naam="))
    expect(heading).to_have_text(re.compile(r"^\d+ van \d+ team"))
    # The calendar links' list adds "(14 medewerkers zonder link)" until another test made links.
    expect(page.locator("main").get_by_role("link", name=re.compile(rf"^{re.escape(name)}( \(|$)"))).to_be_visible()
    problems = axe_violations(page) + table_problems(page)
    screenshot(page, f"filtered{re.sub(r'[^a-z]+', '-', path)}")

    # The region by keyboard: the select, the next region, then Tab on to the button and Enter.
    region = page.get_by_label("Regio", exact=True)
    if region.count():
        region.focus()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")
        if page.get_by_label("Team", exact=True).count():  # the team leaders list: its team filter is next
            page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Zoeken")).to_be_focused()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"regio=[^&]"))
        problems += axe_violations(page)

    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 321
    problems += axe_violations(page)
    page.go_back()
    if region.count():
        page.go_back()
    page.wait_for_url(re.compile(re.escape(path) + "$"))
    expect(heading).to_have_text(before)
    assert problems == []
