"""Who may open what, for every route the app has, including routes added later.

The tests walk app.url_map: each endpoint's declared access (binnenwerk.access.declared_access)
must match what really happens for each role, another team's or ministry's objects are a 404,
special-category data and other teams' people never show up where they do not belong, and junk
in any URL or query string never gives a 500.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import quote

import pytest

from binnenwerk.access import declared_access
from binnenwerk.extensions import db
from binnenwerk import models as m
from tests.conftest import TEST_PASSWORD

ROLES = ("admin", "planner", "team_leader", "ministry_contact")
WEEK = "2026-W50"
MONDAY = dt.date(2026, 12, 7)

# Unique strings that must only show up where the rules allow.
INDICATION = "Doelgroepregister-GEHEIM-7731"
HEALTH = "Rugklachten-GEHEIM-4410"
ACCOMMODATION = "Stille-werkplek-GEHEIM-2208"
SENSITIVE = (INDICATION, HEALTH, ACCOMMODATION)
OTHER_EMPLOYEE = "Vreemdeling-Anderteam"
OTHER_CONTACT = "Contactpersoon-Andermin"
OTHER_LOCATION = "Locatie-Andermin-Gebouw"

# URL parameters that point at a team's objects or a ministry's objects, by name.
TEAM_SCOPED = {"team_id", "employee_id", "roster_id", "assignment_id", "job_id", "absence_id",
               "supervisor_id", "subject_id"}
MINISTRY_SCOPED = {"request_id", "location_id", "ministry_id", "subject_id"}
JUNK = ["abc", "-1", "99999999999999999999", "../", "x" * 3000, "2026-W99", "0", "'; drop--", "\u00e9\u0000",
        "2026-02-30"]
PATH_JUNK = JUNK[:5]
QUERY_KEYS = ["week", "team", "team_id", "employee", "employee_id", "location", "location_id", "ministry",
              "ministry_id", "request_id", "status", "page", "date", "start", "end", "from", "to", "q", "kind",
              "region", "year", "month", "day", "sort", "format", "next", "job"]


@pytest.fixture
def world(make):
    """Two ministries and two teams: one of each is 'own' for the logged-in users, one 'other'."""
    own_ministry, other_ministry = make.ministry(), make.ministry()
    work_type = make.work_type()
    own_location = make.location(ministry=own_ministry, region="Den Haag")
    other_location = make.location(ministry=other_ministry, region="Utrecht", name=OTHER_LOCATION)
    own_team = make.team(region="Den Haag", home_location=own_location)
    other_team = make.team(region="Utrecht", home_location=other_location)
    own_employee = make.employee(team=own_team, work_types=[work_type])
    own_employee.sensitive = m.EmployeeSensitive(indication=INDICATION, health_notes=HEALTH,
                                                 accommodations=ACCOMMODATION)
    other_employee = make.employee(team=other_team, work_types=[work_type], last_name=OTHER_EMPLOYEE)
    other_employee.sensitive = m.EmployeeSensitive(indication=INDICATION, health_notes=HEALTH)
    own_request = make.request(location=own_location, work_type=work_type)
    other_request = make.request(location=other_location, work_type=work_type, contact_name=OTHER_CONTACT)
    leader = make.user(role="team_leader", teams=[own_team])
    users = {
        "admin": make.user(role="admin"),
        "planner": make.user(role="planner"),
        "team_leader": leader,
        "ministry_contact": make.user(role="ministry_contact", ministry=own_ministry),
    }
    make.supervisor(team=own_team, user=leader, name="Eigen Leider")
    other_supervisor = make.supervisor(team=other_team, name="Andere Leider")
    own_supervisor = own_team.supervisors[0]

    def roster_for(team, employee, request):
        roster = m.Roster(week=WEEK, team=team)
        roster.assignments = [m.Assignment(employee=employee, date=MONDAY, request=request)]
        db.session.add(roster)
        db.session.add(m.Absence(employee=employee, kind="ziek", start_date=MONDAY + dt.timedelta(days=2),
                                 end_date=MONDAY + dt.timedelta(days=2), note=HEALTH))
        db.session.add(m.PublishedShift(
            uid=f"test-{employee.id}", employee=employee, team=team, date=MONDAY, request=request,
            location=request.location, work_type=request.work_type, start_minute=540, end_minute=900,
        ))
        job = m.SolveJob(week=WEEK, team=team, status="finished")
        db.session.add(job)
        db.session.flush()
        return roster, job

    own_roster, own_job = roster_for(own_team, own_employee, own_request)
    other_roster, other_job = roster_for(other_team, other_employee, other_request)
    own_absence = db.session.query(m.Absence).filter_by(employee_id=own_employee.id).one()
    other_absence = db.session.query(m.Absence).filter_by(employee_id=other_employee.id).one()
    token = _employee_token(own_employee)
    db.session.commit()

    def ids(team, employee, location, request, ministry, roster, job, absence, supervisor):
        return {
            "team_id": team.id, "employee_id": employee.id, "roster_id": roster.id,
            "assignment_id": roster.assignments[0].id, "job_id": job.id, "absence_id": absence.id,
            "supervisor_id": supervisor.id, "request_id": request.id, "location_id": location.id,
            "ministry_id": ministry.id,
        }

    return SimpleNamespace(
        users=users, token=token, work_type=work_type,
        own=ids(own_team, own_employee, own_location, own_request, own_ministry, own_roster, own_job,
                own_absence, own_supervisor),
        other=ids(other_team, other_employee, other_location, other_request, other_ministry, other_roster,
                  other_job, other_absence, other_supervisor),
    )


def _employee_token(employee) -> str:
    try:
        from binnenwerk.services import tokens
    except ImportError:  # the calendar area is not there yet
        return "a" * 32
    return tokens.issue(m.FeedKind.EMPLOYEE.value, employee)


# --- building URLs for any rule ------------------------------------------------------------------


def endpoints(app):
    """(rule, endpoint, methods, declared) for every routed endpoint but static files."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        found.append((rule, rule.endpoint, methods, declared_access(app.view_functions[rule.endpoint])))
    return found


