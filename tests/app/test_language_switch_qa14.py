"""The language button on a page shown for a form sent (a refused save): back to that form, or the
start page, never "Niet gevonden"; and never to another site."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from flask_babel import refresh

from binnenwerk.extensions import db
from binnenwerk.services import feeds
from binnenwerk.services import rosters as service

from tests.conftest import TEST_PASSWORD, compile_english_catalog

from .edit_forms import form_as_shown

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

WEEK, MON = "2026-W50", dt.date(2026, 12, 7)
HOST = "http://localhost"


@pytest.fixture(autouse=True)
def saturday(monkeypatch):
    monkeypatch.setattr(feeds, "local_today", lambda: dt.date(2026, 12, 5))


@pytest.fixture
def world(make):
    """Team A of two with its leader, and another team's leader (Olga); a request Monday to Wednesday,
    Anna has Monday."""
    wt = make.work_type("keyboards")
    loc = make.location("Den Haag", name="Rijnstraat 8")
    team = make.team("Den Haag", name="Team A")
    make.team("Den Haag", name="Team B")
    make.supervisor(team, work_types=[wt], name="Els Eerst")
    foreign = make.supervisor(make.team("Den Haag", name="Team C"), work_types=[wt], name="Olga Ander")
    anna, _ = (make.employee(team, work_types=[wt], first_name=n, last_name="Test") for n in ("Anna", "Bram"))
    req = make.request(loc, wt, weekdays="123", headcount=2, start_date=MON, end_date=dt.date(2026, 12, 31))
    planner = make.user("planner")
    leader = make.user("team_leader", teams=[team])
    db.session.commit()
    service.set_cell(WEEK, team.id, anna.id, MON, req.id, lock_version=0, user=planner)
    return type("World", (), dict(loc=loc, team=team, anna=anna, req=req, leader=leader, foreign=foreign))


def lang_of(response) -> str:
    return re.search(r'<html lang="([a-z]+)"', response.get_data(as_text=True)).group(1)


def button_next(response) -> str:
    """The page the language button says it leads back to."""
    return html.unescape(re.search(r'name="next" value="([^"]*)"', response.get_data(as_text=True)).group(1))


def press_dutch(client, response):
    """Press "Nederlands" on the page of `response`, following the way back as a browser does."""
    return client.post("/taal/nl", data={"next": button_next(response)}, follow_redirects=True)


def cell_url(world) -> str:
    return f"/rooster/cel?week={WEEK}&team={world.team.id}&employee={world.anna.id}&date={MON}"


def leader_url(world) -> str:
    return f"/rooster/leider?week={WEEK}&team={world.team.id}&date={MON}&location={world.loc.id}"


def refused_cell(client, world, referrer: str | None):
    """The cell form opened, saved, and (the back button) saved again with another value: "Dit
    rooster is net veranderd", shown at /rooster/cel (the form's fields were in the body)."""
    opened = form_as_shown(client, cell_url(world))
    headers = {"Referer": referrer} if referrer else {}
    assert client.post("/rooster/cel", data={**opened, "request": ""}, headers=headers).status_code == 302
    refused = client.post("/rooster/cel", data={**opened, "request": str(world.req.id), "pinned": ""},
                          headers=headers)
    assert refused.status_code == 422 and lang_of(refused) == "en"
    return refused


def refused_leader(client, world, referrer: str | None):
    """Another team's leader chosen: refused, shown at /rooster/leider."""
    opened = form_as_shown(client, leader_url(world))
    headers = {"Referer": referrer} if referrer else {}
    refused = client.post("/rooster/leider", data={**opened, "supervisor": str(world.foreign.id)}, headers=headers)
    assert refused.status_code == 422 and lang_of(refused) == "en"
    return refused


FORMS = {"cell": (refused_cell, cell_url, "/rooster/cel"), "leader": (refused_leader, leader_url, "/rooster/leider")}


@pytest.fixture
def leader_in_english(app_with, world):
    """The team leader's browser, set to English with the button (a fresh app: the page language is
    per request)."""
    compile_english_catalog()
    refresh()
    client = app_with().test_client()
    assert client.post("/auth/login", data={"email": world.leader.email, "password": TEST_PASSWORD}).status_code == 302
    client.post("/taal/en", data={"next": "/home"})
    return client


@pytest.mark.parametrize("form", FORMS)
def test_after_a_refused_save_the_language_button_goes_back_to_the_form(leader_in_english, world, form):
    """As a browser sends it: the form's page, with its query, is the Referer of the save."""
    client, (refuse, url_of, _) = leader_in_english, FORMS[form]
    form_url = url_of(world)
    refused = refuse(client, world, HOST + form_url)
    assert button_next(refused) == form_url
    switched = client.post("/taal/nl", data={"next": button_next(refused)})
    assert switched.status_code == 302 and switched.headers["Location"] == form_url
    page = client.get(form_url)
    assert page.status_code == 200 and lang_of(page) == "nl"


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("referrer", ["none", "bare"])
def test_the_language_button_of_a_refused_save_never_leads_to_not_found(leader_in_english, world, form, referrer):
    """No Referer (a browser set not to send it, a script), or the form itself shown for a save (a
    second refusal in a row, at /rooster/cel without its query): the start page, in Dutch."""
    client, (refuse, _, bare) = leader_in_english, FORMS[form]
    refused = refuse(client, world, HOST + bare if referrer == "bare" else None)
    landed = press_dutch(client, refused)
    text = landed.get_data(as_text=True)
    assert landed.status_code == 200, text[:300]
    assert "Niet gevonden" not in text and lang_of(landed) == "nl"
    assert landed.request.path == "/home"
    # Only for the button's way back: the address typed later is "Niet gevonden" as before.
    assert client.get(bare).status_code == 404


def test_the_way_back_is_this_sites_page_only(leader_in_english, world):
    client = leader_in_english
    for target in ("//evil.example/rooster/cel", "https://evil.example/", "/\\evil.example", "http:/evil.example"):
        switched = client.post("/taal/nl", data={"next": target})
        assert switched.status_code == 302 and switched.headers["Location"] == "/", target
        client.post("/taal/en", data={"next": "/home"})
    # A save sent from another site's page: the button does not offer to go there.
    refused = refused_cell(client, world, "https://evil.example" + cell_url(world))
    assert "evil.example" not in button_next(refused)
    assert press_dutch(client, refused).request.path == "/home"


def test_a_page_opened_for_a_get_keeps_its_address_with_the_query(leader_in_english, world):
    client = leader_in_english
    url = cell_url(world)
    page = client.get(url)
    assert button_next(page) == url
    landed = press_dutch(client, page)
    assert landed.status_code == 200 and landed.request.full_path == url and lang_of(landed) == "nl"
