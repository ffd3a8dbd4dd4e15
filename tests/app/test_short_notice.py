"""The team leader's start page lists shifts changed at short notice, to tell those people in person."""
import datetime as dt
import re

import pytest
from sqlalchemy import delete

from binnenwerk.extensions import db
from binnenwerk.formatting import week_of
from binnenwerk.models import Assignment, Roster, utcnow
from binnenwerk.services import rosters

WEDNESDAY = dt.date(2026, 12, 9)


@pytest.mark.parametrize("today, last", [
    (dt.date(2026, 12, 9), dt.date(2026, 12, 11)),   # Wednesday: to Friday
    (dt.date(2026, 12, 11), dt.date(2026, 12, 15)),  # Friday: over the weekend to Tuesday
    (dt.date(2026, 12, 12), dt.date(2026, 12, 15)),  # Saturday: to Tuesday
    (dt.date(2026, 12, 24), dt.date(2026, 12, 29)),  # Christmas Eve: Christmas and the weekend are no working days
    (dt.date(2026, 12, 31), dt.date(2027, 1, 5)),    # New Year's Eve: nor is New Year's Day
])
def test_the_window_is_today_and_the_next_two_working_days(today, last):
    assert rosters.short_notice_window(today) == (today, last)


@pytest.fixture
def leader_page(client, make, login, monkeypatch):
    monkeypatch.setattr(rosters, "today", lambda: WEDNESDAY)
    team = make.team(name="Team A")
    user = make.user("team_leader", teams=[team])

    def page() -> str:
        db.session.commit()
        login(user)
        html = client.get("/home").get_data(as_text=True)
        client.post("/auth/logout")
        return html

    page.user = user
    return team, page


def section(html: str) -> str:
    if 'id="short-notice-title"' not in html:
        return ""
    return html.split('id="short-notice-title"')[1].split("</section>")[0]


def test_changes_for_the_next_days_are_listed_with_a_phone_to_call(leader_page, make):
    team, page = leader_page
    thursday = WEDNESDAY + dt.timedelta(days=1)
    anna = make.employee(team=team, first_name="Anna", last_name="Jansen", phone="06-11112222")
    bram = make.employee(team=team, first_name="Bram", last_name="Bos", phone="")
    cees = make.employee(team=team, first_name="Cees", last_name="Cohen")
    other = make.employee(team=make.team(name="Team B"), first_name="Olga", last_name="Anders")
    place = make.location(name="Turfmarkt 147")
    make.published_shift(employee=anna, date=thursday, location=place, start="10:00", end="14:00", sequence=1)
    make.published_shift(employee=bram, date=WEDNESDAY, cancelled=True, sequence=1)
    make.published_shift(employee=cees, date=thursday)  # as first told
    make.published_shift(employee=cees, date=WEDNESDAY + dt.timedelta(days=5), sequence=1)  # not soon
    make.published_shift(employee=cees, date=WEDNESDAY + dt.timedelta(days=2), sequence=1,
                         short_notice=False)  # told in time
    make.published_shift(employee=other, date=thursday, sequence=1)  # not this leader's team
    gone = make.employee(team=team, first_name="Gijs", last_name="Weg", archived=True)
    make.published_shift(employee=gone, date=thursday, sequence=1)  # contract closed: nobody to call

    listed = section(page())

    assert "Anna Jansen</strong>:" in listed and "donderdag 10 december:" in line_of(listed, "Anna Jansen")
    assert "werkt nu van 10:00 tot 14:00, Turfmarkt 147, Straat" in listed  # name and address
    assert 'href="tel:0611112222"' in listed
    assert "Bram Bos</strong>:" in listed and "woensdag 9 december (vandaag):" in line_of(listed, "Bram Bos")
    assert "gaat niet door." in listed and "Er is geen telefoonnummer bekend." in listed
    assert listed.index("Bram Bos") < listed.index("Anna Jansen")  # by date
    assert "Cees" not in listed and "Olga" not in listed and "Gijs" not in listed


