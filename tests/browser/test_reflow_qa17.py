"""QA round 17: the employee's week page at 320 pixels with 200% zoom (a 160-pixel layout) keeps
within the screen: the calendar QR code shrinks to its column (it was 240 pixels wide)."""
from __future__ import annotations

import pytest

from tests.browser.test_accessibility import employee_week_link

pytestmark = pytest.mark.browser


def test_the_week_page_at_320_pixels_and_200_percent_zoom_does_not_scroll_sideways(page, live_server):
    page.set_viewport_size({"width": 160, "height": 640})
    page.goto(employee_week_link(live_server))
    qr = page.locator("img.qr")
    assert qr.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 161
    box = qr.bounding_box()
    assert box["width"] <= 160 and abs(box["width"] - box["height"]) < 1  # square, within the column
