"""The planner decides on the request their page showed: an accept, decline, review or status
change sent from a page older than the request is refused, with what changed, and nothing stored."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, DeploymentRequest, RequestStatus
from binnenwerk.services import requests as service

from .edit_forms import post_request_edit
from .test_requests_workflow import audit_actions, next_monday, request_form, stored, world  # noqa: F401

S = RequestStatus


def small_request(world, **overrides) -> dict:
    """2 people, Monday to Wednesday 09:00-12:00 (the tester's request)."""
    data = request_form(world.location, world.work_type, headcount="2", weekdays=["1", "2", "3"],
                        start_time="09:00", end_time="12:00", break_minutes="0")
    data.update(overrides)
    return data


def file_request(client, login, world, **overrides) -> int:
    login(world.contact)
    client.post("/aanvragen/nieuw", data=small_request(world, **overrides))
    client.post("/auth/logout")
    return db.session.scalars(select(DeploymentRequest.id).order_by(DeploymentRequest.id.desc())).first()


def change_request(client, login, world, request_id: int, *, back=None, **overrides) -> None:
    """The contact changes the request; then `back` (the planner) logs in again. The planner's page
    is the HTML the test holds: it does not change."""
    client.post("/auth/logout")
    login(world.contact)
    response = post_request_edit(client, f"/aanvragen/{request_id}/wijzigen", small_request(world, **overrides))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    client.post("/auth/logout")
    if back is not None:
        login(back)


def hidden(page: str, name: str) -> str:
    return re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page).group(1)


def form_on(page: str, action: str) -> dict:
    """What the browser sends for the POST form with this action on the page (hidden inputs)."""
    found = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', page, re.S)
    assert found, f"no form for {action}"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', found.group(1)))


def test_an_accept_from_an_intake_page_older_than_the_request_is_refused_and_shows_what_changed(
        client, login, world):
    request_id = file_request(client, login, world)
    login(world.planner)
    intake = client.get("/aanvragen/intake").get_data(as_text=True)
    assert "Accepteren" in intake
    accept = form_on(intake, f"/aanvragen/{request_id}/accepteren")
    assert accept["seen_version"] and accept["next"] == "intake"

    change_request(client, login, world, request_id, back=world.planner, headcount="12",
                   weekdays=["1", "2", "3", "4", "5"], start_time="07:00", end_time="15:00", break_minutes="30")
    response = client.post(f"/aanvragen/{request_id}/accepteren", data=accept)

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    # Refused: said in the title too (a screen reader hears it first, WCAG 3.3.1); forms.js moves
    # the focus to the box.
    assert "<title>Fout: " in page and 'id="conflict"' in page
    assert "Deze aanvraag is veranderd nadat je de pagina opende. Er is niets opgeslagen." in page
    assert "Mensen per dag: was 2, nu 12" in page
    assert "Begintijd: was 09:00, nu 07:00" in page and "Eindtijd: was 12:00, nu 15:00" in page
    assert "De aanvraag is geaccepteerd." not in page
    assert stored(request_id).status == S.SUBMITTED.value
    assert "request_geaccepteerd" not in audit_actions(request_id)

    # The page of the refusal shows the request as it is now: accepting from it accepts that.
    again = client.post(f"/aanvragen/{request_id}/accepteren",
                        data=form_on(page, f"/aanvragen/{request_id}/accepteren"), follow_redirects=True)
    assert "De aanvraag is geaccepteerd." in again.get_data(as_text=True)
    assert stored(request_id).status == S.ACCEPTED.value


def test_an_accept_from_a_current_page_is_not_held_up(client, login, world):
    request_id = file_request(client, login, world)
    login(world.planner)
    page = client.get(f"/aanvragen/{request_id}").get_data(as_text=True)
    response = client.post(f"/aanvragen/{request_id}/accepteren",
                           data=form_on(page, f"/aanvragen/{request_id}/accepteren"), follow_redirects=True)
    assert "De aanvraag is geaccepteerd." in response.get_data(as_text=True)
    assert stored(request_id).status == S.ACCEPTED.value


