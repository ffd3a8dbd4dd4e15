"""Home pages per role, language choice and the accessibility statement."""
from flask import Blueprint

bp = Blueprint("main", __name__)

from . import routes  # noqa: E402,F401
