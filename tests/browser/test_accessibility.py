"""axe-core on every page each role can reach from its menu: zero WCAG 2.1 A/AA violations."""
from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ROLES = {
    "admin": "admin@binnenwerk.example",
    "planner": "planner@binnenwerk.example",
    "team_leader": "teamleider@binnenwerk.example",
    "ministry_contact": "contact@bzk.example",
}
MAX_PAGES_PER_ROLE = 40


def axe_violations(page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    found = []
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
        found.append(f"{violation['id']}: {violation['help']} at {targets}")
    return found


def page_shape(href: str) -> str:
    """Pages that differ only in ids or dates are one page for this scan."""
    return re.sub(r"\d+", "N", href)


def pages_of(page, live_server) -> list[str]:
    """One page of each kind a person reaches from the menu and one level of links below it."""
    seen: list[str] = []
    shapes: set[str] = set()
    queue = [a.get_attribute("href") for a in page.locator("nav.main-nav a").all()]
    menu_count = len(queue)
    while queue and len(seen) < MAX_PAGES_PER_ROLE:
        href = queue.pop(0)
        if not href or not href.startswith("/") or re.search(r"\.(ics|csv|xlsx|json|pdf|png|svg)(\?|$)", href):
            continue
        if page_shape(href) in shapes:
            continue
        shapes.add(page_shape(href))
        seen.append(href)
        if len(seen) <= menu_count:  # follow links one level down from the menu pages only
            page.goto(live_server.url + href)
            queue.extend(link.get_attribute("href") for link in page.locator("main a[href^='/']").all()[:40])
    return seen


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_page_of_a_role_has_no_wcag_violations(page, live_server, role):
    log_in(page, live_server, ROLES[role])
    problems = {}
    for href in pages_of(page, live_server):
        response = page.goto(live_server.url + href)
        assert response.status < 500, f"{href} answered {response.status}"
        found = axe_violations(page)
        if found:
            problems[href] = found
        screenshot(page, f"{role}{re.sub(r'[^a-z0-9]+', '-', href.lower())}")
    assert problems == {}


def test_public_pages_have_no_wcag_violations(page, live_server):
    for href in ("/auth/login", "/toegankelijkheid"):
        page.goto(live_server.url + href)
        assert axe_violations(page) == [], href
        screenshot(page, f"public{href.replace('/', '-')}")


def test_keyboard_user_can_skip_to_content(page, live_server):
    page.goto(live_server.url + "/auth/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"