def test_a_decline_of_a_request_changed_since_keeps_the_reason_and_shows_what_changed(client, login, world):
    request_id = file_request(client, login, world)
    login(world.planner)
    intake = client.get("/aanvragen/intake").get_data(as_text=True)
    link = re.search(rf'href="(/aanvragen/{request_id}/afwijzen\?versie=[^"]+)"', intake)
    assert link, "the decline link carries the version the intake showed"
    decline_page = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "veranderd" not in decline_page
    seen = hidden(decline_page, "seen_version")

    change_request(client, login, world, request_id, back=world.planner, headcount="12")
    response = client.post(f"/aanvragen/{request_id}/afwijzen",
                           data={"reason": "Geen team vrij in die weken.", "seen_version": seen})

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Deze aanvraag is veranderd nadat je de pagina opende. Er is niets opgeslagen." in page
    assert "Mensen per dag: was 2, nu 12" in page
    assert "Geen team vrij in die weken." in page  # the reason typed is not lost
    assert "<title>Fout: " in page
    assert stored(request_id).status == S.SUBMITTED.value and stored(request_id).decline_reason in (None, "")
    assert "request_afgewezen" not in audit_actions(request_id)

    now = hidden(page, "seen_version")
    assert now == service.version_of(stored(request_id))
    client.post(f"/aanvragen/{request_id}/afwijzen", data={"reason": "Geen team vrij.", "seen_version": now})
    assert stored(request_id).status == S.DECLINED.value


def test_the_decline_page_opened_from_an_older_page_says_what_changed_before_a_reason_is_typed(
        client, login, world):
    request_id = file_request(client, login, world)
    login(world.planner)
    page = client.get(f"/aanvragen/{request_id}").get_data(as_text=True)
    link = re.search(rf'href="(/aanvragen/{request_id}/afwijzen\?versie=[^"]+)"', page).group(1)
    change_request(client, login, world, request_id, back=world.planner, headcount="12")
    decline_page = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "Deze aanvraag is veranderd nadat je hem bekeek." in decline_page
    assert "Mensen per dag: was 2, nu 12" in decline_page
    assert f'name="seen_version" value="{service.version_of(stored(request_id))}"' in decline_page


def test_marking_reviewed_from_an_older_page_keeps_the_new_changes_flagged(client, login, world):
    start = next_monday()
    request_id = file_request(client, login, world, access_instructions="Melden bij de receptie")
    login(world.planner)
    client.post(f"/aanvragen/{request_id}/accepteren")
    change_request(client, login, world, request_id, back=world.planner, headcount="10",
                   access_instructions="Melden bij de receptie")
    page = client.get(f"/aanvragen/{request_id}").get_data(as_text=True)
    assert "Mensen per dag: was 2, nu 10" in page
    reviewed = form_on(page, f"/aanvragen/{request_id}/bekeken")
    later = start + dt.timedelta(days=7)
    change_request(client, login, world, request_id, back=world.planner, headcount="10", start_date=later.isoformat(),
                   access_instructions="Bellen bij de achterdeur")

    response = client.post(f"/aanvragen/{request_id}/bekeken", data=reviewed)

    refused = response.get_data(as_text=True)
    assert response.status_code == 409
    box = refused.split('id="conflict"')[1].split("</div>")[0]
    assert "Eerste dag: was" in box
    assert "Toegang tot het gebouw: was Melden bij de receptie, nu Bellen bij de achterdeur" in box
    assert "Mensen per dag" not in box  # seen on the page: not new
    assert stored(request_id).changed_since_review
    assert "request_reviewed" not in audit_actions(request_id)

    # From the page that shows the new changes, marking reviewed works.
    client.post(f"/aanvragen/{request_id}/bekeken", data=form_on(refused, f"/aanvragen/{request_id}/bekeken"))
    assert not stored(request_id).changed_since_review


def test_a_form_without_a_version_is_still_taken_as_before(client, login, world):
    # A form of a page served before versions were sent: no worse than before the fix.
    request_id = file_request(client, login, world)
    login(world.planner)
    client.post(f"/aanvragen/{request_id}/accepteren")
    assert stored(request_id).status == S.ACCEPTED.value


