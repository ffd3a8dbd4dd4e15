"""Views of the teams blueprint."""
from . import bp  # noqa: F401
