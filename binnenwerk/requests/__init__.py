"""Deployment requests: ministries file them, planners take them in."""
from flask import Blueprint

bp = Blueprint("requests", __name__, url_prefix="/aanvragen")

from . import routes  # noqa: E402,F401
