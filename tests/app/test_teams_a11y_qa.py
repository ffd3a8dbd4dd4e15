"""Accessibility QA on the teams pages: titles that say which list it is (WCAG 2.4.2), an error
summary in the order the page draws its fields (3.3.1), a team's name said once in its heading."""
from __future__ import annotations

import re

import pytest

from .edit_forms import post_edit


def _text(response):
    return response.get_data(as_text=True)


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).split(" · ")[0].strip()


def _h1(html: str) -> str:
    inner = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", inner)).strip()


def _summary_targets(html: str) -> list[str]:
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    return re.findall(r'<a href="#([^"]+)"', summary)


def _in_page_order(html: str, targets: list[str]) -> list[str]:
    """The targets as the page draws them: by where each id stands after the summary."""
    after = html.index("</div>", html.index('class="error-summary"'))
    return sorted(targets, key=lambda target: html.index(f'id="{target}"', after))


@pytest.mark.parametrize("path, active, archived", [
    ("/teams/", "Teams", "Gearchiveerde teams"),
    ("/teams/medewerkers", "Medewerkers", "Oud-medewerkers"),
    ("/teams/teamleiders", "Teamleiders", "Gearchiveerde teamleiders"),
])
def test_an_archive_list_has_its_own_title_the_same_as_its_heading(client, make, login, path, active, archived):
    login(make.user(role="planner"))
    for query, expected in (("", active), ("?archief=1", archived)):
        html = _text(client.get(path + query))
        assert _h1(html) == expected
        assert _title(html) == expected, query


def test_a_team_leaders_team_page_is_named_as_the_menu_names_it(client, make, login):
    """The menu's "Mijn team" opened a page called "Teams" (WCAG 2.4.6, a QA finding)."""
    first = make.team(name="Team Een")
    leader = make.user(role="team_leader", teams=[first])
    login(leader)
    html = _text(client.get("/teams/"))
    assert _h1(html) == "Mijn team" and _title(html) == "Mijn team"
    assert re.search(r'<a[^>]*aria-current="page"[^>]*>Mijn team</a>', html)
    second = make.team(name="Team Twee")
    leader.teams.append(second)
    from binnenwerk.extensions import db
    db.session.commit()
    html = _text(client.get("/teams/"))
    assert _h1(html) == "Mijn teams" and _title(html) == "Mijn teams"
    assert re.search(r'<a[^>]*>Mijn teams</a>', html) and _h1(_text(client.get("/home"))) == "Mijn teams"


def _employee_with_errors(make):
    make.team(name="Team Haaglanden")
    make.work_type()
    data = {"first_name": "Sanne", "last_name": "de Vries", "team_id": "", "contract_hours": "xx",
            "max_hours_per_day": "", "contract_start": "", "contract_end": "", "phone": "", "email": "",
            "job_coach_name": "", "job_coach_phone": "", "job_coach_email": "",
            "availability-0-available": "y", "availability-0-start": "abc", "availability-0-end": "16:00"}
    for index in range(1, 7):
        data[f"availability-{index}-start"] = data[f"availability-{index}-end"] = ""
    return "/teams/medewerkers/nieuw", data


def _employee_every_section_wrong(make):
    path, data = _employee_with_errors(make)
    data.update({"max_hours_per_day": "99", "contract_start": "2026-03-01", "contract_end": "2026-01-01",
                 "phone": "bel me", "email": "geen-adres", "job_coach_phone": "x", "job_coach_email": "x"})
    return path, data


def _supervisor_with_errors(make):
    make.work_type()
    data = {"name": "", "phone": "bel me", "email": "geen-adres", "team_id": "999999", "region": "",
            "user_id": "999999", "availability-0-available": "y", "availability-0-start": "abc",
            "availability-0-end": "16:00"}
    for index in range(1, 7):
        data[f"availability-{index}-start"] = data[f"availability-{index}-end"] = ""
    return "/teams/teamleiders/nieuw", data


def _absence_with_errors(make):
    make.employee()
    data = {"person": "", "kind": "", "start_date": "2026-03-05", "end_date": "2026-03-01",
            "start_time": "abc", "end_time": "", "note": "x" * 300}
    return "/teams/afwezigheid/nieuw", data


def _team_with_errors(make):
    data = {"name": "", "region": "", "home_location_id": "999999", "max_size": "99"}
    return "/teams/nieuw", data


@pytest.mark.parametrize("build", [_employee_with_errors, _employee_every_section_wrong,
                                   _supervisor_with_errors, _absence_with_errors, _team_with_errors])
def test_the_error_summary_lists_the_problems_in_the_order_of_the_page(client, make, login, build):
    login(make.user(role="planner"))
    path, data = build(make)
    html = _text(client.post(path, data=data))
    targets = _summary_targets(html)
    assert len(targets) >= 3, targets
    assert targets == _in_page_order(html, targets)


def test_the_employee_summary_names_the_contract_start_before_the_week(client, make, login):
    """The QA's case: 'Begin contract' came last, after the availability and the work types."""
    login(make.user(role="planner"))
    path, data = _employee_with_errors(make)
    html = _text(client.post(path, data=data))
    targets = _summary_targets(html)
    assert targets == ["team_id", "contract_hours", "max_hours_per_day", "contract_start",
                       "availability-0-start", "work_type_ids"]


@pytest.mark.parametrize("name, heading", [
    ("Team Den Haag 1", "Team Den Haag 1 wijzigen"),
    ("team zuid", "team zuid wijzigen"),
    ("Haaglanden", "Team Haaglanden wijzigen"),
    ("Teamwerk Oost", "Team Teamwerk Oost wijzigen"),
])
def test_a_team_name_that_says_team_is_not_said_twice_in_the_heading(client, make, login, name, heading):
    team = make.team(name=name, region="Den Haag")
    login(make.user(role="planner"))
    html = _text(client.get(f"/teams/{team.id}/wijzigen"))
    assert _h1(html) == heading
    assert _title(html) == heading


def test_a_refused_team_edit_keeps_the_heading_and_marks_the_title(client, make, login):
    team = make.team(name="Team Den Haag 1", region="Den Haag")
    login(make.user(role="planner"))
    response = post_edit(client, f"/teams/{team.id}/wijzigen",
                         {"name": "", "region": "Den Haag", "home_location_id": "", "max_size": "15"})
    html = _text(response)
    assert _h1(html) == "Team Den Haag 1 wijzigen"
    assert _title(html) == "Fout: Team Den Haag 1 wijzigen"
