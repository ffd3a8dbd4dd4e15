"""Staff read "je", a ministry contact "u": also on the pages both see (password, two-step, logout)."""
from __future__ import annotations

import pytest

from binnenwerk.extensions import db

NEW_PASSWORD = "Nieuw-wachtwoord-2027"


@pytest.mark.parametrize("role, you, your", [("ministry_contact", "U hebt", "Uw"), ("team_leader", "Je hebt", "Je")])
def test_the_shared_account_pages_address_each_reader_as_their_own_pages_do(client, login, make, role, you, your):
    user = make.user(role)
    user.must_change_password = True
    db.session.commit()
    login(user)

    page = client.get("/auth/wachtwoord").get_data(as_text=True)
    assert f"{you} een tijdelijk wachtwoord gekregen." in page
    wrong = client.post("/auth/wachtwoord", data={"current": "niet-dit", "new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert f"{your} huidige wachtwoord klopt niet." in wrong.get_data(as_text=True)
    changed = client.post("/auth/wachtwoord", data={"current": "Test-wachtwoord-2026", "new": NEW_PASSWORD,
                                                    "repeat": NEW_PASSWORD}, follow_redirects=True)
    assert f"{your} wachtwoord is gewijzigd." in changed.get_data(as_text=True)

    setup = client.get("/auth/tweestaps/instellen").get_data(as_text=True)
    assert f"QR-code voor {your.lower()} app" in setup
    assert f"Code uit {your.lower()} app (6 cijfers)" in setup

    out = client.post("/auth/logout", follow_redirects=True).get_data(as_text=True)
    assert ("U bent uitgelogd." if role == "ministry_contact" else "Je bent uitgelogd.") in out


def test_a_ministry_contact_locked_out_on_the_password_page_reads_u(client, login, make, app):
    app.config["LOCKOUT_THRESHOLD"] = 2
    login(make.user("ministry_contact"))
    for _try in range(2):
        response = client.post("/auth/wachtwoord", data={"current": "niet-dit", "new": NEW_PASSWORD,
                                                           "repeat": NEW_PASSWORD}, follow_redirects=True)
    assert "Uw account is daarom 15 minuten geblokkeerd." in response.get_data(as_text=True)


@pytest.mark.parametrize("role, can", [("ministry_contact", "Dit kunt u niet terugdraaien."),
                                       ("planner", "Dit kun je niet terugdraaien.")])
def test_the_location_link_pages_address_a_ministry_contact_with_u(client, login, make, role, can):
    from binnenwerk.models import FeedKind
    from binnenwerk.services import tokens

    ministry = make.ministry()
    location = make.location(ministry=ministry)
    archived = make.location(ministry=ministry, archived=True)
    tokens.issue(FeedKind.LOCATION, location)
    login(make.user(role, ministry=ministry if role == "ministry_contact" else None))

    for action in ("intrekken", "vernieuwen"):
        page = client.get(f"/kalender/link/locatie/{location.id}/{action}").get_data(as_text=True)
        assert can in page
        assert "kun je" not in page if role == "ministry_contact" else "kunt u" not in page
    cannot = "U kunt er geen link voor maken." if role == "ministry_contact" else "Je kunt er geen link voor maken."
    assert cannot in client.get(f"/kalender/link/locatie/{archived.id}").get_data(as_text=True)
    refused = client.post(f"/kalender/link/locatie/{archived.id}/vernieuwen", follow_redirects=True)
    assert refused.get_data(as_text=True).count(cannot) == 2  # the message and the page
