"""A place, work type or team leader renamed on its edit page: the events that name it get a newer
DTSTAMP and LAST-MODIFIED (SEQUENCE stays), the others keep theirs, and the feed's ETag and
Last-Modified move, so a poll with the ETag from before gets the new name."""
import datetime as dt
from types import SimpleNamespace

import icalendar
import pytest
from sqlalchemy import inspect, select, text

from binnenwerk.extensions import db
from binnenwerk.models import FeedKind, Location, Supervisor, WorkType, utcnow
from binnenwerk.services import feeds, tokens

from .edit_forms import form_as_shown

UTC = dt.timezone.utc


@pytest.fixture
def admin(make, login):
    user = make.user(role="admin")
    login(user)
    return user


@pytest.fixture
def world(app, make, monkeypatch):
    """Anna of team 1 told to come four days: (a) at Toren A to clean keyboards, led by her own team
    leader Tineke; (b) at Binnenhof to wash cars, naming no leader (so Tineke, the team's own);
    (c) at Binnenhof cleaning keyboards, led by Henk of team 2; (d) at Toren A washing cars, called
    off. Bram of team 2: (e) at Toren A washing cars, led by Henk. Every place, work type and leader
    was made before the shifts were told. Links: Anna's, team 1's, and each place's."""
    today = feeds.local_today()
    monkeypatch.setattr(feeds, "local_today", lambda: today)  # one day, also across midnight
    made, told = utcnow() - dt.timedelta(days=5), utcnow() - dt.timedelta(days=4)
    ministry = make.ministry(name="Ministerie van BZK")
    toren = make.location(ministry=ministry, name="Toren A", address="Rijnstraat 8", postcode="2515 XP",
                          city="Den Haag", updated_at=made)
    binnenhof = make.location(ministry=ministry, name="Binnenhof", address="Binnenhof 19", postcode="2513 AA",
                              city="Den Haag", updated_at=made)
    keyboards = make.work_type(name_nl="Toetsenborden reinigen", name_en="Keyboard cleaning", updated_at=made)
    cars = make.work_type(name_nl="Auto's wassen", name_en="Car washing", updated_at=made)
    team1, team2 = make.team(name="Team Den Haag 1"), make.team(name="Team Den Haag 2")
    tineke = make.supervisor(team=team1, name="Tineke de Groot", phone="06-11111111", work_types=[keyboards, cars],
                             updated_at=made)
    henk = make.supervisor(team=team2, name="Henk Bakker", phone="06-22222222", work_types=[keyboards, cars],
                           updated_at=made)
    anna = make.employee(team=team1, first_name="Anna", last_name="Jansen")
    bram = make.employee(team=team2, first_name="Bram", last_name="de Vries")

    def shift(key, person, days, place, work, leader, cancelled=False):
        return make.published_shift(employee=person, date=today + dt.timedelta(days=days), location=place,
                                    work_type=work, supervisor=leader, cancelled=cancelled, uid=f"{key}@test",
                                    updated_at=told)

    shifts = {
        "a": shift("a", anna, 1, toren, keyboards, tineke),
        "b": shift("b", anna, 2, binnenhof, cars, None),
        "c": shift("c", anna, 3, binnenhof, keyboards, henk),
        "d": shift("d", anna, 4, toren, cars, tineke, cancelled=True),
        "e": shift("e", bram, 1, toren, cars, henk),
    }
    links = {
        "employee": tokens.issue(FeedKind.EMPLOYEE, anna),
        "team": tokens.issue(FeedKind.TEAM, team1),
        "toren": tokens.issue(FeedKind.LOCATION, toren),
        "binnenhof": tokens.issue(FeedKind.LOCATION, binnenhof),
    }
    db.session.commit()
    return SimpleNamespace(today=today, made=made, told=told, toren=toren, binnenhof=binnenhof,
                           keyboards=keyboards, cars=cars, tineke=tineke, henk=henk, team1=team1,
                           shifts=shifts, links=links)


def uid_of(world, link: str, key: str) -> str:
    """The UID of shift `key`'s event in the feed `link`: its own, the team's copy, or its visit."""
    shift = world.shifts[key]
    if link == "employee":
        return shift.uid
    if link == "team":
        return f"team-{shift.uid}"
    return f"visit-{shift.date:%Y%m%d}-t{shift.team_id}-l{shift.location_id}-w{shift.work_type_id}@binnenwerk"


def feed(client, token: str, etag: str | None = None):
    return client.get(f"/calendar/{token}.ics", headers={"If-None-Match": etag} if etag else {})


