"""A renamed team or person, a team's own leader moving to another team, and a leader's absence
recorded, moved or removed, each through the page a planner uses: the events whose text that
changes get a newer DTSTAMP and LAST-MODIFIED (SEQUENCE stays), the others keep theirs, and the
feed's ETag and Last-Modified move. What shows in no feed (a person's personal data, the kind of a
leader's absence, an absence outside every feed's window, an employee's own absence) changes no
feed at all: the same bytes, the same ETag."""
import csv
import datetime as dt
import io
import re
from types import SimpleNamespace

import icalendar
import pytest
from sqlalchemy import inspect, select, text

from binnenwerk.extensions import db
from binnenwerk.models import Absence, Employee, FeedKind, Supervisor, Team, utcnow
from binnenwerk.services import feeds, tokens

from .dataio_uploads import token_of, upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)
from .edit_forms import form_as_shown, seen_state
# The earlier rename stamps' helpers: the same UIDs, feeds and stamps.
from .test_feed_rename_stamps import as_stamp, events, feed, stamps, uid_of



@pytest.fixture
def planner(make, login):
    user = make.user(role="planner")
    login(user)
    return user


@pytest.fixture
def world(app, make, monkeypatch):
    """Team 1 (own leader Tineke, then Marieke) and team 2 (Henk). Anna of team 1 is told to come
    (a) at Toren A led by Tineke, (b) at Binnenhof naming no leader (so Tineke, the team's own),
    (c) at Binnenhof led by Henk, (d) at Toren A, called off; Cor of team 1 (f) at Binnenhof led
    by Henk; Dirk of team 1, whose contract ended yesterday, was (g) at Toren A led by Tineke three
    days ago; Bram of team 2 (e) at Toren A led by Henk. Everything was made, and then told, days
    ago. Links: Anna's, team 1's and each place's."""
    today = feeds.local_today()
    monkeypatch.setattr(feeds, "local_today", lambda: today)  # one day, also across midnight
    made, told = utcnow() - dt.timedelta(days=5), utcnow() - dt.timedelta(days=4)
    ministry = make.ministry(name="Ministerie van BZK")
    toren = make.location(ministry=ministry, name="Toren A", address="Rijnstraat 8", city="Den Haag",
                          updated_at=made)
    binnenhof = make.location(ministry=ministry, name="Binnenhof", address="Binnenhof 19", city="Den Haag",
                              updated_at=made)
    keyboards = make.work_type("keyboards", name_nl="Toetsenborden reinigen", updated_at=made)
    cars = make.work_type("cars", name_nl="Auto's wassen", updated_at=made)
    team1, team2 = make.team(name="Team Den Haag 1"), make.team(name="Team Den Haag 2")
    kinds = dict(work_types=[keyboards, cars], updated_at=made)
    tineke = make.supervisor(team=team1, name="Tineke de Groot", phone="06-11111111", **kinds)
    marieke = make.supervisor(team=team1, name="Marieke Smit", phone="06-33333333", **kinds)
    henk = make.supervisor(team=team2, name="Henk Bakker", phone="06-22222222", **kinds)
    people = dict(work_types=[keyboards, cars], window=("08:30", "14:30"), contract_minutes=1530,
                  max_minutes_per_day=360)
    anna = make.employee(team=team1, first_name="Anna", last_name="Jansen", **people)
    cor = make.employee(team=team1, first_name="Cor", last_name="Visser", **people)
    dirk = make.employee(team=team1, first_name="Dirk", last_name="Mulder", contract_end=today - dt.timedelta(days=1),
                         **people)
    bram = make.employee(team=team2, first_name="Bram", last_name="de Vries", **people)

    def shift(key, person, days, place, work, leader, cancelled=False):
        return make.published_shift(employee=person, date=today + dt.timedelta(days=days), location=place,
                                    work_type=work, supervisor=leader, cancelled=cancelled, uid=f"{key}@test",
                                    start="09:00", end="14:00", updated_at=told)

    shifts = {
        "a": shift("a", anna, 1, toren, keyboards, tineke),
        "b": shift("b", anna, 2, binnenhof, cars, None),
        "c": shift("c", anna, 3, binnenhof, keyboards, henk),
        "d": shift("d", anna, 4, toren, cars, tineke, cancelled=True),
        "e": shift("e", bram, 1, toren, cars, henk),
        "f": shift("f", cor, 5, binnenhof, keyboards, henk),
        "g": shift("g", dirk, -3, toren, keyboards, tineke),
    }
    links = {
        "employee": tokens.issue(FeedKind.EMPLOYEE, anna),
        "team": tokens.issue(FeedKind.TEAM, team1),
        "toren": tokens.issue(FeedKind.LOCATION, toren),
        "binnenhof": tokens.issue(FeedKind.LOCATION, binnenhof),
    }
    db.session.commit()
    # Links handed out before the shifts were told: a feed's Last-Modified is never before its link's.
    db.session.execute(text("UPDATE calendar_token SET created_at = :at"), {"at": made})
    db.session.commit()
    return SimpleNamespace(today=today, made=made, told=told, team1=team1, team2=team2, tineke=tineke,
                           marieke=marieke, anna=anna, dirk=dirk, shifts=shifts, links=links)


