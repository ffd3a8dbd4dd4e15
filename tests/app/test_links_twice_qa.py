""""Links maken" clicked twice at once: one working link a person, and the second click says the
links were made already (it used to revoke the links the first had just made, or leave two)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from binnenwerk.calendar import routes as calendar_routes
from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, CalendarToken, FeedKind
from binnenwerk.services import tokens
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def world(make):
    team = make.team(name="Team Links")
    people = [make.employee(team, first_name=name) for name in ("Anna", "Bram", "Cees")]
    leader = make.user("team_leader", teams=[team])
    db.session.commit()
    return type("World", (), dict(team=team, people=people, leader=leader))


def links(world) -> list[CalendarToken]:
    db.session.expire_all()
    return list(db.session.scalars(select(CalendarToken).where(
        CalendarToken.employee_id.in_([e.id for e in world.people])).order_by(CalendarToken.id)))


def twin_makes_them_first(monkeypatch, app, world) -> dict:
    """The other click's request runs, start to end, while this one has read who has no link yet."""
    real, said = calendar_routes._team_links, {}
    twin = app.test_client()
    assert twin.post("/auth/login", data={"email": world.leader.email, "password": TEST_PASSWORD}).status_code == 302

    def post_twin():
        said["twin"] = twin.post(f"/kalender/team/{world.team.id}/links-maken",
                                 follow_redirects=True).get_data(as_text=True)

    def team_links(team_id):
        found = real(team_id)
        if not said:
            said["looked"] = True
            thread = threading.Thread(target=post_twin)
            thread.start()
            thread.join()
        return found

    monkeypatch.setattr(calendar_routes, "_team_links", team_links)
    return said


def test_links_made_twice_at_once_give_each_person_one_working_link(app, client, login, world, monkeypatch):
    said = twin_makes_them_first(monkeypatch, app, world)
    login(world.leader)

    page = client.post(f"/kalender/team/{world.team.id}/links-maken", follow_redirects=True).get_data(as_text=True)

    assert "3 links gemaakt." in said["twin"]
    assert "De links zijn al gemaakt. Er is niets veranderd." in page
    rows = links(world)
    assert len(rows) == 3 and all(row.revoked_at is None for row in rows)  # none revoked at once
    assert sorted(row.employee_id for row in rows) == sorted(e.id for e in world.people)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.in_(("calendar_token.issue", "calendar_token.revoke")))) == 3


def test_a_link_made_between_the_look_and_the_insert_is_kept_and_none_added(world, monkeypatch):
    """SQLite lets the other click's commit in until this transaction's first write: the look
    after the insert finds it, and this insert is taken back."""
    anna = world.people[0]
    first = tokens.issue(FeedKind.EMPLOYEE, anna)
    db.session.commit()
    monkeypatch.setattr(tokens, "active_for", lambda kind, subject: None)  # the look came just before

    assert tokens.issue_first(FeedKind.EMPLOYEE, anna) is None
    db.session.commit()

    rows = [row for row in links(world) if row.employee_id == anna.id]
    assert len(rows) == 1 and rows[0].revoked_at is None and tokens.link_for(rows[0]) == first


def test_a_new_link_stops_every_other_even_one_made_at_the_same_moment(world, monkeypatch):
    """issue() (renewing) looks for the links to stop after its insert: one committed just before
    it stops working too, so at most one link of a person works."""
    anna = world.people[0]
    real_add = tokens._add

    def add_after_another(kind, subject):
        # The other click's link, committed just before this insert (after any look before it).
        other = CalendarToken(kind=kind, nonce="0" * 64, token_hash=tokens.hash_token(tokens.derive("0" * 64)),
                              employee_id=subject.id)
        db.session.add(other)
        db.session.flush()
        return real_add(kind, subject)

    monkeypatch.setattr(tokens, "_add", add_after_another)
    token = tokens.issue(FeedKind.EMPLOYEE, anna)
    db.session.commit()

    working = [row for row in links(world) if row.revoked_at is None]
    assert [tokens.link_for(row) for row in working] == [token]
