"""The employee's week page: plain Dutch, this week and next, reachable only by a live token."""
import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import EmployeeSensitive, FeedKind
from binnenwerk.services import feeds, tokens


class Outline(HTMLParser):
    """Collects what a basic accessibility check needs from a page."""

    def __init__(self):
        super().__init__()
        self.html_lang = None
        self.headings: list[int] = []
        self.images: list[dict] = []
        self.scripts_inline = 0
        self.handlers: list[str] = []
        self.ids: list[str] = []
        self.labelled_by: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "img":
            self.images.append(attrs)
        if tag == "script" and "src" not in attrs:
            self.scripts_inline += 1
        self.handlers += [name for name in attrs if name.startswith("on")]
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if "aria-labelledby" in attrs:
            self.labelled_by += attrs["aria-labelledby"].split()


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


@pytest.fixture
def week(app, make, monkeypatch):
    today = feeds.local_today()
    monday = today - dt.timedelta(days=today.weekday())
    # A Wednesday, whatever day the tests run: at the weekend the page starts with next week.
    monkeypatch.setattr(feeds, "local_today", lambda: monday + dt.timedelta(days=2))
    team = make.team()
    make.supervisor(team=team, name="Tineke", phone="06-12345678")
    employee = make.employee(team=team, first_name="Anna", last_name="Jansen")
    employee.sensitive = EmployeeSensitive(indication="Wajong-GEHEIM", health_notes="Rugklachten-GEHEIM")
    location = make.location(name="Ministerie BZK", address="Rijnstraat 8", postcode="2515 XP", city="Den Haag")
    keyboards = make.work_type(name_nl="Toetsenborden reinigen", pictogram="keyboard")
    worked = make.published_shift(employee=employee, date=monday, location=location, work_type=keyboards)
    cancelled = make.published_shift(employee=employee, date=monday + dt.timedelta(days=2), location=location,
                                     work_type=keyboards, cancelled=True, sequence=1)
    next_week = make.published_shift(employee=employee, date=monday + dt.timedelta(days=8), location=location,
                                     work_type=keyboards, start="10:00", end="14:00", break_minutes=0)
    token = tokens.issue(FeedKind.EMPLOYEE, employee)
    db.session.commit()
    return dict(monday=monday, employee=employee, token=token, worked=worked, cancelled=cancelled,
                next_week=next_week, team=team, location=location)


def page(client, token):
    return client.get(f"/week/{token}")


def test_week_page_tells_each_working_day_in_plain_dutch(client, week):
    response = page(client, week["token"])
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    monday = week["monday"]
    assert f"Maandag {monday.day} " in html
    assert "Je werkt van 09:00 tot 15:00." in html
    assert "Je pauze is 30 minuten." in html
    assert "Waar: Ministerie BZK, Rijnstraat 8, 2515 XP Den Haag." in html
    assert "Je teamleider is Tineke." in html and "Bel 06-12345678." in html
    assert 'href="tel:0612345678"' in html
    assert "Je werk: Toetsenborden reinigen." in html
    assert "pictograms/keyboard.svg" in html


def test_a_working_day_says_how_to_get_in_as_the_ministry_wrote_it(client, week, make):
    request = make.request(location=week["location"], access_instructions="Melden bij de receptie.\nPasje halen.")
    week["worked"].request = request
    db.session.commit()
    html = page(client, week["token"]).get_data(as_text=True)
    assert '<p class="pre">Zo kom je binnen: Melden bij de receptie.\nPasje halen.</p>' in html
    assert html.count("Zo kom je binnen") == 1  # only the day with a request that says it


def test_week_page_shows_this_week_and_next(client, week):
    html = page(client, week["token"]).get_data(as_text=True)
    assert "Deze week" in html and "Volgende week" in html
    assert "Je werkt van 10:00 tot 14:00." in html and "Je hebt geen pauze." in html
    after = week["monday"] + dt.timedelta(days=14)
    assert f'id="day-{after.isoformat()}"' not in html


