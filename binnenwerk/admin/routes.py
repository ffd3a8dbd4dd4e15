"""Views of the admin blueprint."""
from . import bp  # noqa: F401