def test_work_called_off_for_someones_own_absence_needs_no_call(leader_page, make):
    """The team leader registered Bram ill and the repair called off his Thursday: he knows.
    Dina's Thursday was called off for another reason: she must hear it."""
    team, page = leader_page
    thursday = WEDNESDAY + dt.timedelta(days=1)
    bram = make.employee(team=team, first_name="Bram", last_name="Bos")
    dina = make.employee(team=team, first_name="Dina", last_name="Dekker")
    make.absence(employee=bram, start=WEDNESDAY, end=thursday, kind="ziek")
    for person in (bram, dina):
        make.published_shift(employee=person, date=thursday, cancelled=True, sequence=1)
    make.published_shift(employee=bram, date=WEDNESDAY + dt.timedelta(days=2), location=make.location(name="Turfmarkt"),
                         sequence=1)  # Friday, after his absence: changed, so still a call

    # Eva's appointment ends before her work would have started: she must still hear it is off.
    eva = make.employee(team=team, first_name="Eva", last_name="Evers")
    make.absence(employee=eva, start=thursday, end=thursday, kind="afspraak", times=("07:00", "08:00"))
    make.published_shift(employee=eva, date=thursday, start="09:00", end="15:00", cancelled=True, sequence=1)

    listed = section(page())

    assert "donderdag 10 december:" in line_of(listed, "Dina Dekker")
    assert "donderdag" not in line_of(listed, "Bram Bos") and "vrijdag" in line_of(listed, "Bram Bos")
    assert "donderdag 10 december:" in line_of(listed, "Eva Evers")


def line_of(listed: str, name: str) -> str:
    """A person's line of the list: their changes and their Gebeld button ("" when not listed)."""
    parts = listed.split(f"<strong>{name}</strong>")
    return parts[1].split("</form>")[0] if len(parts) > 1 else ""


def test_one_gebeld_notes_every_change_of_that_person_the_list_showed(leader_page, make, client, login):
    """A week called off for one person was a line a day, each with its own Gebeld, for one call (a
    QA finding: 10 lines for 7 people). A change listed after the page was opened stays."""
    team, page = leader_page
    thursday, friday = WEDNESDAY + dt.timedelta(days=1), WEDNESDAY + dt.timedelta(days=2)
    umut = make.employee(team=team, first_name="Umut", last_name="Prins")
    shifts = [make.published_shift(employee=umut, date=day, cancelled=True, sequence=1)
              for day in (WEDNESDAY, thursday)]
    listed = section(page())
    line = line_of(listed, "Umut Prins")
    assert listed.count("<strong>Umut Prins</strong>") == 1 and line.count(">Gebeld<") == 1
    assert "woensdag 9 december (vandaag):" in line and "donderdag 10 december:" in line
    later = make.published_shift(employee=umut, date=friday, cancelled=True, sequence=1)  # after the page
    db.session.commit()

    # The form as the page sent it: each change as "id:sequence".
    sent = re.findall(r'name="shift" value="([^"]+)"', line)
    assert sent == [f"{s.id}:1" for s in shifts]
    # Thursday changed again after the page was opened (its sequence raised): not told in this call.
    shifts[1].sequence = 2
    db.session.commit()
    login(page.user)
    done = client.post(f"/rooster/gebeld/{shifts[0].id}", data={"shift": sent},
                       follow_redirects=True).get_data(as_text=True)
    client.post("/auth/logout")

    assert "Genoteerd: Umut Prins weet het." in done
    db.session.expire_all()
    assert db.session.get(type(shifts[0]), shifts[0].id).called_sequence == 1
    assert db.session.get(type(shifts[1]), shifts[1].id).called_sequence is None
    assert db.session.get(type(later), later.id).called_sequence is None
    still = line_of(section(page()), "Umut Prins")
    assert "vrijdag 11 december" in still and "donderdag 10 december" in still and "woensdag" not in still


