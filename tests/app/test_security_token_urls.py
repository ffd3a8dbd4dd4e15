"""Every URL with a secret token answers a dead link the same way: a 404 in words an employee can
act on, kept out of referrers and search engines, and never the general page to the staff login."""
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


@pytest.mark.parametrize("url", TOKEN_URLS)
@pytest.mark.parametrize("dead", sorted(DEAD))
def test_a_dead_token_on_any_token_url_gets_the_plain_gone_page(client, links, url, dead):
    assert_plain_gone_page(client.get(url.format(token=DEAD[dead](links))))


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
