"""Who may open which page: every endpoint must declare its roles, or is refused.

Views are decorated with `@roles_required(...)` or `@public`. A route added without either is
refused for everyone (fail closed), so forgetting the check cannot open a page. Object-level
checks (which team, which ministry) live in the helpers below and in the views.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import Flask, abort, current_app, request
from flask_login import current_user

from .models import Role

ALL_STAFF = (Role.ADMIN, Role.PLANNER, Role.TEAM_LEADER, Role.MINISTRY_CONTACT)
OFFICE = (Role.ADMIN, Role.PLANNER)


def public(view: Callable) -> Callable:
    view._access_public = True
    return view


def roles_required(*roles: Role) -> Callable[[Callable], Callable]:
    allowed = frozenset(r.value for r in roles)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapper._access_roles = allowed
        return wrapper

    return decorate


def declared_access(view: Callable) -> str | frozenset[str] | None:
    """'public', the set of roles, or None when the view declares nothing."""
    if getattr(view, "_access_public", False):
        return "public"
    return getattr(view, "_access_roles", None)


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_undeclared_endpoints():
        if request.endpoint is None or request.endpoint == "static":
            return None
        view = app.view_functions.get(request.endpoint)
        if view is not None and declared_access(view) is None:
            abort(403)
        return None


# --- object-level checks ----------------------------------------------------------------------


def team_ids_of(user) -> set[int] | None:
    """The teams a user may see and change; None means all teams."""
    if user.role in (Role.ADMIN.value, Role.PLANNER.value):
        return None
    if user.role == Role.TEAM_LEADER.value:
        return {t.id for t in user.teams}
    return set()


def can_manage_team(user, team_id: int | None) -> bool:
    allowed = team_ids_of(user)
    return allowed is None or (team_id is not None and team_id in allowed)


def require_team(user, team_id: int | None) -> None:
    # 404, not 403: do not confirm that another team's object exists.
    if not can_manage_team(user, team_id):
        abort(404)


def can_see_sensitive(user, employee) -> bool:
    """Indication and health notes: planners and the employee's own team leader only."""
    if user.role == Role.PLANNER.value:
        return True
    if user.role == Role.TEAM_LEADER.value:
        return employee.team_id in {t.id for t in user.teams}
    return False


def require_ministry(user, ministry_id: int) -> None:
    if user.role == Role.MINISTRY_CONTACT.value and user.ministry_id != ministry_id:
        abort(404)
