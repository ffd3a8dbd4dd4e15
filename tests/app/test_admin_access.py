"""Only admins reach the management pages; every other role gets 403, a visitor the login page."""
import pytest

from binnenwerk.extensions import db
from binnenwerk.models import Ministry

PAGES = [
    "/beheer/gebruikers", "/beheer/gebruikers/nieuw", "/beheer/ministeries", "/beheer/ministeries/nieuw",
    "/beheer/locaties", "/beheer/locaties/nieuw", "/beheer/werksoorten", "/beheer/werksoorten/nieuw",
]


@pytest.mark.parametrize("role", ["planner", "team_leader", "ministry_contact"])
def test_other_roles_get_403_on_every_admin_page(client, make, login, role):
    ministry = make.ministry(name="Blijft staan")
    login(make.user(role=role, ministry=ministry if role == "ministry_contact" else None))
    for url in PAGES + [f"/beheer/ministeries/{ministry.id}", f"/beheer/ministeries/{ministry.id}/verwijderen"]:
        assert client.get(url).status_code == 403, url
    assert client.post("/beheer/ministeries/nieuw", data={"code": "X", "name": "Stiekem"}).status_code == 403
    assert client.post(f"/beheer/ministeries/{ministry.id}/verwijderen").status_code == 403
    assert client.post(f"/beheer/ministeries/{ministry.id}/archiveren").status_code == 403
    db.session.expire_all()
    assert [m.name for m in db.session.query(Ministry)] == ["Blijft staan"]
    assert db.session.get(Ministry, ministry.id).archived is False


def test_visitor_is_sent_to_the_login_page(client):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url


def test_admin_menu_links_to_every_management_page(client, make, login):
    login(make.user(role="admin"))
    page = client.get("/home").get_data(as_text=True)
    for url in ("/beheer/gebruikers", "/beheer/ministeries", "/beheer/locaties", "/beheer/werksoorten"):
        assert f'href="{url}"' in page


def test_every_admin_page_renders_for_an_admin_with_demo_data(client, demo, login):
    from sqlalchemy import select

    from binnenwerk.models import Location, User, WorkType

    admin = db.session.scalar(select(User).where(User.email == "admin@binnenwerk.example"))
    client.post("/auth/login", data={"email": admin.email, "password": demo.password})
    location = db.session.scalar(select(Location))
    work_type = db.session.scalar(select(WorkType))
    ministry = db.session.scalar(select(Ministry))
    urls = PAGES + [
        f"/beheer/gebruikers/{admin.id}", f"/beheer/locaties/{location.id}", f"/beheer/werksoorten/{work_type.id}",
        f"/beheer/ministeries/{ministry.id}", f"/beheer/locaties/{location.id}/verwijderen",
        f"/beheer/werksoorten/{work_type.id}/verwijderen", "/beheer/gebruikers?status=alle",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