def fill(rule, values: dict, role: str | None = None, world=None) -> str:
    """The rule's path with each <converter:name> replaced by a sample value."""

    def value_for(match):
        converter, name = match.group(1), match.group(2)
        if converter and converter.startswith("any("):
            return converter[4:-1].split(",")[0].strip().strip("'\"")
        if name in values:
            return str(values[name])
        if name == "token":
            return world.token if world else "x"
        if name == "kind_word":
            return "locatie" if role == "ministry_contact" else "medewerker"
        if name == "subject_id":
            return str(values["location_id"] if role == "ministry_contact" else values["employee_id"])
        if name == "user_id" and world is not None:
            return str(world.users["team_leader"].id)
        if name == "obj_id":
            return str(values.get("ministry_id", 1))
        if name == "week":
            return WEEK
        if name == "code":
            return "nl"
        if converter and converter.startswith("int"):
            return "1"
        return "x"

    return re.sub(r"<(?:([^:>]+):)?([^>]+)>", value_for, rule.rule)


def params(rule) -> set[str]:
    return set(rule.arguments)


def clients(app_with, world):
    """A fresh app and one logged-in client per role (plus an anonymous one)."""
    app = app_with()
    result = {"anonymous": app.test_client()}
    for role, user in world.users.items():
        client = app.test_client()
        response = client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD})
        assert response.status_code == 302, role
        result[role] = client
    return app, result


def call(client, method: str, url: str):
    try:
        if method == "GET":
            return client.get(url)
        return client.post(url, data={})
    except Exception as error:  # TESTING propagates exceptions: report them as a 500
        return SimpleNamespace(status_code=500, headers={}, error=repr(error), get_data=lambda as_text=False: "")


def body_of(response) -> str:
    # Downloads (xlsx, ics) are bytes; secrets would still show up in a lenient decode.
    data = response.get_data()
    return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data


def goes_to_login(response) -> bool:
    return response.status_code in (301, 302, 303) and "/auth/login" in response.headers.get("Location", "")


# --- the tests -------------------------------------------------------------------------------------


def test_every_endpoint_declares_who_may_open_it(app):
    undeclared = [endpoint for _rule, endpoint, _m, declared in endpoints(app) if declared is None]
    assert undeclared == [], f"add @roles_required(...) or @public to: {undeclared}"


