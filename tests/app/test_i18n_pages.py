"""Every page a role reaches speaks one language: no Dutch on English pages, no English on Dutch ones.

test_i18n.py checks that every text wrapped in _() has an English translation. This test catches
the texts that were never wrapped: each staff role logs in and follows the links from /home
(breadth-first, GET only; search and filter forms are sent as they are), an anonymous visitor does
the same from the login page, and every HTML page is read as a person or a screen reader meets it:
the visible text plus the title, aria-label, placeholder and alt attributes and the words on
buttons. Text marked with the other language on purpose (lang="nl" on what people typed in Dutch,
the "English" button on a Dutch page) is left out; everything else must not contain a word that
only the other language has.

The test data uses names that are neither Dutch nor English words, and fills the free-text fields
people type in Dutch (notes, reasons, access instructions) with Dutch sentences: shown on an
English page without lang="nl", they are found too.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import deque
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from flask_babel import refresh
from sqlalchemy import select

from binnenwerk import models as m
from binnenwerk.extensions import db
from binnenwerk.formatting import current_week, shift_week, week_days
from tests.conftest import TEST_PASSWORD, compile_english_catalog

ROLES = ("admin", "planner", "team_leader", "ministry_contact")
MAX_PAGES = 300  # per role and language
MAX_PER_PATH = 3  # links to one path with the same query keys (week after week, page after page)

# Words only Dutch has: none is an English word, a name in the test data or a code on the pages.
# ("week", "team", "status", "planning", "dan", "van", "met", "of", "en" are English too.)
DUTCH_WORDS = """
het een niet voor deze naar wordt worden geen ook nog zijn heeft hebben kunnen kan moet moeten alle
bij uit wat waar wanneer welke wie hoe maar nu meer dit dat die wel al als om op te tot je jij jouw
uw wij jullie hun zij hij ik er hier daar dus nieuw nieuwe eerst vorige volgende vandaag morgen
gisteren opslaan bewaren terug annuleren verwijderen wijzigen toevoegen zoeken bekijken sluiten
kiezen kies maken gemaakt gewijzigd ingeroosterd inloggen uitloggen wachtwoord gebruiker gebruikers
medewerker medewerkers aanvraag aanvragen rooster roosters weekrooster weken dag dagen uur uren
pauze locatie locaties werksoort werksoorten ministerie ministeries afwezig afwezigheid ziek verlof
afspraak gepubliceerd publiceren ingediend geaccepteerd afgewezen ingepland afgerond geannuleerd
teamleider teamleiders vervanger leidinggevende begeleider
maandag dinsdag woensdag donderdag vrijdag zaterdag zondag ma di wo vr za zo
januari februari maart mei juni juli augustus oktober mrt okt
""".split()

# Words only English has, for the Dutch pages.
ENGLISH_WORDS = """
the and save back cancel delete submit please your you with from not this that are have has will
should must which when there here edit add search show hide next previous today yesterday
tomorrow close choose error required loading employee employees request requests roster location
monday tuesday wednesday thursday friday saturday sunday january february march may june july
august october
""".split()


def word_pattern(words) -> re.Pattern:
    return re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True))
                      + r")(?![\w-])", re.IGNORECASE)


# The work types of the test data have a name in each language: the page's language shows.
WORK_TYPES = {"glass": ("Glazenwasserij", "Window washing"), "desk": ("Baliewerkzaamheden", "Desk duty")}

DUTCH = word_pattern(DUTCH_WORDS + [nl for nl, _ in WORK_TYPES.values()])
ENGLISH = word_pattern(ENGLISH_WORDS + [en for _, en in WORK_TYPES.values()])

# Free text that people type in Dutch: shown on an English page, it must be marked lang="nl".
HEALTH = "Heeft last van de rug, niet zwaar tillen."
ACCOMMODATION = "Een rustige werkplek bij het raam."
ACCESS = "Melden bij de balie, daar ligt een pasje klaar."
NOTES = "Graag voor tien uur beginnen."
DECLINE = "Er is geen ploeg vrij in deze periode."
ABSENCE_NOTE = "Is bij de tandarts."
CHANGE_REASON = "Ziek gemeld, dienst vervalt."


@pytest.fixture(autouse=True)
def english_catalog(app):
    compile_english_catalog()
    refresh()
    yield


# --- the world -------------------------------------------------------------------------------


@pytest.fixture
def world(make):
    """Two teams, people, places, requests in every status, a published roster this week with a
    change since, a draft next week, absences and calendar links: pages with content to read."""
    from binnenwerk.services import rosters, tokens

    week = current_week()
    days = week_days(week, 5)
    ministry = make.ministry(code="ZEN", name="Zenith")
    other_ministry = make.ministry(code="QRX", name="Quorix")
    cleaning = make.work_type(code="glass", name_nl=WORK_TYPES["glass"][0], name_en=WORK_TYPES["glass"][1],
                              pictogram="broom")
    desk = make.work_type(code="desk", name_nl=WORK_TYPES["desk"][0], name_en=WORK_TYPES["desk"][1],
                          pictogram="building")
    orion = make.location(ministry=ministry, code="orion", name="Orion", address="Atlas 5",
                          postcode="2511 AA", city="Den Haag", region="Den Haag")
    vega = make.location(ministry=ministry, code="vega", name="Vega", address="Atlas 9",
                         postcode="2511 AB", city="Den Haag", region="Den Haag")
    make.location(ministry=other_ministry, code="lyra", name="Lyra", address="Atlas 12", city="Den Haag",
                  region="Den Haag")
    alpha = make.team(name="Alpha", region="Den Haag", home_location=orion)
    bravo = make.team(name="Bravo", region="Den Haag", home_location=vega)
    sam = make.employee(team=alpha, first_name="Sam", last_name="Carter", work_types=[cleaning, desk],
                        job_coach_name="Noor Amari", job_coach_phone="06-11112222")
    sam.sensitive = m.EmployeeSensitive(indication="Wajong", health_notes=HEALTH, accommodations=ACCOMMODATION)
    lina = make.employee(team=alpha, first_name="Lina", last_name="Brooks", work_types=[cleaning])
    omar = make.employee(team=alpha, first_name="Omar", last_name="Fielding", work_types=[desk],
                         contract_end=days[0] + dt.timedelta(days=60))
    nina = make.employee(team=bravo, first_name="Nina", last_name="Park", work_types=[desk])
    users = {
        "admin": make.user(role="admin", name="Ada Stone", email="ada@example.org"),
        "planner": make.user(role="planner", name="Pat Morgan", email="pat@example.org"),
        "team_leader": make.user(role="team_leader", name="Kim Taylor", email="kim@example.org", teams=[alpha]),
        "ministry_contact": make.user(role="ministry_contact", name="Rae Quinn", email="rae@example.org",
                                      ministry=ministry),
    }
    make.supervisor(team=alpha, user=users["team_leader"], name="Kim Taylor", work_types=[cleaning, desk])
    make.supervisor(team=bravo, name="Jo Rivers", work_types=[desk])
    make.supervisor(region="Den Haag", name="Ravi Lennox", work_types=[cleaning])

    period = {"start_date": days[0] - dt.timedelta(days=7), "end_date": days[0] + dt.timedelta(days=60)}
    accepted = make.request(location=orion, work_type=cleaning, headcount=2, access_instructions=ACCESS,
                            notes=NOTES, contact_name="Lee Grant", contact_phone="070-1234567",
                            created_by=users["ministry_contact"], **period)
    make.request(location=vega, work_type=desk, headcount=1, status=m.RequestStatus.SCHEDULED.value,
                 changed_since_review=True, **period)
    make.request(location=vega, work_type=cleaning, status=m.RequestStatus.SUBMITTED.value, notes=NOTES,
                 **period)
    make.request(location=orion, work_type=desk, status=m.RequestStatus.DECLINED.value, decline_reason=DECLINE,
                 **period)
    make.request(location=vega, work_type=desk, status=m.RequestStatus.CANCELLED.value, **period)
    make.request(location=orion, work_type=desk, status=m.RequestStatus.COMPLETED.value,
                 start_date=days[0] - dt.timedelta(days=60), end_date=days[0] - dt.timedelta(days=30))

    roster = m.Roster(week=week, team=alpha)
    roster.assignments = [m.Assignment(employee=person, date=day, request=accepted)
                          for person in (sam, lina) for day in days]
    db.session.add(roster)
    db.session.add(m.Roster(week=shift_week(week, 1), team=bravo))
    db.session.commit()
    rosters.publish(roster, user=users["planner"])
    rosters.set_cell(week, alpha.id, lina.id, days[2], None, lock_version=roster.lock_version,
                     user=users["planner"], reason=CHANGE_REASON)
    make.absence(employee=lina, start=days[2], end=days[2], kind=m.AbsenceKind.SICK.value, note=ABSENCE_NOTE)
    make.absence(employee=sam, start=days[0] + dt.timedelta(days=14), end=days[0] + dt.timedelta(days=18),
                 kind=m.AbsenceKind.LEAVE.value, note=ABSENCE_NOTE)
    make.absence(employee=omar, start=days[1], times=("13:00", "15:00"), kind=m.AbsenceKind.APPOINTMENT.value)
    db.session.add(m.SolveJob(week=week, team=alpha, status="finished", progress=1.0))
    token = tokens.issue(m.FeedKind.EMPLOYEE, sam)
    tokens.issue(m.FeedKind.EMPLOYEE, lina)
    tokens.issue(m.FeedKind.TEAM, alpha)
    tokens.issue(m.FeedKind.LOCATION, orion)
    db.session.commit()
    return SimpleNamespace(users=users, token=token)


# --- reading a page --------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


class PageText(HTMLParser):
    """The text a person or screen reader meets on a page, in pieces, minus what is marked as the
    other language (and scripts, styles and the contents of text boxes); and the links on it."""

    def __init__(self, other_language: str):
        super().__init__(convert_charrefs=True)
        self.other = other_language
        self.pieces: list[str] = []
        self.links: list[str] = []
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []  # GET forms: (action, fields)
        self.html_lang = ""
        self._form: list[tuple[str, str]] | None = None
        self._select: tuple[str, list[str]] | None = None  # (name, options: the selected one first)
        self._skip: list[str] = []  # the tag being skipped, once per open element of that tag inside it

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang") or ""
        self._form_field(tag, attrs)
        if self._skip:
            if tag == self._skip[0] and tag not in VOID:
                self._skip.append(tag)
            return
        # A textarea holds what someone typed, as a text box holds its value: data, not the page's words;
        # translate="no" marks codes and addresses (a login key, a feed's link) that are in no language.
        if tag in ("script", "style", "textarea") or attrs.get("lang") == self.other or attrs.get("translate") == "no":
            if tag not in VOID:
                self._skip.append(tag)
            return
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in READ_ATTRIBUTES:
            if attrs.get(name):
                self.pieces.append(attrs[name])
        if tag == "button" or (tag == "input" and attrs.get("type") in ("submit", "button", "reset")):
            if attrs.get("value"):
                self.pieces.append(attrs["value"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self._skip and tag == self._skip[-1] and tag not in VOID:
            self._skip.pop()

    def handle_endtag(self, tag):
        if self._skip and tag == self._skip[0]:
            self._skip.pop()
        if tag == "select" and self._select is not None and self._form is not None:
            name, options = self._select
            if options:
                self._form.append((name, options[0]))
            self._select = None
        if tag == "form":
            self._form = None

    def _form_field(self, tag, attrs):
        """Collect each GET form with the values it is sent with untouched; an empty text box gets
        "a" (in most names of the test data), as if someone searched."""
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "get":
                self._form = []
                self.forms.append((attrs.get("action") or "", self._form))
            return
        if self._form is None or not attrs.get("name") or "disabled" in attrs:
            return
        kind = (attrs.get("type") or "text").lower()
        if tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in attrs:
                self._form.append((attrs["name"], attrs.get("value") or "on"))
        elif tag == "input" and kind in ("text", "search", "hidden", "week", "date", "number"):
            self._form.append((attrs["name"], attrs.get("value") or ("a" if kind in ("text", "search") else "")))
        elif tag == "select":
            self._select = (attrs["name"], [])
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            options = self._select[1]
            options.insert(0, value) if "selected" in attrs else options.append(value)

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.pieces.append(" ".join(data.split()))


def read_page(html: str, other_language: str) -> PageText:
    page = PageText(other_language)
    page.feed(html)
    page.close()
    return page


def foreign_words(page: PageText, pattern: re.Pattern) -> list[str]:
    """Each piece of text with a word of the other language, the word marked in [brackets]."""
    found = []
    for piece in page.pieces:
        for match in pattern.finditer(piece):
            start, end = match.span()
            found.append(f"{piece[max(0, start - 50):start]}[{match.group(0)}]{piece[end:end + 50]}")
    return found


# --- crawling --------------------------------------------------------------------------------

SKIPPED_PATHS = ("/auth/logout", "/taal/", "/static/", "/calendar/")
DOWNLOADS = (".ics", ".csv", ".xlsx", ".json", ".pdf", ".svg", ".zip")


def same_site(base: str, href: str) -> str | None:
    """The link as a path and query on this site, or None (another site, mailto:, tel:)."""
    parts = urlsplit(urljoin("http://localhost" + base, href))
    if parts.scheme not in ("http", "https") or parts.netloc != "localhost":
        return None
    return parts._replace(scheme="", netloc="", fragment="").geturl()


def worth_following(url: str | None) -> bool:
    if not url:
        return False
    path = urlsplit(url).path
    return bool(path) and not path.startswith(SKIPPED_PATHS) and not path.lower().endswith(DOWNLOADS)


def crawl(client, start: str = "/home") -> dict[str, str]:
    """url -> HTML for every page reached from `start` by following links and sending GET forms
    (search boxes, filters) as they are (same site, GET only)."""
    pages: dict[str, str] = {}
    seen, per_kind = {start}, {}
    queue = deque([start])

    def follow(link: str | None) -> None:
        if not worth_following(link) or link in seen:
            return
        parts = urlsplit(link)
        # The same page with the same kind of query (week after week, page after page): a few.
        kind = (parts.path, frozenset(key for key, _ in parse_qsl(parts.query, keep_blank_values=True)))
        if per_kind.get(kind, 0) >= MAX_PER_PATH:
            return
        per_kind[kind] = per_kind.get(kind, 0) + 1
        seen.add(link)
        queue.append(link)

    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code in (301, 302, 303, 307, 308):
            follow(same_site(url, response.headers["Location"]))
            continue
        assert response.status_code < 500, f"{url} gives {response.status_code}"
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        pages[url] = html
        page = read_page(html, "")
        for href in page.links:
            follow(same_site(url, href))
        for action, fields in page.forms:
            target = same_site(url, action or urlsplit(url).path)
            if target:
                follow(urlsplit(target)._replace(query=urlencode(fields)).geturl())
    return pages


def logged_in(app_with, user: m.User | None, language: str):
    """A client in the language, logged in as the user (or not at all)."""
    client = app_with().test_client()
    if user is not None:
        response = client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    if language == "en":
        assert client.post("/taal/en", data={"next": "/home"}).status_code == 302
    return client


def findings(pages: dict[str, str], language: str) -> list[str]:
    other, pattern = ("nl", DUTCH) if language == "en" else ("en", ENGLISH)
    problems = []
    for url, html in pages.items():
        page = read_page(html, other)
        if page.html_lang != language:
            problems.append(f"{url}: <html lang={page.html_lang!r}>, expected {language!r}")
        problems += [f"{url}: {snippet}" for snippet in foreign_words(page, pattern)]
    return problems


def report(problems: list[str], language: str) -> str:
    name = {"en": "Dutch on English pages", "nl": "English on Dutch pages"}[language]
    unique = list(dict.fromkeys(problems))
    return f"{name} ({len(unique)}):\n" + "\n".join(unique[:200])


# --- the tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES + ("anonymous",))
@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_page_a_role_reaches_is_in_one_language(app_with, world, role, language):
    client = logged_in(app_with, world.users.get(role), language)
    pages = crawl(client, "/auth/login" if role == "anonymous" else "/home")
    assert len(pages) >= (2 if role == "anonymous" else 25), sorted(pages)
    problems = findings(pages, language)
    assert not problems, report(problems, language)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_employee_week_page_is_in_one_language(app_with, world, language):
    client = app_with().test_client()
    if language == "en":
        client.post("/taal/en", data={"next": f"/week/{world.token}"})
    html = client.get(f"/week/{world.token}").get_data(as_text=True)
    assert "Sam" in html
    problems = findings({f"/week/{world.token}": html}, language)
    assert not problems, report(problems, language)


def test_an_unwrapped_dutch_text_is_found():
    page = ('<html lang="en"><head><title>Roster</title></head><body><p>Saved.</p>'
            '<p>Het rooster is opgeslagen.</p><span lang="nl">Niet zwaar tillen.</span>'
            '<button aria-label="Terug naar de lijst">x</button><input type="submit" value="Opslaan">'
            '<script>var voor = 1;</script></body></html>')
    found = findings({"/x": page}, "en")
    assert found == ["/x: [Het] rooster is opgeslagen.", "/x: Het [rooster] is opgeslagen.",
                     "/x: [Terug] naar de lijst", "/x: Terug [naar] de lijst", "/x: [Opslaan]"]


def test_an_english_text_on_a_dutch_page_is_found():
    page = ('<html lang="nl"><body><p>Het rooster is opgeslagen.</p><button lang="en">English</button>'
            '<p>Please try again</p></body></html>')
    assert findings({"/x": page}, "nl") == ["/x: [Please] try again"]


def test_a_code_marked_translate_no_is_in_no_language(app_with, world, monkeypatch):
    """A login key is random letters: one that spells 'FROM' is no English on a Dutch page
    (this failed CI once, by chance)."""
    monkeypatch.setattr("binnenwerk.services.accounts.pyotp.random_base32", lambda: "VBGYCNCMFROMIURIDSK5TD3Q63QYQZZ5")
    client = logged_in(app_with, world.users["ministry_contact"], "nl")
    html = client.get("/auth/tweestaps/instellen").get_data(as_text=True)
    assert "VBGY CNCM FROM IURI" in html
    assert not findings({"/auth/tweestaps/instellen": html}, "nl")
    page = '<html lang="nl"><body><p>Sleutel: <code>VBGY FROM</code></p></body></html>'
    assert findings({"/x": page}, "nl") == ["/x: VBGY [FROM]"]


def test_ministry_names_are_marked_dutch_on_english_pages(app_with, world):
    """A ministry's name is a Dutch proper name: on an English page a screen reader must read it in
    Dutch (the world's names are no Dutch words, so here they get a Dutch one)."""
    for ministry in db.session.scalars(select(m.Ministry)):
        ministry.name = f"Ministerie van {ministry.name}"
    db.session.commit()
    contact = world.users["ministry_contact"]
    request_id = db.session.scalar(select(m.DeploymentRequest.id).where(
        m.DeploymentRequest.ministry_id == contact.ministry_id).order_by(m.DeploymentRequest.id))
    visits = {
        "ministry_contact": ["/home", f"/aanvragen/{request_id}"],
        "planner": [f"/aanvragen/{request_id}", "/aanvragen/alle", "/rapportages/banenafspraak"],
        "admin": ["/beheer/gebruikers", f"/beheer/gebruikers/{contact.id}", "/beheer/ministeries",
                  "/beheer/locaties/nieuw"],
    }
    pages = {}
    for role, urls in visits.items():
        client = logged_in(app_with, world.users[role], "en")
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, f"{url}: {response.status_code}"
            pages[f"{role} {url}"] = html = response.get_data(as_text=True)
            assert "Ministerie van Zenith" in html, url
    problems = findings(pages, "en")
    assert not problems, report(problems, "en")
