"""On a phone, the small text links a finger taps are at least 24 by 24 pixels (WCAG 2.2's 2.5.8
target size, without counting on the space around them): the roster grid's "Wijzig", the
absence list's and the admin lists' "Wijzigen" (a.tap, as the call list's "Bel" link)."""
from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_roster_grid_a11y_browser import PLANNER, draft_week, first_team

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def small_boxes(page, selector: str) -> tuple[int, list[dict]]:
    """How many visible links match, and the boxes of those smaller than 24 by 24 pixels."""
    boxes = [box for box in (link.bounding_box() for link in page.locator(selector).all()) if box]
    return len(boxes), [box for box in boxes if box["width"] < 24 or box["height"] < 24]


@pytest.mark.parametrize("path, selector", [
    ("roster", ".roster-grid a.edit"),
    ("/teams/afwezigheid", "a.tap"),
    ("/beheer/gebruikers", "a.tap"),
])
def test_small_links_are_big_enough_to_tap_on_a_phone(page, live_server, path, selector):
    email = "admin@binnenwerk.example" if path.startswith("/beheer") else PLANNER
    log_in(page, live_server, email)
    page.set_viewport_size(PHONE)
    url = f"/rooster/?week={draft_week()}&team={first_team(live_server)}" if path == "roster" else path
    page.goto(live_server.url + url)
    found, small = small_boxes(page, selector)
    assert found, f"no {selector} on {url}"
    assert not small, small[:3]
