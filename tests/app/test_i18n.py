"""Dutch by default, English on request: the catalog is complete, pages and messages follow the choice."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, refresh

from binnenwerk import formatting
from binnenwerk.extensions import db
from binnenwerk.models import FeedKind
from tests.conftest import TEST_PASSWORD, compile_english_catalog

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "binnenwerk" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[-.0-9]*[sdf]|%%")


@pytest.fixture(autouse=True)
def english_catalog(app):
    compile_english_catalog()
    refresh()  # drop catalogs Flask-Babel cached before the .mo was written
    yield


def english(client) -> None:
    response = client.post("/taal/en", data={"next": "/auth/login"})
    assert response.status_code == 302


def lang_of(html: str) -> str:
    return re.search(r'<html lang="([a-z]+)"', html).group(1)


# --- the catalog ----------------------------------------------------------------------------


def test_every_interface_text_has_an_english_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."],
        cwd=ROOT, check=True,
    )
    with pot.open("rb") as f:
        extracted = [m.id for m in read_po(f) if m.id]
    with PO.open("rb") as f:
        catalog = read_po(f, locale="en")
    assert len(extracted) > 500
    missing, wrong = [], []
    for msgid in extracted:
        message = catalog.get(msgid)
        strings = () if message is None else (message.string if isinstance(message.string, tuple) else (message.string,))
        if message is None or message.fuzzy or not all(s and s.strip() for s in strings):
            missing.append(msgid)
            continue
        sources = msgid if isinstance(msgid, tuple) else (msgid,)
        for source, target in zip(sources * 2, strings):
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
                wrong.append((source, target))
    assert missing == [], (
        f"{len(missing)} texts have no English translation; run the extract/update steps in the "
        f"translations README and translate them: {missing[:10]}"
    )
    assert wrong == [], f"placeholders differ between Dutch and English: {wrong[:5]}"


# --- the language of the pages --------------------------------------------------------------
# A test that switches language between requests uses an app_with() client: the `client`
# fixture shares one `g` between requests, where Flask-Babel keeps the locale it chose first.


def test_the_interface_is_dutch_by_default(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert lang_of(html) == "nl"
    assert "Inloggen" in html and "E-mailadres" in html and "Naar de inhoud" in html
    assert 'lang="en">English</button>' in html


def test_after_choosing_english_the_login_page_is_english(client):
    response = client.post("/taal/en", data={"next": "/auth/login"})
    assert response.headers["Location"].endswith("/auth/login")
    html = client.get("/auth/login").get_data(as_text=True)
    assert lang_of(html) == "en"
    for text in ("Log in", "Email address", "Password", "Skip to content", "Accessibility statement"):
        assert text in html
    assert "Wachtwoord" not in html
    assert 'lang="nl">Nederlands</button>' in html


def test_a_form_error_is_english_after_choosing_english(client):
    english(client)
    html = client.post("/auth/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert lang_of(html) == "en"
    assert "Check the form" in html
    assert "Enter your email address." in html and "Enter your password." in html
    # Length limits in the app's own words follow the language too.
    html = client.post("/auth/login", data={"email": "a@b.nl", "password": "x" * 300}).get_data(as_text=True)
    assert "At most 200 characters." in html


def test_a_form_error_is_dutch_by_default(client):
    html = client.post("/auth/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Controleer het formulier" in html and "Vul je e-mailadres in." in html
    html = client.post("/auth/login", data={"email": "a@b.nl", "password": "x" * 300}).get_data(as_text=True)
    assert "Hoogstens 200 tekens." in html and "karakters" not in html


def test_a_wrong_password_message_is_english_after_choosing_english(client, make):
    user = make.user("planner")
    db.session.commit()
    english(client)
    html = client.post("/auth/login", data={"email": user.email, "password": "Niet-goed-123"}).get_data(as_text=True)
    assert "This email address and password do not match." in html


def test_english_chosen_on_the_login_page_is_the_accounts_language_on_the_next_computer(app_with, make):
    """English picked before logging in lasted only for that browser: a login elsewhere was Dutch
    again (a QA finding). A language lent by a logout is no choice and is not stored."""
    from binnenwerk.models import User

    user = make.user("planner")
    db.session.commit()
    first = app_with().test_client()
    first.post("/taal/en", data={"next": "/auth/login"})
    assert first.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
    other = app_with().test_client()
    other.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert lang_of(other.get("/home").get_data(as_text=True)) == "en"

    # The login page after this user's logout is lent English; the next person's login keeps theirs.
    colleague = make.user("planner", locale="nl")
    db.session.commit()
    first.post("/auth/logout")
    first.post("/auth/login", data={"email": colleague.email, "password": TEST_PASSWORD})
    db.session.expire_all()
    assert db.session.get(User, colleague.id).locale == "nl"
    assert lang_of(first.get("/home").get_data(as_text=True)) == "nl"


HOME_TEXTS = {
    "admin": ("Administration", "Users", "Ministries", "Work types"),
    "planner": ("Planning", "new requests", "Requests", "Employees"),
    "team_leader": ("My team", "Roster", "Absence"),
    "ministry_contact": ("Your latest requests", "You have no requests yet.", "Requests"),
}


@pytest.mark.parametrize("role", sorted(HOME_TEXTS))
def test_the_home_page_of_each_role_is_english_after_choosing_english(app_with, make, role):
    team = make.team()
    user = make.user(role, teams=[team] if role == "team_leader" else ())
    db.session.commit()
    client = app_with().test_client()
    client.post("/auth/login", data={"email": user.email, "password": "Test-wachtwoord-2026"})
    dutch = client.get("/home").get_data(as_text=True)
    assert lang_of(dutch) == "nl" and "Welkom" in dutch and "Uitloggen" in dutch
    client.post("/taal/en", data={"next": "/home"})
    html = client.get("/home").get_data(as_text=True)
    assert lang_of(html) == "en"
    assert f"Welcome, {user.name}." in html and "Log out" in html and ">Home<" in html
    for text in HOME_TEXTS[role]:
        assert text in html, text
    assert "Welkom" not in html and "Uitloggen" not in html


def test_the_planners_counts_take_singular_and_plural(app_with, make):
    from binnenwerk.models import RequestStatus

    team = make.team()
    make.employee(team)
    make.request(status=RequestStatus.SUBMITTED.value)
    user = make.user("planner")
    db.session.commit()
    client = app_with().test_client()
    client.post("/auth/login", data={"email": user.email, "password": "Test-wachtwoord-2026"})
    dutch = re.sub(r"\s+", " ", client.get("/home").get_data(as_text=True))
    assert "<strong>1</strong> team<" in dutch and "<strong>1</strong> medewerker<" in dutch
    assert "<strong>1</strong> nieuwe aanvraag<" in dutch
    make.request(status=RequestStatus.SUBMITTED.value)
    db.session.commit()
    client.post("/taal/en", data={"next": "/home"})
    english = re.sub(r"\s+", " ", client.get("/home").get_data(as_text=True))
    assert "<strong>2</strong> new requests<" in english and "<strong>1</strong> employee<" in english


def test_the_choice_of_language_is_kept_on_the_account(app_with, make):
    user = make.user("planner")
    db.session.commit()
    first = app_with().test_client()
    first.post("/auth/login", data={"email": user.email, "password": "Test-wachtwoord-2026"})
    first.post("/taal/en", data={"next": "/home"})
    db.session.expire_all()
    assert db.session.get(type(user), user.id).locale == "en"
    later = app_with().test_client()  # a new browser: no session cookie
    later.post("/auth/login", data={"email": user.email, "password": "Test-wachtwoord-2026"})
    assert lang_of(later.get("/home").get_data(as_text=True)) == "en"
    later.post("/taal/nl", data={"next": "/home"})
    assert "Welkom" in later.get("/home").get_data(as_text=True)


def test_logging_out_shows_the_login_page_in_the_accounts_language_and_lends_it_to_nobody(app_with, make):
    english, dutch = make.user("planner"), make.user("team_leader")
    english.locale = "en"
    db.session.commit()
    browser = app_with().test_client()  # a new browser: English only through the account
    browser.post("/auth/login", data={"email": english.email, "password": "Test-wachtwoord-2026"})
    page = browser.post("/auth/logout", follow_redirects=True).get_data(as_text=True)
    assert lang_of(page) == "en" and "You have been logged out." in page  # page and message alike
    # The next person at this browser gets their own account's language, not the last user's.
    browser.post("/auth/login", data={"email": dutch.email, "password": "Test-wachtwoord-2026"})
    assert lang_of(browser.get("/home").get_data(as_text=True)) == "nl"
    page = browser.post("/auth/logout", follow_redirects=True).get_data(as_text=True)
    assert lang_of(page) == "nl" and "Je bent uitgelogd." in page
    # A language chosen in the browser before logging in still holds after it.
    browser.post("/taal/en", data={"next": "/auth/login"})
    browser.post("/auth/login", data={"email": dutch.email, "password": "Test-wachtwoord-2026"})
    assert lang_of(browser.get("/home").get_data(as_text=True)) == "en"


def test_a_language_chosen_with_the_button_while_logged_in_is_not_passed_to_the_next_user(app_with, make):
    first, second = make.user("planner"), make.user("ministry_contact")
    db.session.commit()
    browser = app_with().test_client()
    browser.post("/auth/login", data={"email": first.email, "password": "Test-wachtwoord-2026"})
    browser.post("/taal/en", data={"next": "/home"})  # stored on the first account too
    assert lang_of(browser.post("/auth/logout", follow_redirects=True).get_data(as_text=True)) == "en"
    browser.post("/auth/login", data={"email": second.email, "password": "Test-wachtwoord-2026"})
    assert lang_of(browser.get("/home").get_data(as_text=True)) == "nl"


def test_an_unknown_language_or_a_foreign_return_address_changes_nothing(client):
    response = client.post("/taal/xx", data={"next": "https://elders.example/phish"})
    assert response.status_code == 302
    assert "elders.example" not in response.headers["Location"]
    assert lang_of(client.get("/auth/login").get_data(as_text=True)) == "nl"
    assert client.get("/taal/en").status_code == 405
    assert lang_of(client.get("/auth/login").get_data(as_text=True)) == "nl"


def test_error_pages_follow_the_language(app_with):
    client = app_with().test_client()
    html = client.get("/bestaat-niet").get_data(as_text=True)
    assert "Niet gevonden" in html and "Deze pagina bestaat niet (meer)." in html
    english(client)
    html = client.get("/bestaat-niet").get_data(as_text=True)
    assert lang_of(html) == "en"
    assert "Not found" in html and "This page does not exist (any more)." in html


def test_the_employee_week_page_is_plain_dutch_and_english_on_request(app_with, make):
    from binnenwerk.services import tokens

    team = make.team()
    work_type = make.work_type(name_nl="Toetsenborden schoonmaken", name_en="Keyboard cleaning")
    employee = make.employee(team=team, first_name="Sanne", work_types=[work_type])
    today = dt.date.today()
    request = make.request(work_type=work_type, access_instructions="Melden bij de balie.")
    make.published_shift(employee=employee, date=today, work_type=work_type, start="09:00", end="15:00",
                         request=request)
    token = tokens.issue(FeedKind.EMPLOYEE, employee)
    db.session.commit()
    client = app_with().test_client()
    html = client.get(f"/week/{token}").get_data(as_text=True)
    assert lang_of(html) == "nl"
    assert "Jouw werk, Sanne" in html
    assert "Je werk: Toetsenborden schoonmaken." in html
    assert "Je werkt van 09:00 tot 15:00." in html
    assert "Zo kom je binnen: Melden bij de balie." in html and 'lang="nl">Melden' not in html
    with force_locale("nl"):
        day_title = formatting.long_date(today)
    assert day_title[:1].upper() + day_title[1:] in html
    client.post("/taal/en", data={"next": f"/week/{token}"})
    html = client.get(f"/week/{token}").get_data(as_text=True)
    assert lang_of(html) == "en"
    assert "Your work, Sanne" in html and "Your work: Keyboard cleaning." in html
    assert "You work from 09:00 to 15:00." in html
    # What the ministry typed stays Dutch, and says so to a screen reader (WCAG 3.1.2).
    assert 'How to get in: <span lang="nl">Melden bij de balie.</span>' in html


# --- dates and times ------------------------------------------------------------------------


def test_dates_are_written_the_dutch_way_and_in_english_on_request(app):
    monday = dt.date(2026, 12, 7)
    with app.test_request_context():
        with force_locale("nl"):
            assert formatting.long_date(monday) == "maandag 7 december"
            assert formatting.long_date(dt.date(2026, 5, 5)) == "dinsdag 5 mei"
            assert formatting.short_date(monday) == "ma 7 dec"
            assert formatting.hours(1530) == "25,5"
        with force_locale("en"):
            assert formatting.long_date(monday) == "Monday 7 December"
            assert formatting.hours(1530) == "25.5"


def test_dates_outside_a_request_are_dutch(app):
    assert formatting.long_date(dt.date(2026, 12, 8)) == "dinsdag 8 december"


def test_times_are_written_with_two_digit_hours():
    assert formatting.minutes_to_hhmm(9 * 60) == "09:00"
    assert formatting.minutes_to_hhmm(17 * 60 + 5) == "17:05"
    assert formatting.minutes_to_hhmm(0) == "00:00"
    assert formatting.hhmm_to_minutes("9:30") == 570
    for bad in ("9.30", "25:00", "12:60", "", "nine"):
        with pytest.raises(ValueError):
            formatting.hhmm_to_minutes(bad)


# --- no text outside the catalog ------------------------------------------------------------

LANGUAGE_NAMES = {"English", "Nederlands"}  # each shown in its own language, with a lang attribute


def visible_template_text(source: str) -> list[str]:
    """Words of a template that reach the page without passing through gettext."""
    text = re.sub(r"\{%\s*block body_class\s*%\}.*?\{%\s*endblock\s*%\}", " ", source, flags=re.S)
    text = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", " ", text, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    found = [m.group(2) for m in re.finditer(r'\b(aria-label|alt|title|placeholder)="([^"]*[A-Za-z]{2,}[^"]*)"', text)]
    text = re.sub(r"<[^>]*>", " ", text)
    found += [w for w in re.findall(r"[^\s<>]*[A-Za-zÀ-ÿ]{2,}[^\s<>]*", text) if not w.startswith("&")]
    return [w for w in found if w not in LANGUAGE_NAMES]


def test_templates_show_no_text_that_bypasses_translation():
    problems = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        words = visible_template_text(path.read_text(encoding="utf-8"))
        if words:
            problems[str(path.relative_to(ROOT))] = words[:5]
    assert problems == {}, f"wrap these texts in _(): {problems}"


def test_messages_to_users_in_python_go_through_gettext():
    literal = re.compile(r"""\b(flash|ServiceError|ValidationError|CellError)\(\s*f?["'][A-Za-zÀ-ÿ]""")
    problems = []
    for path in sorted((ROOT / "binnenwerk").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if literal.search(line):
                problems.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert problems == [], "wrap these messages in _():\n" + "\n".join(problems)


def test_no_form_falls_back_on_wtforms_own_length_message():
    """WTForms' default ("Veld mag niet langer zijn dan 200 karakters") is not how the app speaks:
    every length limit goes through MaxLength or brings its own message."""
    import pathlib
    import re

    package = pathlib.Path(__file__).resolve().parents[2] / "binnenwerk"
    bare = [f"{path.relative_to(package)}: {call}" for path in package.rglob("*.py")
            for call in re.findall(r"\bLength\([^)]*\)", path.read_text()) if "message" not in call
            and not call.startswith("Length(max=max")]
    assert bare == []


def test_a_too_large_form_is_told_it_sent_too_much_not_a_file_in_dutch_and_english(app_with):
    """20 MB sent to the login page answered "Het bestand is te groot" although no file was sent."""
    client = app_with().test_client()
    big = {"email": "iemand@example.org", "password": "x" * (20 * 1024 * 1024)}
    response = client.post("/auth/login", data=big)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Te veel gegevens" in html and "Dit is te veel gegevens in één keer." in html
    assert "bestand" not in html.lower()
    english(client)
    html = client.post("/auth/login", data=big).get_data(as_text=True)
    assert lang_of(html) == "en"
    assert "Too much data" in html and "This is too much data at once." in html and "file" not in html.lower()
