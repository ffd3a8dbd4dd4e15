"""A request whose only days are public holidays is refused: on those days no team comes."""
from __future__ import annotations

import datetime as dt
import html
import re

from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import DeploymentRequest
from binnenwerk.services import requests as request_service

from .test_requests_workflow import request_form, world  # noqa: F401 (fixture)

Y = r"(?: 202[67])?"  # the year shows when it is not this year's


def file(client, world, start: dt.date, end: dt.date, weekdays: list[str]) -> str:
    form = request_form(world.location, world.work_type, start_date=start.isoformat(), end_date=end.isoformat(),
                        weekdays=weekdays)
    return html.unescape(client.post("/aanvragen/nieuw", data=form, follow_redirects=True).get_data(as_text=True))


def test_a_request_on_christmas_day_only_is_refused_with_the_holiday_named(client, login, world, monkeypatch):
    monkeypatch.setattr(request_service, "today", lambda: dt.date(2026, 12, 5))  # the periods lie ahead
    login(world.contact)
    page = file(client, world, dt.date(2026, 12, 25), dt.date(2026, 12, 25), ["5"])
    assert re.search(rf"Op vrijdag 25 december{Y} \(Eerste kerstdag\) is het een feestdag\. Dan komt er geen team\.",
                     page)
    # Fridays from Christmas to New Year: both holidays, both named.
    page = file(client, world, dt.date(2026, 12, 25), dt.date(2027, 1, 1), ["5"])
    assert re.search(rf"Op vrijdag 25 december{Y} \(Eerste kerstdag\) en vrijdag 1 januari{Y} \(Nieuwjaarsdag\) zijn "
                     r"het feestdagen\.", page)
    assert db.session.scalars(select(DeploymentRequest)).all() == []

    # One working Friday in the period is enough: the holidays are simply no request days.
    page = file(client, world, dt.date(2026, 12, 25), dt.date(2027, 1, 8), ["5"])
    assert "Uw aanvraag is verstuurd." in page
    [stored] = db.session.scalars(select(DeploymentRequest)).all()
    assert [stored.occurs_on(d) for d in (dt.date(2026, 12, 25), dt.date(2027, 1, 1), dt.date(2027, 1, 8))] == [
        False, False, True]


def test_good_friday_is_spelled_as_the_woordenlijst_does(client, login, world, monkeypatch):
    """The library writes 'Goede vrijdag'; Dutch writes Goede Vrijdag (a QA finding)."""
    monkeypatch.setattr(request_service, "today", lambda: dt.date(2027, 3, 1))
    login(world.contact)
    page = file(client, world, dt.date(2027, 3, 26), dt.date(2027, 3, 26), ["5"])
    assert "(Goede Vrijdag) is het een feestdag" in page and "Goede vrijdag" not in page


def test_a_night_shift_over_the_clock_change_needs_the_break_of_its_real_hours(client, login, world, monkeypatch):
    """01:00-06:00 on the Sunday the clocks go back lasts 6 real hours, which needs half an hour's
    break; the form counted the clock's 5 (a QA finding). Another Sunday it is 5 hours, no break."""
    monkeypatch.setattr(request_service, "today", lambda: dt.date(2027, 10, 1))
    login(world.contact)

    def night(day: dt.date, break_minutes: str) -> str:
        form = request_form(world.location, world.work_type, start_date=day.isoformat(), end_date=day.isoformat(),
                            weekdays=["7"], start_time="01:00", end_time="06:00", break_minutes=break_minutes)
        return html.unescape(client.post("/aanvragen/nieuw", data=form, follow_redirects=True).get_data(as_text=True))

    refused = night(dt.date(2027, 10, 31), "0")
    assert re.search(r"Een dienst van meer dan 5,5 uur heeft minstens 30 minuten pauze \(Arbeidstijdenwet\)\. Op "
                     rf"zondag 31 oktober{Y} gaat de klok een uur terug: de dienst duurt dan 6 uur\.",
                     " ".join(refused.split()))
    assert db.session.scalars(select(DeploymentRequest)).all() == []
    assert "Uw aanvraag is verstuurd." in night(dt.date(2027, 10, 24), "0")
    assert "Uw aanvraag is verstuurd." in night(dt.date(2027, 10, 31), "30")
