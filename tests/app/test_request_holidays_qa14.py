"""A request over public holidays says which of its days those are: on them no team comes (a QA finding:
the ministry only read "Uw aanvraag is verstuurd")."""
from __future__ import annotations

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale, ngettext
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import DeploymentRequest
from binnenwerk.services import feeds

from .edit_forms import post_request_edit
from .test_requests_workflow import request_form, world  # noqa: F401 (fixture)

EASTER = ("Op deze feestdagen komt er geen team: vrijdag 26 maart (Goede Vrijdag), zondag 28 maart (Eerste paasdag) "
          "en maandag 29 maart (Tweede paasdag).")


@pytest.fixture
def on_1_march_2027(monkeypatch):
    """The app's clock at 1 March 2027; the fixture's value moves it to another day."""
    def move(day: dt.date) -> None:
        at = dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
        monkeypatch.setattr(feeds, "local_now", lambda: at)

    move(dt.date(2027, 3, 1))
    return move


def text(response) -> str:
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def file(client, world, start: str, end: str, weekdays: list[str]) -> tuple[str, DeploymentRequest]:
    form = request_form(world.location, world.work_type, start_date=start, end_date=end, weekdays=weekdays)
    page = text(client.post("/aanvragen/nieuw", data=form, follow_redirects=True))
    return page, db.session.scalars(select(DeploymentRequest).order_by(DeploymentRequest.id.desc())).first()


def test_filing_a_request_over_easter_names_the_holidays_it_has_no_team_on(client, login, world, on_1_march_2027):
    login(world.contact)
    page, req = file(client, world, "2027-03-22", "2027-04-04", ["1", "2", "3", "4", "5", "6", "7"])
    assert "Uw aanvraag is verstuurd." in page
    assert page.count(EASTER) == 1  # in the message after filing, not twice on the page it leads to
    # The request's page says it each time it is opened, to the ministry and to the planner.
    assert EASTER in text(client.get(f"/aanvragen/{req.id}"))
    client.post("/auth/logout")
    login(world.planner)
    assert EASTER in text(client.get(f"/aanvragen/{req.id}"))


def test_only_the_holidays_on_the_asked_weekdays_are_named(client, login, world, on_1_march_2027):
    login(world.contact)
    page, _ = file(client, world, "2027-03-22", "2027-04-04", ["1", "2", "3", "4"])
    assert "Op deze feestdag komt er geen team: maandag 29 maart (Tweede paasdag)." in page
    assert "Goede Vrijdag" not in page and "paasdag)" not in page.replace("(Tweede paasdag)", "")
    # Without a holiday on its days the request says nothing of them.
    page, req = file(client, world, "2027-03-01", "2027-03-12", ["1", "2", "3", "4", "5"])
    assert "Uw aanvraag is verstuurd." in page and "komt er geen team:" not in page
    assert "komt er geen team:" not in text(client.get(f"/aanvragen/{req.id}"))


def test_changing_a_request_names_its_holidays_including_the_fifth_of_may(client, login, world, on_1_march_2027):
    login(world.contact)
    _, req = file(client, world, "2027-03-01", "2027-03-12", ["1", "2", "3", "4", "5"])
    page = text(post_request_edit(client, f"/aanvragen/{req.id}/wijzigen", request_form(
        world.location, world.work_type, start_date="2027-05-03", end_date="2027-05-07",
        weekdays=["1", "2", "3", "4", "5"]), follow_redirects=True))
    assert "Uw wijziging is opgeslagen." in page
    assert page.count("Op deze feestdagen komt er geen team: woensdag 5 mei (Bevrijdingsdag) en donderdag 6 mei "
                      "(Hemelvaartsdag).") == 1


def test_only_the_holidays_still_to_come_are_named(client, login, world, on_1_march_2027):
    login(world.contact)
    _, req = file(client, world, "2027-03-22", "2027-04-04", ["1", "2", "3", "4", "5", "6", "7"])
    on_1_march_2027(dt.date(2027, 3, 27))
    page = text(client.get(f"/aanvragen/{req.id}"))
    assert "Op deze feestdagen komt er geen team: zondag 28 maart (Eerste paasdag) en maandag 29 maart " \
           "(Tweede paasdag)." in page
    on_1_march_2027(dt.date(2027, 3, 30))
    assert "komt er geen team:" not in text(client.get(f"/aanvragen/{req.id}"))


def test_a_cancelled_request_names_no_holidays(client, login, world, make, on_1_march_2027):
    req = make.request(world.location, world.work_type, start_date=dt.date(2027, 3, 22), end_date=dt.date(2027, 4, 4),
                       status="geannuleerd")
    login(world.contact)
    assert "komt er geen team:" not in text(client.get(f"/aanvragen/{req.id}"))


def test_the_form_says_no_team_comes_on_holidays(client, login, world, on_1_march_2027):
    login(world.contact)
    page = client.get("/aanvragen/nieuw").get_data(as_text=True)
    assert re.search(r'<fieldset id="weekdays" aria-describedby="weekdays-hint"[ >]', page)
    assert '<p class="hint" id="weekdays-hint">Op feestdagen en op 5 mei komt er geen team.</p>' in page


def test_an_english_reader_gets_the_holidays_in_english(app, client, login, world, make, on_1_march_2027):
    from flask_babel import refresh

    from tests.conftest import compile_english_catalog

    compile_english_catalog()
    refresh()
    english = make.user(role="ministry_contact", ministry=world.ministry, locale="en")
    req = make.request(world.location, world.work_type, start_date=dt.date(2027, 3, 22), end_date=dt.date(2027, 4, 4),
                       weekdays="5", status="ingediend")
    login(english)
    page = text(client.get(f"/aanvragen/{req.id}"))
    with app.test_request_context(), force_locale("en"):
        wanted = ngettext("Op deze feestdag komt er geen team: %(days)s.",
                          "Op deze feestdagen komt er geen team: %(days)s.", 1, days="Friday 26 March (Good Friday)")
    assert wanted in page
    assert "vrijdag" not in page.lower().replace("goede vrijdag", "")
