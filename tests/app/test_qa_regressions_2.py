"""QA regression pass 2 (2026-12-05): required groups, "Fout:" titles, the week fallback, wording."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from flask_babel import force_locale, gettext

from binnenwerk.extensions import db
from binnenwerk.services import feeds

from .edit_forms import post_edit

SATURDAY = dt.date(2026, 12, 5)   # the page opens on the coming week, 2026-W50
WEDNESDAY = dt.date(2026, 12, 9)  # 2026-W50 itself
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _legend(page: str, label: str) -> str:
    found = re.search(rf"<legend>{label}(.*?)</legend>", page, re.S)
    assert found, label
    return found.group(1)


@pytest.fixture
def on(monkeypatch):
    """on(day): every page takes `day` as today."""

    def set_today(day: dt.date):
        monkeypatch.setattr(feeds, "local_today", lambda: day)

    return set_today


# --- 6: required checkbox groups ----------------------------------------------------------------


def test_required_checkbox_groups_say_so_and_a_refused_week_marks_its_boxes(client, login, make):
    team = make.team()
    make.work_type()
    employee = make.employee(team=team)
    supervisor = make.supervisor(team=team)
    login(make.user("planner"))
    urls = ["/teams/medewerkers/nieuw", f"/teams/medewerkers/{employee.id}/wijzigen", "/teams/teamleiders/nieuw",
            f"/teams/teamleiders/{supervisor.id}/wijzigen"]
    for url in urls:
        page = _text(client.get(url))
        for label in ("Werksoorten", "Beschikbaarheid per week"):
            assert "(verplicht)" in _legend(page, label), (url, label)
        refused = post_edit(client, url, {}) if "wijzigen" in url else client.post(url, data={})
        assert refused.status_code == 422, url
        page = _text(refused)
        assert "Kies minstens één dag waarop iemand kan werken." in page, url
        boxes = re.findall(r'<input[^>]*name="availability-\d-available"[^>]*>', page)
        assert len(boxes) == 7 and all('aria-invalid="true"' in box for box in boxes), url
        assert "(verplicht)" in _legend(page, "Beschikbaarheid per week"), url


def test_optional_checkbox_groups_stay_unmarked(client, login, make):
    make.team()
    login(make.user("planner"))
    page = _text(client.get("/teams/medewerkers/nieuw"))
    assert "(verplicht)" not in _legend(page, "Locaties waar iemand mag werken")
    boxes = re.findall(r'<input[^>]*name="availability-\d-available"[^>]*>', page)
    assert boxes and not any("aria-invalid" in box for box in boxes)


# --- 7: "Fout:" in the title of every refused form ----------------------------------------------


def test_a_wrong_password_says_fout_in_the_title(client, make):
    user = make.user("planner")
    db.session.commit()
    assert not TITLE.search(_text(client.get("/auth/login"))).group(1).startswith("Fout")
    refused = client.post("/auth/login", data={"email": user.email, "password": "niet-het-wachtwoord"})
    assert refused.status_code == 401
    assert TITLE.search(_text(refused)).group(1).startswith("Fout: Inloggen")


def test_ending_a_contract_without_a_date_says_fout_in_the_title(client, login, make):
    team = make.team()
    employee = make.employee(team=team, first_name="Gijs", last_name="Dijkstra")
    login(make.user("team_leader", teams=[team]))
    assert not TITLE.search(_text(client.get(f"/teams/medewerkers/{employee.id}"))).group(1).startswith("Fout")
    refused = client.post(f"/teams/medewerkers/{employee.id}/contract-beeindigen", data={"contract_end": ""})
    assert refused.status_code == 422 and "Vul de laatste werkdag in." in _text(refused)
    assert TITLE.search(_text(refused)).group(1).startswith("Fout: Gijs Dijkstra")


# --- 10 and 11: the week shown when the week asked for is none ----------------------------------


def test_a_junk_week_at_the_weekend_names_the_coming_week_it_shows(client, login, make, on):
    team = make.team()
    login(make.user("team_leader", teams=[team]))
    on(SATURDAY)
    page = _text(client.get("/rooster/", query_string={"week": "abc", "team": team.id}))
    assert "&#39;abc&#39; is geen week die we kennen. Je ziet nu de komende week (2026-W50)." in page
    assert "Je ziet nu deze week" not in page and 'value="2026-W50"' in page
    on(WEDNESDAY)
    page = _text(client.get("/rooster/", query_string={"week": "abc", "team": team.id}))
    assert "&#39;abc&#39; is geen week die we kennen. Je ziet nu deze week." in page


def test_the_ministry_planning_page_names_the_coming_week_at_the_weekend(client, login, make, on):
    login(make.user("ministry_contact"))
    on(SATURDAY)
    page = _text(client.get("/aanvragen/planning?week=onzin"))
    assert "&#39;onzin&#39; is geen week die we kennen. U ziet nu de komende week (2026-W50)." in page
    assert "U ziet nu deze week" not in page
    on(WEDNESDAY)
    page = _text(client.get("/aanvragen/planning?week=onzin"))
    assert "&#39;onzin&#39; is geen week die we kennen. U ziet nu deze week." in page
    page = _text(client.get("/aanvragen/planning", query_string={"week": "week 53 2027"}))
    assert "&#39;week 53 2027&#39; is geen week die we kennen. De weken van 2027 lopen van 1 tot en met 52. U ziet nu deze week." in page


def test_the_cli_names_a_week_that_does_not_exist_once(runner, tmp_path, on):
    on(WEDNESDAY)
    result = runner.invoke(args=["plan", "export", "--week", "week 53 2027", "--out", str(tmp_path / "p.json")])
    assert result.exit_code != 0
    assert "Week 53 van 2027 bestaat niet: de weken van 2027 lopen van 1 tot en met 52." in result.output
    assert "Week week" not in result.output
    result = runner.invoke(args=["plan", "solve", "--week", "1999-W10"])
    assert "Week 10 van 1999 valt buiten de jaren die we plannen (2000 tot en met 2100)." in result.output


def test_the_week_box_says_how_many_weeks_the_year_has(client, login, make, on):
    team = make.team()
    login(make.user("team_leader", teams=[team]))
    on(WEDNESDAY)
    page = _text(client.get("/rooster/", query_string={"week": "2027-W53", "team": team.id}))
    assert "&#39;2027-W53&#39; is geen week die we kennen. De weken van 2027 lopen van 1 tot en met 52. Je ziet nu deze week." in page


# --- 12: a team edit without max_size ------------------------------------------------------------


def test_a_team_edit_without_max_size_is_refused_on_the_field(client, login, make):
    team = make.team(name="Team Zonder", region="Utrecht")
    login(make.user("planner"))
    response = post_edit(client, f"/teams/{team.id}/wijzigen",
                         {"name": "Team Zonder", "region": "Utrecht", "home_location_id": ""})
    assert response.status_code == 422
    assert "Vul een aantal in van 1 tot en met 15." in _text(response)


# --- 13: wording ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name, said", [
    ("Team Den Haag 1", "Team Den Haag 1 is vol: er zijn al 2 medewerkers en het maximum is 2."),
    ("Den Haag 2", "Team Den Haag 2 is vol: er zijn al 2 medewerkers en het maximum is 2."),
])
def test_a_full_team_is_named_once(client, login, make, name, said):
    team = make.team(name=name, max_size=2)
    work_type = make.work_type()
    for _ in range(2):
        make.employee(team=team)
    login(make.user("planner"))
    data = {"first_name": "Éva", "last_name": "Groß", "team_id": str(team.id), "contract_hours": "20",
            "max_hours_per_day": "8", "contract_start": "2026-01-05", "work_type_ids": [str(work_type.id)],
            "availability-0-available": "y", "availability-0-start": "08:00", "availability-0-end": "16:00"}
    response = client.post("/teams/medewerkers/nieuw", data=data)
    assert response.status_code == 422
    assert said in _text(response) and "Team Team" not in _text(response)


def test_publish_counts_use_one_english_word_for_cancelled(app):
    with app.test_request_context(), force_locale("en"):
        one_team = gettext("Versie %(v)d gepubliceerd: %(new)d nieuw, %(changed)d gewijzigd, %(cancelled)d vervallen.",
                           v=2, new=1, changed=0, cancelled=3)
        every_team = gettext("%(new)d nieuw, %(changed)d gewijzigd, %(cancelled)d vervallen.",
                             new=1, changed=0, cancelled=3)
    assert one_team.endswith("3 cancelled.") and every_team == "1 new, 0 changed, 3 cancelled."



def test_an_archived_team_is_named_once_in_the_refusal(make):
    from binnenwerk.services import ServiceError
    from binnenwerk.services.teams import ensure_room_in_team

    for name, said in (("Team Oost", "Team Oost is gearchiveerd."), ("Oost 2", "Team Oost 2 is gearchiveerd.")):
        team = make.team(name=name, archived=True)
        db.session.commit()
        with pytest.raises(ServiceError) as refused:
            ensure_room_in_team(team.id)
        assert refused.value.message == said
