"""A calendar-link page opened earlier acts only on the link it showed: a link someone else made,
renewed or revoked since is left as it is, and the page says nothing changed (a QA finding: a
stale "Link maken" renewed the link a colleague had just handed out, and a stale "intrekken"
revoked the new one)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, CalendarToken, FeedKind
from binnenwerk.services import tokens
from tests.conftest import TEST_PASSWORD

MADE_MEANWHILE = "Er is net al een link gemaakt, door iemand anders of in een ander venster. Er is niets veranderd."
RENEWED_MEANWHILE = ("Er is net al een nieuwe link gemaakt, door iemand anders of in een ander venster. "
                     "Er is niets veranderd.")
REVOKED_MEANWHILE = "De link is net ingetrokken, door iemand anders of in een ander venster. Er is niets veranderd."


@pytest.fixture
def world(make):
    team = make.team(name="Team Oost")
    anna = make.employee(team=team, first_name="Anna", last_name="Jansen")
    ministry = make.ministry(name="BZK")
    location = make.location(ministry=ministry, name="Rijnstraat")
    leader = make.user("team_leader", teams=[team])
    planner = make.user("planner")
    contact = make.user("ministry_contact", ministry=ministry)
    db.session.commit()
    return type("World", (), dict(team=team, anna=anna, location=location, leader=leader, planner=planner,
                                  contact=contact))


def browser(app, user):
    """A logged-in browser of its own: two members of staff, each with their own page open."""
    other = app.test_client()
    assert other.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    return other


def opened(browser, url: str) -> dict:
    """The page's form as it was when opened: the link it names (its hidden field)."""
    html = browser.get(url).get_data(as_text=True)
    named = re.findall(r'<input type="hidden" name="link" value="([^"]*)">', html)
    assert len(named) == 1, html
    return {"link": named[0]}


def text(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


def working(kind: FeedKind, subject) -> list[CalendarToken]:
    db.session.expire_all()
    column = tokens.SUBJECTS[kind.value][1]
    return list(db.session.scalars(select(CalendarToken).where(
        CalendarToken.kind == kind.value, getattr(CalendarToken, column) == subject.id,
        CalendarToken.revoked_at.is_(None))))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("calendar_token.%")).order_by(AuditEvent.id)))


def test_a_second_link_maken_keeps_the_link_a_colleague_just_made(app, world):
    leader, planner = browser(app, world.leader), browser(app, world.planner)
    page = f"/kalender/link/medewerker/{world.anna.id}"
    leaders_form, planners_form = opened(leader, page), opened(planner, page)
    assert leaders_form == planners_form == {"link": "none"}

    made = text(leader.post(f"{page}/vernieuwen", data=leaders_form, follow_redirects=True))
    assert "De link is gemaakt." in made
    handed_out = tokens.link_for(working(FeedKind.EMPLOYEE, world.anna)[0])

    late = text(planner.post(f"{page}/vernieuwen", data=planners_form, follow_redirects=True))
    assert MADE_MEANWHILE in late and "Hieronder staat de link die nu werkt." in late
    assert "De oude link werkt niet meer." not in late
    # The page shows the link that works, and the way to renew it if the planner still wants to.
    assert f"/week/{handed_out}" in late and "Nieuwe link maken" in late
    assert [tokens.link_for(row) for row in working(FeedKind.EMPLOYEE, world.anna)] == [handed_out]
    assert leader.get(f"/week/{handed_out}").status_code == 200
    assert audit_actions() == ["calendar_token.issue"]  # only what happened


def test_a_stale_revoke_page_leaves_the_link_renewed_since(app, world):
    tokens.issue(FeedKind.EMPLOYEE, world.anna)
    db.session.commit()
    leader, planner = browser(app, world.leader), browser(app, world.planner)
    base = f"/kalender/link/medewerker/{world.anna.id}"
    planners_form = opened(planner, f"{base}/intrekken")

    renewed = text(leader.post(f"{base}/vernieuwen", data=opened(leader, f"{base}/vernieuwen"),
                               follow_redirects=True))
    assert "Er is een nieuwe link gemaakt. De oude link werkt niet meer." in renewed
    new = tokens.link_for(working(FeedKind.EMPLOYEE, world.anna)[0])

    late = text(planner.post(f"{base}/intrekken", data=planners_form, follow_redirects=True))
    assert RENEWED_MEANWHILE in late and "De link is ingetrokken." not in late
    assert f"/week/{new}" in late and "Link intrekken" in late  # still theirs to revoke
    assert [tokens.link_for(row) for row in working(FeedKind.EMPLOYEE, world.anna)] == [new]
    assert planner.get(f"/week/{new}").status_code == 200
    assert audit_actions() == ["calendar_token.issue", "calendar_token.revoke", "calendar_token.issue"]


def test_a_stale_renew_page_leaves_the_link_renewed_since(app, world):
    tokens.issue(FeedKind.EMPLOYEE, world.anna)
    db.session.commit()
    leader, planner = browser(app, world.leader), browser(app, world.planner)
    ask = f"/kalender/link/medewerker/{world.anna.id}/vernieuwen"
    leaders_form, planners_form = opened(leader, ask), opened(planner, ask)

    leader.post(ask, data=leaders_form)
    handed_out = tokens.link_for(working(FeedKind.EMPLOYEE, world.anna)[0])
    late = text(planner.post(ask, data=planners_form, follow_redirects=True))

    assert RENEWED_MEANWHILE in late and "De oude link werkt niet meer." not in late
    assert [tokens.link_for(row) for row in working(FeedKind.EMPLOYEE, world.anna)] == [handed_out]
    assert audit_actions() == ["calendar_token.issue", "calendar_token.revoke", "calendar_token.issue"]


