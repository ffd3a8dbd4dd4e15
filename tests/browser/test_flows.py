"""Real-browser flows: a team leader plans and publishes, an employee reads their week, a ministry asks."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.browser

TEAM_LEADER = "teamleider@binnenwerk.example"
CONTACT = "contact@bzk.example"
SOLVE_TIMEOUT_MS = 90_000


def next_week() -> str:
    """The demo's draft week."""
    from binnenwerk.planning import demo_weeks

    return demo_weeks()[1]


def open_team_roster(page, live_server, week: str) -> None:
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rooster").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rooster week")
    page.get_by_label("Week", exact=True).fill(week)
    page.get_by_role("button", name="Toon").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(week)


def test_team_leader_makes_a_plan_changes_a_cell_and_publishes(page, live_server):
    week = next_week()
    log_in(page, live_server, TEAM_LEADER)
    open_team_roster(page, live_server, week)
    screenshot(page, "flow-team-leader-1-roster")

    page.get_by_label("Rekentijd").first.select_option("10")
    page.get_by_role("button", name=re.compile(r"^(Herplan|Maak rooster)")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rooster maken")
    # The page polls the progress and reloads itself once when the solve is done; then it stays.
    expect(page.get_by_text("Het rooster is klaar en opgeslagen.")).to_be_visible(timeout=SOLVE_TIMEOUT_MS)
    expect(page.locator("#job-label")).to_have_text("Klaar")
    expect(page.locator("#job")).to_have_attribute("data-done", "true")  # rosters.js stops polling
    problems = [f"done: {v}" for v in axe_violations(page)]
    screenshot(page, "flow-team-leader-3-done")
    page.get_by_role("link", name="Naar het rooster").click()

    grid = page.locator("table.roster-grid").first
    expect(grid).to_be_visible()
    filled = grid.locator("td.cell.filled")
    assert filled.count() > 0, "the plan has no shifts to change"
    cell_link = filled.first.locator("a.edit")
    cell_name = cell_link.locator(".visually-hidden").inner_text().strip()
    cell_link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dienst van")
    problems += [f"cell: {v}" for v in axe_violations(page)]
    page.get_by_label("Dienst", exact=True).select_option(label="Vrij (geen dienst)")
    page.get_by_label("Reden (voor de geschiedenis)").fill("Browsertest: afspraak bij de dokter")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".flash-success")).to_contain_text("is aangepast")
    changed = grid.get_by_role("link", name=f"Wijzig {cell_name}")
    expect(changed.locator("xpath=..")).to_contain_text("vrij")
    # Back at the cell: the keyboard goes on from there, and the saved message is read with it.
    expect(changed).to_be_focused()
    message_id = changed.get_attribute("aria-describedby")
    expect(page.locator(f"#{message_id}")).to_contain_text("is aangepast")
    assert page.title().startswith("Rooster week ")
    screenshot(page, "flow-team-leader-4-changed")

    page.get_by_role("button", name=re.compile(r"^Publiceer")).click()
    expect(page.locator(".flash-success")).to_contain_text("Gepubliceerd: versie")
    expect(grid.locator("caption")).to_contain_text("gepubliceerd versie")
    problems += [f"published: {v}" for v in axe_violations(page)]
    screenshot(page, "flow-team-leader-5-published")
    assert problems == []


def test_keyboard_user_changes_a_roster_cell(page, live_server):
    week = next_week()
    log_in(page, live_server, TEAM_LEADER)
    open_team_roster(page, live_server, week)
    target = page.locator("table.roster-grid td.cell.filled a.edit").first
    target_name = target.locator(".visually-hidden").inner_text().strip()
    # Tab from the top of the page until the first cell's edit link has the focus.
    page.locator("body").focus()
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('table.roster-grid td.cell.filled a.edit')"):
            break
    else:
        pytest.fail("Tab never reached an edit link of the roster grid")
    assert page.evaluate("document.activeElement.textContent").strip().endswith(target_name)
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "the focused edit link shows no focus outline"
    screenshot(page, "flow-keyboard-1-focus")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dienst van")

    select = page.get_by_label("Dienst", exact=True)
    current = select.input_value()
    assert current != "", "the cell should hold a shift"
    # Keyboard only: Tab to the select, Home picks the first option (free), Tab on, Enter submits.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SELECT":
            break
    else:
        pytest.fail("Tab never reached the shift list")
    page.keyboard.press("Home")
    assert select.input_value() != current
    assert select.locator("option:checked").inner_text().strip() == "Vrij (geen dienst)"
    screenshot(page, "flow-keyboard-2-cell")
    page.keyboard.press("Tab")  # to the pin checkbox
    page.keyboard.press("Tab")  # to the reason
    page.keyboard.type("Toetsenbordtest")
    page.keyboard.press("Enter")
    expect(page.locator(".flash-success, .flash-error, .error-summary").first).to_be_visible()
    messages = page.locator(".flash, .error-summary").all_inner_texts()
    assert any("is aangepast" in m for m in messages), messages
    # The shift is gone from the cell: "vrij", or "vervalt" when employees had already been told.
    expect(page.get_by_role("link", name=f"Wijzig {target_name}").locator("xpath=..")).to_have_class("cell")
    screenshot(page, "flow-keyboard-3-saved")


