"""Teams, employees, supervisors and absences."""
from flask import Blueprint

bp = Blueprint("teams", __name__, url_prefix="/teams")


@bp.before_request
def _archive_ended_contracts() -> None:
    """A contract whose last working day has gone by is closed as the team's pages open (one
    indexed query when there is none), so the lists never show someone who has left."""
    from flask_login import current_user

    if current_user.is_authenticated:
        from ..services.people import archive_ended_contracts

        archive_ended_contracts()

from . import routes  # noqa: E402,F401
