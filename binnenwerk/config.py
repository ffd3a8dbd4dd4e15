"""Configuration defaults; instance/config.py and the environment override them."""
import math
import os
import traceback

import click


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
    # None: not chosen, so security.init_app decides (Secure behind a proxy or with https URLs);
    # True or False set here, in instance/config.py or the environment is kept as set.
    SESSION_COOKIE_SECURE = None
    REMEMBER_COOKIE_SECURE = None
    REMEMBER_COOKIE_HTTPONLY = True
    # The number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted
    # (security.init_app); 0: none, the address the request came from is the client's.
    BEHIND_PROXY = 0
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


class ConfigError(click.ClickException):
    """A setting with a value the app cannot use. A ClickException, so `flask ...` prints the
    message alone (no traceback); under gunicorn it is the last line before the worker stops."""

    def __init__(self, setting: str, problem: str):
        super().__init__(f"Setting {setting}: {problem}")
        self.setting = setting


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("", "0", "false", "no", "off")

# Taken as they are (text).
TEXT_SETTINGS = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "OFFICE_PHONE", "DATAIO_UPLOAD_FOLDER")


def from_environment(environ=None) -> dict:
    """Settings a deployment passes in through the environment, converted to what the app uses;
    a value it cannot use stops the start with a ConfigError naming the setting."""
    environ = os.environ if environ is None else environ
    found = {key: environ[key] for key in TEXT_SETTINGS if environ.get(key, "").strip()}  # spaces: not set
    for key, read in URL_READERS.items():
        if found.get(key, "").strip():
            found[key] = read(key, found[key])
    readers = {
        "SOLVE_TIME_LIMIT": seconds,
        "SOLVE_WORKERS": positive_whole_number,
        "SESSION_IDLE_MINUTES": positive_whole_number,
        "SESSION_MAX_HOURS": positive_whole_number,
        "BEHIND_PROXY": proxy_count,
        "SESSION_COOKIE_SECURE": flag,
        "REMEMBER_COOKIE_SECURE": flag,
    }
    for key, read in readers.items():
        if environ.get(key, "").strip():
            found[key] = read(key, environ[key])
    # Present but empty means something here: no role needs a second factor (the local demo).
    if "MFA_REQUIRED_ROLES" in environ:
        found["MFA_REQUIRED_ROLES"] = roles("MFA_REQUIRED_ROLES", environ["MFA_REQUIRED_ROLES"])
    return found


def checked(config) -> dict:
    """The settings of instance/config.py (or anywhere else) as from_environment() reads them: a
    value in the environment's form ("admin,planner", "4") is converted, one the app cannot use
    stops the start (MFA_REQUIRED_ROLES = "admin,planner" was read as a set of letters: no role
    needed a second factor). Values already of the right type pass unchanged."""
    found = {}
    for key, read in URL_READERS.items():
        if isinstance(config.get(key), str) and config[key].strip():
            found[key] = read(key, config[key])
    readers = {"SOLVE_TIME_LIMIT": seconds, "SOLVE_WORKERS": positive_whole_number, "BEHIND_PROXY": proxy_count,
               "SESSION_IDLE_MINUTES": positive_whole_number, "SESSION_MAX_HOURS": positive_whole_number}
    for key, read in readers.items():
        value = config.get(key)
        if value is not None and not (isinstance(value, (int, float)) and not isinstance(value, bool)
                                      and read(key, str(value)) == value):
            found[key] = read(key, value)
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if config.get(key) is not None:
            found[key] = flag(key, config[key])
    value = config.get("MFA_REQUIRED_ROLES")
    if value is not None:
        found["MFA_REQUIRED_ROLES"] = roles("MFA_REQUIRED_ROLES", value if isinstance(value, str) else ",".join(value))
    found["SECRET_KEY"] = secret_key("SECRET_KEY", config.get("SECRET_KEY"))
    return found


def secret_key(setting: str, value) -> str | bytes:
    """Blank (or None) is not set, as in the environment: create_app then uses the instance's key.
    SECRET_KEY = "" in instance/config.py passed the start, and every page was a bare 500."""
    if value is None or isinstance(value, (str, bytes)) and not value.strip():
        return Config.SECRET_KEY
    if not isinstance(value, (str, bytes)):
        raise ConfigError(setting, f"{value!r} is not text: give a long random text in quotes "
                                   "(python -c 'import secrets; print(secrets.token_hex(32))').")
    return value


