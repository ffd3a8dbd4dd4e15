"""axe-core on the security and privacy pages that are not in a menu, with and without form errors."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import log_in, screenshot
from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.browser


def check(page, name: str) -> list[str]:
    found = axe_violations(page)
    screenshot(page, f"security-{name}")
    return [f"{name}: {v}" for v in found]


def test_account_mfa_password_and_privacy_pages_have_no_wcag_violations(page, live_server):
    problems = []
    log_in(page, live_server, "planner@binnenwerk.example")
    for path in ("/auth/account", "/auth/tweestaps/instellen", "/auth/wachtwoord", "/privacy/"):
        page.goto(live_server.url + path)
        problems += check(page, re.sub(r"[^a-z]+", "-", path))
    # Form errors are announced and tied to their fields.
    page.goto(live_server.url + "/auth/wachtwoord")
    page.get_by_role("button", name="Wachtwoord wijzigen").click()
    assert page.locator(".error-summary").is_visible()
    problems += check(page, "password-errors")
    page.goto(live_server.url + "/auth/tweestaps/instellen")
    page.get_by_label("Code uit je app (6 cijfers)").fill("12")
    page.get_by_role("button", name="Controleren").click()
    problems += check(page, "mfa-errors")
    page.goto(live_server.url + "/privacy/?q=a")
    first = page.locator("main ul a[href^='/privacy/medewerkers/']").first
    first.click()
    problems += check(page, "privacy-employee")
    assert problems == [], "\n".join(problems)


def test_audit_and_password_reset_pages_have_no_wcag_violations(page, live_server):
    problems = []
    log_in(page, live_server, "admin@binnenwerk.example")
    page.goto(live_server.url + "/beheer/audit")
    problems += check(page, "audit")
    page.goto(live_server.url + "/beheer/audit?date_from=2026-03-01&date_to=2026-02-01")
    problems += check(page, "audit-errors")
    page.goto(live_server.url + "/beheer/gebruikers")
    hrefs = [a.get_attribute("href") or "" for a in page.locator("main a[href*='/beheer/gebruikers/']").all()]
    user_id = next(m.group(1) for m in (re.search(r"/beheer/gebruikers/(\d+)", h) for h in hrefs) if m)
    page.goto(f"{live_server.url}/auth/gebruikers/{user_id}/wachtwoord")
    problems += check(page, "reset-password")
    assert problems == [], "\n".join(problems)
