"""QA round on people: a team leader moved to a team whose work they cannot lead is asked first
(and told a move holds for every week), a new employee's message names the team once, and a
new employee's days before the contract starts are not shown as days off."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import FeedKind, Roster, Supervisor
from binnenwerk.services import feeds, tokens

from .edit_forms import post_edit
from .test_teams_employees import employee_form
from .test_teams_supervisors import supervisor_form

WED = dt.date(2026, 12, 9)  # today, week 50
START = dt.date(2026, 12, 16)  # Wednesday of week 51: the new employee's contract starts


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.fixture
def utrecht(make, login, monkeypatch):
    """Hanna leads Team Utrecht 1 (keyboards); Team Utrecht 3 does P-dossiers for an accepted
    request in Utrecht; Team Utrecht 2 does keyboards only."""
    monkeypatch.setattr(feeds, "local_today", lambda: WED)
    keyboards = make.work_type(name_nl="Toetsenborden reinigen")
    files = make.work_type(name_nl="P-dossiers")
    place = make.location("Utrecht")
    make.request(place, keyboards, start_date=WED, end_date=dt.date(2027, 3, 31))
    make.request(place, files, start_date=WED, end_date=dt.date(2027, 3, 31))
    one = make.team("Utrecht", name="Team Utrecht 1")
    two = make.team("Utrecht", name="Team Utrecht 2")
    three = make.team("Utrecht", name="Team Utrecht 3")
    hanna = make.supervisor(one, work_types=[keyboards], name="Hanna van Dam")
    make.employee(one, work_types=[keyboards])
    make.employee(two, work_types=[keyboards])
    make.employee(three, work_types=[files, keyboards])
    planner = make.user("planner")
    db.session.commit()
    login(planner)
    return dict(keyboards=keyboards, files=files, one=one, two=two, three=three, hanna=hanna)


def _move(client, world, team, **extra):
    return post_edit(client, f"/teams/teamleiders/{world['hanna'].id}/wijzigen",
                     supervisor_form([world["keyboards"]], team=team, name="Hanna van Dam", **extra),
                     follow_redirects=True)


def _team_of(supervisor_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Supervisor, supervisor_id).team.name


def test_a_leader_moved_to_a_team_with_work_they_cannot_lead_is_asked_first(client, utrecht):
    response = _move(client, utrecht, utrecht["three"])
    assert response.status_code == 422
    text = _text(response)
    assert "Team Utrecht 3 doet ook P-dossiers. Hanna van Dam kan dat werk niet leiden." in text
    assert "Verplaatsen geldt voor elke week vanaf nu, niet voor één dag." in text
    assert "regionale pool" in text and "Toch verplaatsen" in text
    assert _team_of(utrecht["hanna"].id) == "Team Utrecht 1"

    confirmed = _move(client, utrecht, utrecht["three"], confirm_move="y")
    assert confirmed.status_code == 200
    assert "Teamleider Hanna van Dam is opgeslagen." in _text(confirmed)
    assert _team_of(utrecht["hanna"].id) == "Team Utrecht 3"


def test_a_leader_moved_to_a_team_with_work_they_can_lead_is_not_asked(client, utrecht):
    response = _move(client, utrecht, utrecht["two"])
    assert response.status_code == 200
    assert "kan dat werk niet leiden" not in _text(response)
    assert _team_of(utrecht["hanna"].id) == "Team Utrecht 2"


def test_the_edit_form_says_another_team_holds_for_every_week(client, utrecht):
    html = _text(client.get(f"/teams/teamleiders/{utrecht['hanna'].id}/wijzigen"))
    assert "Een ander team geldt voor elke week vanaf nu." in html


def test_a_new_employee_is_added_to_the_team_named_once(client, make, login):
    team = make.team("Utrecht", name="Team Utrecht 4")
    keyboards = make.work_type()
    login(make.user("planner"))
    db.session.commit()
    form = employee_form(team, [keyboards], first_name="Fenna", last_name="van Nieuw",
                         submission="fenna-form-key-0123456789")
    first = client.post("/teams/medewerkers/nieuw", data=form, follow_redirects=True)
    assert "Fenna van Nieuw is toegevoegd aan Team Utrecht 4." in _text(first)
    again = client.post("/teams/medewerkers/nieuw", data=form, follow_redirects=True)
    text = _text(first) + _text(again)
    assert "team Team" not in text
    assert "Fenna van Nieuw was al toegevoegd aan Team Utrecht 4." in _text(again)


@pytest.fixture
def newcomer(make, monkeypatch):
    """Fenna joins Team Utrecht 4 on Wednesday 16 December; weeks 50 and 51 are published."""
    monkeypatch.setattr(feeds, "local_today", lambda: WED)
    team = make.team("Utrecht", name="Team Utrecht 4")
    make.supervisor(team, name="Tineke")
    fenna = make.employee(team, first_name="Fenna", last_name="van Nieuw", contract_start=START)
    for week in ("2026-W50", "2026-W51"):
        db.session.add(Roster(week=week, team=team, published_at=dt.datetime(2026, 12, 4, 12, 0)))
    token = tokens.issue(FeedKind.EMPLOYEE, fenna)
    db.session.commit()
    return dict(team=team, fenna=fenna, token=token)


def _section(html: str, n: int) -> str:
    return html.split(f'id="week-{n}"')[1].split("</section>")[0]


def _day(html: str, day: dt.date) -> str:
    return html.split(f'id="day-{day.isoformat()}"')[1].split("</article>")[0]


def test_a_new_employees_week_page_names_the_first_working_day(client, newcomer):
    html = _text(client.get(f"/week/{newcomer['token']}"))
    week50, week51 = _section(html, 1), _section(html, 2)
    assert "Je eerste werkdag bij Binnenwerk is woensdag 16 december. In week 50 werk je nog niet." in week50
    assert "Vrij." not in week50
    assert "Je eerste werkdag bij Binnenwerk is woensdag 16 december." in week51
    monday = _day(html, dt.date(2026, 12, 14))
    assert "Vrij." not in monday and "Nog geen werk." in monday
    assert "Vrij." in _day(html, START)  # from the start on, a day without a shift is a day off


def test_the_cell_editor_says_the_contract_has_not_started(client, make, login, newcomer):
    login(make.user("planner"))
    db.session.commit()
    url = (f"/rooster/cel?week=2026-W51&team={newcomer['team'].id}&employee={newcomer['fenna'].id}"
           f"&date=2026-12-14")
    text = _text(client.get(url))
    assert "Het contract van Fenna van Nieuw begint op woensdag 16 december." in text
    assert "past bij de werksoorten" not in text
