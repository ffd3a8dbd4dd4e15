"""QA round 11 on requests: a planner's cancel says the ministry why, a priority is set on the
priority the page showed (and leaves the ministry's open form alone), a refused decision says
what changed without blaming someone else, and a second identical request can be asked for."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, DeploymentRequest, RequestStatus
from binnenwerk.services import ServiceError
from binnenwerk.services import requests as service

from .edit_forms import post_request_edit, seen_state
from .test_dataio_refusals import REQUEST_HEADER, request_row, run_import, write_csv
from .test_dataio_refusals import world as import_world  # noqa: F401
from .test_intake_stale_qa import file_request, form_on, hidden, small_request
from .test_requests_workflow import in_request, other_tab, request_form, stored, world  # noqa: F401

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

S = RequestStatus
REASON = "De locatie gaat in januari dicht voor een verbouwing."


def flat(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def request_events(request_id: int) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "DeploymentRequest", AuditEvent.object_id == str(request_id))
        .order_by(AuditEvent.id)).all()


# --- 1. a planner's cancel needs a reason, and the ministry reads it ----------------------------------


def test_a_planners_cancel_needs_a_reason_tied_to_its_field_and_keeps_what_was_typed(client, login, world, make):
    req = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value)
    db.session.commit()
    login(world.planner)
    question = client.get(f"/aanvragen/{req.id}/annuleren").get_data(as_text=True)
    assert 'name="reason"' in question and "Reden van annuleren" in question
    assert "Het ministerie ziet deze reden." in question

    empty = client.post(f"/aanvragen/{req.id}/annuleren", data={"reason": "  "})
    page = empty.get_data(as_text=True)
    assert empty.status_code == 422 and "<title>Fout: " in page
    assert re.search(r'<p class="error" id="reason-error">\s*Geef een reden waarom je de aanvraag annuleert.', page)
    assert 'aria-describedby="reason-hint reason-error"' in page
    assert stored(req.id).status == S.ACCEPTED.value

    long = "Te lang. " * 250
    refused = client.post(f"/aanvragen/{req.id}/annuleren", data={"reason": long})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Hoogstens 2000 tekens." in page
    assert long.strip() in page  # what was typed stays, to shorten
    assert stored(req.id).status == S.ACCEPTED.value and request_events(req.id) == []

    done = client.post(f"/aanvragen/{req.id}/annuleren", data={"reason": REASON}, follow_redirects=True)
    assert "De aanvraag is geannuleerd." in done.get_data(as_text=True)
    cancelled = stored(req.id)
    assert (cancelled.status, cancelled.cancel_reason) == (S.CANCELLED.value, REASON)
    # Audited as a decline is: the move, never the reason's words.
    [event] = request_events(req.id)
    assert event.action == "request_geannuleerd" and event.detail.startswith("from=geaccepteerd")
    assert "verbouwing" not in event.detail


def test_the_ministry_reads_that_binnenwerk_cancelled_and_why(client, login, world, make):
    req = make.request(location=world.location, work_type=world.work_type, status=S.SCHEDULED.value)
    db.session.commit()
    login(world.planner)
    client.post(f"/aanvragen/{req.id}/annuleren", data={"reason": REASON})
    client.post("/auth/logout")

    login(world.contact)
    page = flat(client.get(f"/aanvragen/{req.id}"))
    assert f"Binnenwerk heeft deze aanvraag geannuleerd. Reden:</strong> {REASON}" in page
    assert "Geannuleerd door Binnenwerk</span>" in page
    assert "Geannuleerd door Binnenwerk</span>" in flat(client.get("/aanvragen/"))


def test_a_contact_cancels_their_own_request_without_a_reason(client, login, world, make):
    req = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value)
    db.session.commit()
    login(world.contact)
    assert 'name="reason"' not in client.get(f"/aanvragen/{req.id}/annuleren").get_data(as_text=True)
    response = client.post(f"/aanvragen/{req.id}/annuleren", follow_redirects=True)
    page = flat(response)
    assert "De aanvraag is geannuleerd." in page
    assert (stored(req.id).status, stored(req.id).cancel_reason) == (S.CANCELLED.value, "")
    assert "door Binnenwerk" not in page and "Binnenwerk heeft deze aanvraag geannuleerd" not in page


def test_the_service_refuses_an_office_cancel_without_a_reason(make, in_request, world):
    req = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value)
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        service.transition(req, S.CANCELLED.value, actor=world.planner, reason=" ")
    assert (refused.value.field, refused.value.message) == ("reason", "Geef een reden waarom je de aanvraag annuleert.")
    db.session.rollback()
    assert stored(req.id).status == S.ACCEPTED.value
    # The contact's own cancel stores no reason, even when one is passed.
    service.transition(stored(req.id), S.CANCELLED.value, actor=world.contact, reason="Niet nodig")
    assert stored(req.id).cancel_reason == ""


# --- 1b. the import: 'reden_annulering' ----------------------------------------------------------------

CANCEL_HEADER = [*REQUEST_HEADER, "reden_annulering"]


def cancel_row(**changes) -> list[str]:
    row = dict(zip(CANCEL_HEADER, [*request_row(), ""]))
    row.update(changes)
    return [row[c] for c in CANCEL_HEADER]


def test_a_cancel_by_import_needs_a_reason_and_a_reason_needs_the_cancel(import_world, make, runner, tmp_path):
    from .test_dataio_refusals import FUTURE, LATER

    taken = make.request(location=import_world["location"], work_type=import_world["keyboards"], start_date=FUTURE,
                         end_date=LATER, weekdays="135", status=S.ACCEPTED.value)
    db.session.commit()
    same = {"id": str(taken.id), "prioriteit": "normaal"}

    for changes, message in (
        ({"status": "geannuleerd"}, "een aanvraag die je annuleert, heeft een reden nodig: het ministerie leest die"),
        ({"status": "geaccepteerd", "reden_annulering": "Dicht"},
         "vul alleen een reden van annuleren in bij status geannuleerd"),
    ):
        result = run_import(runner, "requests", write_csv(tmp_path, [CANCEL_HEADER, cancel_row(**same, **changes)]))
        assert result.exit_code == 1, result.output
        assert "kolom reden_annulering" in result.output and message in result.output, result.output
        assert stored(taken.id).status == S.ACCEPTED.value

    # Without the column at all, a cancel is refused too (the file says nothing of why).
    path = write_csv(tmp_path, [REQUEST_HEADER, request_row(**same, status="geannuleerd")])
    result = run_import(runner, "requests", path)
    assert result.exit_code == 1 and "heeft een reden nodig" in result.output, result.output

    result = run_import(runner, "requests", write_csv(tmp_path, [
        CANCEL_HEADER, cancel_row(**same, status="geannuleerd", reden_annulering=REASON)]))
    assert result.exit_code == 0, result.output
    assert (stored(taken.id).status, stored(taken.id).cancel_reason) == (S.CANCELLED.value, REASON)
    details = [e.detail for e in request_events(taken.id)]
    assert any(d.startswith("fields=cancel_reason") for d in details) and not any("verbouwing" in d for d in details)

    # A cancelled request keeps its reason (or its lack of one: the ministry cancelled it).
    result = run_import(runner, "requests", write_csv(tmp_path, [
        CANCEL_HEADER, cancel_row(**same, status="geannuleerd", reden_annulering="Iets anders")]))
    assert result.exit_code == 1 and "verandert niet meer" in result.output, result.output


def test_a_request_cancelled_with_a_reason_exports_and_imports_unchanged(import_world, make, runner, tmp_path):
    from .test_dataio_refusals import FUTURE, LATER

    make.request(location=import_world["location"], work_type=import_world["keyboards"], start_date=FUTURE,
                 end_date=LATER, weekdays="135", status=S.CANCELLED.value, cancel_reason="Dicht.\nVerbouwing.")
    make.request(location=import_world["location"], work_type=import_world["keyboards"], start_date=FUTURE,
                 end_date=LATER, weekdays="24", status=S.CANCELLED.value)  # by the ministry: no reason
    db.session.commit()
    first, second = tmp_path / "1.csv", tmp_path / "2.csv"
    assert runner.invoke(args=["export", "requests", str(first)]).exit_code == 0
    assert "reden_annulering" in first.read_text(encoding="utf-8-sig").splitlines()[0]
    result = runner.invoke(args=["import", "requests", str(first)])
    assert result.exit_code == 0 and "0 nieuw, 0 gewijzigd" in result.output, result.output
    assert runner.invoke(args=["export", "requests", str(second)]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_the_cancel_reason_migrates_up_and_down(tmp_path):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    from .test_foundation import scratch_app

    before = "c8e0a2b4d6f9"
    with scratch_app(tmp_path):
        upgrade(revision=before)
        ministry_id = db.session.execute(text(
            "INSERT INTO ministry (code, name, archived) VALUES ('MM', 'Ministerie M', :no) RETURNING id"),
            {"no": False}).scalar_one()
        location_id = db.session.execute(text(
            "INSERT INTO location (code, name, address, postcode, city, region, ministry_id, archived, updated_at) "
            "VALUES ('g-1', 'Gebouw', 'Straat 1', '', 'Zwolle', 'Noord', :m, :no, CURRENT_TIMESTAMP) RETURNING id"),
            {"m": ministry_id, "no": False}).scalar_one()
        work_type_id = db.session.execute(text(
            "INSERT INTO work_type (code, name_nl, name_en, pictogram, colour, archived, updated_at) "
            "VALUES ('keyboards', 'Toetsenborden', 'Keyboards', 'broom', '#2f6b2f', :no, CURRENT_TIMESTAMP) "
            "RETURNING id"), {"no": False}).scalar_one()
        db.session.execute(text(
            "INSERT INTO deployment_request (ministry_id, location_id, work_type_id, start_date, end_date, weekdays, "
            "start_minute, end_minute, break_minutes, headcount, priority, status, decline_reason, contact_name, "
            "contact_phone, access_instructions, notes, changed_since_review, created_at, updated_at) VALUES "
            "(:m, :place, :work, '2026-12-07', '2026-12-31', '12345', 540, 900, 30, 3, 2, 'geannuleerd', '', '', '', "
            "'', '', :no, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
            {"m": ministry_id, "place": location_id, "work": work_type_id, "no": False})
        db.session.commit()

        upgrade()
        assert db.session.execute(text("SELECT cancel_reason FROM deployment_request")).scalars().all() == [""]
        db.session.remove()
        downgrade(revision=before)
        assert "cancel_reason" not in {c["name"] for c in inspect(db.engine).get_columns("deployment_request")}
        db.session.remove()
        upgrade()
        assert "cancel_reason" in {c["name"] for c in inspect(db.engine).get_columns("deployment_request")}


# --- 2. the priority ---------------------------------------------------------------------------------


def test_a_priority_from_a_page_older_than_the_stored_one_is_refused_naming_it(client, login, world, make):
    req = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value, priority=2)
    db.session.commit()
    login(world.planner)
    url = f"/aanvragen/{req.id}/prioriteit"
    mine = form_on(client.get(f"/aanvragen/{req.id}").get_data(as_text=True), url)
    assert mine["seen_priority"] == "2"
    # Another planner (or another tab) sets it high meanwhile.
    theirs = form_on(client.get(f"/aanvragen/{req.id}").get_data(as_text=True), url)
    client.post(url, data={**theirs, "priority": "3"})
    assert stored(req.id).priority == 3

    refused = client.post(url, data={**mine, "priority": "1"}, follow_redirects=True)
    page = flat(refused)
    assert ("De prioriteit is net op hoog gezet, nadat je de pagina opende. Er is niets opgeslagen. "
            "Wil je toch een andere prioriteit? Kies dan opnieuw.") in page
    assert stored(req.id).priority == 3
    assert [e.detail for e in request_events(req.id)] == ["from=2 to=3"]
    # The same choice from the old page (a double click) is simply already so.
    again = client.post(url, data={**mine, "priority": "3"}, follow_redirects=True)
    assert "De prioriteit is net" not in flat(again) and stored(req.id).priority == 3
    # Chosen again on the page as it is now, it is stored.
    now = form_on(client.get(f"/aanvragen/{req.id}").get_data(as_text=True), url)
    client.post(url, data={**now, "priority": "1"})
    assert stored(req.id).priority == 1


def test_a_priority_set_by_the_planner_leaves_the_ministrys_open_form_current(client, login, world):
    """Once taken in the priority is the planner's, and the contact's form does not show it: their
    save is not refused for it, and does not undo it."""
    request_id = file_request(client, login, world)
    login(world.planner)
    client.post(f"/aanvragen/{request_id}/accepteren")
    client.post("/auth/logout")
    assert stored(request_id).status == S.ACCEPTED.value

    login(world.contact)
    edit = f"/aanvragen/{request_id}/wijzigen"
    seen = seen_state(client, edit, "seen_version")
    client.post("/auth/logout")
    login(world.planner)
    client.post(f"/aanvragen/{request_id}/prioriteit", data={"priority": "3", "seen_priority": "2"})
    assert stored(request_id).priority == 3
    client.post("/auth/logout")

    login(world.contact)
    saved = client.post(edit, data={**small_request(world, headcount="4"), "seen_version": seen})
    assert saved.status_code == 302, flat(saved)[:3000]
    assert (stored(request_id).headcount, stored(request_id).priority) == (4, 3)


def test_while_submitted_the_ministry_sees_a_priority_set_since_its_form_opened(client, login, world):
    """The contact's form still has the priority then: a save over the planner's is not silent."""
    request_id = file_request(client, login, world)
    login(world.contact)
    edit = f"/aanvragen/{request_id}/wijzigen"
    seen = seen_state(client, edit, "seen_version")
    client.post("/auth/logout")
    login(world.planner)
    client.post(f"/aanvragen/{request_id}/prioriteit", data={"priority": "3", "seen_priority": "2"})
    client.post("/auth/logout")

    login(world.contact)
    refused = client.post(edit, data={**small_request(world, headcount="4"), "seen_version": seen})
    assert refused.status_code == 409
    assert "Prioriteit: nu opgeslagen hoog, u typte normaal" in flat(refused)
    assert (stored(request_id).headcount, stored(request_id).priority) == (2, 3)


def test_a_ministry_change_still_makes_the_planners_decision_stale_after_a_priority(client, login, world):
    request_id = file_request(client, login, world)
    login(world.planner)
    client.post(f"/aanvragen/{request_id}/accepteren")
    client.post(f"/aanvragen/{request_id}/prioriteit", data={"priority": "3", "seen_priority": "2"})
    page = client.get(f"/aanvragen/{request_id}").get_data(as_text=True)
    schedule = form_on(page, f"/aanvragen/{request_id}/status")
    client.post("/auth/logout")
    login(world.contact)
    assert post_request_edit(client, f"/aanvragen/{request_id}/wijzigen",
                             small_request(world, headcount="6")).status_code == 302
    client.post("/auth/logout")
    login(world.planner)
    response = client.post(f"/aanvragen/{request_id}/status", data=schedule)
    assert response.status_code == 409
    assert "Mensen per dag: was 2, nu 6" in flat(response)
    assert "Prioriteit" not in flat(response).split('id="conflict"')[1].split("</div>")[0]
    assert stored(request_id).status == S.ACCEPTED.value


# --- 3. refused decisions: neutral words, and what changed ----------------------------------------------


def test_a_second_click_on_decline_does_not_blame_someone_else(make, in_request, other_tab):
    req = make.request(status=S.SUBMITTED.value)
    db.session.commit()
    db.session.expire_all()
    first_click = db.session.get(DeploymentRequest, req.id)
    assert first_click.status == S.SUBMITTED.value

    other_tab(lambda: service.transition(db.session.get(DeploymentRequest, req.id), S.DECLINED.value, actor=None,
                                         reason="Geen team vrij."))
    with pytest.raises(ServiceError) as refused:
        service.transition(first_click, S.DECLINED.value, actor=None, reason="Geen team vrij.")
    assert refused.value.message == ("Deze aanvraag is net veranderd: hij is nu afgewezen. "
                                     "Bekijk de aanvraag opnieuw en kies dan wat je wilt doen.")
    assert "Iemand anders" not in refused.value.message


def test_a_stale_decline_names_the_status_it_has_now(client, login, world):
    request_id = file_request(client, login, world)
    login(world.planner)
    intake = client.get("/aanvragen/intake").get_data(as_text=True)
    link = re.search(rf'href="(/aanvragen/{request_id}/afwijzen\?[^"]+)"', intake).group(1).replace("&amp;", "&")
    decline_page = client.get(link).get_data(as_text=True)
    seen = hidden(decline_page, "seen_version")
    client.post(f"/aanvragen/{request_id}/accepteren")  # another planner, another tab
    assert stored(request_id).status == S.ACCEPTED.value

    response = client.post(link, data={"reason": "Geen team vrij.", "seen_version": seen})
    page = flat(response)
    assert response.status_code == 409
    assert "Deze aanvraag is veranderd nadat je de pagina opende. Er is niets opgeslagen." in page
    assert "Dit is er veranderd:" in page and "Status: was ingediend, nu geaccepteerd" in page
    assert "Geen team vrij." in page  # the reason typed stays
    assert stored(request_id).status == S.ACCEPTED.value
    # The decline page opened from the old intake page says so before a reason is typed.
    assert "Status: was ingediend, nu geaccepteerd" in flat(client.get(link))


# --- 4. a second request with the same details, on purpose ---------------------------------------------


def test_a_request_like_a_running_one_is_asked_about_and_filed_when_ticked(client, login, world):
    login(world.contact)
    page = client.get("/aanvragen/nieuw").get_data(as_text=True)
    assert "Meer dan 15 mensen per dag? Dien dan nog een aanvraag in." in page
    assert 'name="same_again"' not in page
    form = request_form(world.location, world.work_type, headcount="15")
    client.post("/aanvragen/nieuw", data=form)
    [first] = db.session.scalars(select(DeploymentRequest)).all()

    key = re.search(r'name="submission" type="hidden" value="([^"]+)"',
                    client.get("/aanvragen/nieuw").get_data(as_text=True)).group(1)
    second = {**form, "submission": key, "contact_name": "Piet Poort"}
    asked = client.post("/aanvragen/nieuw", data=second)
    page = flat(asked)
    assert asked.status_code == 422 and "<title>Fout: " in page
    assert (f"U heeft al een aanvraag met dezelfde gegevens: aanvraag {first.id}. "
            "Er is nog geen tweede gemaakt.") in page
    assert f'href="/aanvragen/{first.id}"' in page and "flash-warning" in page and "flash-success" not in page
    assert "Ja, ik wil nog een aanvraag met dezelfde gegevens (bijvoorbeeld voor meer dan 15 mensen per dag)" in page
    # The box is far down the form: the question leads to it (a QA finding).
    assert '<a href="#same_again">Naar het vakje</a>' in page and 'id="same_again"' in page
    assert 'value="Piet Poort"' in page and f'value="{key}"' in page  # what was typed stays
    assert len(db.session.scalars(select(DeploymentRequest)).all()) == 1

    made = client.post("/aanvragen/nieuw", data={**second, "same_again": "y"})
    assert made.status_code == 302
    requests = db.session.scalars(select(DeploymentRequest).order_by(DeploymentRequest.id)).all()
    assert len(requests) == 2 and requests[1].contact_name == "Piet Poort"
    assert made.headers["Location"].endswith(f"/aanvragen/{requests[1].id}")
    # That same form sent once more (a double click) still makes no third.
    again = client.post("/aanvragen/nieuw", data={**second, "same_again": "y"}, follow_redirects=True)
    assert f"Deze aanvraag had u al ingediend: aanvraag {requests[1].id}. Er is geen tweede gemaakt." in flat(again)
    assert re.search(r'class="flash flash-info"[^>]*>Deze aanvraag had u al ingediend', flat(again))
    assert len(db.session.scalars(select(DeploymentRequest)).all()) == 2


def test_a_request_changed_into_a_running_one_is_asked_about_and_saved_when_ticked(client, login, world):
    """Editing request 19 until it asked what request 18 asks was saved without the question the
    new-request form asks (a QA finding)."""
    login(world.contact)
    form = request_form(world.location, world.work_type)
    client.post("/aanvragen/nieuw", data=form)
    client.post("/aanvragen/nieuw", data={**form, "end_time": "21:00", "break_minutes": "45"})
    first, second = db.session.scalars(select(DeploymentRequest).order_by(DeploymentRequest.id)).all()
    url = f"/aanvragen/{second.id}/wijzigen"
    assert 'name="same_again"' not in client.get(url).get_data(as_text=True)

    asked = post_request_edit(client, url, {**form, "notes": "Tweede ploeg"})
    page = flat(asked)
    assert asked.status_code == 422
    assert (f"Na deze wijziging vraagt deze aanvraag hetzelfde als aanvraag {first.id}. "
            "Uw wijziging is nog niet opgeslagen.") in page
    assert "Ja, ik wil twee aanvragen met dezelfde gegevens" in page and "Tweede ploeg" in page
    db.session.expire_all()
    assert stored(second.id).end_minute == 21 * 60 and stored(second.id).notes in ("", None)

    saved = post_request_edit(client, url, {**form, "notes": "Tweede ploeg", "same_again": "y"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert stored(second.id).end_minute == 15 * 60 and stored(second.id).notes == "Tweede ploeg"
    # Twins already: changing only what is not asked (the notes) asks nothing.
    again = post_request_edit(client, url, {**form, "notes": "Derde ploeg"})
    assert again.status_code == 302 and stored(second.id).notes == "Derde ploeg"
