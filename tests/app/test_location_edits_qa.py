"""Editing a location people are told to come to: the calendars' ETag, the admin's warning and
audit, the region refusal, and the refusals to archive (QA findings on /beheer/locaties)."""
import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import event, select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, FeedKind, Location, Roster
from binnenwerk.services import feeds, tokens

from .edit_forms import post_edit


@pytest.fixture
def admin(make, login):
    user = make.user(role="admin", name="Anna Beheer", email="anna.beheer@binnenwerk.example")
    login(user)
    return user


@pytest.fixture
def world(app, make):
    """A team of the Den Haag region told to come to Rijnstraat 8 today and later, on a running
    request, with a calendar link for an employee, the team and the location."""
    today = feeds.local_today()
    ministry = make.ministry(name="Ministerie van BZK")
    location = make.location(region="Den Haag", ministry=ministry, code="dh-rijnstraat", name="Rijnstraat 8",
                             address="Rijnstraat 8", postcode="2515 XP", city="Den Haag")
    keyboards = make.work_type(name_nl="Toetsenborden reinigen", name_en="Keyboard cleaning")
    team = make.team(region="Den Haag", name="Team Den Haag 1")
    leader = make.supervisor(team=team, name="Tineke", phone="06-12345678")
    anna = make.employee(team=team, first_name="Anna", last_name="Jansen")
    bram = make.employee(team=team, first_name="Bram", last_name="de Vries")
    request = make.request(location=location, work_type=keyboards, start_date=today - dt.timedelta(days=7),
                           end_date=today + dt.timedelta(days=30), status="ingepland",
                           access_instructions="Meld je bij de balie.")
    shifts = [make.published_shift(employee=person, date=today + dt.timedelta(days=d), location=location,
                                   work_type=keyboards, supervisor=leader, request=request)
              for person in (anna, bram) for d in (-2, 0, 3)]
    links = {
        "employee": tokens.issue(FeedKind.EMPLOYEE, anna),
        "team": tokens.issue(FeedKind.TEAM, team),
        "location": tokens.issue(FeedKind.LOCATION, location),
    }
    db.session.commit()
    return SimpleNamespace(today=today, ministry=ministry, location=location, keyboards=keyboards, team=team,
                           leader=leader, anna=anna, bram=bram, request=request, shifts=shifts, links=links)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _unfolded(response) -> str:
    return _text(response).replace("\r\n ", "")


def _location_form(location, **overrides):
    data = {"code": location.code, "name": location.name, "ministry_id": str(location.ministry_id),
            "address": location.address, "postcode": location.postcode, "city": location.city,
            "region": location.region}
    data.update(overrides)
    return data


def _feed(client, token, etag=None, language=None):
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(f"/calendar/{token}.ics", headers=headers, query_string={"taal": language} if language else {})


# --- 1. the feeds' ETag follows what their text shows -----------------------------------------


@pytest.mark.parametrize("kind", ["employee", "team", "location"])
def test_a_new_address_gives_every_feed_a_new_etag_and_the_new_text(client, admin, world, kind):
    """A phone asking with the ETag from before the edit got 304 and kept the old address."""
    token = world.links[kind]
    before = _feed(client, token)
    assert "Rijnstraat 8\\, 2515 XP Den Haag" in _unfolded(before)

    response = post_edit(client, f"/beheer/locaties/{world.location.id}", _location_form(
        world.location, name="Turfmarkt 147", address="Turfmarkt 147", postcode="2511 DP"))
    assert response.status_code == 302

    after = _feed(client, token, before.headers["ETag"])
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert "Turfmarkt 147\\, 2511 DP Den Haag" in _unfolded(after)
    assert _feed(client, token, after.headers["ETag"]).status_code == 304


def _etag_changes_with(client, world, kinds, change, language=None) -> None:
    etags = {kind: _feed(client, world.links[kind], language=language).headers["ETag"] for kind in kinds}
    change()
    db.session.commit()
    for kind in kinds:
        again = _feed(client, world.links[kind], etags[kind], language)
        assert again.status_code == 200, kind
        assert again.headers["ETag"] != etags[kind], kind


@pytest.mark.parametrize("field, value", [("name", "Rijnstraat"), ("address", "Rijnstraat 10"),
                                          ("postcode", "2515 XA"), ("city", "'s-Gravenhage")])
def test_each_part_of_the_place_changes_the_etag(client, world, field, value):
    _etag_changes_with(client, world, ["employee", "team", "location"],
                       lambda: setattr(world.location, field, value))


@pytest.mark.parametrize("field, language", [("name_nl", None), ("name_en", "en")])
def test_a_work_types_new_name_changes_the_etag(client, world, field, language):
    _etag_changes_with(client, world, ["employee", "team", "location"],
                       lambda: setattr(world.keyboards, field, "Beeldschermen reinigen"), language)


