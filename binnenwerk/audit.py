"""The audit log: one row per create, change, delete, login and refusal. Never secrets or health data."""
from __future__ import annotations

import logging
import re

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from .extensions import db
from .models import AuditEvent

log = logging.getLogger("binnenwerk.audit")


# What the audit page (admin/audit_details) splits a list of changes on: a name of a place or
# ministry holds commas and brackets ("Ministerie van Landbouw, Visserij, ... (LVVN)"), and a team
# named "X), code (A -> B" would read as a second change. In a value each is escaped.
_SPLIT_ON = re.compile(r"[\\(),]")


def as_audited(value) -> str:
    """A value in an audit detail's "field (before -> after)": on one line, with the characters
    the audit page splits on escaped by a backslash ("Den Haag 2\\, Centrum \\(Oost\\)", the
    arrow as "-\\>"), which the page takes out again. A list of ids stays as it is ("[1, 2]"):
    the page names them."""
    if isinstance(value, (list, tuple)) and all(isinstance(item, int) for item in value):
        return str(list(value))
    return _SPLIT_ON.sub(r"\\\g<0>", " ".join(str(value).split())).replace("->", "-\\>")


def changes(before: dict, after: dict, names) -> str:
    """'changed: name (Team A -> Team B), region (Oost -> West)' for the audit page (audit_details)."""
    return "changed: " + ", ".join(f"{name} ({as_audited(before[name])} -> {as_audited(after[name])})"
                                   for name in names)


def record(action: str, obj=None, *, result: str = "ok", detail: str = "", actor=None) -> AuditEvent:
    """Add an audit row to the current session; it commits with the change it describes."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    # current_user is a proxy: log the real object, or the type would read "LocalProxy".
    obj = obj._get_current_object() if hasattr(obj, "_get_current_object") else obj
    actor = actor._get_current_object() if hasattr(actor, "_get_current_object") else actor
    event = AuditEvent(
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "id", "") or "") if obj is not None else "",
        result=result,
        detail=detail[:2000],
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", "") or "",
        origin=(request.remote_addr or "") if has_request_context() else _origin_without_request(actor),
    )
    db.session.add(event)
    log.info("%s %s %s:%s %s", event.actor_email or "-", action, event.object_type, event.object_id, result)
    return event


def _origin_without_request(actor) -> str:
    """Outside a request: a background job started by someone (a solve) names them as actor and
    is 'job'; the command line has no actor and is 'cli'."""
    return "job" if actor is not None else "cli"


# --- safety net: a request that commits a change without an audit row is logged -------------

# Bookkeeping that is not a change by a person, or is audited under another name (login).
UNAUDITED_FIELDS = {
    "User": {"last_login_at", "failed_logins", "locked_until", "locale"},
    "SolveJob": None,  # None: every field (progress of a background solve)
}


def _changes(session: Session) -> list[str]:
    found = []
    for obj in list(session.new) + list(session.deleted):
        name = type(obj).__name__
        if name != "AuditEvent" and not (name in UNAUDITED_FIELDS and UNAUDITED_FIELDS[name] is None):
            found.append(name)
    for obj in session.dirty:
        name = type(obj).__name__
        if name == "AuditEvent" or (name in UNAUDITED_FIELDS and UNAUDITED_FIELDS[name] is None):
            continue
        ignored = UNAUDITED_FIELDS.get(name, set())
        state = inspect(obj)
        if any(attr.history.has_changes() and attr.key not in ignored for attr in state.attrs):
            found.append(name)
    return found


@event.listens_for(Session, "before_flush")
def _note_changes(session, flush_context, instances):
    if not has_request_context():
        return
    if any(isinstance(obj, AuditEvent) for obj in session.new):
        session.info["audited"] = True
    changed = _changes(session)
    if changed:
        session.info.setdefault("unaudited", set()).update(changed)


@event.listens_for(Session, "after_commit")
def _warn_unaudited(session):
    changed, audited = session.info.pop("unaudited", None), session.info.pop("audited", False)
    if changed and not audited and has_request_context():
        log.warning("change without an audit row: %s on %s %s", ", ".join(sorted(changed)),
                    request.method, request.endpoint)


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop("unaudited", None)
    session.info.pop("audited", None)