def test_employee_sees_their_week_in_plain_dutch(page, live_server):
    from binnenwerk.extensions import db
    from binnenwerk.models import Employee, FeedKind, PublishedShift
    from binnenwerk.services import tokens

    with live_server.app.app_context():
        from binnenwerk.formatting import week_days
        from binnenwerk.planning import demo_weeks

        monday = week_days(demo_weeks()[0], 1)[0]  # the published week, the page's first
        shift = db.session.scalars(
            db.select(PublishedShift).where(PublishedShift.date >= monday, PublishedShift.cancelled.is_(False))
            .order_by(PublishedShift.date)
        ).first()
        assert shift is not None, "the demo has no published shifts this week or later"
        employee = db.session.get(Employee, shift.employee_id)
        first_name = employee.first_name
        start = f"{shift.start_minute // 60:02d}:{shift.start_minute % 60:02d}"
        work_type = shift.work_type.name_nl
        token = tokens.issue(FeedKind.EMPLOYEE, employee)
        db.session.commit()
        db.session.remove()

    page.goto(f"{live_server.url}/week/{token}")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Jouw werk, {first_name}")
    # The page's first week (both are shown on a Monday, when the demo publishes next week too).
    expect(page.get_by_role("heading", name=re.compile(r"^(Deze|Volgende) week")).first).to_be_visible()
    expect(page.get_by_text(f"Je werk: {work_type}.").first).to_be_visible()
    expect(page.get_by_text(re.compile(rf"Je werkt van {start} tot \d\d:\d\d\.")).first).to_be_visible()
    expect(page.get_by_role("link", name="Zet in mijn agenda")).to_be_visible()
    day_heading = page.locator("article.day h3").first.inner_text()
    assert re.match(r"^(Maandag|Dinsdag|Woensdag|Donderdag|Vrijdag|Zaterdag|Zondag) \d{1,2} [a-z]+", day_heading)
    screenshot(page, "flow-employee-week")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "flow-employee-week-phone")


def test_ministry_contact_files_a_request_and_sees_it_listed(page, live_server):
    log_in(page, live_server, CONTACT)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Aanvragen").click()
    page.get_by_role("link", name="Nieuwe aanvraag").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe aanvraag")

    # Sent empty first: the errors are announced and tied to their fields.
    page.get_by_role("button", name="Aanvraag versturen").click()
    summary = page.locator(".error-summary[role=alert]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # read out first; Tab goes on to the links to the fields
    page.keyboard.press("Tab")
    first_link = summary.locator("a").first
    expect(first_link).to_be_focused()
    target = first_link.get_attribute("href")
    page.keyboard.press("Enter")
    expect(page.locator(target)).to_be_focused()
    screenshot(page, "flow-ministry-1-errors")

    start = dt.date.today() + dt.timedelta(days=21)
    end = start + dt.timedelta(days=27)
    page.get_by_label("Locatie", exact=True).select_option(index=1)
    page.get_by_label("Werksoort", exact=True).select_option(index=1)
    page.get_by_label("Van", exact=True).fill(start.isoformat())
    page.get_by_label("Tot en met", exact=True).fill(end.isoformat())
    for day in ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"):
        box = page.get_by_label(day, exact=True)
        box.set_checked(day in ("dinsdag", "donderdag"))
    page.get_by_label("Begintijd", exact=True).fill("09:00")
    page.get_by_label("Eindtijd", exact=True).fill("14:00")
    page.get_by_label("Pauze in minuten").fill("30")
    page.get_by_label("Aantal mensen per dag").fill("2")
    page.get_by_label("Opmerkingen").fill("Browsertest: graag via de achteringang")
    page.get_by_role("button", name="Aanvraag versturen").click()

    expect(page.locator(".flash-success")).to_contain_text("Uw aanvraag is verstuurd.")
    expect(page.get_by_text("di, do", exact=True)).to_be_visible()
    request_id = re.search(r"/aanvragen/(\d+)", page.url).group(1)
    screenshot(page, "flow-ministry-2-sent")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Aanvragen").click()
    row = page.locator("main table tbody tr").filter(has=page.locator(f"a[href$='/aanvragen/{request_id}']"))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Ingediend")
    expect(row).to_contain_text("09:00–14:00")
    screenshot(page, "flow-ministry-3-listed")


def test_the_roster_prints_one_team_per_page_without_links_or_menus(page, live_server):
    log_in(page, live_server, TEAM_LEADER)
    open_team_roster(page, live_server, next_week())
    page.get_by_role("link", name="Afdrukken", exact=True).click()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("table.roster-grid")).to_be_visible()
    assert page.locator("table.roster-grid a").count() == 0
    expect(page.locator(".no-print").first).to_be_hidden()
    assert axe_violations(page) == []
    screenshot(page, "flow-print-roster")
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    # "Het rooster past op A4 liggend": a team of up to 15 on one sheet (two before the QA's report).
    rows = page.locator("table.roster-grid tbody tr").count()
    assert 10 <= rows <= 15 and pdf_pages(pdf) == 1, (rows, pdf_pages(pdf))


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_accessibility_statement_is_complete(page, live_server):
    page.goto(f"{live_server.url}/toegankelijkheid")
    text = page.locator("main").inner_text()
    for part in ("Status", "C: eerste maatregelen genomen", "Hoe hebben we dit gecontroleerd?", "29 november 2026",
                 "Wat werkt nog niet goed?", "Iets werkt niet?", "Nationale ombudsman"):
        assert part in text, part
    screenshot(page, "flow-accessibility-statement")


