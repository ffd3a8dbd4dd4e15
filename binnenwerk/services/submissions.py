"""The same form sent twice (a double click, the back button and resend) makes one object: the
form carries a key, the create's audit row names it, and a copy finds what the first made.
Used by the teams and people forms (services.people) and the admin's forms (services.admin)."""
from __future__ import annotations

import datetime as dt
import hashlib
import re

from sqlalchemy import select, text

from ..extensions import db
from ..formatting import ascii_digits
from ..models import AuditEvent, utcnow
from . import ServiceError

FORM_KEY_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")  # as a request's form carries it (secrets.token_urlsafe)
FORM_KEPT = dt.timedelta(days=2)  # how long a page may stay open and be sent again


class SentBefore(ServiceError):
    """The same form sent again (a double click, the back button and resend): `made` is what its
    first copy made; nothing else was."""

    def __init__(self, made):
        super().__init__("")
        self.made = made


def form_key(submission: str) -> str | None:
    return submission if FORM_KEY_RE.fullmatch(submission or "") else None


def hold_form(key: str | None) -> None:
    """Copies of one form wait for each other until the first commits. PostgreSQL: a lock on the
    key until commit. SQLite lets one writer in at a time, from its first insert on: the check
    after the flush (refuse_if_sent_before) is the one that counts there."""
    if key is not None and db.session.get_bind().dialect.name == "postgresql":
        number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        db.session.execute(text("SELECT pg_advisory_xact_lock(:n)"), {"n": number})


def refuse_if_sent_before(action: str, model, key: str | None) -> None:
    """SentBefore when a form with this key made an object that is still there. The create's audit
    row, written in the same transaction, names the form (no column needed): a row of the last
    FORM_KEPT, of this action, found by the action's index."""
    if key is None:
        return
    made = db.session.scalar(select(AuditEvent.object_id).where(
        AuditEvent.action == action, AuditEvent.at >= utcnow() - FORM_KEPT,
        AuditEvent.detail.contains(f"form={key}", autoescape=True),
    ).order_by(AuditEvent.id.desc()).limit(1))
    found = db.session.get(model, int(made)) if made and ascii_digits(made) else None
    if found is not None:
        raise SentBefore(found)


def made_by_form(action: str, model, submission: str):
    """What the form with this key (`submission`, see services.submissions.SentBefore) made already,
    by `action` ("ministry_created"), if it is still there; else None. A form sent again after
    the first copy committed (a double click on Opslaan) is answered with it: its own checks
    would call the first copy's row a duplicate."""
    try:
        refuse_if_sent_before(action, model, form_key(submission))
    except SentBefore as sent:
        return sent.made
    return None
