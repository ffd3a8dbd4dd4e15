"""Account security operations: password checks with lockout, MFA (TOTP), password change and reset."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import pyotp
from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit
from ..extensions import db
from ..formatting import ascii_digits, formally
from ..models import AuditEvent, User, UserSession, utcnow
from . import ServiceError
from .users import NEVER_IN_PASSWORDS, validate_password

ISSUER = "Binnenwerk Teamplanner"

OK, INVALID, LOCKED, MFA_NEEDED = "ok", "invalid", "locked", "mfa"

# Failures for e-mail addresses without an account, so they lock like real ones and a locked
# message does not reveal which addresses exist. Per process; bounded so it cannot grow forever.
_dummy_hash: list[str] = []


class AccountLocked(ServiceError):
    """Too many wrong passwords or codes: the account is locked for a while (the message says how
    long). Raised by the checks a signed-in user passes too, so a session cannot guess on."""

    def __init__(self):
        super().__init__(locked_message())


def locked_message() -> str:
    minutes = int(current_app.config.get("LOCKOUT_MINUTES", 15))
    if formally():  # a ministry contact, locked out while logged in (the password change)
        return _("Er is te vaak een verkeerd wachtwoord of een verkeerde code gebruikt. "
                 "Uw account is daarom %(minutes)d minuten geblokkeerd. Probeer het daarna opnieuw.", minutes=minutes)
    return _(
        "Er is te vaak een verkeerd wachtwoord of een verkeerde code gebruikt. "
        "Je account is daarom %(minutes)d minuten geblokkeerd. Probeer het daarna opnieuw.",
        minutes=minutes,
    )


def _threshold() -> int:
    return int(current_app.config.get("LOCKOUT_THRESHOLD", 5))


def _lock_period() -> dt.timedelta:
    return dt.timedelta(minutes=int(current_app.config.get("LOCKOUT_MINUTES", 15)))


def find_user(email: str) -> User | None:
    email = (email or "").strip().lower()
    if not email:
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def session_lifetime() -> dt.timedelta:
    """How long a login lasts at most, however busy the session is (BIO: sessions end)."""
    return dt.timedelta(hours=float(current_app.config.get("SESSION_MAX_HOURS", 12)))


def _session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


# How long a session's record outlives the session: the browser that comes back after a weekend is
# told its login lasted its hours (session_user), not that it was ended elsewhere.
ENDED_SESSIONS_KEPT = dt.timedelta(days=7)


def start_session(user: User) -> str:
    """Record a new signed-in session and return its random id for the cookie; records of
    sessions long past their lifetime (of anyone) are removed on the way. The caller commits."""
    db.session.execute(delete(UserSession).where(
        UserSession.created_at < utcnow() - session_lifetime() - ENDED_SESSIONS_KEPT))
    session_id = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_session_hash(session_id)))
    return session_id


def session_user(user_id: int, session_id) -> tuple[User | None, bool]:
    """(the user, False) of a live signed-in session, in one query for the user and the session's
    record. (None, False) for a session that was ended (logout, deactivation, a password or MFA
    change) or never started, and for an inactive account; (None, True) for a session that
    outlived its lifetime, which is ended here (audited, commits)."""
    if not isinstance(session_id, str) or not session_id:
        return None, False
    found = db.session.execute(
        select(User, UserSession.created_at)
        .join(UserSession, UserSession.user_id == User.id)
        .where(User.id == user_id, UserSession.token_hash == _session_hash(session_id))
    ).first()
    if found is None or not found[0].active:
        return None, False
    if found[1] < utcnow() - session_lifetime():
        end_session(session_id)
        audit.record("logout", found[0], actor=found[0], detail="session lifetime reached")
        db.session.commit()
        return None, True
    g.session_ends = found[1] + session_lifetime()  # the page's warning before it ends (security.session_left)
    return found[0], False


def end_session(session_id) -> None:
    """Forget one session (logout): a copy of its cookie no longer signs anyone in. The caller commits."""
    if isinstance(session_id, str) and session_id:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _session_hash(session_id)))


def end_sessions(user: User, *, keep: str | None = None) -> None:
    """End every session of the user, except `keep` (the one that made the change). The caller commits."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if isinstance(keep, str) and keep:
        query = query.where(UserSession.token_hash != _session_hash(keep))
    db.session.execute(query)


