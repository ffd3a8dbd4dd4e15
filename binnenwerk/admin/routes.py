"""Views of the admin blueprint: thin handlers around services.admin."""
from __future__ import annotations

import secrets

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, get_locale, to_user_timezone
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..access import roles_required
from ..extensions import db
from ..folding import contains_folded
from ..formatting import full_date, local_today, marked_dutch, marked_dutch_in
from ..forms_common import made_before, refused_as_stale
from ..models import FeedKind, Location, Ministry, Role, Team, User, WorkType
from ..services import ServiceError
from ..services import admin as ops
from ..services import accounts, people, seen_state, tokens
from ..services import regions as region_service
from ..services.submissions import SentBefore
from . import bp
from .forms import (
    LocationForm, MinistryForm, RegionRenameForm, StatusFilter, UserFilter, UserForm, WorkTypeForm,
)

ADMIN = Role.ADMIN


def _get_or_404(model, obj_id: int):
    # Flask's int converter accepts huge numbers; those cannot exist (and overflow PostgreSQL's int4).
    if obj_id >= 2**31:
        abort(404)
    obj = db.session.get(model, obj_id)
    if obj is None:
        abort(404)
    return obj


def _apply_service_error(form, error: ServiceError) -> None:
    """Show a refusal from the service next to its field, or above the form."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        flash(error.message, "error")


def _with_links(error: ServiceError):
    """A refusal's message with each request it names (ops.HeldByRequests) linked to its page."""
    named = getattr(error, "requests", None)
    if not named:
        return error.message
    text = escape(error.message)
    for request_named in named:
        link = Markup('<a href="%s">%s</a>') % (
            url_for("requests.detail", request_id=request_named.id), request_named.label)
        text = text.replace(escape(request_named.label), link, 1)
    return text


def _submission() -> str:
    """The key of a form that makes something new: fresh when the form is opened, sent back with it
    (so the same form sent twice makes one; services.admin.made_by_form)."""
    return request.form.get("submission", "")[:64] if request.method == "POST" else secrets.token_urlsafe(16)


def _account_made_before(user: User):
    return made_before(_("Account van %(name)s was al aangemaakt. Er is geen tweede gemaakt.", name=user.name),
                       url_for("admin.user_edit", user_id=user.id))


def _item_made_before(made, kind: str):
    said = _("%(what)s was al opgeslagen. Er is geen tweede gemaakt.", what=ops.label_of(made))
    if isinstance(made, (Ministry, Location)):
        said = marked_dutch_in(said, made.name)  # a Dutch name, marked on an English page (WCAG 3.1.2)
    return made_before(said, url_for(f"admin.{kind}_edit", **{f"{kind}_id": made.id}))


def _show_state(form, obj, state) -> None:
    """On opening an edit form: remember what is stored, so a save over a later change is refused."""
    if obj is not None and request.method == "GET":
        form.seen_state.data = state(obj)


def _saved_unchanged(form, obj_id: int | None, obj, state) -> bool:
    """After a save of an existing item that stored nothing new (the form sent as it was shown):
    says so, as the teams' forms do, instead of "opgeslagen"."""
    if obj_id is None or state(obj) != form.seen_state.data:
        return False
    flash(_("Er was niets veranderd."), "info")
    return True


def _refuse_if_changed(form, obj, state) -> None:
    if obj is not None:
        seen_state.refuse_if_changed(obj, form.seen_state.data, state)


def _status_filter(archived_words: tuple[str, str]):
    """The 'show' filter of a list: (form, chosen value)."""
    form = StatusFilter(formdata=request.args)
    active_word, archived_word = archived_words
    form.status.choices = [("actief", active_word), ("gearchiveerd", archived_word), ("alle", _("Alle"))]
    chosen = form.status.data if form.status.data in ("actief", "gearchiveerd", "alle") else "actief"
    form.status.data = chosen
    return form, chosen


def _none_yet(model) -> bool:
    """No row at all, archived or not: a new install's empty list says "nog geen", not "none match"."""
    return db.session.scalar(select(model.id).limit(1)) is None


def _filtered(query, chosen: str, flag):
    if chosen == "actief":
        return query.where(flag.is_(False))
    if chosen == "gearchiveerd":
        return query.where(flag.is_(True))
    return query


