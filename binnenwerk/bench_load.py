"""Load benchmark: team leaders browse and edit their weeks on gunicorn while calendar feeds are polled.

Run `python -m binnenwerk.bench_load` (or `make bench-load`). It uses PostgreSQL on 127.0.0.1
(default database `bench_load`, created when missing), loads `seed-demo --size large` (100 teams)
when the database is empty, publishes this week's and next week's rosters, makes sure there are
1,500 calendar links, starts gunicorn on 127.0.0.1 and then, for a bounded time:

- 50 team leaders (teamleiderN@binnenwerk.example) each log in like a browser (the login form
  and its csrf_token) and loop: home, their team's roster week, a cell edit form, save an edit
  (the form's csrf_token and lock_version), the absences list; reading each page for a few
  seconds (--think);
- feed pollers fetch the 1,500 calendar feeds in turn at a fixed rate (--feed-rate, open loop):
  most polls are conditional (If-None-Match with the ETag the phone holds), a share (--full-share)
  fetch the whole feed.

It prints requests per second and p50/p95/p99 latency per page under load, the errors, and per
page the SQL queries and time of one request on its own (in-process, no load), and exits non-zero
on any error.
Every client is its own "browser" with its own X-Forwarded-For address (gunicorn runs with
BEHIND_PROXY=1): the login rate limit is per address, as it is for real team leaders.
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import math
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_load"
LOCAL_HOSTS = ("127.0.0.1", "localhost")
PASSWORD = "demo-binnenwerk"  # the demo accounts' password (demo data only)
PAGES = ("login form", "login", "home", "roster week", "cell form", "cell save", "cell refused", "absences",
         "feed 200", "feed 304")

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LOCK_RE = re.compile(r'name="lock_version"[^>]*value="([^"]*)"')
SELECT_RE = re.compile(r'<select[^>]*name="request"[^>]*>(.*?)</select>', re.S)
OPTION_RE = re.compile(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)<')
FIELD_ERROR_RE = re.compile(r'id="request-error"[^>]*>\s*([^<]+)')
NO_LONGER_FITS = "(past niet meer"  # the cell's current shift, shown but not offered (with or without why)


# --- preparation (in-process, on the benchmark database) ---------------------------------------


@dataclass
class Leader:
    email: str
    team_id: int
    employee_ids: list[int]


@dataclass
class Setup:
    weeks: list[str]
    days: dict[str, list[str]]
    leaders: list[Leader]
    feed_tokens: list[str]
    etags: dict[str, str] = field(default_factory=dict)
    queries: dict[str, int] = field(default_factory=dict)
    alone: dict[str, float] = field(default_factory=dict)


def check_local(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host not in LOCAL_HOSTS:
        raise SystemExit(f"The load benchmark only runs against a database on 127.0.0.1, not {host!r}.")


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database when it does not exist yet."""
    import psycopg
    from sqlalchemy.engine import make_url

    parts = make_url(url)
    name = parts.database
    admin = parts.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')  # name comes from our own option, not a request


