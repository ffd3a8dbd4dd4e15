"""QA round 13 in the browser, WCAG 1.4.10 and 2.4.7/2.4.11. At 320 CSS pixels a long web or
e-mail address in a message box (a form changed meanwhile in another tab, an import check's error
summary) wraps inside its box instead of making the page scroll sideways; and while the non-modal
"Je bent uitgelogd" dialog lies over the page's foot, no field that gets the focus is hidden
behind it."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Employee
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_qa_minors_browser import fill_request

pytestmark = pytest.mark.browser

CONTACT = "contact@bzk.example"
PLANNER = "planner@binnenwerk.example"
NARROW = {"width": 320, "height": 640}
STORED_URL = ("Aanmelden (nieuw) via https://www.rijksoverheid.nl/ministeries/"
              "ministerie-van-binnenlandse-zaken-en-koninkrijksrelaties/bezoekersregistratie")
TYPED_EMAIL = "Melden bij de balie, vraag naar bezoekersregistratie.beveiliging@minbzk.nl"
COACH_EMAIL = "marieke.vandenberg@werkbedrijfhaaglanden.nl"
BAD_COACH_EMAIL = "marieke.de.jong.jobcoach@werkbedrijf-haaglanden"

# Each piece of text in the boxes `selector` finds that lies outside its box's border (left, right),
# as "text: right edge > limit". A line box's rects, not the element's: a link's text runs over.
TEXT_OUTSIDE = """selector => {
  const found = [];
  for (const box of document.querySelectorAll(selector)) {
    const outer = box.getBoundingClientRect();
    const left = outer.left + box.clientLeft, right = left + box.clientWidth;
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) {
        if (rect.width && (rect.right > right + 0.5 || rect.left < left - 0.5)) {
          found.push(`${node.textContent.trim().slice(0, 40)}: ${Math.round(rect.left)}-${Math.round(rect.right)}`
                     + ` outside ${Math.round(left)}-${Math.round(right)}`);
        }
      }
    }
  }
  return found;
}"""
PAGE_WIDTH = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def _fits(page, selector: str, name: str) -> None:
    """The page does not scroll sideways, and the boxes' text lies inside their borders."""
    page.wait_for_load_state("load")  # app.css applied
    expect(page.locator(selector).first).to_be_visible()
    screenshot(page, name)
    scroll_width, client_width = page.evaluate(PAGE_WIDTH)
    assert scroll_width <= client_width, (scroll_width, client_width)
    assert page.evaluate(TEXT_OUTSIDE, selector) == []


def _words_unbroken(page, selector: str, words: list[str]) -> None:
    """Normal words that fit on a line are not broken in the middle: each is on one line."""
    for word in words:
        lines = page.evaluate("""([selector, word]) => {
          const box = document.querySelector(selector);
          const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.textContent.indexOf(word);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + word.length);
            return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
          }
          return -1;
        }""", [selector, word])
        assert lines == 1, (word, lines)


def test_a_request_changed_in_another_tab_shows_long_addresses_inside_the_box(page, live_server):
    log_in(page, live_server, CONTACT)
    page.goto(f"{live_server.url}/aanvragen/nieuw")
    fill_request(page, dt.date.today() + dt.timedelta(days=190))
    page.get_by_label("Opmerkingen").fill("Browsertest: lange adressen op een smal scherm")
    page.get_by_role("button", name="Aanvraag versturen").click()
    expect(page.locator(".flash-success")).to_contain_text("Uw aanvraag is verstuurd.")
    edit = re.sub(r"/aanvragen/(\d+)$", r"/aanvragen/\1/wijzigen", page.url)

    page.set_viewport_size(NARROW)
    page.goto(edit)
    other = page.context.new_page()  # tab B, the same login
    other.goto(edit)
    other.get_by_label("Toegang tot het gebouw").fill(STORED_URL)
    other.get_by_role("button", name="Wijziging opslaan").click()
    expect(other.locator(".flash-success")).to_be_visible()
    other.close()

    page.get_by_label("Toegang tot het gebouw").fill(TYPED_EMAIL)
    page.get_by_role("button", name="Wijziging opslaan").click()
    expect(page.locator("#conflict")).to_contain_text("bezoekersregistratie")
    assert page.title().startswith("Fout: Aanvraag wijzigen")
    _fits(page, "#conflict", "reflow-request-conflict")
    _words_unbroken(page, "#conflict", ["opgeslagen", "verschilt"])


def test_an_employee_changed_in_another_tab_shows_the_coachs_address_inside_the_summary(page, live_server):
    with live_server.app.app_context():
        employee = db.session.scalar(select(Employee.id).where(Employee.archived.is_(False))
                                     .order_by(Employee.id.desc()))
        db.session.remove()
    edit = f"{live_server.url}/teams/medewerkers/{employee}/wijzigen"
    log_in(page, live_server, PLANNER)
    page.set_viewport_size(NARROW)
    page.goto(edit)
    other = page.context.new_page()
    other.goto(edit)
    other.get_by_label("E-mailadres jobcoach").fill(COACH_EMAIL)
    other.get_by_role("button", name="Opslaan").click()
    expect(other.locator(".flash-success")).to_be_visible()
    other.close()

    page.get_by_label("Naam jobcoach").fill("Marieke van den Berg")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".error-summary")).to_contain_text(COACH_EMAIL)
    _fits(page, ".error-summary", "reflow-employee-conflict")


