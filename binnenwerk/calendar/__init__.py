"""Employee week pages and iCal feeds."""
from flask import Blueprint

bp = Blueprint("calendar", __name__, url_prefix=None)

from . import routes  # noqa: E402,F401
