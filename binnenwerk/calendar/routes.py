"""Views of the calendar blueprint."""
from . import bp  # noqa: F401