def is_locked(user: User, now: dt.datetime | None = None) -> bool:
    now = now or utcnow()
    return user.locked_until is not None and user.locked_until > now


def check_credentials(email: str, password: str) -> tuple[str, User | None]:
    """(OK | MFA_NEEDED | INVALID | LOCKED, user). Records failures and lockouts; commits."""
    email = (email or "").strip().lower()
    user = find_user(email)
    now = utcnow()
    if user is None:
        # Same work as for a real account, so timing does not reveal unknown addresses.
        check_password_hash(_fake_hash(), password or "")
        status, counts = _unknown_failure(email, now)
        # A try while "locked" is audited as a locked account's is: not counted.
        audit.record("login_failed", None, result="refused" if counts else "locked",
                     detail=unknown_account_detail(email))
        db.session.commit()
        return status, None
    if _still_locked(user, now):
        # The password is checked all the same (and ignored): a locked account answering at once
        # would tell real addresses from unknown ones by timing.
        check_password_hash(user.password_hash, password or "")
        return LOCKED, user
    # A password with a control character is a wrong one (none is stored with one), counted as such.
    if not user.active or not check_password_hash(user.password_hash, password or "") \
            or NEVER_IN_PASSWORDS.search(password or ""):
        reason = "inactive account" if not user.active else "wrong password"
        return register_failure(user, reason), user
    if user.mfa_enabled and user.totp_secret:
        db.session.commit()
        return MFA_NEEDED, user
    return OK, user


def _still_locked(user: User, now: dt.datetime | None = None) -> bool:
    """True while the account is locked (the attempt is audited; commits); a lock that has run
    out is lifted and the count starts afresh."""
    now = now or utcnow()
    if is_locked(user, now):
        audit.record("login_failed", user, result="locked", detail="account locked", actor=user)
        db.session.commit()
        return True
    if user.locked_until is not None:
        user.locked_until = None
        user.failed_logins = 0
    return False


def register_failure(user: User, reason: str, *, action: str = "login_failed") -> str:
    """Count a failed password or MFA code, at login or on a page that asks for one again (the
    same count, so a session cannot guess on); lock the account at the threshold. Commits."""
    if _last_failure(user) < utcnow() - _lock_period():
        # A count runs while each wrong try follows the one before within the lock period, as an
        # unknown address's does (_unknown_failure): yesterday's four typos did not lock someone out
        # at today's first, and an address that did would be told from an unknown one.
        user.failed_logins = 0
    user.failed_logins = (user.failed_logins or 0) + 1
    audit.record(action, user, result="refused", detail=reason, actor=user)
    status = INVALID
    if user.failed_logins >= _threshold():
        user.locked_until = utcnow() + _lock_period()
        audit.record(
            "account_locked", user, result="locked",
            detail=f"{user.failed_logins} failed attempts; locked for {_lock_period()}", actor=user,
        )
        status = LOCKED
    db.session.commit()
    return status


def complete_login(user: User, *, method: str = "password") -> str:
    """Bookkeeping after a successful login (password, and code when MFA is on); returns the new
    session's id for the cookie. Commits."""
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    session_id = start_session(user)
    audit.record("login", user, actor=user, detail=f"method={method}")
    db.session.commit()
    return session_id


def unknown_account_detail(email: str) -> str:
    """The audit detail of a failed login at an address without an account."""
    return f"unknown account; email={email[:200]}"


# The audit actions of a wrong password or code (register_failure's `action`).
FAILURE_ACTIONS = ("login_failed", "password_change", "mfa_disable")


def _last_failure(user: User) -> dt.datetime:
    """When the user last gave a wrong password or code (counted, not while locked); long ago if never."""
    found = db.session.scalar(select(func.max(AuditEvent.at)).where(
        AuditEvent.object_type == "User", AuditEvent.object_id == str(user.id),
        AuditEvent.action.in_(FAILURE_ACTIONS), AuditEvent.result == "refused"))
    return found or dt.datetime.min


