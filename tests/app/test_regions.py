"""One spelling per region: locations and teams that differ only in case or spaces share a region,
a region without teams or locations is said out loud, and the known regions are suggested."""
import datetime as dt

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Location, Supervisor, Team

from .edit_forms import post_edit

NO_TEAM = ("Er werkt nog geen team in regio Mars. Aanvragen voor deze locatie kunnen pas ingepland worden "
           "als daar een team is.")
NO_TEAM_EN = ('No team works in region <span lang="nl">Mars</span> yet. Requests for this location can only be '
              "planned once there is a team there.")  # a region is a Dutch name, marked on an English page
NO_LOCATION = "Er is nog geen locatie in regio Mars. Dit team kan pas ingepland worden als daar een locatie is."
NO_LOCATION_EN = ('There is no location in region <span lang="nl">Mars</span> yet. This team can only be planned '
                  "once there is a location there.")


def _text(response):
    return response.get_data(as_text=True)


def _location_form(ministry, **overrides):
    data = {"code": "dh-rijnstraat", "name": "Rijnstraat 8", "ministry_id": str(ministry.id),
            "address": "Rijnstraat 8", "postcode": "", "city": "Den Haag", "region": "Den Haag"}
    data.update(overrides)
    return data


def _team_form(**overrides):
    data = {"name": "Team Nieuw", "region": "Den Haag", "home_location_id": "", "max_size": "15"}
    data.update(overrides)
    return data


def _english(app_with, make, role):
    from tests.conftest import english_client

    return english_client(app_with, make, role)


@pytest.fixture
def admin(make, login):
    user = make.user(role="admin")
    login(user)
    return user


# --- locations ----------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["den haag", " DEN HAAG ", "Den  Haag"])
def test_a_location_in_another_spelling_of_a_known_region_joins_it(client, admin, make, typed):
    ministry = make.ministry()
    make.team(region="Den Haag")
    db.session.commit()
    response = client.post("/beheer/locaties/nieuw", data=_location_form(ministry, region=typed),
                           follow_redirects=True)
    assert "Locatie Rijnstraat 8 is opgeslagen." in _text(response)
    assert "Er werkt nog geen team" not in _text(response)
    assert db.session.scalar(select(Location.region)) == "Den Haag"


def test_editing_a_location_to_another_case_of_a_known_region_keeps_the_known_spelling(client, admin, make):
    ministry = make.ministry()
    make.team(region="Den Haag")
    location = make.location(region="Utrecht", ministry=ministry, code="dh-rijnstraat")
    db.session.commit()
    response = post_edit(client, f"/beheer/locaties/{location.id}", _location_form(ministry, region="den haag"))
    assert response.status_code == 302
    db.session.refresh(location)
    assert location.region == "Den Haag"


def test_a_location_in_a_region_without_a_team_is_saved_with_a_warning(client, admin, make, app_with):
    ministry = make.ministry()
    make.team(region="Den Haag")
    make.team(region="Mars", archived=True)  # an archived team works nowhere
    db.session.commit()
    response = client.post("/beheer/locaties/nieuw", data=_location_form(ministry, region="Mars"),
                           follow_redirects=True)
    page = _text(response)
    assert "Locatie Rijnstraat 8 is opgeslagen." in page
    assert f'<p class="flash flash-warning" id="flash-2" role="status">{NO_TEAM}</p>' in page
    assert db.session.scalar(select(Location.region)) == "Mars"  # a new region stays possible

    english = _english(app_with, make, "admin")
    location = db.session.scalar(select(Location))
    response = post_edit(english, f"/beheer/locaties/{location.id}", _location_form(ministry, region="mars"),
                         follow_redirects=True)
    assert NO_TEAM_EN in _text(response)


def test_the_location_form_suggests_the_known_regions(client, admin, make):
    make.location(region="Den Haag")
    make.team(region="Zwolle")
    db.session.commit()
    page = _text(client.get("/beheer/locaties/nieuw"))
    assert 'list="regions"' in page
    assert '<datalist id="regions"><option value="Den Haag"><option value="Zwolle"></datalist>' in page


# --- teams --------------------------------------------------------------------------------------


def test_a_team_in_another_spelling_of_a_known_region_joins_it(client, make, login):
    login(make.user(role="planner"))
    home = make.location(region="Den Haag", name="Turfmarkt")
    db.session.commit()
    page = _text(client.get("/teams/nieuw"))
    assert 'list="regions"' in page and '<option value="Den Haag">' in page
    response = client.post("/teams/nieuw", data=_team_form(region=" den  haag ", home_location_id=str(home.id)),
                           follow_redirects=True)
    assert "Team Nieuw is aangemaakt." in _text(response)
    assert "Er is nog geen locatie" not in _text(response)
    team = db.session.scalar(select(Team))
    assert (team.region, team.home_location_id) == ("Den Haag", home.id)


def test_a_team_in_a_region_without_locations_is_saved_with_a_warning(client, make, login, app_with):
    login(make.user(role="planner"))
    make.location(region="Den Haag")
    db.session.commit()
    response = client.post("/teams/nieuw", data=_team_form(region="Mars"), follow_redirects=True)
    assert "Team Nieuw is aangemaakt." in _text(response) and NO_LOCATION in _text(response)
    team = db.session.scalar(select(Team))
    assert team.region == "Mars"

    english = _english(app_with, make, "planner")
    response = post_edit(english, f"/teams/{team.id}/wijzigen", _team_form(name="Team Mars", region="Mars"),
                         follow_redirects=True)
    assert NO_LOCATION_EN in _text(response)


