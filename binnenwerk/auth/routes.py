"""Login (with the TOTP second step), logout, MFA settings, password change and admin reset."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

import segno
from flask import abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, ngettext, refresh
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..access import ALL_STAFF, public, roles_required
from ..extensions import db, login_manager
from ..formatting import ascii_digits, formally
from ..models import Role, User
from ..security import (LANG_LENT, SESSION_ID, back_after_login, end_session, lend_to_login_page, limiter,
                        mfa_required_for, not_saved_words, session_left, session_texts)
from ..services import ServiceError
from ..services import accounts
from . import bp
from .forms import ChangePasswordForm, CodeForm, DisableMfaForm, LoginForm, ResetPasswordForm

PENDING_USER, PENDING_SINCE, PENDING_NEXT = "mfa_user_id", "mfa_since", "mfa_next"
# The account's language while its code is asked: the password proved who it is, so the code page
# speaks the account's language on a new computer too (binnenwerk.select_locale).
PENDING_LOCALE = "mfa_locale"

ROLE_LABELS = {
    Role.ADMIN.value: _l("Beheerder"),
    Role.PLANNER.value: _l("Planner"),
    Role.TEAM_LEADER.value: _l("Teamleider"),
    Role.MINISTRY_CONTACT.value: _l("Contactpersoon ministerie"),
}


@login_manager.user_loader
def load_user(user_id: str):
    if not ascii_digits(user_id) or len(user_id) > 10:
        return None
    # A deactivated account, a logged-out session, or one from before a password or MFA change
    # (they end the user's other sessions) has no live record: it ends here.
    user, expired = accounts.session_user(int(user_id), session.get(SESSION_ID))
    if user is None and session.get(SESSION_ID):
        # Ended by its lifetime, or elsewhere (an admin deactivated the account or reset its
        # password, a password or two-step change on another computer): the next page said nothing.
        for key in (SESSION_ID, "_user_id"):
            session.pop(key, None)
        _say_login_ended(db.session.get(User, int(user_id)), expired)
    return user


def _say_login_ended(ended: User | None, expired: bool) -> None:
    """The login page after a login ended without a logout here: in the account's language and
    form of address, as after a logout (security.end_session lends both to that page)."""
    language = session.get("lang")
    formal = ended is not None and ended.role == Role.MINISTRY_CONTACT.value
    # Lent, whoever chose it: the next login in this browser keeps its own account's language.
    lend_to_login_page(language or getattr(ended, "locale", None), formal)
    if session.get("lang") != language:
        refresh()  # the language of this request may have been read before the login was known
    sent = request.method == "POST" and request.endpoint != "auth.session_state"
    if ended is not None and not ended.active:
        said = _("U bent uitgelogd.") if formal else _("Je bent uitgelogd.")  # no login to go back to
        if sent:
            # Not "do it again after logging in": they cannot. Knowing it was lost, they ask a colleague.
            said += " " + (_("Wat u net verstuurde, is niet opgeslagen.") if formal else
                           _("Wat je net verstuurde, is niet opgeslagen."))
        flash(said, "info")
        return
    hours = int(current_app.config.get("SESSION_MAX_HOURS", 12))
    if not expired:
        said = _("U bent uitgelogd. Log opnieuw in.") if formal else _("Je bent uitgelogd. Log opnieuw in.")
    elif formal:
        said = ngettext("U bent al %(num)d uur ingelogd. Log opnieuw in.",
                        "U bent al %(num)d uur ingelogd. Log opnieuw in.", hours)
    else:
        said = ngettext("Je bent al %(num)d uur ingelogd. Log opnieuw in.",
                        "Je bent al %(num)d uur ingelogd. Log opnieuw in.", hours)
    if sent:
        # A form sent then: as after an idle timeout, say it was not saved (the login leads back to
        # the page it came from: unauthorized below).
        said += " " + not_saved_words(formal)
    flash(said, "info")


@login_manager.unauthorized_handler
def unauthorized():
    """To the login page, which leads back to the page asked for (security.back_after_login)."""
    return redirect(url_for("auth.login", next=back_after_login()))


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: no scheme, host, backslash, or characters browsers strip."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(c.isspace() or not c.isprintable() for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def _login_limit() -> str:
    return current_app.config.get("LOGIN_RATE_LIMIT", "20 per minute")


def _start_session(user: User, method: str, target: str | None):
    """Log the user in, in a fresh session: nothing from before the login (fixation) carries over.

    The login is recorded (complete_login commits its session record) before the user is logged in
    for this request: a login whose commit fails (a locked or lost database) is no login, and the
    error page then shows no staff header, name or menu. Logged in first, that page showed them as
    if the login had worked, while the next click asked to log in (no session record, so
    load_user knows nobody)."""
    language = session.get("lang") if not session.get(LANG_LENT) else None  # not the last user's
    session.clear()
    if language:
        # Chosen on the login page, in this browser: the account's language from now on, as a
        # choice made after the login is (main.set_language), so the next login on another
        # computer speaks it too.
        session["lang"] = language
        user.locale = language
    session_id = accounts.complete_login(user, method=method)
    login_user(user)
    session[SESSION_ID] = session_id
    return redirect(target if is_safe_next(target) else url_for("main.home"))


def _refused(form, status: str):
    if status == accounts.LOCKED:
        message = accounts.locked_message()
    else:
        message = _("Dit e-mailadres en wachtwoord horen niet bij elkaar.")
    flash(message, "error")
    return render_template("auth/login.html", form=form, refused=True), 401


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        status, user = accounts.check_credentials(form.email.data, form.password.data)
        if status in (accounts.INVALID, accounts.LOCKED):
            return _refused(form, status)
        target = request.args.get("next")
        if status == accounts.MFA_NEEDED:
            session[PENDING_USER] = user.id
            session[PENDING_SINCE] = int(time.time())
            session[PENDING_NEXT] = target if is_safe_next(target) else None
            session[PENDING_LOCALE] = user.locale
            return redirect(url_for("auth.mfa_login"))
        return _start_session(user, "password", target)
    # A new install without any account: the login page says how the first admin is made (nobody
    # could log in to be told otherwise). One cheap query, only while no account exists.
    try:
        no_accounts = db.session.scalar(select(User.id).limit(1)) is None
    except SQLAlchemyError:  # no tables yet: the form still shows; logging in says what is wrong
        db.session.rollback()
        no_accounts = False
    return render_template("auth/login.html", form=form, no_accounts=no_accounts)


def _pending_user() -> User | None:
    user_id = session.get(PENDING_USER)
    since = session.get(PENDING_SINCE)
    if not isinstance(user_id, int) or not isinstance(since, int):
        return None
    if time.time() - since > int(current_app.config.get("MFA_PENDING_SECONDS", 300)):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or not user.mfa_enabled:
        return None
    return user


@bp.route("/tweestaps", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def mfa_login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    user = _pending_user()
    if user is None:
        for key in (PENDING_USER, PENDING_SINCE, PENDING_NEXT, PENDING_LOCALE):
            session.pop(key, None)
        flash(_("Log opnieuw in. Het inloggen duurde te lang of is niet begonnen."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if accounts.is_locked(user):
            return _locked_at_code()
        if not accounts.verify_code(user, form.code.data):
            status = accounts.register_failure(user, "wrong MFA code")
            if status == accounts.LOCKED:
                return _locked_at_code()
            form.code.errors.append(accounts.wrong_code_message(user, form.code.data))
            return render_template("auth/mfa_login.html", form=form), 401
        return _start_session(user, "password+totp", session.get(PENDING_NEXT))
    return render_template("auth/mfa_login.html", form=form)


def _locked_at_code():
    """Too many wrong codes: the login page with the lock's message (the code's form no longer
    leads anywhere), at its own address and with the page the login was for."""
    target = session.get(PENDING_NEXT)
    # PENDING_LOCALE stays: the login page says the lock in the account's language (a next login
    # replaces it, and a completed one clears the session).
    for key in (PENDING_USER, PENDING_SINCE, PENDING_NEXT):
        session.pop(key, None)
    flash(accounts.locked_message(), "error")
    return redirect(url_for("auth.login", next=target if is_safe_next(target) else None))


@bp.route("/logout", methods=["POST"])
@roles_required(*ALL_STAFF)
def logout():
    said = _("U bent uitgelogd.") if formally() else _("Je bent uitgelogd.")  # before the user is gone
    end_session()
    flash(said, "info")
    return redirect(url_for("auth.login"))


@bp.route("/sessie", methods=["GET", "POST"])
@public
def session_state():
    """How long this login lasts if nothing happens (GET, which is no activity itself), and "stay
    logged in" (POST): the page warns before an idle logout (static/js/session.js, WCAG 2.2.1)."""
    if not current_user.is_authenticated:
        return jsonify(left=0, extend=False, texts=session_texts()), 401
    left, extend = session_left()
    return jsonify(left=left, extend=extend, texts=session_texts())


