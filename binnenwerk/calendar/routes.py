"""Views of the calendar blueprint: token feeds, the employee's week page and link management."""
from __future__ import annotations

import datetime as dt
import io
import logging
import re
from contextlib import nullcontext
from urllib.parse import quote

import segno
from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from ..access import public, require_ministry, require_team, roles_required, team_ids_of
from ..extensions import db
from ..folding import contains_folded
from ..formatting import formally, full_date
from ..models import CalendarToken, Employee, FeedKind, Location, Role, Team
from ..paging import one_page
from ..security import LANG_LENT
from ..services import ServiceError, feeds, tokens
from ..services.regions import REGION_LENGTH
from ..teams.forms import MAX_SEARCH
from . import bp

MAX_ID = 2**31 - 1
TEAMS_PER_PAGE = 50  # the links overview, a page of teams at a time (about 100 teams)
# URL word -> feed kind; the staff pages speak Dutch in their URLs.
KIND_WORDS = {"medewerker": FeedKind.EMPLOYEE.value, "team": FeedKind.TEAM.value, "locatie": FeedKind.LOCATION.value}
MODEL_OF_KIND = {FeedKind.EMPLOYEE.value: Employee, FeedKind.TEAM.value: Team, FeedKind.LOCATION.value: Location}
# A secret in the URL: keep it out of Referer headers, search engines and shared caches.
SECRET_PAGE_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}
# The week pages and QR codes hold the secret link (and the week page a name, places and a phone
# number): kept in no cache, also not on the disk of a shared computer, nor after a link is
# renewed. The feed itself keeps "private, no-cache": calendars ask again with its ETag.
SECRET_PAGE_CACHE = "private, no-store"


# The token in a logged path (Flask's "Exception on /week/<token>", the development server's
# request lines): everything between the prefix and the next '/', '.', '?' or space.
TOKEN_IN_PATH = re.compile(r"(/(?:calendar|week)/)[^/.?\s]+")
# A token anywhere else (a link mistyped as /Week/..., /kalender/... or bare /<token>): a run of 20
# or more token characters with a capital or a digit in it, which no word of a page's address has.
TOKEN_LIKE = re.compile(r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*[A-Z0-9])[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])")