def events(body: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def stamps(event) -> tuple[dt.datetime, dt.datetime]:
    return event.decoded("DTSTAMP"), event.decoded("LAST-MODIFIED")


def as_stamp(moment: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) moment as a DTSTAMP reads back: whole seconds, UTC."""
    return moment.replace(microsecond=0, tzinfo=UTC)


def unfolded(response) -> str:
    return response.get_data(as_text=True).replace("\r\n ", "")


# --- renaming through the edit pages -------------------------------------------------------------


def rename_place(client, world):
    url = f"/beheer/locaties/{world.toren.id}"
    response = client.post(url, data={**form_as_shown(client, url), "name": "Toren B"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.get(Location, world.toren.id), "Toren B\\, Rijnstraat 8"


def rename_work_type(client, world):
    url = f"/beheer/werksoorten/{world.keyboards.id}"
    response = client.post(url, data={**form_as_shown(client, url), "name_nl": "Toetsenborden schoonmaken"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.get(WorkType, world.keyboards.id), "Toetsenborden schoonmaken"


def rename_leader(client, world):
    url = f"/teams/teamleiders/{world.tineke.id}/wijzigen"
    response = client.post(url, data={**form_as_shown(client, url), "name": "Tineke van Dam"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.get(Supervisor, world.tineke.id), "Teamleider: Tineke van Dam"


# Per rename, per feed: the shifts whose events name what was renamed. The employee's called-off
# day (d) names its work type only; the team's copy of it still shows its place; no called-off
# event names a leader. Shift b names nobody: its team's own leader, Tineke, is in its text.
RENAMES = {
    "place": (rename_place, {"employee": {"a"}, "team": {"a", "d"}, "toren": {"a", "d", "e"}, "binnenhof": set()}),
    "work type": (rename_work_type, {"employee": {"a", "c"}, "team": {"a", "c"}, "toren": {"a"},
                                     "binnenhof": {"c"}}),
    "team leader": (rename_leader, {"employee": {"a", "b"}, "team": {"a", "b"}, "toren": {"a"},
                                    "binnenhof": {"b"}}),
}
FEED_EVENTS = {"employee": "abcd", "team": "abcd", "toren": "ade", "binnenhof": "bc"}


@pytest.mark.parametrize("what", list(RENAMES))
def test_a_rename_on_its_edit_page_moves_the_stamps_of_exactly_the_events_that_name_it(
        client, admin, world, what):
    rename, naming = RENAMES[what]
    before = {link: feed(client, token) for link, token in world.links.items()}
    for link, response in before.items():
        assert response.status_code == 200
        assert sorted(events(response.data)) == sorted(uid_of(world, link, key) for key in FEED_EVENTS[link])
        for event in events(response.data).values():  # the shifts' own change: told after all was made
            assert stamps(event) == (as_stamp(world.told),) * 2, (link, event["UID"])

    renamed, new_text = rename(client, world)
    db.session.expire_all()
    assert renamed.updated_at > world.told  # set by the edit itself (onupdate)
    for link, token in world.links.items():
        old = before[link]
        again = feed(client, token, old.headers["ETag"])
        now = again if again.status_code == 200 else feed(client, token)
        old_events, new_events = events(old.data), events(now.data)
        moved = {uid for uid in new_events if stamps(new_events[uid]) != stamps(old_events[uid])}
        assert moved == {uid_of(world, link, key) for key in naming[link]}, link
        for uid in moved:
            assert stamps(new_events[uid]) == (as_stamp(renamed.updated_at),) * 2, (link, uid)
        # A renamed place is no new time or place to come to: SEQUENCE stays everywhere.
        assert {uid: int(e["SEQUENCE"]) for uid, e in new_events.items()} == {
            uid: int(e["SEQUENCE"]) for uid, e in old_events.items()}
        if moved:
            # The poll with the ETag from before gets the new text (and stamps), not 304.
            assert again.status_code == 200 and again.headers["ETag"] != old.headers["ETag"], link
            assert new_text in unfolded(again), link
            assert again.last_modified == as_stamp(renamed.updated_at), link
        else:
            # A feed that names none of it keeps its ETag: its phones still get 304.
            assert again.status_code == 304, link


def test_the_last_modified_and_etag_of_poll_and_fingerprint_agree_after_renames(client, admin, world):
    rename_place(client, world)
    rename_leader(client, world)
    db.session.expire_all()
    for link, token in world.links.items():
        found = feeds.poll(token)
        assert found is not None
        assert found[1] == feeds.fingerprint(tokens.resolve(token)), link
        response = feed(client, token)
        assert response.headers["ETag"] == f'"{found[1].etag}"'
        # The header is the newest edit the feed reads: here, the newest stamp its body carries.
        newest = max(e.decoded("DTSTAMP") for e in events(response.data).values())
        assert response.last_modified == newest == found[1].last_modified, link


def test_archiving_the_teams_own_leader_restamps_the_events_naming_nobody(client, admin, world, make):
    """Shift b names nobody: its text names the team's own leader. Archiving Tineke puts Marieke,
    the team's other leader, in it: a newer stamp, though Marieke was not edited."""
    marieke = make.supervisor(team=world.team1, name="Marieke Smit", phone="06-33333333", updated_at=world.made)
    db.session.commit()
    token = world.links["employee"]
    old = feed(client, token)
    assert "Tineke de Groot" in unfolded(old)
    response = client.post(f"/teams/teamleiders/{world.tineke.id}/archiveren")
    assert response.status_code == 302
    db.session.expire_all()
    tineke = db.session.get(Supervisor, world.tineke.id)
    assert tineke.archived and db.session.get(Supervisor, marieke.id).updated_at == world.made
    again = feed(client, token, old.headers["ETag"])
    assert again.status_code == 200
    b = events(again.data)[uid_of(world, "employee", "b")]
    assert "Teamleider: Marieke Smit" in str(b["DESCRIPTION"])
    assert stamps(b) == (as_stamp(tineke.updated_at),) * 2


def test_rows_never_edited_since_edit_times_were_kept_leave_the_stamps_as_they_were(client, world):
    """A place, work type or leader stored before the migration has no edit time: the events keep
    the shift's own stamp, and the feed works and answers 304 as before."""
    for table in ("location", "work_type", "supervisor"):
        db.session.execute(text(f"UPDATE {table} SET updated_at = NULL"))
    db.session.commit()
    for link, token in world.links.items():
        response = feed(client, token)
        assert response.status_code == 200
        assert {stamps(e) for e in events(response.data).values()} == {(as_stamp(world.told),) * 2}, link
        assert feed(client, token, response.headers["ETag"]).status_code == 304
        assert feeds.poll(token)[1] == feeds.fingerprint(tokens.resolve(token))


# --- the migration ------------------------------------------------------------------------------


def test_the_migration_adds_empty_edit_times_and_takes_them_away_again(tmp_path):
    """On SQLite, or PostgreSQL with TEST_DATABASE_URL: rows from before keep an empty edit time
    (never edited since it was kept) until an edit sets it; down and up again with rows in place."""
    from flask_migrate import downgrade, upgrade

    from .test_foundation import scratch_app

    before = "a3d5f7b9c1e2"
    with scratch_app(tmp_path):
        upgrade(revision=before)
        db.session.execute(text("INSERT INTO ministry (code, name, archived) VALUES ('BZK', 'BZK', :no)"),
                           {"no": False})
        db.session.execute(text(
            "INSERT INTO location (code, name, address, postcode, city, region, ministry_id, archived) "
            "SELECT 'toren', 'Toren A', 'Rijnstraat 8', '', 'Den Haag', 'Den Haag', id, :no FROM ministry"),
            {"no": False})
        db.session.execute(text(
            "INSERT INTO work_type (code, name_nl, name_en, pictogram, colour, archived) "
            "VALUES ('wt', 'Werk', 'Work', 'broom', '#2f6b2f', :no)"), {"no": False})
        db.session.execute(text("INSERT INTO team (name, region, max_size, archived) "
                                "VALUES ('Team A', 'Den Haag', 15, :no)"), {"no": False})
        db.session.execute(text(
            "INSERT INTO supervisor (name, email, phone, team_id, region, archived) "
            "SELECT 'Tineke', '', '', id, 'Den Haag', :no FROM team"), {"no": False})
        db.session.commit()

        upgrade()
        for table in ("location", "work_type", "supervisor"):
            column = {c["name"]: c for c in inspect(db.engine).get_columns(table)}["updated_at"]
            assert column["nullable"], table
            assert db.session.execute(text(f"SELECT updated_at FROM {table}")).scalar_one() is None, table
        place = db.session.scalar(select(Location))
        place.name = "Toren B"
        db.session.commit()
        assert place.updated_at is not None and abs(place.updated_at - utcnow()) < dt.timedelta(minutes=1)
        assert db.session.scalar(select(WorkType)).updated_at is None  # not edited
        db.session.remove()

        downgrade(revision=before)
        for table in ("location", "work_type", "supervisor"):
            assert "updated_at" not in {c["name"] for c in inspect(db.engine).get_columns(table)}, table
        assert db.session.execute(text("SELECT name FROM location")).scalar_one() == "Toren B"
        assert db.session.execute(text("SELECT count(*) FROM supervisor")).scalar_one() == 1
        db.session.remove()

        upgrade()
        assert db.session.execute(text("SELECT updated_at FROM location")).scalar_one() is None


def test_an_edit_that_moves_the_stamps_only_still_changes_the_etag(client, admin, world):
    """A leader's new e-mail address shows in no feed, but it is an edit of the leader: the stamps
    of the events naming them move, so the body differs and a poll must not get 304 for it."""
    token = world.links["employee"]
    old = feed(client, token)
    url = f"/teams/teamleiders/{world.tineke.id}/wijzigen"
    response = client.post(url, data={**form_as_shown(client, url), "email": "tineke@binnenwerk.example"})
    assert response.status_code == 302
    db.session.expire_all()
    again = feed(client, token, old.headers["ETag"])
    assert again.status_code == 200 and again.data != old.data
    a = events(again.data)[uid_of(world, "employee", "a")]
    assert stamps(a) == (as_stamp(db.session.get(Supervisor, world.tineke.id).updated_at),) * 2
    assert "tineke@binnenwerk.example" not in again.get_data(as_text=True)
