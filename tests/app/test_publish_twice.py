"""The same publish sent twice at once (a double click): the second says it went through."""
from __future__ import annotations

import datetime as dt
import threading

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, PublishedShift, Roster
from binnenwerk.services import rosters
from tests.conftest import TEST_PASSWORD

DAY = dt.date(2026, 12, 9)


@pytest.fixture
def draft(make):
    team = make.team(name="Team A")
    make.team(name="Team B")  # with one team the planner's roster page shows that team alone
    employee = make.employee(team=team)
    request = make.request(start_date=DAY - dt.timedelta(days=2), weekdays="12345")
    roster = Roster(week="2026-W50", team=team)
    db.session.add(roster)
    db.session.flush()
    db.session.add(Assignment(roster_id=roster.id, employee_id=employee.id, date=DAY, request_id=request.id))
    planner = make.user("planner")
    db.session.commit()
    return roster, planner


def twin_publishes_first(monkeypatch, app, planner, post_twin):
    """While this request is about to write, the other click's request publishes and commits."""
    real, calls = rosters._publish, []
    twin = app.test_client()
    assert twin.post("/auth/login", data={"email": planner.email, "password": TEST_PASSWORD}).status_code == 302

    def publish(*args, **kwargs):
        if not calls:
            calls.append(1)
            thread = threading.Thread(target=post_twin, args=(twin,))
            thread.start()
            thread.join()
        return real(*args, **kwargs)

    monkeypatch.setattr(rosters, "_publish", publish)


def test_one_team_published_twice_at_once(app, client, login, draft, monkeypatch):
    roster, planner = draft
    form = {"week": roster.week, "team": roster.team_id, "lock_version": roster.lock_version}
    twin_publishes_first(monkeypatch, app, planner, lambda twin: twin.post("/rooster/publiceren", data=form))
    login(planner)
    page = client.post("/rooster/publiceren", data=form, follow_redirects=True).get_data(as_text=True)
    assert "Dit rooster is al gepubliceerd. Medewerkers zien het." in page
    assert "Iemand anders" not in page and "Internal Server Error" not in page
    db.session.expire_all()
    assert db.session.get(Roster, roster.id).version == 1
    assert len(db.session.query(PublishedShift).all()) == 1


def test_all_teams_published_twice_at_once(app, client, login, draft, monkeypatch):
    roster, planner = draft
    form = {"week": roster.week, "locks": f"{roster.id}:{roster.lock_version}"}
    twin_publishes_first(monkeypatch, app, planner, lambda twin: twin.post("/rooster/publiceren-alle", data=form))
    login(planner)
    page = client.post("/rooster/publiceren-alle", data=form, follow_redirects=True).get_data(as_text=True)
    assert "Er was niets te publiceren: medewerkers zien alle roosters van deze week al." in page
    assert "Iemand anders" not in page
    db.session.expire_all()
    assert db.session.get(Roster, roster.id).version == 1