def read_config_file(config) -> None:
    """instance/config.py into `config`. An error in that file (a typo, an import that fails) stops
    the start with the file, its line and the error in one line, not Python's traceback."""
    try:
        config.from_pyfile("config.py", silent=True)
    except Exception as error:
        path = os.path.join(config.root_path, "config.py")
        raise click.ClickException(f"{path}, line {_line_of(error, path)}: {_error_text(error)}") from None


def _line_of(error: Exception, path: str) -> int | str:
    if isinstance(error, SyntaxError) and error.filename == path:
        return error.lineno
    lines = [line for frame, line in traceback.walk_tb(error.__traceback__) if frame.f_code.co_filename == path]
    return lines[-1] if lines else "?"  # the last: where the error was raised in the file


def _error_text(error: Exception) -> str:
    detail = error.msg if isinstance(error, SyntaxError) else str(error)
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


def flag(setting: str, value) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(setting, f"{value!r} is not true or false (use 1 or 0).")


def proxy_count(setting: str, value) -> int:
    """BEHIND_PROXY: true (one proxy), false, or the number of proxies in front of the app."""
    if isinstance(value, bool):
        return int(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return 1
    if word in FALSE_WORDS:
        return 0
    if word.isascii() and word.isdigit() and int(word) <= 10:  # not "²", which isdigit() takes
        return int(word)
    raise ConfigError(setting, f"{value!r} is not true, false or a number of proxies (0 to 10).")


def positive_whole_number(setting: str, value) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if number < 1:
        raise ConfigError(setting, f"{value!r} is not a whole number of 1 or more.")
    return number


def seconds(setting: str, value) -> float:
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        number = math.nan
    if not (math.isfinite(number) and number > 0):
        raise ConfigError(setting, f"{value!r} is not a number of seconds above 0.")
    return number


def database_url(setting: str, value) -> str:
    """A SQLAlchemy URL; one it cannot parse stopped the CLI and every gunicorn worker with a
    traceback. Not echoed: it may hold a password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(str(value).strip())
    except (ArgumentError, ValueError):  # ValueError: a port that is no number
        raise ConfigError(setting, "is no database URL (for example postgresql://user@host/binnenwerk "
                                   "or sqlite:////srv/binnenwerk/binnenwerk.sqlite).") from None
    # Any other database or driver (postgresql+psycopg2://, mysql://) failed at the first import
    # with a traceback that did not name the setting, also for commands that never connect.
    backend, driver = url.get_backend_name(), url.drivername.partition("+")[2]
    if backend not in SUPPORTED_DRIVERS or driver not in SUPPORTED_DRIVERS[backend]:
        raise ConfigError(setting, "uses a database or driver this app does not ship: use PostgreSQL with "
                                   "psycopg 3 (postgresql://user@host/binnenwerk or postgresql+psycopg://...) "
                                   "or SQLite (sqlite:////srv/binnenwerk/binnenwerk.sqlite).")
    return str(value).strip()


# The databases and drivers (after the "+", "" for the default) the app is built and tested for.
SUPPORTED_DRIVERS = {"postgresql": ("", "psycopg"), "postgres": ("",), "sqlite": ("", "pysqlite")}


REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def redis_url(setting: str, value) -> str:
    """A Redis URL (the solve queue and the login limit's store); one without its scheme stopped
    every flask command with the limiter's "unknown storage scheme". Not echoed: it may hold a
    password."""
    text = str(value).strip()
    if not text.lower().startswith(REDIS_SCHEMES):
        raise ConfigError(setting, "is no Redis URL: it starts with redis://, rediss:// or unix:// "
                                   "(for example redis://127.0.0.1:6379/0).")
    from urllib.parse import urlsplit

    try:
        urlsplit(text).port  # a port that is no number, a broken IPv6 address: the limiter's traceback
    except ValueError:
        raise ConfigError(setting, "is no Redis URL that can be used: check the host and port "
                                   "(for example redis://127.0.0.1:6379/0).") from None
    return text


URL_READERS = {"DATABASE_URL": database_url, "REDIS_URL": redis_url}


def roles(setting: str, value) -> tuple[str, ...]:
    """A comma-separated list of roles; a misspelt one would silently leave that role without the
    second factor, so it stops the start instead."""
    from .models import Role

    known = [r.value for r in Role]
    chosen = tuple(r.strip() for r in str(value).split(",") if r.strip())
    unknown = [r for r in chosen if r not in known]
    if unknown:
        raise ConfigError(setting, f"unknown role {', '.join(map(repr, unknown))} (roles: {', '.join(known)}).")
    return chosen


def normalise_database_url(url: str) -> str:
    # psycopg 3 is the driver we ship; plain postgres:// URLs (Heroku style) mean it too.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