def test_a_stale_renew_page_makes_no_link_after_it_was_revoked(app, world):
    tokens.issue(FeedKind.EMPLOYEE, world.anna)
    db.session.commit()
    leader, planner = browser(app, world.leader), browser(app, world.planner)
    base = f"/kalender/link/medewerker/{world.anna.id}"
    planners_form = opened(planner, f"{base}/vernieuwen")
    leader.post(f"{base}/intrekken", data=opened(leader, f"{base}/intrekken"))

    late = text(planner.post(f"{base}/vernieuwen", data=planners_form, follow_redirects=True))

    assert REVOKED_MEANWHILE in late
    assert "Er is nu geen werkende link." in late and "Link maken" in late
    assert working(FeedKind.EMPLOYEE, world.anna) == []
    assert audit_actions() == ["calendar_token.issue", "calendar_token.revoke"]


@pytest.mark.parametrize("kind", [FeedKind.TEAM, FeedKind.LOCATION])
def test_team_and_location_links_keep_the_link_made_or_renewed_since(app, world, kind):
    subject, word = (world.team, "team") if kind == FeedKind.TEAM else (world.location, "locatie")
    first_user, second_user = (world.leader, world.planner) if kind == FeedKind.TEAM else (world.planner, world.contact)
    first, second = browser(app, first_user), browser(app, second_user)
    base = f"/kalender/link/{word}/{subject.id}"

    make_form = opened(second, base)
    first.post(f"{base}/vernieuwen", data=opened(first, base))
    assert MADE_MEANWHILE in text(second.post(f"{base}/vernieuwen", data=make_form, follow_redirects=True))
    made = working(kind, subject)

    revoke_form = opened(second, f"{base}/intrekken")
    first.post(f"{base}/vernieuwen", data=opened(first, f"{base}/vernieuwen"))
    renewed = working(kind, subject)
    assert len(made) == len(renewed) == 1 and renewed[0].id != made[0].id
    assert RENEWED_MEANWHILE in text(second.post(f"{base}/intrekken", data=revoke_form, follow_redirects=True))
    assert [row.id for row in working(kind, subject)] == [renewed[0].id]


def test_the_page_still_renews_and_revokes_the_link_it_shows(app, world):
    """No one else came between: the actions do as they did."""
    leader = browser(app, world.leader)
    base = f"/kalender/link/medewerker/{world.anna.id}"
    assert "De link is gemaakt." in text(leader.post(f"{base}/vernieuwen", data=opened(leader, base),
                                                     follow_redirects=True))
    first = working(FeedKind.EMPLOYEE, world.anna)
    assert "De oude link werkt niet meer." in text(leader.post(
        f"{base}/vernieuwen", data=opened(leader, f"{base}/vernieuwen"), follow_redirects=True))
    second = working(FeedKind.EMPLOYEE, world.anna)
    assert len(second) == 1 and second[0].id != first[0].id
    assert "De link is ingetrokken." in text(leader.post(
        f"{base}/intrekken", data=opened(leader, f"{base}/intrekken"), follow_redirects=True))
    assert working(FeedKind.EMPLOYEE, world.anna) == []


def test_a_form_naming_no_link_of_this_subject_changes_nothing(app, world, make):
    """A tampered field, or another person's link's id: no link of this page, so nothing changes."""
    tokens.issue(FeedKind.EMPLOYEE, world.anna)
    bram = make.employee(team=world.team, first_name="Bram")
    tokens.issue(FeedKind.EMPLOYEE, bram)
    db.session.commit()
    brams = working(FeedKind.EMPLOYEE, bram)[0].id
    annas = working(FeedKind.EMPLOYEE, world.anna)[0].id
    leader = browser(app, world.leader)
    base = f"/kalender/link/medewerker/{world.anna.id}"
    for value in ("abc", "-1", "99999999999", "\u00b2", "9" * 5000, str(brams), ""):
        for action in ("vernieuwen", "intrekken"):
            assert "Er is niets veranderd." in text(leader.post(f"{base}/{action}", data={"link": value},
                                                                follow_redirects=True)), (value, action)
    assert [row.id for row in working(FeedKind.EMPLOYEE, world.anna)] == [annas]
    assert [row.id for row in working(FeedKind.EMPLOYEE, bram)] == [brams]
    assert audit_actions() == ["calendar_token.issue", "calendar_token.issue"]


def test_renewing_or_revoking_a_link_stopped_at_this_same_moment_changes_nothing(world):
    """The look and the write are one UPDATE: a link renewed between the page's look and the
    click's write is not stopped again, and no second link is added."""
    anna = world.anna
    tokens.issue(FeedKind.EMPLOYEE, anna)
    db.session.commit()
    shown = working(FeedKind.EMPLOYEE, anna)[0].id
    tokens.renew(FeedKind.EMPLOYEE, anna)  # the colleague's click, just before this one's write
    db.session.commit()
    now = working(FeedKind.EMPLOYEE, anna)[0].id

    assert tokens.renew_current(FeedKind.EMPLOYEE, anna, shown) is None
    assert tokens.revoke_current(FeedKind.EMPLOYEE, anna, shown) is False
    db.session.commit()
    assert [row.id for row in working(FeedKind.EMPLOYEE, anna)] == [now]
    assert db.session.scalar(select(func.count(CalendarToken.id))) == 2
