"""A live server on 127.0.0.1 with the demo data, and Playwright driving Debian's Chromium."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from binnenwerk import create_app
from binnenwerk.extensions import db
from tests.conftest import compile_english_catalog, need_service

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Flags the machine needs: no background traffic to the outside, no sandbox as root.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    from flask_migrate import upgrade

    from binnenwerk import demo

    compile_english_catalog()  # the scan also visits pages in English
    path = tmp_path_factory.mktemp("live") / "live.sqlite"
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        "SECRET_KEY": "browser-tests",
        "RATELIMIT_ENABLED": False,
        "MFA_REQUIRED_ROLES": (),
    })
    with app.app_context():
        upgrade()
        demo.seed("small", today=dt.date.today())
        _plan_demo_weeks(app)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.app = app
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()


def _plan_demo_weeks(app) -> None:
    """Give the live demo a roster when the planning service offers it (it seeds rosters)."""
    try:
        from binnenwerk import planning
    except ImportError:
        return
    seed_rosters = getattr(planning, "seed_demo_rosters", None)
    if seed_rosters is not None:
        seed_rosters(time_limit=5.0)


@pytest.fixture(scope="session")
def browser():
    need_service("Chromium", shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists(),
                 "install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path | None:
    """A full-page picture in test-artifacts/screenshots for a person to look at, when SCREENSHOTS=1:
    they cost a quarter of the accessibility scans' time and no test reads them."""
    if os.environ.get("SCREENSHOTS") != "1":
        return None
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


def log_in(page, live_server, email: str, password: str = "demo-binnenwerk") -> None:
    page.goto(f"{live_server.url}/auth/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