def _open_a_running_job(page, live_server) -> int:
    """A team leader on the page of a solve that is still running (a row only, no worker)."""
    from sqlalchemy import select

    from binnenwerk.extensions import db
    from binnenwerk.models import JobStatus, SolveJob, Team

    log_in(page, live_server, TEAM_LEADER)
    with live_server.app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "Team Den Haag 1"))
        job = SolveJob(week=next_week(), team_id=team.id, status=JobStatus.RUNNING.value, progress=0.3,
                       time_limit=30, heartbeat_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    page.goto(f"{live_server.url}/rooster/planning/{job_id}")
    return job_id


def _end_job(live_server, job_id: int, **values) -> None:
    from binnenwerk.extensions import db
    from binnenwerk.models import SolveJob

    with live_server.app.app_context():
        job = db.session.get(SolveJob, job_id)
        for name, value in values.items():
            setattr(job, name, value)
        db.session.commit()


def test_the_planning_page_announces_the_step_not_the_seconds_and_then_the_result(page, live_server):
    """WCAG 4.1.3: the live region holds the step only; when the job ends while the page is open,
    the page reloads and the keyboard focus (and so a screen reader) goes to the result."""
    from binnenwerk.models import JobStatus

    job_id = _open_a_running_job(page, live_server)
    live = page.locator("[aria-live]")
    expect(live).to_have_count(1)
    expect(live).to_have_attribute("id", "job-label")
    assert page.locator("#job-elapsed[aria-live], [aria-live] #job-elapsed").count() == 0

    _end_job(live_server, job_id, status=JobStatus.FINISHED.value, progress=1.0)
    expect(page.locator("#job")).to_have_attribute("data-done", "true", timeout=10_000)
    expect(page.locator("#job-result")).to_be_focused()
    # Opened again later, the page leaves the focus where a page load puts it.
    page.reload()
    expect(page.locator("#job-result")).not_to_be_focused()


def test_a_planning_job_that_fails_while_the_page_is_open_puts_the_focus_on_the_error(page, live_server):
    from binnenwerk.models import JobStatus

    job_id = _open_a_running_job(page, live_server)
    _end_job(live_server, job_id, status=JobStatus.FAILED.value, error="Het plannen is mislukt.")
    expect(page.locator("#job")).to_have_attribute("data-done", "true", timeout=10_000)
    expect(page.locator("#job-error")).to_be_focused()


def test_the_progress_bars_track_is_outlined_so_its_end_shows(page, live_server):
    """WCAG 1.4.11: the empty part of the bar has an edge of at least 3:1 against the page."""
    from binnenwerk.models import JobStatus

    job_id = _open_a_running_job(page, live_server)
    border = page.locator("#job-progress").evaluate(
        "e => { const s = getComputedStyle(e); return [s.borderTopStyle, parseFloat(s.borderTopWidth), s.borderTopColor]; }")
    style, width, colour = border
    channels = [int(c) for c in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3]]

    def luminance(rgb):
        lin = [(c / 255 / 12.92) if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    assert style == "solid" and width >= 1
    assert (1.05) / (luminance(channels) + 0.05) >= 3  # against the white page
    _end_job(live_server, job_id, status=JobStatus.FAILED.value, error="klaar")
