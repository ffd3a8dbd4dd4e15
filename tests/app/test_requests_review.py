"""The planner's review of requests: what changed, mistaken accepts and completes, long lists."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import fields

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from binnenwerk.extensions import db
from binnenwerk.models import DeploymentRequest, RequestStatus
from binnenwerk.services import requests as service

from .edit_forms import post_request_edit
from .test_requests_workflow import next_monday, request_form, stored, world  # noqa: F401 (fixture)

S = RequestStatus


def filed_and_accepted(client, login, world) -> int:
    login(world.contact)
    client.post("/aanvragen/nieuw", data=request_form(world.location, world.work_type))
    request_id = db.session.scalars(select(DeploymentRequest.id)).one()
    client.post("/auth/logout")
    login(world.planner)
    client.post(f"/aanvragen/{request_id}/accepteren")
    client.post("/auth/logout")
    return request_id


def test_the_planner_sees_what_the_ministry_changed_since_the_accept(client, login, world, make):
    request_id = filed_and_accepted(client, login, world)
    later = make.location(region="Noord", ministry=world.ministry, name="Nieuw Gebouw")
    db.session.commit()
    login(world.contact)
    url = f"/aanvragen/{request_id}/wijzigen"
    post_request_edit(client, url, request_form(world.location, world.work_type, headcount="5", end_time="14:00"))
    # Changed again: the planner sees the value they accepted and the one now, not each step.
    post_request_edit(client, url, request_form(later, world.work_type, headcount="6", end_time="15:00"))
    contact_view = client.get(f"/aanvragen/{request_id}").get_data(as_text=True)
    assert "Wijziging nog niet bekeken" in contact_view
    assert "Wat het ministerie veranderde" not in contact_view
    client.post("/auth/logout")

    login(world.planner)
    page = client.get(f"/aanvragen/{request_id}").get_data(as_text=True)
    assert "Wat het ministerie veranderde" in page
    assert "Mensen per dag: was 3, nu 6" in page
    assert "Locatie: was Eigen Gebouw, nu Nieuw Gebouw" in page
    assert "Eindtijd" not in page  # 15:00 again: nothing to look at
    assert ">Gewijzigd<" in page

    client.post(f"/aanvragen/{request_id}/bekeken")
    page = client.get(f"/aanvragen/{request_id}").get_data(as_text=True)
    assert "Wat het ministerie veranderde" not in page
    client.post("/auth/logout")

    # After the review only what changed since counts; the priority is the planner's now.
    login(world.contact)
    form_page = client.get(url).get_data(as_text=True)
    assert "De planner bepaalt de prioriteit nu de aanvraag is aangenomen." in form_page
    post_request_edit(client, url, request_form(later, world.work_type, headcount="7", priority="3"))
    client.post("/auth/logout")
    assert stored(request_id).priority == 2
    login(world.planner)
    page = client.get(f"/aanvragen/{request_id}").get_data(as_text=True)
    changed = page.split("<dl")[0]
    assert "Mensen per dag: was 6, nu 7" in changed and "Locatie" not in changed and "Prioriteit" not in changed

    # Changed and changed back: flagged, and said so instead of an empty list.
    client.post(f"/aanvragen/{request_id}/bekeken")
    client.post("/auth/logout")
    login(world.contact)
    post_request_edit(client, url, request_form(later, world.work_type, headcount="8"))
    post_request_edit(client, url, request_form(later, world.work_type, headcount="7"))
    client.post("/auth/logout")
    login(world.planner)
    page = client.get(f"/aanvragen/{request_id}").get_data(as_text=True)
    assert "Het ministerie heeft de aanvraag veranderd en weer teruggezet" in page
    assert "Wat het ministerie veranderde" not in page


def test_the_same_save_sent_twice_is_not_called_someone_elses_change(client, login, world, make):
    request_id = filed_and_accepted(client, login, world)
    login(world.contact)
    url = f"/aanvragen/{request_id}/wijzigen"
    form = client.get(url).get_data(as_text=True)
    seen = re.search(r'name="seen_version"[^>]*value="([^"]+)"', form).group(1)
    data = {**request_form(world.location, world.work_type, headcount="4"), "seen_version": seen}
    first = client.post(url, data=data, follow_redirects=True).get_data(as_text=True)
    second = client.post(url, data=data, follow_redirects=True)
    assert "De planner kijkt er opnieuw naar." in first
    assert second.status_code == 200
    assert "Iemand anders" not in second.get_data(as_text=True)
    assert stored(request_id).headcount == 4
    # A really different save on the old version is still refused.
    other = {**request_form(world.location, world.work_type, headcount="2"), "seen_version": seen}
    refused = client.post(url, data=other, follow_redirects=True).get_data(as_text=True)
    assert "Deze aanvraag is net veranderd, door iemand anders of in een ander venster" in refused
    assert stored(request_id).headcount == 4


def test_a_request_is_completed_only_after_its_last_day(client, login, world, make):
    running = make.request(location=world.location, work_type=world.work_type, status=S.SCHEDULED.value,
                           start_date=dt.date.today() - dt.timedelta(days=7),
                           end_date=dt.date.today() + dt.timedelta(days=7))
    over = make.request(location=world.location, work_type=world.work_type, status=S.SCHEDULED.value,
                        start_date=dt.date.today() - dt.timedelta(days=14),
                        end_date=dt.date.today() - dt.timedelta(days=1))
    db.session.commit()
    login(world.planner)
    page = client.get(f"/aanvragen/{running.id}").get_data(as_text=True)
    assert "Zet op: afgerond" not in page
    refused = client.post(f"/aanvragen/{running.id}/status", data={"status": "afgerond"}, follow_redirects=True)
    assert "Een aanvraag is pas afgerond na de laatste dag" in refused.get_data(as_text=True)
    assert stored(running.id).status == S.SCHEDULED.value

    assert "Zet op: afgerond" in client.get(f"/aanvragen/{over.id}").get_data(as_text=True)
    client.post(f"/aanvragen/{over.id}/status", data={"status": "afgerond"})
    assert stored(over.id).status == S.COMPLETED.value


def test_a_mistaken_accept_can_be_declined_with_a_reason(client, login, world, make):
    req = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value)
    db.session.commit()
    login(world.planner)
    assert "Afwijzen" in client.get(f"/aanvragen/{req.id}").get_data(as_text=True)
    client.post(f"/aanvragen/{req.id}/afwijzen", data={"reason": "Per ongeluk geaccepteerd: geen team vrij."})
    declined = stored(req.id)
    assert (declined.status, declined.decline_reason) == (S.DECLINED.value, "Per ongeluk geaccepteerd: geen team vrij.")


def test_declining_or_cancelling_says_which_weeks_still_tell_people_to_come(client, login, world, make):
    from binnenwerk.formatting import week_of

    monday = next_monday()
    req = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value,
                       start_date=monday - dt.timedelta(days=14), end_date=monday + dt.timedelta(days=14))
    other = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value,
                         start_date=monday, end_date=monday + dt.timedelta(days=14))
    make.published_shift(request=req, location=world.location, work_type=world.work_type, date=monday)
    make.published_shift(request=req, location=world.location, work_type=world.work_type,
                         date=monday + dt.timedelta(days=7))
    make.published_shift(request=req, location=world.location, work_type=world.work_type,
                         date=monday - dt.timedelta(days=8))  # gone by (also on a Monday): nothing to call off
    make.published_shift(request=req, location=world.location, work_type=world.work_type,
                         date=monday + dt.timedelta(days=1), cancelled=True)
    db.session.commit()
    login(world.planner)
    page = client.post(f"/aanvragen/{req.id}/afwijzen", data={"reason": "Geen team vrij."},
                       follow_redirects=True).get_data(as_text=True)
    weeks = f"{week_of(monday)}, {week_of(monday + dt.timedelta(days=7))}"
    assert f"Er staan nog mensen ingepland op deze aanvraag in de weken {weeks}. Publiceer die roosters" in page
    quiet = client.post(f"/aanvragen/{other.id}/annuleren", data={"reason": "Locatie gesloten."},
                        follow_redirects=True).get_data(as_text=True)
    assert "De aanvraag is geannuleerd." in quiet and "Er staan nog mensen ingepland" not in quiet


def test_the_decline_page_of_a_request_that_cannot_be_declined_says_so_before_a_reason_is_typed(
        client, login, world, make):
    req = make.request(location=world.location, work_type=world.work_type, status=S.CANCELLED.value)
    db.session.commit()
    login(world.planner)
    response = client.get(f"/aanvragen/{req.id}/afwijzen")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/aanvragen/{req.id}")
    page = client.get(f"/aanvragen/{req.id}").get_data(as_text=True)
    assert "Deze aanvraag is geannuleerd en kan niet meer afgewezen worden." in page


def test_a_second_accept_says_the_request_is_already_accepted(client, login, world, make):
    req = make.request(location=world.location, work_type=world.work_type, status=S.SUBMITTED.value)
    db.session.commit()
    login(world.planner)
    client.post(f"/aanvragen/{req.id}/accepteren")
    again = client.post(f"/aanvragen/{req.id}/accepteren", follow_redirects=True).get_data(as_text=True)
    assert "Deze aanvraag is al geaccepteerd." in again


def test_all_requests_come_a_page_at_a_time_and_none_is_left_out(client, login, world, make):
    start = next_monday()
    for n in range(105):
        make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value,
                     start_date=start + dt.timedelta(days=n), end_date=start + dt.timedelta(days=n + 30))
    db.session.commit()
    login(world.planner)
    first = client.get("/aanvragen/alle?status=geaccepteerd").get_data(as_text=True)
    assert "105 aanvragen, pagina 1 van 2" in first
    next_link = re.search(r'<a class="button" rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "status=geaccepteerd" in next_link and "page=2" in next_link
    second = client.get(next_link).get_data(as_text=True)
    ids = {int(i) for page in (first, second) for i in re.findall(r'href="/aanvragen/(\d+)"', page)}
    assert len(ids) == 105
    # A page past the end shows the last one, never an error.
    assert "pagina 2 van 2" in client.get("/aanvragen/alle?status=geaccepteerd&page=99").get_data(as_text=True)


def test_the_planners_start_page_counts_changed_and_cancelled_requests_too(client, login, world, make):
    make.request(location=world.location, work_type=world.work_type, status=S.SUBMITTED.value)
    make.request(location=world.location, work_type=world.work_type, status=S.CANCELLED.value,
                 changed_since_review=True)
    make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value,
                 changed_since_review=True)
    make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value)
    db.session.commit()
    login(world.planner)
    page = client.get("/home").get_data(as_text=True)
    assert re.search(r"<strong>1</strong> nieuwe aanvraag</a>", page)
    assert re.search(r"<strong>2</strong> gewijzigde of geannuleerde aanvragen</a>", page)
    assert page.count('href="/aanvragen/intake"') >= 2


def test_the_same_request_sent_twice_makes_one(client, login, world):
    login(world.contact)
    form = request_form(world.location, world.work_type)
    first = client.post("/aanvragen/nieuw", data=form)
    second = client.post("/aanvragen/nieuw", data={**form, "contact_name": "Iemand Anders"})
    [only] = db.session.scalars(select(DeploymentRequest)).all()
    assert first.headers["Location"].endswith(f"/aanvragen/{only.id}")
    # Asked, not stored: the form again with what was typed (tests/app/test_requests_qa_round11.py).
    assert second.status_code == 422
    assert f"U heeft al een aanvraag met dezelfde gegevens: aanvraag {only.id}. Er is nog geen tweede gemaakt." in \
        second.get_data(as_text=True)
    assert only.contact_name == "Jan Balie"
    # One more person is another request, and so is the same after the first was cancelled.
    client.post("/aanvragen/nieuw", data={**form, "headcount": "4"})
    only.status = S.CANCELLED.value
    db.session.commit()
    client.post("/aanvragen/nieuw", data=form)
    assert len(db.session.scalars(select(DeploymentRequest)).all()) == 3


def test_the_same_form_sent_twice_at_the_same_instant_makes_one(client, login, world, monkeypatch):
    login(world.contact)
    page = client.get("/aanvragen/nieuw").get_data(as_text=True)
    key = re.search(r'name="submission" type="hidden" value="([^"]{16,})"', page).group(1)
    again = client.get("/aanvragen/nieuw").get_data(as_text=True)
    assert key not in again  # each form its own
    form = {**request_form(world.location, world.work_type), "submission": key}
    real = service._same_running_request

    def the_other_copy_commits_meanwhile(data, ministry_id):
        # The other copy of the form was checked a moment before this one, and commits now: this
        # copy's checks have seen nothing, its insert must still not make a second request.
        with Session(db.engine) as other:
            other.add(DeploymentRequest(
                ministry_id=ministry_id, status=S.SUBMITTED.value, submission_key=f"{ministry_id}:{key}",
                **{f.name: getattr(data, f.name) for f in fields(service.RequestInput)}))
            other.commit()
        return None

    monkeypatch.setattr(service, "_same_running_request", the_other_copy_commits_meanwhile)
    response = client.post("/aanvragen/nieuw", data=form, follow_redirects=True)
    [only] = db.session.scalars(select(DeploymentRequest)).all()
    assert f"Deze aanvraag had u al ingediend: aanvraag {only.id}. Er is geen tweede gemaakt." in response.get_data(
        as_text=True)
    # A form without its key (or a forged one) files as before.
    monkeypatch.setattr(service, "_same_running_request", real)
    client.post("/aanvragen/nieuw", data={**form, "submission": "<script>", "headcount": "5"})
    assert len(db.session.scalars(select(DeploymentRequest)).all()) == 2


def test_the_planner_sets_the_priority_and_the_ministry_sees_it(client, login, world, make):
    req = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value, priority=3)
    done = make.request(location=world.location, work_type=world.work_type, status=S.DECLINED.value)
    db.session.commit()
    login(world.planner)
    page = client.get(f"/aanvragen/{req.id}").get_data(as_text=True)
    assert "Prioriteit opslaan" in page
    assert "Prioriteit opslaan" not in client.get(f"/aanvragen/{done.id}").get_data(as_text=True)
    saved = client.post(f"/aanvragen/{req.id}/prioriteit", data={"priority": "1"}, follow_redirects=True)
    assert "De prioriteit is nu: laag." in saved.get_data(as_text=True)
    assert stored(req.id).priority == 1
    refused = client.post(f"/aanvragen/{req.id}/prioriteit", data={"priority": "7"}, follow_redirects=True)
    assert "Kies een prioriteit uit de lijst." in refused.get_data(as_text=True) and stored(req.id).priority == 1
    client.post("/auth/logout")
    login(world.contact)
    assert client.post(f"/aanvragen/{req.id}/prioriteit", data={"priority": "3"}).status_code == 403
    assert "Laag" in client.get(f"/aanvragen/{req.id}").get_data(as_text=True)


@pytest.mark.usefixtures("before_work_on_7_december")
def test_the_cancel_page_says_je_to_the_planner_and_u_to_the_ministry(client, login, world, make):
    req = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value)
    db.session.commit()
    login(world.planner)
    page = client.get(f"/aanvragen/{req.id}/annuleren").get_data(as_text=True)
    assert "Wil je de aanvraag voor Eigen Gebouw annuleren?" in page and "Dit kun je niet ongedaan maken." in page
    assert "Wilt u" not in page and "kunt u" not in page
    client.post("/auth/logout")
    login(world.contact)
    page = client.get(f"/aanvragen/{req.id}/annuleren").get_data(as_text=True)
    assert "Wilt u de aanvraag voor Eigen Gebouw annuleren?" in page and "Wil je" not in page


def test_the_no_access_page_speaks_to_each_reader_in_their_own_form(client, login, world):
    """The 403 page is seen by ministry contacts ('u') and staff ('je'): its heading and first line
    say neither; the line on whom to ask speaks to the reader as their pages do (QA round 18)."""
    login(world.contact)
    page = client.get("/rooster/")
    assert page.status_code == 403
    text = page.get_data(as_text=True)
    assert "Met dit account is deze pagina niet te openen." in text
    main = text.split("<main")[1].split("</main>")[0]
    first = main.split('<p class="lead">')[1].split("</p>")[0]
    assert not re.search(r"\b(je|jij|jou|u|uw)\b", first, re.I)
    assert re.search(r"\bu\b", main) and not re.search(r"\b(je|jij|jou)\b", main, re.I)


def test_a_contact_cancelling_a_request_people_are_told_to_come_for_is_told_the_truth(client, login, world, make):
    """'Na annuleren komt er geen team meer' was untrue while people are still told to come: the
    question and the answer say the planner takes them off the roster and tells them."""
    monday = next_monday()
    told = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value,
                        start_date=monday, end_date=monday + dt.timedelta(days=14))
    quiet = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value,
                         start_date=monday, end_date=monday + dt.timedelta(days=14))
    make.published_shift(request=told, location=world.location, work_type=world.work_type, date=monday)
    db.session.commit()
    login(world.contact)

    question = client.get(f"/aanvragen/{told.id}/annuleren").get_data(as_text=True)
    assert "Na annuleren haalt de planner hen uit het rooster en laat hen weten dat ze niet komen." in question
    assert "Na annuleren komt er geen team meer" not in question and "Dit kunt u niet ongedaan maken." in question
    answer = client.post(f"/aanvragen/{told.id}/annuleren", follow_redirects=True).get_data(as_text=True)
    assert "De aanvraag is geannuleerd." in answer
    assert "Wijziging nog niet bekeken" not in answer  # the office's business, not the contact's
    assert "De planner haalt hen uit het rooster en laat hen weten dat ze niet komen." in answer
    assert "Publiceer" not in answer  # that is the planner's part

    assert "Na annuleren komt er geen team meer" in client.get(f"/aanvragen/{quiet.id}/annuleren").get_data(as_text=True)
    answer = client.post(f"/aanvragen/{quiet.id}/annuleren", follow_redirects=True).get_data(as_text=True)
    assert "De aanvraag is geannuleerd." in answer and "De planner haalt hen" not in answer


def test_the_planners_cancel_question_names_the_weeks_still_told(client, login, world, make):
    from binnenwerk.formatting import week_of

    monday = next_monday()
    req = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value,
                       start_date=monday, end_date=monday + dt.timedelta(days=14))
    make.published_shift(request=req, location=world.location, work_type=world.work_type, date=monday)
    db.session.commit()
    login(world.planner)
    question = client.get(f"/aanvragen/{req.id}/annuleren").get_data(as_text=True)
    assert f"Er staan al mensen ingepland op deze aanvraag in week {week_of(monday)}. Publiceer dat rooster" in question


def test_a_change_refused_for_someone_elses_save_keeps_what_the_contact_typed(client, login, world, make):
    """Two tabs: the second's save is refused, but its typed notes stay in the form, the box says
    where they differ from what is stored now, and saving again then stores them."""
    request_id = filed_and_accepted(client, login, world)
    login(world.contact)
    url = f"/aanvragen/{request_id}/wijzigen"
    seen = re.search(r'name="seen_version"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)
    client.post(url, data={**request_form(world.location, world.work_type, headcount="4"), "seen_version": seen})
    note = "Graag om 9 uur melden bij de receptie, pasje ophalen bij de beveiliging."
    typed = {**request_form(world.location, world.work_type, headcount="8"), "notes": note, "seen_version": seen}

    refused = client.post(url, data=typed)

    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Deze aanvraag is net veranderd, door iemand anders of in een ander venster." in page
    assert "<title>Fout: " in page
    assert "Mensen per dag: nu opgeslagen 4, u typte 8" in page
    assert note in page and 'value="8"' in page  # nothing to type again
    assert stored(request_id).headcount == 4 and (stored(request_id).notes or "") != note
    fresh = re.search(r'name="seen_version"[^>]*value="([^"]+)"', page).group(1)
    assert fresh != seen
    assert client.post(url, data={**typed, "seen_version": fresh}).status_code == 302
    assert (stored(request_id).headcount, stored(request_id).notes) == (8, note)


def test_a_running_requests_first_day_in_the_past_gets_no_today_or_later_hint(client, login, world, make):
    running = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value,
                           start_date=dt.date.today() - dt.timedelta(days=10),
                           end_date=dt.date.today() + dt.timedelta(days=30))
    later = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value,
                         start_date=next_monday(), end_date=next_monday() + dt.timedelta(days=30))
    db.session.commit()
    login(world.contact)
    page = client.get(f"/aanvragen/{running.id}/wijzigen").get_data(as_text=True)
    assert "Deze aanvraag loopt al. Laat deze datum staan, of kies vandaag of later." in page
    assert "Vandaag of later." not in page
    assert "Vandaag of later." in client.get(f"/aanvragen/{later.id}/wijzigen").get_data(as_text=True)


def test_a_long_intake_comes_a_page_at_a_time_by_region_and_a_decision_returns_there(client, login, make):
    """305 requests waiting after an import were one page of 938 keyboard stops, without a filter,
    and each decision started again at its top (a QA finding at Binnenwerk's size)."""
    wt = make.work_type("keyboards")
    den_haag, utrecht = make.location("Den Haag", name="Rijnstraat 8"), make.location("Utrecht", name="Croeselaan 1")
    waiting = [make.request(den_haag, wt, status=S.SUBMITTED.value) for _ in range(55)]
    in_utrecht = [make.request(utrecht, wt, status=S.SUBMITTED.value) for _ in range(3)]
    login(make.user("planner"))
    db.session.commit()

    first = client.get("/aanvragen/intake").get_data(as_text=True)
    assert "58 aanvragen om te bekijken, pagina 1 van 2" in first
    assert first.count('name="next" value="intake"') == 50  # one accept form a row, 50 rows
    assert 'id="csrf_token"' not in first  # not one id 50 times

    page = client.get("/aanvragen/intake?regio=Den+Haag&page=2").get_data(as_text=True)
    assert "55 aanvragen om te bekijken, pagina 2 van 2" in page and "Croeselaan 1" not in page
    assert 'href="/aanvragen/intake?page=1&amp;regio=Den+Haag"' in page  # the pager keeps the filter
    target = int(re.search(r'action="/aanvragen/(\d+)/accepteren"', page).group(1))
    assert target in {r.id for r in waiting}
    sent = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"',
                             page.split(f'action="/aanvragen/{target}/accepteren"')[1].split("</form>")[0]))
    assert sent["regio"] == "Den Haag" and sent["page"] == "2" and sent["next"] == "intake"

    response = client.post(f"/aanvragen/{target}/accepteren", data=sent)
    assert response.status_code == 302
    assert response.headers["Location"] == "/aanvragen/intake?regio=Den+Haag&page=2"
    db.session.expire_all()
    assert db.session.get(DeploymentRequest, target).status == S.ACCEPTED.value
    utrecht_only = client.get("/aanvragen/intake?regio=Utrecht").get_data(as_text=True)
    assert "3 aanvragen om te bekijken" in utrecht_only and all(r.location.name in utrecht_only for r in in_utrecht)
    assert "Er zijn geen nieuwe of gewijzigde aanvragen bij dit filter." in client.get(
        "/aanvragen/intake?regio=Noord").get_data(as_text=True)

    # 'Afwijzen' returns there too (it went to the unfiltered first page).
    page = client.get("/aanvragen/intake?regio=Den+Haag&page=2").get_data(as_text=True)
    link = re.search(r'href="(/aanvragen/(\d+)/afwijzen\?[^"]+)"', page)
    decline_url, declined = link.group(1).replace("&amp;", "&"), int(link.group(2))
    assert "regio=Den+Haag" in decline_url and "page=2" in decline_url
    form = client.get(decline_url).get_data(as_text=True)
    # "Terug" there leads back to the same page and filter too (it went to the request's page).
    assert re.search(r'<a class="button" href="/aanvragen/intake\?(regio=Den\+Haag&amp;page=2|page=2&amp;regio=Den\+Haag)">'
                     r'Terug</a>', form)
    seen = re.search(r'name="seen_version" value="([^"]*)"', form).group(1)
    response = client.post(decline_url, data={"reason": "Geen capaciteit in die periode", "seen_version": seen})
    assert response.status_code == 302
    assert response.headers["Location"] == "/aanvragen/intake?regio=Den+Haag&page=2"
    db.session.expire_all()
    assert db.session.get(DeploymentRequest, declined).status == S.DECLINED.value
