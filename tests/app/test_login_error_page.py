"""A login that fails on a database error (the commit of its session record: a locked SQLite file,
a lost connection) shows the error page of someone not logged in: no name, no "Uitloggen", no
staff menu. Before, the error page showed the staff header as if the login had worked, and the
next click asked to log in (the session was never recorded).
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from binnenwerk.extensions import db
from binnenwerk.models import UserSession

from .test_security_login import post_login


def fail_the_login_commit(monkeypatch, reason: str) -> None:
    """The commit that records the new session fails, as a database that is locked or gone does."""
    commit = db.session.commit

    def failing_commit():
        if any(isinstance(obj, UserSession) for obj in db.session.new):
            raise OperationalError("INSERT INTO user_session ...", {}, Exception(reason))
        return commit()

    monkeypatch.setattr(db.session, "commit", failing_commit)


def staff_header_in(page: str, name: str) -> bool:
    return any(sign in page for sign in (name, "Uitloggen", 'class="main-nav"', 'class="logout"'))


@pytest.mark.parametrize("reason, status, title", [
    ("database is locked", 500, "Er ging iets mis"),
    ("connection refused", 503, "Database niet bereikbaar"),
])
def test_a_login_that_fails_on_the_database_shows_no_staff_header(client, make, monkeypatch, reason, status,
                                                                    title):
    planner = make.user(role="planner", name="Petra Planner")
    db.session.commit()
    fail_the_login_commit(monkeypatch, reason)

    response = post_login(client, planner.email)

    page = response.get_data(as_text=True)
    assert response.status_code == status and title in page
    assert not staff_header_in(page, "Petra Planner"), page
    monkeypatch.undo()
    assert db.session.scalar(select(func.count(UserSession.id))) == 0
    # Not logged in, as the page said: the next page asks to log in.
    after = client.get("/rooster/")
    assert after.status_code == 302 and "/auth/login" in after.headers["Location"]


def test_a_login_after_the_database_is_back_works(client, make, monkeypatch):
    planner = make.user(role="planner", name="Petra Planner")
    db.session.commit()
    fail_the_login_commit(monkeypatch, "database is locked")
    assert post_login(client, planner.email).status_code == 500
    monkeypatch.undo()

    response = post_login(client, planner.email)

    assert response.status_code == 302
    page = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert staff_header_in(page, "Petra Planner")
