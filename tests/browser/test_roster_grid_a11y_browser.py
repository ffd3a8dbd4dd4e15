"""In a real browser (grid.js): after a cell's save the message and the day headers are on screen
beside the edited cell, and a focused link in a grid that scrolls sideways is scrolled fully into
the grid's box, clear of the sticky names, also when it was only partly hidden."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.browser

PLANNER = "planner@binnenwerk.example"
PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}
RING = 5  # px the focus ring reaches beyond the link (outline 3 px at 2 px; app.css :focus-visible)


def draft_week() -> str:
    from binnenwerk.planning import demo_weeks

    return demo_weeks()[1]


def first_team(live_server) -> int:
    from sqlalchemy import select

    from binnenwerk.extensions import db
    from binnenwerk.models import Team

    with live_server.app.app_context():
        found = db.session.scalar(select(Team.id).order_by(Team.id).limit(1))
        db.session.remove()
    return found


@pytest.fixture
def open_page(browser, live_server):
    """open_page(viewport, motion): a planner's page of that size, with that motion preference."""
    contexts = []

    def make(viewport: dict, motion: str = "reduce"):
        context = browser.new_context(locale="nl-NL", viewport=viewport, reduced_motion=motion)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, live_server, PLANNER)
        return page

    yield make
    for context in contexts:
        context.close()


ON_SCREEN = """(el) => { const r = el.getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["320px", "1280px"])
def test_after_a_cells_save_the_message_and_the_day_headers_are_beside_the_cell(open_page, live_server, viewport):
    page = open_page(viewport)
    page.goto(f"{live_server.url}/rooster/?week={draft_week()}&team={first_team(live_server)}")
    # A free day far down the grid (its save changes nothing: "Er was niets veranderd").
    free = page.locator("table.roster-grid tbody tr:not(:first-child) td.cell:not(.filled) a.edit")
    target = free.nth(free.count() - 1)
    name = target.locator(".visually-hidden").inner_text().strip()
    target.click()
    page.get_by_role("button", name="Opslaan").click()
    link = page.get_by_role("link", name=f"Wijzig {name}")
    expect(link).to_be_focused()  # as before: the focus is back on the cell's link

    # The message, just above the edited row and on screen with it, and the day headers too.
    note = page.locator("tr.saved-note")
    expect(note).to_contain_text("Er was niets veranderd")
    assert note.evaluate("(row, link) => row.nextElementSibling.contains(link) || "
                         "row.nextElementSibling.nextElementSibling.contains(link)",
                         link.element_handle())
    assert note.evaluate(ON_SCREEN), "the message is not on screen"
    assert link.evaluate(ON_SCREEN), "the focused link is not on screen"
    headers = page.locator("table.roster-grid thead tr, table.roster-grid tr.saved-note-days")
    shown = [h for h in headers.all() if h.evaluate(ON_SCREEN) and "ma " in h.inner_text()]
    assert shown, "no day headers on screen"
    # A copy for the eye only: a screen reader reads the message with the focused link.
    assert note.get_attribute("aria-hidden") == "true"
    message_id = link.get_attribute("aria-describedby")
    expect(page.locator(f".flashes #{message_id}")).to_contain_text("Er was niets veranderd")
    screenshot(page, f"grid-a11y-saved-{viewport['width']}")
    assert axe_violations(page) == []


BOX_CHECK = """([link, ring]) => {
  const box = link.closest('.table-scroll'); const b = box.getBoundingClientRect();
  const r = link.getBoundingClientRect();
  const names = link.closest('tr').cells[0].getBoundingClientRect();
  const left = Math.max(b.left + box.clientLeft, names.right), right = b.left + box.clientLeft + box.clientWidth;
  return r.left - ring >= left - 0.5 && r.right + ring <= right + 0.5 ? '' :
    `${link.textContent.trim()}: ${Math.round(r.left)}-${Math.round(r.right)} ` +
    `outside ${Math.round(left)}-${Math.round(right)}`;
}"""


def cut_links(page, presses: int, key: str) -> list[str]:
    """Press `key` from the focused link on; what each focused edit link shows cut."""
    cut = []
    for _ in range(presses):
        page.keyboard.press(key)
        focused = page.evaluate_handle("document.activeElement")
        if focused.evaluate("el => el.matches('table.roster-grid a.edit')"):
            problem = page.evaluate(BOX_CHECK, [focused, RING])
            if problem:
                cut.append(problem)
    return cut


def test_tabbing_along_a_grid_on_a_phone_shows_each_link_whole_inside_the_box(open_page, live_server):
    page = open_page(PHONE)  # reduced motion: the box jumps, at once
    page.goto(f"{live_server.url}/rooster/?week={draft_week()}")
    links = page.locator("table.roster-grid").first.locator("a.edit")
    count = links.count()
    links.first.focus()
    assert cut_links(page, count - 1, "Tab") == []
    assert cut_links(page, count - 1, "Shift+Tab") == []  # back along the rows: clear of the names


PARTLY_HIDDEN = """([before, link, side]) => {
  // The link before it has the focus (not scrolled to); then the box is scrolled so that `link`
  // is partly hidden at one edge (by 5 px, past the sticky names at the left one).
  before.focus({preventScroll: true});
  const box = link.closest('.table-scroll'); const b = box.getBoundingClientRect();
  const r = link.getBoundingClientRect();
  const names = link.closest('tr').cells[0].getBoundingClientRect();
  box.scrollLeft += side === 'right' ? r.right - (b.left + box.clientLeft + box.clientWidth) - 5
                                     : r.left - names.right + 5;
  const now = link.getBoundingClientRect();
  return side === 'right' ? now.right > b.left + box.clientLeft + box.clientWidth : now.left < names.right;
}"""


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
@pytest.mark.parametrize("side", ["right", "left"])
def test_a_link_partly_hidden_at_the_boxs_edge_is_scrolled_whole_into_view_when_focused(
        open_page, live_server, motion, side):
    """Chrome scrolls a focused element into view only when it is wholly hidden (QA: "Wijzig Daan
    Peters di 8 dec" 5 px past the right edge at 320 px, its focus ring cut)."""
    page = open_page(PHONE, motion=motion)
    page.goto(f"{live_server.url}/rooster/?week={draft_week()}&team={first_team(live_server)}")
    links = page.locator("table.roster-grid").first.locator("tbody tr").first.locator("a.edit")
    before, link, key = (links.nth(2), links.nth(3), "Tab") if side == "right" else \
        (links.nth(3), links.nth(2), "Shift+Tab")
    assert page.evaluate(PARTLY_HIDDEN, [before.element_handle(), link.element_handle(), side])
    page.keyboard.press(key)
    expect(link).to_be_focused()
    if motion == "reduce":  # at once
        assert page.evaluate(BOX_CHECK, [link.element_handle(), RING]) == ""
    else:  # smoothly, to the same place
        page.wait_for_function(f"link => ({BOX_CHECK})([link, {RING}]) === ''", arg=link.element_handle(),
                               timeout=3000)
        assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches") is False
