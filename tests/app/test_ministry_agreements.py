"""A ministry signs an agreement per work type (DESIGN.md): its contacts request only that work,
the admin keeps the agreement on the ministry's page, imports hold to it, and a request already
made keeps its work type when the agreement narrows."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from binnenwerk import models as m
from binnenwerk.extensions import db

from .edit_forms import post_edit, post_request_edit
from .test_dataio_refusals import REQUEST_HEADER, request_row, run_import, write_csv
from .test_requests_workflow import next_monday, request_form


def _requests() -> int:
    return db.session.scalar(select(func.count(m.DeploymentRequest.id)))


def _options(html: str, name: str) -> list[str]:
    select_html = html.split(f'name="{name}"')[1].split("</select>")[0]
    return [text.strip() for attrs, text in re.findall(r'<option([^>]*)>([^<]*)</option>', select_html)
            if re.search(r'value="\d+"', attrs)]


def test_the_contact_is_offered_and_may_file_only_the_agreed_work(client, login, make):
    keyboards = make.work_type(name_nl="Toetsenborden reinigen")
    carwash = make.work_type(name_nl="Auto's wassen")
    make.work_type(name_nl="Oude werksoort", archived=True)
    ministry = make.ministry(agreement=[keyboards])
    location = make.location(ministry=ministry)
    login(make.user("ministry_contact", ministry=ministry))
    page = client.get("/aanvragen/nieuw").get_data(as_text=True)
    assert _options(page, "work_type_id") == ["Toetsenborden reinigen"]
    assert "U kunt werk vragen waarover uw ministerie een afspraak heeft met Binnenwerk." in page

    refused = client.post("/aanvragen/nieuw", data=request_form(location, carwash))
    assert refused.status_code == 422
    assert "Uw ministerie kan alleen werk vragen waarover het een afspraak heeft met Binnenwerk." in \
        refused.get_data(as_text=True)
    assert _requests() == 0
    assert client.post("/aanvragen/nieuw", data=request_form(location, keyboards)).status_code == 302
    assert _requests() == 1


def test_without_an_agreement_the_form_says_whom_to_ask(client, login, make):
    make.work_type()
    ministry = make.ministry(agreement=[])
    make.location(ministry=ministry)
    login(make.user("ministry_contact", ministry=ministry))
    page = client.get("/aanvragen/nieuw").get_data(as_text=True)
    assert _options(page, "work_type_id") == []
    assert "Uw ministerie heeft nog geen afspraak met Binnenwerk over een werksoort." in page


def test_a_request_keeps_its_work_type_when_the_agreement_narrows(client, login, make):
    keyboards, cleaning = make.work_type(name_nl="Toetsenborden reinigen"), make.work_type(name_nl="Schoonmaak")
    ministry = make.ministry(agreement=[keyboards, cleaning])
    location = make.location(ministry=ministry)
    start = next_monday()
    running = make.request(location=location, work_type=cleaning, status="ingediend", start_date=start,
                           end_date=start + dt.timedelta(days=25), weekdays="135")
    ministry.work_types = [keyboards]
    login(make.user("ministry_contact", ministry=ministry))
    url = f"/aanvragen/{running.id}/wijzigen"
    assert _options(client.get(url).get_data(as_text=True), "work_type_id") == ["Schoonmaak", "Toetsenborden reinigen"]
    response = post_request_edit(client, url, request_form(location, cleaning, headcount="4"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.get(m.DeploymentRequest, running.id).headcount == 4


def test_the_admin_keeps_the_agreement_on_the_ministrys_page(client, login, make):
    keyboards, cleaning = make.work_type(name_nl="Toetsenborden reinigen"), make.work_type(name_nl="Schoonmaak")
    retired = make.work_type(name_nl="Oude werksoort", archived=True)
    ministry = make.ministry("BZK", name="Binnenlandse Zaken", agreement=[keyboards, retired])
    login(make.user("admin"))
    url = f"/beheer/ministeries/{ministry.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Werksoorten in de afspraak" in page
    boxes = re.findall(r'<input([^>]*name="work_type_ids"[^>]*)>', page)
    checked = [int(re.search(r'value="(\d+)"', box).group(1)) for box in boxes if " checked" in box]
    assert len(boxes) == 3 and sorted(checked) == sorted([keyboards.id, retired.id])  # the archived one stays

    response = post_edit(client, url, {"code": "BZK", "name": "Binnenlandse Zaken",
                                       "work_type_ids": [str(cleaning.id), str(retired.id)]})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert [w.name_nl for w in db.session.get(m.Ministry, ministry.id).work_types] == ["Oude werksoort", "Schoonmaak"]
    event = db.session.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "ministry_changed")).one()
    was, now = sorted([keyboards.id, retired.id]), sorted([cleaning.id, retired.id])
    assert event.detail == f"changed: work_types ({was} -> {now})"

    # An archived work type not in the agreement cannot be added, nor an unknown one.
    other = make.ministry("EZK", name="Economische Zaken", agreement=[])
    db.session.commit()
    for tampered in ([str(retired.id)], ["99999999"], ["abc"]):
        refused = post_edit(client, f"/beheer/ministeries/{other.id}",
                            {"code": "EZK", "name": "Economische Zaken", "work_type_ids": tampered})
        assert refused.status_code == 422, tampered
        assert "Kies werksoorten uit de lijst." in refused.get_data(as_text=True), tampered
        db.session.expire_all()
        assert db.session.get(m.Ministry, other.id).work_types == []


def test_a_new_ministry_is_made_with_its_agreement(client, login, make):
    keyboards = make.work_type(name_nl="Toetsenborden reinigen")
    login(make.user("admin"))
    response = client.post("/beheer/ministeries/nieuw", data={
        "code": "OCW", "name": "Onderwijs", "work_type_ids": [str(keyboards.id)]})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    made = db.session.scalars(select(m.Ministry).where(m.Ministry.code == "OCW")).one()
    assert [w.id for w in made.work_types] == [keyboards.id]


def test_an_import_refuses_work_outside_the_ministrys_agreement(make, runner, tmp_path):
    keyboards = make.work_type("keyboards")
    make.work_type("pdossiers")
    bzk = make.ministry("BZK", name="Binnenlandse Zaken", agreement=[keyboards])
    make.location("Den Haag", bzk, code="dh-rijnstraat")
    db.session.commit()
    path = write_csv(tmp_path, [REQUEST_HEADER, request_row(werksoort="pdossiers")])
    result = run_import(runner, "requests", path)
    assert result.exit_code == 1
    assert "rij 2\tkolom werksoort\twaarde 'pdossiers'" in result.output
    assert "ministerie BZK heeft geen afspraak over werksoort 'pdossiers'" in result.output
    assert _requests() == 0
    ok = write_csv(tmp_path, [REQUEST_HEADER, request_row()], name="goed.csv")
    assert run_import(runner, "requests", ok).exit_code == 0
    assert _requests() == 1


def test_the_migration_starts_every_ministry_on_every_work_type_in_use(tmp_path):
    """Nothing a ministry could request before the agreements is refused after them; down and up
    again on the suite's own backend (CI: SQLite, then PostgreSQL)."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    from .test_foundation import scratch_app

    before = "7e3b9c1d4a6f"
    with scratch_app(tmp_path):
        upgrade(revision=before)
        for code, archived in (("keyboards", False), ("cleaning", False), ("old", True)):
            db.session.execute(text(
                "INSERT INTO work_type (code, name_nl, name_en, pictogram, colour, archived) "
                "VALUES (:c, :c, :c, 'broom', '#2f6b2f', :a)"), {"c": code, "a": archived})
        for code in ("BZK", "EZK"):
            db.session.execute(text("INSERT INTO ministry (code, name, archived) VALUES (:c, :c, :a)"),
                               {"c": code, "a": False})
        db.session.commit()

        upgrade()
        agreed = {mi.code: sorted(w.code for w in mi.work_types) for mi in db.session.scalars(select(m.Ministry))}
        assert agreed == {"BZK": ["cleaning", "keyboards"], "EZK": ["cleaning", "keyboards"]}
        db.session.remove()

        downgrade(revision=before)
        assert "ministry_work_type" not in inspect(db.engine).get_table_names()
        upgrade()
        assert "ministry_work_type" in inspect(db.engine).get_table_names()


