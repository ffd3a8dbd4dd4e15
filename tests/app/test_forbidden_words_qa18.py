"""QA round 18: a page a role may not open says whose work it is and whom to ask, not only "no"
(a team leader following a planner's link to a request, a planner on the admin's pages)."""
from __future__ import annotations

import re

from binnenwerk.extensions import db


def words(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def test_each_role_is_told_whom_to_ask(client, login, make):
    team = make.team(name="Team A")
    cases = [
        (make.user(role="team_leader", teams=[team]), "/aanvragen/", "Dit is werk van de planner. Heb je dit nodig? Vraag het de planner."),
        (make.user(role="team_leader", teams=[team]), "/beheer/gebruikers", "Dit is werk van de beheerder."),
        (make.user(role="planner"), "/beheer/gebruikers", "Dit is werk van de beheerder. Heb je dit nodig? Vraag het de beheerder."),
        (make.user(role="ministry_contact", ministry=make.ministry()), "/teams/",
         "Deze pagina is voor medewerkers van Binnenwerk. Heeft u hier iets nodig? Neem dan contact op met de planner van Binnenwerk."),
    ]
    db.session.commit()
    for user, url, said in cases:
        login(user)
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Met dit account is deze pagina niet te openen." in words(response)
        assert said in words(response), (user.role, url)
        client.post("/auth/logout")