def _unknown_failure(email: str, now: dt.datetime) -> tuple[str, bool]:
    """(LOCKED or INVALID, whether this try counts) for an unknown address, answered as a real
    account's would be (register_failure, is_locked): a count runs while each wrong try follows the
    one before within the lock period; the try that reaches the threshold locks for the lock period,
    and tries then are not counted. From the audit log (each try is audited), so every web process
    counts the same tries: per process, an unknown address showed the lock later than a real one
    under gunicorn's several workers."""
    counted = db.session.scalars(select(AuditEvent.at).where(
        AuditEvent.action == "login_failed", AuditEvent.detail == unknown_account_detail(email),
        AuditEvent.result == "refused",
    ).order_by(AuditEvent.at.desc()).limit(_threshold())).all()
    run, later = 0, now
    for at in counted:
        if later - at > _lock_period():
            break
        run, later = run + 1, at
    if run >= _threshold():
        return LOCKED, False  # the lock of the try that reached the count has not run out
    return (LOCKED if run + 1 >= _threshold() else INVALID), True


def _fake_hash() -> str:
    if not _dummy_hash:
        _dummy_hash.append(generate_password_hash("not-a-real-password-Binnenwerk-0"))
    return _dummy_hash[0]


# --- passwords -------------------------------------------------------------------------------


def change_password(user: User, current: str, new: str, repeat: str, *, session_id: str | None = None) -> None:
    """The user's own change: needs the current password. Ends the user's other sessions
    (`session_id` is the one making the change). A wrong current password counts towards the
    lockout as at login; AccountLocked when the account is or gets locked. Commits."""
    if _still_locked(user):
        raise AccountLocked()
    if not check_password_hash(user.password_hash, current or ""):
        if register_failure(user, "wrong current password", action="password_change") == LOCKED:
            raise AccountLocked()
        raise ServiceError(_("Uw huidige wachtwoord klopt niet.") if formally()
                           else _("Je huidige wachtwoord klopt niet."), field="current")
    _check_new_password(new, repeat)
    if check_password_hash(user.password_hash, new):
        if user.must_change_password:  # the temporary one the admin chose
            raise ServiceError(_("Kies een ander wachtwoord dan het tijdelijke wachtwoord."), field="new")
        raise ServiceError(_("Kies een ander wachtwoord dan uw huidige.") if formally()
                           else _("Kies een ander wachtwoord dan je huidige."), field="new")
    if user.must_change_password and any(
            check_password_hash(earlier, new) for earlier in (user.previous_password_hash or "").split()):
        # The password before the reset (an admin resets one that may be known to someone else),
        # or a temporary one given before the current one.
        raise ServiceError(_("Kies een ander wachtwoord dan uw vorige wachtwoord.") if formally()
                           else _("Kies een ander wachtwoord dan je vorige wachtwoord."), field="new")
    user.failed_logins = 0
    user.password_hash = generate_password_hash(new)
    user.previous_password_hash = None
    user.must_change_password = False
    end_sessions(user, keep=session_id)
    audit.record("password_change", user)
    db.session.commit()


# How many earlier passwords a run of resets keeps (the user's own first): enough for any real run.
MAX_EARLIER_PASSWORDS = 10


def reset_password(user: User, temporary: str, repeat: str, *, actor: User, reset_mfa: bool = False) -> None:
    """An admin sets a temporary password; the user must choose a new one at next login. Commits."""
    if user.id == actor.id:
        raise ServiceError(_("Je eigen wachtwoord wijzig je via Mijn account."), field="password")
    _check_new_password(temporary, repeat, field="password", repeat_field="repeat")
    if not user.must_change_password:
        user.previous_password_hash = user.password_hash
    else:  # a second reset before the user chose one: their own, and each temporary one since
        earlier = (user.previous_password_hash or "").split()
        user.previous_password_hash = "\n".join((earlier + [user.password_hash])[-MAX_EARLIER_PASSWORDS:])
    user.password_hash = generate_password_hash(temporary)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    detail = "temporary password set; change required"
    if reset_mfa:
        user.mfa_enabled = False
        user.totp_secret = None
        user.totp_last_step = None
        detail += "; MFA reset"
    end_sessions(user)
    audit.record("password_reset", user, actor=actor, detail=detail)
    db.session.commit()


