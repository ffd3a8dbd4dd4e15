"""Configuration defaults; instance/config.py and the environment override them."""
import os


class Config:
    SECRET_KEY = "dev-only-change-me"
    # hide_parameters: a database error's text leaves out the values bound to the statement. Flask
    # logs an unhandled error in full, and those values can be special-category data (a race on
    # the personal-details form logged the health notes of the row it tried to insert).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    REDIS_URL = ""
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")
    TIMEZONE = "Europe/Amsterdam"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    SOLVE_TIME_LIMIT = 20.0
    SOLVE_WORKERS = 2
    # Binnenwerk's office (planning) number: the employee's week page and calendar give it on a day
    # their team leader is away. Empty: that sentence is left out. `make run` sets a demo number.
    OFFICE_PHONE = ""
    # The garbage collector's thresholds (gc.set_threshold), set by create_app for the process.
    # Python's default (700, 10, 10) collects every few hundred ORM objects: on the all-teams
    # roster of 100 teams that was a third of the page's time (`flask plan bench`, README).
    GC_THRESHOLDS = (10_000, 10, 10)


def from_environment() -> dict:
    """Settings a deployment passes in through the environment."""
    found = {}
    for key in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "OFFICE_PHONE"):
        if os.environ.get(key):
            found[key] = os.environ[key]
    return found


def normalise_database_url(url: str) -> str:
    # psycopg 3 is the driver we ship; plain postgres:// URLs (Heroku style) mean it too.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
