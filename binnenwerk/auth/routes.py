"""Login and logout views."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from .. import audit
from ..access import ALL_STAFF, public, roles_required
from ..extensions import db, login_manager
from ..models import User, utcnow
from . import bp
from .forms import LoginForm


@login_manager.user_loader
def load_user(user_id: str):
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


def is_safe_next(target: str | None) -> bool:
    return bool(target) and target.startswith("/") and not target.startswith("//") and "\\" not in target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None or not user.active or not check_password_hash(user.password_hash, form.password.data):
            audit.record("login_failed", user, result="refused", detail=f"email={email}")
            db.session.commit()
            flash(_("Dit e-mailadres en wachtwoord horen niet bij elkaar."), "error")
            return render_template("auth/login.html", form=form), 401
        login_user(user)
        user.last_login_at = utcnow()
        audit.record("login", user, actor=user)
        db.session.commit()
        target = request.args.get("next")
        return redirect(target if is_safe_next(target) else url_for("main.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@roles_required(*ALL_STAFF)
def logout():
    audit.record("logout", current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("Je bent uitgelogd."), "info")
    return redirect(url_for("auth.login"))
