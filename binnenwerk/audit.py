"""The audit log: one row per create, change, delete, login and refusal. Never secrets or health data."""
from __future__ import annotations

import logging

from flask import has_request_context, request
from flask_login import current_user

from .extensions import db
from .models import AuditEvent

log = logging.getLogger("binnenwerk.audit")


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
        origin=(request.remote_addr or "") if has_request_context() else "cli",
    )
    db.session.add(event)
    log.info("%s %s %s:%s %s", event.actor_email or "-", action, event.object_type, event.object_id, result)
    return event