def test_an_import_checks_long_value_stays_inside_the_error_summary(page, live_server):
    log_in(page, live_server, PLANNER)
    page.set_viewport_size(NARROW)
    exported = page.request.get(f"{live_server.url}/gegevens/employees/export.csv").text()
    lines = exported.lstrip("\ufeff").splitlines()
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    head = lines[0].split(delimiter)
    column = head.index("jobcoach_email")
    cells = lines[1].split(delimiter)
    assert len(cells) == len(head)  # a row without quoted delimiters in it
    cells[column] = BAD_COACH_EMAIL
    upload = "\n".join([lines[0], delimiter.join(cells)]) + "\n"

    page.goto(f"{live_server.url}/gegevens/employees/")
    page.get_by_label(re.compile("^Bestand")).set_input_files(
        {"name": "medewerkers.csv", "mimeType": "text/csv", "buffer": upload.encode()})
    page.get_by_role("button", name="Bekijk wat er verandert").click()
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("link")).to_contain_text(BAD_COACH_EMAIL)
    _fits(page, ".error-summary", "reflow-import-summary")
    _words_unbroken(page, ".error-summary", ["opgeslagen", "Verbeter"])


# --- the logged-out dialog does not hide the focused field ---------------------------------------

# Where the focus is now, and whether the dialog covers it: {inDialog, name, covered, inView,
# behind, rect, dialog}. The name begins with a number given to each element once, so two links
# with the same words are two tab stops and the first one again means the round is complete.
FOCUS_COVERED = """() => {
  const dialog = document.getElementById('session-warning');
  const focused = document.activeElement;
  if (!focused || focused === document.body) return null;
  window.tabStops = window.tabStops || new WeakMap();
  if (!window.tabStops.has(focused)) window.tabStops.set(focused, (window.tabStopCount = (window.tabStopCount || 0) + 1));
  const stop = window.tabStops.get(focused);
  const name = `${stop} ${focused.tagName}#${focused.id}.${focused.className} ${(focused.innerText || focused.name || '').slice(0, 30)}`;
  if (dialog.contains(focused)) return {inDialog: true, name};
  const d = dialog.getBoundingClientRect(), r = focused.getBoundingClientRect();
  const covered = dialog.open && r.bottom > d.top && r.top < d.bottom && r.right > d.left && r.left < d.right;
  const centre = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
  const inView = r.top >= 0 && r.bottom <= window.innerHeight;
  return {inDialog: false, name, covered, inView, behind: !!(centre && dialog.contains(centre)),
          rect: [Math.round(r.top), Math.round(r.bottom)], dialog: [Math.round(d.top), Math.round(d.bottom)]};
}"""


def _logged_out_on(page, live_server, email: str, path: str, viewport: dict) -> None:
    """`path` open at `viewport` and the server saying the login is over (401): the dialog shows,
    not modal, at the page's foot."""
    def gone(route):
        if route.request.method == "GET":
            answer = route.fetch().json()
            route.fulfill(status=401, content_type="application/json", body=json.dumps(answer | {"left": 0}))
        else:
            route.continue_()

    log_in(page, live_server, email)
    page.set_viewport_size(viewport)
    page.clock.install()
    page.route("**/auth/sessie", gone)
    page.goto(live_server.url + path)
    left = int(page.locator("#session-warning").get_attribute("data-left"))
    page.clock.run_for((left - 119) * 1000)
    page.get_by_role("dialog", name=re.compile("^(Je|U) bent uitgelogd$")).wait_for()
    assert not page.locator("#session-warning").evaluate("d => d.matches(':modal')")


@pytest.mark.parametrize("email, path, viewport", [
    (CONTACT, "/aanvragen/nieuw", {"width": 320, "height": 640}),
    (CONTACT, "/aanvragen/nieuw", {"width": 412, "height": 915}),
    (PLANNER, "/teams/medewerkers/nieuw", {"width": 320, "height": 640}),
], ids=["request-320", "request-412", "employee-320"])
def test_no_tab_stop_hides_behind_the_logged_out_dialog(page, live_server, email, path, viewport):
    _logged_out_on(page, live_server, email, path, viewport)
    dialog_text = page.locator("#session-warning").inner_text()
    hidden, seen = [], []
    for _ in range(150):
        page.keyboard.press("Tab")
        where = page.evaluate(FOCUS_COVERED)
        if where is None or where["inDialog"]:
            continue
        if seen and where["name"] == seen[-1]:
            continue  # the next part of a date or time field
        if where["name"] in seen:
            break  # round the page once
        seen.append(where["name"])
        if where["covered"] or where["behind"] or not where["inView"]:
            hidden.append(where)
    screenshot(page, "reflow-logged-out-" + str(viewport["width"]))
    assert len(seen) > 20, "\n".join(seen) + "\nNEXT " + where["name"]
    assert hidden == []
    # The dialog says what it said, and is still there, not modal.
    assert page.locator("#session-warning").inner_text() == dialog_text
    assert re.search(r"Wat (je|u) typte, staat nog op deze pagina\.", dialog_text)


def test_closing_the_logged_out_dialog_gives_the_page_its_foot_back(page, live_server):
    _logged_out_on(page, live_server, PLANNER, "/teams/medewerkers/nieuw", NARROW)
    reserved = page.evaluate("() => parseFloat(getComputedStyle(document.body).paddingBottom)")
    dialog_top = page.locator("#session-warning").evaluate("d => d.getBoundingClientRect().top")
    assert reserved >= 640 - dialog_top
    page.get_by_role("button", name="Sluiten").click()
    page.locator("#session-warning").wait_for(state="hidden")
    assert page.evaluate("() => parseFloat(getComputedStyle(document.body).paddingBottom)") == 0
    assert page.evaluate("() => getComputedStyle(document.documentElement).scrollPaddingBottom") in ("auto", "0px")
