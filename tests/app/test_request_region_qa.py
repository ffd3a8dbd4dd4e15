"""A ministry contact moving an accepted or scheduled request to a place in another region.

Its teams are planned in the region it is in: such a move is refused (file a new request there),
with the form as typed. A place in the same region, or a request not yet taken in, may change.
"""
from __future__ import annotations

import re

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import DeploymentRequest
from binnenwerk.services import ServiceError
from binnenwerk.services import requests as service

from .edit_forms import post_request_edit
from .test_requests_workflow import request_form

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

REFUSAL = "Deze plek ligt in een andere regio dan de ingeplande teams. Dien daar een nieuwe aanvraag voor in."


@pytest.fixture
def world(make):
    ministry = make.ministry(name="Ministerie van Eigen Zaken")
    return type("World", (), dict(
        ministry=ministry,
        here=make.location(region="Noord", ministry=ministry, name="Eigen Gebouw"),
        near=make.location(region="Noord", ministry=ministry, name="Tweede Gebouw"),
        far=make.location(region="Zuid", ministry=ministry, name="Zuidkantoor"),
        work_type=make.work_type(name_nl="Toetsenborden reinigen"),
        contact=make.user(role="ministry_contact", ministry=ministry),
    ))


def taken_in(make, world, status: str) -> DeploymentRequest:
    found = make.request(location=world.here, work_type=world.work_type, headcount=3, status=status)
    db.session.commit()
    return found


def change(client, world, found: DeploymentRequest, location, **overrides):
    return post_request_edit(client, f"/aanvragen/{found.id}/wijzigen", request_form(
        location, world.work_type, start_date=found.start_date.isoformat(),
        end_date=found.end_date.isoformat(), **overrides))


def stored(found: DeploymentRequest) -> DeploymentRequest:
    db.session.expire_all()
    return db.session.get(DeploymentRequest, found.id)


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


@pytest.mark.parametrize("status", ["geaccepteerd", "ingepland"])
def test_moving_a_planned_request_to_another_region_is_refused_with_the_form_as_typed(client, login, make,
                                                                                     world, status):
    found = taken_in(make, world, status)
    login(world.contact)

    response = change(client, world, found, world.far, headcount="4", notes="Graag via de achterdeur")

    assert response.status_code == 422
    assert REFUSAL in text(response)
    page = response.get_data(as_text=True)
    places = re.search(r'<select[^>]*name="location_id".*?</select>', page, flags=re.S).group(0)
    chosen = [option for option in re.findall(r"<option[^>]*>", places) if "selected" in option]
    assert any(f'value="{world.far.id}"' in option for option in chosen)  # the place chosen stays chosen
    assert "Graag via de achterdeur" in page and 'value="4"' in page  # and what was typed
    after = stored(found)
    assert (after.location_id, after.headcount, after.notes) == (world.here.id, 3, "")
    assert not after.changed_since_review


@pytest.mark.parametrize("status", ["geaccepteerd", "ingepland"])
def test_a_place_in_the_same_region_may_still_be_chosen(client, login, make, world, status):
    found = taken_in(make, world, status)
    login(world.contact)

    response = change(client, world, found, world.near)

    assert response.status_code == 302, text(response)[:500]
    after = stored(found)
    assert after.location_id == world.near.id and after.changed_since_review


def test_a_request_not_yet_taken_in_may_move_to_another_region(client, login, make, world):
    found = taken_in(make, world, "ingediend")
    login(world.contact)

    response = change(client, world, found, world.far)

    assert response.status_code == 302, text(response)[:500]
    assert stored(found).location_id == world.far.id


def test_the_service_refuses_it_at_the_location_field(make, world):
    found = taken_in(make, world, "ingepland")
    data = service.RequestInput(
        location_id=world.far.id, work_type_id=found.work_type_id, start_date=found.start_date,
        end_date=found.end_date, weekdays=found.weekdays, start_minute=found.start_minute,
        end_minute=found.end_minute, break_minutes=found.break_minutes, headcount=found.headcount,
        priority=found.priority)

    with pytest.raises(ServiceError) as refused:
        service.update_request(found, data, actor=world.contact, seen_version=service.version_of(found))

    assert refused.value.message == REFUSAL and refused.value.field == "location_id"
    assert stored(found).location_id == world.here.id
    # The form's own check says it at the field; without keep_region (the planner's import) it may.
    assert service.validate(data, world.ministry.id, found, keep_region=True) == {"location_id": REFUSAL}
    assert service.validate(data, world.ministry.id, found) == {}
