"""A new user, ministry or location sent twice within a fraction of a second (a double click):
the second meets the first's row at the flush that gives the new row its id, before the
commit. That was a 500 (IntegrityError); it is now the same refusal as a later duplicate."""
from __future__ import annotations

from sqlalchemy import func, insert, select

from binnenwerk.extensions import db
from binnenwerk.models import Ministry, User
from binnenwerk.services import admin as ops


def _the_other_click_lands_first(monkeypatch, name: str, row):
    """After the form's own checks found no duplicate, the other request's row appears."""
    original = getattr(ops, name)

    def checked_then_beaten(*args, **kwargs):
        result = original(*args, **kwargs)
        db.session.execute(row)
        return result

    monkeypatch.setattr(ops, name, checked_then_beaten)


def test_a_new_user_sent_twice_at_once_is_refused_not_a_500(client, login, make, monkeypatch):
    login(make.user(role="admin"))
    _the_other_click_lands_first(monkeypatch, "_resolve_user_links", insert(User).values(
        email="piet.jansen@minbzk.nl", name="Piet Jansen", role="planner", password_hash="x", active=True))
    response = client.post("/beheer/gebruikers/nieuw", data={
        "email": "piet.jansen@minbzk.nl", "name": "Piet Jansen", "role": "planner", "ministry_id": "",
        "password": "Nieuw-wachtwoord-2026"})
    assert response.status_code == 422
    assert "Er is al een account met" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "piet.jansen@minbzk.nl")) == 0


def test_a_new_ministry_sent_twice_at_once_is_refused_not_a_500(client, login, make, monkeypatch):
    login(make.user(role="admin"))
    monkeypatch.setattr(db.session, "add", _adding_after(db.session.add, insert(Ministry).values(
        code="BZK", name="Ministerie van BZK (ander)", archived=False)))
    response = client.post("/beheer/ministeries/nieuw", data={"code": "BZK", "name": "Ministerie van BZK"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Ministry.id)).where(Ministry.code == "BZK")) == 0


def _adding_after(add, row):
    def add_after_the_other(obj, *args, **kwargs):
        if isinstance(obj, Ministry):
            db.session.execute(row)
        return add(obj, *args, **kwargs)
    return add_after_the_other