def test_a_teams_new_name_changes_the_team_and_location_feeds_etag(client, world):
    """The team feed's calendar name and the ministry's visits name the team."""
    _etag_changes_with(client, world, ["team", "location"], lambda: setattr(world.team, "name", "Team Centrum"))


def test_new_access_instructions_change_the_employees_etag(client, world):
    _etag_changes_with(client, world, ["employee"],
                       lambda: setattr(world.request, "access_instructions", "Bel aan bij de zij-ingang."))
    assert "Bel aan bij de zij-ingang." in _unfolded(_feed(client, world.links["employee"]))


@pytest.mark.parametrize("field, value", [("name", "Tineke de Groot"), ("phone", "06-87654321")])
def test_the_leaders_new_name_or_phone_changes_the_etag(client, world, field, value):
    _etag_changes_with(client, world, ["employee", "team", "location"],
                       lambda: setattr(world.leader, field, value))


def test_an_employees_new_name_changes_the_team_feeds_etag(client, world):
    _etag_changes_with(client, world, ["team"], lambda: setattr(world.bram, "last_name", "Visser"))


def test_a_location_feeds_calendar_name_follows_the_location_without_shifts(client, make):
    location = make.location(name="Plein 1")
    token = tokens.issue(FeedKind.LOCATION, location)
    db.session.commit()
    before = _feed(client, token)
    location.name = "Plein 2"
    db.session.commit()
    after = _feed(client, token, before.headers["ETag"])
    assert after.status_code == 200 and "Plein 2" in _unfolded(after)


def test_nothing_changed_still_answers_304_in_one_query(client, world):
    etags = {kind: _feed(client, token).headers["ETag"] for kind, token in world.links.items()}
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for kind, token in world.links.items():
            statements.clear()
            assert _feed(client, token, etags[kind]).status_code == 304, kind
            assert len(statements) == 1, (kind, statements)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.mark.parametrize("kind", ["employee", "team", "location"])
@pytest.mark.parametrize("language", [None, "en"])
def test_fingerprint_and_poll_agree(world, kind, language):
    token = world.links[kind]
    assert feeds.poll(token, language=language)[1] == feeds.fingerprint(tokens.resolve(token), language=language)


# --- 2. the admin hears who is told to come, and the audit keeps the old address ----------------


def test_a_new_address_says_how_many_people_are_told_to_come_from_today(client, admin, world):
    response = post_edit(client, f"/beheer/locaties/{world.location.id}", _location_form(
        world.location, name="Turfmarkt 147", address="Turfmarkt 147", postcode="2511 DP"), follow_redirects=True)
    page = _text(response)
    assert "Locatie Turfmarkt 147 is opgeslagen." in page
    # Anna and Bram, today and in three days (the day gone by is not counted).
    assert "Let op: 2 medewerkers van Team Den Haag 1 komen hier volgens het rooster werken" in page
    assert "In hun weekoverzicht en agenda staat nu: Turfmarkt 147, 2511 DP Den Haag." in page


def test_one_person_told_to_come_is_told_in_the_singular(client, admin, world):
    for shift in world.shifts:
        shift.cancelled = shift.employee_id == world.bram.id
    db.session.commit()
    page = _text(post_edit(client, f"/beheer/locaties/{world.location.id}", _location_form(
        world.location, name="Rijnstraat 8 (hoofdingang)"), follow_redirects=True))
    assert "Let op: 1 medewerker van Team Den Haag 1 komt hier volgens het rooster werken" in page
    last = world.today + dt.timedelta(days=3)
    assert f"tot en met {last.day} " in page


@pytest.mark.parametrize("overrides", [{"code": "dh-rijnstraat-8"}, {}])
def test_no_warning_when_the_place_stays_the_same(client, admin, world, overrides):
    page = _text(post_edit(client, f"/beheer/locaties/{world.location.id}",
                           _location_form(world.location, **overrides), follow_redirects=True))
    assert "Let op:" not in page


def test_no_warning_when_nobody_is_told_to_come_any_more(client, admin, world):
    for shift in world.shifts:
        shift.date = world.today - dt.timedelta(days=shift.id % 5 + 1)
    db.session.commit()
    page = _text(post_edit(client, f"/beheer/locaties/{world.location.id}", _location_form(
        world.location, address="Rijnstraat 10"), follow_redirects=True))
    assert "Locatie Rijnstraat 8 is opgeslagen." in page and "Let op:" not in page