def test_days_off_and_cancelled_days_are_said_plainly(client, week):
    html = page(client, week["token"]).get_data(as_text=True)
    tuesday = (week["monday"] + dt.timedelta(days=1)).isoformat()
    wednesday = (week["monday"] + dt.timedelta(days=2)).isoformat()
    tuesday_block = html.split(f'id="day-{tuesday}"')[1].split("</article>")[0]
    assert "Vrij." in tuesday_block and "Je werkt" not in tuesday_block
    wednesday_block = html.split(f'id="day-{wednesday}"')[1].split("</article>")[0]
    assert "Vrij." in wednesday_block and "gaat niet door" in wednesday_block
    assert "Je werkt" not in wednesday_block


def test_week_page_marks_today_in_words(client, week, make):
    today = feeds.local_today()
    if today.weekday() not in (0, 2):  # those days have a shift already
        make.published_shift(employee=week["employee"], date=today, location=week["location"])
        db.session.commit()
    html = page(client, week["token"]).get_data(as_text=True)
    block = html.split(f'id="day-{today.isoformat()}"')[1].split("</h3>")[0]
    assert "(vandaag)" in block
    assert html.count("(vandaag)") == 1


def test_week_page_offers_the_calendar_link_and_a_qr_code(client, week):
    token = week["token"]
    html = page(client, token).get_data(as_text=True)
    assert f'href="webcal://localhost/calendar/{token}.ics"' in html
    assert "Zet in mijn agenda" in html
    qr = client.get(f"/calendar/{token}/qr.svg")
    assert qr.status_code == 200 and qr.headers["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in qr.data
    images = [img for img in outline(html).images if "qr.svg" in img.get("src", "")]
    assert len(images) == 1 and len(images[0]["alt"]) > 20


def test_week_page_passes_a_basic_accessibility_check(client, week):
    html = page(client, week["token"]).get_data(as_text=True)
    found = outline(html)
    assert found.html_lang == "nl"
    assert found.headings.count(1) == 1 and found.headings[0] == 1
    # No skipped levels: every heading at most one deeper than the one before it.
    assert all(b - a <= 1 for a, b in zip(found.headings, found.headings[1:]))
    assert found.headings.count(3) >= 5  # a heading per day
    assert all("alt" in img for img in found.images)
    assert found.scripts_inline == 0 and found.handlers == []
    assert set(found.labelled_by) <= set(found.ids)
    assert len(found.ids) == len(set(found.ids))


def test_week_page_holds_no_health_or_indication_data(client, week):
    html = page(client, week["token"]).get_data(as_text=True)
    assert "GEHEIM" not in html


def test_week_page_is_not_cached_publicly_nor_leaks_the_token(client, week):
    response = page(client, week["token"])
    assert "private" in response.headers["Cache-Control"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_week_page_with_unknown_revoked_or_non_employee_token_is_404(client, week):
    assert page(client, "B" * 32).status_code == 404
    assert page(client, "../etc").status_code == 404
    team_token = tokens.issue(FeedKind.TEAM, week["team"])
    db.session.commit()
    assert page(client, team_token).status_code == 404
    assert client.get(f"/calendar/{team_token}/qr.svg?voor=week").status_code == 404
    tokens.revoke(tokens.resolve(week["token"]))
    db.session.commit()
    gone = page(client, week["token"])
    assert gone.status_code == 404
    # Said plainly, with what to do, and no way to the staff login.
    text = gone.get_data(as_text=True)
    assert "Deze link werkt niet meer" in text and "Vraag je teamleider" in text
    assert "startpagina" not in text and "noindex" in gone.headers["X-Robots-Tag"]
    assert client.get(f"/calendar/{week['token']}/qr.svg").status_code == 404
    cut_off = client.get("/week/")  # the link broken off before its code
    assert cut_off.status_code == 404 and "Deze link werkt niet meer" in cut_off.get_data(as_text=True)


def test_a_place_named_after_its_street_is_said_once(client, week, make):
    binnenhof = make.location(name="Binnenhof 19", address="Binnenhof 19", postcode="2513 AA", city="Den Haag")
    make.published_shift(employee=week["employee"], date=week["monday"] + dt.timedelta(days=1), location=binnenhof)
    db.session.commit()
    html = page(client, week["token"]).get_data(as_text=True)
    assert "Waar: Binnenhof 19, 2513 AA Den Haag." in html
    assert "Binnenhof 19, Binnenhof 19" not in html
    assert "Waar: Ministerie BZK, Rijnstraat 8, 2515 XP Den Haag." in html  # a named place keeps its name


def test_a_week_not_published_yet_is_not_called_free(client, week, make):
    """Without a published roster for the team, a day without a shift is not known to be free."""
    from binnenwerk.formatting import week_of
    from binnenwerk.models import Roster

    colleague = make.employee(team=week["team"], first_name="Bas")
    token = tokens.issue(FeedKind.EMPLOYEE, colleague)
    next_week = week_of(week["monday"] + dt.timedelta(weeks=1))
    db.session.add(Roster(week=next_week, team=week["team"]))  # a draft: nobody has been told
    db.session.commit()
    html = page(client, token).get_data(as_text=True)
    this, following = html.split('id="week-2"')
    assert "nog niet klaar" in this and "Vrij." not in this
    assert "nog niet klaar" in following and "Vrij." not in following

    roster = db.session.query(Roster).filter_by(week=next_week).one()
    roster.published_at = dt.datetime(2026, 12, 1, 12, 0)
    db.session.commit()
    this, following = page(client, token).get_data(as_text=True).split('id="week-2"')
    assert "nog niet klaar" in this
    assert "nog niet klaar" not in following and "Vrij." in following
    # Anna has shifts in both weeks (published without a roster row): her days are as told.
    anna = page(client, week["token"]).get_data(as_text=True)
    assert "nog niet klaar" not in anna and "Vrij." in anna


def test_a_week_not_ready_yet_is_named_by_its_number_not_as_this_week(client, week, make, monkeypatch):
    """Under "De week daarna (week 51)", "deze week" would read as the current week."""
    from flask_babel import refresh

    from tests.conftest import compile_english_catalog

    colleague = make.employee(team=week["team"], first_name="Bas")
    token = tokens.issue(FeedKind.EMPLOYEE, colleague)
    db.session.commit()
    saturday = week["monday"] + dt.timedelta(days=5)  # the page shows next week and the one after
    monkeypatch.setattr(feeds, "local_today", lambda: saturday)
    after = (week["monday"] + dt.timedelta(weeks=2)).isocalendar()[1]
    html = page(client, token).get_data(as_text=True)
    following = html.split('id="week-2"')[1].split("</section>")[0]
    assert "De week daarna" in following and f"Je rooster voor week {after} is nog niet klaar." in following
    assert "voor deze week" not in html

    compile_english_catalog()
    client.post("/taal/en", data={"next": f"/week/{token}"})
    refresh()  # the test's app context keeps the locale of the request before
    english = page(client, token).get_data(as_text=True)
    assert f"Your roster for week {after} is not ready yet." in english and "for this week" not in english


def test_a_week_after_the_last_working_day_says_so_not_that_it_is_not_ready(client, week, make):
    """The contract ends this Friday: next week will never have a roster for them."""
    employee = week["employee"]
    friday = week["monday"] + dt.timedelta(days=4)
    employee.contract_end = friday
    db.session.commit()
    html = page(client, week["token"]).get_data(as_text=True)
    this_week = html.split('id="week-1"')[1].split("</section>")[0]
    next_week = html.split('id="week-2"')[1].split("</section>")[0]
    number = (week["monday"] + dt.timedelta(weeks=1)).isocalendar()[1]
    assert "werk je niet meer bij ons" not in this_week
    assert f"In week {number} werk je niet meer bij ons." in next_week and "nog niet klaar" not in next_week


def test_on_a_weekend_the_page_starts_with_next_week(client, week, make, monkeypatch):
    saturday = week["monday"] + dt.timedelta(days=5)
    monkeypatch.setattr(feeds, "local_today", lambda: saturday)
    # Next week's Saturday shift was called off: it is said, not silently dropped.
    called_off = week["monday"] + dt.timedelta(days=12)
    make.published_shift(employee=week["employee"], date=called_off, location=week["location"], cancelled=True,
                         sequence=1)
    db.session.commit()
    html = page(client, week["token"]).get_data(as_text=True)
    assert "Deze week" not in html and "Volgende week" in html and "De week daarna" in html
    assert f'id="day-{week["monday"].isoformat()}"' not in html  # this week's workdays are past
    assert "Je werkt van 10:00 tot 14:00." in html  # next week's Tuesday
    block = html.split(f'id="day-{called_off.isoformat()}"')[1].split("</article>")[0]
    assert "gaat niet door" in block
    # With a shift still to come this weekend, this week stays first.
    make.published_shift(employee=week["employee"], date=saturday + dt.timedelta(days=1), location=week["location"])
    db.session.commit()
    html = page(client, week["token"]).get_data(as_text=True)
    assert "Deze week" in html and "De week daarna" not in html


# --- an absent team leader ---------------------------------------------------------------------
# Someone ill must not be called by a whole team, nor expected at work: on a day the leader is
# away the page names nobody and gives no phone, and never says why (ill, leave).

AWAY_DAY = "Je teamleider is er die dag niet. Binnenwerk zoekt iemand anders."
AWAY_NOW = "Je vaste teamleider Tineke is er nu niet."
AWAY_PAST = "Je teamleider was er die dag niet."  # a day gone by: nobody is sought any more


def day_block(html: str, day: dt.date) -> str:
    return html.split(f'id="day-{day.isoformat()}"')[1].split("</article>")[0]


def leader_block(html: str) -> str:
    return html.split('id="leader-title"')[1].split("</section>")[0]


def leader_of_team(week):
    return week["team"].supervisors[0]


def test_a_day_the_team_leader_is_away_names_nobody_and_gives_no_phone(client, week, make):
    make.absence(supervisor=leader_of_team(week), start=week["monday"], kind="ziek")
    db.session.commit()
    html = page(client, week["token"]).get_data(as_text=True)
    monday = day_block(html, week["monday"])  # gone by: today is Wednesday
    assert AWAY_PAST in monday and AWAY_DAY not in monday
    assert "Tineke" not in monday and "06-12345678" not in monday and "tel:" not in monday
    assert "Je werkt van 09:00 tot 15:00." in monday  # the work itself is as told
    # Other days, and the top of the page (she is back today), are as before.
    next_tuesday = day_block(html, week["monday"] + dt.timedelta(days=8))
    assert "Je teamleider is Tineke." in next_tuesday and "Bel 06-12345678." in next_tuesday
    assert AWAY_PAST not in next_tuesday and html.count(AWAY_PAST) == 1
    top = leader_block(html)
    assert "Je vaste teamleider is Tineke." in top and 'href="tel:0612345678"' in top and AWAY_NOW not in top


def test_an_absent_stand_in_is_not_named_either_and_the_team_leader_is_not_put_in_their_place(
        client, week, make):
    """The shift names a stand-in who is away: the page does not promise the team's own leader
    instead (she may be at another place that day), it says someone else comes."""
    stand_in = make.supervisor(name="Pieter", phone="06-99998888", region="Den Haag")
    tuesday = week["monday"] + dt.timedelta(days=1)
    make.published_shift(employee=week["employee"], date=tuesday, location=week["location"], supervisor=stand_in)
    make.absence(supervisor=stand_in, start=tuesday - dt.timedelta(days=1), end=tuesday, kind="verlof")
    db.session.commit()
    html = page(client, week["token"]).get_data(as_text=True)
    block = day_block(html, tuesday)  # gone by: today is Wednesday
    assert AWAY_PAST in block
    for text in ("Pieter", "06-99998888", "0699998888", "Tineke", "06-12345678"):
        assert text not in block
    assert "Pieter" not in html and "0699998888" not in html
    # Monday names nobody on the shift: its leader is the team's own, who is not away.
    assert "Je teamleider is Tineke." in day_block(html, week["monday"])


def test_a_part_day_absence_counts_only_when_it_meets_the_shift(client, week, make):
    leader = leader_of_team(week)
    tuesday, thursday = (week["monday"] + dt.timedelta(days=n) for n in (1, 3))
    for day in (tuesday, thursday):
        make.published_shift(employee=week["employee"], date=day, location=week["location"])  # 09:00-15:00
    make.absence(supervisor=leader, start=tuesday, times=("15:00", "17:00"), kind="afspraak")
    make.absence(supervisor=leader, start=thursday, times=("14:00", "16:00"), kind="afspraak")
    db.session.commit()
    html = page(client, week["token"]).get_data(as_text=True)
    assert "Je teamleider is Tineke." in day_block(html, tuesday) and AWAY_DAY not in day_block(html, tuesday)
    # Part of the shift (14:00-15:00 of 09:00-15:00): told as its times, nobody else sought (QA round 13).
    assert "Je teamleider is er die dag van 14:00 tot 15:00 niet." in day_block(html, thursday)
    assert AWAY_DAY not in day_block(html, thursday) and "Tineke" not in day_block(html, thursday)


def test_a_part_day_absence_on_a_day_gone_by_is_said_in_the_past_tense(app, client, week, make):
    from icalendar import Calendar

    app.config["OFFICE_PHONE"] = "070-1234567"  # said on a day to come, not on one gone by
    tuesday = week["monday"] + dt.timedelta(days=1)  # gone by: today is Wednesday
    make.published_shift(employee=week["employee"], date=tuesday, location=week["location"])  # 09:00-15:00
    make.absence(supervisor=leader_of_team(week), start=tuesday, times=("14:00", "16:00"), kind="afspraak")
    db.session.commit()
    block = day_block(page(client, week["token"]).get_data(as_text=True), tuesday)
    assert "Je teamleider was er die dag van 14:00 tot 15:00 niet." in block and " is er " not in block
    feed = Calendar.from_ical(client.get(f"/calendar/{week['token']}.ics").data)
    events = {e.get("DTSTART").dt.date().isoformat(): str(e.get("DESCRIPTION")) for e in feed.walk("VEVENT")}
    assert "Je teamleider was er die dag van 14:00 tot 15:00 niet." in events[tuesday.isoformat()]
    assert "Bel dan Binnenwerk" not in events[tuesday.isoformat()] and "Bel dan Binnenwerk" not in block


def test_the_team_leader_away_today_is_named_but_not_offered_to_call(client, week, make):
    wednesday = week["monday"] + dt.timedelta(days=2)  # today, see the fixture
    make.absence(supervisor=leader_of_team(week), start=wednesday - dt.timedelta(days=1),
                 end=wednesday + dt.timedelta(days=1), kind="ziek")
    db.session.commit()
    html = page(client, week["token"]).get_data(as_text=True)
    top = leader_block(html)
    assert AWAY_NOW in top and top.count("Tineke") == 1  # named once, not "Je teamleider ... Je teamleider"
    assert "tel:" not in top and "06-12345678" not in top
    # Next week she is back: that day names her again.
    assert "Bel 06-12345678." in day_block(html, week["monday"] + dt.timedelta(days=8))


def test_a_part_day_absence_today_hides_the_phone_only_while_it_lasts(client, week, make, monkeypatch):
    wednesday = week["monday"] + dt.timedelta(days=2)
    make.absence(supervisor=leader_of_team(week), start=wednesday, times=("13:00", "15:00"), kind="afspraak")
    db.session.commit()
    for hour, away in ((10, False), (13, True), (14, True), (15, False)):
        monkeypatch.setattr(feeds, "local_now", lambda hour=hour: dt.datetime.combine(wednesday, dt.time(hour, 0)))
        top = leader_block(page(client, week["token"]).get_data(as_text=True))
        assert (AWAY_NOW in top) is away, hour
        assert ('href="tel:0612345678"' in top) is not away, hour


@pytest.mark.parametrize("kind", ["ziek", "verlof", "afspraak"])
def test_the_page_never_says_why_the_leader_is_away(client, week, make, kind):
    wednesday = week["monday"] + dt.timedelta(days=2)
    make.absence(supervisor=leader_of_team(week), start=week["monday"], end=wednesday + dt.timedelta(days=7),
                 kind=kind, note="Griep-NOTITIE")
    make.absence(supervisor=leader_of_team(week), start=wednesday + dt.timedelta(days=8), times=("14:00", "15:00"),
                 kind=kind, note="Griep-NOTITIE")
    db.session.commit()
    html = page(client, week["token"]).get_data(as_text=True)
    assert AWAY_DAY in html and AWAY_NOW in html
    for word in ("ziek", "verlof", "afspraak", "griep", "notitie"):
        assert word not in html.lower(), word


def test_a_changed_day_to_come_says_so_in_words(client, week, make):
    """A shift changed after it was first told (its sequence went up) is marked on the page, and
    the week says something changed; so is work called off (the QA found a week of only a
    cancellation without the line at the top); a day already past and a shift never changed are
    not marked."""
    monday = week["monday"]
    friday = monday + dt.timedelta(days=4)
    make.published_shift(employee=week["employee"], date=friday, location=week["location"],
                         work_type=week["worked"].work_type, start="08:00", end="12:00", sequence=2)
    week["worked"].sequence = 1  # Monday: changed, but past (the page is read on Wednesday)
    db.session.commit()
    html = page(client, week["token"]).get_data(as_text=True)
    assert "Dit is veranderd." in day_block(html, friday)
    this_week = html.split('id="week-1"')[1].split("</section>")[0]
    number = monday.isocalendar()[1]
    assert this_week.count(f"Let op: in week {number} is iets veranderd.") == 1
    assert "veranderd" not in day_block(html, monday)
    cancelled = day_block(html, monday + dt.timedelta(days=2))
    assert "Dit is veranderd." in cancelled and "Je werk op deze dag gaat niet door." in cancelled
    assert "Kijk goed hoe laat" not in cancelled
    next_week = html.split('id="week-2"')[1].split("</section>")[0]
    assert "veranderd" not in next_week


def test_a_free_public_holiday_says_which_one(client, week, make, monkeypatch):
    """Christmas: the page says why the day is free, in the reader's language."""
    christmas = dt.date(2026, 12, 25)  # a Friday
    monkeypatch.setattr(feeds, "local_today", lambda: dt.date(2026, 12, 23))
    make.published_shift(employee=week["employee"], date=dt.date(2026, 12, 24), location=week["location"],
                         work_type=week["worked"].work_type)
    db.session.commit()
    html = page(client, week["token"]).get_data(as_text=True)
    assert "Het is eerste kerstdag." in day_block(html, christmas)  # inside a sentence, as Dutch writes it
    assert "Het is" not in day_block(html, christmas - dt.timedelta(days=1))
    from flask_babel import refresh

    from tests.conftest import compile_english_catalog

    compile_english_catalog()
    client.post("/taal/en", data={"next": f"/week/{week['token']}"})
    refresh()  # the test's app context keeps the locale of the request before
    english = client.get(f"/week/{week['token']}")
    assert "It is Christmas Day." in day_block(english.get_data(as_text=True), christmas)


def test_a_week_whose_only_change_is_work_called_off_says_so_at_the_top(client, week):
    week["worked"].sequence = 0  # only Wednesday's cancellation (today) is a change
    db.session.commit()
    html = page(client, week["token"]).get_data(as_text=True)
    this_week = html.split('id="week-1"')[1].split("</section>")[0]
    assert f"Let op: in week {week['monday'].isocalendar()[1]} is iets veranderd." in this_week


def test_after_a_move_the_days_the_new_team_has_not_planned_are_not_called_free(client, week, make):
    """Moved to a team whose roster for next week is not published: next week showed the old team's
    shift and "Vrij." on every other day, which the new team may still fill (a QA finding)."""
    from binnenwerk.formatting import week_of
    from binnenwerk.models import Roster

    old_team, new_team = week["team"], make.team(name="Team Nieuw")
    week["employee"].team = new_team
    db.session.add(Roster(week=week_of(week["monday"] + dt.timedelta(weeks=1)), team=new_team))  # a draft
    db.session.commit()

    html = page(client, week["token"]).get_data(as_text=True)

    following = html.split('id="week-2"')[1]
    told_day = week["next_week"].date
    assert "10:00" in day_block(html, told_day)  # the old team's shift, as told
    other = told_day + dt.timedelta(days=1)
    assert "Nog niet bekend." in day_block(html, other) and "Vrij." not in day_block(html, other)
    assert "Vrij." not in following
    assert old_team.id != new_team.id


def test_a_day_to_come_without_the_leader_says_someone_is_sought_and_one_gone_by_that_they_were_not_there(
        client, week, make):
    thursday = week["monday"] + dt.timedelta(days=3)
    make.published_shift(employee=week["employee"], date=thursday, location=week["location"])
    make.absence(supervisor=leader_of_team(week), start=week["monday"], end=thursday, kind="ziek")
    db.session.commit()
    html = page(client, week["token"]).get_data(as_text=True)
    assert AWAY_DAY in day_block(html, thursday) and AWAY_PAST not in day_block(html, thursday)
    assert AWAY_PAST in day_block(html, week["monday"]) and AWAY_DAY not in day_block(html, week["monday"])
