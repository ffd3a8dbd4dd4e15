"""Teams, employees, supervisors and absences."""
from flask import Blueprint

bp = Blueprint("teams", __name__, url_prefix="/teams")

from . import routes  # noqa: E402,F401
