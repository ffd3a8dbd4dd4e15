"""The last active admin stays, also when two admins switch each other off at the same moment
(deactivate, or take away the admin role): one of them is refused.

SQLite runs the race staged: the other admin's request runs to its end just before this one
writes its change (its count then sees nothing of the other's yet, as two requests at the same
moment would). PostgreSQL runs it for real, with a connection per request
(tests/app/test_admin_last_admin_pg.py)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, User
from tests.conftest import TEST_PASSWORD

from .edit_forms import seen_state

LAST = "laatste actieve beheerder"


@pytest.fixture
def admins(make, login):
    """Two active admins, Anna and Bea; the test client is Anna."""
    anna = make.user(role="admin", name="Anna Beheer", email="anna.beheer@binnenwerk.example")
    bea = make.user(role="admin", name="Bea Beheer", email="bea.beheer@binnenwerk.example")
    db.session.commit()
    login(anna)
    return anna, bea


def staged_first(app_with, switched_off):
    """A generator for a fixture: stage(other, post) makes `other` log in elsewhere and
    `post(client)` run to its end just before this request first flushes a user for whom
    `switched_off(user)` holds. Returns the list that gets that response. SQLite only."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("staged race for SQLite's whole-database write lock; PostgreSQL runs it for real")
    listeners = []

    def stage(other: User, post):
        twin = app_with().test_client()
        assert twin.post("/auth/login", data={"email": other.email, "password": TEST_PASSWORD}).status_code == 302
        here, answers = threading.get_ident(), []

        def before_flush(session, _context, _instances):
            if answers or threading.get_ident() != here:
                return
            if not any(isinstance(o, User) and switched_off(o) for o in session.dirty):
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


@pytest.fixture
def other_admin_first(app_with):
    """other_admin_first(other, post): just before this request writes the change of an admin (the
    first flush of a user who is no longer an active admin), `other` logs in elsewhere and
    `post(client)` runs to its end. Returns the list that gets that response."""
    yield from staged_first(app_with, lambda user: user.active is False or user.role != "admin")


def _active_admins() -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(User.name).where(User.role == "admin", User.active.is_(True))))


def _refused(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == action, AuditEvent.result == "refused", AuditEvent.detail == "last active admin"))


def test_two_admins_deactivating_each_other_at_once_leave_one_active(client, admins, other_admin_first):
    anna, bea = admins
    answers = other_admin_first(bea, lambda twin: twin.post(f"/beheer/gebruikers/{anna.id}/deactiveren"))
    response = client.post(f"/beheer/gebruikers/{bea.id}/deactiveren", follow_redirects=True)
    assert answers and answers[0].status_code == 302  # Bea's went through first
    assert LAST in response.get_data(as_text=True)
    assert _active_admins() == ["Bea Beheer"]
    assert _refused("user_deactivated") == 1


def test_two_admins_taking_each_others_admin_role_at_once_leave_one_admin(client, admins, other_admin_first):
    anna, bea = admins

    def demote(who: User):
        def post(browser):
            url = f"/beheer/gebruikers/{who.id}"
            return browser.post(url, data={"name": who.name, "email": who.email, "role": "planner",
                                           "ministry_id": "", "seen_state": seen_state(browser, url)})
        return post

    form = {"name": bea.name, "email": bea.email, "role": "planner", "ministry_id": "",
            "seen_state": seen_state(client, f"/beheer/gebruikers/{bea.id}")}
    answers = other_admin_first(bea, demote(anna))
    response = client.post(f"/beheer/gebruikers/{bea.id}", data=form)
    assert answers and answers[0].status_code == 302
    assert response.status_code == 422
    assert LAST in response.get_data(as_text=True)
    assert _active_admins() == ["Bea Beheer"]
    assert db.session.get(User, bea.id).role == "admin"
    assert _refused("user_changed") == 1


def test_an_admin_deactivated_while_another_stays_active_still_goes_through(client, admins, make):
    anna, bea = admins
    make.user(role="admin", name="Cor Beheer")
    db.session.commit()
    assert client.post(f"/beheer/gebruikers/{bea.id}/deactiveren").status_code == 302
    assert _active_admins() == ["Anna Beheer", "Cor Beheer"]
