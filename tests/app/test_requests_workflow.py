"""A deployment request from submission to cancellation, through the browser-facing pages."""
from __future__ import annotations

import datetime as dt
import itertools
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, DeploymentRequest, RequestStatus
from binnenwerk.services import ServiceError
from binnenwerk.services import requests as service

from .edit_forms import post_request_edit

S = RequestStatus


def next_monday(weeks: int = 1) -> dt.date:
    today = dt.date.today()
    return today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks)


def request_form(location, work_type, **overrides) -> dict:
    start = next_monday()
    data = {
        "location_id": str(location.id), "work_type_id": str(work_type.id),
        "start_date": start.isoformat(), "end_date": (start + dt.timedelta(days=25)).isoformat(),
        "weekdays": ["1", "3", "5"], "start_time": "09:00", "end_time": "15:00", "break_minutes": "30",
        "headcount": "3", "priority": "2", "contact_name": "Jan Balie", "contact_phone": "070-1234567",
        "access_instructions": "Melden bij de receptie", "notes": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def world(make):
    ministry = make.ministry(name="Ministerie van Eigen Zaken")
    other = make.ministry(name="Ministerie van Andere Zaken")
    return SimpleNamespace(
        ministry=ministry, other=other,
        location=make.location(region="Noord", ministry=ministry, name="Eigen Gebouw"),
        archived_location=make.location(region="Noord", ministry=ministry, name="Oud Gebouw", archived=True),
        other_location=make.location(region="Noord", ministry=other, name="Ander Gebouw"),
        work_type=make.work_type(name_nl="Toetsenborden reinigen"),
        contact=make.user(role="ministry_contact", ministry=ministry),
        other_contact=make.user(role="ministry_contact", ministry=other),
        planner=make.user(role="planner"),
    )


def audit_actions(request_id: int) -> list[str]:
    return list(db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "DeploymentRequest",
                                        AuditEvent.object_id == str(request_id)).order_by(AuditEvent.id)
    ))


def stored(request_id: int) -> DeploymentRequest:
    db.session.expire_all()
    return db.session.get(DeploymentRequest, request_id)


def test_contact_creates_a_request_for_an_own_location(client, login, world):
    login(world.contact)
    page = client.get("/aanvragen/nieuw").get_data(as_text=True)
    assert "Eigen Gebouw" in page
    assert "Ander Gebouw" not in page and "Oud Gebouw" not in page

    response = client.post("/aanvragen/nieuw", data=request_form(world.location, world.work_type))

    assert response.status_code == 302
    created = db.session.scalars(select(DeploymentRequest)).one()
    assert (created.status, created.ministry_id, created.location_id) == (S.SUBMITTED.value, world.ministry.id, world.location.id)
    assert (created.weekdays, created.start_minute, created.end_minute, created.break_minutes) == ("135", 540, 900, 30)
    assert (created.headcount, created.priority, created.contact_name) == (3, 2, "Jan Balie")
    assert created.created_by_id == world.contact.id
    assert audit_actions(created.id) == ["request_created"]
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Uw aanvraag is verstuurd" in detail and "Ingediend" in detail