def test_gebeld_takes_a_change_off_the_list_until_it_changes_again(leader_page, make, client, login):
    team, page = leader_page
    thursday = WEDNESDAY + dt.timedelta(days=1)
    anna = make.employee(team=team, first_name="Anna", last_name="Jansen", phone="06-11112222")
    bram = make.employee(team=team, first_name="Bram", last_name="Bos")
    shift = make.published_shift(employee=anna, date=thursday, sequence=1)
    make.published_shift(employee=bram, date=thursday, sequence=1)
    listed = section(page())
    assert "Anna Jansen" in listed and "Bram Bos" in listed
    assert f'action="/rooster/gebeld/{shift.id}"' in listed

    login(page.user)
    done = client.post(f"/rooster/gebeld/{shift.id}", follow_redirects=True).get_data(as_text=True)
    client.post("/auth/logout")
    assert "Genoteerd: Anna Jansen weet het." in done
    listed = section(page())
    assert "Anna Jansen" not in listed and "Bram Bos" in listed

    # A shift that is not on the list (told already, or never changed) is not noted as phoned.
    never = make.published_shift(employee=make.employee(team=team, first_name="Cor", last_name="Vast"),
                                 date=thursday, sequence=0)
    db.session.commit()
    login(page.user)
    for shift_id, name in ((shift.id, "Anna Jansen"), (never.id, "Cor Vast")):
        said = client.post(f"/rooster/gebeld/{shift_id}", follow_redirects=True).get_data(as_text=True)
        assert f"{name} staat niet (meer) op de lijst om te bellen. Er is niets genoteerd." in said
    client.post("/auth/logout")
    db.session.expire_all()
    assert never.called_sequence is None

    shift.sequence += 1  # changed again and published: news again
    shift.updated_at = utcnow()
    assert "Anna Jansen" in section(page())

    # Another team's leader cannot mark it.
    other = make.user("team_leader", teams=[make.team(name="Team C")])
    db.session.commit()
    login(other)
    assert client.post(f"/rooster/gebeld/{shift.id}").status_code == 404


def test_nothing_changed_at_short_notice_shows_no_list(leader_page, make):
    team, page = leader_page
    make.published_shift(employee=make.employee(team=team), date=WEDNESDAY + dt.timedelta(days=1))
    assert section(page()) == ""


def draft_with_one_shift(make, team, employee, day: dt.date) -> tuple[Roster, object]:
    """A draft roster of the week of `day` with one shift for the employee, on a weekday request."""
    request = make.request(start_date=WEDNESDAY - dt.timedelta(days=2), weekdays="12345")
    roster = Roster(week=week_of(day), team=team)
    db.session.add(roster)
    db.session.flush()
    db.session.add(Assignment(roster_id=roster.id, employee_id=employee.id, date=day, request_id=request.id))
    db.session.commit()
    return roster, request


def test_a_republished_change_is_listed_and_a_first_publication_is_not(leader_page, make, client, login):
    """Through the roster page's publish button: the week published, then a shift for tomorrow
    called off and published again. The publish message names who to call."""
    team, page = leader_page
    thursday = WEDNESDAY + dt.timedelta(days=1)
    employee = make.employee(team=team, first_name="Dirk", last_name="Dekker", phone="06-33334444")
    roster, request = draft_with_one_shift(make, team, employee, thursday)

    def publish(lock=None) -> str:
        login(page.user)
        lock = db.session.get(Roster, roster.id).lock_version if lock is None else lock
        response = client.post("/rooster/publiceren", data={"week": roster.week, "team": team.id,
                                                             "lock_version": lock}, follow_redirects=True)
        client.post("/auth/logout")
        db.session.expire_all()
        return response.get_data(as_text=True)

    first = publish()
    assert "Gepubliceerd: versie 1" in first and "Op korte termijn" not in first
    assert section(page()) == ""

    db.session.execute(delete(Assignment).where(Assignment.roster_id == roster.id))
    eva = make.employee(team=team, first_name="Eva", last_name="Evers", phone="06-55556666")
    db.session.add(Assignment(roster_id=roster.id, employee_id=eva.id, date=thursday, request_id=request.id))
    db.session.commit()
    seen = db.session.get(Roster, roster.id).lock_version
    again = publish(seen)
    # Eva's shift on a day she had free is new work (the roster page marks it changed; she is called).
    assert "Gepubliceerd: versie 2. 1 nieuw, 0 gewijzigd, 1 vervallen." in again
    # The same form sent again (a double click, the back button): it went through, and says so.
    twice = publish(seen)
    assert "Dit rooster is al gepubliceerd. Medewerkers zien het." in twice
    assert "Iemand anders" not in twice and db.session.get(Roster, roster.id).version == 2
    assert "Op korte termijn veranderd voor: Dirk Dekker, Eva Evers. Bel ze even" in again
    listed = section(page())
    assert "donderdag 10 december:" in line_of(listed, "Dirk Dekker") and "gaat niet door." in listed
    # Eva was free that day and now works: a change too, not a first publication.
    assert re.search(r"donderdag 10 december:\s+werkt nu van 09:00 tot 15:00", line_of(listed, "Eva Evers"))


