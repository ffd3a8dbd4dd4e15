"""The employees search and the absence form opened for one person, by keyboard, with axe-core."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Employee, Supervisor
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_accessibility import axe_violations, table_problems

pytestmark = pytest.mark.browser


def _someone(live_server):
    with live_server.app.app_context():
        employee = db.session.scalars(select(Employee).where(Employee.archived.is_(False))
                                      .order_by(Employee.id).offset(7)).first()
        leader = db.session.scalars(select(Supervisor).where(Supervisor.team_id.is_not(None), Supervisor.archived.is_(False))
                                    .order_by(Supervisor.id)).first()
        found = (employee.id, employee.first_name, employee.last_name, leader.id, leader.name)
        db.session.remove()
    return found


def test_the_planner_finds_someone_and_reports_them_absent_by_keyboard(page, live_server):
    employee_id, first, last, leader_id, leader_name = _someone(live_server)
    log_in(page, live_server, "planner@binnenwerk.example")
    page.goto(live_server.url + "/teams/medewerkers")
    search = page.get_by_label("Zoek op naam")
    search.focus()
    page.keyboard.type(last)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"naam="))
    row = page.locator(f'main table a[href="/teams/medewerkers/{employee_id}"]')
    expect(row).to_have_text(f"{last}, {first}")
    assert axe_violations(page) + table_problems(page) == []
    screenshot(page, "planner-employees-search")

    row.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/teams/medewerkers/{employee_id}$"))
    page.get_by_role("link", name="Afwezigheid melden").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/teams/afwezigheid/nieuw\?medewerker={employee_id}$"))
    expect(page.locator("main")).to_contain_text(f"Wie: {first} {last}")
    assert page.locator("main select[name=person]").count() == 0
    expect(page.get_by_label("Soort")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "planner-absence-for-one-person")

    page.goto(f"{live_server.url}/teams/teamleiders/{leader_id}")
    page.get_by_role("link", name="Afwezigheid melden").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/teams/afwezigheid/nieuw\?teamleider={leader_id}$"))
    expect(page.locator("main")).to_contain_text(f"Wie: {leader_name}")
    page.get_by_role("link", name="Iemand anders kiezen").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/teams/afwezigheid/nieuw$"))
    expect(page.get_by_label("Wie", exact=True)).to_be_visible()
    assert page.locator("main select[name=person] optgroup").count() >= 2
    assert axe_violations(page) == []
    screenshot(page, "planner-absence-grouped")
