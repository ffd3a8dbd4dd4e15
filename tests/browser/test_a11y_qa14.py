"""In a real browser, the fourteenth accessibility round: a saved message still takes the focus after
an error summary's link put a field's fragment in the address; the summary's link to a group of
boxes lands on the group; a roster cell's Annuleren leads back to the cell; and the focus ring of
an import check's problem row stands out from the row's pink."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_roster_grid_a11y_browser import draft_week, first_team

pytestmark = pytest.mark.browser

CONTACT = "contact@bzk.example"
PLANNER = "planner@binnenwerk.example"
TEAM_LEADER = "teamleider@binnenwerk.example"
NOTE = "Browsertest a11y qa14"


def follow_summary_link(page, target: str) -> None:
    """From the focused error summary, follow its (first) link to #target with Enter, as a keyboard
    user does."""
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    summary.locator(f'a[href="#{target}"]').first.focus()
    page.keyboard.press("Enter")


@pytest.fixture
def absences_cleared(live_server):
    """The absence a test registers is taken out of the shared demo again."""
    yield
    from sqlalchemy import delete

    from binnenwerk.extensions import db
    from binnenwerk.models import Absence

    with live_server.app.app_context():
        db.session.execute(delete(Absence).where(Absence.note == NOTE))
        db.session.commit()
        db.session.remove()


# --- the saved message after an error summary's link --------------------------------------------


def test_the_saved_message_takes_the_focus_after_the_summary_put_a_field_in_the_address(
        page, live_server, absences_cleared):
    log_in(page, live_server, TEAM_LEADER)
    page.goto(f"{live_server.url}/teams/afwezigheid/nieuw")
    page.get_by_role("button", name="Opslaan").click()
    follow_summary_link(page, "person")
    expect(page).to_have_url(re.compile(r"/teams/afwezigheid/nieuw#person$"))
    expect(page.locator("#person")).to_be_focused()

    day = dt.date.today() + dt.timedelta(days=200)
    page.locator("#person").select_option(index=1)
    page.get_by_label("Soort").select_option(index=1)
    page.get_by_label("Van", exact=True).fill(day.isoformat())
    page.get_by_label("Tot en met", exact=True).fill(day.isoformat())
    page.get_by_label("Opmerking (niet verplicht)").fill(NOTE)
    page.get_by_role("button", name="Opslaan").click()

    # The post went to .../nieuw#person, its redirect kept the fragment: the list has no such field.
    expect(page).to_have_url(re.compile(r"/teams/afwezigheid#person$"))
    messages = page.locator("main .flashes")
    expect(messages).to_contain_text("is geregistreerd.")
    expect(messages).to_be_focused()


# --- an error summary's link to a group of boxes ---------------------------------------------------


def test_the_summarys_link_to_the_days_lands_on_the_group_of_boxes(page, live_server):
    log_in(page, live_server, CONTACT)
    page.goto(f"{live_server.url}/aanvragen/nieuw")
    page.locator("input[name=weekdays]").evaluate_all("boxes => boxes.forEach(box => { box.checked = false; })")
    page.get_by_role("button", name="Aanvraag versturen").click()
    follow_summary_link(page, "weekdays")
    days = page.locator("fieldset#weekdays")
    expect(days).to_be_focused()
    assert "Dagen" in days.evaluate("group => group.querySelector('legend').textContent")

    # Sent again from that address: the page opens at #weekdays, the summary still takes the focus.
    page.get_by_role("button", name="Aanvraag versturen").click()
    expect(page).to_have_url(re.compile(r"/aanvragen/nieuw#weekdays$"))
    expect(page.locator(".error-summary")).to_be_focused()


def test_the_summarys_links_to_the_week_and_the_work_types_land_on_their_groups(page, live_server):
    log_in(page, live_server, PLANNER)
    page.goto(f"{live_server.url}/teams/medewerkers/nieuw")
    page.get_by_label("Voornaam").fill("Groep")
    page.get_by_label("Achternaam").fill("Test")
    page.locator(".availability input[type=checkbox], input[name=work_type_ids]").evaluate_all(
        "boxes => boxes.forEach(box => { box.checked = false; })")
    page.get_by_role("button", name="Opslaan").click()
    follow_summary_link(page, "availability")
    expect(page.locator("fieldset#availability")).to_be_focused()
    page.locator(".error-summary").focus()
    follow_summary_link(page, "work_type_ids")
    expect(page.locator("fieldset#work_type_ids")).to_be_focused()


# --- back from a roster cell's page ---------------------------------------------------------------


@pytest.mark.parametrize("way_back", ["Annuleren", "← Terug naar het rooster van"])
def test_cancel_on_a_cells_page_leads_back_to_that_cell(page, live_server, way_back):
    log_in(page, live_server, PLANNER)
    page.goto(f"{live_server.url}/rooster/?week={draft_week()}&team={first_team(live_server)}")
    links = page.locator("table.roster-grid tbody td.cell a.edit")
    target = links.nth(links.count() - 2)  # far down the grid, far from the top of the page
    cell_id = target.evaluate("link => link.closest('td').id")
    name = target.locator(".visually-hidden").inner_text().strip()
    target.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dienst van")
    page.get_by_role("link", name=re.compile(rf"^{re.escape(way_back)}")).click()

    expect(page).to_have_url(re.compile(rf"#{cell_id}$"))
    expect(page.get_by_role("link", name=f"Wijzig {name}")).to_be_focused()


# --- the focus ring of an import check's problem row -------------------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(x) for x in re.findall(r"\d+", colour)[:3])


def _contrast(one: str, other: str) -> float:
    def luminance(colour: str) -> float:
        channels = [c / 255 for c in _rgb(colour)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_a_focused_problem_row_has_a_ring_that_stands_out_from_its_pink(page, live_server):
    log_in(page, live_server, PLANNER)
    page.goto(f"{live_server.url}/gegevens/teams/")
    upload = "naam;regio;thuislocatie;max_medewerkers\nTeam QA veertien;Den Haag;bestaat-niet;99\n"
    page.get_by_label(re.compile("^Bestand")).set_input_files(
        {"name": "teams.csv", "mimeType": "text/csv", "buffer": upload.encode()})
    page.get_by_role("button", name="Bekijk wat er verandert").click()
    follow_summary_link(page, "rij-2")
    row = page.locator("tr#rij-2")
    expect(row).to_be_focused()
    ring = row.evaluate("""row => { const s = getComputedStyle(row);
      return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor,
              shadow: s.boxShadow, row: s.backgroundColor,
              page: getComputedStyle(row.closest('table')).backgroundColor === 'rgba(0, 0, 0, 0)'
                    ? getComputedStyle(document.body).backgroundColor
                    : getComputedStyle(row.closest('table')).backgroundColor}; }""")
    assert ring["style"] == "solid" and ring["width"] >= 2
    # The ring's dark part against the row's pink and the page around the row (WCAG 1.4.11).
    assert _contrast(ring["colour"], ring["row"]) >= 3, ring
    assert _contrast(ring["colour"], ring["page"]) >= 3, ring
    # The yellow one, as on every other focused thing, inside it.
    assert "rgb(255, 191, 71)" in ring["shadow"] and "inset" in ring["shadow"], ring
