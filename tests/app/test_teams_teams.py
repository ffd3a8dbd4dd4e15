"""Teams: who sees which, create and change with their refusals, archive."""
import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, Team

from .edit_forms import post_edit


def _text(response):
    return response.get_data(as_text=True)


def team_form(**changes):
    data = {"name": "Team Utrecht 1", "region": "Utrecht", "home_location_id": "", "max_size": "15"}
    data.update(changes)
    return data


def test_planner_creates_a_team_with_a_home_location_in_its_region(client, make, login):
    login(make.user(role="planner"))
    location = make.location(region="Utrecht", name="Rijkskantoor Utrecht")
    db.session.commit()
    assert client.get("/teams/nieuw").status_code == 200
    response = client.post("/teams/nieuw", data=team_form(home_location_id=str(location.id), max_size="12"),
                           follow_redirects=True)
    assert "Team Utrecht 1 is aangemaakt." in _text(response)
    team = db.session.scalars(select(Team)).one()
    assert (team.region, team.home_location_id, team.max_size) == ("Utrecht", location.id, 12)
    assert "0 van 12" in _text(response)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "team.create")).one()
    assert event.object_id == str(team.id)


@pytest.mark.parametrize("changes,message", [
    ({"max_size": "16"}, "Vul een aantal in van 1 tot en met 15."),
    ({"max_size": "0"}, "Vul een aantal in van 1 tot en met 15."),
    ({"max_size": "veel"}, "Vul een aantal in van 1 tot en met 15."),
    ({"name": ""}, "Vul een naam in."),
    ({"region": " "}, "Vul een regio in."),
    ({"home_location_id": "999999"}, "Kies een locatie uit de lijst."),
    ({"home_location_id": "x"}, "Kies een locatie uit de lijst."),
])
def test_bad_team_input_is_refused(client, make, login, changes, message):
    login(make.user(role="admin"))
    response = client.post("/teams/nieuw", data=team_form(**changes))
    assert response.status_code == 422
    assert message in _text(response)
    assert db.session.scalars(select(Team)).all() == []


def test_duplicate_team_name_is_refused(client, make, login):
    make.team(name="Team Utrecht 1", region="Utrecht")
    login(make.user(role="planner"))
    response = client.post("/teams/nieuw", data=team_form(name="team utrecht 1"))
    assert response.status_code == 422
    assert "Er is al een team met deze naam." in _text(response)
    assert len(db.session.scalars(select(Team)).all()) == 1


def test_home_location_outside_the_region_is_refused(client, make, login):
    location = make.location(region="Den Haag", name="Haagse locatie")
    login(make.user(role="planner"))
    response = client.post("/teams/nieuw", data=team_form(home_location_id=str(location.id)))
    assert response.status_code == 422
    assert "Locatie Haagse locatie ligt in regio Den Haag, niet in regio Utrecht van het team." in _text(response)


def test_max_size_cannot_drop_below_the_members(client, make, login):
    team = make.team(name="Team A", region="Utrecht")
    for _ in range(4):
        make.employee(team=team)
    login(make.user(role="planner"))
    response = post_edit(client, f"/teams/{team.id}/wijzigen", team_form(name="Team A", max_size="3"))
    assert response.status_code == 422
    assert "Het team heeft al 4 medewerkers. Het maximum kan niet lager zijn." in _text(response)
    db.session.expire_all()
    assert db.session.get(Team, team.id).max_size == 15


def test_editing_a_team_is_saved_and_audited(client, make, login):
    team = make.team(name="Team A", region="Utrecht")
    login(make.user(role="admin"))
    assert 'value="Team A"' in _text(client.get(f"/teams/{team.id}/wijzigen"))
    response = post_edit(client, f"/teams/{team.id}/wijzigen", team_form(name="Team B", max_size="10"),
                           follow_redirects=True)
    assert "Team B is opgeslagen." in _text(response)
    db.session.expire_all()
    assert (db.session.get(Team, team.id).name, db.session.get(Team, team.id).max_size) == ("Team B", 10)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "team.update")).one()
    assert "name (Team A -> Team B)" in event.detail and "max_size (" in event.detail  # what it was called stays


def test_archive_is_refused_while_the_team_has_active_employees(client, make, login):
    team = make.team(name="Team A")
    make.employee(team=team)
    login(make.user(role="planner"))
    response = client.post(f"/teams/{team.id}/archiveren", follow_redirects=True)
    assert "Team A heeft nog 1 actieve medewerker. Zet deze eerst in een ander team" in _text(response)
    db.session.expire_all()
    assert not db.session.get(Team, team.id).archived


def test_an_empty_team_is_archived_and_can_return(client, make, login):
    team = make.team(name="Team A")
    make.employee(team=team, archived=True)
    login(make.user(role="planner"))
    response = client.post(f"/teams/{team.id}/archiveren", follow_redirects=True)
    assert "Team A is gearchiveerd." in _text(response)
    db.session.expire_all()
    assert db.session.get(Team, team.id).archived
    assert "Team A" not in _text(client.get("/teams/"))
    assert "Team A" in _text(client.get("/teams/?archief=1"))
    client.post(f"/teams/{team.id}/terugzetten")
    db.session.expire_all()
    assert not db.session.get(Team, team.id).archived
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "Team").order_by(AuditEvent.id)).all()
    assert actions == ["team.archive", "team.restore"]


