"""Printed week sheets: one A4 page per employee, also for a full week of changes at long names."""
from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from pypdf import PdfReader
from werkzeug.serving import make_server

from binnenwerk import create_app
from binnenwerk.extensions import db
from binnenwerk.formatting import week_of
from binnenwerk.models import Roster, utcnow
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_flows import pdf_pages
from tests.conftest import TEST_PASSWORD, Builders, compile_english_catalog

PEOPLE = 15  # a full team
LEADER = "Anne-Marie van Oldenbarnevelt-Tjaarda"
PLACE = dict(name="Ministerie van Landbouw, Visserij, Voedselzekerheid en Natuur, hoofdgebouw",
             address="Bezuidenhoutseweg 73", postcode="2594 AC", city="'s-Gravenhage")


@pytest.fixture(scope="module")
def worst_week(tmp_path_factory):
    """A server of its own (the demo's teams stay as other tests expect them) with a team whose
    every member works all five days of next week, each day changed to another team leader (the
    longest change note), at a place with a long name, led by someone with a long name."""
    from flask_migrate import upgrade

    compile_english_catalog()
    path = tmp_path_factory.mktemp("sheets") / "sheets.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "browser-tests",
                      "RATELIMIT_ENABLED": False, "MFA_REQUIRED_ROLES": ()})
    with app.app_context():
        upgrade()
        make = Builders()
        team = make.team(name="Team Papier Den Haag-Bezuidenhout")
        leader = make.supervisor(team, name=LEADER, phone="06-12345678")
        keyboards = make.work_type(name_nl="Toetsenborden reinigen", pictogram="keyboard")
        place = make.location(**PLACE)
        today = dt.date.today()
        monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=1)
        request = make.request(place, keyboards, start_date=monday, end_date=monday + dt.timedelta(days=6),
                               access_instructions="Melden bij de receptie, pasje ophalen op naam van de teamleider.")
        for n in range(PEOPLE):
            person = make.employee(team, first_name=f"Mohammed-Ali {n}", last_name="van der Heijden-Bouwmeester")
            for day in range(5):
                make.published_shift(employee=person, date=monday + dt.timedelta(days=day), location=place,
                                     work_type=keyboards, supervisor=leader, request=request, start="08:30",
                                     end="16:30", sequence=1, leader_only=True)
        db.session.add(Roster(week=week_of(monday), team=team, version=2, published_at=utcnow()))
        # A sheet that runs over: two places a week, each with access instructions at their limit.
        long_team = make.team(name="Team Lange Uitleg")
        long_leader = make.supervisor(long_team, name="Bea Bos")
        reader = make.employee(long_team, first_name="Wendelmoet", last_name="Overloop")
        for n in range(2):
            where = make.location(name=f"Gebouw {n + 1}", address="Kortenaerkade 1", postcode="2518 AX",
                                  city="'s-Gravenhage")
            asked = make.request(where, keyboards, start_date=monday, end_date=monday + dt.timedelta(days=6),
                                 access_instructions=("Loop om het gebouw naar de achteringang. " * 50)[:2000])
            for day in ((0, 1), (2, 3, 4))[n]:
                make.published_shift(employee=reader, date=monday + dt.timedelta(days=day), location=where,
                                     work_type=keyboards, supervisor=long_leader, request=asked, start="08:30",
                                     end="16:30", sequence=1, leader_only=True)
        db.session.add(Roster(week=week_of(monday), team=long_team, version=2, published_at=utcnow()))
        server_urls = {"long": f"/rooster/weekbriefjes?week={week_of(monday)}&team={long_team.id}"}
        for locale in ("nl", "en"):
            make.user("planner", email=f"planner-{locale}@sheets.example", locale=locale)
        db.session.commit()
        url = f"/rooster/weekbriefjes?week={week_of(monday)}&team={team.id}"
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server, url, server_urls
    server.shutdown()


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_each_week_sheet_prints_on_one_a4_page_for_a_full_week_of_changes(page, worst_week, locale):
    server, url, _ = worst_week
    log_in(page, server, f"planner-{locale}@sheets.example", TEST_PASSWORD)
    page.goto(server.url + url + ("&taal=en" if locale == "en" else ""))
    sheets = page.locator("section.week-sheet")
    assert sheets.count() == PEOPLE
    first = sheets.first
    assert first.locator("h2").inner_text().startswith({"nl": "Jouw werk", "en": "Your work"}[locale])
    assert first.locator("article.day").count() == 5 and first.locator(".day-changed").count() == 5
    assert first.get_by_text(LEADER).count() == 5 and first.get_by_text(PLACE["name"]).count() == 5
    page.emulate_media(media="print")
    screenshot(page, f"week-sheets-print-{locale}")
    # As the team leader prints it: A4 with the page's own print CSS (its @page size and margins).
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    assert pdf_pages(pdf) == PEOPLE
    # Fitting by shrinking the letters is no fix: these readers need them big (13pt, 17.33 px).
    sizes = page.evaluate("""() => [...document.querySelectorAll('section.week-sheet .day p')]
        .map(p => parseFloat(getComputedStyle(p).fontSize))""")
    assert min(sizes) >= 17.3, min(sizes)


def test_a_week_sheet_that_runs_over_says_whose_week_it_is_on_its_second_page(page, worst_week):
    server, _, urls = worst_week
    url = urls["long"]
    log_in(page, server, "planner-nl@sheets.example", TEST_PASSWORD)
    page.goto(server.url + url)
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True, print_background=True)))
    texts = [sheet.extract_text() for sheet in pdf.pages]
    assert len(texts) >= 2, "\n=====\n".join(texts)
    # Inside the printed table a last day's margin spilled past a page that it just filled: such a
    # sheet printed a page with only its head (QA, 2,000-character instructions in the demo).
    margins = page.evaluate("""() => [...document.querySelectorAll('.week-sheet .sheet-days .day:last-child')]
        .map(day => getComputedStyle(day).marginBottom)""")
    assert margins and set(margins) == {"0px"}, margins
    week = page.locator("section.week-sheet .week-number").inner_text()
    for text in texts:
        assert "Jouw werk, Wendelmoet Overloop" in text and week in text and "Team Lange Uitleg" in text, text
    # The head is repeated, the days are not: each page goes on where the one before stopped.
    whole = "\n".join(texts)
    for day in ("Maandag", "Dinsdag", "Woensdag", "Donderdag", "Vrijdag"):
        assert whole.count(day + " ") == 1, day

