"""Supervisors (teamleiders): team or regional pool, a valid phone, work types, availability, account."""
import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, Supervisor

from .edit_forms import post_edit


def _text(response):
    return response.get_data(as_text=True)


def week(days=(1, 2, 3, 4, 5), start="07:30", end="17:00"):
    data = {}
    for index in range(7):
        if index + 1 in days:
            data[f"availability-{index}-available"] = "y"
        data[f"availability-{index}-start"] = start if index + 1 in days else ""
        data[f"availability-{index}-end"] = end if index + 1 in days else ""
    return data


def supervisor_form(work_types, team=None, days=(1, 2, 3, 4, 5), start="07:30", end="17:00", **changes):
    data = {"name": "Tessa Leider", "phone": "06-12345678", "email": "tessa@binnenwerk.example",
            "team_id": str(team.id) if team else "", "region": "", "user_id": "",
            "work_type_ids": [str(w.id) for w in work_types], **week(days, start, end)}
    data.update(changes)
    return data


@pytest.fixture
def planner(make, login):
    user = make.user(role="planner")
    login(user)
    return user


def test_planner_adds_a_team_supervisor_who_takes_the_teams_region(client, make, planner):
    team = make.team(name="Team A", region="Zwolle")
    cars = make.work_type(name_nl="Auto's wassen")
    account = make.user(role="team_leader", email="tessa@binnenwerk.example")
    db.session.commit()
    assert client.get("/teams/teamleiders/nieuw").status_code == 200
    response = client.post("/teams/teamleiders/nieuw", data=supervisor_form(
        [cars], team=team, region="Utrecht", user_id=str(account.id), days=(2, 4), start="08:00", end="12:00"),
        follow_redirects=True)
    assert "Teamleider Tessa Leider is toegevoegd." in _text(response)
    supervisor = db.session.scalars(select(Supervisor)).one()
    assert supervisor.team_id == team.id and supervisor.region == "Zwolle"
    assert supervisor.user_id == account.id
    assert [w.name_nl for w in supervisor.work_types] == ["Auto's wassen"]
    assert [(s.weekday, s.start_minute, s.end_minute) for s in supervisor.availability] == [(2, 480, 720), (4, 480, 720)]
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "supervisor.create")).one()
    assert "Tessa Leider" in _text(client.get("/teams/teamleiders"))


def test_a_pool_supervisor_needs_a_region(client, make, planner):
    cars = make.work_type()
    db.session.commit()
    response = client.post("/teams/teamleiders/nieuw", data=supervisor_form([cars]))
    assert response.status_code == 422
    assert "Een teamleider in de pool hoort bij een regio. Vul de regio in." in _text(response)
    response = client.post("/teams/teamleiders/nieuw", data=supervisor_form([cars], region="Groningen"),
                           follow_redirects=True)
    supervisor = db.session.scalars(select(Supervisor)).one()
    assert supervisor.is_pool and supervisor.region == "Groningen"


@pytest.mark.parametrize("changes,message", [
    ({"phone": "bel maar"}, "Vul een geldig telefoonnummer in, bijvoorbeeld 06-12345678."),
    ({"phone": "123"}, "Vul een geldig telefoonnummer in, bijvoorbeeld 06-12345678."),
    ({"phone": ""}, "Vul een telefoonnummer in."),
    ({"name": ""}, "Vul een naam in."),
    ({"work_type_ids": []}, "Kies minstens één werksoort."),
    ({"team_id": "999999"}, "Kies een team uit de lijst."),
    ({"user_id": "999999"}, "Kies een account uit de lijst."),
    ({"availability-0-end": "25:00"}, "Schrijf de tijd zo: 9:30 of 14:00."),
    ({"availability-0-end": "06:00"}, "De eindtijd moet na de begintijd liggen."),
])
def test_bad_supervisor_input_is_refused(client, make, planner, changes, message):
    team = make.team(region="Zwolle")
    cars = make.work_type()
    db.session.commit()
    response = client.post("/teams/teamleiders/nieuw", data=supervisor_form([cars], team=team, **changes))
    assert response.status_code == 422
    assert message in _text(response)
    assert db.session.scalars(select(Supervisor)).all() == []


def test_an_account_that_is_not_a_team_leader_cannot_be_linked(client, make, planner):
    cars = make.work_type()
    admin = make.user(role="admin")
    db.session.commit()
    response = client.post("/teams/teamleiders/nieuw",
                           data=supervisor_form([cars], region="Zwolle", user_id=str(admin.id)))
    assert response.status_code == 422 and "Kies een account uit de lijst." in _text(response)


def test_editing_and_archiving_a_supervisor(client, make, planner):
    team = make.team(region="Zwolle")
    cars = make.work_type()
    supervisor = make.supervisor(team=team, work_types=[cars], name="Oude Naam")
    db.session.commit()
    html = _text(client.get(f"/teams/teamleiders/{supervisor.id}/wijzigen"))
    assert 'value="Oude Naam"' in html and 'value="07:30"' in html
    response = post_edit(client, f"/teams/teamleiders/{supervisor.id}/wijzigen",
                         supervisor_form([cars], team=team, name="Nieuwe Naam"), follow_redirects=True)
    assert "Teamleider Nieuwe Naam is opgeslagen." in _text(response)
    client.post(f"/teams/teamleiders/{supervisor.id}/archiveren")
    db.session.expire_all()
    stored = db.session.get(Supervisor, supervisor.id)
    assert stored.name == "Nieuwe Naam" and stored.archived
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "Supervisor").order_by(AuditEvent.id)).all()
    assert actions == ["supervisor.update", "supervisor.archive"]


def test_team_leader_sees_only_their_own_teams_supervisors(client, make, login):
    own, other = make.team(name="Eigen"), make.team(name="Ander")
    mine = make.supervisor(team=own, name="Mijn Leider")
    theirs = make.supervisor(team=other, name="Andere Leider")
    pool = make.supervisor(team=None, region="Den Haag", name="Pool Leider")
    login(make.user(role="team_leader", teams=[own]))
    html = _text(client.get("/teams/teamleiders"))
    assert "Mijn Leider" in html and "Andere Leider" not in html and "Pool Leider" not in html
    assert client.get(f"/teams/teamleiders/{mine.id}").status_code == 200
    assert client.get(f"/teams/teamleiders/{theirs.id}").status_code == 404
    assert client.get(f"/teams/teamleiders/{pool.id}").status_code == 404
    assert client.get(f"/teams/teamleiders/{mine.id}/wijzigen").status_code == 403
    assert client.get("/teams/teamleiders/nieuw").status_code == 403
