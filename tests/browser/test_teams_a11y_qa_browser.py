"""Accessibility QA in the browser. WCAG 1.4.10 on the employee and team leader forms: at 320 CSS
pixels the week of availability stacks per day, no field lies beyond the screen's edge, and every
field keeps its own label. The employee's statement in plain words, and the full one, pass axe-core
and reflow too."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Employee
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_accessibility import axe_violations, employee_week_link

pytestmark = pytest.mark.browser

DAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")

# Anything of the availability fieldset whose right edge lies beyond the screen, scroll box or not.
BEYOND_THE_EDGE = """() => {
  const edge = document.documentElement.clientWidth;
  const box = document.querySelector('fieldset.availability');
  return [box, ...box.querySelectorAll('*')]
    .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > edge + 0.5)
    .filter(e => !e.closest('.visually-hidden, caption, thead'))
    .map(e => `${e.tagName}${e.id ? '#' + e.id : ''}.${e.className}: ${Math.round(e.getBoundingClientRect().right)}`);
}"""
SCROLLS_SIDEWAYS = """() => [...document.querySelectorAll('fieldset.availability .table-scroll')]
  .some(e => e.scrollWidth > e.clientWidth + 1) || document.documentElement.scrollWidth > 321"""


def _employee_id(live_server) -> int:
    with live_server.app.app_context():
        found = db.session.scalar(select(Employee.id).where(Employee.archived.is_(False)).order_by(Employee.id))
        db.session.remove()
    return found


def _check_the_week(page, name: str) -> None:
    # The page's stylesheet applied: right after a form is sent the new page's elements are there
    # before app.css (in CI once every box measured 356-372 px, the table's width without it).
    page.wait_for_load_state("load")
    assert page.evaluate(BEYOND_THE_EDGE) == []
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    for day in DAYS:
        # The label of each field is tied to it (<label for>): its name says which day.
        for what in ("Van", "Tot"):
            field = page.get_by_role("textbox", name=f"{what} ({day})", exact=True)
            assert field.count() == 1, (what, day)
            box = field.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 320, (what, day, box)
        assert page.get_by_role("checkbox", name=f"Beschikbaar op {day}", exact=True).count() == 1
    # Stacked, the headings of the columns are gone: "Van" and "Tot" are shown beside their fields.
    label = page.locator('label[for="availability-0-start"]')
    assert label.bounding_box()["width"] > 10
    screenshot(page, name)
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", ["/teams/medewerkers/nieuw", "/teams/medewerkers/{employee}/wijzigen",
                                  "/teams/teamleiders/nieuw"])
def test_the_week_of_availability_fits_a_320_pixel_screen(page, live_server, path):
    log_in(page, live_server, "planner@binnenwerk.example")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(live_server.url + path.format(employee=_employee_id(live_server)))
    _check_the_week(page, "narrow-availability" + re.sub(r"[^a-z0-9]+", "-", path))


def test_the_week_with_errors_still_fits_a_320_pixel_screen(page, live_server):
    log_in(page, live_server, "planner@binnenwerk.example")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(live_server.url + "/teams/medewerkers/nieuw")
    page.get_by_role("checkbox", name="Beschikbaar op woensdag", exact=True).check()
    page.get_by_role("textbox", name="Van (woensdag)", exact=True).fill("abc")
    page.get_by_role("textbox", name="Tot (woensdag)", exact=True).fill("25:99")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_selector(".error-summary")
    _check_the_week(page, "narrow-availability-errors")


def test_a_wide_screen_keeps_the_table_with_its_column_heads(page, live_server):
    log_in(page, live_server, "planner@binnenwerk.example")
    page.goto(live_server.url + "/teams/medewerkers/nieuw")
    start = page.get_by_role("textbox", name="Van (maandag)", exact=True).bounding_box()
    end = page.get_by_role("textbox", name="Tot (maandag)", exact=True).bounding_box()
    day = page.locator("#availability-0-name").bounding_box()
    assert abs(start["y"] - end["y"]) < 2 and end["x"] > start["x"] > day["x"]  # one row per day
    assert page.locator('label[for="availability-0-start"]').bounding_box()["width"] <= 1  # the column head says it
    assert page.get_by_role("columnheader", name="Van", exact=True).is_visible()


def test_the_employees_statement_and_the_full_one_pass_axe_and_fit_a_narrow_screen(page, live_server):
    page.goto(employee_week_link(live_server))
    page.get_by_role("link", name="Toegankelijkheidsverklaring").click()
    page.wait_for_url(re.compile(r"/toegankelijkheid$"))
    problems = [f"short: {v}" for v in axe_violations(page)]
    page.get_by_role("link", name="Lees de volledige toegankelijkheidsverklaring").click()
    page.wait_for_url(re.compile(r"volledig=1$"))
    assert page.title().startswith("Volledige toegankelijkheidsverklaring")
    problems += [f"full: {v}" for v in axe_violations(page)]
    page.set_viewport_size({"width": 320, "height": 800})
    for what in ("full", "short"):
        if what == "short":
            page.go_back()
        assert page.evaluate("document.documentElement.scrollWidth") <= 321, what
        problems += [f"{what} at 320 px: {v}" for v in axe_violations(page)]
        screenshot(page, f"week-statement-{what}-narrow")
    assert problems == []
