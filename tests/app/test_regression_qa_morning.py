"""Findings of the regression pass over the morning's changes (2026-12-06)."""
from __future__ import annotations

from binnenwerk.admin.audit_details import describe
from binnenwerk.extensions import db
from binnenwerk.models import FeedKind
from binnenwerk.services import tokens


def test_a_repairs_first_day_reads_as_from_not_as_an_old_value(app):
    with app.test_request_context():
        words = str(describe("roster.repair", "week=2026-W50 from=2026-12-09 assignments=10 changed=10"))
        status = str(describe("request_cancel", "from=accepted"))
    assert "vanaf: 09-12-2026" in words and "was:" not in words
    assert status.startswith("was:")  # a status change keeps its old value's word


def test_the_empty_lists_give_advice_that_fits_any_filters_shown(client, make, login):
    team = make.team(name="Team Enkel")
    make.supervisor(team=team)
    login(make.user("team_leader", teams=[team]))
    for url in ("/teams/?naam=zzz", "/teams/teamleiders?naam=zzz"):
        page = client.get(url).get_data(as_text=True)
        assert "Zoek op iets anders of wis de filters." in page, url
        assert "kies een andere regio" not in page, url


def test_the_statement_with_a_slash_after_it_is_the_statement(client, make):
    employee = make.employee(make.team())
    token = tokens.issue(FeedKind.EMPLOYEE, employee)
    db.session.commit()
    response = client.get(f"/week/{token}/toegankelijkheid/")
    assert response.status_code == 200
    assert f'href="/week/{token}"' in response.get_data(as_text=True)
