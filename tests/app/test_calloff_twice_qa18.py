"""QA round 18: "Dag afzeggen" and "Toch laten doorgaan" sent twice (a double click, one after the
other or at the same moment) say they went through, as the request, cell, absence, accept and
publish forms do: the second call-off of a day is not "Deze dag is al afgezegd." (422), the second
take-back not "Deze dag is niet afgezegd." on a "Fout:" page (409). Nothing is stored twice: one
date off, one audit line each way. Genuine refusals stay (a date outside the request, never called
off, or begun).

The race at the same moment is staged on both databases (the other click's request runs while this
one is about to call off: on PostgreSQL the second then waits for the first's row lock and finds
the day done; on SQLite, without row locks, the unique date off catches the second call-off); on
PostgreSQL it also runs for real, each click with a connection of its own."""
from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from sqlalchemy import func, select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, RequestDateOff
from binnenwerk.services import feeds
from binnenwerk.services import requests as request_service
from tests.conftest import TEST_PASSWORD

from .test_admin_last_admin_pg import _at_once
from .test_request_day_off import at, world  # noqa: F401

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

DAY = dt.date(2026, 12, 17)  # a Thursday of the request (7 to 31 December), no shifts told yet
WED = dt.date(2026, 12, 9)  # people are told to come that day
CALLED_OFF = "Op donderdag 17 december komt er geen team: de dag is afgezegd."
GOES_AHEAD = "Op donderdag 17 december vraagt u weer mensen. De planner kijkt of er een team kan komen."


def url(world, way: str) -> str:
    return f"/aanvragen/{world.req.id}/{way}"


def call_off(client, world, day=DAY):
    return client.post(url(world, "dag-afzeggen"), data={"date": day.isoformat()})


def take_back(client, world, day=DAY):
    return client.post(url(world, "dag-terug"), data={"date": day.isoformat()})


def sender(client, world, way: str):
    """The other click, sent from a thread: its address built here, where the request can be read."""
    address, data = url(world, way), {"date": DAY.isoformat()}
    return lambda: client.post(address, data=data)


def page_after(client, response) -> str:
    """The page the answer leads to, as the browser shows it (with its flash)."""
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert response.headers["Location"].endswith(response.request.path.rsplit("/", 1)[0])
    return " ".join(client.get(response.headers["Location"]).get_data(as_text=True).split())


def title(page: str) -> str:
    return re.search(r"<title>([^<]*)</title>", page).group(1)


def days_off() -> list[dt.date]:
    db.session.expire_all()
    return list(db.session.scalars(select(RequestDateOff.date).order_by(RequestDateOff.date)))


def audit_lines(way: str, day=DAY) -> int:
    """The request's audit lines calling the day off ("off") or taking it back ("back")."""
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "request_changed", AuditEvent.detail.startswith(f"fields=dates_off {way}={day}")))


def twin(app, user):
    """The other click's browser: the same user, logged in on a client of its own."""
    other = app.test_client()
    assert other.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    return other


def _browser(app_with, user):
    browser = app_with().test_client()
    assert browser.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    return browser


def twin_goes_first(monkeypatch, name: str, send, *, after: bool = False) -> list:
    """While this request is about to call off (or take back), the other click's request does it
    whole and commits: on PostgreSQL it is the one that got the request's row lock first. With
    `after`, once this request's own call of `name` has looked (SQLite: no row lock keeps the other
    out between this click's look and its write)."""
    real, answers = getattr(request_service, name), []

    def other_click() -> None:
        answers.append(None)
        thread = threading.Thread(target=lambda: answers.__setitem__(0, send()))
        thread.start()
        thread.join(60)
        assert not thread.is_alive(), "the other click hung"

    def staged(*args, **kwargs):
        if not answers and not after:
            other_click()
        found = real(*args, **kwargs)
        if not answers and after:
            other_click()
        return found

    monkeypatch.setattr(request_service, name, staged)
    return answers


# --- one after the other -----------------------------------------------------------------------------


def test_a_call_off_sent_twice_says_twice_that_the_day_is_called_off(client, login, world):
    login(world.contact)
    first = page_after(client, call_off(client, world))
    again = call_off(client, world)
    second = page_after(client, again)
    assert CALLED_OFF in first and CALLED_OFF in second
    assert "al afgezegd" not in second and not title(second).startswith("Fout")
    assert days_off() == [DAY] and audit_lines("off") == 1


def test_a_call_off_sent_twice_on_a_day_people_are_told_says_the_same_both_times(client, login, world):
    login(world.contact)
    first, second = (page_after(client, call_off(client, world, WED)) for _n in range(2))
    for page in (first, second):
        assert "Op woensdag 9 december komt er geen team: de dag is afgezegd." in page
        assert "Er stonden al mensen ingepland. De planner haalt hen uit het rooster" in page
    assert days_off() == [WED] and audit_lines("off", WED) == 1


def test_a_take_back_sent_twice_says_twice_that_the_day_goes_ahead(client, login, world):
    login(world.contact)
    call_off(client, world)
    first = page_after(client, take_back(client, world))
    second = page_after(client, take_back(client, world))
    assert GOES_AHEAD in first and GOES_AHEAD in second
    assert "niet afgezegd" not in second and not title(second).startswith("Fout")
    assert days_off() == [] and audit_lines("off") == 1 and audit_lines("back") == 1


def test_the_planners_take_back_sent_twice_says_so_twice(client, login, world):
    login(world.planner)
    call_off(client, world)
    pages = [page_after(client, take_back(client, world)) for _n in range(2)]
    assert all("Op donderdag 17 december vraagt de aanvraag weer mensen." in page for page in pages)
    assert days_off() == [] and audit_lines("back") == 1


