"""The last active planner stays also when two admins switch off the last two planners at the same
moment: one of them is refused. SQLite runs the race staged, as tests/app/
test_admin_last_admin_race.py does for admins (the other request runs to its end just before this
one writes its change); PostgreSQL runs it for real (test_admin_qa17_last_planner_pg.py)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, User
from tests.conftest import TEST_PASSWORD

from .edit_forms import seen_state

LAST = "laatste actieve planner"


@pytest.fixture
def people(make, login):
    """Two admins (the test client is Anna) and two active planners."""
    anna = make.user(role="admin", name="Anna Beheer", email="anna.beheer@binnenwerk.example")
    bea = make.user(role="admin", name="Bea Beheer", email="bea.beheer@binnenwerk.example")
    paula = make.user(role="planner", name="Paula Planner")
    pieter = make.user(role="planner", name="Pieter Planner")
    db.session.commit()
    login(anna)
    return bea, paula, pieter


@pytest.fixture
def other_admin_first(app_with):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("staged race for SQLite's whole-database write lock; PostgreSQL runs it for real")
    listeners = []

    def stage(other: User, post):
        twin = app_with().test_client()
        assert twin.post("/auth/login", data={"email": other.email, "password": TEST_PASSWORD}).status_code == 302
        here, answers = threading.get_ident(), []

        def before_flush(session, _context, _instances):
            switched_off = any(isinstance(o, User) and o.name.endswith("Planner")
                               and (o.active is False or o.role != "planner") for o in session.dirty)
            if answers or threading.get_ident() != here or not switched_off:
                return
            thread = threading.Thread(target=lambda: answers.append(post(twin)))
            thread.start()
            thread.join(30)
            assert not thread.is_alive(), "the other admin's request hung"

        event.listen(Session, "before_flush", before_flush)
        listeners.append(before_flush)
        return answers

    yield stage
    for listener in listeners:
        event.remove(Session, "before_flush", listener)


def _active_planners() -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(User.name).where(User.role == "planner", User.active.is_(True))))


def _refused(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == action, AuditEvent.result == "refused", AuditEvent.detail == "last active planner"))


def test_two_planners_deactivated_at_once_leave_one_active(client, people, other_admin_first):
    bea, paula, pieter = people
    other = f"/beheer/gebruikers/{pieter.id}/deactiveren"  # read here: the thread has no app context
    answers = other_admin_first(bea, lambda twin: twin.post(other))

    response = client.post(f"/beheer/gebruikers/{paula.id}/deactiveren", follow_redirects=True)

    assert answers and answers[0].status_code == 302  # Bea's went through first
    assert LAST in response.get_data(as_text=True)
    assert _active_planners() == ["Paula Planner"]
    assert _refused("user_deactivated") == 1


def test_a_planner_deactivated_while_another_changes_role_leave_one_planner(client, people, other_admin_first):
    bea, paula, pieter = people
    url, name, email = f"/beheer/gebruikers/{pieter.id}", pieter.name, pieter.email  # the thread has no app context

    def demote(browser):
        return browser.post(url, data={"name": name, "email": email, "role": "admin",
                                       "ministry_id": "", "seen_state": seen_state(browser, url)})

    answers = other_admin_first(bea, demote)
    response = client.post(f"/beheer/gebruikers/{paula.id}/deactiveren", follow_redirects=True)

    assert answers and answers[0].status_code == 302
    assert LAST in response.get_data(as_text=True)
    assert _active_planners() == ["Paula Planner"]
