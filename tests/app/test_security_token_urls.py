"""Every URL with a secret token answers a dead link the same way: a 404 in words an employee can
act on, kept out of referrers and search engines, and never the general page to the staff login.
Only the calendar feed of a link that worked once (revoked, renewed, its person gone) answers
with a calendar instead: one without shifts, so the phone drops the ones it still shows."""
import logging

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import FeedKind
from binnenwerk.services import feeds, tokens

TOKEN_URLS = ["/calendar/{token}.ics", "/calendar/{token}/qr.svg", "/calendar/{token}/qr.svg?voor=week",
              "/week/{token}"]


@pytest.fixture
def links(app, make):
    team = make.team()
    employee = make.employee(team=team)
    location = make.location()
    revoked = tokens.issue(FeedKind.EMPLOYEE, employee)
    live = tokens.issue(FeedKind.EMPLOYEE, employee)  # renewing revokes the first
    team_token = tokens.issue(FeedKind.TEAM, team)
    location_token = tokens.issue(FeedKind.LOCATION, location)
    archived = make.employee(team=team)
    archived_token = tokens.issue(FeedKind.EMPLOYEE, archived)
    archived.archived = True
    db.session.commit()
    return {"revoked": revoked, "live": live, "team": team_token, "location": location_token,
            "archived": archived_token}


DEAD = {
    "garbage": lambda links: "kort",
    "overlong": lambda links: "x" * 5000,
    "unknown": lambda links: "A" * 32,
    "odd characters": lambda links: "%C3%A9" * 32,
    "revoked": lambda links: links["revoked"],
    "archived subject": lambda links: links["archived"],
}


def assert_plain_gone_page(response):
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "Deze link werkt niet meer" in text and "Vraag je teamleider" in text
    assert "startpagina" not in text
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


STOPPED = {"revoked", "archived subject"}  # links that worked once


def reaches_the_feed(url: str) -> bool:
    return "/qr.svg" not in url and (url.startswith("/calendar/") or ".ics" in url.lower())


def assert_plain_gone_page_or_stopped_calendar(response, url: str, dead: str):
    if dead in STOPPED and reaches_the_feed(url):
        assert_stopped_calendar(response)
    else:
        assert_plain_gone_page(response)


def assert_stopped_calendar(response):
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    assert text.count("BEGIN:VEVENT") == 1 and "SUMMARY:Deze agenda-link werkt niet meer" in text
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]


@pytest.mark.parametrize("url", TOKEN_URLS)
@pytest.mark.parametrize("dead", sorted(DEAD))
def test_a_dead_token_on_any_token_url_gets_the_plain_gone_page(client, links, url, dead):
    assert_plain_gone_page_or_stopped_calendar(client.get(url.format(token=DEAD[dead](links))), url, dead)


@pytest.mark.parametrize("url,kind", [
    ("/week/{token}", "team"), ("/week/{token}", "location"),
    ("/calendar/{token}/qr.svg?voor=week", "team"), ("/calendar/{token}/qr.svg?voor=week", "location"),
])
def test_a_token_of_another_kind_gets_the_plain_gone_page(client, links, url, kind):
    assert_plain_gone_page(client.get(url.format(token=links[kind])))


@pytest.mark.parametrize("url", TOKEN_URLS)
def test_a_live_employee_token_still_works_on_every_token_url(client, links, url):
    assert client.get(url.format(token=links["live"])).status_code == 200


