"""Dutch place names on English pages marked lang="nl" (WCAG 3.1.2), as the README promises
"everywhere": the ministry contact's request and calendar pages, the admin's locations and teams,
the team leader's employee form, week page and week sheets."""
from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from flask_babel import refresh

from binnenwerk.extensions import db
from binnenwerk.models import FeedKind, Roster
from binnenwerk.services import tokens
from tests.app.test_english_qa import signed_in
from tests.conftest import compile_english_catalog

MON = dt.date(2026, 12, 7)
PLACE = "Hofstraat 110"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture(autouse=True)
def english_catalog(app):
    compile_english_catalog()
    refresh()


class _Unmarked(HTMLParser):
    """The body's texts holding `name` outside any element marked lang="nl"."""

    def __init__(self, name: str):
        super().__init__()
        self.name, self.stack, self.found, self.in_body = name, [], [], False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        if any(open_tag == tag for open_tag, _lang in self.stack):
            while self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data):
        if not self.in_body or self.name not in data:
            return
        langs = [lang for _tag, lang in self.stack if lang]
        if not langs or not langs[-1].startswith("nl"):
            self.found.append(" ".join(data.split()))


def unmarked(page: str, name: str = PLACE) -> list[str]:
    parser = _Unmarked(name)
    parser.feed(page)
    return parser.found


def a_place(make):
    """Hofstraat 110 in Apeldoorn, of a ministry, with an accepted request for week 2026-W50."""
    ministry = make.ministry(name="Belastingdienst")
    place = make.location(name=PLACE, address=PLACE, postcode="7311 KZ", city="Apeldoorn", region="Oost",
                          ministry=ministry)
    request = make.request(location=place, start_date=MON, end_date=MON + dt.timedelta(days=25))
    return ministry, place, request


def test_the_ministry_contacts_pages_mark_the_place(app_with, make, before_work_on_7_december):
    ministry, place, request = a_place(make)
    client = signed_in(app_with, make.user("ministry_contact", ministry=ministry, locale="en"))
    pages = {
        "requests": "/aanvragen/",
        "plan": "/aanvragen/planning?week=2026-W50",
        "request": f"/aanvragen/{request.id}",
        "cancel": f"/aanvragen/{request.id}/annuleren",
        "new request's options": "/aanvragen/nieuw",
        "calendar locations": "/kalender/locaties",
        "calendar link": f"/kalender/link/locatie/{place.id}",
    }
    shown = {what: client.get(url).get_data(as_text=True) for what, url in pages.items()}
    assert {what: PLACE in page for what, page in shown.items()} == dict.fromkeys(pages, True)
    assert {what: unmarked(page) for what, page in shown.items()} == dict.fromkeys(pages, [])
    assert f'<option lang="nl" value="{place.id}">{PLACE}, Apeldoorn</option>' in shown["new request's options"]
    assert f'Request {request.id}: <span lang="nl">{PLACE}</span>' in shown["request"]


def test_the_admins_pages_mark_the_place_and_say_location_in_lower_case(app_with, make):
    _ministry, place, _request = a_place(make)
    make.team(name="Team Oost", region="Oost", home_location=place)
    team = make.team(name="Team Oost 2", region="Oost", home_location=place)
    client = signed_in(app_with, make.user("admin", locale="en"))
    pages = {
        "locations": "/beheer/locaties",
        "delete": f"/beheer/locaties/{place.id}/verwijderen",
        "teams": "/teams/",
        "team": f"/teams/{team.id}",
        "new team's options": "/teams/nieuw",
        "team form's options": f"/teams/{team.id}/wijzigen",
    }
    shown = {what: client.get(url).get_data(as_text=True) for what, url in pages.items()}
    assert {what: PLACE in page for what, page in shown.items()} == dict.fromkeys(pages, True)
    assert {what: unmarked(page) for what, page in shown.items()} == dict.fromkeys(pages, [])
    assert f'<h1>Delete location <span lang="nl">{PLACE}</span></h1>' in shown["delete"]
    assert f'>Back to location <span lang="nl">{PLACE}</span></a>' in shown["delete"]


def test_the_admins_dutch_delete_page_says_locatie_in_lower_case_mid_sentence(app_with, make):
    _ministry, place, _request = a_place(make)
    page = signed_in(app_with, make.user("admin")).get(f"/beheer/locaties/{place.id}/verwijderen").get_data(
        as_text=True)
    assert f"<h1>Locatie {PLACE} verwijderen</h1>" in page and f">Terug naar locatie {PLACE}</a>" in page
    assert 'lang="nl"' not in page.split("<main", 1)[1]  # a Dutch page marks nothing


def test_the_team_leaders_pages_mark_the_place(app_with, make, before_work_on_7_december):
    _ministry, place, _request = a_place(make)
    team = make.team(name="Team Oost", region="Oost")
    make.supervisor(team, name="Tineke")
    anna = make.employee(team, first_name="Anna", last_name="Jansen")
    make.published_shift(employee=anna, date=MON, location=place, team_id=team.id)
    db.session.add(Roster(week="2026-W50", team=team, version=1, published_at=dt.datetime(2026, 12, 1)))
    token = tokens.issue(FeedKind.EMPLOYEE, anna)
    client = signed_in(app_with, make.user("team_leader", teams=[team], locale="en"))
    pages = {
        "new employee's checkboxes": f"/teams/medewerkers/nieuw?team={team.id}",
        "employee form's checkboxes": f"/teams/medewerkers/{anna.id}/wijzigen",
        "week sheets": f"/rooster/weekbriefjes?week=2026-W50&team={team.id}&taal=en",
        "week page": f"/week/{token}?taal=en",
    }
    shown = {what: client.get(url).get_data(as_text=True) for what, url in pages.items()}
    assert {what: PLACE in page for what, page in shown.items()} == dict.fromkeys(pages, True)
    assert {what: unmarked(page) for what, page in shown.items()} == dict.fromkeys(pages, [])
    assert f'Where: <span lang="nl">{PLACE}' in shown["week sheets"]
