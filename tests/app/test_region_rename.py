"""An admin renames a region in one go: its teams, team leaders and stand-ins, and locations all
get the new name (one at a time the region rules refuse every step); the same name, another
region's name, an empty or too long name are refused at the field and nothing is stored."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, JobStatus, Location, SolveJob, Supervisor, Team

URL = "/beheer/locaties/regio-hernoemen"
WEEK = "2026-W51"


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def oost(make):
    """Region Oost: 3 teams (one archived), 5 leaders (2 stand-ins, one archived leader) and 7
    locations (one archived); region West beside it with a team, a leader and a location."""
    locations = [make.location("Oost") for _n in range(6)] + [make.location("Oost", archived=True)]
    teams = [make.team("Oost", home_location=locations[0]), make.team("Oost", home_location=locations[1]),
             make.team("Oost", archived=True)]
    supervisors = [make.supervisor(teams[0]), make.supervisor(teams[1]), make.supervisor(teams[1], archived=True),
                   make.supervisor(None, region="Oost"), make.supervisor(None, region="Oost")]
    west = {"team": make.team("West"), "location": make.location("West")}
    west["supervisor"] = make.supervisor(west["team"])
    db.session.commit()
    return {"teams": teams, "supervisors": supervisors, "locations": locations, "west": west}


@pytest.fixture
def admin(make, login):
    user = make.user(role="admin")
    login(user)
    return user


def _regions_of(model) -> dict[int, str]:
    db.session.expire_all()
    return dict(db.session.execute(select(model.id, model.region)).all())


def _stored() -> tuple:
    return tuple(_regions_of(model) for model in (Team, Supervisor, Location))


def test_the_locations_page_links_to_the_rename_page_which_offers_every_region(client, admin, oost, make):
    make.supervisor(None, region="Noord")  # a region only a stand-in has
    db.session.commit()
    page = _text(client.get("/beheer/locaties"))
    assert f'href="{URL}"' in page and "Regio hernoemen" in page

    response = client.get(URL)
    assert response.status_code == 200
    page = _text(response)
    assert 'name="csrf_token"' in page
    assert re.findall(r'<option value="([^"]+)"', page) == ["Noord", "Oost", "West"]


def test_rename_gives_every_team_leader_and_location_of_the_region_the_new_name(client, admin, oost):
    response = client.post(URL, data={"region": "Oost", "new_name": "  Oost-Nederland "}, follow_redirects=True)

    assert response.status_code == 200
    assert "Regio Oost heet nu Oost-Nederland: 3 teams, 5 teamleiders en 7 locaties." in _text(response)
    teams, supervisors, locations = _stored()
    assert {teams[t.id] for t in oost["teams"]} == {"Oost-Nederland"}
    assert {supervisors[s.id] for s in oost["supervisors"]} == {"Oost-Nederland"}
    assert {locations[loc.id] for loc in oost["locations"]} == {"Oost-Nederland"}
    west = oost["west"]
    assert (teams[west["team"].id], supervisors[west["supervisor"].id], locations[west["location"].id]) == \
        ("West", "West", "West")
    assert "Oost" not in {*teams.values(), *supervisors.values(), *locations.values()}


def test_a_change_of_case_alone_is_taken(client, admin, oost):
    """The way to put a region's capitals right: "Oost" becomes "OOST" everywhere."""
    response = client.post(URL, data={"region": "Oost", "new_name": "OOST"}, follow_redirects=True)
    assert "Regio Oost heet nu OOST:" in _text(response)
    assert {t for t in _stored()[0].values()} == {"OOST", "West"}


def test_rename_says_one_of_each_in_the_singular(client, admin, make):
    place = make.location("Zuid")
    team = make.team("Zuid", home_location=place)
    make.supervisor(team)
    db.session.commit()
    response = client.post(URL, data={"region": "Zuid", "new_name": "Limburg"}, follow_redirects=True)
    assert "Regio Zuid heet nu Limburg: 1 team, 1 teamleider en 1 locatie." in _text(response)


def test_rename_is_audited_with_old_and_new_name_and_the_counts(client, admin, oost):
    client.post(URL, data={"region": "Oost", "new_name": "Oost, Gelderland (GLD)"})

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "region.rename")).one()
    assert event.actor_id == admin.id and event.result == "ok"
    assert event.detail == ("changed: region (Oost -> Oost\\, Gelderland \\(GLD\\)); "
                            "teams=3 supervisors=5 locations=7")
    page = _text(client.get("/beheer/audit?action=region.rename"))
    assert "Regio hernoemd" in page
    assert "gewijzigd: regio (Oost → Oost, Gelderland (GLD)); 3 teams, 5 teamleiders, 7 locaties" in page


@pytest.mark.parametrize(("typed", "message"), [
    ("", "Vul een nieuwe naam in."),
    ("   ", "Vul een nieuwe naam in."),
    ("x" * 101, "Hoogstens 100 tekens."),
    ("Oost ", "Regio Oost heet al zo. Vul een andere naam in."),
    ("  Oost", "Regio Oost heet al zo. Vul een andere naam in."),
    ("west", "Er is al een regio West. Wil je regio Oost bij regio West voegen?"),
])
def test_rename_refuses_at_the_field_and_stores_nothing(client, admin, oost, typed, message):
    before = _stored()

    response = client.post(URL, data={"region": "Oost", "new_name": typed})

    assert response.status_code == 422
    page = _text(response)
    assert message in page
    assert re.search(r'id="new_name"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="new_name"', page)
    assert _stored() == before
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "region.rename")) is None


