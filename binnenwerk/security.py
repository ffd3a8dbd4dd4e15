"""Security plumbing: headers and CSP, secure cookies, rate limiting, safe URL ids and the MFA gate."""
from __future__ import annotations

import logging
import os
import re
import time

import click
from flask import Flask, abort, current_app, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask.cli import with_appcontext
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _, ngettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter

from . import audit, formatting
from .config import flag, proxy_count
from .extensions import db

limiter = Limiter(key_func=get_remote_address)

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
))
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

DEFAULTS = {
    # Roles that must use a second factor (BIO: admin and internet-facing accounts).
    "MFA_REQUIRED_ROLES": ("admin", "planner"),
    "LOGIN_RATE_LIMIT": "20 per minute;200 per hour",
    "LOCKOUT_THRESHOLD": 5,
    "LOCKOUT_MINUTES": 15,
    "MFA_PENDING_SECONDS": 300,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": False,
    # BIO: a session left alone ends; a new login is needed.
    "SESSION_IDLE_MINUTES": 120,
    # ... and so does a busy one, after a working day (services/accounts.py session_lifetime).
    "SESSION_MAX_HOURS": 12,
}
LAST_SEEN = "last_seen"
# The session's random id (a user_session row): without a live row the cookie signs no one in.
SESSION_ID = "sid"

# Pages a signed-in user may still open while a password change or MFA enrolment is due.
ALWAYS_REACHABLE = {
    "static", "auth.logout", "auth.change_password", "auth.mfa_setup", "auth.login",
    "main.set_language", "main.accessibility", "auth.session_state",
}
# The page's question how long the login lasts (GET, no activity) and its "stay logged in" (POST).
SESSION_STATE = "auth.session_state"
# A ministry contact's session ended: the warning's words to that browser stay formal ("u").
FORMAL_LENT = "formal_lent"

# PostgreSQL integers are 32 bits; a bigger id in a URL must be a 404, not a database error.
MAX_URL_INT = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """The `int` URL converter with an upper bound, so /x/99999999999999999999 is a plain 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_URL_INT if max is None else max,
                         signed=signed)


class SessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came in over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        if app.config.get("SESSION_COOKIE_SECURE"):
            return True
        try:
            return request.is_secure
        except RuntimeError:  # outside a request
            return False


def mfa_required_for(user) -> bool:
    return user.role in set(current_app.config.get("MFA_REQUIRED_ROLES") or ())


def limiter_storage(redis_url: str | None) -> str | None:
    """The limiter's storage URI for REDIS_URL: RQ and redis-py read a socket as unix://, the
    limits package only as redis+unix:// (unix:// stopped the start with its "unknown storage
    scheme")."""
    if redis_url and redis_url.lower().startswith("unix://"):
        return "redis+" + redis_url
    return redis_url


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        if key == "RATELIMIT_STORAGE_URI" and key not in app.config:
            # Shared counters when there is a Redis (several workers); memory otherwise.
            value = os.environ.get(key) or limiter_storage(app.config.get("REDIS_URL")) or value
        app.config.setdefault(key, value)
    # A broken limiter store must not take the login page down with it.
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    proxies = proxy_count("BEHIND_PROXY", app.config.get("BEHIND_PROXY") or 0)
    app.config["BEHIND_PROXY"] = proxies
    _secure_cookies(app, proxies)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    if proxies:
        # The client's address (X-Forwarded-For, as the nearest `proxies` proxies saw it) for the
        # login rate limit and the audit log, and the scheme and host the browser used
        # (X-Forwarded-Proto, -Host) for calendar links, QR codes, Secure cookies and HSTS.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=1, x_host=1)

    # Must happen before blueprints add their rules: converters are bound when a rule is added.
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.session_interface = SessionInterface()
    limiter.init_app(app)

    app.cli.add_command(account_command)
    _no_rows_in_sql_logs()

    app.after_request(_security_headers)
    app.before_request(_strip_nul_bytes)
    app.before_request(_account_gate)
    app.jinja_env.globals["session_left"] = session_left
    app.register_error_handler(429, _too_many_requests)