# --- the user's own account --------------------------------------------------------------------


@bp.route("/account")
@roles_required(*ALL_STAFF)
def account():
    return render_template(
        "auth/account.html",
        role_label=ROLE_LABELS.get(current_user.role, current_user.role),
        mfa_required=mfa_required_for(current_user),
        disable_form=DisableMfaForm(),
    )


def _locked_out(what: str):
    """Too many wrong passwords or codes from this session: it ends, as a login would be refused."""
    said = accounts.locked_message()  # while the user is known: "u" to a ministry contact
    end_session(detail=f"account locked after {what}")
    flash(said, "error")
    return redirect(url_for("auth.login"))


@bp.route("/wachtwoord", methods=["GET", "POST"])
@roles_required(*ALL_STAFF)
@limiter.limit(_login_limit, methods=["POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.new.data, form.repeat.data,
                                     session_id=session.get(SESSION_ID))
        except accounts.AccountLocked:
            return _locked_out("wrong current passwords")
        except ServiceError as error:
            getattr(form, error.field or "new").errors.append(error.message)
        else:
            flash(_("Uw wachtwoord is gewijzigd.") if formally() else _("Je wachtwoord is gewijzigd."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200


@bp.route("/tweestaps/instellen", methods=["GET", "POST"])
@roles_required(*ALL_STAFF)
def mfa_setup():
    if current_user.mfa_enabled:
        flash(_("Tweestapsverificatie staat al aan."), "info")
        return redirect(url_for("auth.account"))
    secret = accounts.start_enrolment(current_user)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            accounts.confirm_enrolment(current_user, form.code.data, session_id=session.get(SESSION_ID))
        except ServiceError as error:
            form.code.errors.append(error.message)
        else:
            flash(_("Tweestapsverificatie staat aan. U hebt voortaan bij het inloggen een code uit uw app nodig.")
                  if formally() else
                  _("Tweestapsverificatie staat aan. Je hebt voortaan bij het inloggen een code uit je app nodig."),
                  "success")
            return redirect(url_for("main.home"))
    qr = segno.make(accounts.provisioning_uri(current_user), error="m")
    qr_title = _("QR-code voor uw app") if formally() else _("QR-code voor je app")
    # An image named by its title; the caption under it says the same to the eye only (read once).
    svg = qr.svg_inline(scale=5, dark="#000000", light="#ffffff", title=qr_title).replace("<svg ", '<svg role="img" ', 1)
    return render_template(
        "auth/mfa_setup.html",
        form=form,
        qr_title=qr_title,
        qr_svg=Markup(svg),
        secret_groups=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        required=mfa_required_for(current_user),
    ), 422 if form.errors else 200


@bp.route("/tweestaps/uitzetten", methods=["POST"])
@roles_required(*ALL_STAFF)
@limiter.limit(_login_limit)
def mfa_disable():
    form = DisableMfaForm()
    if form.validate_on_submit():
        try:
            accounts.disable_mfa(current_user, form.code.data, required=mfa_required_for(current_user),
                                 session_id=session.get(SESSION_ID))
        except accounts.AccountLocked:
            return _locked_out("wrong MFA codes")
        except ServiceError as error:
            # At the field, as the other code forms say it (WCAG 3.3.1), and not kept in it.
            form.code.errors = list(form.code.errors) + [error.message]
        else:
            flash(_("Tweestapsverificatie staat uit."), "success")
            return redirect(url_for("auth.account"))
    form.code.data = ""
    return render_template(
        "auth/account.html",
        role_label=ROLE_LABELS.get(current_user.role, current_user.role),
        mfa_required=mfa_required_for(current_user),
        disable_form=form,
        refused=True,
    ), 422


# --- admin: reset another user's password ------------------------------------------------------


@bp.route("/gebruikers/<int:user_id>/wachtwoord", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def reset_password(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = ResetPasswordForm()
    if not mfa_required_for(user):
        form.reset_mfa.label.text = _("Ook tweestapsverificatie uitzetten (bijvoorbeeld bij een nieuwe telefoon). "
                                      "%(name)s kan het daarna zelf weer aanzetten.", name=user.name)
    if form.validate_on_submit():
        try:
            accounts.reset_password(
                user, form.password.data, form.repeat.data,
                actor=current_user._get_current_object(), reset_mfa=form.reset_mfa.data,
            )
        except ServiceError as error:
            getattr(form, error.field or "password").errors.append(error.message)
        else:
            said = _("Het tijdelijke wachtwoord voor %(name)s is ingesteld. Geef het persoonlijk door. "
                     "Bij de volgende keer inloggen moet %(name)s een eigen wachtwoord kiezen.", name=user.name)
            if form.reset_mfa.data and mfa_required_for(user):
                said += " " + _("Daarna stelt %(name)s ook tweestapsverificatie opnieuw in.", name=user.name)
            elif form.reset_mfa.data:
                # Not required for this role: it is off now, and theirs to turn on again.
                said += " " + _("Tweestapsverificatie staat nu uit. %(name)s kan het zelf weer aanzetten.",
                                name=user.name)
            flash(said, "success")
            target = "admin.users" if "admin.users" in current_app.view_functions else "main.home"
            return redirect(url_for(target))
    return render_template("auth/reset_password.html", form=form, user=user), 422 if form.errors else 200
