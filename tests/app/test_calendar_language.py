"""The employee's calendar speaks the language of the week page its link was taken from, and the
calendar QR codes open the week page's calendar part (buttons for iPhone and Android) instead of a
webcal:// link that Android cannot open."""
import datetime as dt
import hashlib
import io
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import quote

import icalendar
import pytest
import segno
from flask_babel import refresh

from binnenwerk.calendar import routes
from binnenwerk.extensions import db
from binnenwerk.models import CalendarToken, FeedKind
from binnenwerk.services import feeds, tokens


@pytest.fixture
def world(app, make):
    """An employee with one shift today, one changed shift to come and one called-off day."""
    today = feeds.local_today()
    team = make.team(name="Team Rijnstraat")
    leader = make.supervisor(team=team, name="Tineke", phone="06-12345678")
    anna = make.employee(team=team, first_name="Anna", last_name="Jansen")
    location = make.location(name="Ministerie BZK", address="Rijnstraat 8", postcode="2515 XP", city="Den Haag")
    keyboards = make.work_type(name_nl="Toetsenborden reinigen", name_en="Keyboard cleaning", pictogram="keyboard")
    plain = make.published_shift(employee=anna, date=today, location=location, work_type=keyboards,
                                 supervisor=leader)
    changed = make.published_shift(employee=anna, date=today + dt.timedelta(days=2), location=location,
                                   work_type=keyboards, supervisor=leader, sequence=1)
    off = make.published_shift(employee=anna, date=today + dt.timedelta(days=3), location=location,
                               work_type=keyboards, cancelled=True, sequence=1)
    token = tokens.issue(FeedKind.EMPLOYEE, anna)
    db.session.commit()
    return SimpleNamespace(today=today, anna=anna, team=team, keyboards=keyboards, token=token,
                           plain=plain, changed=changed, off=off)