def prepare(app, leaders: int, feed_count: int, log) -> Setup:
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from . import demo, planning
    from .extensions import db
    from .formatting import shift_week, week_days, week_of
    from .models import CalendarToken, Employee, FeedKind, Location, Role, Roster, Team, User
    from .services import feeds, rosters, tokens

    with app.app_context():
        upgrade()
        if db.session.scalar(select(func.count(Team.id))) < 100:
            log("Loading seed-demo --size large (once) ...")
            demo.seed("large")
        log("Rosters for this week and next week (solved once, then kept) ...")
        log(planning.seed_demo_rosters("large"))
        this_week = week_of(dt.date.today())
        weeks = [this_week, shift_week(this_week, 1)]
        published = 0
        for roster in db.session.scalars(select(Roster).where(Roster.week.in_(weeks))):
            if roster.version == 0 or roster.has_unpublished_changes:
                rosters.publish(roster)
                published += 1
        db.session.commit()
        if published:
            log(f"Published {published} rosters.")

        found: list[str] = []
        subjects = [(FeedKind.EMPLOYEE, e) for e in db.session.scalars(
            select(Employee).where(Employee.archived.is_(False)).order_by(Employee.id))]
        subjects += [(FeedKind.TEAM, t) for t in db.session.scalars(
            select(Team).where(Team.archived.is_(False)).order_by(Team.id))]
        subjects += [(FeedKind.LOCATION, loc) for loc in db.session.scalars(select(Location).order_by(Location.id))]
        active = {}
        for row in db.session.scalars(select(CalendarToken).where(CalendarToken.revoked_at.is_(None))):
            active[(row.kind, row.employee_id or row.team_id or row.location_id)] = row
        issued = 0
        for kind, subject in subjects[:feed_count]:
            row = active.get((kind.value, subject.id))
            token = tokens.link_for(row) if row is not None else None
            if token is None or tokens.hash_token(token) != row.token_hash:  # none yet, or another SECRET_KEY
                token = tokens.issue(kind, subject)
                issued += 1
            found.append(token)
        db.session.commit()
        if issued:
            log(f"Issued {issued} calendar links.")

        picked = []
        for user in db.session.scalars(
            select(User).where(User.role == Role.TEAM_LEADER.value, User.active.is_(True),
                               User.email.like("teamleider%@binnenwerk.example")).order_by(User.id)
        ):
            teams = [t for t in user.teams if not t.archived]
            if len(teams) != 1:
                continue
            members = db.session.scalars(
                select(Employee.id).where(Employee.team_id == teams[0].id, Employee.archived.is_(False))
                .order_by(Employee.id)).all()
            if members:
                picked.append(Leader(user.email, teams[0].id, list(members)))
            if len(picked) == leaders:
                break
        days = {w: [d.isoformat() for d in week_days(w, 5)] for w in weeks}
        # The ETag each subscribed phone holds from its last fetch.
        etags = {}
        for token in found:
            polled = feeds.poll(token)
            if polled is not None:
                etags[token] = f'"{polled[1].etag}"'
        if db.engine.dialect.name == "postgresql":
            # Fresh planner statistics after the bulk load, as autovacuum would have them in production.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        return Setup(weeks, days, picked, found, etags)


def measure_pages(app, setup: Setup) -> tuple[dict[str, int], dict[str, float]]:
    """Per page, one request at a time in-process: its SQL queries (a SQLAlchemy listener) and its
    median time in seconds, without any load or server: what the page costs on its own."""
    from .bench import count_queries
    from .extensions import db

    app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    queries: dict[str, int] = {}
    alone: dict[str, float] = {}
    leader = setup.leaders[0]
    week, day = setup.weeks[1], setup.days[setup.weeks[1]][0]
    cell = f"/rooster/cel?week={week}&team={leader.team_id}&employee={leader.employee_ids[0]}&date={day}"
    with app.app_context():
        engine = db.engine  # requests below run outside this context, each with its own session and g
    client = app.test_client()
    client.post("/auth/login", data={"email": leader.email, "password": PASSWORD})

    def measure(name, call, expected, repeat=5):
        with count_queries(engine) as counter:
            response = call()
        if response.status_code != expected:
            raise RuntimeError(f"{name}: status {response.status_code}, expected {expected}")
        queries[name] = counter["n"]
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
        alone[name] = sorted(times)[len(times) // 2] if times else float("nan")
        return response

    measure("home", lambda: client.get("/home"), 200)
    measure("roster week", lambda: client.get(f"/rooster/?week={week}&team={leader.team_id}"), 200)
    page = measure("cell form", lambda: client.get(cell), 200).get_data(as_text=True)
    choice = _options(page)
    form = {"week": week, "team": leader.team_id, "employee": leader.employee_ids[0], "date": day,
            "lock_version": _lock(page), "request": choice[0] if choice else "", "pinned": "y", "reason": "bench"}
    started = time.perf_counter()
    measure("cell save", lambda: client.post("/rooster/cel", data=form), 302, repeat=0)  # changes data: once
    alone["cell save"] = time.perf_counter() - started
    measure("absences", lambda: client.get("/teams/afwezigheid"), 200)
    anonymous = app.test_client()
    url = f"/calendar/{setup.feed_tokens[0]}.ics"
    etag = measure("feed 200", lambda: anonymous.get(url), 200).headers["ETag"]
    measure("feed 304", lambda: anonymous.get(url, headers={"If-None-Match": etag}), 304)
    return queries, alone


def _options(page: str) -> list[str]:
    found = SELECT_RE.search(page)
    if found is None:
        return []
    return [unescape(value) for value, label in OPTION_RE.findall(found.group(1)) if NO_LONGER_FITS not in label]


def _lock(page: str) -> str:
    found = LOCK_RE.search(page)
    return unescape(found.group(1)) if found else "0"


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, threads: int, env: dict) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
         "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--timeout", "60", "binnenwerk.wsgi:app"],
        env={**env, "BEHIND_PROXY": "1"}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("gunicorn did not start: " + server.stderr.read().decode()[-2000:])
            time.sleep(0.1)


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()


