"""On PostgreSQL, the same new-employee or team-leader form sent several times at the same
instant, more adds (or moves) than a team has room for, and the first personal details sent twice:
real concurrent requests (no staging), each with a connection of its own. The team row's lock
(ensure_room_in_team), the form's key and the unique rows serialise them: one employee or team
leader per form, never more than the team's maximum, one set of personal details, no error page.

SQLite runs these races staged instead (tests/app/test_teams_wave2_qa.py), since its write lock
is the whole database's; the staging cannot run here, where the first request already holds the
row lock the others wait for.
"""
from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Employee, EmployeeSensitive, Supervisor
from tests.conftest import TEST_PASSWORD

from .edit_forms import seen_state
from .test_teams_employees import employee_form
from .test_teams_supervisors import supervisor_form
from .test_teams_wave2_qa import KEY, SENSITIVE, employees_in, fleur, office  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def on_postgresql_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's row locks: the SQLite run stages these races instead")


def at_once(app_with, user, forms: list[dict], urls: str | list[str] = "/teams/medewerkers/nieuw") -> list[int]:
    """Post each form (to its url) from a browser of its own, all released at the same instant."""
    urls = [urls] * len(forms) if isinstance(urls, str) else urls
    clients = []
    for _form in forms:
        client = app_with().test_client()
        assert client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
        clients.append(client)
    start, codes = threading.Barrier(len(forms)), [None] * len(forms)

    def send(i: int) -> None:
        start.wait()
        codes[i] = clients[i].post(urls[i], data=forms[i]).status_code

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


def test_three_moves_into_a_team_with_one_place_left_move_one(app_with, make, office):  # noqa: F811
    office.team.max_size = 2
    make.employee(team=office.team)
    other = make.team(region="Den Haag", name="Team Elders")
    movers = [make.employee(team=other, work_types=[office.keyboard], first_name=f"Mover{n}", last_name="Elders",
                            contract_start=dt.date(2026, 1, 5)) for n in range(3)]
    db.session.commit()
    browser = app_with().test_client()
    assert browser.post("/auth/login", data={"email": office.planner.email,
                                             "password": TEST_PASSWORD}).status_code == 302
    urls = [f"/teams/medewerkers/{mover.id}/wijzigen" for mover in movers]
    forms = [{**employee_form(office.team, [office.keyboard], first_name=mover.first_name, last_name="Elders",
                              contract_start="2026-01-05"), "seen_state": seen_state(browser, url)}
             for mover, url in zip(movers, urls)]
    codes = at_once(app_with, office.planner, forms, urls)
    assert sorted(codes) == [302, 422, 422]  # one moved, the others told the team is full
    assert employees_in(office.team) == 2
    db.session.expire_all()
    assert sum(db.session.get(Employee, mover.id).team_id == office.team.id for mover in movers) == 1


def test_the_same_new_team_leader_form_sent_three_times_at_once_makes_one(app_with, client, office):  # noqa: F811
    key = re.search(r'name="submission" value="([^"]+)"', client.get("/teams/teamleiders/nieuw").get_data(as_text=True))[1]
    form = supervisor_form([office.keyboard], team=office.team, submission=key)
    codes = at_once(app_with, office.planner, [form] * 3, "/teams/teamleiders/nieuw")
    assert sorted(codes) == [302, 302, 302]  # one made it, the others say it went through
    db.session.expire_all()
    assert len(db.session.scalars(select(Supervisor)).all()) == 1


def test_the_first_personal_details_sent_twice_at_once_are_stored_once(app_with, client, fleur):  # noqa: F811
    url = f"/teams/medewerkers/{fleur.employee.id}/persoonlijk"
    form = {**SENSITIVE, "seen_state": seen_state(client, url)}
    codes = at_once(app_with, fleur.planner, [form] * 2, url)
    assert sorted(codes) == [302, 302]  # the double click is no conflict and no error page
    db.session.expire_all()
    assert db.session.get(EmployeeSensitive, fleur.employee.id).health_notes == "Epilepsie"
    assert len(db.session.scalars(select(EmployeeSensitive)).all()) == 1
