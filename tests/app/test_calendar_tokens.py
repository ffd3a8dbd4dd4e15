"""Secret calendar links: derived from a nonce and the SECRET_KEY, stored only as a hash."""
import hashlib

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, CalendarToken, FeedKind
from binnenwerk.services import ServiceError, tokens


def test_issue_returns_a_long_url_safe_token_and_stores_only_its_hash(app, make):
    employee = make.employee()
    token = tokens.issue(FeedKind.EMPLOYEE, employee)
    db.session.commit()
    row = db.session.scalars(select(CalendarToken)).one()
    assert len(token) == 32 and tokens.TOKEN_RE.match(token)  # 32 base64url chars = 192 bits
    assert not tokens.TOKEN_RE.match(token + "\n")  # `$` would let a trailing newline through
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (row.nonce, row.token_hash)
    assert row.kind == "employee" and row.employee_id == employee.id and row.revoked_at is None


def test_two_issued_tokens_differ(app, make):
    first = tokens.issue(FeedKind.EMPLOYEE, make.employee())
    second = tokens.issue(FeedKind.EMPLOYEE, make.employee())
    assert first != second


def test_link_for_shows_the_same_token_again(app, make):
    token = tokens.issue(FeedKind.TEAM, make.team())
    row = tokens.resolve(token)
    assert row is not None and tokens.link_for(row) == token


def test_a_database_row_alone_does_not_give_the_token_without_the_secret_key(app, make):
    token = tokens.issue(FeedKind.EMPLOYEE, make.employee())
    db.session.commit()
    row = db.session.scalars(select(CalendarToken)).one()
    leaked = {"nonce": row.nonce, "token_hash": row.token_hash}
    app.config["SECRET_KEY"] = "an attacker's guess"
    guessed = tokens.link_for(row)
    assert guessed != token
    assert tokens.resolve(guessed) is None
    assert hashlib.sha256(guessed.encode()).hexdigest() != leaked["token_hash"]
    # A new SECRET_KEY also retires the old links.
    assert tokens.resolve(token) is None


def test_one_active_token_per_subject(app, make):
    employee = make.employee()
    old = tokens.issue(FeedKind.EMPLOYEE, employee)
    new = tokens.issue(FeedKind.EMPLOYEE, employee)
    db.session.commit()
    assert tokens.resolve(old) is None
    assert tokens.resolve(new) is not None
    active = db.session.scalars(
        select(CalendarToken).where(CalendarToken.employee_id == employee.id, CalendarToken.revoked_at.is_(None))
    ).all()
    assert len(active) == 1


def test_revoke_stops_the_token_and_revoking_twice_is_refused(app, make):
    token = tokens.issue(FeedKind.LOCATION, make.location())
    row = tokens.resolve(token)
    tokens.revoke(row)
    db.session.commit()
    assert tokens.resolve(token) is None
    with pytest.raises(ServiceError):
        tokens.revoke(row)


def test_renew_makes_the_old_token_fail_and_the_new_one_work(app, make):
    team = make.team()
    old = tokens.issue(FeedKind.TEAM, team)
    new = tokens.renew(FeedKind.TEAM, team)
    db.session.commit()
    assert new != old
    assert tokens.resolve(old) is None
    assert tokens.resolve(new).team_id == team.id


@pytest.mark.parametrize("junk", ["", "x", "a" * 31, "a" * 33, "a" * 5000, "../../etc/passwd", "ä" * 32, None, 42])
def test_resolve_refuses_junk(app, make, junk):
    tokens.issue(FeedKind.EMPLOYEE, make.employee())
    assert tokens.resolve(junk) is None


def test_issue_refuses_a_subject_of_the_wrong_kind(app, make):
    team = make.team()
    with pytest.raises(ServiceError):
        tokens.issue(FeedKind.EMPLOYEE, team)
    with pytest.raises(ServiceError):
        tokens.issue("birthday", make.team())


def test_issue_and_revoke_are_audited_without_the_token(app, make):
    employee = make.employee()
    token = tokens.issue(FeedKind.EMPLOYEE, employee)
    tokens.revoke(tokens.resolve(token))
    db.session.commit()
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["calendar_token.issue", "calendar_token.revoke"]
    row = db.session.scalars(select(CalendarToken)).one()
    for event in events:
        assert event.object_type == "CalendarToken" and event.object_id == str(row.id)
        assert token not in event.detail and row.nonce not in event.detail