def test_editing_a_team_to_another_case_of_its_region_joins_the_known_spelling(client, make, login):
    login(make.user(role="planner"))
    make.location(region="Den Haag")
    team = make.team(region="Utrecht", name="Team Nieuw")
    db.session.commit()
    response = post_edit(client, f"/teams/{team.id}/wijzigen", _team_form(region="DEN HAAG"))
    assert response.status_code == 302
    db.session.refresh(team)
    assert team.region == "Den Haag"


# --- the planner's intake ------------------------------------------------------------------------


def test_intake_says_why_a_request_in_a_region_without_a_team_is_short(client, make, login, app_with):
    today = dt.date.today()
    mars = make.location(region="Mars", name="Marsweg 1")
    make.location(region="Den Haag")
    make.team(region="Den Haag")
    make.request(location=mars, status="ingediend", start_date=today + dt.timedelta(days=3),
                 end_date=today + dt.timedelta(days=30))
    login(make.user(role="planner"))
    page = _text(client.get("/aanvragen/intake"))
    assert "Tekort" in page and "Er werkt geen team in regio Mars." in page
    english = _text(_english(app_with, make, "planner").get("/aanvragen/intake"))
    assert 'No team works in region <span lang="nl">Mars</span>.' in english  # a Dutch name, marked


def test_intake_says_nothing_of_the_sort_where_a_team_works(client, make, login):
    today = dt.date.today()
    location = make.location(region="Den Haag")
    make.team(region="Den Haag")
    make.request(location=location, status="ingediend", start_date=today + dt.timedelta(days=3),
                 end_date=today + dt.timedelta(days=30))
    login(make.user(role="planner"))
    page = _text(client.get("/aanvragen/intake"))
    assert "Tekort" in page and "Er werkt geen team" not in page


# --- imports and the stand-in pool -----------------------------------------------------------------


def test_a_team_imported_with_its_region_in_other_case_joins_that_region(make, runner, tmp_path):
    make.location("Den Haag", name="Rijnstraat 8")
    db.session.commit()
    path = tmp_path / "teams.csv"
    path.write_text("naam;regio;thuislocatie;max_medewerkers\nTeam Import;  den HAAG ;;15\n", encoding="utf-8")

    result = runner.invoke(args=["import", "teams", str(path)])

    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Team).where(Team.name == "Team Import")).region == "Den Haag"


def test_a_pool_stand_in_typed_in_other_case_stands_in_for_that_region(make, in_request):
    from binnenwerk.services import people

    make.team("Den Haag", name="Team Den Haag 1")
    work = make.work_type()
    db.session.commit()
    stand_in = people.create_supervisor(people.SupervisorInput(
        name="Ilse Invaller", phone="", team_id=None, region="den haag", availability=[(1, 480, 1020)],
        work_type_ids=[work.id]))
    assert stand_in.region == "Den Haag"


@pytest.fixture
def in_request(app):
    with app.test_request_context():
        yield


# --- a typo in a region: the region meant ------------------------------------------------------


def test_a_team_in_a_misspelt_region_suggests_the_region_with_places(client, make, login):
    login(make.user(role="planner"))
    make.location(region="Den Haag")
    make.team(region="Denhaag-Oud")  # a team's region without places is not suggested
    db.session.commit()
    response = client.post("/teams/nieuw", data=_team_form(region="Den Haaag"), follow_redirects=True)
    page = _text(response)
    assert "Er is nog geen locatie in regio Den Haaag." in page and "Bedoel je Den Haag?" in page
    response = client.post("/teams/nieuw", data=_team_form(name="Team Mars", region="Mars"), follow_redirects=True)
    assert NO_LOCATION in _text(response) and "Bedoel je" not in _text(response)


def test_a_stand_in_in_a_region_without_a_team_is_warned_with_the_region_meant(client, make, login, app_with):
    from tests.app.test_teams_supervisors import supervisor_form

    login(make.user(role="planner"))
    make.team(region="Zwolle")
    cars = make.work_type()
    db.session.commit()
    response = client.post("/teams/teamleiders/nieuw", data=supervisor_form([cars], region="Zwole"),
                           follow_redirects=True)
    page = _text(response)
    assert "Teamleider Tessa Leider is toegevoegd." in page
    assert "Er werkt nog geen team in regio Zwole. Deze invaller kan pas ingepland worden als daar een team is." \
        in page and "Bedoel je Zwolle?" in page
    stand_in = db.session.scalar(select(Supervisor).where(Supervisor.region == "Zwole"))
    response = post_edit(client, f"/teams/teamleiders/{stand_in.id}/wijzigen",
                         supervisor_form([cars], region="Zwolle"), follow_redirects=True)
    assert "Er werkt nog geen team" not in _text(response)
    english = _english(app_with, make, "planner")
    response = post_edit(english, f"/teams/teamleiders/{stand_in.id}/wijzigen",
                         supervisor_form([cars], region="Zwole"), follow_redirects=True)
    assert 'Did you mean <span lang="nl">Zwolle</span>?' in _text(response)