def test_the_whole_workflow_from_intake_to_cancellation(client, login, world):
    login(world.contact)
    client.post("/aanvragen/nieuw", data=request_form(world.location, world.work_type))
    request_id = db.session.scalars(select(DeploymentRequest.id)).one()
    client.post("/auth/logout")

    login(world.planner)
    intake = client.get("/aanvragen/intake").get_data(as_text=True)
    assert "Eigen Gebouw" in intake and "Accepteren" in intake
    page = client.post(f"/aanvragen/{request_id}/accepteren", data={"next": "intake"}, follow_redirects=True)
    assert "De aanvraag is geaccepteerd." in page.get_data(as_text=True)
    assert "Er zijn geen nieuwe of gewijzigde aanvragen." in page.get_data(as_text=True)
    assert stored(request_id).status == S.ACCEPTED.value
    client.post("/auth/logout")

    # The ministry changes the accepted request: it goes back to the planner.
    login(world.contact)
    response = post_request_edit(client, f"/aanvragen/{request_id}/wijzigen",
                           request_form(world.location, world.work_type, headcount="5"), follow_redirects=True)
    assert "De planner kijkt er opnieuw naar." in response.get_data(as_text=True)
    changed = stored(request_id)
    assert changed.headcount == 5 and changed.changed_since_review and changed.status == S.ACCEPTED.value
    client.post("/auth/logout")

    login(world.planner)
    intake = client.get("/aanvragen/intake").get_data(as_text=True)
    assert "Eigen Gebouw" in intake and "Gewijzigd" in intake
    client.post(f"/aanvragen/{request_id}/bekeken", data={"next": "intake"})
    assert not stored(request_id).changed_since_review
    assert "Eigen Gebouw" not in client.get("/aanvragen/intake").get_data(as_text=True)

    client.post(f"/aanvragen/{request_id}/status", data={"status": "ingepland"})
    assert stored(request_id).status == S.SCHEDULED.value
    # Accepting a scheduled request is not a legal step: refused in Dutch, nothing changes.
    page = client.post(f"/aanvragen/{request_id}/accepteren", follow_redirects=True).get_data(as_text=True)
    assert "Een aanvraag die ingepland is, kan niet geaccepteerd worden." in page
    assert stored(request_id).status == S.SCHEDULED.value
    client.post("/auth/logout")

    login(world.contact)
    assert "Ja, annuleer de aanvraag" in client.get(f"/aanvragen/{request_id}/annuleren").get_data(as_text=True)
    page = client.post(f"/aanvragen/{request_id}/annuleren", follow_redirects=True).get_data(as_text=True)
    assert "De aanvraag is geannuleerd." in page
    cancelled = stored(request_id)
    assert cancelled.status == S.CANCELLED.value
    assert cancelled.changed_since_review, "a cancelled planned request must reach the planner"
    # A cancelled request cannot be changed or cancelled again.
    page = client.get(f"/aanvragen/{request_id}/wijzigen", follow_redirects=True).get_data(as_text=True)
    assert "kan niet meer veranderen" in page
    page = client.post(f"/aanvragen/{request_id}/annuleren", follow_redirects=True).get_data(as_text=True)
    assert "Deze aanvraag is al geannuleerd." in page

    assert audit_actions(request_id) == [
        "request_created", "request_geaccepteerd", "request_changed", "request_reviewed",
        "request_ingepland", "request_geannuleerd",
    ]


def test_planner_declines_only_with_a_reason_and_the_ministry_sees_it(client, login, world, make):
    req = make.request(location=world.location, work_type=world.work_type, status=S.SUBMITTED.value)
    login(world.planner)
    response = client.post(f"/aanvragen/{req.id}/afwijzen", data={"reason": "  "})
    assert response.status_code == 422
    assert "Geef een reden waarom je de aanvraag afwijst." in response.get_data(as_text=True)
    assert stored(req.id).status == S.SUBMITTED.value

    response = client.post(f"/aanvragen/{req.id}/afwijzen", data={"reason": "Geen team vrij in die weken."})
    assert response.status_code == 302
    declined = stored(req.id)
    assert (declined.status, declined.decline_reason) == (S.DECLINED.value, "Geen team vrij in die weken.")
    client.post("/auth/logout")

    login(world.contact)
    page = client.get(f"/aanvragen/{req.id}").get_data(as_text=True)
    assert "Afgewezen" in page and "Geen team vrij in die weken." in page
    assert "Wijzigen" not in page


def test_a_change_to_a_submitted_request_does_not_flag_it_as_changed(client, login, world, make):
    req = make.request(location=world.location, work_type=world.work_type, status=S.SUBMITTED.value,
                       start_date=next_monday(), end_date=next_monday() + dt.timedelta(days=4))
    login(world.contact)
    post_request_edit(client, f"/aanvragen/{req.id}/wijzigen", request_form(
        world.location, world.work_type, start_date=next_monday().isoformat(),
        end_date=(next_monday() + dt.timedelta(days=4)).isoformat(), notes="Graag vroeg beginnen"))
    changed = stored(req.id)
    assert changed.notes == "Graag vroeg beginnen" and not changed.changed_since_review


