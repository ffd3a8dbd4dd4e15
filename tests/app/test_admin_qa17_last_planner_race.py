"""The last active planner stays also when two admins switch off the last two planners at the same
moment: one of them is refused. SQLite runs the race staged, as tests/app/
test_admin_last_admin_race.py does for admins (the other request runs to its end just before this
one writes its change); PostgreSQL runs it for real (test_admin_qa17_last_planner_pg.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, User

from .edit_forms import seen_state
from .test_admin_last_admin_race import staged_first

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
    """As test_admin_last_admin_race's, for the change of one of the planners."""
    yield from staged_first(app_with, lambda user: user.name.endswith("Planner")
                            and (user.active is False or user.role != "planner"))


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
