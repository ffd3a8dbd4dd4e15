"""Secret calendar links: issue, show again, resolve, revoke and renew feed tokens.

A token is derived from a random nonce and the app's SECRET_KEY (HMAC-SHA256, 192 bits kept).
The database holds only the nonce and the token's SHA-256 hash: the hash finds the row, and a
leaked row without the SECRET_KEY gives no working link. The team leader can still show the
link again, because the app can derive it from the nonce.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from .. import audit
from ..extensions import db
from ..models import CalendarToken, Employee, FeedKind, Location, Team, utcnow
from . import ServiceError

TOKEN_LENGTH = 32  # base64url characters: 192 bits
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{%d}\Z" % TOKEN_LENGTH)

# Which model is the subject of which kind of feed, and the column that points at it.
SUBJECTS = {
    FeedKind.EMPLOYEE.value: (Employee, "employee_id"),
    FeedKind.TEAM.value: (Team, "team_id"),
    FeedKind.LOCATION.value: (Location, "location_id"),
}


def derive(nonce: str) -> str:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, b"calendar-token:" + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:TOKEN_LENGTH]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _kind_value(kind: FeedKind | str) -> str:
    value = kind.value if isinstance(kind, FeedKind) else str(kind)
    if value not in SUBJECTS:
        raise ServiceError(_("Dit soort agenda bestaat niet."))
    return value


def _check_subject(kind: str, subject) -> None:
    model, _column = SUBJECTS[kind]
    if not isinstance(subject, model) or subject.id is None:
        raise ServiceError(_("Deze agenda hoort niet bij dit onderwerp."))


def active_for(kind: FeedKind | str, subject) -> CalendarToken | None:
    """The subject's current (not revoked) token row, if any."""
    kind = _kind_value(kind)
    _model, column = SUBJECTS[kind]
    return db.session.scalars(
        select(CalendarToken)
        .where(
            CalendarToken.kind == kind,
            getattr(CalendarToken, column) == subject.id,
            CalendarToken.revoked_at.is_(None),
        )
        .order_by(CalendarToken.id.desc())
        .limit(1)
    ).first()


def issue(kind: FeedKind | str, subject) -> str:
    """Make a new link for the subject and return its token; an older active link stops working.

    The caller commits (the audit row goes in the same transaction).
    """
    kind = _kind_value(kind)
    _check_subject(kind, subject)
    _hold(SUBJECTS[kind][0], subject)
    row, token = _add(kind, subject)
    # Only now, after the insert: every other link of the subject stops working, one made at this
    # same moment too (see _add), so two clicks at once cannot leave two active links.
    revoke_all(kind, subject, but=row)
    audit.record("calendar_token.issue", row, detail=f"kind={kind} {SUBJECTS[kind][1]}={subject.id}")
    return token


def issue_first(kind: FeedKind | str, subject) -> str | None:
    """A link for a subject that has none: its token, or None when it has one already, made at
    this same moment too (a second click on "Links maken"): that one stays as it is and keeps
    working. The caller commits."""
    kind = _kind_value(kind)
    _check_subject(kind, subject)
    _hold(SUBJECTS[kind][0], subject)
    if active_for(kind, subject) is not None:
        return None
    row, token = _add(kind, subject)
    if _active_rows(kind, subject, but=row):  # made between the look above and the insert (SQLite)
        db.session.delete(row)
        db.session.flush()
        return None
    audit.record("calendar_token.issue", row, detail=f"kind={kind} {SUBJECTS[kind][1]}={subject.id}")
    return token


def _hold(model, subject) -> None:
    """Lock the subject row (PostgreSQL) until commit: a second issue for it waits for this one,
    and then sees its link."""
    db.session.execute(select(model.id).where(model.id == subject.id).with_for_update())


def _add(kind: str, subject) -> tuple[CalendarToken, str]:
    """A new active link row for the subject, flushed.

    SQLite lets one writer in at a time, from its first write on: what this transaction reads
    after the insert includes every link committed before it, and no other can come until commit.
    So the checks that keep one active link a subject read after it (PostgreSQL: the lock does)."""
    _model, column = SUBJECTS[kind]
    nonce = secrets.token_hex(32)
    token = derive(nonce)
    row = CalendarToken(kind=kind, nonce=nonce, token_hash=hash_token(token))
    setattr(row, column, subject.id)
    db.session.add(row)
    db.session.flush()
    return row, token


def _active_rows(kind: str, subject, but: CalendarToken | None = None) -> list[CalendarToken]:
    _model, column = SUBJECTS[kind]
    query = select(CalendarToken).where(
        CalendarToken.kind == kind, getattr(CalendarToken, column) == subject.id,
        CalendarToken.revoked_at.is_(None),
    )
    if but is not None:
        query = query.where(CalendarToken.id != but.id)
    return list(db.session.scalars(query.order_by(CalendarToken.id)))


def link_for(row: CalendarToken) -> str:
    """The token of a stored row, derived again from its nonce (to show the link once more)."""
    return derive(row.nonce)