def test_the_service_refuses_a_stale_version_even_when_it_changed_after_the_check(make, world):
    req = make.request(location=world.location, work_type=world.work_type, status=S.SUBMITTED.value,
                       ministry=world.ministry)
    db.session.commit()
    seen = service.version_of(req)
    # Another session changes the request between the page and the accept.
    db.session.execute(
        DeploymentRequest.__table__.update().where(DeploymentRequest.id == req.id)
        .values(updated_at=req.updated_at + dt.timedelta(seconds=1), headcount=9))
    db.session.commit()
    db.session.expire_all()
    try:
        service.transition(db.session.get(DeploymentRequest, req.id), S.ACCEPTED.value, actor=None,
                           seen_version=seen)
    except service.StaleRequest as error:
        assert error.field == "conflict"
    else:
        raise AssertionError("a stale accept went through")
    assert stored(req.id).status == S.SUBMITTED.value


def test_the_history_counts_from_the_accept_not_from_the_filing(client, login, world):
    request_id = file_request(client, login, world)
    change_request(client, login, world, request_id, back=world.planner, headcount="3")
    page = client.get(f"/aanvragen/{request_id}").get_data(as_text=True)
    client.post(f"/aanvragen/{request_id}/accepteren", data=form_on(page, f"/aanvragen/{request_id}/accepteren"))
    change_request(client, login, world, request_id, back=world.planner, headcount="2")
    page = client.get(f"/aanvragen/{request_id}").get_data(as_text=True)
    assert "weer teruggezet" not in page
    assert "Mensen per dag: was 3, nu 2" in page
    assert [c.name for c in service.changes_since_review(stored(request_id))] == ["headcount"]


def test_the_history_counts_from_the_last_scheduling_too(client, login, world):
    request_id = file_request(client, login, world)
    login(world.planner)
    client.post(f"/aanvragen/{request_id}/accepteren")
    change_request(client, login, world, request_id, back=world.planner, headcount="3")
    # Scheduling clears the flag: the planner scheduled what the page showed (3).
    page = client.get(f"/aanvragen/{request_id}").get_data(as_text=True)
    client.post(f"/aanvragen/{request_id}/status", data={"status": "ingepland", **form_on(
        page, f"/aanvragen/{request_id}/status")})
    assert stored(request_id).status == S.SCHEDULED.value and not stored(request_id).changed_since_review
    change_request(client, login, world, request_id, back=world.planner, headcount="4")
    assert "Mensen per dag: was 3, nu 4" in client.get(f"/aanvragen/{request_id}").get_data(as_text=True)


def test_a_change_keeps_the_version_it_was_made_on_even_when_a_long_text_cuts_its_detail_short(
        client, login, world):
    request_id = file_request(client, login, world)
    login(world.planner)
    page = client.get(f"/aanvragen/{request_id}").get_data(as_text=True)
    accept = form_on(page, f"/aanvragen/{request_id}/accepteren")
    change_request(client, login, world, request_id, back=world.planner, headcount="5", access_instructions="x" * 1990)
    change_request(client, login, world, request_id, back=world.planner, headcount="5", access_instructions="y" * 1990)
    details = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "request_changed")).all()
    assert all(d.split(service.BEFORE_MARK)[1].startswith('{"updated_at": "') for d in details)
    assert any(len(d) == 2000 for d in details)  # the audit row keeps 2,000 characters
    response = client.post(f"/aanvragen/{request_id}/accepteren", data=accept)
    assert response.status_code == 409
    assert "Mensen per dag: was 2, nu 5" in response.get_data(as_text=True)


def test_a_priority_set_since_the_page_was_opened_is_named_with_its_value_then_and_now(client, login, world):
    """Another planner's priority is a change too: the refusal says what it was and is."""
    request_id = file_request(client, login, world)
    login(world.planner)
    intake = client.get("/aanvragen/intake").get_data(as_text=True)
    accept = form_on(intake, f"/aanvragen/{request_id}/accepteren")
    detail = client.get(f"/aanvragen/{request_id}").get_data(as_text=True)
    client.post(f"/aanvragen/{request_id}/prioriteit",
                data={**form_on(detail, f"/aanvragen/{request_id}/prioriteit"), "priority": "3"})
    assert stored(request_id).priority == 3

    response = client.post(f"/aanvragen/{request_id}/accepteren", data=accept)
    page = re.sub(r"\s+", " ", response.get_data(as_text=True))
    assert response.status_code == 409
    assert "Prioriteit: was normaal, nu hoog" in page
    assert stored(request_id).status == S.SUBMITTED.value