def test_a_running_request_keeps_its_start_date_in_the_past(client, login, world, make):
    started = dt.date.today() - dt.timedelta(days=14)
    req = make.request(location=world.location, work_type=world.work_type, start_date=started,
                       end_date=dt.date.today() + dt.timedelta(days=30), weekdays="12345")
    login(world.contact)
    response = post_request_edit(client, f"/aanvragen/{req.id}/wijzigen", request_form(
        world.location, world.work_type, start_date=started.isoformat(),
        end_date=(dt.date.today() + dt.timedelta(days=30)).isoformat(), weekdays=list("12345"), headcount="4"))
    assert response.status_code == 302
    assert stored(req.id).headcount == 4


@pytest.mark.usefixtures("before_work_on_7_december")
def test_the_edit_form_shows_the_stored_values(client, login, world, make):
    req = make.request(location=world.location, work_type=world.work_type, start_minute=8 * 60 + 30,
                       end_minute=12 * 60, break_minutes=0, weekdays="24")
    login(world.contact)
    page = client.get(f"/aanvragen/{req.id}/wijzigen").get_data(as_text=True)
    assert 'value="08:30"' in page and 'value="12:00"' in page
    checked = set(re.findall(r'<input checked[^>]*name="weekdays"[^>]*value="(\d)"', page))
    assert checked == {"2", "4"}


@pytest.fixture
def in_request(app):
    """Service calls translate their messages, which needs a request (the locale lives in it)."""
    with app.test_request_context():
        yield


ALL = [s.value for s in S]
LEGAL = {
    (S.SUBMITTED.value, S.ACCEPTED.value), (S.SUBMITTED.value, S.DECLINED.value),
    (S.SUBMITTED.value, S.CANCELLED.value), (S.ACCEPTED.value, S.SCHEDULED.value),
    (S.ACCEPTED.value, S.CANCELLED.value), (S.ACCEPTED.value, S.DECLINED.value), (S.SCHEDULED.value, S.COMPLETED.value),
    (S.SCHEDULED.value, S.CANCELLED.value),
}


def test_every_status_transition_is_allowed_or_refused_as_the_table_says(make, in_request):
    # One request walked through all 36 (current, new) pairs: fast, and each pair is named on failure.
    # Its days have gone by, so it may be completed.
    req = make.request(start_date=dt.date.today() - dt.timedelta(days=30), end_date=dt.date.today() - dt.timedelta(days=1))
    for current, new in itertools.product(ALL, ALL):
        req.status = current
        db.session.commit()
        if (current, new) in LEGAL:
            service.transition(req, new, actor=None, reason="Reden")
            assert stored(req.id).status == new, (current, new)
        else:
            with pytest.raises(ServiceError) as refused:
                service.transition(req, new, actor=None, reason="Reden")
            expected = "is al" if current == new else "kan niet"
            assert expected in refused.value.message, (current, new)
            db.session.rollback()
            assert stored(req.id).status == current, (current, new)


def test_declining_without_a_reason_is_refused_by_the_service(make, in_request):
    req = make.request(status=S.SUBMITTED.value)
    with pytest.raises(ServiceError, match="Geef een reden"):
        service.transition(req, S.DECLINED.value, actor=None, reason=" ")


def test_mark_reviewed_refuses_an_unchanged_request(make, in_request):
    req = make.request(status=S.ACCEPTED.value)
    with pytest.raises(ServiceError, match="geen wijzigingen"):
        service.mark_reviewed(req, actor=None)


