"""On PostgreSQL, the same new-employee form sent several times at the same instant, and more
adds than a team has room for: real concurrent requests (no staging), each with a connection of
its own. The team row's lock (ensure_room_in_team) and the form's key serialise them: one
employee per form, never more than the team's maximum, no error page.

SQLite runs these races staged instead (tests/app/test_teams_wave2_qa.py), since its write lock
is the whole database's; the staging cannot run here, where the first request already holds the
row lock the others wait for.
"""
from __future__ import annotations

import threading

import pytest

from binnenwerk.extensions import db
from tests.conftest import TEST_PASSWORD

from .test_teams_employees import employee_form
from .test_teams_wave2_qa import KEY, employees_in, office  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def on_postgresql_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's row locks: the SQLite run stages these races instead")


def at_once(app_with, user, forms: list[dict]) -> list[int]:
    """Post each form from a browser of its own, all released at the same instant."""
    clients = []
    for _form in forms:
        client = app_with().test_client()
        assert client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
        clients.append(client)
    start, codes = threading.Barrier(len(forms)), [None] * len(forms)

    def send(i: int) -> None:
        start.wait()
        codes[i] = clients[i].post("/teams/medewerkers/nieuw", data=forms[i]).status_code

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return codes


def test_the_same_form_sent_three_times_at_once_makes_one_employee(app_with, office):  # noqa: F811
    form = employee_form(office.team, [office.keyboard], submission=KEY)
    codes = at_once(app_with, office.planner, [form] * 3)
    assert sorted(codes) == [302, 302, 302]  # one made it, the others say it went through
    assert employees_in(office.team) == 1


def test_five_adds_at_once_do_not_overfill_a_team(app_with, make, office):  # noqa: F811
    office.team.max_size = 14
    for n in range(12):
        make.employee(team=office.team, first_name=f"Al{n}", last_name="Daar")
    db.session.commit()
    forms = [employee_form(office.team, [office.keyboard], first_name=f"Nieuw{n}", submission=f"{KEY}{n}")
             for n in range(5)]
    codes = at_once(app_with, office.planner, forms)
    assert sorted(codes) == [302, 302, 422, 422, 422]  # the two places left, the rest refused: team full
    assert employees_in(office.team) == 14