FEED_EVENTS = {"employee": "abcd", "team": "abcdfg", "toren": "adeg", "binnenhof": "bcf"}




def unfolded(body: bytes) -> str:
    return body.decode().replace("\r\n ", "")


def all_feeds(client, world) -> dict:
    found = {link: feed(client, token) for link, token in world.links.items()}
    for link, response in found.items():
        assert response.status_code == 200, link
        assert sorted(events(response.data)) == sorted(uid_of(world, link, key) for key in FEED_EVENTS[link])
    return found


def moved_since(client, world, before: dict, moved: dict[str, dict[str, dt.datetime]]) -> dict:
    """Poll every feed with its ETag from `before`: exactly the events of `moved` (link -> shift
    key -> the moment it is stamped with now) have newer stamps, those, and no SEQUENCE changed;
    a feed with a moved event answers 200 with a new ETag and Last-Modified. The feeds now."""
    now = {}
    for link, token in world.links.items():
        old = before[link]
        again = feed(client, token, old.headers["ETag"])
        response = again if again.status_code == 200 else feed(client, token)
        old_events, new_events = events(old.data), events(response.data)
        expected = {uid_of(world, link, key): as_stamp(moment) for key, moment in moved.get(link, {}).items()}
        changed = {uid: stamps(e)[0] for uid, e in new_events.items() if stamps(e) != stamps(old_events[uid])}
        assert changed == expected, link
        for uid in changed:
            assert stamps(new_events[uid])[0] > stamps(old_events[uid])[0], (link, uid)
            assert stamps(new_events[uid])[1] == stamps(new_events[uid])[0], (link, uid)
        # Nothing was published: SEQUENCE counts publications that changed the shift.
        assert {uid: int(e["SEQUENCE"]) for uid, e in new_events.items()} == {
            uid: int(e["SEQUENCE"]) for uid, e in old_events.items()}, link
        if expected:
            assert again.status_code == 200 and again.headers["ETag"] != old.headers["ETag"], link
            assert again.last_modified >= max(expected.values()), link
            assert again.last_modified > old.last_modified, link
        now[link] = response
    return now


def nothing_changed(client, world, before: dict) -> None:
    """Every feed the same, byte for byte, and a poll with the ETag from before gets 304."""
    for link, token in world.links.items():
        assert feed(client, token, before[link].headers["ETag"]).status_code == 304, link
        again = feed(client, token)
        assert again.data == before[link].data, link
        assert again.headers["ETag"] == before[link].headers["ETag"], link
        assert again.last_modified == before[link].last_modified, link


def leader_line_events(moment) -> dict[str, dict[str, dt.datetime]]:
    """The events with Tineke's line: she leads a and g, and b names nobody (the team's own
    leader); d is called off and names no leader."""
    return {"employee": dict.fromkeys("ab", moment), "team": dict.fromkeys("abg", moment),
            "toren": dict.fromkeys("ag", moment), "binnenhof": {"b": moment}}


def post_form(client, url: str, **changes):
    response = client.post(url, data={**form_as_shown(client, url), **changes})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()


# --- names -----------------------------------------------------------------------------------