def test_the_audit_keeps_the_old_name_and_address(client, admin, world):
    from binnenwerk.admin.audit_details import describe

    post_edit(client, f"/beheer/locaties/{world.location.id}", _location_form(
        world.location, name="Turfmarkt 147", address="Turfmarkt 147", postcode="2511 DP"))
    detail = db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "location_changed"))
    assert detail == ("changed: name (Rijnstraat 8 -> Turfmarkt 147), address (Rijnstraat 8 -> Turfmarkt 147), "
                      "postcode (2515 XP -> 2511 DP)")
    assert describe("location_changed", detail) == (
        "gewijzigd: naam (Rijnstraat 8 → Turfmarkt 147), adres (Rijnstraat 8 → Turfmarkt 147), "
        "postcode (2515 XP → 2511 DP)")


def test_the_audit_names_the_old_and_new_region_and_ministry(client, admin, make):
    bzk, ez = make.ministry(name="Ministerie van BZK"), make.ministry(name="Ministerie van EZ")
    location = make.location(ministry=bzk, region="Den Haag", postcode="")
    make.location(region="Utrecht")  # a known region
    db.session.commit()
    post_edit(client, f"/beheer/locaties/{location.id}", _location_form(
        location, ministry_id=str(ez.id), region="Utrecht", postcode="2515 XP"))
    detail = db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "location_changed"))
    assert detail == (f"changed: region (Den Haag -> Utrecht), postcode ( -> 2515 XP), "
                      f"ministry_id ({bzk.id} -> {ez.id})")
    from binnenwerk.admin.audit_details import describe

    assert describe("location_changed", detail) == (
        "gewijzigd: regio (Den Haag → Utrecht), postcode ( → 2515 XP), "
        "ministerie (Ministerie van BZK → Ministerie van EZ)")


def test_a_location_moved_to_another_ministry_stops_its_calendar_link(client, admin, make):
    """The old ministry's link showed the new ministry's planning, and the new one's page offered
    it as its own."""
    bzk, defensie = make.ministry(name="Ministerie van BZK"), make.ministry(name="Ministerie van Defensie")
    location = make.location(ministry=bzk, region="Den Haag", name="Akerstraat 92")
    token = tokens.issue(FeedKind.LOCATION, location)
    db.session.commit()
    assert _feed(client, token).status_code == 200

    moved = post_edit(client, f"/beheer/locaties/{location.id}", _location_form(
        location, ministry_id=str(defensie.id)), follow_redirects=True)
    page = moved.get_data(as_text=True)
    assert "De agenda-link van deze locatie werkt niet meer: hij was van het vorige ministerie." in page
    assert "Ministerie van Defensie kan zelf een nieuwe link maken." in page
    assert tokens.active_for(FeedKind.LOCATION, location) is None
    stopped = _unfolded(_feed(client, token))
    assert "UID:link-stopped-" in stopped and stopped.count("BEGIN:VEVENT") == 1

    # Another edit, same ministry: a new link stays, and nothing is said about links.
    fresh = tokens.issue(FeedKind.LOCATION, location)
    db.session.commit()
    again = post_edit(client, f"/beheer/locaties/{location.id}", _location_form(location, name="Akerstraat 94"),
                      follow_redirects=True)
    assert "agenda-link" not in again.get_data(as_text=True)
    assert tokens.active_for(FeedKind.LOCATION, location) is not None and _feed(client, fresh).status_code == 200


# --- 3. no other region while the work of this one runs there ----------------------------------


def test_the_region_does_not_change_while_a_request_runs_and_a_team_comes(client, admin, world, make):
    make.location(region="Utrecht")  # a known region
    db.session.commit()
    response = post_edit(client, f"/beheer/locaties/{world.location.id}", _location_form(
        world.location, region="Utrecht"))
    page = _text(response)
    assert response.status_code == 422
    assert "De regio van locatie Rijnstraat 8 kan niet Utrecht worden" in page
    assert f"er loopt nog 1 inzetaanvraag: aanvraag {world.request.id} (Toetsenborden reinigen)" in page
    weeks = sorted({f"{(world.today + dt.timedelta(days=d)).isocalendar()[0]}-W"
                    f"{(world.today + dt.timedelta(days=d)).isocalendar()[1]:02d}" for d in (0, 3)})
    assert ", ".join(weeks) in page and "Team Den Haag 1 komt hier werken in" in page
    assert "Maak daarvoor een nieuwe locatie aan." in page
    db.session.expire_all()
    assert db.session.get(Location, world.location.id).region == "Den Haag"


def test_the_region_does_not_change_while_told_shifts_stand_after_the_request_was_cancelled(
        client, admin, world, make):
    world.request.status = "geannuleerd"
    make.location(region="Utrecht")
    db.session.commit()
    response = post_edit(client, f"/beheer/locaties/{world.location.id}", _location_form(
        world.location, region="Utrecht"))
    page = _text(response)
    assert response.status_code == 422 and "Team Den Haag 1 komt hier werken in" in page
    assert "inzetaanvraag" not in page.split("kan niet Utrecht worden")[1].split(".")[0]


