"""Admin user management: create, edit, deactivate and reactivate accounts, with every refusal."""
import re

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, User
from binnenwerk.services import ServiceError
from binnenwerk.services import admin as ops

from .edit_forms import post_edit

GOOD_PASSWORD = "Nieuw-wachtwoord-2026"


@pytest.fixture
def admin(make, login):
    user = make.user(role="admin", name="Anna Beheer", email="anna.beheer@binnenwerk.example")
    login(user)
    return user


def _form(**overrides):
    data = {"email": "piet.jansen@minbzk.nl", "name": "Piet Jansen", "role": "planner",
            "ministry_id": "", "password": GOOD_PASSWORD}
    data.update(overrides)
    return data


def _user(email):
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def _audit(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _text(response):
    return response.get_data(as_text=True)


def test_user_list_shows_users_sorted_by_name(client, admin, make):
    make.user(name="Zeger Zwart")
    make.user(name="Bert Bos")
    db.session.commit()
    page = _text(client.get("/beheer/gebruikers"))
    assert "<caption" in page
    assert page.index("Anna Beheer") < page.index("Bert Bos") < page.index("Zeger Zwart")


def test_user_list_filters_deactivated_accounts(client, admin, make):
    make.user(name="Oud Account", active=False)
    make.user(name="Nieuw Account")
    db.session.commit()
    assert "Oud Account" not in _text(client.get("/beheer/gebruikers"))
    inactive = _text(client.get("/beheer/gebruikers?status=inactief"))
    assert "Oud Account" in inactive and "Nieuw Account" not in inactive
    everyone = _text(client.get("/beheer/gebruikers?status=alle"))
    assert "Oud Account" in everyone and "Nieuw Account" in everyone


def test_user_list_filters_on_role_and_searches_name_or_email(client, admin, make):
    make.user(role="team_leader", name="Tanja Teamleider", email="tanja@binnenwerk.example")
    make.user(role="planner", name="Paul Planner", email="paul.p@binnenwerk.example")
    make.user(role="planner", name="Procent 100%", email="p100@binnenwerk.example")
    db.session.commit()
    leaders = _text(client.get("/beheer/gebruikers?rol=&role=team_leader"))
    assert "Tanja Teamleider" in leaders and "Paul Planner" not in leaders
    found = _text(client.get("/beheer/gebruikers?q=PAUL.P"))
    assert "Paul Planner" in found and "Tanja Teamleider" not in found
    percent = _text(client.get("/beheer/gebruikers?q=%25"))
    assert "Procent 100%" in percent and "Paul Planner" not in percent
    assert client.get("/beheer/gebruikers?role=god&status=x&q=" + "x" * 5000).status_code == 200


def test_admin_creates_a_planner_with_a_hashed_password_and_an_audit_row(client, admin):
    assert client.get("/beheer/gebruikers/nieuw").status_code == 200
    response = client.post("/beheer/gebruikers/nieuw", data=_form(email="Piet.Jansen@MinBZK.nl"),
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Account van Piet Jansen is aangemaakt." in _text(response)
    user = _user("piet.jansen@minbzk.nl")
    assert user.email == "piet.jansen@minbzk.nl" and user.role == "planner" and user.active
    assert check_password_hash(user.password_hash, GOOD_PASSWORD)
    assert user.must_change_password is True  # the admin knows it, so the person chooses their own
    [event] = _audit("user_created")
    assert event.object_id == str(user.id) and event.actor_id == admin.id
    assert GOOD_PASSWORD not in event.detail


def test_admin_creates_a_ministry_contact_for_a_ministry(client, admin, make):
    ministry = make.ministry(code="BZK")
    db.session.commit()
    client.post("/beheer/gebruikers/nieuw", data=_form(role="ministry_contact", ministry_id=str(ministry.id)))
    assert _user("piet.jansen@minbzk.nl").ministry_id == ministry.id


def test_admin_creates_a_team_leader_for_several_teams(client, admin, make):
    north, south = make.team(name="Team Noord"), make.team(name="Team Zuid")
    db.session.commit()
    client.post("/beheer/gebruikers/nieuw",
                data=_form(role="team_leader", team_ids=[str(north.id), str(south.id)]))
    assert {t.name for t in _user("piet.jansen@minbzk.nl").teams} == {"Team Noord", "Team Zuid"}


def test_duplicate_email_is_refused_whatever_the_case(client, admin, make):
    make.user(email="piet.jansen@minbzk.nl")
    db.session.commit()
    response = client.post("/beheer/gebruikers/nieuw", data=_form(email="PIET.Jansen@minbzk.nl", name="Ander"))
    assert response.status_code == 422
    assert "Er is al een account met dit e-mailadres." in _text(response)
    assert db.session.scalar(select(func.count(User.id))) == 2
    assert _audit("user_created") == []


@pytest.mark.parametrize("email", ["info@minbzk.nl", "Team@binnenwerk.example", "noreply@x.nl", "planning@x.nl"])
def test_group_mailbox_is_refused(client, admin, email):
    response = client.post("/beheer/gebruikers/nieuw", data=_form(email=email))
    assert response.status_code == 422
    assert "Gebruik een persoonlijk e-mailadres." in _text(response)
    assert _user(email) is None


@pytest.mark.parametrize("field,value,message", [
    ("email", "", "Vul een e-mailadres in."),
    ("email", "geen-adres", "Vul een geldig e-mailadres in"),
    ("name", "   ", "Vul een naam in."),
    ("name", "x" * 5000, "Hoogstens 200 tekens."),
    ("role", "superuser", "Kies een rol uit de lijst."),
    ("password", "", "Vul een eerste wachtwoord in."),
    ("password", "kort", "minstens 12 tekens"),
    ("password", "alleenkleineletters123", "hoofdletters, kleine letters en cijfers"),
])
def test_bad_user_input_is_refused_in_dutch(client, admin, field, value, message):
    response = client.post("/beheer/gebruikers/nieuw", data=_form(**{field: value}))
    assert response.status_code == 422
    assert message in _text(response)
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_ministry_contact_needs_a_ministry(client, admin):
    response = client.post("/beheer/gebruikers/nieuw", data=_form(role="ministry_contact"))
    assert "hoort bij een ministerie. Kies er een." in _text(response)
    assert _user("piet.jansen@minbzk.nl") is None


@pytest.mark.parametrize("value", ["999999", "99999999999999999999", "abc", "-1"])
def test_unknown_ministry_in_the_select_is_a_field_error(client, admin, value):
    response = client.post("/beheer/gebruikers/nieuw", data=_form(role="ministry_contact", ministry_id=value))
    assert response.status_code == 422
    assert 'id="ministry_id-error"' in _text(response)
    assert "Kies een ministerie uit de lijst." in _text(response)
    assert _user("piet.jansen@minbzk.nl") is None


def test_archived_ministry_cannot_be_chosen_for_a_new_contact(client, admin, make):
    ministry = make.ministry(name="Ministerie van Vroeger", archived=True)
    db.session.commit()
    response = client.post("/beheer/gebruikers/nieuw",
                           data=_form(role="ministry_contact", ministry_id=str(ministry.id)))
    assert "is gearchiveerd" in _text(response)
    assert _user("piet.jansen@minbzk.nl") is None


def test_only_a_ministry_contact_has_a_ministry(client, admin, make):
    ministry = make.ministry()
    db.session.commit()
    response = client.post("/beheer/gebruikers/nieuw", data=_form(role="planner", ministry_id=str(ministry.id)))
    assert "Alleen een contactpersoon van een ministerie hoort bij een ministerie." in _text(response)
    assert _user("piet.jansen@minbzk.nl") is None


def test_only_a_team_leader_has_teams(client, admin, make):
    team = make.team()
    db.session.commit()
    response = client.post("/beheer/gebruikers/nieuw", data=_form(role="planner", team_ids=[str(team.id)]))
    assert "Alleen een teamleider heeft teams." in _text(response)
    assert _user("piet.jansen@minbzk.nl") is None


@pytest.mark.parametrize("value", ["424242", "x"])
def test_unknown_team_is_a_field_error(client, admin, value):
    response = client.post("/beheer/gebruikers/nieuw", data=_form(role="team_leader", team_ids=[value]))
    assert response.status_code == 422
    assert "Kies teams uit de lijst." in _text(response)
    assert _user("piet.jansen@minbzk.nl") is None


def test_thousands_of_team_ids_are_refused_without_an_error_page(client, admin, make):
    team = make.team()
    db.session.commit()
    response = client.post("/beheer/gebruikers/nieuw",
                           data=_form(role="team_leader", team_ids=[str(team.id)] + [str(i) for i in range(1, 40000)]))
    assert response.status_code == 422 and "Kies teams uit de lijst." in _text(response)
    assert _user("piet.jansen@minbzk.nl") is None


def test_admin_edits_name_role_and_teams_with_an_audit_row(client, admin, make):
    team = make.team(name="Team Oost")
    user = make.user(role="planner", name="Els Eerst", email="els.eerst@binnenwerk.example")
    make.user(role="planner", name="Blijvende Planner")  # the last active planner stays (admin.KEPT_ROLES)
    db.session.commit()
    page = _text(client.get(f"/beheer/gebruikers/{user.id}"))
    assert "Els Eerst" in page and 'name="password"' not in page and "Nog nooit" in page
    response = post_edit(client, f"/beheer/gebruikers/{user.id}", {
        "email": "els.eerst@binnenwerk.example", "name": "Els Later", "role": "team_leader",
        "ministry_id": "", "team_ids": [str(team.id)],
    }, follow_redirects=True)
    assert "Account van Els Later is opgeslagen." in _text(response)
    db.session.refresh(user)
    assert user.name == "Els Later" and user.role == "team_leader" and [t.name for t in user.teams] == ["Team Oost"]
    [event] = _audit("user_changed")
    assert event.detail == f"changed: name (Els Eerst -> Els Later), role (planner -> team_leader), teams ([] -> [{team.id}])"


def test_the_account_of_a_teams_own_leader_keeps_that_team(client, admin, make):
    """Taking the team (or the role) away on the account would leave the team leader list saying
    the account leads the team while the account no longer sees it (a QA finding): refused, with
    where to change it. Adding a team stays possible."""
    team, other = make.team(name="Team Oost"), make.team(name="Team West")
    user = make.user(role="team_leader", name="Lea Leider", email="lea@binnenwerk.example", teams=[team])
    leader = make.supervisor(team, name="Lea Leider")
    leader.user = user
    db.session.commit()
    url = f"/beheer/gebruikers/{user.id}"
    base = {"email": "lea@binnenwerk.example", "name": "Lea Leider", "ministry_id": ""}

    for data, field in (({**base, "role": "team_leader", "team_ids": [str(other.id)]}, "team_ids"),
                        ({**base, "role": "planner"}, "role")):
        response = post_edit(client, url, data)
        assert response.status_code == 422
        # The message sits at the field that was changed (the role, or the teams).
        assert re.search(rf'id="{field}-error"[^>]*>[^<]*Lea Leider is de teamleider', response.get_data(as_text=True))
        assert ("Lea Leider is de teamleider van Team Oost en moet dat team blijven zien. Moet Lea Leider een ander "
                "team leiden, of geen? Verander dat eerst op de pagina van de teamleider.") in _text(response)
        db.session.refresh(user)
        assert (user.role, [t.name for t in user.teams]) == ("team_leader", ["Team Oost"])

    both = post_edit(client, url, {**base, "role": "team_leader", "team_ids": [str(team.id), str(other.id)]})
    assert both.status_code == 302
    db.session.refresh(user)
    assert sorted(t.name for t in user.teams) == ["Team Oost", "Team West"]


def test_edit_refuses_an_email_of_another_account(client, admin, make):
    user = make.user(email="een@binnenwerk.example", name="Een")
    make.user(email="twee@binnenwerk.example")
    db.session.commit()
    response = post_edit(client, f"/beheer/gebruikers/{user.id}", {
        "email": "TWEE@binnenwerk.example", "name": "Een", "role": "planner", "ministry_id": ""})
    assert response.status_code == 422 and "Er is al een account met dit e-mailadres." in _text(response)
    db.session.refresh(user)
    assert user.email == "een@binnenwerk.example"


def test_an_existing_generic_address_may_keep_its_email(client, admin, make):
    # The demo admin is admin@...; renaming it must not force a new address.
    user = make.user(email="admin@binnenwerk.example", role="admin")
    db.session.commit()
    response = post_edit(client, f"/beheer/gebruikers/{user.id}", {
        "email": "admin@binnenwerk.example", "name": "Nieuwe naam", "role": "admin", "ministry_id": ""})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.name == "Nieuwe naam"


@pytest.mark.parametrize("url", ["/beheer/gebruikers/424242", "/beheer/gebruikers/99999999999999999999"])
def test_unknown_user_id_is_404(client, admin, url):
    assert client.get(url).status_code == 404
    assert client.post(url + "/deactiveren").status_code == 404


def test_admin_deactivates_and_reactivates_an_account(client, admin, make):
    user = make.user(name="Tijdelijk Weg")
    make.user(role="planner", name="Blijvende Planner")  # the last active planner stays (admin.KEPT_ROLES)
    db.session.commit()
    response = client.post(f"/beheer/gebruikers/{user.id}/deactiveren", follow_redirects=True)
    assert "is gedeactiveerd" in _text(response)
    db.session.refresh(user)
    assert user.active is False and db.session.get(User, user.id) is not None
    response = client.post(f"/beheer/gebruikers/{user.id}/activeren", follow_redirects=True)
    assert "is weer actief" in _text(response)
    db.session.refresh(user)
    assert user.active is True
    assert len(_audit("user_deactivated")) == 1 and len(_audit("user_reactivated")) == 1


def test_deactivated_account_cannot_log_in(client, admin, make):
    user = make.user(email="weg@binnenwerk.example")
    make.user(role="planner", name="Blijvende Planner")  # the last active planner stays (admin.KEPT_ROLES)
    db.session.commit()
    client.post(f"/beheer/gebruikers/{user.id}/deactiveren")
    client.post("/auth/logout")
    response = client.post("/auth/login", data={"email": "weg@binnenwerk.example", "password": "Test-wachtwoord-2026"})
    assert response.status_code == 401


def test_deactivation_ends_the_sessions_the_person_already_has(app_with, make):
    from tests.conftest import TEST_PASSWORD

    boss = make.user(role="admin", email="baas@binnenwerk.example")
    user = make.user(email="nog.ingelogd@binnenwerk.example")
    make.user(role="planner", name="Blijvende Planner")  # the last active planner stays (admin.KEPT_ROLES)
    db.session.commit()
    live = app_with()  # fresh g per request, so two people can be logged in at once
    admin_browser, their_browser = live.test_client(), live.test_client()
    admin_browser.post("/auth/login", data={"email": boss.email, "password": TEST_PASSWORD})
    their_browser.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert their_browser.get("/home").status_code == 200
    admin_browser.post(f"/beheer/gebruikers/{user.id}/deactiveren")
    response = their_browser.get("/home")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_admin_cannot_deactivate_themselves(client, admin, make):
    make.user(role="admin")
    db.session.commit()
    response = client.post(f"/beheer/gebruikers/{admin.id}/deactiveren", follow_redirects=True)
    assert "Je kunt je eigen account niet deactiveren." in _text(response)
    db.session.refresh(admin)
    assert admin.active is True
    [event] = _audit("user_deactivated")
    assert (event.result, event.detail) == ("refused", "own account")


def test_other_admin_can_be_deactivated_while_one_active_admin_remains(client, admin, make):
    other = make.user(role="admin", name="Tweede Beheerder")
    db.session.commit()
    client.post(f"/beheer/gebruikers/{other.id}/deactiveren")
    db.session.refresh(other)
    assert other.active is False


def test_last_active_admin_cannot_be_deactivated(app, make):
    # Through the pages the acting admin is the last one (refused as "yourself"); the CLI and
    # stale sessions act without that check, so the service itself guards the last admin.
    last = make.user(role="admin")
    make.user(role="admin", active=False)
    db.session.commit()
    with app.test_request_context(), pytest.raises(ServiceError, match="laatste actieve beheerder"):
        ops.set_user_active(last, False, actor=None)
    assert db.session.get(User, last.id).active is True
    assert [(e.result, e.detail) for e in _audit("user_deactivated")] == [("refused", "last active admin")]


def test_last_active_admin_cannot_lose_the_admin_role(app, make):
    last = make.user(role="admin")
    db.session.commit()
    with app.test_request_context(), pytest.raises(ServiceError, match="laatste actieve beheerder"):
        ops.update_user(last, ops.UserInput(email=last.email, name=last.name, role="planner"), actor=None)
    assert db.session.get(User, last.id).role == "admin"


def test_admin_cannot_change_their_own_role(client, admin, make):
    second = make.user(role="admin", name="Tweede")
    db.session.commit()
    response = post_edit(client, f"/beheer/gebruikers/{admin.id}", {
        "email": admin.email, "name": admin.name, "role": "planner", "ministry_id": ""})
    assert "Je kunt je eigen rol niet veranderen." in _text(response)
    db.session.refresh(admin)
    assert admin.role == "admin"
    # Demoting another admin is fine while one active admin remains.
    response = post_edit(client, f"/beheer/gebruikers/{second.id}", {
        "email": second.email, "name": second.name, "role": "planner", "ministry_id": ""})
    assert response.status_code == 302
    db.session.refresh(second)
    assert second.role == "planner"


def test_user_page_links_to_the_password_reset_for_others_only(client, admin, make):
    other = make.user(name="Ander Iemand")
    db.session.commit()
    assert f'href="/auth/gebruikers/{other.id}/wachtwoord"' in _text(client.get(f"/beheer/gebruikers/{other.id}"))
    assert "/wachtwoord" not in _text(client.get(f"/beheer/gebruikers/{admin.id}")).split("<main", 1)[1]


# --- a locked account: shown, and unlocked by an admin ----------------------------------------


def _locked(make, minutes: int = 10, **kw):
    """An account locked after too many wrong passwords, until `minutes` from now; and that moment
    as the admin reads it (Amsterdam time)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from binnenwerk.models import utcnow

    until = utcnow().replace(microsecond=0) + dt.timedelta(minutes=minutes)
    user = make.user(role="planner", name="Piet Slot", failed_logins=5, locked_until=until, **kw)
    db.session.commit()
    local = until.replace(tzinfo=dt.timezone.utc).astimezone(ZoneInfo("Europe/Amsterdam"))
    return user, local.strftime("%H:%M")


def _english_admin(app_with, make):
    from tests.conftest import english_client

    return english_client(app_with, make)


def test_a_locked_account_shows_until_when_on_the_list_and_its_page(client, admin, make, app_with):
    user, until = _locked(make)
    make.user(role="planner", name="Vrij Account", failed_logins=2)
    # A lock that has run out is no lock.
    make.user(role="planner", name="Oud Slot", failed_logins=5,
              locked_until=user.locked_until.replace(year=user.locked_until.year - 1))
    db.session.commit()
    # Between 23:50 and midnight the lock runs into tomorrow and the day comes before the time
    # (test_a_lock_into_tomorrow_names_the_day): only the time is checked here.
    said = re.compile(rf"Geblokkeerd tot (\w+ \d+ \w+ )?{until}")
    listing = _text(client.get("/beheer/gebruikers"))
    assert listing.count("Geblokkeerd tot") == 1 and said.search(listing)
    page = _text(client.get(f"/beheer/gebruikers/{user.id}"))
    assert said.search(page)
    assert f'action="/beheer/gebruikers/{user.id}/ontgrendelen"' in page and "Ontgrendelen</button>" in page
    assert 'name="csrf_token"' in page
    assert "Ontgrendelen</button>" not in _text(client.get(f"/beheer/gebruikers/{admin.id}"))

    english = _english_admin(app_with, make)
    assert re.search(rf"Locked until (\w+ \d+ \w+ )?{until}", _text(english.get("/beheer/gebruikers")))
    assert "Unlock</button>" in _text(english.get(f"/beheer/gebruikers/{user.id}"))


def test_a_lock_into_tomorrow_names_the_day(client, admin, make):
    user, until = _locked(make, minutes=36 * 60)
    page = _text(client.get(f"/beheer/gebruikers/{user.id}"))
    assert "Geblokkeerd tot " in page and f" {until}" in page
    assert f"Geblokkeerd tot {until}" not in page  # the day comes first


def test_admin_unlocks_a_locked_account_and_it_is_audited(client, admin, make):
    from tests.conftest import TEST_PASSWORD

    user, _until = _locked(make)
    response = client.post(f"/beheer/gebruikers/{user.id}/ontgrendelen", follow_redirects=True)
    page = _text(response)
    assert "Account van Piet Slot is ontgrendeld." in page and "Geblokkeerd tot" not in page
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert (user.failed_logins, user.locked_until) == (0, None)
    [event] = _audit("account_unlock")
    assert (event.object_id, event.actor_email, event.result) == (str(user.id), admin.email, "ok")
    # The person can log in at once.
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302


def test_unlocking_an_account_that_is_not_locked_changes_nothing(client, admin, make, app_with):
    user = make.user(role="planner", name="Vrij Account", failed_logins=2)
    db.session.commit()
    page = _text(client.post(f"/beheer/gebruikers/{user.id}/ontgrendelen", follow_redirects=True))
    assert "Account van Vrij Account was niet (meer) geblokkeerd." in page
    english = _english_admin(app_with, make).post(f"/beheer/gebruikers/{user.id}/ontgrendelen",
                                                  follow_redirects=True)
    assert "The account of Vrij Account was not locked (any more)." in _text(english)
    db.session.expire_all()
    assert db.session.get(User, user.id).failed_logins == 2 and _audit("account_unlock") == []


def test_only_an_admin_unlocks(client, make, login):
    user, _until = _locked(make)
    login(make.user(role="planner"))
    assert client.post(f"/beheer/gebruikers/{user.id}/ontgrendelen").status_code in (403, 404)
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until is not None
