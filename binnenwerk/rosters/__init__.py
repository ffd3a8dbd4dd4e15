"""Weekly rosters: plan, edit, publish and repair."""
from flask import Blueprint

bp = Blueprint("rosters", __name__, url_prefix="/rooster")

from . import routes  # noqa: E402,F401
