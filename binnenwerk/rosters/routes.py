"""Views of the rosters blueprint."""
from . import bp  # noqa: F401