def resolve(token: str) -> CalendarToken | None:
    """The active token row for a token from a URL, or None (unknown, malformed or revoked)."""
    row = find(token)
    return row if row is not None and row.revoked_at is None else None


def find(token: str) -> CalendarToken | None:
    """The token row for a token from a URL, revoked or not; None when it is unknown, malformed or
    derived with another SECRET_KEY (never one of ours)."""
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    row = db.session.scalars(
        select(CalendarToken)
        .where(CalendarToken.token_hash == hash_token(token))
        # The subject comes along in the same query: feeds check it is not archived.
        .options(
            joinedload(CalendarToken.employee), joinedload(CalendarToken.team),
            joinedload(CalendarToken.location),
        )
    ).first()
    if row is None:
        return None
    # The hash matched; checking the derivation too means a new SECRET_KEY retires every link.
    if not hmac.compare_digest(derive(row.nonce), token):
        return None
    return row


def _revoke_row(row: CalendarToken, reason: str = "") -> None:
    row.revoked_at = utcnow()
    audit.record("calendar_token.revoke", row, detail=f"kind={row.kind}" + (f" reason={reason}" if reason else ""))


def revoke(row: CalendarToken) -> None:
    """Stop a link from working. The caller commits."""
    if row.revoked_at is not None:
        raise ServiceError(_("Deze link werkt al niet meer."))
    _revoke_row(row)


def revoke_all(kind: FeedKind | str, subject, *, but: CalendarToken | None = None, reason: str = "") -> int:
    """Stop every link of the subject (an ended contract), `but` one; returns how many. `reason`
    goes in the audit rows. The caller commits."""
    rows = _active_rows(_kind_value(kind), subject, but=but)
    for row in rows:
        _revoke_row(row, reason)
    return len(rows)


def revoke_team_links(team: Team, reason: str) -> int:
    """Stop the link of the whole team's calendar (every employee's name, place and times) when
    someone who could make or show it may no longer see the team: a leader left it, or an account
    lost it. The successor is then not shown the same link that person still has. The team is held
    as issue() holds it: a link being made at this same moment waits for this. Returns how many
    links stopped; the caller commits."""
    _hold(Team, team)
    return revoke_all(FeedKind.TEAM, team, reason=reason)


def teams_with_link(teams) -> set[int]:
    """The ids of these teams that have a working link of the whole team's calendar."""
    ids = {team.id for team in teams}
    if not ids:
        return set()
    return set(db.session.scalars(select(CalendarToken.team_id).where(
        CalendarToken.kind == FeedKind.TEAM.value, CalendarToken.team_id.in_(ids),
        CalendarToken.revoked_at.is_(None))))


def renew(kind: FeedKind | str, subject) -> str:
    """Revoke the subject's link (if any) and issue a new one; returns the new token."""
    return issue(kind, subject)


def _stop_if_current(kind: str, subject, current_id: int) -> CalendarToken | None:
    """Stop link `current_id` if it is the subject's working link at this moment: its row, or None
    (renewed or revoked meanwhile, nothing changed). One UPDATE looks and writes at once: a click
    at this same moment cannot come between (SQLite: the first write; PostgreSQL: _hold waits)."""
    _model, column = SUBJECTS[kind]
    stopped = db.session.execute(
        update(CalendarToken)
        .where(CalendarToken.id == current_id, CalendarToken.kind == kind,
               getattr(CalendarToken, column) == subject.id, CalendarToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not stopped:
        return None
    row = db.session.get(CalendarToken, current_id, populate_existing=True)
    audit.record("calendar_token.revoke", row, detail=f"kind={row.kind}")
    return row


def renew_current(kind: FeedKind | str, subject, current_id: int) -> str | None:
    """A new link in place of link `current_id`, the one a page was opened for: the new token, or
    None when that is no longer the subject's working link (renewed or revoked by someone else,
    at this same moment too): then nothing changes, and the link someone just handed out keeps
    working. The caller commits."""
    kind = _kind_value(kind)
    _check_subject(kind, subject)
    _hold(SUBJECTS[kind][0], subject)
    if _stop_if_current(kind, subject, current_id) is None:
        return None
    row, token = _add(kind, subject)
    revoke_all(kind, subject, but=row)  # at most one working link, whatever came before
    audit.record("calendar_token.issue", row, detail=f"kind={kind} {SUBJECTS[kind][1]}={subject.id}")
    return token


def revoke_current(kind: FeedKind | str, subject, current_id: int) -> bool:
    """Stop link `current_id`, the one a page was opened for, if it is still the subject's working
    link; False when it is not (a new link made meanwhile stays working). The caller commits."""
    kind = _kind_value(kind)
    _check_subject(kind, subject)
    _hold(SUBJECTS[kind][0], subject)
    return _stop_if_current(kind, subject, current_id) is not None


def subject_of(row: CalendarToken):
    kind = row.kind
    if kind == FeedKind.EMPLOYEE.value:
        return row.employee
    if kind == FeedKind.TEAM.value:
        return row.team
    return row.location
