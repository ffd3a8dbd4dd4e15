"""QA round 18: a refusal flashed before a redirect (archiving a team that still has people, a
location with a running request) titles the page it leads to "Fout:", as a refused form does
(WCAG 2.4.2 with 3.3.1: the title is the first thing a screen reader reads of the new page)."""
from __future__ import annotations

import re

from binnenwerk.extensions import db


def title(response) -> str:
    return " ".join(re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S).group(1).split())


def csrf(client, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def test_a_refused_team_archive_titles_the_page_it_leads_to_as_an_error(client, login, make):
    team = make.team(name="Team A")
    make.employee(team=team)
    planner = make.user("planner")
    db.session.commit()
    login(planner)
    page = client.get(f"/teams/{team.id}")
    assert not title(page).startswith("Fout:")
    form = re.search(r'<form[^>]+action="([^"]*archiveren[^"]*)"', page.get_data(as_text=True))
    assert form, "no archive form on the team page"
    refused = client.post(form.group(1), data={"csrf_token": csrf(client, f"/teams/{team.id}")},
                          follow_redirects=True)
    assert "flash-error" in refused.get_data(as_text=True)
    assert title(refused).startswith("Fout: ")
    # The next page, without the message, is titled as usual again.
    assert not title(client.get(f"/teams/{team.id}")).startswith("Fout:")


def test_a_refused_location_archive_titles_the_admin_page_as_an_error(client, login, make):
    location = make.location(name="Rijnstraat 8")
    make.request(location=location, headcount=1)
    admin = make.user("admin")
    db.session.commit()
    login(admin)
    url = f"/beheer/locaties/{location.id}"
    refused = client.post(f"/beheer/locaties/{location.id}/archiveren", data={"csrf_token": csrf(client, url)},
                          follow_redirects=True)
    assert "lopende inzetaanvraag" in refused.get_data(as_text=True)
    assert title(refused).startswith("Fout: ")