# --- the clients -----------------------------------------------------------------------------


class Stats:
    """Latencies and errors per page; a request that ends before `measure_from` is warm-up only."""

    def __init__(self, measure_from: float):
        self.measure_from = measure_from
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {name: [] for name in PAGES}
        self.errors: dict[str, int] = {name: 0 for name in PAGES}
        self.examples: list[str] = []
        self.server_cpu: float | None = None  # CPU seconds of the gunicorn workers while measuring

    def add(self, page: str, seconds: float, ok: bool, why: str = "") -> None:
        # Logins happen once, during the warm-up: always counted. Errors always count too.
        if ok and page != "login" and time.monotonic() < self.measure_from:
            return
        with self.lock:
            if ok:
                self.times[page].append(seconds)
            else:
                self.errors[page] += 1
                if len(self.examples) < 10:
                    self.examples.append(f"{page}: {why}")


class Browser:
    """One user agent: a cookie jar, its own forwarded address, one request at a time."""

    def __init__(self, port: int, address: str, stats: Stats):
        self.port, self.address, self.stats = port, address, stats
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        """(status, headers, body, seconds); status 0 when the connection failed."""
        sent = {"X-Forwarded-For": self.address, "User-Agent": "binnenwerk-bench-load", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            return 0, None, type(exc).__name__.encode(), time.perf_counter() - started
        finally:
            conn.close()
        elapsed = time.perf_counter() - started
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "expires=Thu, 01 Jan 1970" in header or not value:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return response.status, response.msg, data, elapsed

    def request(self, page: str, method: str, path: str, expect: int, form: dict | None = None):
        status, headers, data, elapsed = self.send(method, path, form)
        self.stats.add(page, elapsed, status == expect, f"status {status} on {method} {path.split('?')[0]}")
        return status == expect, data.decode(errors="replace")


def leader_loop(browser: Browser, leader: Leader, setup: Setup, start_at: float, stop_at: float, think: float,
                rng: random.Random):
    time.sleep(max(0.0, start_at - time.monotonic()))
    ok, page = browser.request("login form", "GET", "/auth/login", 200)
    token = CSRF_RE.search(page) if ok else None
    if token is None:
        return
    ok, _ = browser.request("login", "POST", "/auth/login", 302,
                            form={"csrf_token": unescape(token.group(1)), "email": leader.email, "password": PASSWORD})
    if not ok:
        return

    def pause() -> bool:
        # Reading the page: half to one and a half times `think`, but never past the end.
        time.sleep(max(0.0, min(think * (0.5 + rng.random()), stop_at - time.monotonic())))
        return time.monotonic() < stop_at

    while time.monotonic() < stop_at:
        week = rng.choice(setup.weeks)
        day = rng.choice(setup.days[week])
        employee = rng.choice(leader.employee_ids)
        browser.request("home", "GET", "/home", 200)
        if not pause():
            return
        browser.request("roster week", "GET", f"/rooster/?week={week}&team={leader.team_id}", 200)
        if not pause():
            return
        query = urllib.parse.urlencode({"week": week, "team": leader.team_id, "employee": employee, "date": day})
        ok, page = browser.request("cell form", "GET", f"/rooster/cel?{query}", 200)
        if not pause():
            return
        if ok:
            token = CSRF_RE.search(page)
            choices = _options(page)
            form = {"csrf_token": unescape(token.group(1)) if token else "", "week": week, "team": leader.team_id,
                    "employee": employee, "date": day, "lock_version": _lock(page),
                    "request": rng.choice(choices) if choices else "", "pinned": "y", "reason": "belasting-test"}
            status, _headers, body, elapsed = browser.send("POST", "/rooster/cel", form=form)
            # The app may rightly refuse an edit that breaks a rule (a week over contract hours): a 422
            # that names the rule is an answer, not an error.
            text = body.decode(errors="replace")
            refused = status == 422 and "Dit kan niet" in text
            said = FIELD_ERROR_RE.search(text)
            why = f"status {status} on POST /rooster/cel" + (f": {unescape(said.group(1)).strip()}" if said else "")
            browser.stats.add("cell refused" if refused else "cell save", elapsed, status == 302 or refused, why)
            if not pause():
                return
        browser.request("absences", "GET", "/teams/afwezigheid", 200)
        if not pause():
            return


class FeedQueue:
    """The feeds in turn, each with the ETag a subscribed phone would hold."""

    def __init__(self, tokens: list[str], etags: dict[str, str]):
        self.tokens, self.etags, self.next, self.lock = tokens, etags, 0, threading.Lock()

    def take(self) -> tuple[str, str | None]:
        with self.lock:
            token = self.tokens[self.next % len(self.tokens)]
            self.next += 1
            return token, self.etags.get(token)


def feed_loop(browser: Browser, feeds: FeedQueue, interval: float, stop_at: float, full_share: float,
              rng: random.Random):
    # Open loop at a fixed pace, like phones that poll on their own clock whatever the server does.
    due = time.monotonic() + rng.random() * interval
    while True:
        time.sleep(max(0.0, due - time.monotonic()))
        if time.monotonic() >= stop_at:
            return
        due = max(due + interval, time.monotonic() - interval)
        token, etag = feeds.take()
        path = f"/calendar/{token}.ics"
        conditional = etag is not None and rng.random() >= full_share
        asked = {"If-None-Match": etag} if conditional else None
        status, headers, _body, elapsed = browser.send("GET", path, headers=asked)
        # A conditional request may rightly get the whole feed when it changed; both are fine.
        page = "feed 304" if status == 304 else "feed 200"
        browser.stats.add(page, elapsed, status == 200 or (conditional and status == 304),
                          f"status {status} on GET /calendar/...ics")
        if status == 200 and headers is not None:
            with feeds.lock:
                feeds.etags[token] = headers.get("ETag")


def server_cpu_seconds(server: subprocess.Popen) -> float | None:
    """CPU seconds used so far by gunicorn's workers (Linux /proc); None where that cannot be read."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        total = 0
        for pid in [server.pid, *map(int, children)]:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks
    except (OSError, ValueError, IndexError):
        return None


def warm_server(port: int, setup: Setup, workers: int) -> None:
    """Every page a few times on every worker before anything is measured: the first request of a
    worker compiles templates and imports the solver's modules, which no later request pays."""
    stats = Stats(float("inf"))  # nothing counted; errors are still seen
    leader = setup.leaders[0]
    week, day = setup.weeks[0], setup.days[setup.weeks[0]][0]
    cell = f"/rooster/cel?week={week}&team={leader.team_id}&employee={leader.employee_ids[0]}&date={day}"

    def visit(n: int) -> None:
        browser = Browser(port, f"10.3.0.{n + 1}", stats)
        ok, page = browser.request("login form", "GET", "/auth/login", 200)
        token = CSRF_RE.search(page) if ok else None
        browser.request("login", "POST", "/auth/login", 302, form={
            "csrf_token": unescape(token.group(1)) if token else "", "email": leader.email, "password": PASSWORD})
        for _ in range(3):
            for path in ("/home", f"/rooster/?week={week}&team={leader.team_id}", cell, "/teams/afwezigheid",
                         f"/calendar/{setup.feed_tokens[n % len(setup.feed_tokens)]}.ics"):
                browser.send("GET", path)

    threads = [threading.Thread(target=visit, args=(n,), daemon=True) for n in range(2 * workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if any(stats.errors.values()):
        raise RuntimeError("warming the server failed: " + "; ".join(stats.examples))


def run_load(port: int, setup: Setup, seconds: float, warmup: float, feed_rate: float, feed_clients: int,
             think: float, full_share: float, seed: int, cpu=lambda: None) -> tuple[Stats, float]:
    rng = random.Random(seed)
    began = time.monotonic()
    stats = Stats(began + warmup)
    stop_at = began + warmup + seconds
    threads = []
    for n, leader in enumerate(setup.leaders):
        browser = Browser(port, f"10.1.{n // 250}.{n % 250 + 1}", stats)
        # Logins spread over most of the warm-up, as over a morning: each costs a deliberately slow
        # password hash (scrypt, about 0.1 s of CPU), and fifty at once would queue everything else.
        start_at = began + rng.random() * warmup * 0.8
        threads.append(threading.Thread(target=leader_loop, daemon=True, args=(
            browser, leader, setup, start_at, stop_at, think, random.Random(rng.random()))))
    queue = FeedQueue(setup.feed_tokens, dict(setup.etags))
    clients = feed_clients if feed_rate > 0 else 0
    for n in range(clients):
        browser = Browser(port, f"10.2.{n // 250}.{n % 250 + 1}", stats)
        threads.append(threading.Thread(target=feed_loop, daemon=True, args=(
            browser, queue, clients / feed_rate, stop_at, full_share, random.Random(rng.random()))))
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, stats.measure_from - time.monotonic()))
    cpu_from = cpu()
    for thread in threads:
        thread.join(timeout=max(1.0, stop_at - time.monotonic() + 90))
    cpu_to = cpu()
    stats.server_cpu = cpu_to - cpu_from if cpu_from is not None and cpu_to is not None else None
    return stats, stop_at - stats.measure_from


# --- the report ------------------------------------------------------------------------------


def percentile(sorted_times: list[float], share: float) -> float:
    if not sorted_times:
        return float("nan")
    index = min(len(sorted_times) - 1, max(0, math.ceil(share * len(sorted_times)) - 1))  # nearest rank
    return sorted_times[index]


def table(stats: Stats, seconds: float, setup: Setup) -> str:
    """A Markdown table: readable in a terminal, ready for the README."""
    lines = ["| page | requests | req/s | p50 ms | p95 ms | p99 ms | errors | SQL queries | alone ms |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    total = errors = 0
    for page in PAGES:
        times = sorted(stats.times[page])
        total += len(times)
        errors += stats.errors[page]
        if not times and not stats.errors[page]:
            continue
        alone = setup.alone.get(page)
        lines.append(
            f"| {page} | {len(times)} | {len(times) / seconds:.1f} | {percentile(times, .50) * 1000:.0f} "
            f"| {percentile(times, .95) * 1000:.0f} | {percentile(times, .99) * 1000:.0f} "
            f"| {stats.errors[page]} | {setup.queries.get(page, '-')} | {f'{alone * 1000:.0f}' if alone else '-'} |"
        )
    lines.append(f"| all | {total} | {total / seconds:.1f} | | | | {errors} | | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m binnenwerk.bench_load", description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE),
                        help=f"PostgreSQL on 127.0.0.1 (default {DEFAULT_DATABASE})")
    parser.add_argument("--seconds", type=float, default=60, help="measured load in seconds (default 60, at most 600)")
    parser.add_argument("--warmup", type=float, default=15,
                        help="seconds of load before measuring; the logins happen in it (default 15)")
    parser.add_argument("--leaders", type=int, default=50, help="simultaneous team leaders (default 50)")
    parser.add_argument("--feeds", type=int, default=1500, help="calendar links polled (default 1500)")
    parser.add_argument("--feed-rate", type=float, default=25.0,
                        help="feed requests per second, open loop (default 25: each of 1,500 feeds once a minute, "
                             "60 times the hourly poll of a phone)")
    parser.add_argument("--feed-clients", type=int, default=10, help="simultaneous feed pollers (default 10)")
    parser.add_argument("--full-share", type=float, default=0.2,
                        help="share of feed polls that fetch the whole feed instead of asking with the ETag "
                             "(default 0.2)")
    parser.add_argument("--think", type=float, default=3.0,
                        help="a team leader reads each page for 0.5 to 1.5 times this many seconds (default 3)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4, as in the README)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gunicorn worker (default 1: sync workers, as in the README)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if not (1 <= args.seconds <= 600 and 0 <= args.warmup <= 120 and 1 <= args.leaders <= 200
            and 1 <= args.feeds <= 5000 and 0 <= args.feed_rate <= 1000 and 1 <= args.feed_clients <= 100
            and 0 <= args.full_share <= 1 and 0 <= args.think <= 30 and 1 <= args.workers <= 16
            and 1 <= args.threads <= 16):
        parser.error("out of range: seconds 1..600, warmup 0..120, leaders 1..200, feeds 1..5000, feed-rate 0..1000, "
                     "feed-clients 1..100, full-share 0..1, think 0..30, workers 1..16, threads 1..16")
    check_local(args.database)

    import logging

    logging.disable(logging.INFO)  # migration chatter would drown the table
    from . import create_app
    from .config import normalise_database_url

    database = normalise_database_url(args.database)
    ensure_database(database)
    env = {**os.environ, "DATABASE_URL": database}
    os.environ["DATABASE_URL"] = database
    app = create_app()
    began = time.monotonic()
    setup = prepare(app, args.leaders, args.feeds, lambda text: print(text, flush=True))
    if len(setup.leaders) < args.leaders or len(setup.feed_tokens) < args.feeds:
        print(f"Only {len(setup.leaders)} team leaders and {len(setup.feed_tokens)} feeds available.")
    setup.queries, setup.alone = measure_pages(app, setup)
    print(f"Prepared in {time.monotonic() - began:.0f} s.", flush=True)

    load_before = os.getloadavg()[0]
    port = free_port()
    server = start_gunicorn(port, args.workers, args.threads, env)
    try:
        warm_server(port, setup, args.workers)
        print(f"Load on gunicorn ({args.workers} workers x {args.threads} threads, 127.0.0.1:{port}): "
              f"{len(setup.leaders)} team leaders, "
              f"{len(setup.feed_tokens)} feeds at {args.feed_rate:g} requests/s; {args.warmup:g} s warm-up, then "
              f"{args.seconds:g} s measured ...", flush=True)
        stats, seconds = run_load(port, setup, args.seconds, args.warmup, args.feed_rate, args.feed_clients,
                                  args.think, args.full_share, args.seed, cpu=lambda: server_cpu_seconds(server))
    finally:
        stop(server)
    print()
    # Other work on the machine shares its CPUs with the server: say how busy it was.
    print(f"Load benchmark: {seconds:.0f} s measured, PostgreSQL, seed-demo --size large, {os.cpu_count()} CPUs "
          f"(load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after), "
          f"gunicorn {args.workers} workers x {args.threads} threads")
    print("(SQL queries and alone ms: one such request in-process, with no other load; logins are in the warm-up)")
    print(table(stats, seconds, setup))
    measured = sum(len(times) for times in stats.times.values())
    if stats.server_cpu is not None and measured:
        print(f"gunicorn workers used {stats.server_cpu:.1f} CPU seconds while measuring: "
              f"{stats.server_cpu * 1000 / measured:.1f} ms per request on average (PostgreSQL not included)")
    for example in stats.examples:
        print("error:", example)
    return 1 if any(stats.errors.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