def _check_new_password(new: str, repeat: str, *, field: str = "new", repeat_field: str = "repeat") -> None:
    problem = validate_password(new or "")
    if problem:
        raise ServiceError(problem, field=field)
    if new != repeat:
        raise ServiceError(_("De twee wachtwoorden zijn niet hetzelfde."), field=repeat_field)


# --- MFA ---------------------------------------------------------------------------------------


def normalise_code(code: str | None) -> str:
    return "".join((code or "").split())


def verify_code(user: User, code: str | None) -> bool:
    """True for a current code not used before; remembers its time step (the caller commits)."""
    code = normalise_code(code)
    if not user.totp_secret or len(code) != 6 or not ascii_digits(code):
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = dt.datetime.now(dt.timezone.utc)
    current = totp.timecode(now)
    # One step of clock drift either way is allowed, as authenticator apps expect.
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            # Claimed in the database, not in this request's copy of the user: two logins that
            # send the same code at once would both see it unused there.
            claimed = db.session.execute(
                update(User).where(User.id == user.id,
                                   or_(User.totp_last_step.is_(None), User.totp_last_step < step))
                .values(totp_last_step=step).execution_options(synchronize_session=False)
            ).rowcount
            if not claimed:
                return False  # replayed: someone saw this code being typed
            set_committed_value(user, "totp_last_step", step)
            return True
    return False


def start_enrolment(user: User) -> str:
    """A secret for the user to scan; kept until confirmed. Commits when a new one is made."""
    if user.mfa_enabled:
        raise ServiceError(_("Tweestapsverificatie staat al aan."))
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        audit.record("mfa_enrolment_started", user)
        db.session.commit()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def wrong_code_message(user: User, code: str | None) -> str:
    """Why a code was refused, in words: a right code used a moment ago (replay protection, or
    typing the same code twice within its 30 seconds) is told apart from a wrong one."""
    code = normalise_code(code)
    if user.totp_secret and user.totp_last_step is not None and len(code) == 6 and ascii_digits(code):
        totp = pyotp.TOTP(user.totp_secret)
        current = totp.timecode(dt.datetime.now(dt.timezone.utc))
        if any(hmac.compare_digest(totp.generate_otp(step), code) for step in (current - 1, current, current + 1)):
            return _("Deze code is al gebruikt. Wacht tot de app een nieuwe code laat zien en typ die.")
    return _("Deze code klopt niet. Typ de 6 cijfers die de app nu laat zien.")


def confirm_enrolment(user: User, code: str, *, session_id: str | None = None) -> None:
    """Turn MFA on with a first code; ends the user's sessions but `session_id`. Commits."""
    if user.mfa_enabled:
        raise ServiceError(_("Tweestapsverificatie staat al aan."))
    if not verify_code(user, code):
        audit.record("mfa_enable", user, result="refused", detail="wrong code")
        db.session.commit()
        raise ServiceError(wrong_code_message(user, code), field="code")
    user.mfa_enabled = True
    end_sessions(user, keep=session_id)
    audit.record("mfa_enable", user)
    db.session.commit()


def disable_mfa(user: User, code: str, *, required: bool, session_id: str | None = None) -> None:
    """Turn MFA off with a current code; ends the user's sessions but `session_id`. A wrong code
    counts towards the lockout as at login; AccountLocked when the account is or gets locked. Commits."""
    if not user.mfa_enabled:
        raise ServiceError(_("Tweestapsverificatie staat al uit."))
    if _still_locked(user):
        raise AccountLocked()
    if required:
        audit.record("mfa_disable", user, result="refused", detail="required for role")
        db.session.commit()
        raise ServiceError(_("Voor jouw rol is tweestapsverificatie verplicht. Je kunt het niet uitzetten."))
    if not verify_code(user, code):
        if register_failure(user, "wrong code", action="mfa_disable") == LOCKED:
            raise AccountLocked()
        raise ServiceError(wrong_code_message(user, code), field="code")
    user.failed_logins = 0
    user.mfa_enabled = False
    user.totp_secret = None
    user.totp_last_step = None
    end_sessions(user, keep=session_id)
    audit.record("mfa_disable", user)
    db.session.commit()
