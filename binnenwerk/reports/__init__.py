"""Capacity and job-agreement reports."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/rapportages")

from . import routes  # noqa: E402,F401