def test_a_name_of_exactly_100_characters_is_taken(client, admin, oost):
    client.post(URL, data={"region": "Oost", "new_name": "x" * 100})
    assert set(_regions_of(Team).values()) == {"x" * 100, "West"}


def test_a_region_nobody_has_is_refused(client, admin, oost):
    before = _stored()
    response = client.post(URL, data={"region": "Mars", "new_name": "Venus"})
    assert response.status_code == 422
    assert "Kies een regio uit de lijst." in _text(response)
    assert _stored() == before


def test_rename_without_the_csrf_token_is_refused(app_with, make, oost):
    from tests.conftest import TEST_PASSWORD

    user = make.user(role="admin")
    db.session.commit()
    browser = app_with(WTF_CSRF_ENABLED=True).test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      _text(browser.get("/auth/login"))).group(1)
    browser.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token})
    assert browser.get(URL).status_code == 200
    before = _stored()

    assert browser.post(URL, data={"region": "Oost", "new_name": "Elders"}).status_code == 400
    assert _stored() == before


@pytest.mark.parametrize("role", ["planner", "team_leader", "ministry_contact"])
def test_only_an_admin_renames_a_region(client, login, make, oost, role):
    login(make.user(role=role))
    before = _stored()
    assert client.get(URL).status_code == 403
    assert client.post(URL, data={"region": "Oost", "new_name": "Elders"}).status_code == 403
    assert _stored() == before


def test_a_queued_solve_of_the_region_follows_the_rename(client, admin, oost):
    job = SolveJob(week=WEEK, region="Oost", status=JobStatus.QUEUED.value)
    done = SolveJob(week=WEEK, region="Oost", status=JobStatus.FINISHED.value)
    db.session.add_all([job, done])
    db.session.commit()
    client.post(URL, data={"region": "Oost", "new_name": "Oost-Nederland"})
    db.session.expire_all()
    assert (job.region, done.region) == ("Oost-Nederland", "Oost")


def test_planning_after_a_rename_still_has_the_team_its_locations_and_stand_ins(client, admin, oost):
    client.post(URL, data={"region": "Oost", "new_name": "Oost-Nederland"})
    team = oost["teams"][0]

    problem, _idmap = planning.build_problem(WEEK, [team.id])

    assert {t.id for t in problem.teams} == {planning.tid(team.id)}
    active = [loc for loc in oost["locations"] if not loc.archived]
    assert {loc.id for loc in problem.locations} == {planning.lid(loc.id) for loc in active}
    stand_ins = [s for s in oost["supervisors"] if s.team_id is None]
    assert {planning.sid(s.id) for s in stand_ins} <= {s.id for s in problem.supervisors}


def test_another_regions_name_offers_a_merge_and_a_second_send_with_it_ticked_merges(client, admin, oost):
    """One at a time the region rules refuse every step of a merge (a team shares its home
    location's region): the rename page does it in one go, once asked twice."""
    assert 'name="merge"' not in _text(client.get(URL))  # a rename is the usual errand
    refused = client.post(URL, data={"region": "Oost", "new_name": " west "})
    assert refused.status_code == 422
    page = _text(refused)
    assert 'name="merge"' in page and "Samenvoegen" in page
    assert _stored()[0][oost["teams"][0].id] == "Oost"

    merged = client.post(URL, data={"region": "Oost", "new_name": " west ", "merge": "y"}, follow_redirects=True)

    assert "Regio Oost hoort nu bij regio West: 3 teams, 5 teamleiders en 7 locaties." in _text(merged)
    teams, supervisors, locations = _stored()
    assert set(teams.values()) == set(supervisors.values()) == set(locations.values()) == {"West"}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "region.merge"))
    assert event.detail.startswith("changed: region (Oost -> West)")
    log = _text(client.get("/beheer/audit?action=region.merge"))
    assert "Regio&#39;s samengevoegd" in log and "3 teams, 5 teamleiders, 7 locaties" in log


def test_planning_after_a_merge_has_both_regions_teams_and_places(client, admin, oost):
    client.post(URL, data={"region": "Oost", "new_name": "West", "merge": "y"})
    west = oost["west"]
    problem, _ = planning.build_problem(WEEK, [oost["teams"][0].id, west["team"].id])
    assert {loc.region for loc in problem.locations} == {"West"}
    assert len(problem.locations) == 7  # Oost's six open places and West's one


@pytest.mark.parametrize("region", ["Oost", "West"])
def test_a_merge_waits_while_either_region_is_being_planned(client, admin, oost, region):
    db.session.add(SolveJob(week=WEEK, region=region, status=JobStatus.RUNNING.value))
    db.session.commit()
    before = _stored()
    response = client.post(URL, data={"region": "Oost", "new_name": "West", "merge": "y"})
    assert response.status_code == 422
    assert f"Regio {region} wordt nu gepland. Voeg de regio&#39;s samen als dat klaar is." in _text(response)
    assert _stored() == before


def test_a_ticked_merge_with_a_new_name_is_a_plain_rename(client, admin, oost):
    response = client.post(URL, data={"region": "Oost", "new_name": "Gelderland", "merge": "y"}, follow_redirects=True)
    assert "Regio Oost heet nu Gelderland:" in _text(response)
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action.like("region.%"))) == "region.rename"