def test_the_ministries_list_names_each_agreement(client, login, make):
    keyboards = make.work_type(name_nl="Toetsenborden reinigen", name_en="Keyboard cleaning")
    cleaning = make.work_type(name_nl="Schoonmaak", name_en="Cleaning")
    make.ministry("BZK", name="Binnenlandse Zaken", agreement=[keyboards, cleaning])
    make.ministry("EZK", name="Economische Zaken", agreement=[])
    login(make.user("admin"))
    rows = client.get("/beheer/ministeries").get_data(as_text=True).split('<th scope="row">')[1:]
    assert "<td>Schoonmaak, Toetsenborden reinigen</td>" in rows[0] and "Binnenlandse Zaken" in rows[0]
    assert "<td>Nog geen werksoort</td>" in rows[1] and "Economische Zaken" in rows[1]


def test_an_import_does_not_move_a_request_to_a_ministry_without_its_work(make, runner, tmp_path):
    """A request keeps its work type outside a narrowed agreement, but an import row that gives it
    to another ministry makes it that ministry's new work: refused there."""
    keyboards = make.work_type("keyboards")
    bzk = make.ministry("BZK", name="Binnenlandse Zaken", agreement=[])
    jenv = make.ministry("JENV", name="Justitie en Veiligheid", agreement=[keyboards])
    make.location("Den Haag", bzk, code="dh-rijnstraat")
    theirs = make.location("Den Haag", jenv, code="dh-turfmarkt")
    running = make.request(location=theirs, work_type=keyboards, status="ingediend",
                           start_date=next_monday(), end_date=next_monday() + dt.timedelta(days=25))
    db.session.commit()
    moved = write_csv(tmp_path, [REQUEST_HEADER, request_row(id=str(running.id))])
    result = run_import(runner, "requests", moved)
    assert result.exit_code == 1, result.output
    assert "ministerie BZK heeft geen afspraak over werksoort 'keyboards'" in result.output
    db.session.expire_all()
    assert db.session.get(m.DeploymentRequest, running.id).ministry_id == jenv.id


