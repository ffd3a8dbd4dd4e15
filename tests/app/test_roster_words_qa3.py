"""Roster words: the history's labels for every kind of line, its messages in one table, week
sheets printed in the employees' language, and a full request of one in the singular."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from binnenwerk import planning, roster_history
from binnenwerk.extensions import db
from binnenwerk.models import Roster
from binnenwerk.services import rosters as service
from scheduling.checker import Violation
from tests.conftest import english_client

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

MON = dt.date(2026, 12, 7)
ROOT = Path(__file__).resolve().parents[2]

NEW_LINES = {  # the hooks' history lines for shifts that no longer fit, and their label in "Wat"
    "moved_team": ("Ander team", dict(name="Anna Jansen", team="Team B", day=MON)),
    "work_type_dropped": ("Werksoorten veranderd", dict(name="Anna Jansen", day=MON)),
    "location_dropped": ("Locaties veranderd", dict(name="Anna Jansen", day=MON)),
    "over_contract": ("Contracturen veranderd", dict(name="Anna Jansen", week="2026-W50")),
    "outside_region": ("Regio veranderd", dict(name="Anna Jansen", day=MON)),
}


def test_the_messages_for_shifts_that_no_longer_fit_are_in_the_history_table_itself():
    """Not added to it when the rosters service happens to be imported (a CLI or a job that reads
    the history without it worded them as their stored Dutch text)."""
    found = subprocess.run(
        [sys.executable, "-c", "import binnenwerk.roster_history as h, sys; "
                               "print(sorted(h.MESSAGES)); print('binnenwerk.services.rosters' in sys.modules)"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
    assert set(NEW_LINES) <= set(eval(found[0])) and found[1] == "False"  # noqa: S307 (our own output)


def test_the_history_page_labels_every_kind_of_line(client, login, make):
    team = make.team(name="Team A")
    roster = Roster(week="2026-W50", team=team)
    db.session.add(roster)
    db.session.flush()
    for key, (_label, values) in NEW_LINES.items():
        roster_history.record(roster, None, key, key, employee=1, **values)
    login(make.user("planner"))
    page = client.get(f"/rooster/{roster.id}/geschiedenis").get_data(as_text=True)
    what = [" ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<tr><td>.*?</td><td>.*?</td>\s*<td>(.*?)</td>", page, re.S)]
    assert sorted(what) == sorted(label for label, _values in NEW_LINES.values())
    assert "Anna Jansen zit nu in Team B, maar staat op maandag 7 december nog in dit rooster." in page


def team_with_a_published_week(make):
    team = make.team(name="Team Papier")
    make.supervisor(team, name="Tineke", phone="06-12345678")
    anna = make.employee(team, first_name="Anna", last_name="Jansen")
    make.published_shift(employee=anna, date=MON, location=make.location(name="Rijnstraat 8"), team_id=team.id)
    db.session.add(Roster(week="2026-W50", team=team, version=1, published_at=dt.datetime(2026, 12, 1)))
    db.session.commit()
    return team, anna


def sheet_of(html: str, person) -> str:
    return html.split(f'id="weekbriefje-{person.id}"')[1].split("</section>")[0]


def test_week_sheets_print_in_dutch_for_a_team_leader_who_reads_english(app_with, make):
    team, anna = team_with_a_published_week(make)
    english = english_client(app_with, make, role="planner")
    url = f"/rooster/weekbriefjes?week=2026-W50&team={team.id}"
    html = english.get(url).get_data(as_text=True)
    assert "Jouw werk, Anna" in sheet_of(html, anna) and "Je werkt van 09:00 tot 15:00." in sheet_of(html, anna)
    assert "Maandag 7 december" in sheet_of(html, anna)
    assert '<div lang="nl">' in html
    assert "Week sheets" in html or "week sheets" in html.lower()  # the page around them: English
    assert "The sheets are in Dutch." in html
    link = re.search(r'<a href="([^"]+)">Print in English</a>', html)
    assert link and "taal=en" in link.group(1)
    english_sheets = english.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "Your work, Anna" in sheet_of(english_sheets, anna) and '<div lang="en">' in english_sheets
    assert "Monday 7 December" in sheet_of(english_sheets, anna)


def test_week_sheets_print_in_dutch_for_a_dutch_team_leader_with_english_on_request(client, login, make):
    team, anna = team_with_a_published_week(make)
    login(make.user("team_leader", teams=[team]))
    url = f"/rooster/weekbriefjes?week=2026-W50&team={team.id}"
    html = client.get(url).get_data(as_text=True)
    assert "Jouw werk, Anna" in sheet_of(html, anna) and "De briefjes zijn in het Nederlands." in html
    assert f'href="/rooster/weekbriefjes?week=2026-W50&amp;team={team.id}&amp;taal=en">Afdrukken in het Engels' in html


def test_a_full_request_of_one_says_employee_in_the_singular_in_english_too(make):
    """The English of the refusal that a request has its people already (a msgid with a plural)."""
    from flask_babel import force_locale, refresh

    from tests.conftest import compile_english_catalog

    compile_english_catalog()
    refresh()
    wt = make.work_type("keyboards", name_nl="Toetsenborden", name_en="Keyboards")
    team = make.team("Den Haag")
    make.employee(team, work_types=[wt])
    req = make.request(make.location("Den Haag", name="Rijnstraat 8"), wt, headcount=1, start_date=MON)
    db.session.commit()
    _problem, idmap = planning.build_problem("2026-W50", [team.id])
    full = Violation(rule=5, message="", request=planning.rid(req.id), date=MON)
    with force_locale("nl"):
        assert service.broken_rule(full, idmap) == ("Toetsenborden Rijnstraat 8 heeft op maandag 7 december al de "
                                                    "gevraagde 1 medewerker")
    with force_locale("en"):
        assert service.broken_rule(full, idmap) == ("Keyboards Rijnstraat 8 already has the 1 requested employee "
                                                    "on Monday 7 December")
    req.headcount = 2
    with force_locale("en"):
        assert service.broken_rule(full, idmap) == ("Keyboards Rijnstraat 8 already has the 2 requested employees "
                                                    "on Monday 7 December")


def test_a_refused_publication_of_many_teams_names_a_few_and_counts_the_rest(app):
    from flask_babel import force_locale

    from binnenwerk.models import Team

    teams = [Team(id=n, name=f"Team {n:02d}", region="Den Haag") for n in range(7, 0, -1)]
    with force_locale("nl"):
        assert service.publish_conflict("2026-W50", teams[-2:]).message == (
            "De roosters van Team 01 en Team 02 zijn net veranderd. Er is niets gepubliceerd. Bekijk ze en publiceer "
            "opnieuw.")
        assert service.publish_conflict("2026-W50", teams).message.startswith(
            "De roosters van Team 01, Team 02, Team 03, Team 04, Team 05 en nog 2 andere teams zijn net veranderd.")
        assert service.publish_conflict("2026-W50", []).message == (
            "Een rooster van week 2026-W50 is net veranderd. Er is niets gepubliceerd. Bekijk de roosters en "
            "publiceer opnieuw.")
