"""QA round 13 on the admin pages: a deactivated leader account stays linked, the audit log words
deletions and changes in the reader's language with what changed, per-person history, refusals
that say what to do."""
import re

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, Supervisor, User

from .edit_forms import form_as_shown, post_edit
from .test_admin_catalog import _text, admin  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")


def _audit(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


# --- fault 1: a deactivated team leader's account stays linked ---------------------------------------


@pytest.fixture
def linked_leader(make):
    team = make.team(name="Team Oost")
    account = make.user(role="team_leader", name="Tim Leider", email="tim.leider@binnenwerk.example", teams=[team])
    leader = make.supervisor(team=team, name="Tim Leider", user=account, work_types=[make.work_type()])
    db.session.commit()
    return leader, account, team


def test_a_planners_edit_of_a_leader_keeps_its_deactivated_account_linked(client, admin, linked_leader):
    leader, account, team = linked_leader
    assert client.post(f"/beheer/gebruikers/{account.id}/deactiveren").status_code == 302
    url = f"/teams/teamleiders/{leader.id}/wijzigen"
    page = _text(client.get(url))
    assert "Tim Leider (tim.leider@binnenwerk.example) (gedeactiveerd)" in page
    response = client.post(url, data={**form_as_shown(client, url), "phone": "06-99999999"})
    assert response.status_code == 302, re.findall(r"class=\"error[^>]*>(.*?)</", _text(response), re.S)
    db.session.expire_all()
    leader = db.session.get(Supervisor, leader.id)
    assert leader.phone == "06-99999999"
    assert leader.user_id == account.id
    assert [t.id for t in db.session.get(User, account.id).teams] == [team.id]


def test_the_deactivate_confirmation_names_the_team_leader_of_the_account(client, admin, linked_leader):
    leader, account, _team = linked_leader
    page = _text(client.get(f"/beheer/gebruikers/{account.id}"))
    assert "Dit is het account van teamleider Tim Leider." in page
    assert f'href="/teams/teamleiders/{leader.id}"' in page  # the account belongs to that team leader


def test_a_deactivated_account_of_another_leader_is_not_offered(client, admin, linked_leader, make):
    other = make.supervisor(name="Zonder Account")
    make.user(role="team_leader", name="Oud Account", email="oud@binnenwerk.example", active=False)
    db.session.commit()
    page = _text(client.get(f"/teams/teamleiders/{other.id}/wijzigen"))
    assert "oud@binnenwerk.example" not in page and "tim.leider@binnenwerk.example" not in page


# --- fault 2: a deletion reads in the reader's language -------------------------------------------


def _rows(page: str) -> str:
    return re.search(r"<tbody>(.*)</tbody>", page, re.S).group(1)


def test_a_deleted_work_type_is_named_in_the_language_of_who_reads_the_audit(app, client, admin, make):
    from flask_babel import force_locale, refresh

    from binnenwerk.admin.audit_details import describe
    from tests.conftest import compile_english_catalog

    work_type = make.work_type(name_nl="Toetsenborden", name_en="Keyboards")
    db.session.commit()
    assert client.post(f"/beheer/werksoorten/{work_type.id}/verwijderen").status_code == 302
    [event] = _audit("work_type_deleted")
    assert "Werksoort" not in event.detail  # stored without words of any language
    assert "Werksoort Toetsenborden" in _rows(_text(client.get("/beheer/audit")))
    compile_english_catalog()
    refresh()
    with app.test_request_context(), force_locale("en"):
        assert describe(event.action, event.detail) == "Work type Keyboards"


def test_a_deletion_logged_before_keeps_its_words_and_a_second_click_names_it(client, admin, make):
    from binnenwerk import audit

    location = make.location(name="Oude Toren")
    db.session.flush()
    audit.record("location_deleted", location, detail="Locatie Vroeger")  # a row from before the fix
    db.session.commit()
    assert "Locatie Vroeger" in _rows(_text(client.get("/beheer/audit")))
    url = f"/beheer/locaties/{location.id}/verwijderen"
    assert client.post(url).status_code == 302
    again = client.post(url, follow_redirects=True)
    assert "Locatie Oude Toren is verwijderd." in _text(again)


# --- fault 3: changes logged with what changed ----------------------------------------------------


def test_a_ministry_rename_and_agreement_change_log_old_and_new(client, admin, make):
    cleaning = make.work_type(name_nl="Schoonmaak", name_en="Cleaning")
    windows = make.work_type(name_nl="Ramen", name_en="Windows")
    ministry = make.ministry("BZK", name="Binnenlandse Zaken", agreement=[cleaning])
    db.session.commit()
    url = f"/beheer/ministeries/{ministry.id}"
    response = post_edit(client, url, {"code": "BZK", "name": "Ministerie van BZK",
                                       "work_type_ids": [str(windows.id)]})
    assert response.status_code == 302
    [event] = _audit("ministry_changed")
    assert event.detail == (f"changed: name (Binnenlandse Zaken -> Ministerie van BZK), "
                            f"work_types ([{cleaning.id}] -> [{windows.id}])")
    rows = _rows(_text(client.get("/beheer/audit")))
    assert "naam (Binnenlandse Zaken → Ministerie van BZK)" in rows
    assert "werksoorten (erbij: Ramen; eraf: Schoonmaak)" in rows


def test_a_work_type_rename_logs_both_names_and_a_deleted_one_keeps_its_name(client, admin, make):
    work_type = make.work_type("ramen", name_nl="Ramen", name_en="Windows", pictogram="broom")
    gone = make.work_type(name_nl="Weg", name_en="Gone")
    ministry = make.ministry("EZK", name="Economische Zaken", agreement=[gone])
    db.session.commit()
    url = f"/beheer/werksoorten/{work_type.id}"
    response = post_edit(client, url, {"code": "ramen", "name_nl": "Ramen wassen", "name_en": "Window washing",
                                       "pictogram": "building", "colour": "#2f6b2f"})
    assert response.status_code == 302
    [event] = _audit("work_type_changed")
    assert event.detail == ("changed: name_nl (Ramen -> Ramen wassen), name_en (Windows -> Window washing), "
                            "pictogram (broom -> building)")
    assert post_edit(client, f"/beheer/ministeries/{ministry.id}",
                     {"code": "EZK", "name": "Economische Zaken"}).status_code == 302
    assert client.post(f"/beheer/werksoorten/{gone.id}/verwijderen").status_code == 302
    rows = _rows(_text(client.get("/beheer/audit")))
    assert "naam (Nederlands) (Ramen → Ramen wassen)" in rows and "pictogram (Bezem → Gebouw)" in rows
    assert "werksoorten (eraf: Weg)" in rows  # deleted since: named as its deletion kept it


def test_a_users_email_and_name_change_log_old_and_new(client, admin, make):
    user = make.user(role="planner", name="Els Eerst", email="els.eerst@binnenwerk.example")
    db.session.commit()
    response = post_edit(client, f"/beheer/gebruikers/{user.id}", {
        "email": "els.later@binnenwerk.example", "name": "Els Later", "role": "planner", "ministry_id": ""})
    assert response.status_code == 302
    [event] = _audit("user_changed")
    assert event.detail == ("changed: email (els.eerst@binnenwerk.example -> els.later@binnenwerk.example), "
                            "name (Els Eerst -> Els Later)")
    rows = _rows(_text(client.get("/beheer/audit")))
    assert "e-mailadres (els.eerst@binnenwerk.example → els.later@binnenwerk.example)" in rows


# --- fault 4: a person's history, objects by name -------------------------------------------------


def test_who_finds_a_persons_actions_from_before_an_email_change(client, admin, make):
    from binnenwerk import audit

    planner = make.user(role="planner", name="Piet Plan", email="piet.oud@binnenwerk.example")
    team = make.team(name="Team Zuid")
    db.session.flush()
    audit.record("team.update", team, detail="changed=name", actor=planner)
    planner.email = "piet.nieuw@binnenwerk.example"
    audit.record("user_changed", planner, detail="changed: email")
    db.session.commit()
    rows = _rows(_text(client.get("/beheer/audit?actor=piet.nieuw")))
    assert "piet.oud@binnenwerk.example" in rows
    by_link = _text(client.get(f"/beheer/audit?actor_id={planner.id}"))
    assert "1 regel gevonden." in by_link and "piet.oud@binnenwerk.example" in _rows(by_link)
    assert f'href="/beheer/audit?actor_id={planner.id}"' in _text(client.get(f"/beheer/gebruikers/{planner.id}"))


def test_the_object_column_names_what_still_exists(client, admin, make):
    from binnenwerk import audit

    location = make.location(name="Toren", city="Den Haag")
    user = make.user(name="Piet Jansen")
    db.session.flush()
    audit.record("location_changed", location, detail="changed: code")
    audit.record("user_changed", user, detail="changed: role")
    db.session.commit()
    rows = _rows(_text(client.get("/beheer/audit")))
    assert f"Locatie {location.id} (Toren, Den Haag)" in rows and f"Gebruiker {user.id} (Piet Jansen)" in rows


def test_the_count_of_lines_uses_the_dutch_thousands_separator(client, admin):
    db.session.add_all(AuditEvent(action="login", origin="cli") for _ in range(1200))
    db.session.commit()
    assert "1.201 regels gevonden." in _text(client.get("/beheer/audit"))


# --- fault 5: refusals that say what to do ---------------------------------------------------------


def test_the_own_user_page_offers_neither_deactivating_nor_another_role(client, admin):
    page = _text(client.get(f"/beheer/gebruikers/{admin.id}"))
    assert f"/beheer/gebruikers/{admin.id}/deactiveren" not in page
    assert "Je eigen account kun je niet deactiveren. Een andere beheerder kan dit doen." in page
    assert re.search(r'<select[^>]*disabled[^>]*name="role"|<select[^>]*name="role"[^>]*disabled', page)
    # The browser sends no disabled field: saving the own page still works, the role stays.
    data = form_as_shown(client, f"/beheer/gebruikers/{admin.id}")
    data.pop("role", None)
    response = client.post(f"/beheer/gebruikers/{admin.id}", data={**data, "name": "Anna B."})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == "admin" and db.session.get(User, admin.id).name == "Anna B."


def test_deactivating_oneself_says_whom_to_ask(client, admin):
    page = _text(client.post(f"/beheer/gebruikers/{admin.id}/deactiveren", follow_redirects=True))
    assert "Je kunt je eigen account niet deactiveren. Vraag dat aan een andere beheerder." in page


def test_a_linked_leaders_role_change_links_the_leaders_page(client, admin, linked_leader):
    leader, account, _team = linked_leader
    response = post_edit(client, f"/beheer/gebruikers/{account.id}", {
        "email": account.email, "name": account.name, "role": "planner", "ministry_id": ""})
    assert response.status_code == 422
    assert (f'<a href="/teams/teamleiders/{leader.id}/wijzigen">Naar de pagina van teamleider Tim Leider</a>'
            in _text(response))


def test_a_location_in_a_misspelt_region_suggests_the_region_meant(client, admin, make):
    make.team(region="Oost")
    ministry = make.ministry()
    db.session.commit()
    response = client.post("/beheer/locaties/nieuw", data={
        "code": "oost-1", "name": "Toren", "ministry_id": str(ministry.id), "address": "Straat 1",
        "postcode": "1234 AB", "city": "Arnhem", "region": "Oosst", "submission": "k1"}, follow_redirects=True)
    page = _text(response)
    assert "Er werkt nog geen team in regio Oosst." in page and "Bedoel je Oost?" in page


def test_one_running_request_named_in_english_is_singular(app_with, make):
    from tests.conftest import english_client

    work_type = make.work_type(name_nl="Toetsenborden", name_en="Keyboard cleaning")
    request = make.request(work_type=work_type, status="geaccepteerd")
    browser = english_client(app_with, make)
    page = _text(browser.post(f"/beheer/werksoorten/{work_type.id}/archiveren", follow_redirects=True))
    assert "This concerns" in page and f"request {request.id} (" in page and "These are" not in page


# --- fault 6: archived work types marked on employee pages ---------------------------------------


def test_an_employees_archived_work_type_is_marked_on_the_page_and_the_form(client, login, make):
    old = make.work_type(name_nl="Oud werk", archived=True)
    employee = make.employee(work_types=[old, make.work_type(name_nl="Nieuw werk")])
    login(make.user(role="planner"))
    page = _text(client.get(f"/teams/medewerkers/{employee.id}"))
    assert re.search(r"Oud werk</span>\s*\(gearchiveerd\)", page)
    assert not re.search(r"Nieuw werk</span>\s*\(gearchiveerd\)", page)
    form = _text(client.get(f"/teams/medewerkers/{employee.id}/wijzigen"))
    assert re.search(r">Oud werk \(gearchiveerd\)</label>", form) and ">Nieuw werk</label>" in form
