"""The accessibility statement as an employee opens it from the week page: in plain words, the full
statement a link away, with the way back to their week (the general statement's name leads to the
staff login)."""
from __future__ import annotations

import logging
import re

from flask_babel import refresh

from binnenwerk.extensions import db
from binnenwerk.models import FeedKind
from binnenwerk.services import tokens
from tests.conftest import compile_english_catalog

from .test_calendar_week import outline, week  # noqa: F401  (fixture)


def statement(client, token: str, query: str = ""):
    return client.get(f"/week/{token}/toegankelijkheid{query}")


def footer(html: str) -> str:
    return re.search(r'<footer class="site-footer">(.*?)</footer>', html, re.S).group(1)


def test_the_week_page_links_to_the_statement_with_the_way_back(client, week):
    token = week["token"]
    html = client.get(f"/week/{token}").get_data(as_text=True)
    assert f'href="/week/{token}/toegankelijkheid"' in footer(html)
    assert 'href="/toegankelijkheid"' not in html


def test_the_statement_from_the_week_page_leads_back_to_the_week(client, week):
    token = week["token"]
    response = statement(client, token)
    assert response.status_code == 200
    # In full (the short version in plain words links to it) the same statement as everyone's ...
    full = statement(client, token, "?volledig=1")
    assert full.status_code == 200
    html = full.get_data(as_text=True)
    general = client.get("/toegankelijkheid").get_data(as_text=True)
    for part in ("C: eerste maatregelen genomen", "Hoe hebben we dit gecontroleerd?", "Nationale ombudsman"):
        assert part in html and part in general, part
    # ... and from either, every way out leads to the own week, none to the staff login.
    for html in (response.get_data(as_text=True), html):
        assert f'<a class="brand" href="/week/{token}">' in html
        assert f'<a href="/week/{token}">Terug naar je week</a>' in html
        assert 'href="/"' not in html and "/auth/login" not in html
    # A secret in the URL: no referrer, not indexed, not in a shared cache.
    for each in (response, full):
        assert each.headers["Referrer-Policy"] == "no-referrer"
        assert "noindex" in each.headers["X-Robots-Tag"]
        assert "private" in each.headers["Cache-Control"]


def test_the_statement_from_the_week_page_passes_a_basic_accessibility_check(client, week):
    for query in ("", "?volledig=1"):
        response = statement(client, week["token"], query)
        assert response.status_code == 200
        found = outline(response.get_data(as_text=True))
        assert found.html_lang == "nl"
        assert found.headings.count(1) == 1 and found.headings[0] == 1
        assert all(b - a <= 1 for a, b in zip(found.headings, found.headings[1:]))
        assert found.scripts_inline == 0 and found.handlers == []
        assert len(found.ids) == len(set(found.ids))


def test_the_statement_speaks_the_language_of_the_link_and_keeps_it_on_the_way_back(app_with, week):
    compile_english_catalog()
    refresh()
    token = week["token"]
    client = app_with().test_client()
    html = statement(client, token, "?taal=en").get_data(as_text=True)
    assert '<html lang="en">' in html and "<h1>Accessibility statement</h1>" in html
    assert f'href="/week/{token}?taal=en"' in html
    week_page = client.get(f"/week/{token}?taal=en").get_data(as_text=True)
    assert f'href="/week/{token}/toegankelijkheid?taal=en"' in footer(week_page)


def test_a_dead_link_to_the_statement_is_the_week_pages_404(client, week):
    token = week["token"]
    team_token = tokens.issue(FeedKind.TEAM, week["team"])
    db.session.commit()
    for dead in ("B" * 32, team_token):
        response, week_page = statement(client, dead), client.get(f"/week/{dead}")
        assert response.status_code == week_page.status_code == 404
        assert "Deze link werkt niet meer" in response.get_data(as_text=True)
        assert "noindex" in response.headers["X-Robots-Tag"]
    tokens.revoke(tokens.resolve(token))
    db.session.commit()
    gone = statement(client, token)
    assert gone.status_code == 404 and "Vraag je teamleider dan om een nieuwe link." in gone.get_data(as_text=True)


def test_the_statement_path_is_logged_without_its_token(week):
    from binnenwerk.calendar.routes import MASK_TOKENS

    token = week["token"]
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"GET %s HTTP/1.1" 200 -',
                               (f"/week/{token}/toegankelijkheid?taal=en",), None)
    MASK_TOKENS.filter(record)
    assert token not in record.getMessage()
    assert "/week/[token]/toegankelijkheid" in record.getMessage()


def test_the_statement_says_u_to_a_ministry_contact_and_je_to_staff(client, make, login):
    """Ministry contacts read "u" everywhere; the statement said "je" (a QA finding), and sent
    them to a team leader they do not have."""
    login(make.user(role="ministry_contact"))
    formal = client.get("/toegankelijkheid").get_data(as_text=True)
    assert "U krijgt binnen 5 werkdagen antwoord." in formal
    assert "Bent u niet tevreden over hoe we uw melding hebben behandeld?" in formal
    assert not re.search(r"\b[Jj]e\b", re.sub(r"<[^>]+>", " ", formal.split('class="statement"')[1]))
    assert "teamleider" not in formal.split('class="statement"')[1].split("Niet tevreden")[0].split("Iets werkt niet")[1]
    client.post("/auth/logout")
    login(make.user(role="planner"))
    informal = client.get("/toegankelijkheid").get_data(as_text=True)
    assert "Je krijgt binnen 5 werkdagen antwoord." in informal and "Meld het bij je teamleider" in informal