def _ministry_choice(ministry: Ministry) -> tuple:
    """A ministry in a select: its name is a Dutch proper name, marked so on an English page (WCAG 3.1.2)."""
    if str(get_locale() or "nl") == "nl":
        return ministry.id, ministry.name
    return ministry.id, ministry.name, {"lang": "nl"}


# --- users ----------------------------------------------------------------------------------


def _user_form_choices(form: UserForm, user: User | None) -> None:
    ministries = db.session.scalars(select(Ministry).order_by(Ministry.name)).all()
    keep_ministry = user.ministry_id if user else None
    form.ministry_id.choices = [("", _("Geen"))] + [
        _ministry_choice(m) for m in ministries if not m.archived or m.id == keep_ministry
    ]
    keep_teams = {t.id for t in user.teams} if user else set()
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    form.team_ids.choices = [(t.id, f"{t.name} ({t.region})") for t in teams if not t.archived or t.id in keep_teams]


def _user_input(form: UserForm) -> ops.UserInput:
    return ops.UserInput(
        email=form.email.data, name=form.name.data, role=form.role.data, ministry_id=form.ministry_id.data,
        team_ids=list(form.team_ids.data or []),
        password=form.password.data if "password" in form else None,
    )


def lock_text(user: User) -> str | None:
    """'Geblokkeerd tot 20:15' (Amsterdam time) while too many wrong passwords lock the account;
    with the day when the lock lasts past today."""
    if not accounts.is_locked(user):
        return None
    time = format_datetime(user.locked_until, "HH:mm")
    if to_user_timezone(user.locked_until).date() != local_today():
        return _("Geblokkeerd tot %(day)s %(time)s", day=full_date(user.locked_until), time=time)
    return _("Geblokkeerd tot %(time)s", time=time)