class _NoResultRows(logging.Filter):
    """Drops the engine's DEBUG records: the rows a query returns and their columns. An operator who
    turns SQL logging up to debug (SQLALCHEMY_ECHO = "debug", or the sqlalchemy.engine logger at
    DEBUG) would otherwise log health notes, indications and absence notes as they are read;
    hide_parameters only hides the values sent. The statements themselves (INFO) still log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


def _no_rows_in_sql_logs() -> None:
    # Every engine logs through this one logger unless it is given a logging_name (ours are not).
    engine_log = logging.getLogger("sqlalchemy.engine.Engine")
    if not any(isinstance(f, _NoResultRows) for f in engine_log.filters):
        engine_log.addFilter(_NoResultRows())


def _secure_cookies(app: Flask, proxies: int) -> None:
    """Secure session and remember cookies unless set otherwise: behind a proxy the app is served
    over HTTPS (README), also when the proxy does not pass on the scheme; and so it is when its
    URLs are https. A value set in the configuration or the environment is kept."""
    default = bool(proxies) or app.config.get("PREFERRED_URL_SCHEME") == "https"
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        value = app.config.get(key)
        app.config[key] = default if value is None else flag(key, value)


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # Feed and week-page URLs carry secret tokens: never send them to another site.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static" and current_user and getattr(current_user, "is_authenticated", False):
        # Pages with personal data must not linger in shared browser caches.
        headers.setdefault("Cache-Control", "no-store")
    return response


# Control characters (DEL too) and zero-width characters: never meaningful text, and invisible in a
# form, where they make a name look empty or a second "Team A" look like the first.
CONTROL_CHARACTERS = re.compile(
    f"{formatting.CONTROL_CHARACTERS.pattern}|\x7f|{formatting.INVISIBLE_CHARACTERS.pattern}")


def _strip_nul_bytes():
    """A NUL byte is never meaningful text and PostgreSQL refuses it with an error; other control
    characters (pasted along unseen) make every Excel export of the text fail. Take them out of the
    query string and form fields before any view sees them (formatting.without_controls: between
    two words they leave one space), and read other spaces as plain ones; a password is left as
    typed. A NUL in the path is a bad request."""
    if "\x00" in request.path:
        abort(400)
    if _has_control(request.args, form=False):
        request.args = _without_control(request.args, form=False)
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded", "multipart/form-data"
    ):
        if _has_control(request.form, form=True):
            request.form = _without_control(request.form, form=True)
    return None


def _has_control(values: MultiDict, *, form: bool) -> bool:
    # Every value of a repeated field (checkboxes), not only the first one .values() gives.
    return any(CONTROL_CHARACTERS.search(k) or _plain(k, v, form=form) != v for k, v in values.items(multi=True))


def _without_control(values: MultiDict, *, form: bool) -> ImmutableMultiDict:
    return ImmutableMultiDict([(CONTROL_CHARACTERS.sub("", k), _plain(k, v, form=form))
                               for k, v in values.items(multi=True)])


# The names of the forms' password fields (a test checks every PasswordField is here): the
# characters in a password are the user's own, spaces and all, whichever they typed.
PASSWORD_FIELDS = frozenset({"password", "current", "new", "repeat"})
# The names of the forms' text areas (a test checks every TextAreaField is here): they keep their
# line breaks; every other field is one line, its runs of spaces read as one.
MULTILINE_FIELDS = frozenset({"health_notes", "accommodations", "access_instructions", "notes", "reason"})


def _secret(key: str) -> bool:
    return key in PASSWORD_FIELDS


def _plain(key: str, value: str, *, form: bool = True) -> str:
    """The text as meant: plain spaces, no control or bidirectional characters, and one line with
    single spaces unless it is a text area. A password field stays as typed, control characters and
    all: a changed password would log in as another one (accounts refuses them instead)."""
    if form and _secret(key):
        return value
    value = formatting.without_controls(formatting.ODD_SPACES.sub(" ", value))
    return formatting.line_breaks(value) if key in MULTILINE_FIELDS else formatting.one_line(value)


LANG_LENT = "lang_lent"


def end_session(detail: str = "") -> None:
    """Log the current user out, audited, keeping only the language in the session. The
    server forgets the session too, so a copy of the cookie taken before is of no use."""
    from .services import accounts

    accounts.end_session(session.get(SESSION_ID))
    user = current_user._get_current_object()
    audit.record("logout", user, detail=detail)
    db.session.commit()
    # The language the pages were in (chosen in this browser, else the account's own), so the
    # login page after it speaks as the pages before it (and as the message it shows). It is only
    # lent to those pages (LANG_LENT): whoever logs in next gets their own account's language. A
    # choice made while logged in was the account's too (set_language stores it there).
    language = session.get("lang") or getattr(user, "locale", None)
    formal = formatting.formally()
    logout_user()
    session.clear()
    lend_to_login_page(language, formal)


def lend_to_login_page(language: str | None, formal: bool) -> None:
    """After a login ended: the login page speaks as the pages before it did, language and form of
    address, lent to that page only (whoever logs in next gets their own account's)."""
    if language:
        session["lang"] = language
        session[LANG_LENT] = True
    if formal:
        session[FORMAL_LENT] = True


def not_saved_words(formal: bool) -> str:
    """Said with the login page when a form was sent after the login ended."""
    return (_("Wat u net verstuurde, is niet opgeslagen. Doe het na het inloggen opnieuw.") if formal else
            _("Wat je net verstuurde, is niet opgeslagen. Doe het na het inloggen opnieuw."))


def back_after_login() -> str | None:
    """Where the login leads back to: the page asked for, or for a form sent, the page it was sent
    from (a POST's own address may open for no GET). full_path ends in "?" without a query."""
    return request.full_path.removesuffix("?") if request.method == "GET" else form_page()


def session_left() -> tuple[int, bool]:
    """(seconds, extendable): how long the signed-in session lasts if nothing happens, and whether
    activity makes it last longer (no: the login's lifetime ends first, services/accounts.py)."""
    from .models import utcnow

    now = int(time.time())
    last_seen = session.get(LAST_SEEN)
    idle = int(current_app.config.get("SESSION_IDLE_MINUTES", 120)) * 60
    idle -= now - last_seen if isinstance(last_seen, int) else 0
    ends = g.get("session_ends")
    hard = int((ends - utcnow()).total_seconds()) if ends is not None else idle
    return max(0, min(idle, hard)), hard > idle


def session_texts() -> dict[str, str]:
    """The warning's words in the reader's language and form of address (static/js/session.js
    shows them; they come with /auth/sessie so they are not on every page)."""
    # (Logged out in another tab: as the pages before it spoke, see end_session.)
    formal = formatting.formally() or (not getattr(current_user, "is_authenticated", False)
                                       and bool(session.get(FORMAL_LENT)))
    hours = int(current_app.config.get("SESSION_MAX_HOURS", 12))
    return {
        "title": _("Je wordt bijna uitgelogd") if not formal else _("U wordt bijna uitgelogd"),
        "idle": _("U was een tijd niet actief. Binnen 2 minuten wordt u uitgelogd. Wat u dan nog niet hebt "
                  "opgeslagen, moet u opnieuw invullen.") if formal else
        _("Je was een tijd niet actief. Binnen 2 minuten word je uitgelogd. Wat je dan nog niet hebt opgeslagen, "
          "moet je opnieuw invullen."),
        # Dutch says "1 uur" and "12 uur" alike, English does not ("almost 1 hour").
        "lifetime": ngettext("U bent bijna %(num)d uur ingelogd. Binnen 2 minuten wordt u uitgelogd. Sla nu op wat u "
                             "nog niet hebt opgeslagen.",
                             "U bent bijna %(num)d uur ingelogd. Binnen 2 minuten wordt u uitgelogd. Sla nu op wat u "
                             "nog niet hebt opgeslagen.", hours) if formal else
        ngettext("Je bent bijna %(num)d uur ingelogd. Binnen 2 minuten word je uitgelogd. Sla nu op wat je nog niet "
                 "hebt opgeslagen.",
                 "Je bent bijna %(num)d uur ingelogd. Binnen 2 minuten word je uitgelogd. Sla nu op wat je nog niet "
                 "hebt opgeslagen.", hours),
        "gone_title": _("Je bent uitgelogd") if not formal else _("U bent uitgelogd"),
        "gone": _("Wat u typte, staat nog op deze pagina. Hebt u het nog nodig? Kopieer het dan eerst. Log daarna "
                  "opnieuw in.") if formal else
        _("Wat je typte, staat nog op deze pagina. Heb je het nog nodig? Kopieer het dan eerst. Log daarna opnieuw "
          "in."),
        "stay": _("Ingelogd blijven"), "close": _("Sluiten"), "login": _("Opnieuw inloggen"),
    }


def form_page() -> str | None:
    """The page a form was sent from, when it is this site's (the Referer; Referrer-Policy is
    same-origin here): where a login after a form sent too late leads back to."""
    from urllib.parse import urlsplit

    sent_from = urlsplit(request.referrer or "")
    if sent_from.netloc != request.host or not sent_from.path.startswith("/"):
        return None
    # A page shown for a POST (an import's check) cannot be opened again: the start page then.
    if not opens_for_get(sent_from.path):
        return None
    return sent_from.path + (f"?{sent_from.query}" if sent_from.query else "")


def opens_for_get(path: str) -> bool:
    """Whether a GET of this site's path reaches a page (not "Niet toegestaan" or "Niet gevonden")."""
    from werkzeug.exceptions import HTTPException
    from werkzeug.routing import RequestRedirect

    try:
        current_app.url_map.bind_to_environ(request.environ).match(path, method="GET")
    except RequestRedirect:
        return True  # the same page with a slash
    except HTTPException:
        return False
    return True


def _account_gate():
    """End idle sessions; send a signed-in user to the password change or MFA enrolment page
    until it is done."""
    if not getattr(current_user, "is_authenticated", False):
        return None
    if request.endpoint == "static":
        return None
    now = int(time.time())
    last_seen = session.get(LAST_SEEN)
    idle_limit = int(current_app.config.get("SESSION_IDLE_MINUTES", 120)) * 60
    if isinstance(last_seen, int) and now - last_seen > idle_limit:
        # Said while the user is known: a ministry contact reads "u".
        said = (_("U was een tijd niet actief. Log opnieuw in.") if formatting.formally() else
                _("Je was een tijd niet actief. Log opnieuw in."))
        texts = session_texts() if request.endpoint == SESSION_STATE else None
        if request.method == "POST" and texts is None:
            # A form sent after the login ended (the computer slept through the warning): say it
            # was not saved, and the login leads back to the page it was sent from.
            said += " " + not_saved_words(formatting.formally())
        end_session(detail="idle timeout")
        flash(said, "info")
        if texts is not None:
            return jsonify(left=0, extend=False, texts=texts), 401
        if request.endpoint == "auth.login":
            return None  # the login page itself, with the page to go back to that it was given
        return redirect(url_for("auth.login", next=back_after_login()))
    if request.endpoint == SESSION_STATE and request.method != "POST":
        return None  # asking how long the login lasts is no activity
    # Not every request (fewer cookie writes: at most once a minute, or a tenth of the idle limit
    # when that is shorter), but always "stay logged in".
    if (not isinstance(last_seen, int) or now - last_seen > min(60, idle_limit // 10)
            or request.endpoint == SESSION_STATE):
        session[LAST_SEEN] = now
    if request.endpoint is None or request.endpoint in ALWAYS_REACHABLE:
        return None
    if current_user.must_change_password:
        return redirect(url_for("auth.change_password"))
    if mfa_required_for(current_user) and not current_user.mfa_enabled:
        return redirect(url_for("auth.mfa_setup"))
    return None


def _too_many_requests(error):
    return render_template(
        "error.html",
        title=_("Te veel pogingen"),
        message=_("U hebt het te vaak geprobeerd. Wacht een paar minuten en probeer het dan opnieuw.")
        if formatting.formally() else
        _("Je hebt het te vaak geprobeerd. Wacht een paar minuten en probeer het dan opnieuw."),
    ), 429


@click.group("account")
def account_command() -> None:
    """Account rescue for operators: unlock an account or reset its MFA."""


@account_command.command("unlock")
@click.argument("email")
@with_appcontext
def unlock_account(email: str) -> None:
    """Clear the failed-login lock of EMAIL."""
    user = _user_or_fail(email)
    user.failed_logins = 0
    user.locked_until = None
    audit.record("account_unlock", user, detail="from the command line")
    db.session.commit()
    click.echo(_("Het account %(email)s is weer open.", email=user.email))


@account_command.command("reset-mfa")
@click.argument("email")
@with_appcontext
def reset_mfa(email: str) -> None:
    """Turn MFA off for EMAIL (lost phone); a required role must enrol again at next login."""
    from .services.accounts import end_sessions

    user = _user_or_fail(email)
    user.mfa_enabled = False
    user.totp_secret = None
    user.totp_last_step = None
    end_sessions(user)  # whoever has the phone is signed out as well
    audit.record("mfa_reset", user, detail="from the command line")
    db.session.commit()
    click.echo(_("De tweestapsverificatie van %(email)s staat uit, en het account is overal uitgelogd.",
                 email=user.email))


def _user_or_fail(email: str):
    from .services.accounts import find_user

    user = find_user(email)
    if user is None:
        raise click.ClickException(_("Er is geen account met e-mailadres %(email)s.", email=email))
    return user
