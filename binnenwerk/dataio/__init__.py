"""Spreadsheet import and export of teams, employees, supervisors and deployment requests."""
from __future__ import annotations

from flask import Blueprint

# The kinds of data that go in and out, in the order a new organisation loads them.
KINDS = ("teams", "supervisors", "employees", "requests")

bp = Blueprint("dataio", __name__, url_prefix="/gegevens")

from . import routes  # noqa: E402,F401