def test_the_region_changes_once_the_work_there_is_over(client, admin, world, make):
    world.request.status = "geannuleerd"
    for shift in world.shifts:
        shift.cancelled = True
    make.location(region="Utrecht")
    db.session.commit()
    response = post_edit(client, f"/beheer/locaties/{world.location.id}", _location_form(
        world.location, region="Utrecht"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Location, world.location.id).region == "Utrecht"


def test_a_team_of_the_new_region_coming_does_not_hold_the_region(client, admin, world, make):
    world.request.status = "afgerond"
    world.request.end_date = world.today - dt.timedelta(days=1)
    world.team.region = "Utrecht"
    make.location(region="Utrecht")
    db.session.commit()
    response = post_edit(client, f"/beheer/locaties/{world.location.id}", _location_form(
        world.location, region="Utrecht"))
    assert response.status_code == 302


# --- 4. archiving: told shifts hold a location; refusals name and link the requests ------------


def test_a_location_people_are_still_told_to_come_to_is_not_archived(client, admin, world):
    world.request.status = "geannuleerd"
    db.session.commit()
    page = _text(client.post(f"/beheer/locaties/{world.location.id}/archiveren", follow_redirects=True))
    assert "Op locatie Rijnstraat 8 komen nog 2 medewerkers werken volgens het gepubliceerde rooster" in page
    assert "Team Den Haag 1: " in page and "de roosters van die weken opnieuw publiceren" in page
    db.session.expire_all()
    assert db.session.get(Location, world.location.id).archived is False


def test_a_location_whose_told_shifts_are_called_off_is_archived(client, admin, world):
    world.request.status = "geannuleerd"
    for shift in world.shifts:
        shift.cancelled = shift.date >= world.today
    db.session.commit()
    page = _text(client.post(f"/beheer/locaties/{world.location.id}/archiveren", follow_redirects=True))
    assert "Locatie Rijnstraat 8 is gearchiveerd" in page


def _running(make, n, **kw):
    today = feeds.local_today()
    return [make.request(status="geaccepteerd", start_date=today, end_date=today + dt.timedelta(days=10 + i), **kw)
            for i in range(n)]


def test_refusing_to_archive_a_location_names_and_links_its_running_requests(client, admin, make):
    location = make.location(name="Turfmarkt")
    ramen = make.work_type(name_nl="Ramen")
    requests = _running(make, 5, location=location, work_type=ramen)
    db.session.commit()
    page = _text(client.post(f"/beheer/locaties/{location.id}/archiveren", follow_redirects=True))
    assert "Locatie Turfmarkt heeft nog 5 lopende inzetaanvragen" in page
    first = requests[:3]
    for request in first:
        assert f'<a href="/aanvragen/{request.id}">aanvraag {request.id} (Ramen)</a>' in page
    assert f"/aanvragen/{requests[3].id}" not in page
    assert "en nog 2 andere." in page


def test_refusing_to_archive_a_work_type_names_its_running_request(client, admin, make):
    work_type = make.work_type(name_nl="Ramen")
    (request,) = _running(make, 1, location=make.location(name="Turfmarkt"), work_type=work_type)
    db.session.commit()
    page = _text(client.post(f"/beheer/werksoorten/{work_type.id}/archiveren", follow_redirects=True))
    assert "Werksoort Ramen heeft nog 1 lopende inzetaanvraag" in page
    assert f'Het gaat om <a href="/aanvragen/{request.id}">aanvraag {request.id} (Turfmarkt)</a>.' in page


def test_refusing_to_archive_a_ministry_names_its_running_requests(client, admin, make):
    ministry = make.ministry(name="Ministerie van EZ")
    location = make.location(name="Turfmarkt", ministry=ministry)
    requests = _running(make, 2, location=location, work_type=make.work_type(name_nl="Ramen"))
    db.session.commit()
    page = _text(client.post(f"/beheer/ministeries/{ministry.id}/archiveren", follow_redirects=True))
    assert "Ministerie van EZ heeft nog 2 lopende inzetaanvragen" in page
    for request in requests:
        assert f'<a href="/aanvragen/{request.id}">aanvraag {request.id} (Ramen, Turfmarkt)</a>' in page


def test_a_name_in_a_refusal_is_escaped_around_its_link(client, admin, make):
    location = make.location(name="<b>Toren</b>")
    (request,) = _running(make, 1, location=location, work_type=make.work_type(name_nl="Ramen & co"))
    db.session.commit()
    page = _text(client.post(f"/beheer/locaties/{location.id}/archiveren", follow_redirects=True))
    assert "&lt;b&gt;Toren&lt;/b&gt;" in page and "<b>Toren</b>" not in page
    assert f'<a href="/aanvragen/{request.id}">aanvraag {request.id} (Ramen &amp; co)</a>' in page