def test_admin_reads_the_intake_but_cannot_act(client, login, world, make):
    req = make.request(location=world.location, work_type=world.work_type, status=S.SUBMITTED.value)
    login(make.user(role="admin"))
    page = client.get("/aanvragen/intake").get_data(as_text=True)
    assert "Eigen Gebouw" in page and "Accepteren" not in page
    assert client.post(f"/aanvragen/{req.id}/accepteren").status_code == 403
    assert stored(req.id).status == S.SUBMITTED.value


@pytest.mark.parametrize("role", ["planner", "admin"])
def test_the_office_opening_the_requests_address_lands_on_the_intake(client, login, world, make, role):
    """The menu says "Aanvragen": /aanvragen/ is the contact's list, and for the office the intake, not a 403."""
    make.request(location=world.location, work_type=world.work_type, status=S.SUBMITTED.value)
    login(make.user(role=role))
    response = client.get("/aanvragen/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/aanvragen/intake")
    assert "Eigen Gebouw" in client.get("/aanvragen/", follow_redirects=True).get_data(as_text=True)


def test_a_team_leader_still_may_not_open_the_requests(client, login, make):
    login(make.user(role="team_leader"))
    assert client.get("/aanvragen/").status_code == 403


def test_all_requests_list_filters_by_status_ministry_and_region(client, login, world, make):
    south = make.location(region="Zuid", ministry=world.other, name="Zuider Gebouw")
    make.request(location=world.location, work_type=world.work_type, status=S.SUBMITTED.value)
    make.request(location=south, work_type=world.work_type, status=S.ACCEPTED.value)
    login(world.planner)
    assert "Zuider Gebouw" in client.get("/aanvragen/alle").get_data(as_text=True)
    by_status = client.get("/aanvragen/alle?status=ingediend").get_data(as_text=True)
    assert "Eigen Gebouw" in by_status and "Zuider Gebouw" not in by_status
    by_ministry = client.get(f"/aanvragen/alle?ministerie={world.other.id}").get_data(as_text=True)
    assert "Zuider Gebouw" in by_ministry and "Eigen Gebouw</a>" not in by_ministry
    by_region = client.get("/aanvragen/alle?regio=Noord").get_data(as_text=True)
    assert "Eigen Gebouw" in by_region and "Zuider Gebouw" not in by_region
    # Nonsense filters are ignored, never an error.
    assert client.get("/aanvragen/alle?status=x&ministerie=99999999999999999999&regio=" + "x" * 500).status_code == 200


def test_two_contacts_changing_the_same_request_never_overwrite_each_other(client, login, world, make):
    req = make.request(location=world.location, work_type=world.work_type, status=S.SUBMITTED.value,
                       start_date=next_monday(), end_date=next_monday() + dt.timedelta(days=4))
    login(world.contact)
    page = client.get(f"/aanvragen/{req.id}/wijzigen").get_data(as_text=True)
    seen = re.search(r'name="seen_version"[^>]*value="([^"]*)"', page) or re.search(
        r'value="([^"]*)"[^>]*name="seen_version"', page)
    assert seen and seen.group(1)
    form = dict(request_form(world.location, world.work_type, start_date=next_monday().isoformat(),
                             end_date=(next_monday() + dt.timedelta(days=4)).isoformat()),
                seen_version=seen.group(1))

    first = client.post(f"/aanvragen/{req.id}/wijzigen", data={**form, "notes": "Eerste wijziging"})
    assert first.status_code == 302 and stored(req.id).notes == "Eerste wijziging"

    second = client.post(f"/aanvragen/{req.id}/wijzigen", data={**form, "notes": "Tweede, op oude gegevens"},
                         follow_redirects=True)
    assert "Deze aanvraag is net veranderd, door iemand anders of in een ander venster" in second.get_data(as_text=True)
    assert stored(req.id).notes == "Eerste wijziging"


# --- archived locations and ministries ----------------------------------------------------------