@bp.route("/gebruikers")
@roles_required(ADMIN)
def users():
    filter_form = UserFilter(formdata=request.args)
    filter_form.status.choices = [("actief", _("Actief")), ("inactief", _("Gedeactiveerd")), ("alle", _("Alle"))]
    filter_form.role.choices = [("", _("Alle rollen"))] + [(r.value, ops.role_label(r.value)) for r in Role]
    status = filter_form.status.data if filter_form.status.data in ("actief", "inactief", "alle") else "actief"
    role = filter_form.role.data if filter_form.role.data in {r.value for r in Role} else ""
    search = (filter_form.q.data or "").strip()[:200]
    filter_form.status.data, filter_form.role.data, filter_form.q.data = status, role, search
    query = select(User).options(selectinload(User.teams), selectinload(User.ministry)).order_by(User.name, User.email)
    if status != "alle":
        query = query.where(User.active.is_(status == "actief"))
    if role:
        query = query.where(User.role == role)
    if search:
        query = query.where(or_(contains_folded(User.name, search), contains_folded(User.email, search)))
    return render_template(
        "admin/users.html", users=db.session.scalars(query).all(), filter_form=filter_form,
        role_label=ops.role_label, lock_text=lock_text,
    )


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"])
@roles_required(ADMIN)
def user_new():
    form = UserForm(creating=True)
    _user_form_choices(form, None)
    submission = _submission()
    made = ops.made_by_form("user_created", User, submission) if request.method == "POST" else None
    if made is not None:
        return _account_made_before(made)
    if form.validate_on_submit():
        try:
            user = ops.create_user(_user_input(form), submission=submission)
        except SentBefore as sent:
            return _account_made_before(sent.made)
        except ServiceError as error:
            _apply_service_error(form, error)
        else:
            flash(_("Account van %(name)s is aangemaakt.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    if request.method == "POST" and (made := ops.made_by_form("user_created", User, submission)) is not None:
        return _account_made_before(made)  # as for a catalog item: the first copy committed meanwhile
    return render_template("admin/user_form.html", form=form, user=None,
                           submission=submission), 422 if form.errors else 200


@bp.route("/gebruikers/<int:user_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def user_edit(user_id: int):
    user = _get_or_404(User, user_id)
    form = UserForm(
        obj=user, obj_id=user.id, original_email=user.email, keep_ministry_id=user.ministry_id,
        keep_team_ids=[t.id for t in user.teams],
    )
    _user_form_choices(form, user)
    own = user.id == current_user.id
    if own:
        _keep_own_role(form, user)
    if request.method == "GET":
        form.team_ids.data = [t.id for t in user.teams]
    _show_state(form, user, seen_state.user_state)
    # Password resets live in the auth blueprint; link to them once that page exists.
    reset_url = (url_for("auth.reset_password", user_id=user.id)
                 if "auth.reset_password" in current_app.view_functions else None)
    if form.validate_on_submit():
        teams_before = list(user.teams)
        linked = tokens.teams_with_link(teams_before)
        try:
            if user.role in ops.KEPT_ROLES and form.role.data != user.role:
                # Before the user's own row (seen_state locks it): every lock on a role's rows in one order.
                ops.lock_active(user.role)
            _refuse_if_changed(form, user, seen_state.user_state)
            changed = ops.update_user(user, _user_input(form), actor=current_user)
        except ServiceError as error:
            db.session.rollback()
            stale = refused_as_stale(error, form, user, seen_state.user_state, lambda: render_template(
                "admin/user_form.html", form=form, user=user, reset_url=reset_url, lock=lock_text(user),
                own=own, leader=_leader_of(user)))
            if stale:
                return stale
            # Plain words: the summary wraps them in a link to the field, and the link to the
            # leader's page stands beside the role field (user_form.html).
            _apply_service_error(form, error)
        else:
            if changed:
                flash(_("Account van %(name)s is opgeslagen.", name=user.name), "success")
            else:
                flash(_("Er was niets veranderd."), "info")
            _flash_team_links_stopped(user, [team for team in teams_before if team not in user.teams], linked)
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, reset_url=reset_url,
                           lock=lock_text(user), own=own, leader=_leader_of(user)), 422 if form.errors else 200


def _keep_own_role(form: UserForm, user: User) -> None:
    """On the admin's own page the role is shown but not offered: changing it is always refused
    (update_user). A browser sends no disabled field: the stored role then stands; another role
    sent anyway is still refused."""
    form.role.render_kw = {**(form.role.render_kw or {}), "disabled": True}
    if request.method == "POST" and "role" not in request.form:
        form.role.data, form.role.raw_data = user.role, [user.role]


def _leader_of(user: User):
    """The team leader this account belongs to (not archived), or None."""
    leader = user.supervisor
    return leader if leader is not None and not leader.archived else None


@bp.route("/gebruikers/<int:user_id>/deactiveren", methods=["POST"])
@roles_required(ADMIN)
def user_deactivate(user_id: int):
    return _set_user_active(user_id, False)


@bp.route("/gebruikers/<int:user_id>/activeren", methods=["POST"])
@roles_required(ADMIN)
def user_reactivate(user_id: int):
    return _set_user_active(user_id, True)


@bp.route("/gebruikers/<int:user_id>/ontgrendelen", methods=["POST"])
@roles_required(ADMIN)
def user_unlock(user_id: int):
    user = _get_or_404(User, user_id)
    if ops.unlock_user(user):
        flash(_("Account van %(name)s is ontgrendeld. Deze persoon kan meteen weer proberen in te loggen.",
                name=user.name), "success")
    else:
        flash(_("Account van %(name)s was niet (meer) geblokkeerd.", name=user.name), "info")
    return redirect(url_for("admin.user_edit", user_id=user.id))


def _set_user_active(user_id: int, active: bool):
    user = _get_or_404(User, user_id)
    linked = tokens.teams_with_link(user.teams)
    try:
        ops.set_user_active(user, active, actor=current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        if active:
            flash(_("Account van %(name)s is weer actief.", name=user.name), "success")
        else:
            flash(_("Account van %(name)s is gedeactiveerd. Deze persoon kan niet meer inloggen.", name=user.name),
                  "success")
            _flash_team_links_stopped(user, user.teams, linked)
            leader = _leader_of(user)
            if leader is not None and leader.team is not None:
                # Nothing automatic: an account switched off for a while (a leave) leaves the leader as planned.
                flash(escape(_(
                    "%(name)s staat nog als teamleider van %(team)s in de planning. De medewerkers zien nog de naam "
                    "en het telefoonnummer van %(name)s. Werkt %(name)s niet meer bij Binnenwerk, archiveer dan ook "
                    "de teamleider:", name=leader.name, team=leader.team.name)) + Markup(' <a href="%s">%s</a>') % (
                    url_for("teams.supervisor", supervisor_id=leader.id),
                    _("naar de pagina van teamleider %(name)s", name=leader.name)), "info")
    return redirect(url_for("admin.user_edit", user_id=user.id))


def _flash_team_links_stopped(user: User, teams, linked: set[int]) -> None:
    """After an account lost these teams (taken off it, or deactivated): for each whose link of the
    whole team's calendar it had before (`linked`) stopped, say so and who makes a new one."""
    leader = user.supervisor
    for team in sorted(teams, key=lambda t: (t.name, t.id)):
        if team.id in linked and team.id not in tokens.teams_with_link([team]):
            flash(people.team_link_stopped(team, user.name, account=True, leaving=leader), "warning")


# --- ministries, locations, work types ----------------------------------------------------


def _work_type_choices(keep=()) -> list[tuple[int, str]]:
    """Work types in use, and archived ones still in the agreement (so saving keeps them)."""
    keep_ids = {w.id for w in keep}
    rows = [w for w in db.session.scalars(select(WorkType)) if not w.archived or w.id in keep_ids]
    return sorted(((w.id, ops.agreement_names([w])[0]) for w in rows), key=lambda choice: choice[1].casefold())


@bp.route("/ministeries")
@roles_required(ADMIN)
def ministries():
    filter_form, chosen = _status_filter((_("Actief"), _("Gearchiveerd")))
    query = _filtered(select(Ministry).options(selectinload(Ministry.work_types)).order_by(Ministry.name),
                      chosen, Ministry.archived)
    return render_template("admin/ministries.html", ministries=db.session.scalars(query).all(),
                           filter_form=filter_form, agreement_names=ops.agreement_names, none_yet=_none_yet(Ministry))


@bp.route("/ministeries/nieuw", methods=["GET", "POST"], defaults={"ministry_id": None}, endpoint="ministry_new")
@bp.route("/ministeries/<int:ministry_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def ministry_edit(ministry_id: int | None):
    ministry = _get_or_404(Ministry, ministry_id) if ministry_id is not None else None
    form = MinistryForm(obj=ministry, obj_id=ministry_id)
    form.work_type_ids.choices = _work_type_choices(ministry.work_types if ministry else ())
    if request.method == "GET" and ministry is not None:
        form.work_type_ids.data = [w.id for w in ministry.work_types]
    _show_state(form, ministry, seen_state.ministry_state)
    submission = _new_item_submission(ministry)
    made = _made_by_this_form(ministry, "ministry", submission)
    if made is not None:
        return made
    if form.validate_on_submit():
        try:
            _refuse_if_changed(form, ministry, seen_state.ministry_state)
            ministry = ops.save_ministry(ministry, code=form.code.data, name=form.name.data,
                                         work_type_ids=form.work_type_ids.data or [], submission=submission)
        except SentBefore as sent:
            return _item_made_before(sent.made, "ministry")
        except ServiceError as error:
            db.session.rollback()
            stale = refused_as_stale(error, form, ministry, seen_state.ministry_state,
                                     lambda: _catalog_form(form, ministry, "ministry", submission=submission))
            if stale:
                return stale
            _apply_service_error(form, error)
        else:
            if not _saved_unchanged(form, ministry_id, ministry, seen_state.ministry_state):
                flash(_said("%(what)s is opgeslagen.", what=_shown_label(ministry)), "success")
            return redirect(url_for("admin.ministries"))
    # A copy of the same form that met the item its first copy made as "already exists": that copy
    # committed between this one's check above and its validation (seen with three at once under load).
    return _made_by_this_form(ministry, "ministry", submission) or \
        _catalog_form(form, ministry, "ministry", submission=submission)


@bp.route("/locaties")
@roles_required(ADMIN)
def locations():
    filter_form, chosen = _status_filter((_("Actief"), _("Gearchiveerd")))
    query = _filtered(
        select(Location).options(selectinload(Location.ministry)).order_by(Location.name, Location.code),
        chosen, Location.archived,
    )
    return render_template("admin/locations.html", locations=db.session.scalars(query).all(),
                           filter_form=filter_form, none_yet=_none_yet(Location))


@bp.route("/locaties/nieuw", methods=["GET", "POST"], defaults={"location_id": None}, endpoint="location_new")
@bp.route("/locaties/<int:location_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def location_edit(location_id: int | None):
    location = _get_or_404(Location, location_id) if location_id is not None else None
    keep = location.ministry_id if location else None
    form = LocationForm(obj=location, obj_id=location_id, keep_ministry_id=keep)
    form.ministry_id.choices = [("", _("Kies een ministerie"))] + [
        _ministry_choice(m) for m in db.session.scalars(select(Ministry).order_by(Ministry.name))
        if not m.archived or m.id == keep
    ]
    _show_state(form, location, seen_state.location_state)
    submission = _new_item_submission(location)
    made = _made_by_this_form(location, "location", submission)
    if made is not None:
        return made
    if form.validate_on_submit():
        data = ops.LocationInput(**{name: form[name].data for name in (
            "code", "name", "address", "postcode", "city", "region", "ministry_id")})
        place = ops.place_of(location) if location is not None else None
        ministry_before = location.ministry_id if location is not None else None
        link_before = tokens.active_for(FeedKind.LOCATION, location) if location is not None else None
        try:
            _refuse_if_changed(form, location, seen_state.location_state)
            location = ops.save_location(location, data, submission=submission)
        except SentBefore as sent:
            return _item_made_before(sent.made, "location")
        except ServiceError as error:
            db.session.rollback()
            stale = refused_as_stale(error, form, location, seen_state.location_state, lambda: _catalog_form(
                form, location, "location", submission=submission, regions=ops.regions()))
            if stale:
                return stale
            _apply_service_error(form, error)
        else:
            if not _saved_unchanged(form, location_id, location, seen_state.location_state):
                flash(marked_dutch_in(_("Locatie %(name)s is opgeslagen.", name=location.name), location.name),
                      "success")
            if link_before is not None and location.ministry_id != ministry_before:
                flash(_said("De agenda-link van deze locatie werkt niet meer: hij was van het vorige ministerie. "
                            "Wie hem gebruikte, ziet de planning van deze locatie niet meer. %(ministry)s kan zelf "
                            "een nieuwe link maken.", ministry=_shown_label(location.ministry)), "warning")
            told = ops.new_place_warning(location, place)
            if told:
                flash(marked_dutch_in(told, location.name_and_address), "warning")
            if not location.archived and not region_service.has_team(location.region):
                flash(_no_team_warning(location.region), "warning")
            return redirect(url_for("admin.locations"))
    return _made_by_this_form(location, "location", submission) or \
        _catalog_form(form, location, "location", submission=submission, regions=ops.regions())


def _no_team_warning(region: str) -> str | Markup:
    """A location saved in a region without a team: said so, with the region a typo most likely
    meant ("Oosst": "Bedoel je Oost?"); the regions marked lang="nl" on an English page."""
    return region_service.with_region_meant(_(
        "Er werkt nog geen team in regio %(region)s. Aanvragen voor deze locatie kunnen pas ingepland worden "
        "als daar een team is.", region=region), region)


@bp.route("/locaties/regio-hernoemen", methods=["GET", "POST"])
@roles_required(ADMIN)
def region_rename():
    """One region's new name on all its teams, leaders and locations at once: one at a time the
    rules that keep a team and its locations in one region refuse every step."""
    form = RegionRenameForm()
    regions = region_service.all_regions()
    # Region names are Dutch proper names: marked so on an English page, as the ministry options are.
    marked = {} if str(get_locale() or "nl") == "nl" else {"lang": "nl"}
    form.region.choices = [("", _("Kies een regio"))] + [(region, region, marked) for region in regions]
    if form.validate_on_submit():
        try:
            renamed = region_service.rename(form.region.data, form.new_name.data, merge=form.merge.data)
        except ServiceError as error:
            db.session.rollback()
            _apply_service_error(form, error)
        else:
            db.session.commit()
            flash(_renamed_message(renamed), "success")
            return redirect(url_for("admin.locations"))
    # The merge box only once the name typed is another region's (or was ticked): a rename is the
    # usual errand, and a box beside it would invite a merge by mistake.
    offer_merge = form.merge.data or region_service.region_named(form.new_name.data or "", besides=form.region.data)
    return render_template("admin/region_rename.html", form=form, offer_merge=offer_merge), \
        422 if form.errors else 200


def _renamed_message(renamed: region_service.Renamed) -> str | Markup:
    """'Regio Oost heet nu Oost-Nederland: 3 teams, 5 teamleiders en 7 locaties.', or for a merge
    'Regio Oost hoort nu bij regio Gelderland: ...' (the region names marked lang="nl" on an English
    page)."""
    counts = dict(teams=ngettext("%(num)d team", "%(num)d teams", renamed.teams),
                  supervisors=ngettext("%(num)d teamleider", "%(num)d teamleiders", renamed.supervisors),
                  locations=ngettext("%(num)d locatie", "%(num)d locaties", renamed.locations))
    if renamed.merged:
        said = _("Regio %(old)s hoort nu bij regio %(new)s: %(teams)s, %(supervisors)s en %(locations)s.",
                 old=renamed.old, new=renamed.new, **counts)
    else:
        said = _("Regio %(old)s heet nu %(new)s: %(teams)s, %(supervisors)s en %(locations)s.",
                 old=renamed.old, new=renamed.new, **counts)
    return marked_dutch_in(said, renamed.old, renamed.new)


@bp.route("/werksoorten")
@roles_required(ADMIN)
def work_types():
    filter_form, chosen = _status_filter((_("Actief"), _("Gearchiveerd")))
    query = _filtered(select(WorkType).order_by(WorkType.name_nl), chosen, WorkType.archived)
    return render_template("admin/work_types.html", work_types=db.session.scalars(query).all(),
                           filter_form=filter_form, pictogram_label=ops.pictogram_label, none_yet=_none_yet(WorkType))


@bp.route("/werksoorten/nieuw", methods=["GET", "POST"], defaults={"work_type_id": None}, endpoint="work_type_new")
@bp.route("/werksoorten/<int:work_type_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def work_type_edit(work_type_id: int | None):
    work_type = _get_or_404(WorkType, work_type_id) if work_type_id is not None else None
    form = WorkTypeForm(obj=work_type, obj_id=work_type_id)
    _show_state(form, work_type, seen_state.work_type_state)
    submission = _new_item_submission(work_type)
    made = _made_by_this_form(work_type, "work_type", submission)
    if made is not None:
        return made
    if form.validate_on_submit():
        data = ops.WorkTypeInput(**{name: form[name].data for name in (
            "code", "name_nl", "name_en", "pictogram", "colour")})
        try:
            _refuse_if_changed(form, work_type, seen_state.work_type_state)
            work_type = ops.save_work_type(work_type, data, submission=submission)
        except SentBefore as sent:
            return _item_made_before(sent.made, "work_type")
        except ServiceError as error:
            db.session.rollback()
            stale = refused_as_stale(error, form, work_type, seen_state.work_type_state,
                                     lambda: _catalog_form(form, work_type, "work_type", submission=submission))
            if stale:
                return stale
            _apply_service_error(form, error)
        else:
            if not _saved_unchanged(form, work_type_id, work_type, seen_state.work_type_state):
                flash(_("Werksoort %(name)s is opgeslagen.", name=ops.work_type_name(work_type)), "success")
            return redirect(url_for("admin.work_types"))
    return _made_by_this_form(work_type, "work_type", submission) or \
        _catalog_form(form, work_type, "work_type", submission=submission)


CATALOG = {
    # kind: (model, list endpoint, URL part)
    "ministry": (Ministry, "admin.ministries", "ministeries"),
    "location": (Location, "admin.locations", "locaties"),
    "work_type": (WorkType, "admin.work_types", "werksoorten"),
}


def _new_item_submission(obj) -> str:
    """The key of a new ministry, location or work type form (none when it changes one)."""
    return _submission() if obj is None else ""


def _made_by_this_form(obj, kind: str, submission: str):
    """The answer to a new-item form sent again after its first copy made the item; else None."""
    if obj is not None or request.method != "POST":
        return None
    model, _list_endpoint, _part = CATALOG[kind]
    made = ops.made_by_form(f"{kind}_created", model, submission)
    return _item_made_before(made, kind) if made is not None else None


def _catalog_form(form, obj, kind: str, *, submission: str = "", **extra):
    titles = {
        "ministry": (_("Nieuw ministerie"), _("Ministerie wijzigen")),
        "location": (_("Nieuwe locatie"), _("Locatie wijzigen")),
        "work_type": (_("Nieuwe werksoort"), _("Werksoort wijzigen")),
    }
    title = titles[kind][0 if obj is None else 1]
    return render_template(
        "admin/catalog_form.html", form=form, obj=obj, kind=kind, title=title, submission=submission,
        list_endpoint=CATALOG[kind][1], label=_shown_label(obj) if obj is not None else "", **extra,
    ), 422 if form.errors else 200


def _catalog_object(kind: str, obj_id: int):
    if kind not in CATALOG:
        abort(404)
    return _get_or_404(CATALOG[kind][0], obj_id)


@bp.route("/<any(ministeries, locaties, werksoorten):part>/<int:obj_id>/archiveren", methods=["POST"])
@roles_required(ADMIN)
def archive(part: str, obj_id: int):
    return _set_archived(part, obj_id, True)


@bp.route("/<any(ministeries, locaties, werksoorten):part>/<int:obj_id>/terugzetten", methods=["POST"])
@roles_required(ADMIN)
def unarchive(part: str, obj_id: int):
    return _set_archived(part, obj_id, False)


def _kind_of(part: str) -> str:
    return next(kind for kind, (_m, _e, url_part) in CATALOG.items() if url_part == part)


def _shown_label(obj) -> str | Markup:
    """ops.label_of for a page or a message: a ministry's or a location's (Dutch) name marked
    lang="nl" on an English page (WCAG 3.1.2), as the lists mark it ("Location <Dutch name>": the
    same words as label_of, so a refusal naming it is matched by _name_marked)."""
    if isinstance(obj, Ministry):
        return marked_dutch(ops.label_of(obj))
    if isinstance(obj, Location):
        return marked_dutch_in(ops.label_of(obj), obj.name)
    return ops.label_of(obj)


def _name_marked(message, obj, label):
    """A service's refusal that names the object, with its name as _shown_label marks it."""
    if not isinstance(label, Markup):
        return message
    return escape(message).replace(escape(ops.label_of(obj)), label, 1)


def _said(message: str, **params) -> Markup:
    """A translated message with marked-up values (_shown_label) kept as markup, others escaped."""
    return Markup(escape(_(message))) % params


def _set_archived(part: str, obj_id: int, archived: bool):
    kind = _kind_of(part)
    obj = _catalog_object(kind, obj_id)
    label = _shown_label(obj)
    try:
        along = ops.set_catalog_archived(obj, archived)
    except ServiceError as error:
        db.session.rollback()
        flash(_name_marked(_with_links(error), obj, label), "error")
    else:
        # Archived, the edit page it returns to says so itself: one message, not two alike.
        if along:
            flash(ngettext("De locatie van dit ministerie is ook gearchiveerd: %(names)s.",
                           "De %(num)d locaties van dit ministerie zijn ook gearchiveerd: %(names)s.",
                           len(along), names=", ".join(location.name for location in along)), "info")
        if not archived:
            flash(_said("%(what)s is uit het archief gehaald.", what=label), "success")
            if isinstance(obj, Ministry) and any(location.archived for location in obj.locations):
                flash(_("De gearchiveerde locaties van dit ministerie blijven in het archief. Haal terug "
                        "wat weer nodig is."), "info")
    return redirect(url_for(f"admin.{kind}_edit", **{f"{kind}_id": obj_id}))


@bp.route("/<any(ministeries, locaties, werksoorten):part>/<int:obj_id>/verwijderen", methods=["GET", "POST"])
@roles_required(ADMIN)
def delete(part: str, obj_id: int):
    kind = _kind_of(part)
    if request.method == "POST" and obj_id < 2**31 and db.session.get(CATALOG[kind][0], obj_id) is None:
        # "Ja, verwijderen" clicked twice: the first click deleted it.
        gone = ops.deleted_before(CATALOG[kind][0], obj_id)
        if gone is not None:
            flash(_("%(what)s is verwijderd.", what=gone), "success")
            return redirect(url_for(CATALOG[kind][1]))
    obj = _catalog_object(kind, obj_id)
    label = _shown_label(obj)
    if request.method == "POST":
        try:
            ops.delete_catalog_item(obj)
        except ServiceError as error:
            db.session.rollback()
            flash(_name_marked(error.message, obj, label), "error")
            return redirect(url_for("admin.delete", part=part, obj_id=obj_id))
        flash(_said("%(what)s is verwijderd.", what=label), "success")
        return redirect(url_for(CATALOG[kind][1]))
    uses = ops.USAGE[type(obj)](obj)
    return render_template("admin/delete.html", obj=obj, kind=kind, part=part, label=label,
                           title_label=ops.label_of(obj), uses=uses,
                           edit_url=url_for(f"admin.{kind}_edit", **{f"{kind}_id": obj_id}),
                           list_endpoint=CATALOG[kind][1])
