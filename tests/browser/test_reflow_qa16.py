"""QA round 16 in the browser, WCAG 1.4.10: the roster page's team choice is as wide as its
longest option, so a team named with a ministry's full name (up to 100 characters) pushed the
whole page sideways at 320 CSS pixels (1280 at 400%). The box now stays within the window and
cuts the text inside it, as every other select does."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from binnenwerk.extensions import db
from binnenwerk.models import Team
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

PLANNER = "planner@binnenwerk.example"
LONG_NAME = "Team Ministerie van Binnenlandse Zaken en Koninkrijksrelaties"
PAGE_WIDTH = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def test_a_long_team_name_keeps_the_roster_page_within_320_pixels(page, live_server):
    with live_server.app.app_context():
        team = Team(name=LONG_NAME, region="Utrecht")
        db.session.add(team)
        db.session.commit()
        team_id = team.id
        db.session.remove()
    try:
        log_in(page, live_server, PLANNER)
        page.set_viewport_size({"width": 320, "height": 640})
        page.goto(f"{live_server.url}/rooster/")
        page.wait_for_load_state("load")  # app.css applied
        choice = page.locator("select#team-field")
        expect(choice).to_contain_text(LONG_NAME)
        screenshot(page, "reflow-long-team-name")
        scroll_width, client_width = page.evaluate(PAGE_WIDTH)
        assert scroll_width <= client_width, (scroll_width, client_width)
        assert choice.bounding_box()["width"] <= client_width
    finally:
        with live_server.app.app_context():
            db.session.delete(db.session.get(Team, team_id))
            db.session.commit()
            db.session.remove()
