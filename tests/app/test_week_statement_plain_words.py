"""The accessibility statement an employee opens from the week page is in plain words (B1): what
works, what may not work yet on the week page and in the phone's calendar, whom to tell (the team
leader, or the office by phone when OFFICE_PHONE is set), and the full statement a link away."""
from __future__ import annotations

import re

from .test_calendar_week import week  # noqa: F401  (fixture)

JARGON = ("WCAG", "axe-core", "WCAG-EM", "Besluit digitale toegankelijkheid", "Status", "C: eerste maatregelen",
          "niveau A en AA", "deskundige volgens de methode")
# Staff matters an employee who never logs in does not meet.
NOT_FOR_EMPLOYEES = ("uitgelogd", "minuten niet actief", "Excel", "alle teams", "Datumvelden", "planners")


def _page(client, token: str, query: str = "") -> str:
    response = client.get(f"/week/{token}/toegankelijkheid{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _words(html: str) -> str:
    main = re.search(r"<main[^>]*>(.*?)</main>", html, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).split(" · ")[0].strip()


def test_the_employees_statement_speaks_plainly_about_what_they_use(client, week):
    html = _page(client, week["token"])
    text = _words(html)
    for word in JARGON + NOT_FOR_EMPLOYEES:
        assert word not in text, word
    for part in ("Wat werkt goed?", "Wat werkt misschien nog niet goed?", "agenda van je telefoon",
                 "Werkt iets niet?", "Zeg het tegen je teamleider.", "Nationale ombudsman"):
        assert part in text, part
    # Short sentences (B1): none longer than 15 words.
    sentences = [s for s in re.split(r"(?<=[.?!:])\s+", text) if s]
    assert max(len(s.split()) for s in sentences) <= 15, max(sentences, key=lambda s: len(s.split()))


def test_the_full_statement_stays_a_link_away_under_its_own_title(client, week):
    token = week["token"]
    short = _page(client, token)
    assert f'<a href="/week/{token}/toegankelijkheid?volledig=1">' in short
    assert _title(short) == "Toegankelijkheidsverklaring"
    full = _page(client, token, "?volledig=1")
    assert "WCAG 2.1" in full and "C: eerste maatregelen genomen" in full
    assert _title(full) == "Volledige toegankelijkheidsverklaring"
    assert "<h1>Volledige toegankelijkheidsverklaring</h1>" in full
    assert f'<a href="/week/{token}">Terug naar je week</a>' in full


def test_the_office_is_named_with_a_number_to_tap_when_one_is_set(app_with, week):
    token = week["token"]
    with_office = _page(app_with(OFFICE_PHONE="070 - 123 45 67").test_client(), token)
    assert '<a href="tel:0701234567">Of bel Binnenwerk: 070 - 123 45 67.</a>' in with_office
    without = _page(app_with(OFFICE_PHONE="").test_client(), token)
    assert "tel:" not in without and "Of bel" not in without
    assert "Zeg het tegen je teamleider." in _words(without)


def test_the_link_to_the_full_statement_keeps_the_language_of_the_link(app_with, week):
    token = week["token"]
    html = _page(app_with().test_client(), token, "?taal=en")
    assert f'href="/week/{token}/toegankelijkheid?taal=en&amp;volledig=1"' in html