def test_team_leader_sees_only_their_own_team(client, make, login):
    own, other = make.team(name="Eigen team"), make.team(name="Ander team")
    login(make.user(role="team_leader", teams=[own]))
    html = _text(client.get("/teams/"))
    assert "Eigen team" in html and "Ander team" not in html
    assert client.get(f"/teams/{own.id}").status_code == 200
    assert client.get(f"/teams/{other.id}").status_code == 404
    assert client.get("/teams/nieuw").status_code == 403
    assert client.post(f"/teams/{own.id}/archiveren").status_code == 403


def test_ministry_contact_has_no_access_to_teams(client, make, login):
    team = make.team()
    login(make.user(role="ministry_contact"))
    assert client.get("/teams/").status_code == 403
    assert client.get(f"/teams/{team.id}").status_code == 403


def test_team_page_shows_members_hours_work_types_availability_and_supervisors(client, make, login):
    team = make.team(name="Team A", max_size=15)
    cleaning = make.work_type(name_nl="Schoonmaak")
    for n in range(12):
        make.employee(team=team, work_types=[cleaning], contract_minutes=1530, last_name=f"Lid{n:02d}",
                      weekdays=(1, 2), window=("08:00", "12:30"))
    make.employee(team=team, last_name="Vertrokken", archived=True)
    make.supervisor(team=team, name="Tessa Leider", phone="06-98765432")
    login(make.user(role="planner"))
    html = _text(client.get(f"/teams/{team.id}"))
    assert "12 van 15" in html
    assert "Lid00" in html and "Vertrokken" not in html
    assert "25,5" in html and "Schoonmaak" in html
    assert "ma 08:00–12:30, di 08:00–12:30" in html
    assert "Tessa Leider" in html and "06-98765432" in html


def test_a_team_without_a_leader_offers_to_add_one_for_that_team(client, make, login):
    """A dead end found in QA: "Dit team heeft nog geen teamleider." led nowhere."""
    team = make.team(name="Team Leeg")
    make.team(name="Team Ander")
    login(make.user(role="planner"))
    page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert "Dit team heeft nog geen teamleider." in page
    assert f'href="/teams/teamleiders/nieuw?team={team.id}">Nieuwe teamleider</a>' in page
    form = client.get(f"/teams/teamleiders/nieuw?team={team.id}").get_data(as_text=True)
    assert f'<option selected value="{team.id}">Team Leeg' in form


def test_unknown_team_is_404(client, make, login):
    login(make.user(role="planner"))
    assert client.get("/teams/999999").status_code == 404
    assert client.post("/teams/999999/wijzigen", data=team_form()).status_code == 404


def test_region_change_of_an_empty_team_moves_its_supervisors_along(client, make, login):
    team = make.team(name="Team A", region="Utrecht")
    supervisor = make.supervisor(team=team)
    login(make.user(role="planner"))
    post_edit(client, f"/teams/{team.id}/wijzigen", team_form(name="Team A", region="Zwolle"))
    db.session.expire_all()
    assert db.session.get(Team, team.id).region == "Zwolle"
    assert supervisor.region == "Zwolle"


def test_region_change_is_refused_while_the_team_has_members(client, make, login):
    team = make.team(name="Team A", region="Utrecht")
    make.employee(team=team)
    login(make.user(role="planner"))
    response = post_edit(client, f"/teams/{team.id}/wijzigen", team_form(name="Team A", region="Zwolle"))
    assert response.status_code == 422
    assert "Verander de regio pas als het team leeg is." in _text(response)


def test_control_characters_typed_into_a_name_are_dropped_so_exports_keep_working(client, make, login):
    # Pasted from another program, a bell or escape character is invisible in the form; stored,
    # it made every Excel export of the data fail (openpyxl refuses such characters).
    login(make.user(role="planner"))
    response = client.post("/teams/nieuw", data=team_form(name="Team\x07 Utrecht\x1b 1", region="Utr\x01echt"))
    assert response.status_code == 302
    team = db.session.scalars(select(Team)).one()
    # Beside a space a control character goes; between two letters it leaves one space.
    assert (team.name, team.region) == ("Team Utrecht 1", "Utr echt")
    assert client.get("/gegevens/teams/export.xlsx").status_code == 200


def test_a_non_breaking_space_is_read_as_a_plain_one(client, make, login):
    """Pasted from a document: "Team\u00a0Utrecht 1" is the team that exists, not a second one."""
    make.team(name="Team Utrecht 1", region="Utrecht")
    login(make.user(role="planner"))
    response = client.post("/teams/nieuw", data=team_form(name="Team\u00a0Utrecht 1"))
    assert response.status_code == 422
    assert "Er is al een team met deze naam." in _text(response)
    response = client.post("/teams/nieuw", data=team_form(name="Team\u202fUtrecht\u30002\u00a0"))
    assert response.status_code == 302
    assert sorted(t.name for t in db.session.scalars(select(Team))) == ["Team Utrecht 1", "Team Utrecht 2"]


def test_invisible_characters_neither_make_a_name_nor_a_second_team_of_the_same_name(client, make, login):
    make.team(name="Team Utrecht 1", region="Utrecht")
    login(make.user(role="planner"))
    response = client.post("/teams/nieuw", data=team_form(name="Team Utrecht 1\u200b"))
    assert response.status_code == 422
    assert "Er is al een team met deze naam." in _text(response)
    response = client.post("/teams/nieuw", data=team_form(name="\ufeff\u200b\u2060"))
    assert response.status_code == 422
    assert "Vul een naam in." in _text(response)
    assert len(db.session.scalars(select(Team)).all()) == 1
