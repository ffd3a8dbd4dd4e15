"""Region names, the ministry contact's places and the admin's location messages on English pages
marked lang="nl" (WCAG 3.1.2): region names are Dutch proper names (Den Haag, Zwolle), said in
lists, filters, headings, links and messages; the README's Known gaps named them."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Location, Roster
from tests.app.test_english_qa import signed_in
from tests.app.test_lang_nl_qa14 import english_catalog, unmarked  # noqa: F401 (an autouse fixture)

MON = dt.date(2026, 12, 7)
WEEK = "2026-W50"
REGION = "Zeeuws-Vlaanderen"
OTHER = "Achterhoek"
PLACE = "Hofstraat 110"


def both_regions(make):
    """A team, its leader, a pool leader and a person in REGION, a team in OTHER, each region with a
    place and a request (REGION's one accepted, OTHER's one still to take in)."""
    ministry = make.ministry(name="Belastingdienst")
    place = make.location(REGION, name=PLACE, address=PLACE, city="Terneuzen", ministry=ministry)
    other_place = make.location(OTHER, name="Kantoor Achterhoek", city="Doetinchem", ministry=ministry)
    team = make.team(REGION, name="Team Rood", home_location=place)
    make.team(OTHER, name="Team Blauw", home_location=other_place)
    leader = make.supervisor(team, name="Tineke")
    pool = make.supervisor(None, region=OTHER, name="Pieter")
    anna = make.employee(team, first_name="Anna", last_name="Jansen")
    accepted = make.request(location=place, start_date=MON, end_date=MON + dt.timedelta(days=25))
    make.request(location=other_place, start_date=MON, end_date=MON + dt.timedelta(days=25), status="ingediend")
    return type("World", (), dict(ministry=ministry, place=place, team=team, leader=leader, pool=pool,
                                  anna=anna, request=accepted))


def shown(client, pages: dict[str, str]) -> dict[str, str]:
    return {what: client.get(url).get_data(as_text=True) for what, url in pages.items()}


def test_the_admins_pages_mark_region_names(app_with, make):
    w = both_regions(make)
    client = signed_in(app_with, make.user("admin", locale="en"))
    pages = shown(client, {
        "locations": "/beheer/locaties",
        "rename's choices": "/beheer/locaties/regio-hernoemen",
        "teams with the region filter": "/teams/",
        "team": f"/teams/{w.team.id}",
        "team leaders with the region filter": "/teams/teamleiders",
        "team leader": f"/teams/teamleiders/{w.leader.id}",
        "employee": f"/teams/medewerkers/{w.anna.id}",
    })
    assert {what: REGION in page for what, page in pages.items()} == dict.fromkeys(pages, True)
    assert {what: unmarked(page, REGION) for what, page in pages.items()} == dict.fromkeys(pages, [])
    assert f'<option lang="nl" value="{REGION}">{REGION}</option>' in pages["rename's choices"]
    assert f'<option value="{REGION}" lang="nl">{REGION}</option>' in pages["teams with the region filter"]
    assert f'All locations in region <span lang="nl">{REGION}</span>' in pages["employee"]
    assert unmarked(pages["team leaders with the region filter"], OTHER) == []  # the pool leader's region


def test_the_planners_pages_mark_region_names(app_with, make, monkeypatch, before_work_on_7_december):
    monkeypatch.setattr("binnenwerk.rosters.routes.GRIDS_AT_ONCE", 1)  # one region's grids a page
    w = both_regions(make)
    db.session.add(Roster(week=WEEK, team=w.team, version=1))
    client = signed_in(app_with, make.user("planner", locale="en"))
    pages = shown(client, {
        "all requests with the region filter": "/aanvragen/alle",
        "request": f"/aanvragen/{w.request.id}",
        "capacity": "/rapportages/capaciteit",
        "jobs report": "/rapportages/banenafspraak",
        "a region's rosters": f"/rooster/?week={WEEK}&regio={REGION}",
        "a cell's way back": f"/rooster/cel?week={WEEK}&regio={REGION}&team={w.team.id}&employee={w.anna.id}"
                            f"&date={MON.isoformat()}",
    })
    assert {what: REGION in page for what, page in pages.items()} == dict.fromkeys(pages, True)
    assert {what: unmarked(page, REGION) for what, page in pages.items()} == dict.fromkeys(pages, [])
    assert f'<span lang="nl">{REGION}</span>' in pages["request"]
    assert f'Back to the rosters of region <span lang="nl">{REGION}</span>' in pages["a cell's way back"]
    intake = client.get("/aanvragen/intake").get_data(as_text=True)  # OTHER's request waits to be taken in
    assert OTHER in intake and unmarked(intake, OTHER) == []
    # A region asked for that has no teams: the message names the region shown instead, marked.
    refused = client.get(f"/rooster/?week={WEEK}&regio=Nergens", follow_redirects=True).get_data(as_text=True)
    assert f'You see region <span lang="nl">{OTHER}</span>' in refused and unmarked(refused, OTHER) == []


def test_the_team_leaders_and_ministry_contacts_start_pages_mark_region_and_place(app_with, make):
    w = both_regions(make)
    leader_home = signed_in(app_with, make.user("team_leader", teams=[w.team], locale="en")).get("/home")
    contact_home = signed_in(app_with, make.user("ministry_contact", ministry=w.ministry, locale="en")).get("/home")
    leader_page, contact_page = leader_home.get_data(as_text=True), contact_home.get_data(as_text=True)
    assert REGION in leader_page and unmarked(leader_page, REGION) == []
    assert PLACE in contact_page and unmarked(contact_page, PLACE) == []


def test_the_admins_location_and_region_messages_mark_the_dutch_names(app_with, make):
    w = both_regions(make)
    client = signed_in(app_with, make.user("admin", locale="en"))
    kade = {"code": "vl-kade", "name": "Kade 12", "ministry_id": str(w.ministry.id), "address": "Kade 12",
            "postcode": "4381 AA", "city": "Vlissingen", "region": "Walcheren", "submission": "Xq3-form-of-kade-12-0123"}
    saved = client.post("/beheer/locaties/nieuw", follow_redirects=True, data=kade).get_data(as_text=True)
    assert 'Location <span lang="nl">Kade 12</span> has been saved.' in saved
    assert unmarked(saved, "Kade 12") == [] and "Walcheren" in saved and unmarked(saved, "Walcheren") == []
    again = client.post("/beheer/locaties/nieuw", follow_redirects=True, data=kade).get_data(as_text=True)
    assert 'Location <span lang="nl">Kade 12</span> had already been saved.' in again

    archived = client.post(f"/beheer/locaties/{w.place.id}/archiveren", follow_redirects=True)
    restored = client.post(f"/beheer/locaties/{w.place.id}/terugzetten", follow_redirects=True)
    for page in (archived.get_data(as_text=True), restored.get_data(as_text=True)):
        assert f'Location <span lang="nl">{PLACE}</span>' in page and unmarked(page, PLACE) == []

    # The new name holds the old one: each marked once.
    renamed = client.post("/beheer/locaties/regio-hernoemen", data={"region": REGION, "new_name": f"{REGION} Zuid"},
                          follow_redirects=True).get_data(as_text=True)
    assert (f'Region <span lang="nl">{REGION}</span> is now called <span lang="nl">{REGION} Zuid</span>: '
            in renamed)

    # A region without a team, and the one it most likely meant.
    typo = client.post("/beheer/locaties/nieuw", follow_redirects=True, data={
        "code": "dt-markt", "name": "Markt 1", "ministry_id": str(w.ministry.id), "address": "Markt 1",
        "postcode": "7001 AA", "city": "Doetinchem", "region": f"{OTHER}k"}).get_data(as_text=True)
    assert (f'No team works in region <span lang="nl">{OTHER}k</span> yet.' in typo
            and f'Did you mean <span lang="nl">{OTHER}</span>?' in typo)

    kade = db.session.scalar(select(Location.id).where(Location.name == "Kade 12"))
    deleted = client.post(f"/beheer/locaties/{kade}/verwijderen", follow_redirects=True).get_data(as_text=True)
    assert 'Location <span lang="nl">Kade 12</span>' in deleted and unmarked(deleted, "Kade 12") == []


def test_a_changed_place_says_its_new_name_marked(app_with, make, before_work_on_7_december):
    w = both_regions(make)
    make.published_shift(employee=w.anna, date=MON + dt.timedelta(days=1), location=w.place, team_id=w.team.id)
    client = signed_in(app_with, make.user("admin", locale="en"))
    form = client.get(f"/beheer/locaties/{w.place.id}").get_data(as_text=True)
    seen = re.search(r'name="seen_state" type="hidden" value="([^"]*)"', form).group(1)
    page = client.post(f"/beheer/locaties/{w.place.id}", follow_redirects=True, data={
        "seen_state": seen, "code": w.place.code, "name": "Hofstraat 112", "ministry_id": str(w.ministry.id),
        "address": "Hofstraat 112", "postcode": w.place.postcode or "", "city": w.place.city,
        "region": REGION}).get_data(as_text=True)
    # The warning that one person is told to come to the place whose name and address changed.
    assert 'Note: 1 employee of Team Rood comes' in page and 'now say: <span lang="nl">Hofstraat 112' in page
    assert unmarked(page, "Hofstraat 112") == []


def test_a_dutch_page_marks_none_of_it(app_with, make):
    w = both_regions(make)
    client = signed_in(app_with, make.user("admin"))
    for url in ("/beheer/locaties", "/teams/", f"/teams/medewerkers/{w.anna.id}"):
        page = client.get(url).get_data(as_text=True)
        assert REGION in page and 'lang="nl"' not in page.split("<main", 1)[1]


def test_a_new_teams_region_without_a_place_is_said_marked(app_with, make):
    client = signed_in(app_with, make.user("planner", locale="en"))
    page = client.post("/teams/nieuw", follow_redirects=True, data={
        "name": "Team Groen", "region": "Walcheren", "home_location_id": "", "max_size": "15"}).get_data(as_text=True)
    assert 'There is no location in region <span lang="nl">Walcheren</span> yet' in page
    assert unmarked(page, "Walcheren") == []


def test_an_accept_into_weeks_planned_already_names_the_region_marked(app, make, before_work_on_7_december):
    from flask import get_flashed_messages
    from flask_babel import force_locale, refresh

    from binnenwerk import planning
    from binnenwerk.requests.routes import _say_weeks_planned

    w = both_regions(make)
    planning.get_or_create_roster(WEEK, w.team.id)
    db.session.commit()
    with app.test_request_context("/"):
        refresh()
        with force_locale("en"):
            _say_weeks_planned(w.request)
            said = get_flashed_messages()
    assert said == [f'Week 50 of region <span lang="nl">{REGION}</span> is already planned. Plan that region again '
                    "to take this request in."]


def test_the_calendar_links_page_marks_an_unknown_region(app_with, make):
    both_regions(make)
    client = signed_in(app_with, make.user("planner", locale="en"))
    page = client.get("/kalender?regio=Nergensland").get_data(as_text=True)
    assert '<span lang="nl">Nergensland</span>' in page and unmarked(page, "Nergensland") == []


def test_the_region_renames_refusals_mark_the_region_names(app_with, make):
    both_regions(make)
    client = signed_in(app_with, make.user("admin", locale="en"))
    refused = client.post("/beheer/locaties/regio-hernoemen", data={"region": REGION, "new_name": OTHER.lower()})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f'There is already a region <span lang="nl">{OTHER}</span>.' in page
    assert unmarked(page, OTHER) == [] and unmarked(page, REGION) == []


def test_a_name_is_marked_as_a_whole_word_only(app):
    from flask_babel import force_locale

    from binnenwerk.formatting import marked_dutch_in

    with app.test_request_context(), force_locale("en"):
        said = str(marked_dutch_in("Region Den Haagg is not known; you see Den Haag.", "Den Haag"))
    assert said == 'Region Den Haagg is not known; you see <span lang="nl">Den Haag</span>.'
    with app.test_request_context(), force_locale("en"):
        said = str(marked_dutch_in('Region 34 exists. Tick "Merge" & <b>go</b>.', "34"))
    # Never inside an escaped character ("&#34;"), and everything else escaped.
    assert said == 'Region <span lang="nl">34</span> exists. Tick &#34;Merge&#34; &amp; &lt;b&gt;go&lt;/b&gt;.'