def events_by_uid(body: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(body)
    return {str(event["UID"]): event for event in cal.walk("VEVENT")}


def calendar_name(body: bytes) -> str:
    return str(icalendar.Calendar.from_ical(body)["X-WR-CALNAME"])


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.images: list[str] = []
        self.codes: list[str] = []
        self.ids: list[str] = []
        self._in_code = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        if "id" in attrs:
            self.ids.append(attrs["id"])
        self._in_code = tag == "code"

    def handle_data(self, data):
        if self._in_code:
            self.codes.append(data.strip())
            self._in_code = False


def links_of(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


# --- the week page's links --------------------------------------------------------------------


def assert_feed_links(html: str, token: str, marker: str) -> None:
    """The week page's two buttons and its copyable link, each to the feed with `marker`."""
    found = links_of(html)
    assert f"webcal://localhost/calendar/{token}.ics{marker}" in found.hrefs
    webcal = quote(f"webcal://localhost/calendar/{token}.ics{marker}", safe="")
    assert f"https://calendar.google.com/calendar/r?cid={webcal}" in found.hrefs
    assert f"http://localhost/calendar/{token}.ics{marker}" in found.codes


def test_the_english_week_page_gives_links_to_an_english_calendar(client, login, make, world):
    token = world.token
    dutch = client.get(f"/week/{token}").get_data(as_text=True)
    assert_feed_links(dutch, token, "")  # every link handed out so far stays as it was
    assert "taal=" not in dutch

    client.post("/taal/en", data={"next": f"/week/{token}"})
    refresh()  # the tests' requests share one app context, where Flask-Babel keeps the locale
    english = client.get(f"/week/{token}").get_data(as_text=True)
    assert "Add to my calendar (iPhone)" in english
    assert_feed_links(english, token, "?taal=en")

    # The staff's link page, in English too, keeps giving the links as they were.
    login(make.user("team_leader", teams=[world.team]))
    client.post("/taal/en", data={"next": "/home"})
    refresh()
    staff = client.get(f"/kalender/link/medewerker/{world.anna.id}").get_data(as_text=True)
    assert "Calendar link of Anna" in staff
    assert f"webcal://localhost/calendar/{token}.ics" in staff and "taal=" not in staff


# --- the feed in each language ----------------------------------------------------------------


def test_the_feed_with_the_marker_is_english_and_without_it_exactly_dutch(client, world):
    row = tokens.resolve(world.token)
    dutch = client.get(f"/calendar/{world.token}.ics").data
    assert dutch == feeds.build_feed(row)  # built without any language, as before
    assert calendar_name(dutch) == "Binnenwerk: mijn werk"
    events = events_by_uid(dutch)
    assert str(events[world.plain.uid]["SUMMARY"]) == "Werk: Toetsenborden reinigen"
    assert "Pauze: 30 minuten" in str(events[world.plain.uid]["DESCRIPTION"])
    assert str(events[world.changed.uid]["SUMMARY"]) == "Veranderd: Toetsenborden reinigen"

    body = client.get(f"/calendar/{world.token}.ics?taal=en").data
    assert calendar_name(body) == "Binnenwerk: my work"
    events = events_by_uid(body)
    plain = events[world.plain.uid]
    assert str(plain["SUMMARY"]) == "Work: Keyboard cleaning"
    description = str(plain["DESCRIPTION"])
    assert "Work: Keyboard cleaning" in description and "Break: 30 minutes" in description
    assert "Team leader: Tineke, phone 06-12345678" in description
    assert str(events[world.changed.uid]["SUMMARY"]) == "Changed: Keyboard cleaning"
    assert str(events[world.off.uid]["SUMMARY"]) == "Day off: your work is cancelled (Keyboard cleaning)"
    assert str(events[world.off.uid]["DESCRIPTION"]) == "You do not have to work this day."
    assert "Toetsenborden" not in body.decode() and "Werk:" not in body.decode()


def test_an_english_work_type_name_left_empty_falls_back_to_the_dutch_one(client, world):
    world.keyboards.name_en = ""
    db.session.commit()
    events = events_by_uid(client.get(f"/calendar/{world.token}.ics?taal=en").data)
    assert str(events[world.plain.uid]["SUMMARY"]) == "Work: Toetsenborden reinigen"


@pytest.mark.parametrize("marker", ["nl", "de", "EN", "en-GB", "", "x" * 300])
def test_an_unknown_marker_gives_the_dutch_feed_and_etag(client, world, marker):
    dutch = client.get(f"/calendar/{world.token}.ics")
    other = client.get(f"/calendar/{world.token}.ics", query_string={"taal": marker})
    assert other.status_code == 200 and other.data == dutch.data
    assert other.headers["ETag"] == dutch.headers["ETag"]
    english = client.get(f"/calendar/{world.token}.ics", query_string={"taal": "en"})
    assert english.headers["ETag"] != dutch.headers["ETag"] and b"Work: Keyboard cleaning" in english.data


def test_the_etag_differs_per_language_and_the_dutch_one_is_unchanged(client, world):
    row = db.session.get(CalendarToken, tokens.resolve(world.token).id)
    dutch = client.get(f"/calendar/{world.token}.ics")
    english = client.get(f"/calendar/{world.token}.ics?taal=en")
    assert dutch.headers["ETag"] != english.headers["ETag"]
    assert dutch.headers["ETag"] == f'"{feeds.fingerprint(row).etag}"'
    assert english.headers["ETag"] == f'"{feeds.fingerprint(row, language="en").etag}"'
    assert feeds.poll(world.token)[1] == feeds.fingerprint(row)
    assert feeds.poll(world.token, language="en")[1] == feeds.fingerprint(row, language="en")


def test_the_dutch_fingerprint_is_made_as_before(app):
    """The ETag every subscribed phone holds today: the same text hashed the same way."""
    today, created = dt.date(2026, 3, 4), dt.datetime(2026, 1, 2, 8, 0)
    latest = dt.datetime(2026, 3, 1, 12, 30, 5)
    raw = f"{feeds.FORMAT_VERSION}|7|2026-03-04|3|{latest.isoformat()}|1:2:2026-03-05:2026-03-05::"
    office = feeds.office_phone()
    if office:
        raw += "|office:" + office
    before = hashlib.sha256(raw.encode()).hexdigest()[:32]
    absences = "1:2:2026-03-05:2026-03-05::"
    assert feeds._fingerprint(7, created, today, 3, latest, absences).etag == before
    assert feeds._fingerprint(7, created, today, 3, latest, absences, None, None).etag == before
    english = feeds._fingerprint(7, created, today, 3, latest, absences, None, "en")
    assert english.etag != before and english.last_modified == feeds._fingerprint(
        7, created, today, 3, latest, absences).last_modified


def test_a_304_answers_per_language(client, world):
    url = f"/calendar/{world.token}.ics"
    dutch_etag = client.get(url).headers["ETag"]
    english_etag = client.get(url + "?taal=en").headers["ETag"]
    assert client.get(url, headers={"If-None-Match": dutch_etag}).status_code == 304
    again = client.get(url + "?taal=en", headers={"If-None-Match": english_etag})
    assert again.status_code == 304 and again.headers["ETag"] == english_etag
    # A phone holding the Dutch calendar that now asks for English gets the English one in full.
    switched = client.get(url + "?taal=en", headers={"If-None-Match": dutch_etag})
    assert switched.status_code == 200 and b"Work: Keyboard cleaning" in switched.data
    back = client.get(url, headers={"If-None-Match": english_etag})
    assert back.status_code == 200 and b"Werk: Toetsenborden reinigen" in back.data


def test_a_tidied_feed_link_keeps_its_marker(client, world):
    response = client.get(f"/calendar/{world.token}.ics).?taal=en")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/calendar/{world.token}.ics?taal=en")
    plain = client.get(f"/calendar/{world.token}.ics).")
    assert plain.headers["Location"].endswith(f"/calendar/{world.token}.ics")


def test_the_stopped_notice_follows_the_language(client, world):
    tokens.revoke(tokens.resolve(world.token))
    db.session.commit()
    english = client.get(f"/calendar/{world.token}.ics?taal=en")
    cal = icalendar.Calendar.from_ical(english.data)
    (notice,) = cal.walk("VEVENT")
    assert str(cal["X-WR-CALNAME"]) == "Binnenwerk: my work"
    assert str(notice["SUMMARY"]) == "This calendar link no longer works"
    assert str(notice["DESCRIPTION"]).startswith(
        "This link no longer works. If you still work at Binnenwerk, ask your team leader")
    dutch = icalendar.Calendar.from_ical(client.get(f"/calendar/{world.token}.ics").data)
    assert str(dutch.walk("VEVENT")[0]["SUMMARY"]) == "Deze agenda-link werkt niet meer"
    unknown = icalendar.Calendar.from_ical(client.get(f"/calendar/{world.token}.ics?taal=fr").data)
    assert str(unknown.walk("VEVENT")[0]["SUMMARY"]) == "Deze agenda-link werkt niet meer"


# --- the calendar QR codes --------------------------------------------------------------------


@pytest.fixture
def qr_targets(monkeypatch):
    """What each QR code served holds: the text given to segno."""
    made: list[str] = []

    def make(content, **kwargs):
        made.append(content)
        return segno.make(content, **kwargs)

    monkeypatch.setattr(routes, "segno", SimpleNamespace(make=make))
    return made


def qr_image_url(html: str, needle: str) -> str:
    (src,) = [src for src in links_of(html).images if needle in src]
    return src.replace("&amp;", "&")


def test_the_week_pages_qr_code_opens_its_calendar_part(client, world, qr_targets):
    html = client.get(f"/week/{world.token}").get_data(as_text=True)
    assert 'id="agenda"' in html
    section = html.split('id="agenda"')[1].split("</section>")[0]
    assert "Zet in mijn agenda (iPhone)" in section and "Zet in Google Agenda (Android)" in section
    assert "Dan zie je deze knoppen op je telefoon." in section
    response = client.get(qr_image_url(html, "qr.svg"))
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert qr_targets == [f"http://localhost/week/{world.token}#agenda"]
    # The image served is that code, nothing else.
    expected = io.BytesIO()
    segno.make(qr_targets[0], error="m").save(
        expected, kind="svg", scale=6, border=4, dark="#000000", light="#ffffff", xmldecl=False, title="QR-code")
    assert response.data == expected.getvalue()


def test_the_handout_sheets_calendar_qr_code_opens_the_week_pages_calendar_part(client, login, make, world,
                                                                               qr_targets):
    login(make.user("team_leader", teams=[world.team]))
    html = client.get(f"/kalender/team/{world.team.id}/briefjes").get_data(as_text=True)
    sheet = html.split(f'id="briefje-{world.anna.id}"')[1].split("</section>")[0]
    assert "Tik dan op de knop voor jouw telefoon: iPhone of Android." in sheet
    calendar_code = qr_image_url(sheet, "voor=agenda")
    week_code = qr_image_url(sheet, "voor=week")
    for url in (calendar_code, week_code):
        response = client.get(url)
        assert response.status_code == 200 and response.headers["Referrer-Policy"] == "no-referrer"
        assert "noindex" in response.headers["X-Robots-Tag"]
    assert qr_targets == [f"http://localhost/week/{world.token}#agenda",  # the calendar's code
                          f"http://localhost/week/{world.token}"]  # the week page's, as it was
    assert not any(target.startswith("webcal:") for target in qr_targets)


def test_the_calendar_part_code_is_for_a_live_employee_link_only(client, world, make, qr_targets):
    team_token = tokens.issue(FeedKind.TEAM, world.team)
    location_token = tokens.issue(FeedKind.LOCATION, make.location())
    db.session.commit()
    for token in (team_token, location_token, "B" * 32):
        assert client.get(f"/calendar/{token}/qr.svg?voor=agenda").status_code == 404
    # A team's or location's link has no week page: its code (on the staff's link page) stays
    # the webcal:// link.
    assert client.get(f"/calendar/{team_token}/qr.svg").status_code == 200
    assert qr_targets == [f"webcal://localhost/calendar/{team_token}.ics"]
    tokens.revoke(tokens.resolve(world.token))
    db.session.commit()
    gone = client.get(f"/calendar/{world.token}/qr.svg?voor=agenda")
    assert gone.status_code == 404 and gone.headers["Referrer-Policy"] == "no-referrer"


def test_the_feed_without_the_marker_is_dutch_whoever_opens_it(client, world):
    """A member of staff reading English who opens the link in their browser gets the text the
    Dutch ETag stands for, not their own language."""
    client.post("/taal/en", data={"next": "/home"})
    refresh()
    body = client.get(f"/calendar/{world.token}.ics").data
    assert calendar_name(body) == "Binnenwerk: mijn werk" and b"Werk: Toetsenborden reinigen" in body
    tokens.revoke(tokens.resolve(world.token))
    db.session.commit()
    stopped = icalendar.Calendar.from_ical(client.get(f"/calendar/{world.token}.ics").data)
    assert str(stopped.walk("VEVENT")[0]["SUMMARY"]) == "Deze agenda-link werkt niet meer"
