"""On PostgreSQL, two admins switching off the last two active planners at the same instant
(deactivate, or another role, or one of each): real concurrent requests, each with a connection of
its own. The active planners' rows, locked in id order, serialise them: one goes through, the
other is refused as the last active planner, no deadlock and no error page.

SQLite runs these races staged instead (tests/app/test_admin_qa17_last_planner_race.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import User

from .edit_forms import seen_state
from .test_admin_last_admin_pg import ROUNDS, _at_once, _browser


@pytest.fixture(autouse=True)
def on_postgresql_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's row locks: the SQLite run stages these races instead")


def _deactivate(browser, user: User):
    url = f"/beheer/gebruikers/{user.id}/deactiveren"
    return lambda: browser.post(url, follow_redirects=True)


def _other_role(browser, user: User):
    url = f"/beheer/gebruikers/{user.id}"
    form = {"name": user.name, "email": user.email, "role": "admin", "ministry_id": "",
            "seen_state": seen_state(browser, url)}
    return lambda: browser.post(url, data=form)


def _active_planners() -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(User.id).where(User.role == "planner", User.active.is_(True))).all())


@pytest.mark.parametrize("how", ["deactivate", "other_role", "one_of_each"])
def test_the_last_two_planners_switched_off_at_once_leave_one(app_with, make, how):
    anna = make.user(role="admin", name="Anna Beheer", email="anna.beheer@binnenwerk.example")
    bea = make.user(role="admin", name="Bea Beheer", email="bea.beheer@binnenwerk.example")
    paula = make.user(role="planner", name="Paula Planner")
    pieter = make.user(role="planner", name="Pieter Planner")
    db.session.commit()
    for _round in range(ROUNDS):
        db.session.expire_all()
        for user in (paula, pieter):
            user.role, user.active = "planner", True
        db.session.commit()
        by_anna, by_bea = _browser(app_with, anna), _browser(app_with, bea)
        first = _deactivate(by_anna, paula) if how != "other_role" else _other_role(by_anna, paula)
        second = _other_role(by_bea, pieter) if how != "deactivate" else _deactivate(by_bea, pieter)
        answers = _at_once([first, second])
        codes = [answer.status_code for answer in answers]
        assert all(code in (200, 302, 422) for code in codes), codes
        assert _active_planners() == 1
        refused = [a for a in answers if "laatste actieve planner" in a.get_data(as_text=True)]
        assert len(refused) == 1, codes