def test_publishing_another_week_does_not_name_this_weeks_changes(leader_page, make, client, login):
    team, page = leader_page
    anna = make.employee(team=team, first_name="Anna", last_name="Jansen")
    make.published_shift(employee=anna, date=WEDNESDAY + dt.timedelta(days=1), sequence=1)  # changed, for tomorrow
    next_monday = WEDNESDAY + dt.timedelta(days=5)
    roster, _request = draft_with_one_shift(make, team, make.employee(team=team, first_name="Bo"), next_monday)
    login(page.user)
    response = client.post("/rooster/publiceren", data={"week": roster.week, "team": team.id,
                                                         "lock_version": roster.lock_version}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Gepubliceerd: versie 1" in text and "Op korte termijn" not in text
    client.post("/auth/logout")
    assert "Anna Jansen" in section(page())  # still on the start page's list


def test_publishing_all_teams_tells_the_planner_of_short_notice_changes(leader_page, make, client, login):
    """The planner's publish-all button: the counts of all teams, and which teams have people to
    call (their team leaders see who on their start page)."""
    team, page = leader_page
    thursday = WEDNESDAY + dt.timedelta(days=1)
    planner = make.user("planner")
    make.team(name="Team Z")  # with one team the planner's roster page shows that team alone
    dirk = make.employee(team=team, first_name="Dirk", last_name="Dekker")
    roster, _request = draft_with_one_shift(make, team, dirk, thursday)

    def publish_all() -> str:
        login(planner)
        week_page = client.get(f"/rooster/?week={roster.week}").get_data(as_text=True)
        locks = re.search(r'name="locks" value="([^"]+)"', week_page).group(1)
        response = client.post("/rooster/publiceren-alle", data={"week": roster.week, "locks": locks},
                               follow_redirects=True)
        client.post("/auth/logout")
        db.session.expire_all()
        return response.get_data(as_text=True)

    first = publish_all()
    assert "1 rooster gepubliceerd. Medewerkers zien het nu. 1 nieuw, 0 gewijzigd, 0 vervallen." in first
    assert "Op korte termijn" not in first

    rosters.set_cell(roster.week, team.id, dirk.id, thursday, None,
                     lock_version=db.session.get(Roster, roster.id).lock_version)
    again = publish_all()
    assert "0 nieuw, 0 gewijzigd, 1 vervallen." in again
    assert ("Op korte termijn veranderd voor 1 medewerker van Team A. Die staat op je startpagina en op die van "
            'de teamleider: bel even. <a href="/home#short-notice-title">Bekijk de lijst</a>') in again
    assert "Dirk" not in again.split("Op korte termijn")[1].split("</")[0]  # a count: the names are on the list


def test_start_pages_say_which_teams_have_not_published_next_week(client, make, login, monkeypatch):
    monkeypatch.setattr(rosters, "today", lambda: WEDNESDAY)  # next week: 2026-W51
    done, draft, changed, empty = (make.team(name=n) for n in ("Team Klaar", "Team Concept", "Team Anders", "Team Leeg"))
    make.team(name="Team Weg", archived=True)
    db.session.add_all([Roster(week="2026-W51", team=done, version=1),
                        Roster(week="2026-W51", team=draft, version=0),
                        Roster(week="2026-W51", team=changed, version=2, has_unpublished_changes=True),
                        Roster(week="2026-W50", team=empty, version=1)])  # this week's does not count
    leader = make.user("team_leader", teams=[done, draft, changed, empty])
    planner = make.user("planner")
    db.session.commit()

    login(leader)
    html = client.get("/home").get_data(as_text=True)
    client.post("/auth/logout")
    assert "Team Klaar" not in html.split('class="tiles"')[1].split("</ul>")[1]  # only as a tile
    assert "Het rooster van Team Concept voor volgende week (2026-W51) is nog niet gepubliceerd" in html
    assert "Het rooster van Team Anders voor volgende week (2026-W51) heeft wijzigingen" in html
    assert "Team Leeg heeft nog geen rooster voor volgende week (2026-W51)." in html
    assert f'href="/rooster/?week=2026-W51&amp;team={draft.id}"' in html

    login(planner)
    html = client.get("/home").get_data(as_text=True)
    # Published but changed since is not "no published roster": told apart (a QA finding).
    said = " ".join(html.split())
    assert ("Volgende week (2026-W51): 2 teams hebben nog geen gepubliceerd rooster. 1 team heeft wijzigingen "
            "die de medewerkers nog niet zien.") in said
    assert said.count("Volgende week (2026-W51)") == 1  # the week named once


def free_a_told_shift_and_publish(client, login, make, page, team, employee, day: dt.date) -> str:
    """The employee's shift on `day`, published, is freed in the grid and the week published again
    by the team leader; the publish page's text."""
    roster, request = draft_with_one_shift(make, team, employee, day)
    roster.version, roster.status = 1, "published"
    make.published_shift(employee=employee, date=day, request_id=request.id)
    db.session.commit()
    login(page.user)
    rosters.set_cell(roster.week, team.id, employee.id, day, None, lock_version=roster.lock_version)
    published = client.post("/rooster/publiceren", data={"week": roster.week, "team": team.id,
                                                          "lock_version": db.session.get(Roster, roster.id).lock_version},
                            follow_redirects=True).get_data(as_text=True)
    client.post("/auth/logout")
    return published


def test_a_change_before_new_year_stays_listed_until_its_day(leader_page, make, client, login, monkeypatch):
    """Thursday 31 December the team leader frees Tuesday 5 January and publishes: that is short
    notice (1 January is a holiday), the publish says so, and the start page still lists it on
    Monday 4 January, the first working day after, and no longer once the day has passed."""
    team, page = leader_page
    monkeypatch.setattr(rosters, "today", lambda: dt.date(2026, 12, 31))
    gijs = make.employee(team=team, first_name="Gijs", last_name="Dijkstra", phone="06-12121212")
    published = free_a_told_shift_and_publish(client, login, make, page, team, gijs, dt.date(2027, 1, 5))
    assert "Op korte termijn veranderd voor: Gijs Dijkstra. Bel deze medewerker even" in published

    monkeypatch.setattr(rosters, "today", lambda: dt.date(2027, 1, 4))
    listed = section(page())
    assert "dinsdag 5 januari:" in line_of(listed, "Gijs Dijkstra")
    assert "Het werk van deze medewerker is de laatste dagen veranderd" in listed  # one person: singular
    monkeypatch.setattr(rosters, "today", lambda: dt.date(2027, 1, 6))
    assert section(page()) == ""


def test_a_change_told_in_time_is_not_listed_when_its_day_comes_near(leader_page, make, client, login,
                                                                     monkeypatch):
    team, page = leader_page
    tuesday = WEDNESDAY + dt.timedelta(days=6)
    anna = make.employee(team=team, first_name="Anna", last_name="Jansen")
    published = free_a_told_shift_and_publish(client, login, make, page, team, anna, tuesday)
    assert "1 vervallen" in published and "Op korte termijn" not in published

    monkeypatch.setattr(rosters, "today", lambda: tuesday - dt.timedelta(days=1))  # Monday: Tuesday is near
    assert section(page()) == ""