def test_an_error_on_a_token_url_never_writes_the_token_to_the_log(app_with, links, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    quiet = app_with(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    def broken(*args, **kwargs):
        raise RuntimeError("feed broke")

    monkeypatch.setattr(feeds, "build_feed", broken)
    monkeypatch.setattr(feeds, "employee_weeks", broken)
    client = quiet.test_client()
    for url in ("/calendar/{token}.ics", "/week/{token}"):
        assert client.get(url.format(token=links["live"])).status_code == 500
    assert "feed broke" in caplog.text  # the error itself is logged, with where it happened
    assert "/calendar/" in caplog.text and "/week/" in caplog.text
    assert links["live"] not in caplog.text


# --- a live link with a slip a chat app or a sentence added ---------------------------------

SLIPS = ["/", ".", ",", ")", ").", "!", "'", '"', ";", ":", "]", "%E2%80%9D", "%E2%80%A6", "./", ")/"]


@pytest.mark.parametrize("slip", SLIPS)
@pytest.mark.parametrize("url,clean", [("/week/{token}{slip}", "/week/{token}"),
                                       ("/calendar/{token}.ics{slip}", "/calendar/{token}.ics")])
def test_a_live_link_with_a_trailing_slash_or_punctuation_leads_to_the_clean_link(client, links, url, clean, slip):
    token = links["live"]
    response = client.get(url.format(token=token, slip=slip))
    assert response.status_code == 301
    assert response.headers["Location"].endswith(clean.format(token=token))
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get(url.format(token=token, slip=slip), follow_redirects=True).status_code == 200


def test_punctuation_before_ics_is_forgiven_too(client, links):
    response = client.get(f"/calendar/{links['live']}).ics")
    assert response.status_code == 301 and response.headers["Location"].endswith(f"/calendar/{links['live']}.ics")


@pytest.mark.parametrize("url", ["/week/{token}.", "/week/{token}/", "/calendar/{token}.ics.",
                                 "/calendar/{token}.ics/", "/calendar/{token}", "/calendar/{token}.ICS",
                                 "/week/{token}.ics"])
@pytest.mark.parametrize("dead", sorted(DEAD))
def test_a_dead_link_with_a_slip_still_gets_the_plain_gone_page(client, links, url, dead):
    response = client.get(url.format(token=DEAD[dead](links)), follow_redirects=True)
    assert_plain_gone_page_or_stopped_calendar(response, url, dead)


@pytest.mark.parametrize("url", ["/calendar/{token}", "/calendar/{token}/", "/calendar/{token}.ICS",
                                 "/calendar/{token}.Ics/", "/week/{token}.ics", "/week/{token}.ICS",
                                 "/week/{token}.ics.", "/week/{token}.ics/"])
def test_a_live_link_without_ics_with_ics_in_capitals_or_ics_after_the_week_page_gets_the_feed(client, links, url):
    """Each of these once said "Deze link werkt niet meer" for a link that works. '.ics' asks for
    the calendar file, also after the week page's link (a calendar app subscribing to it)."""
    token = links["live"]
    response = client.get(url.format(token=token))
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/calendar/{token}.ics")
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Referrer-Policy"] == "no-referrer"
    feed = client.get(url.format(token=token), follow_redirects=True)
    assert feed.status_code == 200 and feed.content_type == "text/calendar; charset=utf-8"


def test_a_slip_never_makes_a_token_of_what_is_not_one(client, links):
    # '-' and '_' are token characters: taking them off would be guessing another token.
    for url in (f"/week/{links['live']}-", f"/week/{links['live']}_", f"/week/{links['live'][:-1]}.",
                f"/week/{links['live']}x."):
        assert_plain_gone_page(client.get(url))


def test_a_slipped_link_is_logged_without_its_token(links):
    from binnenwerk.calendar.routes import MASK_TOKENS

    token = links["live"]
    for path in (f"/week/{token}).", f"/week/{token}/", f"/calendar/{token}.ics%E2%80%9D", f"/week/{token}%22"):
        record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"GET %s HTTP/1.1" 301 -', (path,), None)
        MASK_TOKENS.filter(record)
        assert token not in record.getMessage() and "[token]" in record.getMessage()


def test_the_employee_page_name_leads_to_the_own_week_and_never_to_the_staff_login(client, links):
    week = client.get(f"/week/{links['live']}").get_data(as_text=True)
    assert f'<a class="brand" href="/week/{links["live"]}">' in week
    assert 'href="/"' not in week
    gone = client.get(f"/week/{links['revoked']}").get_data(as_text=True)
    assert '<span class="brand">' in gone and 'href="/"' not in gone


def test_a_mistyped_link_is_logged_without_its_token_whatever_its_first_word(links):
    """/Week/<token>, /kalender/<token> and a bare /<token> were logged with the token in full (a QA
    finding); a page's address of plain words keeps its words."""
    from binnenwerk.calendar.routes import MASK_TOKENS

    token = links["live"]
    for path in (f"/Week/{token}", f"/CALENDAR/{token}.ics", f"/kalender/{token}", f"/{token}", f"/x/../{token}.ics"):
        record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"GET %s HTTP/1.1" 404 -', (path,), None)
        MASK_TOKENS.filter(record)
        assert token not in record.getMessage() and "[token]" in record.getMessage(), record.getMessage()
    plain = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"GET %s HTTP/1.1" 200 -',
                              ("/gegevens/medewerkers/voorbeeld-importeren?week=2026-W50",), None)
    MASK_TOKENS.filter(plain)
    assert plain.getMessage() == '"GET /gegevens/medewerkers/voorbeeld-importeren?week=2026-W50 HTTP/1.1" 200 -'


def test_a_link_with_a_capital_first_word_opens_the_page(client, links):
    token = links["live"]
    week = client.get(f"/Week/{token}")
    assert week.status_code == 301 and week.headers["Location"] == f"/week/{token}"
    feed = client.get(f"/CALENDAR/{token}.ics?taal=en")
    assert feed.status_code == 301 and feed.headers["Location"] == f"/calendar/{token}.ics?taal=en"
    assert client.get(f"/Week/{token}", follow_redirects=True).status_code == 200
    assert client.get("/Rooster/x").status_code == 404