def test_an_archived_work_type_in_an_agreement_is_marked_and_explained(client, login, make, app_with):
    keyboards = make.work_type(name_nl="Toetsenborden reinigen", name_en="Keyboard cleaning")
    carwash = make.work_type(name_nl="Waterloos autowassen", name_en="Waterless car washing")
    building = make.work_type(name_nl="Gebouwondersteuning", name_en="Building assistance")
    ministry = make.ministry("BZK", name="Binnenlandse Zaken", agreement=[keyboards, carwash, building])
    location = make.location(ministry=ministry)
    start = next_monday()
    running = make.request(location=location, work_type=keyboards, status="ingediend", start_date=start,
                           end_date=start + dt.timedelta(days=25), weekdays="135")
    carwash.archived = True
    admin, contact = make.user("admin"), make.user("ministry_contact", ministry=ministry)
    login(admin)
    listed = client.get("/beheer/ministeries").get_data(as_text=True)
    assert "<td>Gebouwondersteuning, Toetsenborden reinigen, Waterloos autowassen (gearchiveerd)</td>" in listed
    form = client.get(f"/beheer/ministeries/{ministry.id}").get_data(as_text=True)
    assert "Waterloos autowassen (gearchiveerd)" in form
    client.post("/auth/logout")

    login(contact)
    url = f"/aanvragen/{running.id}/wijzigen"
    refused = post_request_edit(client, url, request_form(location, carwash))
    assert refused.status_code == 422
    assert "Binnenwerk biedt dit werk niet meer aan. Kies een andere werksoort." in refused.get_data(as_text=True)

    # In English the names are English and in English alphabetical order.
    english = app_with().test_client()
    english.post("/auth/login", data={"email": admin.email, "password": "Test-wachtwoord-2026"})
    english.post("/taal/en", data={"next": "/home"})
    listed = english.get("/beheer/ministeries").get_data(as_text=True)
    assert "<td>Building assistance, Keyboard cleaning, Waterless car washing (archived)</td>" in listed


def test_the_contacts_start_page_says_what_the_ministry_can_ask_for(client, login, make):
    keyboards = make.work_type(name_nl="Toetsenborden reinigen")
    cleaning = make.work_type(name_nl="Schoonmaak")
    retired = make.work_type(name_nl="Oude werksoort", archived=True)
    ministry = make.ministry(agreement=[keyboards, cleaning, retired])
    nothing = make.ministry(agreement=[])
    login(make.user("ministry_contact", ministry=ministry))
    page = client.get("/home").get_data(as_text=True)
    assert "Uw ministerie heeft een afspraak met Binnenwerk over: Schoonmaak, Toetsenborden reinigen." in page
    client.post("/auth/logout")
    login(make.user("ministry_contact", ministry=nothing))
    page = client.get("/home").get_data(as_text=True)
    assert "Uw ministerie heeft nog geen afspraak met Binnenwerk over een werksoort." in page
