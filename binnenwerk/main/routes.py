"""The landing page of each role, the language switch and static information pages."""

import re
import time
from urllib.parse import quote, urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..access import ALL_STAFF, declared_access, public, roles_required
from ..auth.routes import is_safe_next
from ..extensions import db
from ..formatting import shift_week, week_of
from ..models import DeploymentRequest, Employee, RequestStatus, Role, Team
from ..security import LANG_LENT, back_after_login, form_page, opens_for_get
from . import bp


@bp.route("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return redirect(url_for("auth.login"))


@bp.route("/home")
@roles_required(*ALL_STAFF)
def home():
    from ..services.absences import rosters_to_repair
    from ..services.rosters import call_list, not_yet_published, short_notice_changes, today

    this_week = week_of(today())
    role = current_user.role
    # Next week's rosters, which employees should see in time; and this week's, whose changes
    # after publishing (a request cancelled or moved, a cell changed) people do not see yet,
    # although they are told to come today.
    context: dict = {"this_week": this_week, "next_week": shift_week(this_week, 1)}
    if role == Role.MINISTRY_CONTACT.value:
        from ..services.admin import agreement_names
        from ..services.requests import status_label

        context["status_label"] = status_label
        # What the ministry can ask for: its agreement's work types still offered.
        ministry = current_user.ministry
        context["agreed"] = agreement_names([w for w in ministry.work_types if not w.archived]) if ministry else []
        context["requests"] = db.session.scalars(
            select(DeploymentRequest)
            .where(DeploymentRequest.ministry_id == current_user.ministry_id)
            .order_by(DeploymentRequest.start_date.desc())
            .limit(10)
        ).all()
    elif role == Role.TEAM_LEADER.value:
        context["teams"] = current_user.teams
        context["today"] = today()
        # Per person, in the order of their first change (the list is by date): one call tells all.
        by_person: dict[int, list] = {}
        for shift in short_notice_changes([t.id for t in current_user.teams]):
            by_person.setdefault(shift.employee_id, []).append(shift)
        context["short_notice"] = list(by_person.values())
        context["waiting"] = not_yet_published(context["next_week"], [t.id for t in current_user.teams])
        context["unseen_now"] = _unseen_this_week(this_week, [t.id for t in current_user.teams])
        context["repairs"] = rosters_to_repair(team_ids=[t.id for t in current_user.teams])
        # The leader the account is (the supervisor form links them): where they lead this week and
        # next, their own team or another's; a pool stand-in's only way to learn it. An archived
        # leader leads nobody any more.
        leader = current_user.supervisor
        context["leader"] = leader if leader is not None and not leader.archived else None
        if context["leader"] is not None:
            from ..services.leading_days import leading_weeks

            context["leading_weeks"] = leading_weeks(context["leader"], context["today"])
    else:
        if role == Role.ADMIN.value:
            context["setup_steps"] = _setup_steps()
        if role == Role.PLANNER.value:
            waiting = not_yet_published(context["next_week"])
            # Never published (or no roster yet), and published but changed since: told apart.
            context["waiting"] = [team for team, status in waiting if status != "changed"]
            context["waiting_changed"] = [team for team, status in waiting if status == "changed"]
            context["unseen_now"] = _unseen_this_week(this_week)
            context["repairs"] = rosters_to_repair()
            # Every team's list to phone: with its team leader away, the planner makes the calls.
            context["call_list"] = call_list(None)
            context["today"] = today()
        context["team_count"] = db.session.scalar(select(func.count(Team.id)).where(Team.archived.is_(False)))
        context["employee_count"] = db.session.scalar(
            select(func.count(Employee.id)).where(Employee.archived.is_(False))
        )
        # What the intake lists: new requests, and changes and cancellations not yet looked at.
        context["new_requests"], context["changed_requests"] = db.session.execute(
            select(
                func.count(DeploymentRequest.id).filter(DeploymentRequest.status == RequestStatus.SUBMITTED.value),
                func.count(DeploymentRequest.id).filter(
                    DeploymentRequest.status != RequestStatus.SUBMITTED.value,
                    DeploymentRequest.changed_since_review.is_(True)),
            )
        ).one()
    return render_template(f"main/home_{role}.html", **context)


def _setup_steps() -> list[tuple[str, str, bool]]:
    """A new install's first steps for the admin, in the order that works (a ministry's agreement
    lists work types, a location belongs to a ministry, accounts come last): (label, link, done).
    Empty once every step has something: the home page then shows no list."""
    from flask_babel import gettext as _

    from ..models import Location, Ministry, User, WorkType

    def some(model, *where) -> bool:
        return db.session.scalar(select(model.id).where(*where).limit(1)) is not None

    steps = [
        (_("Werksoorten maken: het werk dat ministeries kunnen vragen"), url_for("admin.work_type_new"),
         some(WorkType, WorkType.archived.is_(False))),
        (_("Ministeries maken, met de werksoorten van hun afspraak"), url_for("admin.ministry_new"),
         some(Ministry, Ministry.archived.is_(False))),
        (_("Locaties maken, met hun regio"), url_for("admin.location_new"), some(Location, Location.archived.is_(False))),
        (_("Een account voor een planner maken"), url_for("admin.user_new"),
         some(User, User.role == Role.PLANNER.value, User.active.is_(True))),
        (_("Accounts voor teamleiders en contactpersonen van ministeries maken"), url_for("admin.user_new"),
         some(User, User.role.in_([Role.TEAM_LEADER.value, Role.MINISTRY_CONTACT.value]))),
    ]
    return [] if all(done for _label, _url, done in steps) else steps


def _unseen_this_week(week: str, team_ids: list[int] | None = None) -> list:
    """This week's rosters that employees do not see as they are: changed since publishing, or
    planned and never published. A team without a roster this week is not raised: at this point
    in the week that is a team with no work, not one waiting for its roster."""
    from ..services.rosters import not_yet_published

    return [(team, status) for team, status in not_yet_published(week, team_ids) if status != "none"]


@bp.route("/taal/<code>", methods=["POST"])
@public
def set_language(code: str):
    if code in ("nl", "en"):
        session["lang"] = code
        session.pop(LANG_LENT, None)  # chosen now, in this browser
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return _back_to_page(request.form.get("next"))


def _back_to_page(target: str | None):
    """The language button's way back: the page it was pressed on (for a page shown for a form
    sent, the page the form was sent from: language_way_back), or the start page where that page
    cannot be opened again (a POST-only address would say "Niet toegestaan", one without the
    query its form sent in the body "Niet gevonden").
    An employee's address that is no page (a mistyped /week/ link) is its own way back too: its
    page is the employee's "Deze pagina bestaat niet", which the start page, the staff login, is
    not; the language chosen in the session is the one it then speaks (calendar.routes._link_language)."""
    from ..calendar.routes import employee_path

    path = urlsplit(target).path if is_safe_next(target) else None
    if path is not None and employee_path(path):
        return redirect(target)
    if path is None or not opens_for_get(path):
        return redirect(url_for("main.index"))
    # An address that opens for a GET can still be "Niet gevonden" for what it lacks: a page shown for
    # a form sent (/rooster/cel) needs the query that form had in its body. Then the start page
    # instead (not_found), for this way back only.
    session[LANG_WAY_BACK] = [path, int(time.time())]
    return redirect(target)


# The path the language button just sent a browser back to, and when (_back_to_page).
LANG_WAY_BACK = "lang_way_back"


def _language_way_back_failed() -> bool:
    """Whether this GET's "Niet gevonden" is that of the language button's way back, just now."""
    if request.method != "GET" or LANG_WAY_BACK not in session:
        return False
    path, at = session.pop(LANG_WAY_BACK)
    return path == request.path and 0 <= time.time() - at <= 60


def language_way_back() -> str:
    """The language button's `next`: this page's address; for a page shown for a form sent, the page
    that form was sent from (the same-site Referer), as its own address may open no page, or
    another one, without the fields the form sent in its body."""
    here = request.full_path.removesuffix("?")
    return (form_page() or here) if request.method == "POST" else here


@bp.route("/toegankelijkheid")
@public
def accessibility():
    return render_template("main/accessibility.html")


def N_(text: str) -> str:
    """Marks a text for extraction; it is translated where it is shown."""
    return text


# Menu per role: (endpoint, label). An entry appears once its blueprint provides the endpoint.
NAV = {
    Role.ADMIN.value: [
        ("main.home", N_("Start")), ("admin.users", N_("Gebruikers")), ("admin.ministries", N_("Ministeries")),
        ("admin.locations", N_("Locaties")), ("admin.work_types", N_("Werksoorten")),
        ("teams.index", N_("Teams")), ("dataio.index", N_("Gegevens importeren")),
        ("admin.audit", N_("Auditlog")),
    ],
    Role.PLANNER.value: [
        ("main.home", N_("Start")), ("rosters.week", N_("Rooster")), ("requests.intake", N_("Aanvragen")),
        ("teams.index", N_("Teams")), ("teams.employees", N_("Medewerkers")),
        ("teams.absences", N_("Afwezigheid")), ("reports.capacity", N_("Capaciteit")),
        ("reports.jobs", N_("Banenafspraak")), ("calendar.index", N_("Agenda-links")),
        ("dataio.index", N_("Gegevens importeren")), ("privacy.index", N_("Privacy")),
    ],
    Role.TEAM_LEADER.value: [
        ("main.home", N_("Start")), ("rosters.week", N_("Rooster")), ("teams.index", N_("Mijn team")),
        ("teams.absences", N_("Afwezigheid")), ("calendar.index", N_("Agenda-links")),
    ],
    Role.MINISTRY_CONTACT.value: [
        ("main.home", N_("Start")), ("requests.index", N_("Aanvragen")), ("requests.plan", N_("Planning")),
        ("calendar.locations", N_("Agenda-links")),
    ],
}


@bp.app_context_processor
def layout_helpers():
    from flask import current_app
    from flask_babel import get_locale
    from flask_babel import gettext as _

    def nav_items():
        if not current_user.is_authenticated:
            return []
        items = []
        for endpoint, label in NAV.get(current_user.role, []):
            if label == "Mijn team" and len(current_user.teams) > 1:
                label = N_("Mijn teams")  # as the page it opens says
            if endpoint in current_app.view_functions:
                url = url_for(endpoint)
                items.append({"url": url, "label": _(label), "current": request.endpoint == endpoint})
        return items

    return {"nav_items": nav_items, "current_locale": lambda: str(get_locale() or "nl"),
            "language_way_back": language_way_back}


def _error_page(status: int, title: str, message: str):
    from flask_babel import gettext as _

    return render_template("error.html", title=_(title), message=_(message)), status


@bp.app_errorhandler(400)
def bad_request(error):
    return _error_page(400, N_("Ongeldig verzoek"), N_("Dit verzoek klopt niet. Ga terug en probeer het opnieuw."))


# Who does what a role may not (403): said so the reader knows whom to ask, not only "no".
WHO_CAN = {
    Role.TEAM_LEADER.value: N_("Dit is werk van de planner. Heb je dit nodig? Vraag het de planner."),
    Role.MINISTRY_CONTACT.value: N_("Deze pagina is voor medewerkers van Binnenwerk. Heeft u hier iets nodig? Neem "
                                    "dan contact op met de planner van Binnenwerk."),
    Role.PLANNER.value: N_("Dit is werk van de beheerder. Heb je dit nodig? Vraag het de beheerder."),
    Role.ADMIN.value: N_("Dit is werk van de planner. Heb je dit nodig? Vraag het de planner."),
}


@bp.app_errorhandler(403)
def forbidden(error):
    from flask_babel import gettext as _

    role = current_user.role if current_user.is_authenticated else None
    if role in (Role.TEAM_LEADER.value, Role.PLANNER.value) and request.blueprint == "admin":
        role = Role.PLANNER.value  # the admin's pages: the admin's work, whoever asks
    who = WHO_CAN.get(role)
    return render_template("error.html", title=_("Geen toegang"), message=_("Met dit account is deze pagina niet te openen."),
                           next_step=_(who) if who else None), 403


# A link's first word capitalised by a phone or typed so (/Week/..., /CALENDAR/...): the page it names.
CAPITALISED_LINK = re.compile(r"/(week|calendar)(/[^/]+(?:/[^/]*)?)\Z", re.IGNORECASE)


@bp.app_errorhandler(404)
def not_found(error):
    slip = CAPITALISED_LINK.match(request.path)
    if slip and not request.path.startswith(f"/{slip.group(1).lower()}/"):
        query = request.query_string.decode("latin-1")
        return redirect(f"/{slip.group(1).lower()}{quote(slip.group(2))}" + (f"?{query}" if query else ""), code=301)
    from ..calendar.routes import employee_error, employee_path

    if employee_path():  # an employee's link: their words, no way to the staff login
        return employee_error(404)
    if _language_way_back_failed():
        return redirect(url_for("main.index"))
    return _error_page(404, N_("Niet gevonden"), N_("Deze pagina bestaat niet (meer)."))


@bp.app_errorhandler(405)
def method_not_allowed(error):
    return _error_page(405, N_("Niet toegestaan"), N_("Deze actie kan hier niet."))


@bp.app_errorhandler(413)
def too_large(error):
    """A body over MAX_CONTENT_LENGTH. Only a multipart form (the upload form's kind) can carry a
    file, so only there it says "file"; a login or any other form sent that large is told plainly.
    The body itself is not read (request.files would be over the limit too)."""
    if request.mimetype == "multipart/form-data":
        return _error_page(413, N_("Bestand te groot"), N_("Het bestand is te groot. Het mag maximaal 10 MB zijn."))
    return _error_page(413, N_("Te veel gegevens"), N_(
        "Dit is te veel gegevens in één keer. Er is niets opgeslagen. Ga terug en probeer het opnieuw."))


@bp.app_errorhandler(500)
def server_error(error):
    db.session.rollback()
    from ..calendar.routes import employee_error, employee_path

    if employee_path():  # an employee's link: their words, no way to the staff login
        return employee_error(500)
    return _error_page(500, N_("Er ging iets mis"), N_(
        "Er ging iets mis aan onze kant. Er is niets opgeslagen. Probeer het later opnieuw."))


def _database_down(error):
    """A database error no view handled. A database that cannot be reached gets the page that
    says so, as it passes; any other (a missing table after a forgotten migration, a deadlock, a
    lock or statement timeout) the page of any other error. Both are logged: the type and the
    database's message, never the values bound to the statement (hide_parameters, config.py)."""
    db.session.rollback()
    orig = getattr(error, "orig", None) or error
    # The endpoint, not the path: calendar paths carry their secret token (README).
    where = f"{request.method} {request.endpoint or '-'}"
    if _database_unreachable(error):
        log.error("database unreachable on %s: %s: %s", where, type(orig).__name__, _first_line(orig))
        if request.path.startswith(("/week/", "/calendar/")):  # an employee's page, feed or QR code
            from ..calendar.routes import unavailable

            return unavailable(employee=request.path.startswith("/week/"))
        return _error_page(
            503, N_("Database niet bereikbaar"),
            N_("De database is even niet bereikbaar. Er is niets opgeslagen. Probeer het over een paar minuten "
               "opnieuw."),
        )
    log.error("database error on %s: %s: %s", where, type(orig).__name__, _first_line(orig), exc_info=error)
    return server_error(error)


import logging  # noqa: E402

from flask_wtf.csrf import CSRFError  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

log = logging.getLogger("binnenwerk.database")

# PostgreSQL states of a server that cannot be reached or is going away: connection exceptions
# (class 08), shut down or starting up (57P01-57P03), too many connections (53300).
UNREACHABLE_STATES = ("57P01", "57P02", "57P03", "53300")
# The words of a failed connection, for a driver that gives no state (SQLite's is a missing folder
# or file rights).
UNREACHABLE_WORDS = (
    "connection refused", "could not connect", "connection failed", "server closed the connection",
    "connection timed out", "timeout expired", "could not translate host name", "no route to host",
    "connection is closed", "connection is lost", "unable to open database file",
)


def _database_unreachable(error: OperationalError) -> bool:
    """True when the database could not be reached, not when it answered with an error."""
    if getattr(error, "connection_invalidated", False):
        return True
    orig = getattr(error, "orig", None) or error
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state:  # the server answered
        return state.startswith("08") or state in UNREACHABLE_STATES
    if type(orig).__module__.split(".")[0] == "psycopg":
        return True  # libpq's own errors come without a state: the connection failed
    message = str(orig).lower()
    return any(words in message for words in UNREACHABLE_WORDS)


def _first_line(orig) -> str:
    # The driver's message without its DETAIL and CONTEXT lines.
    return (str(orig).strip().splitlines() or [""])[0][:300]


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    from flask_babel import gettext as _

    view = current_app.view_functions.get(request.endpoint or "")
    if not current_user.is_authenticated and isinstance(declared_access(view), frozenset):
        # A form of a signed-in page sent after the login was gone (logged out in another tab, the
        # browser closed, the cookie deleted): the token goes with the session, so CSRF refuses it
        # before the login check could. As after an idle timeout: say it was not saved, and the
        # login leads back to the page it was sent from.
        flash(_("Het formulier is niet opgeslagen: de inlog was al afgelopen. Log opnieuw in en verstuur het "
                "daarna nog een keer."), "info")
        return redirect(url_for("auth.login", next=back_after_login()))
    if request.endpoint == "main.set_language":
        # The language button of a page whose cookie went (an employee's week page left open): back
        # to that page, unchanged, where the button works again; never the staff's error page.
        return _back_to_page(request.form.get("next"))
    if request.endpoint in ("auth.login", "auth.mfa_login"):
        # A login page left open until its cookie went: the login page again, which works (at its
        # own address, with the page it leads to; a code's page starts the login over).
        from ..auth.forms import LoginForm

        flash(_("Het inlogformulier was verlopen. Log nog een keer in."), "info")
        if request.endpoint == "auth.mfa_login":
            return redirect(url_for("auth.login"))
        form = LoginForm(formdata=None, email=request.form.get("email", "")[:200])
        return render_template("auth/login.html", form=form, refused=True), 400
    return _error_page(
        400, N_("Formulier verlopen"),
        N_("Het formulier is verlopen of niet geldig. Laad de pagina opnieuw en probeer het nog eens."),
    )


bp.app_errorhandler(OperationalError)(_database_down)
