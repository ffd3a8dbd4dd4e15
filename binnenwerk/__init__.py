"""Binnenwerk team planner: the Flask application factory."""
from __future__ import annotations

import gc
import os
import secrets
from pathlib import Path

from flask import Flask, has_request_context, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .config import Config, checked, from_environment, normalise_database_url, read_config_file
from .extensions import babel, compress, csrf, db, login_manager, migrate
from .folding import fold, translate

ROOT = Path(__file__).resolve().parent.parent

# gzip for the text the app writes: the all-teams week on 100 teams is 2.2 MB of HTML, 87 kB
# gzipped (10 ms of CPU at level 6). Files (.xlsx) are compressed already. No streamed answers are compressed, and
# the conditional-request check stays with the views: the feed decides a 304 on its ETag alone.
COMPRESSION = {
    "COMPRESS_ALGORITHM": ["gzip"],
    "COMPRESS_MIMETYPES": ["text/html", "text/csv", "text/calendar", "application/json"],
    "COMPRESS_LEVEL": 6,
    "COMPRESS_MIN_SIZE": 500,
    "COMPRESS_STREAMS": False,
    "COMPRESS_EVALUATE_CONDITIONAL_REQUEST": False,
}


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    from .cli import Commands

    app.cli = Commands(app.name)  # before any command is added: each is wrapped as it comes in
    app.config.from_object(Config)
    if test_config is None:
        read_config_file(app.config)
        app.config.update(from_environment())
        app.config.update(checked(app.config))
    else:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    if test_config is None and app.config["SECRET_KEY"] == Config.SECRET_KEY:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
        if not (app.debug or app.testing):
            # Each web machine would sign sessions and derive calendar links with a key of its own.
            app.logger.warning(
                "SECRET_KEY is not set: using the key in %s. Set SECRET_KEY, the same on every web "
                "machine and worker (README, Production).", Path(app.instance_path) / "secret_key")

    url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    if not url:
        url = f"sqlite:///{Path(app.instance_path) / 'binnenwerk.sqlite'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    create_private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path)

    if app.config.get("GC_THRESHOLDS"):
        gc.set_threshold(*app.config["GC_THRESHOLDS"])

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: app.config["TIMEZONE"])
    for key, value in COMPRESSION.items():
        app.config.setdefault(key, value)
    compress.init_app(app)

    from . import access, cli, formatting, security
    from .services import request_history  # noqa: F401  (keeps the days gone by when a request changes)
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .calendar import bp as calendar_bp
    from .main import bp as main_bp
    from .reports import bp as reports_bp
    from .requests import bp as requests_bp
    from .rosters import bp as rosters_bp
    from .teams import bp as teams_bp
    from .privacy_routes import bp as privacy_bp

    security.init_app(app)  # before the blueprints: it installs the bounded int URL converter
    for blueprint in (main_bp, auth_bp, admin_bp, teams_bp, requests_bp, rosters_bp, calendar_bp, reports_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(__import__("binnenwerk.dataio", fromlist=["bp"]).bp)  # spreadsheet import/export
    access.init_app(app)
    formatting.init_app(app)
    cli.init_app(app)
    return app


def select_locale() -> str:
    languages = ("nl", "en")
    if not has_request_context():  # CLI and background jobs speak the default language
        return "nl"
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    if session.get("mfa_locale") in languages:  # the account whose two-step code is asked (auth.routes)
        return session["mfa_locale"]
    return "nl"


def _instance_secret(instance: Path) -> str:
    """A random key kept in instance/, so a fresh install never runs with a known key."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def sqlite_file(url: str, instance_path: str | Path) -> Path | None:
    """The file of an SQLite database URL; None for another database or one in memory. A relative
    path is in the instance folder, where Flask-SQLAlchemy opens it (not the current directory)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:" or name.startswith("file:"):
        return None
    path = Path(name)
    return path if path.is_absolute() else Path(instance_path) / path


def create_private_sqlite_file(url: str, instance_path: str | Path) -> None:
    """Create a new SQLite database file of the URL readable by its owner only (0600). Its folder
    is not made: a mistyped URL would leave folders behind on every command (init-db says that the
    folder is missing)."""
    path = sqlite_file(url, instance_path)
    if path is not None:
        create_private_file(path)


def create_private_file(path: Path) -> None:
    """Create a new SQLite database file readable by its owner only (0600): it holds health notes,
    and SQLite would make it 0644 (readable by every user of the host). SQLite gives its journal
    and WAL files the database file's mode. A file that is there is left alone (init-db makes it
    private); an empty file is an empty database to SQLite."""
    if path.exists():
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # another process made it just now
    except OSError:
        pass  # no such folder or no rights: SQLite says so itself when it opens the file


def _unicode_lower(value):
    return fold(value) if isinstance(value, str) else value if value is None else fold(str(value))


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record):
    # SQLite ignores foreign keys unless asked, per connection.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        # SQLite's own lower() leaves letters outside ASCII alone, so a search for "éva" missed
        # "Éva": fold it as the app folds names ("grossmann" finds "Großmann", "ilker" "İlker").
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
        # PostgreSQL's translate(), which the name searches use to leave accents out (folding.py).
        dbapi_connection.create_function("translate", 3, translate, deterministic=True)
