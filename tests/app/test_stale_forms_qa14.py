"""Forms open while someone else changed what they rest on (QA round 14): an account deactivated
while its user fills in a form, the admin's page after deactivating, and a stand-in team leader
archived while the roster's "who leads this day" page has them chosen."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from binnenwerk.extensions import db
from binnenwerk.models import Absence, SupervisionAssignment, User
from binnenwerk.services import admin as admin_ops
from binnenwerk.services.people import set_supervisor_archived

from tests.conftest import TEST_PASSWORD

from .test_rosters_flow import MON, solve_via_page
from .test_rosters_leader_choice import choose, form_values, leader_at, url, world  # noqa: F401 (fixture)


# --- 1. an account deactivated while its user fills in a form ----------------------------------


def _signed_in(app_with, user):
    # An app of its own: the shared one's app context would keep the login in `g` between requests.
    browser = app_with().test_client()
    assert browser.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    return browser


def _deactivate(user, make):
    boss = make.user(role="admin")
    make.user(role="planner", name="Blijvende Planner")  # the last active planner stays (admin.KEPT_ROLES)
    db.session.commit()
    admin_ops.set_user_active(db.session.get(User, user.id), False, actor=boss)
    db.session.commit()


def test_a_form_sent_after_the_account_was_deactivated_says_it_was_not_saved(app_with, make):
    team = make.team("Den Haag", name="Team A")
    person = make.employee(team, first_name="Anna", last_name="Test")
    planner = make.user(role="planner", email="planner2@binnenwerk.example")
    db.session.commit()
    browser = _signed_in(app_with, planner)
    assert browser.get("/teams/afwezigheid/nieuw").status_code == 200
    _deactivate(planner, make)

    sent = browser.post("/teams/afwezigheid/nieuw", data={
        "person": f"medewerker-{person.id}", "kind": "ziek", "start_date": "21-12-2026",
        "end_date": "21-12-2026", "whole_day": "y"})

    assert sent.status_code == 302 and "/auth/login" in sent.headers["Location"]
    page = browser.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Je bent uitgelogd. Wat je net verstuurde, is niet opgeslagen." in page
    # They cannot log in again: not sent to do it again after a login.
    assert "Log opnieuw in" not in page and "na het inloggen" not in page
    assert db.session.scalar(select(func.count(Absence.id))) == 0


def test_a_ministry_contact_deactivated_while_sending_is_told_formally(app_with, make):
    ministry = make.ministry()
    contact = make.user(role="ministry_contact", ministry=ministry)
    db.session.commit()
    browser = _signed_in(app_with, contact)
    _deactivate(contact, make)

    sent = browser.post("/aanvragen/nieuw", data={"notes": "iets"})

    page = browser.get(sent.headers["Location"]).get_data(as_text=True)
    assert "U bent uitgelogd. Wat u net verstuurde, is niet opgeslagen." in page


def test_a_page_opened_after_the_account_was_deactivated_only_says_logged_out(app_with, make):
    planner = make.user(role="planner")
    db.session.commit()
    browser = _signed_in(app_with, planner)
    _deactivate(planner, make)

    page = browser.get(browser.get("/teams/afwezigheid/nieuw").headers["Location"]).get_data(as_text=True)

    assert "Je bent uitgelogd." in page and "niet opgeslagen" not in page


# --- 2. the admin's page after deactivating an account -----------------------------------------


def test_the_admin_is_told_once_that_the_account_is_deactivated(client, login, make):
    admin = make.user(role="admin")
    user = make.user(name="Tweede Planner")
    make.user(role="planner", name="Blijvende Planner")  # the last active planner stays (admin.KEPT_ROLES)
    login(admin)

    page = client.post(f"/beheer/gebruikers/{user.id}/deactiveren", follow_redirects=True).get_data(as_text=True)

    assert page.count("gedeactiveerd") == 1  # the message that takes the focus, not the banner too
    assert "Account van Tweede Planner is gedeactiveerd. Deze persoon kan niet meer inloggen." in page
    later = client.get(f"/beheer/gebruikers/{user.id}").get_data(as_text=True)
    assert "Dit account is gedeactiveerd. Deze persoon kan niet inloggen." in later  # the banner on a later visit
    db.session.refresh(user)
    assert user.active is False


# --- 3. a stand-in team leader archived while the leader page has them chosen ------------------

ARCHIVED = ("Dit kan niet: Ina Invaller is gearchiveerd en is geen teamleider meer bij Binnenwerk. "
            "Kies een andere teamleider.")


@pytest.fixture(autouse=True)
def fast_solver(app):
    app.config.update(SOLVE_DETERMINISTIC=True, SOLVE_WORKERS=1, SOLVE_TIME_LIMIT=2.0, REDIS_URL="")


def _lead_row():
    db.session.expire_all()
    return db.session.scalar(select(SupervisionAssignment).where(SupervisionAssignment.date == MON))


@pytest.mark.usefixtures("before_work_on_7_december")
def test_pinning_a_stand_in_archived_since_the_page_opened_says_they_were_archived(client, login, world):
    login(world.planner)
    solve_via_page(client, world.team)
    assert choose(client, world, world.pool).status_code == 302  # the stand-in leads, not pinned
    assert leader_at(world.team, MON, world.loc) == world.pool.id and not _lead_row().pinned
    stale = form_values(client.get(url(world)).get_data(as_text=True))
    set_supervisor_archived(world.pool, True)

    response = client.post("/rooster/leider", data={**stale, "supervisor": str(world.pool.id), "pinned": "y"})

    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert ARCHIVED in text and "niet vrij" not in text
    # The list says it too, after the name.
    assert "Ina Invaller (invaller) (nu) (is gearchiveerd en is geen teamleider meer bij Binnenwerk)" in text
    row = _lead_row()
    assert row.supervisor_id == world.pool.id and not row.pinned  # nothing changed


@pytest.mark.usefixtures("before_work_on_7_december")
def test_choosing_a_stand_in_archived_since_the_page_opened_says_they_were_archived(client, login, world):
    login(world.planner)
    solve_via_page(client, world.team)
    before = leader_at(world.team, MON, world.loc)
    stale = form_values(client.get(url(world)).get_data(as_text=True))
    set_supervisor_archived(world.pool, True)

    response = client.post("/rooster/leider", data={**stale, "supervisor": str(world.pool.id), "pinned": "y"})

    assert response.status_code == 422
    assert ARCHIVED in response.get_data(as_text=True)
    assert leader_at(world.team, MON, world.loc) == before


@pytest.mark.usefixtures("before_work_on_7_december")
def test_an_archived_stand_in_who_leads_can_still_be_unpinned(client, login, world):
    login(world.planner)
    solve_via_page(client, world.team)
    assert choose(client, world, world.pool, pinned="y").status_code == 302
    assert _lead_row().pinned
    stale = form_values(client.get(url(world)).get_data(as_text=True))
    set_supervisor_archived(world.pool, True)

    response = client.post("/rooster/leider", data={**stale, "supervisor": str(world.pool.id)})

    assert response.status_code == 302
    assert not _lead_row().pinned


def test_another_message_on_a_deactivated_accounts_page_keeps_the_banner(client, login, make):
    """Only the deactivation's own message stands in for the banner: after an unlock the account
    is still deactivated, and the page must say so."""
    import datetime as dt

    admin = make.user(role="admin")
    user = make.user(name="Tweede Planner", active=False)
    user.locked_until = dt.datetime(2099, 1, 1)
    login(admin)
    page = client.post(f"/beheer/gebruikers/{user.id}/ontgrendelen", follow_redirects=True).get_data(as_text=True)
    assert "is ontgrendeld" in page
    assert "Dit account is gedeactiveerd. Deze persoon kan niet inloggen." in page


@pytest.mark.usefixtures("before_work_on_7_december")
def test_an_archived_leader_the_page_could_not_offer_is_not_named(client, login, world, make):
    """A team leader sending the form with another region's archived stand-in learns no name (nor
    that the id is archived): the answer is the one for any id not in the list (a QA pass)."""
    elsewhere = make.supervisor(None, region="Groningen", name="Umut Hendriks")
    db.session.commit()
    set_supervisor_archived(elsewhere, True)
    login(world.planner)
    solve_via_page(client, world.team)
    page = form_values(client.get(url(world)).get_data(as_text=True))

    response = client.post("/rooster/leider", data={**page, "supervisor": str(elsewhere.id)})

    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "Kies een teamleider uit de lijst." in text
    assert "Umut" not in text and "gearchiveerd" not in text