@pytest.mark.parametrize("role", ("anonymous",) + ROLES)
def test_declared_access_matches_what_each_role_gets(app_with, world, role):
    app, by_role = clients(app_with, world)
    client = by_role[role]
    problems = []
    for rule, endpoint, methods, declared in endpoints(app):
        method = "GET" if "GET" in methods else methods[0]
        url = fill(rule, world.own, role, world)
        allowed = declared == "public" or (declared is not None and role in declared)
        if allowed and method != "GET" and declared != "public":
            continue  # an allowed POST would really act; its refusals are what is tested here
        if allowed and method != "GET":
            continue
        response = call(client, method, url)
        status = response.status_code
        if status >= 500:
            problems.append(f"{method} {url} ({endpoint}): {status} {getattr(response, 'error', '')}")
        elif declared is None:
            if status != 403:
                problems.append(f"{endpoint} declares nothing but gave {status}")
        elif declared == "public":
            if status == 403:
                problems.append(f"public {endpoint} gave 403")
        elif role == "anonymous":
            if not goes_to_login(response):
                problems.append(f"{method} {url} ({endpoint}) for anonymous: {status}, expected a redirect to login")
        elif not allowed:
            if status != 403:
                problems.append(f"{method} {url} ({endpoint}) for {role}: {status}, expected 403")
        elif status == 403 or goes_to_login(response):
            problems.append(f"{method} {url} ({endpoint}) declared for {role} but gave {status}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("role,scoped", [("team_leader", TEAM_SCOPED), ("ministry_contact", MINISTRY_SCOPED)])
def test_another_teams_or_ministrys_objects_are_not_found(app_with, world, role, scoped):
    app, by_role = clients(app_with, world)
    client = by_role[role]
    problems, checked = [], 0
    for rule, endpoint, methods, declared in endpoints(app):
        if declared == "public" or declared is None or role not in declared:
            continue
        foreign = params(rule) & scoped
        if not foreign:
            continue
        values = dict(world.own)
        values.update({name: world.other[name] for name in foreign if name in world.other})
        if "subject_id" in foreign:
            values["subject_id"] = world.other["location_id" if role == "ministry_contact" else "employee_id"]
        url = fill(rule, values, role, world)
        for method in methods:
            response = call(client, method, url)
            checked += 1
            if response.status_code != 404:
                problems.append(f"{method} {url} ({endpoint}) with another's {sorted(foreign)}: "
                                f"{response.status_code}, expected 404")
    assert problems == [], "\n".join(problems)
    # Endpoints with team or ministry ids exist (rosters, requests, calendar links): the walk found them.
    assert checked > 0


def _pages_for(app, client, role, world, foreign_query: bool):
    """(url, body) of every GET page the role may open, with own ids; optionally foreign ids in the query."""
    query = ""
    if foreign_query:
        other = world.other
        query = "?" + "&".join([
            f"team={other['team_id']}", f"team_id={other['team_id']}", f"employee_id={other['employee_id']}",
            f"location={other['location_id']}", f"location_id={other['location_id']}",
            f"ministry={other['ministry_id']}", f"ministry_id={other['ministry_id']}", f"week={WEEK}",
        ])
    for rule, endpoint, methods, declared in endpoints(app):
        if "GET" not in methods or declared is None:
            continue
        if declared != "public" and role not in declared:
            continue
        url = fill(rule, world.own, role, world) + query
        response = call(client, "GET", url)
        yield url, endpoint, response.status_code, body_of(response)


@pytest.mark.parametrize("foreign_query", [False, True])
def test_pages_never_show_what_the_role_may_not_see(app_with, world, foreign_query, caplog):
    """Special-category data: never for admins, ministries or public pages (feeds, week pages),
    never in a log line. Another team's employees: never for a team leader. Another ministry's
    requests and locations: never for a ministry contact. Also with foreign ids in the query."""
    caplog.set_level(logging.DEBUG)
    app, by_role = clients(app_with, world)
    problems = []
    for role in ("anonymous", "admin", "ministry_contact", "team_leader", "planner"):
        for url, endpoint, status, body in _pages_for(app, by_role[role], role, world, foreign_query):
            if status >= 500:
                problems.append(f"{role} {url}: {status}")
            if role not in ("team_leader", "planner") and any(secret in body for secret in SENSITIVE):
                problems.append(f"{role} sees special-category data on {url} ({endpoint})")
            if role == "team_leader" and OTHER_EMPLOYEE in body:
                problems.append(f"team leader sees another team's employee on {url} ({endpoint})")
            if role == "ministry_contact":
                for foreign in (OTHER_CONTACT, OTHER_LOCATION):
                    if foreign in body:
                        problems.append(f"ministry contact sees another ministry's {foreign!r} on {url} ({endpoint})")
    assert problems == [], "\n".join(problems)
    for secret in SENSITIVE + (world.token,):
        assert secret not in caplog.text, f"{secret!r} in the log output"
    # The checks can fail: the planner does see these strings (on the inzage page).
    inzage = by_role["planner"].get(f"/privacy/medewerkers/{world.other['employee_id']}").get_data(as_text=True)
    assert HEALTH in inzage and INDICATION in inzage and OTHER_EMPLOYEE in inzage


def _junk_urls(rule):
    if not rule.arguments:
        return []
    return [re.sub(r"<[^>]+>", quote(junk, safe=""), rule.rule) for junk in PATH_JUNK]


def _junk_queries(rotations: int = 2):
    """Query strings with a different junk value per key, rotated so each key meets several kinds."""
    return [
        "?" + "&".join(f"{key}={quote(JUNK[(i + shift) % len(JUNK)], safe='')}" for i, key in enumerate(QUERY_KEYS))
        for shift in range(rotations)
    ]


def test_junk_in_any_url_or_query_string_never_gives_a_500(app_with, world):
    app, by_role = clients(app_with, world)
    problems = []
    for rule, endpoint, methods, declared in endpoints(app):
        if "GET" not in methods or declared is None:
            continue
        # Refused roles never reach the view, so only the roles that may open the page are fuzzed.
        roles = ["anonymous", "admin"] if declared == "public" else [r for r in ROLES if r in declared]
        for role in roles:
            client = by_role[role]
            urls = _junk_urls(rule)
            base = fill(rule, world.own, role, world)
            urls += [base + query for query in _junk_queries()]
            for url in urls:
                response = call(client, "GET", url)
                if response.status_code >= 500:
                    problems.append(f"{role} GET {url[:120]} ({endpoint}): {response.status_code} "
                                    f"{getattr(response, 'error', '')[:200]}")
    assert problems == [], "\n".join(problems)


# Weeks that parse as far as a lenient check goes: calendar edges, where the week's last day falls
# outside the calendar, and a trailing newline, which `$` in a regular expression lets through.
EDGE_WEEKS = ["9999-W52", "0001-W01", "2026-W50\n", "2026-W50 "]


def test_weeks_at_the_calendar_edges_or_with_a_newline_never_give_a_500(app_with, world):
    app, by_role = clients(app_with, world)
    problems, tried = [], 0
    for rule, endpoint, methods, declared in endpoints(app):
        if "GET" not in methods or declared is None:
            continue
        roles = ["anonymous"] if declared == "public" else [r for r in ROLES if r in declared]
        for role in roles:
            for week in EDGE_WEEKS:
                base = fill(rule, world.own, role, world).replace(WEEK, quote(week, safe=""))
                query = (f"week={quote(week, safe='')}&team={world.own['team_id']}"
                         f"&employee={world.own['employee_id']}&date={MONDAY.isoformat()}")
                url = base + ("&" if "?" in base else "?") + query
                tried += 1
                response = call(by_role[role], "GET", url)
                if response.status_code >= 500:
                    problems.append(f"{role} GET {url[:120]} ({endpoint}): {response.status_code} "
                                    f"{getattr(response, 'error', '')[:200]}")
    assert problems == [], "\n".join(problems)
    assert tried > 100


class _FormFields(HTMLParser):
    """The field names of the POST forms inside <main> that submit to the page itself."""

    def __init__(self):
        super().__init__()
        self.in_main = False
        self.current = None
        self.forms: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        elif tag == "form" and self.in_main:
            same_page = attrs.get("action") in (None, "")
            self.current = [] if (attrs.get("method") or "").lower() == "post" and same_page else None
        elif tag in ("input", "select", "textarea") and self.current is not None:
            name = attrs.get("name")
            if name and name != "csrf_token" and attrs.get("type") not in ("submit", "button"):
                self.current.append(name)

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        elif tag == "form" and self.current is not None:
            self.forms.append(self.current)
            self.current = None


FORM_JUNK = ["x" * 5000, "-1", "99999999999999999999", "abc\u00e9<b>", "", "2026-02-30"]
# One role per endpoint is enough here; the office roles see the most fields.
ROLE_PREFERENCE = ("planner", "team_leader", "ministry_contact", "admin")


def test_junk_in_every_form_never_gives_a_500(app_with, world):
    app, by_role = clients(app_with, world)
    problems, forms_seen = [], 0
    for rule, endpoint, methods, declared in endpoints(app):
        if not {"GET", "POST"} <= set(methods) or declared in (None, "public"):
            continue
        role = next(r for r in ROLE_PREFERENCE if r in declared)
        client = by_role[role]
        url = fill(rule, world.own, role, world)
        page = call(client, "GET", url)
        if page.status_code != 200:
            continue
        parser = _FormFields()
        parser.feed(body_of(page))
        for fields in parser.forms:
            forms_seen += 1
            for junk in FORM_JUNK:
                try:
                    response = client.post(url, data={name: junk for name in fields})
                    status, error = response.status_code, ""
                except Exception as exc:  # TESTING propagates exceptions: report them as a 500
                    status, error = 500, repr(exc)
                if status >= 500:
                    problems.append(f"{role} POST {url} ({endpoint}) fields={fields} junk={junk[:20]!r}: "
                                    f"{status} {error[:200]}")
    assert problems == [], "\n".join(problems)
    assert forms_seen > 5


def test_junk_posts_to_action_endpoints_never_give_a_500(app_with, world):
    """Buttons that only POST (accept, publish, archive, ...) with junk or missing fields."""
    app, by_role = clients(app_with, world)
    problems = []
    for rule, endpoint, methods, declared in endpoints(app):
        if methods != ["POST"] or declared in (None, "public") or endpoint == "auth.logout":
            continue
        role = next(r for r in ROLE_PREFERENCE if r in declared)
        url = fill(rule, world.own, role, world)
        for data in ({}, *({key: junk for key in QUERY_KEYS + ["reason", "confirm", "date", "employee_id"]}
                           for junk in FORM_JUNK[:3])):
            response = call_post(by_role[role], url, data)
            if response[0] >= 500:
                problems.append(f"{role} POST {url} ({endpoint}) {str(data)[:60]}: {response[0]} {response[1][:200]}")
    assert problems == [], "\n".join(problems)


def call_post(client, url, data):
    try:
        return client.post(url, data=data).status_code, ""
    except Exception as exc:  # TESTING propagates exceptions: report them as a 500
        return 500, repr(exc)


def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(app_with, world):
    """With CSRF on (as in production) no POST endpoint acts without the form's token, whatever
    the role; the refusal is the Dutch 'form expired' page."""
    from sqlalchemy import func, select

    app = app_with(WTF_CSRF_ENABLED=True)
    audit_rows = lambda: db.session.scalar(select(func.count()).select_from(m.AuditEvent))  # noqa: E731
    problems, checked = [], 0
    for rule, endpoint, methods, declared in endpoints(app):
        if "POST" not in methods or declared is None:
            continue
        role = "anonymous" if declared == "public" else next(r for r in ROLE_PREFERENCE if r in declared)
        client = app.test_client()
        if role != "anonymous":
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                              client.get("/auth/login").get_data(as_text=True)).group(1)
            user = world.users[role]
            client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token})
        db.session.expire_all()
        before = audit_rows()
        url = fill(rule, world.own, role, world)
        response = call_post(client, url, {"confirm": "y", "status": "gepland", "next": "intake"})
        checked += 1
        db.session.expire_all()
        # The language button and a two-step code page lead back to a page that works, unchanged.
        refused_status = 302 if endpoint in ("main.set_language", "auth.mfa_login") else 400
        if response[0] != refused_status:
            problems.append(f"{role} POST {url} ({endpoint}) without a CSRF token: {response[0]}")
        elif endpoint == "main.set_language":
            with client.session_transaction() as session:
                if "lang" in session:
                    problems.append(f"POST {url} without a CSRF token set the language")
        elif audit_rows() != before:
            problems.append(f"{role} POST {url} ({endpoint}) without a CSRF token still wrote an audit row")
    assert problems == [], "\n".join(problems)
    assert checked > 30
