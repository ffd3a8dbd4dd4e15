"""Admin: users, ministries, locations and work types."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/beheer")

from . import routes  # noqa: E402,F401
from . import audit_routes  # noqa: E402,F401