def test_a_team_renamed_on_its_form_restamps_the_visits_naming_it_and_renames_its_calendar(
        client, planner, world):
    before = all_feeds(client, world)
    post_form(client, f"/teams/{world.team1.id}/wijzigen", name="Team Haaglanden 1")
    team = db.session.get(Team, world.team1.id)
    assert team.name_changed_at > world.told
    # The ministry's visits say "Team: ..."; the team's and Anna's own events name no team.
    now = moved_since(client, world, before, {"toren": dict.fromkeys("adg", team.name_changed_at),
                                              "binnenhof": dict.fromkeys("bcf", team.name_changed_at)})
    assert "Team: Team Haaglanden 1" in unfolded(now["toren"].data)
    # The team's calendar is called after it: a new text, whose Last-Modified is the rename.
    assert "X-WR-CALNAME:Binnenwerk: Team Haaglanden 1" in unfolded(now["team"].data)
    assert now["team"].headers["ETag"] != before["team"].headers["ETag"]
    assert now["team"].last_modified == as_stamp(team.name_changed_at)


def test_a_person_renamed_on_their_form_restamps_the_team_feed_events_naming_them(client, planner, world):
    before = all_feeds(client, world)
    post_form(client, f"/teams/medewerkers/{world.anna.id}/wijzigen", last_name="de Jong")
    anna = db.session.get(Employee, world.anna.id)
    assert anna.name_changed_at > world.told
    # The team feed names her in each of her events, the called-off one too; nobody else's move.
    now = moved_since(client, world, before, {"team": dict.fromkeys("abcd", anna.name_changed_at)})
    assert "Medewerker: Anna de Jong" in unfolded(now["team"].data)


def imported(client, kind: str, rows) -> None:
    """Rows imported on the import page: uploaded, previewed, confirmed."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    preview = upload(client, kind, buffer.getvalue().encode(), f"{kind}.csv")
    assert preview.status_code == 200, preview.get_data(as_text=True)[:3000]
    done = client.post(f"/gegevens/{kind}/bevestigen", data={"upload": token_of(preview.get_data(as_text=True))})
    assert done.status_code == 302
    db.session.expire_all()


def test_a_team_spelled_anew_by_an_import_restamps_the_visits_naming_it(client, planner, world):
    """The teams import finds a team by its name, whatever its case: the file's spelling is stored."""
    before = all_feeds(client, world)
    imported(client, "teams", [["naam", "regio"], ["Team den Haag 1", "Den Haag"]])
    team = db.session.get(Team, world.team1.id)
    assert team.name == "Team den Haag 1" and team.name_changed_at > world.told
    moved_since(client, world, before, {"toren": dict.fromkeys("adg", team.name_changed_at),
                                        "binnenhof": dict.fromkeys("bcf", team.name_changed_at)})


def test_a_person_renamed_by_an_import_restamps_the_team_feed_events_naming_them(client, planner, world):
    before = all_feeds(client, world)
    imported(client, "employees", [
        ["id", "voornaam", "achternaam", "team", "contracturen_per_week", "max_uren_per_dag", "werksoorten",
         "ma", "di", "wo", "do", "vr", "contract_start"],
        [str(world.anna.id), "Anne", "Jansen", "Team Den Haag 1", "25,5", "6", "keyboards,cars",
         *["08:30-14:30"] * 5, world.anna.contract_start.isoformat()],
    ])
    anna = db.session.get(Employee, world.anna.id)
    assert anna.first_name == "Anne" and anna.name_changed_at > world.told
    now = moved_since(client, world, before, {"team": dict.fromkeys("abcd", anna.name_changed_at)})
    assert "Medewerker: Anne Jansen" in unfolded(now["team"].data)


