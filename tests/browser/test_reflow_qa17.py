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


def test_a_long_word_on_a_week_sheet_wraps_inside_it_at_320_pixels(page, live_server):
    """The week sheets load the week page's styles; a long work type's name wrapped on the week
    page but ran out of its sheet (and scrolled the page sideways) on a 320-pixel phone."""
    from tests.browser.conftest import log_in

    from binnenwerk.extensions import db
    from binnenwerk.models import Roster, Team

    with live_server.app.app_context():
        team = db.session.scalars(db.select(Team).where(Team.name == "Team Den Haag 1")).one()
        week = db.session.scalars(db.select(Roster.week).where(Roster.team_id == team.id, Roster.version > 0)
                                  .order_by(Roster.week)).first()
        team_id = team.id
        db.session.remove()
    log_in(page, live_server, "teamleider@binnenwerk.example")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server.url}/rooster/weekbriefjes?week={week}&team={team_id}")
    page.locator("section.week-sheet article.day p").first.evaluate(
        "p => p.textContent = 'Je werk: Gebouwondersteuningswerkzaamheden.'")
    assert page.evaluate("document.documentElement.scrollWidth") <= 321