def test_a_request_at_an_archived_location_cannot_be_accepted(client, login, world, make):
    req = make.request(location=world.archived_location, work_type=world.work_type, status=S.SUBMITTED.value,
                       start_date=next_monday(), end_date=next_monday() + dt.timedelta(days=4))
    login(world.planner)
    response = client.post(f"/aanvragen/{req.id}/accepteren", data={}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Locatie Oud Gebouw is gearchiveerd" in page and "De aanvraag is geaccepteerd." not in page
    assert stored(req.id).status == S.SUBMITTED.value and audit_actions(req.id) == []
    # Declining it stays possible: the ministry hears why.
    client.post(f"/aanvragen/{req.id}/afwijzen", data={"reason": "Deze locatie is gesloten."})
    assert stored(req.id).status == S.DECLINED.value


def test_a_request_of_an_archived_ministry_cannot_be_accepted(client, login, world, make):
    req = make.request(location=world.location, work_type=world.work_type, status=S.SUBMITTED.value,
                       start_date=next_monday(), end_date=next_monday() + dt.timedelta(days=4))
    world.ministry.archived = True
    login(world.planner)
    page = client.post(f"/aanvragen/{req.id}/accepteren", data={}, follow_redirects=True).get_data(as_text=True)
    assert "Ministerie van Eigen Zaken is gearchiveerd" in page
    assert stored(req.id).status == S.SUBMITTED.value


def test_the_contact_of_an_archived_ministry_cannot_file_a_request(client, login, world):
    world.ministry.archived = True
    login(world.contact)
    form_page = client.get("/aanvragen/nieuw", follow_redirects=True).get_data(as_text=True)
    assert "Uw ministerie is gearchiveerd" in form_page and 'name="start_date"' not in form_page
    response = client.post("/aanvragen/nieuw", data=request_form(world.location, world.work_type))
    assert response.status_code == 422
    assert "Uw ministerie is gearchiveerd" in response.get_data(as_text=True)
    assert db.session.scalars(select(DeploymentRequest)).all() == []


# --- two planners acting on the same request at once -------------------------------------------


@pytest.fixture
def other_tab(app):
    """Run a call as if from a second browser tab: its own app context, so its own database session."""

    def run(call):
        with app.app_context(), app.test_request_context():
            assert db.session is not None
            result = call()
            db.session.remove()
            return result

    return run


def _stale_copy(request_id: int) -> DeploymentRequest:
    """The request as the first tab loaded it, before the other tab acts."""
    db.session.expire_all()
    loaded = db.session.get(DeploymentRequest, request_id)
    assert loaded.status == S.SUBMITTED.value  # loaded now, not lazily after the other tab's commit
    return loaded


def _act(request_id: int, new_status: str, reason: str = ""):
    return lambda: service.transition(db.session.get(DeploymentRequest, request_id), new_status,
                                      actor=None, reason=reason)


def test_accept_and_decline_at_once_exactly_one_wins(make, in_request, other_tab):
    req = make.request(status=S.SUBMITTED.value)
    db.session.commit()
    first_tab = _stale_copy(req.id)

    other_tab(_act(req.id, S.ACCEPTED.value))
    with pytest.raises(ServiceError) as refused:
        service.transition(first_tab, S.DECLINED.value, actor=None, reason="Geen team vrij.")

    assert refused.value.field == "conflict"
    assert "Deze aanvraag is net veranderd: hij is nu geaccepteerd." in refused.value.message
    assert "geaccepteerd" in refused.value.message
    final = stored(req.id)
    assert (final.status, final.decline_reason) == (S.ACCEPTED.value, "")
    assert audit_actions(req.id) == ["request_geaccepteerd"]


def test_decline_and_accept_at_once_leave_the_decline_whole(make, in_request, other_tab):
    req = make.request(status=S.SUBMITTED.value)
    db.session.commit()
    first_tab = _stale_copy(req.id)

    other_tab(_act(req.id, S.DECLINED.value, reason="Geen team vrij."))
    with pytest.raises(ServiceError, match="net veranderd"):
        service.transition(first_tab, S.ACCEPTED.value, actor=None)

    final = stored(req.id)
    assert (final.status, final.decline_reason) == (S.DECLINED.value, "Geen team vrij.")
    assert audit_actions(req.id) == ["request_afgewezen"]


def test_a_double_accept_succeeds_once(make, in_request, other_tab):
    req = make.request(status=S.SUBMITTED.value)
    db.session.commit()
    first_tab = _stale_copy(req.id)

    other_tab(_act(req.id, S.ACCEPTED.value))
    with pytest.raises(ServiceError, match="net veranderd"):
        service.transition(first_tab, S.ACCEPTED.value, actor=None)

    assert stored(req.id).status == S.ACCEPTED.value
    assert audit_actions(req.id) == ["request_geaccepteerd"]


# --- cancelling only what can still be cancelled ---------------------------------------------------


@pytest.mark.parametrize("status", [S.CANCELLED.value, S.DECLINED.value, S.COMPLETED.value])
def test_the_cancel_page_of_a_request_that_cannot_be_cancelled_sends_back(client, login, world, make, status):
    req = make.request(location=world.location, work_type=world.work_type, status=status)
    login(world.contact)

    response = client.get(f"/aanvragen/{req.id}/annuleren")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/aanvragen/{req.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    label = service.status_label(status).lower()
    # Already cancelled: said plainly, not "a cancelled request cannot be cancelled" (a QA finding).
    said = ("Deze aanvraag is al geannuleerd." if status == S.CANCELLED.value
            else f"Een aanvraag die {label} is, kan niet geannuleerd worden.")
    assert said in page
    assert "Ja, annuleer de aanvraag" not in page

    response = client.post(f"/aanvragen/{req.id}/annuleren")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/aanvragen/{req.id}")
    assert said in client.get(response.headers["Location"]).get_data(as_text=True)
    assert stored(req.id).status == status
    assert audit_actions(req.id) == []


@pytest.mark.usefixtures("before_work_on_7_december")
def test_the_cancel_page_still_asks_for_a_running_request(client, login, world, make):
    req = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value)
    login(world.contact)
    assert "Ja, annuleer de aanvraag" in client.get(f"/aanvragen/{req.id}/annuleren").get_data(as_text=True)


# --- how a request's period reads -------------------------------------------------------------------


def test_a_one_day_request_shows_one_date_and_another_year_shows_the_year(client, login, world, make):
    this_year = dt.date.today().year
    make.request(location=world.location, work_type=world.work_type, start_date=dt.date(this_year, 12, 10),
                 end_date=dt.date(this_year, 12, 10), weekdays="1234567")
    later = make.request(location=world.location, work_type=world.work_type,
                         start_date=dt.date(this_year + 1, 4, 26), end_date=dt.date(this_year + 1, 5, 7))
    login(world.contact)

    index = client.get("/aanvragen/").get_data(as_text=True)
    assert re.search(r"<td>\w+ 10 dec</td>", index), "one day: one date, no year in this year"
    assert f"26 apr – " in index and f"7 mei {this_year + 1}" in index
    detail = client.get(f"/aanvragen/{later.id}").get_data(as_text=True)
    assert f"7 mei {this_year + 1}" in detail
    assert f"7 mei {this_year + 1}" in client.get(f"/aanvragen/{later.id}/annuleren").get_data(as_text=True)


def test_a_period_names_the_year_once_or_at_both_ends(app):
    from flask_babel import force_locale

    from binnenwerk.formatting import date_period

    today = dt.date(2026, 12, 5)
    with app.test_request_context(), force_locale("nl"):
        assert date_period(dt.date(2026, 12, 10), dt.date(2026, 12, 10), today) == "do 10 dec"
        assert date_period(dt.date(2026, 12, 7), dt.date(2026, 12, 31), today) == "ma 7 dec – do 31 dec"
        assert date_period(dt.date(2027, 4, 26), dt.date(2027, 5, 7), today) == "ma 26 apr – vr 7 mei 2027"
        assert date_period(dt.date(2027, 3, 4), dt.date(2027, 3, 4), today) == "do 4 mrt 2027"
        assert date_period(dt.date(2026, 12, 28), dt.date(2027, 1, 8), today) == "ma 28 dec 2026 – vr 8 jan 2027"


def test_an_unchanged_save_of_imported_lines_is_no_change(client, login, world, make):
    """An import stores line breaks as LF, a browser sends a text area's as CRLF: the same text."""
    start = next_monday()
    req = make.request(location=world.location, work_type=world.work_type, start_date=start,
                       end_date=start + dt.timedelta(days=25), weekdays="135",
                       access_instructions="Melden bij de balie.\nPasje ophalen bij beveiliging.",
                       notes="Eerste regel\nTweede regel", contact_name="Jan Balie", contact_phone="070-1234567")
    db.session.commit()
    login(world.contact)
    response = post_request_edit(client, f"/aanvragen/{req.id}/wijzigen", request_form(
        world.location, world.work_type,
        access_instructions="Melden bij de balie.\r\nPasje ophalen bij beveiliging.",
        notes="Eerste regel\r\nTweede regel"), follow_redirects=True)
    assert "Er was niets veranderd." in response.get_data(as_text=True)
    after = stored(req.id)
    assert not after.changed_since_review and after.notes == "Eerste regel\nTweede regel"
    # A real change of lines is stored with LF too.
    post_request_edit(client, f"/aanvragen/{req.id}/wijzigen", request_form(
        world.location, world.work_type, access_instructions="Melden bij de balie.\r\nPasje op naam.",
        notes="Eerste regel\r\nTweede regel"))
    assert stored(req.id).access_instructions == "Melden bij de balie.\nPasje op naam."


def test_the_migration_stores_earlier_line_breaks_as_lf(tmp_path):
    """Texts a browser stored with CRLF before: LF after the migration (SQLite, or PostgreSQL in CI)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from binnenwerk import models as m

    from .test_foundation import scratch_app

    with scratch_app(tmp_path):
        upgrade(revision="9a4c2e6f8b1d")
        ministry = m.Ministry(code="BZK", name="Binnenlandse Zaken")
        db.session.add(ministry)
        db.session.flush()
        # The place and work type as that revision stores them (their models have more columns now).
        place_id = db.session.execute(text(
            "INSERT INTO location (code, name, address, postcode, city, region, ministry_id, archived) "
            "VALUES ('dh', 'Rijnstraat 8', 'Rijnstraat 8', '', 'Den Haag', 'Den Haag', :m, :no) RETURNING id"),
            {"m": ministry.id, "no": False}).scalar_one()
        work_id = db.session.execute(text(
            "INSERT INTO work_type (code, name_nl, name_en, pictogram, colour, archived) "
            "VALUES ('keyboards', 'Toetsenborden', 'Keyboards', 'keyboard', '#2f6b2f', :no) RETURNING id"),
            {"no": False}).scalar_one()
        # The request as SQL too: the model has columns that revision does not (cancel_reason).
        db.session.execute(text(
            "INSERT INTO deployment_request (ministry_id, location_id, work_type_id, start_date, end_date, weekdays, "
            "start_minute, end_minute, break_minutes, headcount, priority, status, decline_reason, contact_name, "
            "contact_phone, access_instructions, notes, changed_since_review, created_at, updated_at) VALUES "
            "(:m, :place, :work, :start, :end, '12345', 540, 900, 0, 3, 2, 'ingediend', :decline, '', '', :access, "
            ":notes, :no, :at, :at)"),
            {"m": ministry.id, "place": place_id, "work": work_id, "start": dt.date(2026, 12, 7),
             "end": dt.date(2026, 12, 11), "decline": "Geen\r\n", "access": "Balie.\r\nPasje.", "notes": "Een\rTwee",
             "no": False, "at": dt.datetime(2026, 12, 1, 12, 0)})
        db.session.commit()
        upgrade()
        db.session.expire_all()
        stored = db.session.scalar(select(DeploymentRequest))
        assert (stored.access_instructions, stored.notes, stored.decline_reason) == ("Balie.\nPasje.", "Een\nTwee",
                                                                                      "Geen\n")
