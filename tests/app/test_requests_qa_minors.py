"""The request pages after the QA pass of the ministry contact: a shift until midnight round-trips
through the form, the times come back after Back, the planning of one request that is not accepted
says so, number fields read digits only, and the start date's hint names the year ahead."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import DeploymentRequest, RequestStatus

from .edit_forms import form_as_shown
from .test_requests_workflow import next_monday, request_form, world  # noqa: F401  (fixture)

S = RequestStatus
# What an <input type="time"> can show (HTML's "valid time string", to the minute): 24:00 is none.
HTML_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")


def stored(request_id: int) -> DeploymentRequest:
    db.session.expire_all()
    return db.session.get(DeploymentRequest, request_id)


def only_request() -> DeploymentRequest:
    db.session.expire_all()
    return db.session.scalars(select(DeploymentRequest)).one()


def input_tag(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert tag, f"no input {name}"
    return tag.group(0)


def input_value(html: str, name: str) -> str:
    value = re.search(r'value="([^"]*)"', input_tag(html, name))
    return value.group(1) if value else ""


def field_errors(html: str, field: str) -> str:
    """The error text shown at a field (its -error element)."""
    found = re.search(rf'id="{field}-error"[^>]*>(.*?)</', html, re.S)
    return found.group(1) if found else ""


# --- 1. a shift until midnight -------------------------------------------------------------------


def test_a_shift_until_midnight_is_typed_as_00_00_and_stored_as_the_end_of_the_day(client, login, world):
    login(world.contact)
    response = client.post("/aanvragen/nieuw", data=request_form(
        world.location, world.work_type, start_time="18:00", end_time="00:00", break_minutes="30"))
    assert response.status_code == 302, field_errors(response.get_data(as_text=True), "end_time")
    created = only_request()
    assert (created.start_minute, created.end_minute) == (18 * 60, 24 * 60)
    # The request's pages say until 24:00: the end of that day, not the start of it.
    detail = client.get(f"/aanvragen/{created.id}").get_data(as_text=True)
    assert "18:00–24:00" in detail
    assert "18:00–24:00" in client.get("/aanvragen/").get_data(as_text=True)


def test_a_request_until_24_00_shows_00_00_in_its_form_and_saves_unchanged(client, login, world, make):
    late = make.request(location=world.location, work_type=world.work_type, status=S.SUBMITTED.value,
                        start_date=next_monday(), end_date=next_monday() + dt.timedelta(days=20),
                        start_minute=16 * 60, end_minute=24 * 60, break_minutes=30)
    db.session.commit()
    login(world.contact)
    url = f"/aanvragen/{late.id}/wijzigen"
    html = client.get(url).get_data(as_text=True)
    shown = input_value(html, "end_time")
    assert HTML_TIME.fullmatch(shown), f"a time input shows {shown!r} as empty"
    assert shown == "00:00" and input_value(html, "start_time") == "16:00"

    # Sent back as the browser shows it: nothing changed, nothing refused.
    response = client.post(url, data=form_as_shown(client, url), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Er was niets veranderd." in page, field_errors(page, "end_time")
    assert (stored(late.id).start_minute, stored(late.id).end_minute) == (16 * 60, 24 * 60)


def test_midnight_at_the_start_is_the_start_of_the_day(client, login, world):
    login(world.contact)
    response = client.post("/aanvragen/nieuw", data=request_form(
        world.location, world.work_type, start_time="00:00", end_time="05:00", break_minutes="0"))
    assert response.status_code == 302
    assert (only_request().start_minute, only_request().end_minute) == (0, 5 * 60)
    # 00:00 to 00:00 is no shift: the end is not a day later.
    refused = client.post("/aanvragen/nieuw", data=request_form(
        world.location, world.work_type, start_time="00:00", end_time="00:00", notes="tweede"))
    assert refused.status_code == 422
    assert "De eindtijd moet na de begintijd liggen." in field_errors(refused.get_data(as_text=True), "end_time")


def test_a_shift_until_midnight_keeps_the_working_time_rules(client, login, world):
    login(world.contact)
    cases = [
        ({"start_time": "11:00", "end_time": "00:00", "break_minutes": "60"}, "end_time",
         "Een dienst duurt hoogstens 12 uur."),
        ({"start_time": "18:00", "end_time": "00:00", "break_minutes": "0"}, "break_minutes",
         "minstens 30 minuten pauze (Arbeidstijdenwet)"),
        ({"start_time": "23:30", "end_time": "00:00", "break_minutes": "30"}, "break_minutes",
         "De pauze moet korter zijn dan de dienst."),
        # Past midnight is still refused: a shift ends on the day it starts.
        ({"start_time": "22:00", "end_time": "02:00", "break_minutes": "0"}, "end_time",
         "De eindtijd moet na de begintijd liggen."),
    ]
    for overrides, field, message in cases:
        response = client.post("/aanvragen/nieuw", data=request_form(world.location, world.work_type, **overrides))
        assert response.status_code == 422, overrides
        assert message in field_errors(response.get_data(as_text=True), field), overrides
    assert db.session.scalars(select(DeploymentRequest)).all() == []


def test_the_end_time_hint_says_how_to_choose_midnight(client, login, world):
    login(world.contact)
    html = client.get("/aanvragen/nieuw").get_data(as_text=True)
    assert "Tot middernacht? Kies dan 00:00." in html


# --- 2. the times come back after the Back button --------------------------------------------------


def test_the_time_inputs_let_the_browser_restore_them(client, login, world, make):
    """Chromium does not fill in inputs with autocomplete="off" again after Back; a time input
    shows no list of earlier entries, so the attribute only lost the times."""
    running = make.request(location=world.location, work_type=world.work_type, status=S.SUBMITTED.value,
                           start_date=next_monday(), end_date=next_monday() + dt.timedelta(days=20))
    db.session.commit()
    login(world.contact)
    for url in ("/aanvragen/nieuw", f"/aanvragen/{running.id}/wijzigen"):
        html = client.get(url).get_data(as_text=True)
        for name in ("start_time", "end_time"):
            tag = input_tag(html, name)
            assert 'type="time"' in tag and "autocomplete" not in tag, (url, tag)


# --- 3. the planning of one request that is not accepted --------------------------------------------


def plan_link(html: str) -> bool:
    return "Planning van deze aanvraag" in html


def test_a_request_not_accepted_offers_no_planning_link(client, login, world, make):
    submitted = make.request(location=world.location, work_type=world.work_type, status=S.SUBMITTED.value,
                             start_date=next_monday(), end_date=next_monday() + dt.timedelta(days=20))
    withdrawn = make.request(location=world.location, work_type=world.work_type, status=S.CANCELLED.value,
                             start_date=next_monday(), end_date=next_monday() + dt.timedelta(days=20))
    declined = make.request(location=world.location, work_type=world.work_type, status=S.DECLINED.value,
                            decline_reason="Geen team vrij", start_date=next_monday(),
                            end_date=next_monday() + dt.timedelta(days=20))
    accepted = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value,
                            start_date=next_monday(), end_date=next_monday() + dt.timedelta(days=20))
    db.session.commit()
    login(world.contact)
    for found in (submitted, withdrawn, declined):
        assert not plan_link(client.get(f"/aanvragen/{found.id}").get_data(as_text=True)), found.status
    assert plan_link(client.get(f"/aanvragen/{accepted.id}").get_data(as_text=True))


def test_a_request_cancelled_after_people_were_planned_keeps_its_planning_link(client, login, world, make):
    cancelled = make.request(location=world.location, work_type=world.work_type, status=S.CANCELLED.value,
                             start_date=next_monday(), end_date=next_monday() + dt.timedelta(days=20))
    make.published_shift(date=next_monday(), location=world.location, work_type=world.work_type,
                         request_id=cancelled.id)
    db.session.commit()
    login(world.contact)
    assert plan_link(client.get(f"/aanvragen/{cancelled.id}").get_data(as_text=True))


def test_the_planning_of_one_request_not_accepted_says_so_and_links_to_all(client, login, world, make):
    monday = next_monday()
    week = f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}"
    cases = {
        S.SUBMITTED.value: "Deze aanvraag is nog niet geaccepteerd.",
        S.CANCELLED.value: "Deze aanvraag is geannuleerd. Er was niets voor ingepland.",
        S.DECLINED.value: "Deze aanvraag is afgewezen. Er was niets voor ingepland.",
    }
    made = {status: make.request(location=world.location, work_type=world.work_type, status=status,
                                 start_date=monday, end_date=monday + dt.timedelta(days=20))
            for status in cases}
    db.session.commit()
    login(world.contact)
    for status, said in cases.items():
        response = client.get(f"/aanvragen/planning?aanvraag={made[status].id}&week={week}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "In deze weken is er geen geaccepteerde aanvraag op uw locaties." not in html, status
        assert f"U ziet hier alleen aanvraag {made[status].id} (Eigen Gebouw)." in html, status
        assert said in html, status
        assert f'href="/aanvragen/planning?week={week}">Bekijk de planning van al uw aanvragen</a>' in html, status
        assert f'href="/aanvragen/{made[status].id}"' in html, status


def test_the_planning_of_an_accepted_request_in_weeks_without_it_names_the_request(client, login, world, make):
    accepted = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value,
                            start_date=next_monday(), end_date=next_monday() + dt.timedelta(days=6))
    db.session.commit()
    login(world.contact)
    later = next_monday(10)
    week = f"{later.isocalendar()[0]}-W{later.isocalendar()[1]:02d}"
    html = client.get(f"/aanvragen/planning?aanvraag={accepted.id}&week={week}").get_data(as_text=True)
    assert "In deze weken staat er niets van deze aanvraag in de planning." in html
    assert "geen geaccepteerde aanvraag" not in html
    # Without the filter the page says what it always said.
    assert "In deze weken is er geen geaccepteerde aanvraag op uw locaties." in client.get(
        f"/aanvragen/planning?week={week}").get_data(as_text=True)


def test_a_request_number_that_is_no_number_is_not_found(client, login, world, make):
    login(world.contact)
    # "²" passes str.isdigit() and int() refuses it: a 404, not a server error.
    for raw in ("²", "١٢", "1_0"):
        assert client.get(f"/aanvragen/planning?aanvraag={raw}").status_code == 404, raw
        assert client.get(f"/aanvragen/planning.csv?aanvraag={raw}").status_code == 404, raw
    client.post("/auth/logout")
    login(world.planner)
    assert client.get("/aanvragen/alle?ministerie=²").status_code == 200


# --- 5. whole numbers are written with digits ------------------------------------------------------


def test_number_fields_refuse_what_only_python_reads_as_a_number(client, login, world):
    login(world.contact)
    cases = [
        ({"headcount": "1_0"}, "headcount", "Vul een heel aantal mensen in, bijvoorbeeld 3."),
        ({"headcount": "١٠"}, "headcount", "Vul een heel aantal mensen in, bijvoorbeeld 3."),
        ({"break_minutes": "3_0"}, "break_minutes", "Vul de pauze in als een heel aantal minuten, bijvoorbeeld 30."),
        ({"location_id": f"0_{world.location.id}"}, "location_id", "Kies een locatie van uw eigen ministerie."),
        ({"work_type_id": f"0_{world.work_type.id}"}, "work_type_id", "Kies een werksoort uit de lijst."),
    ]
    for overrides, field, message in cases:
        response = client.post("/aanvragen/nieuw", data=request_form(world.location, world.work_type, **overrides))
        assert response.status_code == 422, overrides
        assert message in field_errors(response.get_data(as_text=True), field), overrides
    assert db.session.scalars(select(DeploymentRequest)).all() == []
    # Digits with spaces around them, or a plus, are still a number.
    assert client.post("/aanvragen/nieuw", data=request_form(
        world.location, world.work_type, headcount=" 4 ", break_minutes="+30")).status_code == 302
    assert (only_request().headcount, only_request().break_minutes) == (4, 30)


def test_the_requests_import_refuses_a_number_with_an_underscore(app, runner, make, tmp_path):
    """The import reads numbers by their own pattern (dataio.values.number), which never took '1_0'."""
    from .test_dataio_refusals import REQUEST_HEADER, request_row, write_csv

    bzk = make.ministry("BZK", name="Binnenlandse Zaken")
    make.location("Den Haag", bzk, code="dh-rijnstraat")
    make.work_type("keyboards")
    db.session.commit()
    path = write_csv(tmp_path, [REQUEST_HEADER, request_row(aantal_medewerkers="1_0")])
    result = runner.invoke(args=["import", "requests", path])
    assert result.exit_code == 1
    assert "kolom aantal_medewerkers\twaarde '1_0'\t'1_0' is geen getal" in result.output, result.output


def test_the_requests_import_reads_00_00_as_the_end_of_the_day_as_the_form_does(app, runner, make, tmp_path):
    """A spreadsheet's "18:00 tot 00:00" is a shift until midnight, as on the form; 00:00 to 00:00
    stays no shift, and a start of 00:00 stays the start of the day."""
    from .test_dataio_refusals import REQUEST_HEADER, request_row, write_csv

    bzk = make.ministry("BZK", name="Binnenlandse Zaken")
    make.location("Den Haag", bzk, code="dh-rijnstraat")
    make.work_type("keyboards")
    db.session.commit()
    path = write_csv(tmp_path, [REQUEST_HEADER, request_row(begintijd="18:00", eindtijd="00:00")])
    result = runner.invoke(args=["import", "requests", path])
    assert result.exit_code == 0, result.output
    assert (only_request().start_minute, only_request().end_minute) == (18 * 60, 24 * 60)
    refused = write_csv(tmp_path, [REQUEST_HEADER, request_row(begintijd="00:00", eindtijd="00:00")])
    assert runner.invoke(args=["import", "requests", refused]).exit_code == 1


# --- 6. the start date's hint ------------------------------------------------------------------------


def test_the_start_date_hint_says_a_year_ahead_at_most(client, login, world):
    login(world.contact)
    html = client.get("/aanvragen/nieuw").get_data(as_text=True)
    hint = re.search(r'id="start_date-hint"[^>]*>(.*?)</', html, re.S)
    assert hint, "the start date has no hint"
    assert hint.group(1).strip() == "Vandaag of later. Niet verder dan een jaar vooruit."