def test_anonymising_a_person_restamps_the_team_feed_events_naming_them(client, planner, world):
    before = all_feeds(client, world)
    response = client.post(f"/privacy/medewerkers/{world.dirk.id}/anonimiseren", data={"confirm": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    dirk = db.session.get(Employee, world.dirk.id)
    assert dirk.anonymised_at is not None and dirk.name_changed_at > world.told
    now = moved_since(client, world, before, {"team": {"g": dirk.name_changed_at}})
    assert "Dirk" not in unfolded(now["team"].data)


def test_a_save_that_keeps_the_name_moves_no_stamp(client, planner, world):
    """A new phone number for Anna shows in no feed: nothing of hers moves."""
    before = all_feeds(client, world)
    post_form(client, f"/teams/medewerkers/{world.anna.id}/wijzigen", phone="06-99999999")
    assert db.session.get(Employee, world.anna.id).name_changed_at is None
    nothing_changed(client, world, before)


def test_personal_data_saved_on_its_form_changes_no_feed_at_all(client, planner, world):
    """An indication, health notes or accommodations saved (a first time, then changed): no feed
    tells, by its text, stamps, ETag or Last-Modified, that anything of the person changed."""
    before = all_feeds(client, world)
    url = f"/teams/medewerkers/{world.anna.id}/persoonlijk"
    for notes in ("Epilepsie", "Epilepsie, rustruimte nodig"):
        response = client.post(url, data={**form_as_shown(client, url), "indication": "Wajong",
                                          "health_notes": notes, "accommodations": "Rustige plek"})
        assert response.status_code == 302
        db.session.expire_all()
        assert db.session.get(Employee, world.anna.id).sensitive.health_notes == notes
        nothing_changed(client, world, before)


def without_the_team_link(world) -> None:
    """The team's own leader left it: its calendar link stopped (tokens.revoke_team_links), so the
    other feeds are the ones to poll from here on."""
    db.session.expire_all()
    assert tokens.resolve(world.links["team"]) is None
    world.links = {link: token for link, token in world.links.items() if link != "team"}


# --- the team's own leader moving --------------------------------------------------------------


def test_the_teams_own_leader_moved_to_another_team_restamps_the_events_naming_nobody(client, planner, world):
    """Shift b names nobody: its text names the team's own leader, Tineke. Moved to team 2 on her
    form, Marieke is team 1's own leader (not edited herself); b's stamp is when Tineke left."""
    before = all_feeds(client, world)
    post_form(client, f"/teams/teamleiders/{world.tineke.id}/wijzigen", team_id=str(world.team2.id))
    tineke, team1 = db.session.get(Supervisor, world.tineke.id), db.session.get(Team, world.team1.id)
    assert tineke.team_id == world.team2.id and db.session.get(Supervisor, world.marieke.id).updated_at == world.made
    assert team1.leader_left_at > world.told
    assert db.session.get(Team, world.team2.id).leader_left_at is None  # joined, not left
    # a and g name Tineke herself: her edit (updated_at) restamps them.
    edited, left = tineke.updated_at, team1.leader_left_at
    without_the_team_link(world)
    now = moved_since(client, world, before, {
        "employee": {"a": edited, "b": left}, "toren": {"a": edited, "g": edited}, "binnenhof": {"b": left}})
    b = events(now["employee"].data)[uid_of(world, "employee", "b")]
    assert "Teamleider: Marieke Smit" in str(b["DESCRIPTION"])


def test_the_teams_own_leader_moved_by_an_import_restamps_the_events_naming_nobody(client, planner, world):
    """The supervisors import moves her as the form does (its team column, not her id)."""
    before = all_feeds(client, world)
    imported(client, "supervisors", [
        ["id", "naam", "team", "telefoon", "werksoorten", "ma", "di", "wo", "do", "vr"],
        [str(world.tineke.id), "Tineke de Groot", "Team Den Haag 2", "06-11111111", "keyboards,cars",
         *["07:30-17:30"] * 5],
    ])
    tineke, team1 = db.session.get(Supervisor, world.tineke.id), db.session.get(Team, world.team1.id)
    assert tineke.team_id == world.team2.id and team1.leader_left_at > world.told
    edited, left = tineke.updated_at, team1.leader_left_at
    without_the_team_link(world)
    moved_since(client, world, before, {
        "employee": {"a": edited, "b": left}, "toren": {"a": edited, "g": edited}, "binnenhof": {"b": left}})


# --- a leader's absences ---------------------------------------------------------------------------


def absence_form(day: dt.date, kind: str = "ziek") -> dict:
    return {"kind": kind, "start_date": day.strftime("%d-%m-%Y"), "end_date": day.strftime("%d-%m-%Y"),
            "whole_day": "y", "note": ""}


def rewind(supervisor_id: int, moment: dt.datetime) -> None:
    """The leader's absences last changed at `moment` (earlier): the next change is newer."""
    db.session.execute(text("UPDATE supervisor SET absence_changed_at = :at WHERE id = :id"),
                       {"at": moment, "id": supervisor_id})
    db.session.commit()


def tineke_changed(world) -> dt.datetime:
    db.session.expire_all()
    tineke = db.session.get(Supervisor, world.tineke.id)
    assert tineke.updated_at == world.made  # no edit of the leader herself
    return tineke.absence_changed_at


def test_a_leaders_absence_recorded_moved_and_removed_restamps_the_events_with_their_line(
        client, planner, world):
    day_a, day_b = (world.shifts[key].date for key in "ab")
    before = all_feeds(client, world)

    response = client.post("/teams/afwezigheid/nieuw",
                           data={"person": f"teamleider-{world.tineke.id}", **absence_form(day_a)})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    recorded = tineke_changed(world)
    assert recorded > world.told
    now = moved_since(client, world, before, leader_line_events(recorded))
    a = events(now["employee"].data)[uid_of(world, "employee", "a")]
    assert "Je teamleider is er die dag niet" in str(a["DESCRIPTION"])

    # Moved to b's day (edited on its form): the stamps move again.
    rewind(world.tineke.id, recorded - dt.timedelta(hours=1))
    before = all_feeds(client, world)
    absence = db.session.scalar(select(Absence).where(Absence.supervisor_id == world.tineke.id))
    post_form(client, f"/teams/afwezigheid/{absence.id}", start_date=day_b.strftime("%d-%m-%Y"),
              end_date=day_b.strftime("%d-%m-%Y"))
    moved = tineke_changed(world)
    now = moved_since(client, world, before, leader_line_events(moved))
    a, b = (events(now["employee"].data)[uid_of(world, "employee", key)] for key in "ab")
    assert "Teamleider: Tineke de Groot" in str(a["DESCRIPTION"])
    assert "Je teamleider is er die dag niet" in str(b["DESCRIPTION"])

    # Removed (confirmed on its page): no row is left, and the stamps still move.
    rewind(world.tineke.id, moved - dt.timedelta(hours=1))
    before = all_feeds(client, world)
    url = f"/teams/afwezigheid/{absence.id}/verwijderen"
    response = client.post(url, data={"seen_state": seen_state(client, url)})
    assert response.status_code == 302
    assert db.session.scalar(select(Absence).where(Absence.supervisor_id == world.tineke.id)) is None
    removed = tineke_changed(world)
    now = moved_since(client, world, before, leader_line_events(removed))
    b = events(now["employee"].data)[uid_of(world, "employee", "b")]
    assert "Teamleider: Tineke de Groot" in str(b["DESCRIPTION"])


def test_a_leaders_absence_of_another_kind_only_changes_no_feed(client, planner, world):
    """Sick or on leave shows nowhere: changing only that tells no feed anything, by no stamp."""
    client.post("/teams/afwezigheid/nieuw",
                data={"person": f"teamleider-{world.tineke.id}", **absence_form(world.shifts["a"].date)})
    before = all_feeds(client, world)
    absence = db.session.scalar(select(Absence).where(Absence.supervisor_id == world.tineke.id))
    post_form(client, f"/teams/afwezigheid/{absence.id}", kind="verlof", note="Bruiloft")
    db.session.expire_all()
    assert db.session.get(Absence, absence.id).kind == "verlof"
    nothing_changed(client, world, before)


def test_a_leaders_absence_beyond_every_feeds_window_changes_no_feed(client, planner, world):
    """Ten weeks ahead the feeds hold no day yet: it comes into them with the absence in its text."""
    before = all_feeds(client, world)
    response = client.post("/teams/afwezigheid/nieuw", data={
        "person": f"teamleider-{world.tineke.id}", **absence_form(world.today + dt.timedelta(weeks=10))})
    assert response.status_code == 302
    assert tineke_changed(world) is None
    nothing_changed(client, world, before)


def test_an_employees_own_absence_changes_only_the_count_of_her_place(client, planner, world):
    """Anna's own absence shows in no feed of hers or her team's (a repair published changes her
    shift); nor is it any leader's. Only the location she was to come to counts one person fewer
    that day, as the ministry's planning page does (tests/app/test_feed_visit_absent_qa17.py)."""
    before = all_feeds(client, world)
    response = client.post("/teams/afwezigheid/nieuw",
                           data={"person": f"medewerker-{world.anna.id}", **absence_form(world.shifts["a"].date)})
    assert response.status_code == 302
    own = {link: token for link, token in world.links.items() if link in ("employee", "team")}
    nothing_changed(client, SimpleNamespace(links=own), before)
    toren = feed(client, world.links["toren"], before["toren"].headers["ETag"])
    assert toren.status_code == 200 and toren.headers["ETag"] != before["toren"].headers["ETag"]
    assert "ziek" not in toren.get_data(as_text=True).lower()
    # Her visits elsewhere may be stamped anew (the moment of a change of her absences is kept,
    # not its days): the same events, word for word, but for their stamps.

    def unstamped(body: bytes) -> str:
        return re.sub(r"(?m)^(DTSTAMP|LAST-MODIFIED):.*\r?\n", "", unfolded(body))

    assert unstamped(feed(client, world.links["binnenhof"]).data) == unstamped(before["binnenhof"].data)


# --- the conditional request's view of it -----------------------------------------------------------


def test_poll_and_fingerprint_agree_and_last_modified_is_the_newest_stamp(client, planner, world):
    post_form(client, f"/teams/{world.team1.id}/wijzigen", name="Team Haaglanden 1")
    post_form(client, f"/teams/medewerkers/{world.anna.id}/wijzigen", last_name="de Jong")
    client.post("/teams/afwezigheid/nieuw",
                data={"person": f"teamleider-{world.tineke.id}", **absence_form(world.shifts["b"].date)})
    post_form(client, f"/teams/teamleiders/{world.tineke.id}/wijzigen", team_id=str(world.team2.id))
    without_the_team_link(world)
    for link, token in world.links.items():
        found = feeds.poll(token)
        assert found is not None and found[1] == feeds.fingerprint(tokens.resolve(token)), link
        response = feed(client, token)
        assert response.headers["ETag"] == f'"{found[1].etag}"', link
        newest = max(stamps(e)[0] for e in events(response.data).values())
        assert response.last_modified >= newest, link
        assert response.last_modified == found[1].last_modified, link


# --- the migration ------------------------------------------------------------------------------


def test_the_migration_adds_empty_times_and_takes_them_away_again(tmp_path):
    """On SQLite, or PostgreSQL with TEST_DATABASE_URL: rows from before keep empty times (nothing
    restamped by upgrading) until a rename sets one; down and up again with rows in place."""
    from flask_migrate import downgrade, upgrade

    from .test_foundation import scratch_app

    before = "f4a6c8e0b2d3"
    added = {"team": {"name_changed_at", "leader_left_at"}, "employee": {"name_changed_at"},
             "supervisor": {"absence_changed_at"}}
    with scratch_app(tmp_path):
        upgrade(revision=before)
        db.session.execute(text("INSERT INTO team (name, region, max_size, archived) "
                                "VALUES ('Team A', 'Den Haag', 15, :no)"), {"no": False})
        db.session.execute(text(
            "INSERT INTO supervisor (name, email, phone, team_id, region, archived) "
            "SELECT 'Tineke', '', '', id, 'Den Haag', :no FROM team"), {"no": False})
        db.session.execute(text(
            "INSERT INTO employee (first_name, last_name, sort_name, email, phone, team_id, contract_minutes, "
            "max_minutes_per_day, contract_start, job_coach_name, job_coach_phone, job_coach_email, archived) "
            "SELECT 'Anna', 'Jansen', 'jansen anna', '', '', id, 1530, 360, '2025-01-01', '', '', '', :no "
            "FROM team"), {"no": False})
        db.session.commit()

        upgrade()
        for table, columns in added.items():
            found = {c["name"]: c for c in inspect(db.engine).get_columns(table)}
            for column in columns:
                assert found[column]["nullable"], (table, column)
                assert db.session.execute(text(f"SELECT {column} FROM {table}")).scalar_one() is None
        anna = db.session.scalar(select(Employee))
        anna.last_name = "de Jong"
        db.session.commit()
        assert abs(anna.name_changed_at - utcnow()) < dt.timedelta(minutes=1)
        assert db.session.scalar(select(Team)).name_changed_at is None  # not renamed
        db.session.remove()

        downgrade(revision=before)
        for table, columns in added.items():
            assert not columns & {c["name"] for c in inspect(db.engine).get_columns(table)}, table
        assert db.session.execute(text("SELECT last_name FROM employee")).scalar_one() == "de Jong"
        assert db.session.execute(text("SELECT count(*) FROM supervisor")).scalar_one() == 1
        db.session.remove()

        upgrade()
        assert db.session.execute(text("SELECT name_changed_at FROM employee")).scalar_one() is None
