"""A ministry contact never sees or changes another ministry's requests, by any URL."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from binnenwerk.extensions import db
from binnenwerk.models import DeploymentRequest, RequestStatus
from binnenwerk.services import feeds

from .edit_forms import post_request_edit
from .test_requests_workflow import request_form, stored, world  # noqa: F401  (fixture)

S = RequestStatus


@pytest.fixture
def foreign(world, make):
    """A request of the other ministry, accepted and running this week, with a published shift."""
    today = dt.date.today()
    req = make.request(location=world.other_location, work_type=world.work_type, status=S.ACCEPTED.value,
                       start_date=today - dt.timedelta(days=today.weekday()), end_date=today + dt.timedelta(days=30),
                       weekdays="1234567", headcount=2)
    make.published_shift(employee=make.employee(first_name="Geheime", last_name="Medewerker"), date=today,
                         location=world.other_location, work_type=world.work_type, request_id=req.id)
    return req


def test_contact_gets_404_for_every_url_of_another_ministrys_request(client, login, world, foreign):
    login(world.contact)
    rid = foreign.id
    for method, url in [
        ("get", f"/aanvragen/{rid}"),
        ("get", f"/aanvragen/{rid}/wijzigen"),
        ("post", f"/aanvragen/{rid}/wijzigen"),
        ("get", f"/aanvragen/{rid}/annuleren"),
        ("post", f"/aanvragen/{rid}/annuleren"),
        ("get", f"/aanvragen/planning?aanvraag={rid}"),
        ("get", f"/aanvragen/planning.csv?aanvraag={rid}"),
    ]:
        data = request_form(world.other_location, world.work_type, headcount="9") if method == "post" else None
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 404, (method, url)
        assert "Niet gevonden" in response.get_data(as_text=True)
    unchanged = stored(rid)
    assert (unchanged.status, unchanged.headcount) == (S.ACCEPTED.value, 2)


def test_contact_lists_and_plan_show_only_the_own_ministry(client, login, world, foreign, make):
    own = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value,
                       start_date=dt.date.today(), end_date=dt.date.today() + dt.timedelta(days=10), weekdays="1234567")
    login(world.contact)
    for url in ("/aanvragen/", "/aanvragen/planning", "/home"):
        page = client.get(url).get_data(as_text=True)
        assert "Ander Gebouw" not in page, url
    assert "Eigen Gebouw" in client.get("/aanvragen/").get_data(as_text=True)
    assert "Eigen Gebouw" in client.get("/aanvragen/planning").get_data(as_text=True)
    export = client.get("/aanvragen/planning.csv").get_data(as_text=True)
    assert "Eigen Gebouw" in export and "Ander Gebouw" not in export and "Geheime" not in export
    assert own.id


def test_contact_cannot_use_planner_or_report_pages(client, login, world, foreign):
    login(world.contact)
    for method, url in [
        ("get", "/aanvragen/intake"), ("get", "/aanvragen/alle"),
        ("post", f"/aanvragen/{foreign.id}/accepteren"), ("post", f"/aanvragen/{foreign.id}/bekeken"),
        ("post", f"/aanvragen/{foreign.id}/status"), ("get", f"/aanvragen/{foreign.id}/afwijzen"),
        ("get", "/rapportages/capaciteit"), ("get", "/rapportages/banenafspraak"),
        ("get", "/rapportages/banenafspraak.csv"), ("get", "/rapportages/banenafspraak.xlsx"),
        ("get", "/rapportages/banenafspraak-teams.csv"),
    ]:
        assert getattr(client, method)(url).status_code == 403, url
    assert stored(foreign.id).status == S.ACCEPTED.value


def test_a_posted_location_of_another_ministry_is_a_field_error(client, login, world):
    login(world.contact)
    response = client.post("/aanvragen/nieuw", data=request_form(world.other_location, world.work_type))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Kies een locatie van uw eigen ministerie." in page
    assert 'id="location_id-error"' in page
    assert db.session.scalar(select(func.count(DeploymentRequest.id))) == 0


@pytest.mark.usefixtures("before_work_on_7_december")
def test_moving_an_own_request_to_a_foreign_location_is_refused(client, login, world, make):
    own = make.request(location=world.location, work_type=world.work_type, status=S.SUBMITTED.value)
    login(world.contact)
    response = post_request_edit(client, f"/aanvragen/{own.id}/wijzigen", request_form(
        world.other_location, world.work_type,
        start_date=own.start_date.isoformat(), end_date=own.end_date.isoformat()))
    assert response.status_code == 422
    assert "Kies een locatie van uw eigen ministerie." in response.get_data(as_text=True)
    assert stored(own.id).location_id == world.location.id


def test_unknown_or_malformed_ids_are_404(client, login, world, monkeypatch):
    login(world.contact)
    for url in [
        "/aanvragen/0", "/aanvragen/987654", "/aanvragen/99999999999999999999999",
        "/aanvragen/99999999999999999999999/wijzigen", "/aanvragen/abc", "/aanvragen/-1",
        "/aanvragen/planning?aanvraag=abc", "/aanvragen/planning?aanvraag=99999999999999999999",
        "/aanvragen/planning.csv?week=2026-W99", "/aanvragen/planning.csv?week=onzin",
    ]:
        assert client.get(url).status_code == 404, url
    # A week typed wrong in the page's address: said so, and this week shown, like the roster page.
    # On a weekday (at the weekend it says the coming week: test_qa_regressions_2).
    monkeypatch.setattr(feeds, "local_today", lambda: dt.date(2026, 12, 9))
    for week, why in (("2026-W99", " De weken van 2026 lopen van 1 tot en met 53."), ("onzin", "")):
        page = client.get(f"/aanvragen/planning?week={week}")
        assert page.status_code == 200
        assert f"&#39;{week}&#39; is geen week die we kennen.{why} U ziet nu deze week." in page.get_data(as_text=True)


def test_planner_sees_any_ministrys_request(client, login, world, foreign):
    login(world.planner)
    assert "Ander Gebouw" in client.get(f"/aanvragen/{foreign.id}").get_data(as_text=True)