class MaskTokens(logging.Filter):
    """Log lines name the page a token opened, never the token: it is the whole secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = TOKEN_IN_PATH.sub(r"\1[token]", message) if "/calendar/" in message or "/week/" in message \
            else message
        masked = TOKEN_LIKE.sub("[token]", masked)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


MASK_TOKENS = MaskTokens()


@bp.record_once
def _mask_tokens_in_logs(state) -> None:
    for logger in (state.app.logger, logging.getLogger("werkzeug")):
        if MASK_TOKENS not in logger.filters:  # loggers are global; apps (in tests) are many
            logger.addFilter(MASK_TOKENS)


# --- helpers ----------------------------------------------------------------------------------


# What a chat app or a sentence glues to the end of a link ("Je rooster: https://.../week/abc."):
# never a character of a token, so the link without it is the link that was sent.
TRAILING_JUNK = ".,;:!?)]}>'\"*~\u2019\u201d\u00bb\u203a\u2026\u00a0 \t"


def _tidy_link(endpoint: str, token: str, mistyped: bool = False) -> Response:
    """A redirect to the link without what was glued to its end (`mistyped`: the route already saw
    a slip, such as a slash after it); the gone page when there was nothing to take off or what is
    left is no token: that link is dead, not mistyped.

    A link ending in '.ics', in any case ('.ICS' from a phone's keyboard, '.ics' put after the week
    page's link), asks for the calendar file: it leads to the feed."""
    clean = token.rstrip(TRAILING_JUNK)
    if clean[-4:].lower() == ".ics":
        endpoint, clean, mistyped = "calendar.feed", clean[:-4].rstrip(TRAILING_JUNK), True
    if (clean == token and not mistyped) or not tokens.TOKEN_RE.match(clean):
        return _gone(unknown=tokens.find(clean) is None)
    # The language marker stays on the tidied link (see feeds.feed_language and week_url).
    language = feeds.feed_language(request.args.get("taal"))
    response = redirect(url_for(endpoint, token=clean, **({"taal": language} if language else {})), code=301)
    return _with_headers(response, {**SECRET_PAGE_HEADERS, "Cache-Control": "no-store"})


def _gone(unknown: bool = False) -> Response:
    """A dead token link (unknown, revoked, renewed, of another kind, its subject gone), in words the
    employee can act on (in the language the link asks for): the general 404 page sends them to
    the staff login. `unknown`: never a link of ours, most often one cut short (a message that broke
    it, a character missed when typing it over), so the page asks to check the whole link was used;
    a stopped link was whole, and is not told so."""
    with _in_language(_link_language()):
        gone = Response(render_template("calendar/week_gone.html", unknown=unknown), status=404)
    return _with_headers(gone, SECRET_PAGE_HEADERS)


def unavailable(employee: bool = True) -> Response:
    """An employee's page or feed while the database cannot be reached (main's error handler): in
    words the employee can act on, not the staff page's "database" and its link to the staff login.
    A feed's address (`employee` False) may be a team's or a ministry location's, which cannot be
    told without the database: there the words fit whoever opens it."""
    with _in_language(_link_language()):
        page = Response(render_template("calendar/week_unavailable.html", employee=employee), status=503)
    return _with_headers(page, {**SECRET_PAGE_HEADERS, "Cache-Control": "no-store", "Retry-After": "300"})


def employee_error(status: int) -> Response:
    """A 404 or 500 under /week/ or /calendar/ (main's error handlers): an employee's link, so the
    employee's words and the office's number (OFFICE_PHONE), not the staff page's "Er is niets
    opgeslagen" and its link to the staff login. Under /calendar/ the words fit anyone (see
    unavailable). The path holds the token: it is logged masked (MaskTokens), never here."""
    employee = request.path.startswith("/week/")
    with _in_language(_link_language()):
        page = Response(render_template("calendar/week_unavailable.html", employee=employee,
                                        missing=status == 404), status=status)
    return _with_headers(page, {**SECRET_PAGE_HEADERS, "Cache-Control": "no-store"})


def employee_path(path: str | None = None) -> bool:
    """The request (or `path`, a page to go back to) is for an employee's link (or a feed or QR
    code): /week/... or /calendar/..."""
    return (request.path if path is None else path).startswith(("/week/", "/calendar/"))


def _subject_gone(row: CalendarToken) -> bool:
    subject = tokens.subject_of(row)
    if subject is None or getattr(subject, "archived", False):
        return True
    if row.kind == FeedKind.EMPLOYEE.value and _left(subject):
        return True
    return bool(getattr(subject, "anonymised_at", None))


def _left(employee: Employee) -> bool:
    """The employee's last working day has gone by, archived or not yet (see feeds.contract_over):
    their links are gone, and no staff page lists them for a link."""
    return feeds.contract_over(employee.contract_end, feeds.local_today())


def _still_employed():
    """SQL: an employee whose contract has not ended (see _left)."""
    return or_(Employee.contract_end.is_(None), Employee.contract_end >= feeds.local_today())


def feed_url(token: str, language: str | None = None) -> str:
    """The feed's link; in `language` (see feeds.feed_language) with its marker, in Dutch without:
    the links handed out before there was a marker stay as they were."""
    if language:
        return url_for("calendar.feed", token=token, taal=language, _external=True)
    return url_for("calendar.feed", token=token, _external=True)


def webcal_url(token: str, language: str | None = None) -> str:
    url = feed_url(token, language)
    return "webcal://" + url.split("://", 1)[1]


def google_calendar_url(token: str, language: str | None = None) -> str:
    """Google Calendar's page that subscribes to the feed (Android's calendar app handles no
    webcal:// link): the feed's webcal URL, URL-encoded, as its `cid`."""
    return "https://calendar.google.com/calendar/r?cid=" + quote(webcal_url(token, language), safe="")


def page_feed_language() -> str | None:
    """The feed language of the page being shown: the week page's calendar speaks as it does."""
    return feeds.feed_language(str(get_locale() or "nl"))


def week_url(token: str, language: str | None = None) -> str:
    """The week page's link; in `language` (see feeds.feed_language) with its marker, as the
    feed's link: a fresh phone opens it in that language. In Dutch without, as before."""
    if language:
        return url_for("calendar.week", token=token, taal=language, _external=True)
    return url_for("calendar.week", token=token, _external=True)


# Languages the link to an employee's page may lend it (?taal=); Dutch is a link without it.
PAGE_LANGUAGES = ("nl", "en")


def _link_language() -> str | None:
    """The language the link to an employee's page asks for (?taal=en from an English page, see
    week_url), or None: none asked, or one chosen in this browser (the page's language switch,
    which sends the reader back to the same link), which wins."""
    language = request.args.get("taal")
    if language not in PAGE_LANGUAGES:
        return None
    if session.get("lang") in PAGE_LANGUAGES and not session.get(LANG_LENT):
        return None
    return language


def _lend_language(language: str) -> None:
    """A browser without a login keeps the link's language, lent (security.LANG_LENT) as the
    login page is after a logout: the pages after it speak it, and whoever logs in there gets their
    own account's language. A member of staff's session keeps its own: the page only is lent it."""
    if not getattr(current_user, "is_authenticated", False):
        session["lang"] = language
        session[LANG_LENT] = True


def _in_language(language: str | None):
    """A page in `language`; in the one chosen as always (session, account) for None."""
    return force_locale(language) if language else nullcontext()


def print_language() -> str:
    """The language of sheets printed for employees (handouts): Dutch, as employees read, whatever
    the member of staff reads; English when asked with ?taal=en (a link on the page)."""
    return "en" if request.args.get("taal") == "en" else "nl"


def _get_or_404(model, object_id: int):
    if not 0 < object_id <= MAX_ID:
        abort(404)
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def _subject_for_staff(kind_word: str, subject_id: int):
    """The subject of a staff link page, or 404 when the user may not manage it."""
    kind = KIND_WORDS.get(kind_word)
    if kind is None:
        abort(404)
    subject = _get_or_404(MODEL_OF_KIND[kind], subject_id)
    role = current_user.role
    if kind == FeedKind.LOCATION.value:
        if role not in (Role.PLANNER.value, Role.MINISTRY_CONTACT.value):
            abort(404)
        require_ministry(current_user, subject.ministry_id)
    else:
        if role not in (Role.PLANNER.value, Role.TEAM_LEADER.value):
            abort(404)
        require_team(current_user, subject.team_id if kind == FeedKind.EMPLOYEE.value else subject.id)
    return kind, subject


def _back_url(kind: str, subject) -> str:
    if kind == FeedKind.EMPLOYEE.value:
        return url_for("calendar.links", team_id=subject.team_id)
    if kind == FeedKind.TEAM.value:
        return url_for("calendar.links", team_id=subject.id)
    return url_for("calendar.locations")


def _with_headers(response: Response, extra: dict) -> Response:
    for name, value in extra.items():
        response.headers[name] = value
    return response


# --- public, token-based ----------------------------------------------------------------------


@bp.route("/calendar/<token>.ics")
@public
def feed(token: str):
    # The hot path: a subscribed phone polls every hour. Two light queries decide on a 304.
    # The week page shown in English gives links with ?taal=en: the calendar speaks English too
    # (its own ETag). Dutch is a link without it; an unknown value is Dutch.
    language = feeds.feed_language(request.args.get("taal"))
    found = feeds.poll(token, language=language)
    if found is None:
        stopped = tokens.find(token)  # the rare path: was it a link of ours once?
        if stopped is not None and (stopped.revoked_at is not None or _subject_gone(stopped)):
            return _stopped_feed(stopped, language)
        return _tidy_link("calendar.feed", token)
    token_id, print_ = found
    headers = {
        **SECRET_PAGE_HEADERS,
        "Cache-Control": "private, no-cache",
        "ETag": f'"{print_.etag}"',
    }
    if _not_modified(print_):
        response = Response(status=304)
        response.last_modified = print_.last_modified
        return _with_headers(response, headers)
    row = db.session.get(CalendarToken, token_id)
    response = Response(feeds.build_feed(row, language=language), content_type="text/calendar; charset=utf-8")
    response.last_modified = print_.last_modified
    response.headers["Content-Disposition"] = 'inline; filename="binnenwerk.ics"'
    return _with_headers(response, headers)


def _stopped_feed(row: CalendarToken, language: str | None = None) -> Response:
    """A link that worked once: a calendar that drops its shifts and says the link stopped. With
    an ETag as the live feed's: a phone polling every hour gets 304 while the notice stays."""
    body, print_ = feeds.stopped_feed(row, feeds.local_today(), language)
    headers = {**SECRET_PAGE_HEADERS, "Cache-Control": "private, no-cache", "ETag": f'"{print_.etag}"'}
    if _not_modified(print_):
        response = Response(status=304)
    else:
        response = Response(body, content_type="text/calendar; charset=utf-8")
        response.headers["Content-Disposition"] = 'inline; filename="binnenwerk.ics"'
    response.last_modified = print_.last_modified
    return _with_headers(response, headers)


@bp.route("/calendar/<name>")
@bp.route("/calendar/<name>/")
@public
def feed_mistyped(name: str):
    """A feed link with a slash or punctuation after '.ics' (copied from a message), with '.ICS'
    or without '.ics' (typed over, or cut off): the feed."""
    return _tidy_link("calendar.feed", name, mistyped=True)


def _not_modified(print_: feeds.Fingerprint) -> bool:
    # Only the ETag decides: Last-Modified is the newest shift still in the feed, so a shift that
    # leaves it (moved to another place, another person) changes the feed but not that date, and
    # an If-Modified-Since client would keep the old calendar.
    return bool(request.if_none_match) and request.if_none_match.contains_weak(print_.etag)


@bp.route("/week/<token>")
@public
def week(token: str):
    row = tokens.resolve(token)
    if row is None:
        return _tidy_link("calendar.week", token)
    if _subject_gone(row) or row.kind != FeedKind.EMPLOYEE.value:
        return _gone()
    employee = row.employee
    today = feeds.local_today()
    leader = feeds.own_team_leader(employee)
    now = dt.datetime.combine(today, feeds.local_now().time())  # a part-day absence counts while it lasts
    # The link's ?taal=en (from an English page or handout) is the page's language, on a phone
    # that never chose one too; the page's own links and codes carry it on.
    lent = _link_language()
    if lent:
        _lend_language(lent)
    leader_away = feeds.leader_away_now(leader, now)
    with _in_language(lent):
        language = page_feed_language()
        weeks = feeds.employee_weeks(employee, today)
        response = Response(render_template(
            "calendar/week.html",
            employee=employee,
            weeks=weeks,
            leader=leader,
            leader_away=leader_away,
            contact=feeds.today_contact(weeks, leader, leader_away),
            today=today,
            token=token,
            marker=language,
            webcal=webcal_url(token, language),
            google=google_calendar_url(token, language),
            feed=feed_url(token, language),
        ))
    response.headers["Cache-Control"] = SECRET_PAGE_CACHE
    return _with_headers(response, SECRET_PAGE_HEADERS)


@bp.route("/week/")
@public
def week_without_token():
    """The week page link cut off before its code (a message that broke the line): a dead link
    to the employee, not the staff's "not found"."""
    return _gone(unknown=True)


@bp.route("/week/<token>/")
@public
def week_mistyped(token: str):
    """The week page link with a slash after it (copied from a message): the week page."""
    return _tidy_link("calendar.week", token, mistyped=True)


@bp.route("/week/<token>/toegankelijkheid/")  # pasted with a slash after it
@bp.route("/week/<token>/toegankelijkheid")  # registered first: the one url_for builds
@public
def week_accessibility(token: str):
    """The accessibility statement as the week page's footer opens it: with the way back to the
    week. The general statement's name leads to "/", the staff login, where an employee is lost.
    The token stays in the path, as on the week page, so log lines mask it (TOKEN_IN_PATH).
    A short version in plain words for employees; ?volledig=1 the full statement, for who wants it."""
    row = tokens.resolve(token)
    if row is None or _subject_gone(row) or row.kind != FeedKind.EMPLOYEE.value:
        return _gone()
    lent = _link_language()
    if lent:
        _lend_language(lent)
    with _in_language(lent):
        response = Response(render_template("calendar/accessibility.html", token=token,
                                            marker=page_feed_language(),
                                            full=request.args.get("volledig") == "1"))
    response.headers["Cache-Control"] = SECRET_PAGE_CACHE
    return _with_headers(response, SECRET_PAGE_HEADERS)


@bp.route("/calendar/<token>/qr.svg")
@public
def qr(token: str):
    """A QR code of the subscribe link; with ?voor=week, of the week page; with ?voor=agenda, of
    the week page's calendar section (#agenda), where its buttons for iPhone and Android are: a
    phone's camera opens a webcal:// link on an iPhone only (Android's Chrome does nothing with it).
    With ?taal=en (an English page's code) the link it holds has that marker too."""
    row = tokens.resolve(token)
    if row is None or _subject_gone(row):
        return _gone()
    language = feeds.feed_language(request.args.get("taal"))
    target = webcal_url(token, language)
    voor = request.args.get("voor")
    if voor in ("week", "agenda"):
        if row.kind != FeedKind.EMPLOYEE.value:
            return _gone()
        target = week_url(token, language) + ("#agenda" if voor == "agenda" else "")
    out = io.BytesIO()
    segno.make(target, error="m").save(
        out, kind="svg", scale=6, border=4, dark="#000000", light="#ffffff", xmldecl=False,
        title=_("QR-code"),
    )
    response = Response(out.getvalue(), content_type="image/svg+xml; charset=utf-8")
    response.headers["Cache-Control"] = SECRET_PAGE_CACHE
    return _with_headers(response, SECRET_PAGE_HEADERS)


# --- staff pages ------------------------------------------------------------------------------


@bp.route("/kalender")
@roles_required(Role.PLANNER, Role.TEAM_LEADER, Role.MINISTRY_CONTACT)
def index():
    if current_user.role == Role.MINISTRY_CONTACT.value:
        return redirect(url_for("calendar.locations"))
    allowed = team_ids_of(current_user)
    # The teams this user makes links for; the search and the region only narrow it.
    scope = select(Team).where(Team.archived.is_(False))
    if allowed is not None:
        scope = scope.where(Team.id.in_(allowed or [0]))
    total = db.session.scalar(select(func.count()).select_from(scope.subquery())) or 0
    if current_user.role == Role.TEAM_LEADER.value and total == 1:  # one team: nothing to choose
        return redirect(url_for("calendar.links", team_id=db.session.scalar(scope.with_only_columns(Team.id))))
    words = request.args.get("naam", "").strip()[:MAX_SEARCH].replace(",", " ").split()  # as the teams list
    regions = [r for r in db.session.scalars(
        scope.with_only_columns(Team.region).distinct().order_by(Team.region)) if r]
    asked = " ".join(request.args.get("regio", "").split())[:REGION_LENGTH]
    region = asked if asked in regions else None
    query = scope.order_by(Team.name, Team.id)
    if region is not None:
        query = query.where(Team.region == region)
    for word in words:
        query = query.where(contains_folded(Team.name, word))
    found = one_page(query, request.args.get("page"), TEAMS_PER_PAGE)
    search = " ".join(words)
    args = {name: value for name, value in (("naam", search), ("regio", region)) if value}
    return render_template(
        "calendar/index.html", teams=found.items, found=found, total=total, search=search, regions=regions,
        region=region, unknown_region=asked if asked and region is None else None,
        filtered=bool(words) or region is not None, args=args, without_link=_without_link(found.items),
    )


def _without_link(teams) -> dict[int, int]:
    """Per team on the page, its current employees without a working link: at 100 teams the
    planner finds who still needs one without opening every team (a QA finding)."""
    linked = select(CalendarToken.id).where(
        CalendarToken.employee_id == Employee.id, CalendarToken.kind == FeedKind.EMPLOYEE.value,
        CalendarToken.revoked_at.is_(None)).exists()
    return dict(db.session.execute(
        select(Employee.team_id, func.count(Employee.id))
        .where(Employee.team_id.in_([t.id for t in teams] or [0]), Employee.archived.is_(False),
               _still_employed(), ~linked)
        .group_by(Employee.team_id)
    ).all())


def _team_links(team_id: int) -> tuple[Team, list[Employee], dict[int, CalendarToken]]:
    """A team this user manages, its current employees (not those whose contract has ended, not
    yet archived: their links are gone, see _left) and their active links (by employee id)."""
    team = _get_or_404(Team, team_id)
    require_team(current_user, team.id)
    employees = db.session.scalars(
        select(Employee)
        .where(Employee.team_id == team.id, Employee.archived.is_(False), _still_employed())
        .order_by(Employee.sort_name, Employee.id)
    ).all()
    active = {
        row.employee_id: row
        for row in db.session.scalars(
            select(CalendarToken).where(
                CalendarToken.kind == FeedKind.EMPLOYEE.value,
                CalendarToken.employee_id.in_([e.id for e in employees] or [0]),
                CalendarToken.revoked_at.is_(None),
            )
        )
    }
    return team, employees, active


@bp.route("/kalender/team/<int:team_id>")
@roles_required(Role.PLANNER, Role.TEAM_LEADER)
def links(team_id: int):
    team, employees, active = _team_links(team_id)
    team_token = tokens.active_for(FeedKind.TEAM, team)
    return render_template(
        "calendar/links.html", team=team, employees=employees, active=active, team_token=team_token,
    )


@bp.route("/kalender/team/<int:team_id>/links-maken", methods=["POST"])
@roles_required(Role.PLANNER, Role.TEAM_LEADER)
def issue_missing(team_id: int):
    """A link for every employee of the team who has none yet; existing links stay as they are."""
    team, employees, active = _team_links(team_id)
    if team.archived:
        flash(_("Dit is gearchiveerd. Je kunt er geen link voor maken."), "error")
        return redirect(url_for("calendar.links", team_id=team.id))
    missing = [e for e in employees if e.id not in active]
    # Each one looked at again as it is made: a second click at the same moment (or a colleague)
    # leaves the links the first one made as they are, and makes none twice.
    made = sum(tokens.issue_first(FeedKind.EMPLOYEE, employee) is not None for employee in missing)
    db.session.commit()
    if made:
        flash(ngettext("%(num)d link gemaakt.", "%(num)d links gemaakt.", made), "success")
    elif missing:
        flash(_("De links zijn al gemaakt. Er is niets veranderd."), "info")
    else:
        flash(_("Iedereen in het team heeft al een link."), "info")
    return redirect(url_for("calendar.links", team_id=team.id))


@bp.route("/kalender/team/<int:team_id>/briefjes")
@roles_required(Role.PLANNER, Role.TEAM_LEADER)
def handouts(team_id: int):
    """One sheet per employee to print and hand out: their week page and calendar as QR codes.

    The sheets speak the employees' language, Dutch, whatever the member of staff reads (the page
    around them speaks theirs); in English with ?taal=en, for an employee who reads English: their
    codes then open the English week page and calendar."""
    team, employees, active = _team_links(team_id)
    sheets = [(e, tokens.link_for(active[e.id])) for e in employees if e.id in active]
    without = [e for e in employees if e.id not in active]
    language = print_language()
    with force_locale(language):
        printed = Markup(render_template("calendar/_handout_sheets.html", team=team, sheets=sheets,
                                         language=language, marker=feeds.feed_language(language)))
    response = Response(render_template("calendar/handouts.html", team=team, sheets=sheets, without=without,
                                        printed=printed, language=language))
    response.headers["Cache-Control"] = "no-store"
    return _with_headers(response, SECRET_PAGE_HEADERS)


@bp.route("/kalender/locaties")
@roles_required(Role.PLANNER, Role.MINISTRY_CONTACT)
def locations():
    query = (
        select(Location)
        .where(Location.archived.is_(False))
        .options(joinedload(Location.ministry))
        .order_by(Location.name, Location.id)
    )
    if current_user.role == Role.MINISTRY_CONTACT.value:
        query = query.where(Location.ministry_id == current_user.ministry_id)
    found = db.session.scalars(query).all()
    active = {
        row.location_id: row
        for row in db.session.scalars(
            select(CalendarToken).where(
                CalendarToken.kind == FeedKind.LOCATION.value,
                CalendarToken.location_id.in_([loc.id for loc in found] or [0]),
                CalendarToken.revoked_at.is_(None),
            )
        )
    }
    return render_template("calendar/locations.html", locations=found, active=active)


@bp.route("/kalender/link/<kind_word>/<int:subject_id>")
@roles_required(Role.PLANNER, Role.TEAM_LEADER, Role.MINISTRY_CONTACT)
def show(kind_word: str, subject_id: int):
    kind, subject = _subject_for_staff(kind_word, subject_id)
    ended = _contract_ended_on(kind, subject)
    row = tokens.active_for(kind, subject) if ended is None else None  # a left person's link stopped
    token = tokens.link_for(row) if row else None
    # A team's or location's calendar is for the member of staff reading this page: in their
    # language. An employee's is handed to the employee, who reads Dutch: as it was.
    language = page_feed_language() if kind != FeedKind.EMPLOYEE.value else None
    return render_template(
        "calendar/show.html",
        kind=kind, kind_word=kind_word, subject=subject, row=row, token=token, marker=language,
        feed=feed_url(token, language) if token else None,
        webcal=webcal_url(token, language) if token else None,
        week=week_url(token) if token and kind == FeedKind.EMPLOYEE.value else None,
        back=_back_url(kind, subject), ended=ended,
    )


def _contract_ended_on(kind: str, subject) -> str | None:
    """An employee's last contract day in words when it has gone by (see _left), else None: their
    link stopped with it, so the page shows no address or QR code that would not work (an
    archived row need not be there yet) and says why instead of "gearchiveerd"."""
    if kind != FeedKind.EMPLOYEE.value or not _left(subject):
        return None
    return full_date(subject.contract_end, feeds.local_today())


def _ask_first(action: str, kind: str, kind_word: str, subject, row: CalendarToken) -> Response:
    """The page that asks before a working link stops working: one click must not silently break
    an employee's phone calendar and week page. The page's button posts to the same URL, naming
    the link it asks about (see _opened_for)."""
    return render_template(
        "calendar/confirm.html", action=action, kind=kind, subject=subject, row=row,
        back=url_for("calendar.show", kind_word=kind_word, subject_id=subject.id),
    )


# What the "Link maken" button names as the link its page was opened for: none yet.
NO_LINK = "none"


def _opened_for() -> int | str | None:
    """The link the posted page was opened for (the form's `link`): a link's id, NO_LINK, or None
    when the post names none (a page from before the field, a script): then as before. A page
    opened earlier must not break a link someone made or renewed since (a QA finding): the action
    only goes ahead on the link it was shown. A value that is no link's id matches none."""
    value = request.form.get("link")
    if value is None or value == NO_LINK:
        return value
    if not (value.isascii() and value.isdigit() and len(value) <= len(str(MAX_ID))):
        return 0
    return int(value) if 0 < int(value) <= MAX_ID else 0


def _changed_meanwhile(kind: str, subject, made: bool) -> str:
    """The message for an action on a link that is no longer the subject's working link: what
    the page now shows instead, and that nothing changed. `made`: the page was opened for no link."""
    if tokens.active_for(kind, subject) is None:
        return _("De link is net ingetrokken, door iemand anders of in een ander venster. "
                 "Er is niets veranderd.")
    if made:
        return _("Er is net al een link gemaakt, door iemand anders of in een ander venster. "
                 "Er is niets veranderd. Hieronder staat de link die nu werkt.")
    return _("Er is net al een nieuwe link gemaakt, door iemand anders of in een ander venster. "
             "Er is niets veranderd. Hieronder staat de link die nu werkt.")


@bp.route("/kalender/link/<kind_word>/<int:subject_id>/vernieuwen", methods=["GET", "POST"])
@roles_required(Role.PLANNER, Role.TEAM_LEADER, Role.MINISTRY_CONTACT)
def renew(kind_word: str, subject_id: int):
    kind, subject = _subject_for_staff(kind_word, subject_id)
    ended = _contract_ended_on(kind, subject)
    if ended is not None:
        flash(_("Het contract van %(name)s is geëindigd op %(date)s. Daarom kun je geen nieuwe link maken.",
                name=subject.name, date=ended), "error")
        return redirect(url_for("calendar.show", kind_word=kind_word, subject_id=subject.id))
    if getattr(subject, "archived", False):
        flash(_("Dit is gearchiveerd. U kunt er geen link voor maken.") if formally()
              else _("Dit is gearchiveerd. Je kunt er geen link voor maken."), "error")
        return redirect(url_for("calendar.show", kind_word=kind_word, subject_id=subject.id))
    row = tokens.active_for(kind, subject)
    if request.method == "GET":
        if row is None:  # nothing breaks: the page's own button makes the first link
            return redirect(url_for("calendar.show", kind_word=kind_word, subject_id=subject.id))
        return _ask_first("renew", kind, kind_word, subject, row)
    opened_for = _opened_for()
    had_link = row is not None if opened_for is None else opened_for != NO_LINK
    try:
        if opened_for == NO_LINK:  # "Link maken": only while there is none, one made since stays
            token = tokens.issue_first(kind, subject)
        elif opened_for is not None:  # the ask-first page: only the link it asked about
            token = tokens.renew_current(kind, subject, opened_for)
        else:
            token = tokens.renew(kind, subject)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        if token is None:
            db.session.rollback()  # nothing was written, and no audit row
            flash(_changed_meanwhile(kind, subject, made=not had_link), "info")
        else:
            db.session.commit()
            if had_link:
                flash(_("Er is een nieuwe link gemaakt. De oude link werkt niet meer."), "success")
            else:
                flash(_("De link is gemaakt."), "success")
    return redirect(url_for("calendar.show", kind_word=kind_word, subject_id=subject.id))


@bp.route("/kalender/link/<kind_word>/<int:subject_id>/intrekken", methods=["GET", "POST"])
@roles_required(Role.PLANNER, Role.TEAM_LEADER, Role.MINISTRY_CONTACT)
def revoke(kind_word: str, subject_id: int):
    kind, subject = _subject_for_staff(kind_word, subject_id)
    row = tokens.active_for(kind, subject)
    if request.method == "GET" and row is not None:
        return _ask_first("revoke", kind, kind_word, subject, row)
    opened_for = _opened_for() if request.method == "POST" else None
    if opened_for is not None:  # the ask-first page: only the link it asked about
        if tokens.revoke_current(kind, subject, 0 if opened_for == NO_LINK else opened_for):
            db.session.commit()
            flash(_("De link is ingetrokken. Hij werkt niet meer."), "success")
        else:
            db.session.rollback()
            flash(_changed_meanwhile(kind, subject, made=False), "info")
    elif row is None:
        flash(_("Er is geen link om in te trekken."), "error")
    else:
        tokens.revoke(row)
        db.session.commit()
        flash(_("De link is ingetrokken. Hij werkt niet meer."), "success")
    return redirect(url_for("calendar.show", kind_word=kind_word, subject_id=subject.id))
