"""A tenth QA round reading the app in English: dates written as numbers on the employee pages,
Dutch column names and ministry names not marked as Dutch, and a shortfall reason always plural.
Each in Dutch stays as it was."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from flask_babel import force_locale, refresh

from binnenwerk import reasons
from binnenwerk.extensions import db
from binnenwerk.models import EmployeeSensitive
from scheduling.explain import dutch, reason
from tests.app.test_english_qa import in_language, signed_in
from tests.conftest import compile_english_catalog

from .dataio_uploads import upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)


@pytest.fixture(autouse=True)
def english_catalog(app):
    compile_english_catalog()
    refresh()
    yield


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


# --- dates on the employee pages ---------------------------------------------------------------


@pytest.mark.parametrize("language, contract, indication", [
    ("en", "from 1 January 2025 to 30 June 2027", "4 March 2027"),
    ("nl", "vanaf 01-01-2025 tot en met 30-06-2027", "04-03-2027"),
])
def test_the_employee_pages_write_dates_in_the_readers_form(app_with, make, language, contract, indication):
    team = make.team("Den Haag", name="Team Den Haag 1")
    person = make.employee(team, first_name="Sanne", last_name="de Vries", contract_end=dt.date(2027, 6, 30))
    db.session.add(EmployeeSensitive(employee=person, indication="Wajong", indication_until=dt.date(2027, 3, 4)))
    client = signed_in(app_with, make.user("planner", locale=language))
    detail = text_of(client.get(f"/teams/medewerkers/{person.id}").get_data(as_text=True))
    listed = text_of(client.get("/teams/medewerkers").get_data(as_text=True))
    assert contract in detail, detail[detail.find("Contract"):][:200]
    assert contract in listed
    assert indication in detail
    if language == "en":
        assert "01-01-2025" not in detail + listed and "04-03-2027" not in detail


# --- Dutch words on English pages marked lang="nl" (WCAG 3.1.2) ----------------------------------


def test_an_import_problem_marks_the_files_dutch_column_name_on_an_english_page(app_with, make):
    make.location("Den Haag", code="dh-rijnstraat")
    make.work_type("keyboards")
    make.team("Den Haag", name="Team Den Haag 1")
    body = ("voornaam;achternaam;team;contracturen_per_week;max_uren_per_dag;werksoorten;contract_start\r\n"
            "Sanne;de Vries;Team Den Haag 1;20;6;keyboards;2026-12-07\r\n").encode("utf-8")
    english = upload(signed_in(app_with, make.user("planner", locale="en")), "employees", body, "e.csv")
    page = english.get_data(as_text=True)
    # No day column: the row's availability ("ma t/m zo") is refused, in the summary and the row.
    assert re.search(r'Row 2, column <span lang="nl">ma t/m zo</span>: ', page)
    assert '<strong lang="nl">ma t/m zo</strong>' in page

    dutch_page = upload(signed_in(app_with, make.user("planner")), "employees", body, "e.csv").get_data(as_text=True)
    assert "Rij 2, kolom ma t/m zo: " in dutch_page and 'lang="nl">ma t/m zo' not in dutch_page


def test_the_ministry_delete_page_and_its_message_mark_the_dutch_name(app_with, make):
    ministry = make.ministry("TZ", name="Ministerie van Testzaken", agreement=[])
    other = make.ministry("TY", name="Ministerie van <Proef>", agreement=[])
    client = signed_in(app_with, make.user("admin", locale="en"))
    page = client.get(f"/beheer/ministeries/{ministry.id}/verwijderen").get_data(as_text=True)
    assert '<h1>Delete <span lang="nl">Ministerie van Testzaken</span></h1>' in page
    assert 'Back to <span lang="nl">Ministerie van Testzaken</span>' in page
    assert "<title>Delete: Ministerie van Testzaken" in page  # a title holds text only
    done = client.post(f"/beheer/ministeries/{ministry.id}/verwijderen", follow_redirects=True)
    assert '<span lang="nl">Ministerie van Testzaken</span> has been deleted.' in done.get_data(as_text=True)

    dutch_page = signed_in(app_with, make.user("admin")).get(
        f"/beheer/ministeries/{other.id}/verwijderen").get_data(as_text=True)
    assert "<h1>Ministerie van &lt;Proef&gt; verwijderen</h1>" in dutch_page


# --- one of the requested people ---------------------------------------------------------------


@pytest.mark.parametrize("language, one, two", [
    ("nl", "maar 1 van de 3 gevraagde medewerkers heeft deze werksoort en is op maandag op tijd beschikbaar",
     "maar 2 van de 3 gevraagde medewerkers hebben deze werksoort en zijn op maandag op tijd beschikbaar"),
    ("en", "only 1 of the 3 requested employees does this work and is available on Monday at these times",
     "only 2 of the 3 requested employees do this work and are available on Monday at these times"),
])
def test_the_too_few_fit_reason_counts_one_as_one(app, language, one, two):
    with in_language(app, language), force_locale(language):
        said = [reasons._sentence("too_few_fit", {"n": n, "of": 3, "day": "2026-12-14"}) for n in (1, 2)]
    assert said == [one, two]


def test_the_optimisers_own_dutch_reason_counts_one_as_one():
    assert dutch(reason("too_few_fit", n=1, of=3, day="2026-12-14")) == (
        "maar 1 van de 3 gevraagde medewerkers heeft deze werksoort en is op maandag op tijd beschikbaar")
    assert dutch(reason("too_few_fit", n=0, of=3, day="2026-12-14")) == (
        "geen van de 3 gevraagde medewerkers heeft deze werksoort en is op maandag op tijd beschikbaar")


def test_the_location_link_warning_marks_the_ministrys_dutch_name(app_with, make):
    from binnenwerk.models import FeedKind
    from binnenwerk.services import tokens

    from .test_location_edits_qa import _location_form

    bzk, defensie = make.ministry(name="Ministerie van BZK"), make.ministry(name="Ministerie van Defensie")
    location = make.location(ministry=bzk, region="Den Haag", name="Akerstraat 92")
    tokens.issue(FeedKind.LOCATION, location)
    client = signed_in(app_with, make.user("admin", locale="en"))
    from .edit_forms import post_edit

    page = post_edit(client, f"/beheer/locaties/{location.id}", _location_form(location, ministry_id=str(defensie.id)),
                     follow_redirects=True).get_data(as_text=True)
    assert '<span lang="nl">Ministerie van Defensie</span> can make a new link.' in page
