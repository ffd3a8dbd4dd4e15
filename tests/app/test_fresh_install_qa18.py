"""QA round 18: a new organisation starting from an empty database is told the next step where
it would otherwise meet a dead end: the login page without any account, the admin's first steps,
forms whose choices are still empty, and empty lists that said "none match" of a filter."""
from __future__ import annotations

import re

from binnenwerk.extensions import db


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def test_the_login_page_of_an_install_without_accounts_says_how_to_make_the_first_admin(client, make):
    page = text(client.get("/auth/login"))
    assert "Er is nog geen enkel account." in page
    assert "flask --app binnenwerk create-user --email … --name … --role admin" in page
    make.user(role="admin")
    db.session.commit()
    assert "nog geen enkel account" not in text(client.get("/auth/login"))


def test_the_admins_first_steps_lead_through_the_catalogue_in_order(client, login, make):
    admin = make.user(role="admin")
    db.session.commit()
    login(admin)
    html = client.get("/home").get_data(as_text=True)
    steps = re.findall(r'<li><a href="([^"]+)">', html.split('id="setup-title"')[1].split("</ol>")[0])
    assert steps == ["/beheer/werksoorten/nieuw", "/beheer/ministeries/nieuw", "/beheer/locaties/nieuw",
                     "/beheer/gebruikers/nieuw", "/beheer/gebruikers/nieuw"]
    # An empty ministry form says there is no work to agree on yet, and links to making it.
    form = text(client.get("/beheer/ministeries/nieuw"))
    assert "Er zijn nog geen werksoorten, dus dit ministerie kan nog niets aanvragen." in form
    assert "Er is nog geen ministerie om deze locatie bij te zetten." in text(client.get("/beheer/locaties/nieuw"))
    # Empty lists say "nog geen", not "none that match" a filter nobody set.
    assert 'Er zijn nog geen ministeries. Maak de eerste met de knop "Nieuw ministerie".' in text(
        client.get("/beheer/ministeries"))
    assert "Er zijn nog geen werksoorten." in text(client.get("/beheer/werksoorten"))
    assert "Er zijn nog geen locaties." in text(client.get("/beheer/locaties"))

    work = make.work_type("ict")
    ministry = make.ministry()
    ministry.work_types = [work]
    make.location(ministry=ministry)
    db.session.commit()
    html = client.get("/home").get_data(as_text=True)
    assert html.count("(gedaan)") == 3 and "/beheer/werksoorten/nieuw" not in html.split("setup-title")[1]
    assert "nog geen werksoorten" not in text(client.get("/beheer/ministeries/nieuw"))
    make.user(role="planner")
    make.user(role="team_leader")
    db.session.commit()
    assert 'id="setup-title"' not in client.get("/home").get_data(as_text=True)  # all done: no list


def test_an_archived_catalogue_still_reads_as_none_that_match(client, login, make):
    admin = make.user(role="admin")
    gone = make.work_type("oud")
    gone.archived = True
    db.session.commit()
    login(admin)
    page = text(client.get("/beheer/werksoorten"))
    assert "Er zijn geen werksoorten die hierbij passen." in page and "nog geen" not in page


def test_a_planner_without_teams_is_pointed_to_making_one(client, login, make):
    planner = make.user(role="planner")
    db.session.commit()
    login(planner)
    assert "Er zijn nog geen teams. Maak eerst een team bij Teams." in text(client.get("/kalender"))
    form = text(client.get("/teams/medewerkers/nieuw"))
    assert "Er zijn nog geen teams. Maak eerst een team ." in form


def test_the_roster_page_of_an_install_without_teams_offers_no_plan_button(client, login, make):
    planner = make.user(role="planner")
    db.session.commit()
    login(planner)
    response = client.get("/rooster/")
    assert response.status_code == 200
    assert "Er zijn nog geen teams. Maak eerst een team bij Teams." in text(response)
    assert "Plan alle teams" not in text(response)