def test_a_day_called_off_or_taken_back_by_someone_else_meanwhile_is_done_as_asked(app_with, world):
    """An open page whose form the other person (the planner) beat: it is as this one asked."""
    planner, client = _browser(app_with, world.planner), _browser(app_with, world.contact)
    assert call_off(planner, world).status_code == 302
    assert CALLED_OFF in page_after(client, call_off(client, world))
    assert take_back(planner, world).status_code == 302
    assert GOES_AHEAD in page_after(client, take_back(client, world))
    assert days_off() == [] and audit_lines("off") == 1 and audit_lines("back") == 1


# --- genuine refusals stay --------------------------------------------------------------------------


def test_a_day_outside_the_request_is_still_refused_when_sent_twice(client, login, world):
    login(world.contact)
    for _n in range(2):
        response = call_off(client, world, dt.date(2027, 1, 7))
        assert response.status_code == 422
        assert "Deze datum valt buiten de aanvraag." in response.get_data(as_text=True)
    assert days_off() == []


def test_taking_back_a_day_never_called_off_is_still_refused(client, login, world):
    login(world.contact)
    response = take_back(client, world)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert title(page).startswith("Fout: ") and "Deze dag is niet afgezegd." in page
    assert audit_lines("back") == 0


def test_a_day_taken_back_and_begun_since_is_not_said_to_go_ahead_again(client, login, world, monkeypatch):
    login(world.contact)
    monday = dt.date(2026, 12, 7)
    monkeypatch.setattr(feeds, "local_now", at(8, 30))
    assert call_off(client, world, monday).status_code == 302
    assert take_back(client, world, monday).status_code == 302
    monkeypatch.setattr(feeds, "local_now", at(9, 30))  # Monday's shift began at 09:00
    response = take_back(client, world, monday)
    assert response.status_code == 409 and "Deze dag is niet afgezegd." in response.get_data(as_text=True)


# --- at the same moment -----------------------------------------------------------------------------


def test_a_call_off_whose_twin_gets_in_first_says_it_went_through(app, client, login, world, monkeypatch):
    other = twin(app, world.contact)
    answers = twin_goes_first(monkeypatch, "call_off_day", sender(other, world, "dag-afzeggen"))
    login(world.contact)
    page = page_after(client, call_off(client, world))
    assert answers[0].status_code == 302 and CALLED_OFF in page and "al afgezegd" not in page
    assert days_off() == [DAY] and audit_lines("off") == 1


def test_a_call_off_whose_twin_stores_the_day_after_its_look_says_it_went_through(app, client, login, world,
                                                                                   monkeypatch):
    """SQLite has no row lock: both clicks find the day not called off, and the unique date off
    stops the second (on PostgreSQL the second waits for the first's lock: staged above)."""
    if db.engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL's row lock keeps the twin out until this click commits")
    # The other click stores the day between this click's look and its commit.
    answers = twin_goes_first(monkeypatch, "day_off_refusal", sender(twin(app, world.contact), world, "dag-afzeggen"),
                              after=True)
    login(world.contact)
    page = page_after(client, call_off(client, world))
    assert answers[0].status_code == 302 and CALLED_OFF in page and "al afgezegd" not in page
    assert days_off() == [DAY] and audit_lines("off") == 1


def test_a_take_back_whose_twin_gets_in_first_says_it_went_through(app, client, login, world, monkeypatch):
    other = twin(app, world.contact)
    login(world.contact)
    call_off(client, world)
    answers = twin_goes_first(monkeypatch, "take_back_day_off", sender(other, world, "dag-terug"))
    page = page_after(client, take_back(client, world))
    assert answers[0].status_code == 302 and GOES_AHEAD in page and "niet afgezegd" not in page
    assert days_off() == [] and audit_lines("back") == 1


def test_a_take_back_whose_twin_takes_the_day_back_after_its_look_writes_one_line(app, client, login, world,
                                                                                  monkeypatch):
    """SQLite has no row lock: both clicks find the day called off, the other one takes it back
    and commits, and this one's delete then finds nothing: one history line, and it still says
    the day goes ahead (it wrote a second line before)."""
    if db.engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL's row lock keeps the twin out until this click commits")
    other = sender(twin(app, world.contact), world, "dag-terug")
    login(world.contact)
    call_off(client, world)
    # The other click takes the day back between this click's look and its delete.
    answers = twin_goes_first(monkeypatch, "may_take_back", other, after=True)
    page = page_after(client, take_back(client, world))
    assert answers[0].status_code == 302 and GOES_AHEAD in page and "niet afgezegd" not in page
    assert days_off() == [] and audit_lines("back") == 1


@pytest.mark.parametrize("round_", range(3))
def test_on_postgresql_both_clicks_at_once_say_they_went_through(app_with, world, round_):
    """Real concurrent requests, each with a connection of its own: the request's row lock makes
    the second wait and find the day done; neither answers an error."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's row locks: the SQLite run stages this race (above)")
    browsers = [_browser(app_with, world.contact) for _n in range(2)]
    # The addresses built here: the threads have no app context to read the request in.
    off, back, data = url(world, "dag-afzeggen"), url(world, "dag-terug"), {"date": DAY.isoformat()}
    answers = _at_once([lambda b=b: b.post(off, data=data) for b in browsers])
    assert [answer.status_code for answer in answers] == [302, 302]
    assert all(CALLED_OFF in page_after(b, a) for b, a in zip(browsers, answers))
    assert days_off() == [DAY] and audit_lines("off") == 1
    answers = _at_once([lambda b=b: b.post(back, data=data) for b in browsers])
    assert [answer.status_code for answer in answers] == [302, 302]
    assert all(GOES_AHEAD in page_after(b, a) for b, a in zip(browsers, answers))
    assert days_off() == [] and audit_lines("back") == 1
