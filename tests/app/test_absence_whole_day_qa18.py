"""QA round 18: with "Hele dag" ticked the part-of-day times do not count. A time typed before ticking
it ("abc", in boxes the page then hides) gave "Schrijf de tijd zo: 9:30 of 14:00." on a hidden box and
a whole-day absence could not be saved, on the new form and on the edit form. Now such times are
ignored (no error, no stored times); with "Hele dag" off they are still refused.

The forms are posted as a browser sends them: opened first, with their CSRF token, their values as
shown, and the changes a user makes."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Absence

from ..conftest import TEST_PASSWORD
from .edit_forms import _FormValues

TODAY = dt.date.today()
BAD_TIME = "Schrijf de tijd zo: 9:30 of 14:00."
TEAMS_JS = Path(__file__).resolve().parents[2] / "binnenwerk" / "static" / "js" / "teams.js"


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _input(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)


class Browser:
    """A client of an app that checks CSRF tokens, logged in through the login form."""

    def __init__(self, client, user):
        self.client = client
        db.session.commit()
        page = client.get("/auth/login").get_data(as_text=True)
        response = client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD,
                                                    "csrf_token": _token(page)})
        assert response.status_code in (302, 303)

    def send(self, url: str, **changes):
        """Open the form at `url`, change what a user changes (None: a box unticked) and send it."""
        db.session.commit()  # what the test made, for the other app's requests
        response = self.client.get(url)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        parser = _FormValues()
        parser.feed(html)
        data = {name: values if len(values) > 1 else values[0] for name, values in parser.values.items()}
        data.update(changes)
        data = {name: value for name, value in data.items() if value is not None}
        data["csrf_token"] = _token(html)
        return self.client.post(url, data=data)


@pytest.fixture
def team(make):
    return make.team(name="Team A")


@pytest.fixture
def employee(make, team):
    return make.employee(team=team, first_name="Mo", last_name="Peters", contract_start=dt.date(2020, 1, 1))


@pytest.fixture
def browser(app_with, make, team):
    return Browser(app_with(WTF_CSRF_ENABLED=True).test_client(), make.user(role="team_leader", teams=[team]))


def _absences() -> list[Absence]:
    db.session.expire_all()
    return db.session.scalars(select(Absence)).all()


def _new(browser, employee, **changes):
    data = {"person": f"medewerker-{employee.id}", "kind": "verlof", "start_date": TODAY.isoformat(),
            "end_date": (TODAY + dt.timedelta(days=1)).isoformat(), **changes}
    return browser.send("/teams/afwezigheid/nieuw", **data)


# --- "Hele dag" ticked: the times are ignored -----------------------------------------------------


def test_a_whole_day_absence_with_a_garbage_start_time_is_saved_on_the_new_form(browser, employee):
    # Unticked, "abc" typed, ticked again: the hidden box still holds "abc" and is sent with the form.
    response = _new(browser, employee, whole_day="y", start_time="abc", end_time="")
    assert response.status_code == 302, response.get_data(as_text=True)
    (absence,) = _absences()
    assert (absence.employee_id, absence.kind, absence.whole_day) == (employee.id, "verlof", True)
    assert (absence.start_minute, absence.end_minute) == (None, None)


def test_whole_day_ignores_both_times_even_when_they_would_be_valid_or_wrong(browser, employee):
    response = _new(browser, employee, whole_day="y", start_time="25:99", end_time="xyz")
    assert response.status_code == 302
    (absence,) = _absences()
    assert absence.whole_day and (absence.start_minute, absence.end_minute) == (None, None)


def test_a_part_day_absence_changed_to_a_whole_day_with_a_garbage_time_is_saved_on_the_edit_form(
        browser, make, employee):
    absence = make.absence(employee=employee, start=TODAY, kind="afspraak", times=("09:00", "11:00"))
    absence_id = absence.id
    url = f"/teams/afwezigheid/{absence_id}"
    db.session.commit()
    shown = browser.client.get(url).get_data(as_text=True)
    assert 'value="09:00"' in _input(shown, "start_time") and "checked" not in _input(shown, "whole_day")
    # The user ticks "Hele dag" after typing "abc" over the start time.
    response = browser.send(url, whole_day="y", start_time="abc")
    assert response.status_code == 302, response.get_data(as_text=True)
    (stored,) = _absences()
    assert stored.id == absence_id and stored.whole_day
    assert (stored.start_minute, stored.end_minute) == (None, None)


def test_a_whole_day_absence_edited_with_garbage_times_stays_a_whole_day(browser, make, employee):
    absence = make.absence(employee=employee, start=TODAY, end=TODAY + dt.timedelta(days=2))
    url = f"/teams/afwezigheid/{absence.id}"
    response = browser.send(url, kind="ziek", start_time="abc", end_time="12")
    assert response.status_code == 302, response.get_data(as_text=True)
    (stored,) = _absences()
    assert stored.kind == "ziek" and stored.whole_day and (stored.start_minute, stored.end_minute) == (None, None)


def test_another_error_on_a_whole_day_form_says_nothing_of_the_hidden_times(browser, employee):
    response = _new(browser, employee, whole_day="y", start_time="abc",
                    end_date=(TODAY - dt.timedelta(days=1)).isoformat())
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "De einddatum mag niet voor de begindatum liggen." in html
    assert BAD_TIME not in html
    assert "aria-invalid" not in _input(html, "start_time") and 'href="#start_time"' not in html
    assert _absences() == []


# --- "Hele dag" off: the times are still checked -----------------------------------------------------


def test_a_part_day_absence_with_a_garbage_time_is_still_refused_on_the_new_form(browser, employee):
    response = _new(browser, employee, whole_day=None, start_time="abc", end_time="12:00")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert BAD_TIME in html and 'aria-invalid="true"' in _input(html, "start_time")
    assert _absences() == []


def test_a_part_day_absence_with_a_garbage_time_is_still_refused_on_the_edit_form(browser, make, employee):
    absence = make.absence(employee=employee, start=TODAY, kind="afspraak", times=("09:00", "11:00"))
    response = browser.send(f"/teams/afwezigheid/{absence.id}", end_time="abc")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert BAD_TIME in html and 'aria-invalid="true"' in _input(html, "end_time")
    (stored,) = _absences()
    assert (stored.start_minute, stored.end_minute) == (540, 660)


# --- teams.js: a refused time is never hidden --------------------------------------------------------


NODE_PAGE = """
const listeners = {};
const wholeDay = {checked: %(checked)s, addEventListener: (kind, fn) => { listeners[kind] = fn; }};
const part = {hidden: false, querySelector: (sel) => (%(invalid)s && sel.includes("aria-invalid")) ? {} : null};
global.document = {
  getElementById: (id) => id === "whole_day" ? wholeDay : null,
  querySelector: (sel) => sel === "[data-part-of-day]" ? part : null,
};
require(%(script)s);
const seen = [part.hidden];
wholeDay.checked = !wholeDay.checked; listeners.change();
seen.push(part.hidden);
wholeDay.checked = !wholeDay.checked; listeners.change();
seen.push(part.hidden);
console.log(JSON.stringify(seen));
"""


@pytest.mark.parametrize("checked,invalid,expected", [
    (True, False, [True, False, True]),    # whole day: hidden; unticked: shown; ticked again: hidden
    (False, False, [False, True, False]),
    (True, True, [False, False, True]),    # an error inside: shown on load, the box decides after a change
    (False, True, [False, True, False]),
])
def test_the_part_of_day_block_stays_in_sight_while_it_holds_a_refused_time(checked, invalid, expected):
    from tests.conftest import need_service

    need_service("Node.js", shutil.which("node") is not None, "install nodejs")  # fails in CI, as a browser would
    script = NODE_PAGE % {"checked": json.dumps(checked), "invalid": json.dumps(invalid),
                          "script": json.dumps(str(TEAMS_JS))}
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=30, check=True)
    assert json.loads(result.stdout) == expected
