"""Solve jobs: a SolveJob row plus a background run, on RQ when REDIS_URL is set, else a thread.

The web process only creates the row and starts the run; the run builds the Problem, solves,
writes progress to the row (at most twice a second), polls the row for a cancel request and
stores the result through the planning service. A failed or cancelled run leaves the rosters
exactly as they were.

Workers: with REDIS_URL set in the web app's environment, start one or more workers (on any
machine that reaches the database and Redis) with the same DATABASE_URL and REDIS_URL:
`make worker`, or `.venv/bin/rq worker --url "$REDIS_URL" binnenwerk-solve`. Without
REDIS_URL nothing else is needed: solves run in a thread of the web process.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import logging
import threading
import time

from flask import Flask, current_app, has_app_context
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import false, func, or_, select, update
from sqlalchemy.exc import OperationalError

from . import audit, planning
from .access import can_manage_team
from .extensions import db
from .formatting import day_and_month, full_date, marked_dutch, telling_apart
from .models import AuditEvent, JobStatus, Role, Roster, SolveJob, Team, User, utcnow
from .services import ServiceError

log = logging.getLogger("binnenwerk.jobs")

QUEUE_NAME = "binnenwerk-solve"
ACTIVE = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
PROGRESS_INTERVAL = 0.5
STALE_AFTER = 3600  # seconds; longer than any allowed time limit
HEARTBEAT_TIMEOUT = 60.0  # seconds without progress before a running job counts as lost
QUEUE_TIMEOUT = 900.0  # seconds a job may wait for a worker before we say none is there
QUEUE_NOTICE = 60.0  # seconds a job may wait for a worker before its page says none has taken it
# Seconds without a heartbeat after a stop before a running job counts as gone: a live run hears a
# stop within a second (README) and writes its heartbeat twice a second while it solves.
STOP_GRACE = 10.0

_start_lock = threading.Lock()
_threads: dict[int, threading.Thread] = {}


def solve(problem, **kwargs):
    """The optimiser, looked up at call time so a test can stand in for it."""
    import scheduling

    return scheduling.solve(problem, **kwargs)


def reap_lost_jobs() -> int:
    """Mark jobs failed whose worker died (no heartbeat) or that no worker ever picked up, and end
    a stopped job whose run shows no life; say on a job that waits long that no worker took it.

    A worker killed mid-solve, or a web process restarted under an in-process solve, cannot say so
    itself; its job row would stay "running". The roster is untouched in that case, because a
    solution is only written at the very end, in one transaction (which a stopped or lost job
    cannot commit: see claim in _solve_and_store).
    """
    now = utcnow()
    beat_limit = now - dt.timedelta(seconds=float(current_config("SOLVE_HEARTBEAT_TIMEOUT", HEARTBEAT_TIMEOUT)))
    queue_limit = now - dt.timedelta(seconds=float(current_config("SOLVE_QUEUE_TIMEOUT", QUEUE_TIMEOUT)))
    stop_limit = now - dt.timedelta(seconds=float(current_config("SOLVE_STOP_GRACE", STOP_GRACE)))
    last_sign = func.coalesce(SolveJob.heartbeat_at, SolveJob.created_at)
    lost = db.session.scalars(select(SolveJob).where(
        or_(
            (SolveJob.status == JobStatus.RUNNING.value) & (last_sign < beat_limit),
            (SolveJob.status == JobStatus.RUNNING.value) & SolveJob.cancel_requested.is_(True)
            & (last_sign < stop_limit),
            (SolveJob.status == JobStatus.QUEUED.value) & (SolveJob.created_at < queue_limit),
        )
    )).all()
    for job in lost:
        log.warning("solve job %s lost (was %s%s)", job.id, job.status, ", stop asked" if job.cancel_requested else "")
        with force_locale(_job_locale()):
            if job.cancel_requested:
                # Stopped, as the planner asked; its run is gone or cannot save any more.
                _finish(job, JobStatus.CANCELLED, _("Het rooster is niet veranderd."))
            elif job.status == JobStatus.RUNNING.value:
                _finish(job, JobStatus.FAILED, _(
                    "Het plannen is onderbroken, de rekenserver is gestopt. Het rooster is niet veranderd. "
                    "Probeer het opnieuw."))
            else:
                _finish(job, JobStatus.FAILED, _(
                    "Er was geen rekenserver vrij om het rooster te maken. Het rooster is niet veranderd. "
                    "Probeer het later opnieuw."))
    if lost:
        db.session.commit()
    _say_who_waits(now)
    return len(lost)


def _say_who_waits(now: dt.datetime) -> None:
    """On a job waiting in the queue for longer than QUEUE_NOTICE, say that no planning server has
    taken it yet, and why when RQ tells (no worker runs, or all are busy). The note goes in the
    job's message, which its page shows; the run clears it when it starts."""
    limit = now - dt.timedelta(seconds=float(current_config("SOLVE_QUEUE_NOTICE", QUEUE_NOTICE)))
    waiting = db.session.scalars(select(SolveJob).where(
        SolveJob.status == JobStatus.QUEUED.value, SolveJob.created_at < limit)).all()
    if not waiting:
        return
    ended = [job for job in waiting if _rq_job_ended(job)]
    for job in ended:
        # A worker took it and failed before its run could say so (no database, a crash): it will
        # never run, and the week would stay blocked until QUEUE_TIMEOUT.
        log.warning("solve job %s ended in its worker before it ran", job.id)
        with force_locale(_job_locale()):
            _finish(job, JobStatus.FAILED, _(
                "De rekenserver kon dit rooster niet maken. Het rooster is niet veranderd. Probeer het "
                "opnieuw; lukt het weer niet, meld het dan bij de beheerder."))
    waiting = [job for job in waiting if job not in ended]
    if not waiting:
        db.session.commit()
        return
    note = _waiting_note(_worker_states())
    changed = False
    for job in waiting:
        if job.error != note:
            job.error = note
            changed = True
    if changed:
        db.session.commit()


def _rq_job_ended(job: SolveJob) -> bool:
    """Whether RQ says the job's queue entry has ended without a run (failed, stopped, cancelled,
    or gone from Redis). False when it cannot tell (no Redis, no id, Redis not answering)."""
    redis_url = current_config("REDIS_URL", "")
    if not (redis_url and job.rq_job_id):
        return False
    try:
        from rq.exceptions import NoSuchJobError
        from rq.job import Job

        try:
            status = Job.fetch(job.rq_job_id, connection=_queue(redis_url).connection).get_status()
        except NoSuchJobError:
            return True
        return str(getattr(status, "value", status)) in ("failed", "stopped", "canceled")
    except Exception as exc:  # noqa: BLE001 - a note on a page is not worth an error page
        log.warning("could not read solve job %s in RQ: %s: %s", job.id, type(exc).__name__, exc)
        return False


def _waiting_note(states: list[str] | None) -> str:
    with force_locale(_job_locale()):
        if states == []:
            return _("Nog geen rekenserver heeft dit rooster opgepakt: er draait nu geen rekenserver. Vraag de "
                     "beheerder er een te starten, of stop het plannen. Het rooster is niet veranderd.")
        if states and all(state == "busy" for state in states):
            return _("Nog geen rekenserver heeft dit rooster opgepakt: ze zijn nog bezig met ander werk. Wacht "
                     "nog even, of stop het plannen.")
        return _("Nog geen rekenserver heeft dit rooster opgepakt. Wacht nog even, of stop het plannen. Gebeurt "
                 "er niets, meld het dan bij de beheerder.")


def _worker_states() -> list[str] | None:
    """The state (idle, busy, ...) of each RQ worker that listens on the solve queue; None when
    that cannot be told (no Redis: solves run in the web process, or Redis does not answer)."""
    redis_url = current_config("REDIS_URL", "")
    if not redis_url:
        return None
    try:
        from rq import Worker

        queue = _queue(redis_url)
        return [worker.get_state() for worker in Worker.all(queue=queue)]
    except Exception as exc:  # noqa: BLE001 - a note on a page is not worth an error page
        log.warning("could not count the solve workers: %s: %s", type(exc).__name__, exc)
        return None


def _queue(redis_url: str):
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
    return Queue(current_config("SOLVE_QUEUE", QUEUE_NAME), connection=connection)


def _job_locale() -> str:
    # Job messages are stored once and shown to everyone: in the default language.
    return "nl"


def known_regions() -> list[str]:
    """The regions that have active teams, by name: what the roster's region pages offer."""
    return list(db.session.scalars(
        select(Team.region).where(Team.archived.is_(False)).distinct().order_by(Team.region)))


def find_region(name: str) -> str | None:
    """The region as the region pages spell it, whatever the case it was typed in; None if no
    active team is in it."""
    wanted = (name or "").strip().casefold()
    return next((region for region in known_regions() if region.casefold() == wanted), None)


def region_team_ids(region: str) -> list[int]:
    """The active teams of a region (a region solve's scope)."""
    return list(db.session.scalars(
        select(Team.id).where(Team.archived.is_(False), Team.region == region).order_by(Team.id)))


def job_team_ids(job: SolveJob) -> list[int] | None:
    """The teams a job plans: its team, its region's teams, or None for every team."""
    if job.team_id is not None:
        return [job.team_id]
    if job.region is not None:
        return region_team_ids(job.region)
    return None


def overlapping_active_job(week: str, team_id: int | None, *, teams: list[int] | None = None,
                           region: str | None = None) -> SolveJob | None:
    """A queued or running solve of the same week whose teams overlap (all teams overlap all);
    with `teams` instead of a team, one that overlaps any of those teams; with `region`, one
    that overlaps that region's teams. Solves of two regions, or of teams of two regions, do
    not overlap."""
    reap_lost_jobs()
    # A job left "running" by a crashed process must not block the week for ever.
    recent = utcnow() - dt.timedelta(seconds=STALE_AFTER)
    query = select(SolveJob).where(SolveJob.week == week, SolveJob.status.in_(ACTIVE), SolveJob.created_at >= recent)
    if team_id is not None:
        teams = [team_id]
    elif region is not None and teams is None:
        teams = region_team_ids(region)
    if teams is not None:
        # A region job covers the teams of its region: a team's, or a region's, job overlaps it
        # when one of those teams is in that region.
        same_region = SolveJob.region.in_(select(Team.region).where(Team.id.in_(teams or [-1])))
        whole = SolveJob.team_id.is_(None) & (
            SolveJob.region.is_(None) | same_region | (SolveJob.region == region if region else false()))
        query = query.where(or_(whole, SolveJob.team_id.in_(teams or [-1])))
    return db.session.scalars(query.order_by(SolveJob.id)).first()


def create_job(week: str, team_id: int | None, *, user=None, repair_from: dt.date | None = None,
               time_limit: float | None = None, region: str | None = None) -> SolveJob:
    """The job row, committed; refused while an overlapping solve of the week is queued or running.
    With `region` (and no team) the job plans that region's teams."""
    config = current_app.config
    limit = float(time_limit or config.get("SOLVE_TIME_LIMIT", 20.0))
    limit = max(0.5, min(limit, float(config.get("SOLVE_MAX_TIME_LIMIT", 600.0))))
    if team_id is not None:
        region = None
    elif region is not None:
        found = find_region(region)
        if found is None:
            raise ServiceError(_("Er is geen regio '%(region)s' met teams.", region=region[:60]))
        region = found
    with _start_lock:
        running = overlapping_active_job(week, team_id, region=region)
        if running is not None:
            raise ServiceError(_busy_message(running, week, user))
        job = SolveJob(week=week, team_id=team_id, region=region, repair_from=repair_from,
                       status=JobStatus.QUEUED.value, time_limit=limit, created_by_id=getattr(user, "id", None))
        db.session.add(job)
        db.session.flush()
        scope = f"team={team_id}" if team_id else (f"region={region}" if region else "team=alle")
        audit.record("solve.start", job, detail=f"week={week} {scope} limit={limit:g}", actor=user)
        db.session.commit()
        # Another web process may have started one at the same moment: the older job wins.
        earlier = overlapping_active_job(week, team_id, region=region)
        if earlier is not None and earlier.id < job.id:
            _finish(job, JobStatus.FAILED, _("Er liep al een planning voor deze week."))
            db.session.commit()
            raise ServiceError(_busy_message(earlier, week, user))
    return job


def may_view_job(job: SolveJob, user) -> bool:
    """Whether `user` may open the job's page (and so stop it): a job of all teams or of a region
    is the planners', a team's job is for whoever manages the team."""
    if job.team_id is None:
        return user is None or user.has_role(Role.PLANNER)
    return user is None or can_manage_team(user, job.team_id)


def _busy_message(running: SolveJob, week: str, user) -> str:
    """Why a solve cannot start now. Whoever cannot open the running job (a team leader under a
    planner's all-teams or region solve) is not told to stop it: they cannot."""
    if may_view_job(running, user):
        return _("Er wordt al een rooster voor week %(week)s gemaakt. Wacht tot dat klaar is, of stop het eerst.",
                 week=week)
    if running.region is not None:
        return _("De planner maakt nu het rooster van alle teams in regio %(region)s van week %(week)s. Wacht tot "
                 "dat klaar is.", region=running.region, week=week)
    return _("De planner maakt nu het rooster van alle teams van week %(week)s. Wacht tot dat klaar is.", week=week)


def start_solve(week: str, team_id: int | None, *, user=None, repair_from: dt.date | None = None,
                time_limit: float | None = None, region: str | None = None) -> SolveJob:
    """Create the job row and start it in the background; refuse a second overlapping solve."""
    config = current_app.config
    job = create_job(week, team_id, user=user, repair_from=repair_from, time_limit=time_limit, region=region)
    redis_url = config.get("REDIS_URL")
    if redis_url:
        try:
            _enqueue(job, redis_url)
        except Exception:
            log.exception("could not enqueue solve job %s", job.id)
            _finish(job, JobStatus.FAILED, _("De planner is nu niet bereikbaar. Er is niets veranderd. Probeer het later opnieuw."))
            db.session.commit()
        return job
    app = current_app._get_current_object()
    thread = threading.Thread(target=_run_in_thread, args=(app, job.id), name=f"solve-{job.id}", daemon=True)
    _threads[job.id] = thread
    thread.start()
    return job


def _enqueue(job: SolveJob, redis_url: str) -> None:
    from redis import Redis
    from rq import Queue

    queue = Queue(current_config("SOLVE_QUEUE", QUEUE_NAME), connection=Redis.from_url(redis_url))
    rq_job = queue.enqueue("binnenwerk.jobs.rq_solve", job.id, job_timeout=int(job.time_limit * 3 + 120))
    job.rq_job_id = rq_job.id
    db.session.commit()


def rq_solve(job_id: int) -> None:
    """The RQ entry point. The worker builds its own app, unless it runs inside one already. A job
    it could not read or update (run logged why) fails in RQ too, so the worker's log ends in an
    error, not in "Job OK"."""
    if has_app_context():
        done = run(job_id)
    else:
        from . import create_app

        app = create_app()
        with app.app_context():
            done = run(job_id)
            db.session.remove()
    if not done:
        raise RuntimeError(f"solve job {job_id} could not be read or updated in the database (see the error above)")


def _run_in_thread(app: Flask, job_id: int) -> None:
    try:
        with app.app_context():
            run(job_id)
            db.session.remove()
    finally:
        _threads.pop(job_id, None)


def wait(job_id: int, timeout: float | None = None) -> None:
    """Block until an in-process job's thread has ended (used by the CLI and tests)."""
    thread = _threads.get(job_id)
    if thread is not None:
        thread.join(timeout)


def request_cancel(job: SolveJob, user=None) -> bool:
    """Stop a queued or running job; False when it had ended already (a finished job has saved
    its roster).

    A job no run has started yet is stopped here and now, and taken off the RQ queue: no worker
    may be there to hear the stop (a worker that takes it after all finds it stopped, see _claim).
    A running job is asked to stop. The stop wins over a save not yet committed: the run stores
    its roster only in a transaction that finds no stop asked (see _solve_and_store). A running
    job whose run shows no life for STOP_GRACE seconds (its worker or web process gone) is ended
    here too, not only when the heartbeat times out (reap_lost_jobs)."""
    with force_locale(_job_locale()):
        not_started = db.session.execute(
            update(SolveJob).where(SolveJob.id == job.id, SolveJob.status == JobStatus.QUEUED.value)
            .values(cancel_requested=True, status=JobStatus.CANCELLED.value, finished_at=utcnow(),
                    error=_("Het plannen was nog niet begonnen. Het rooster is niet veranderd."))
            .execution_options(synchronize_session=False)
        ).rowcount == 1
    stopped = not_started or db.session.execute(
        update(SolveJob).where(SolveJob.id == job.id, SolveJob.status.in_(ACTIVE)).values(cancel_requested=True)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if stopped:
        audit.record("solve.cancel", job, actor=user)
    db.session.commit()
    if not_started:
        _take_off_queue(job)
    elif stopped:
        reap_lost_jobs()
    db.session.refresh(job)
    return stopped


def _take_off_queue(job: SolveJob) -> None:
    """Take a stopped job off the RQ queue, so no worker spends time on it. Best effort: a worker
    that takes it anyway finds it stopped and does nothing."""
    redis_url = current_config("REDIS_URL", "")
    if not (redis_url and job.rq_job_id):
        return
    try:
        from rq.job import Job

        queue = _queue(redis_url)
        Job.fetch(job.rq_job_id, connection=queue.connection).cancel()
    except Exception as exc:  # noqa: BLE001 - the row says stopped whatever Redis says
        log.warning("could not take solve job %s off the queue: %s: %s", job.id, type(exc).__name__, exc)


def _finish(job: SolveJob, status: JobStatus, error: str = "") -> None:
    job.status = status.value
    job.error = error
    job.finished_at = utcnow()


def run(job_id: int) -> bool:
    """Run one solve job to the end; never raises, the row tells how it went. False when the row
    could not be read or updated at all (no database, or not the web app's: a worker started
    without its DATABASE_URL), which is logged loudly: the page cannot tell."""
    with force_locale("nl"):
        try:
            if not _claim(job_id):
                if db.session.get(SolveJob, job_id) is None:  # another database than the web app's
                    return _database_failed(job_id, LookupError("there is no solve job with this number"))
                return True
            _solve_and_store(db.session.get(SolveJob, job_id))
        except ServiceError as exc:
            return _fail(job_id, exc.message, getattr(exc, "result", None))
        except Exception:
            log.exception("solve job %s failed", job_id)
            return _fail(job_id, _(
                "Het maken van het rooster is mislukt. Het rooster is niet veranderd. "
                "Probeer het opnieuw; lukt het weer niet, meld het dan bij de beheerder."
            ))
    return True


def _claim(job_id: int) -> bool:
    """Mark a queued job running, in one statement so a stop (request_cancel) either comes first
    and the job is not run, or after and the run hears it. False: stopped, ended or run already."""
    claimed = db.session.execute(
        update(SolveJob).where(SolveJob.id == job_id, SolveJob.status == JobStatus.QUEUED.value,
                               SolveJob.cancel_requested.is_(False))
        .values(status=JobStatus.RUNNING.value, heartbeat_at=utcnow(), error="")
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if not claimed:
        # A stop asked while it waited, and left queued (as a stop did before it ended such a job).
        db.session.execute(
            update(SolveJob).where(SolveJob.id == job_id, SolveJob.status == JobStatus.QUEUED.value,
                                   SolveJob.cancel_requested.is_(True))
            .values(status=JobStatus.CANCELLED.value, finished_at=utcnow(),
                    error=_("Het plannen was nog niet begonnen. Het rooster is niet veranderd."))
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return claimed


def _fail(job_id: int, message: str, result: dict | None = None) -> bool:
    """Mark the job failed with `message`, unless it ended meanwhile (stopped, or given up for lost:
    it says so itself)."""
    try:
        db.session.rollback()
        job = db.session.get(SolveJob, job_id)
        if job is not None and job.status in ACTIVE:
            _finish(job, JobStatus.FAILED, message)
            if result:
                job.result = result
        db.session.commit()
    except Exception as exc:  # noqa: BLE001 - run never raises
        return _database_failed(job_id, exc)
    return True


def _database_failed(job_id: int, exc: Exception) -> bool:
    """The job's row cannot be read or written: say loudly, in this process's log, which database
    this process uses, since a wrong or missing DATABASE_URL is the usual cause."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the error below is the one to tell
        pass
    said = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    log.error("solve job %s: cannot read or write it in the database %s (%s: %s). A worker needs the web "
              "app's DATABASE_URL and REDIS_URL (README, Production).", job_id,
              db.engine.url.render_as_string(hide_password=True), type(exc).__name__, said[0] if said else "")
    return False


class _StopWon(Exception):
    """A stop asked for while the roster was being saved: nothing is saved."""


class _NotSaved(ServiceError):
    """Nothing is saved; `result` tells the job page why, per team (left_out_messages)."""

    def __init__(self, message: str, result: dict):
        super().__init__(message)
        self.result = result


class _PinsConflict(_NotSaved):
    """No team of a multi-team solve could be planned: the pins of each of them conflict."""


def _solve_and_store(job: SolveJob) -> None:
    # The plan is made of the data as it is now, however much later it is saved: a request accepted,
    # changed or given a higher priority from this moment on is not in it (apply_solution's as_of). A read
    # transaction begun before it could hide a decision made after it: it ends first.
    db.session.commit()
    read_at = utcnow()
    team_ids = job_team_ids(job)
    problem, idmap = planning.build_problem(job.week, team_ids, repair_from=job.repair_from, keep_gone_by=True)
    planned = len(idmap.team_ids)  # the job page's advice for teams left out depends on how many of all
    # Each team's roster as the solve found it (None: none yet): a roster changed, published or
    # made meanwhile is not overwritten (_changed_meanwhile leaves that team out, and
    # planning.apply_solution refuses it).
    locks: dict[int, int | None] = dict.fromkeys(idmap.team_ids)
    locks.update(db.session.execute(
        select(Roster.team_id, Roster.lock_version).where(Roster.week == job.week,
                                                          Roster.team_id.in_(idmap.team_ids))
    ).all())
    db.session.commit()  # end the read transaction: the solve can take a while

    cancel = threading.Event()
    started = time.monotonic()
    left_out: list[dict] = []  # teams of a multi-team solve not planned: their pins conflict, or data changed
    while True:
        remaining = float(job.time_limit) - (time.monotonic() - started)
        solution = _run_solver(job, problem, cancel, started, max(1.0, remaining))
        if cancel.is_set() or _cancel_requested(job.id):
            break
        if solution.status != "INFEASIBLE" or job.team_id is not None or not solution.conflicting_pins:
            break
        # Pins of some teams cannot hold together: plan the other teams, leave those as they are.
        conflicting = _conflicting_teams(solution.conflicting_pins, idmap, problem)
        if not conflicting:
            break
        left_out.extend(conflicting)
        out_ids = {entry["team_id"] for entry in conflicting}
        rest = [t for t in idmap.team_ids if t not in out_ids]
        if not rest:
            raise _PinsConflict(_("Geen enkel team kon gepland worden: in elk team botsen vastgezette diensten. "
                                  "Het rooster is niet veranderd."), {"left_out": left_out, "planned_teams": planned})
        db.session.commit()
        read_at = utcnow()
        problem, idmap = planning.build_problem(job.week, rest, repair_from=job.repair_from, keep_gone_by=True)
        locks = {t: locks.get(t) for t in idmap.team_ids}
        db.session.commit()

    job = db.session.get(SolveJob, job.id)
    job.elapsed_seconds = round(time.monotonic() - started, 2)
    if solution.objective is not None:
        job.best_objective = float(solution.objective)
    if solution.best_bound is not None:
        job.best_bound = float(solution.best_bound)

    if cancel.is_set() or _cancel_requested(job.id):
        _finish(job, JobStatus.CANCELLED, _("Het rooster is niet veranderd."))  # the label says "Gestopt"
        db.session.commit()
        return
    if solution.status == "INFEASIBLE":
        # Kept as data too, so the job page words it in the reader's language (pins_message).
        from scheduling.explain import pins_short_of_leaders, pins_without_leader

        # Why, where the data says: a pinned shift nobody may lead (its team leader away or moved,
        # no stand-in), or places of a day too many for the leaders free (one stand-in for two
        # places under way), which unpinning other shifts would not help. A shift under way that a
        # repair keeps cannot be unpinned at all ("begun"): a leader can be found for it, or the
        # repair can start a day later. A pinned team leader elsewhere, the person's contract hours
        # or rest: the pins' own causes (_described_pins).
        unled = set(pins_without_leader(problem, solution.conflicting_pins))
        described = _described_pins(solution.conflicting_pins, idmap, problem)
        held = {p for p, row in described.items() if row.get("held")} - unled
        short = set(pins_short_of_leaders(problem, solution.conflicting_pins)) - unled - held
        # Each person by id, never by name: the page names them when it is shown (_named), so an
        # anonymised person reads as anonymised (privacy.anonymise_employee).
        found = {"conflicting_pins": [{**_shown(described.get(p), {"employee_id": planning.pk_of(p.employee),
                                                                  "date": p.date.isoformat()}),
                                       "unled": p in unled, "short": p in short,
                                       "begun": (planning.pk_of(p.employee), p.date) in idmap.begun,
                                       # pinned by someone, not kept because its day has gone by or begun
                                       "loose": (planning.pk_of(p.employee), p.date) not in idmap.begun and (
                                           idmap.kept_before is None or p.date >= idmap.kept_before)}
                                      for p in _causes_first(solution.conflicting_pins, unled | held | short)[:5]]}
        raise _PinsConflict(pins_message(found), found)
    if solution.status not in ("OPTIMAL", "FEASIBLE"):
        raise planning_error(_(
            "Er is binnen de tijd geen rooster gevonden. Het rooster is niet veranderd. "
            "Probeer het opnieuw met meer tijd."
        ))
    from scheduling.checker import check

    report = check(problem, solution)
    if not report.ok:
        log.error("solver returned a roster breaking %d rules for job %s", len(report.violations), job.id)
        raise planning_error(_("Het gevonden rooster klopt niet met de regels en is niet opgeslagen."))

    user = db.session.get(User, job.created_by_id) if job.created_by_id else None
    action = "repair" if job.repair_from else "solve"
    about = {"day": job.repair_from} if job.repair_from else {}
    job_id = job.id
    outcome = {"elapsed_seconds": job.elapsed_seconds, "best_objective": job.best_objective,
               "best_bound": job.best_bound}
    teams = list(idmap.team_ids)
    by_hand: set[int] = set()  # rosters the save found changed since the solve started
    # Each round leaves out more teams, or saves: at most one round per team, and one more.
    while True:
        # Absences, requests, people or rosters may have changed while the solver ran: a team
        # whose part of the roster no longer holds is not saved, the others are (one team alone
        # is not saved at all).
        changed = _changed_meanwhile(job, problem, idmap, solution, locks, teams, by_hand)
        if changed:
            told = _left_out_for_changes(changed, problem)
            if job.team_id is not None:
                raise _NotSaved(_("Tijdens het plannen is er iets veranderd dat dit rooster raakt. Er is niets "
                                  "opgeslagen. Plan opnieuw."), {"left_out": told})
            left_out.extend(told)
            teams = [t for t in teams if t not in changed]
            if not teams:
                raise _NotSaved(_("Geen enkel team is opgeslagen: bij elk team is tijdens het plannen iets "
                                  "veranderd. Het rooster is niet veranderd. Plan opnieuw."),
                                {"left_out": left_out, "planned_teams": planned})
        result = _result(problem, idmap, solution, teams, left_out)
        if left_out:
            result["planned_teams"] = planned
        if decided := _decided_meanwhile(job.week, teams, read_at, idmap.kept_before):
            result["decided_meanwhile"] = decided  # saved, but without these: the page says plan again
        # Every team of the job saved (none left out): the solution is theirs alone to compare.
        if not left_out and _same_roster(planning.current_solution(job.week, teams, problem), solution,
                                         since=idmap.kept_before):
            result["unchanged"] = True  # the page says so, not "klaar en opgeslagen ... publiceer"

        def claim(result=result) -> None:
            # In the transaction that saves the rosters: the job is done only if no stop was asked
            # (request_cancel asks only while the job is active), so a stop either wins and nothing
            # is saved, or comes after and hears that the roster was saved.
            done = db.session.execute(
                update(SolveJob).where(SolveJob.id == job_id, SolveJob.status.in_(ACTIVE),
                                       SolveJob.cancel_requested.is_(False))
                .values(status=JobStatus.FINISHED.value, error="", finished_at=utcnow(), progress=1.0,
                        result=result, **outcome)
                .execution_options(synchronize_session=False)
            ).rowcount
            if done != 1:
                raise _StopWon()

        try:
            planning.apply_solution(job.week, dataclasses.replace(idmap, team_ids=teams), solution, user=user,
                                    action=action, expected_locks={t: locks.get(t) for t in teams},
                                    before_commit=claim, as_of=read_at, **about)
        except planning.RosterChanged as exc:
            # Changed between the look above and the save (rolled back): leave those out too.
            if job.team_id is not None:
                raise
            by_hand.update(exc.team_ids)
            job = db.session.get(SolveJob, job_id)
            continue
        except _StopWon:
            job = db.session.get(SolveJob, job_id)
            if job.status in ACTIVE:  # else the job was given up for lost meanwhile: it says so itself
                _finish(job, JobStatus.CANCELLED, _("Het rooster is niet veranderd."))
            db.session.commit()
            return
        break
    db.session.expire_all()


def _decided_meanwhile(week: str, teams: list[int], read_at: dt.datetime, kept_before: dt.date | None) -> list[dict]:
    """The requests of these teams' regions asking for a day this solve plans that were accepted,
    changed or given a higher priority after it read its data (rosters.view.last_decisions): its
    roster is saved without that, and the week needs planning again. Each as {"nr", "name", "how":
    "accepted", "changed" or "priority"}, for the job page to word in its reader's language."""
    from .formatting import week_days
    from .models import DeploymentRequest, Location
    from .rosters.view import date_changed_since, last_decisions

    regions = set(db.session.scalars(select(Team.region).where(Team.id.in_(teams or [-1]))))
    decided = db.session.scalars(select(AuditEvent.object_id).where(
        AuditEvent.object_type == "DeploymentRequest", AuditEvent.at > read_at)).all()
    ids = {int(object_id) for object_id in decided if object_id.isdigit()}
    if not (regions and ids):
        return []
    days = [day for day in week_days(week, 7) if kept_before is None or day >= kept_before]
    asking = [q for q in db.session.scalars(
        select(DeploymentRequest).join(Location, Location.id == DeploymentRequest.location_id)
        .where(DeploymentRequest.id.in_(ids), Location.region.in_(regions),
               DeploymentRequest.status.in_(planning.PLANNED_STATUSES))
        .order_by(DeploymentRequest.id)) if any(q.occurs_on(day) for day in days)]
    dates: dict = {}
    last = last_decisions({q.id for q in asking}, after=read_at, dates=dates)
    # A day this solve plans, called off or taken back meanwhile (and not both), counts as a change.
    for (request_id, day), events in dates.items():
        if day in days and request_id not in last and date_changed_since(events, read_at) is not None:
            last[request_id] = (events[-1][0], "request_changed")
    how = {"request_changed": "changed", "request_priority": "priority"}
    return [{"nr": q.id, "name": f"{q.work_type.name_nl} {q.location.name}", "how": how.get(last[q.id][1], "accepted")}
            for q in asking if q.id in last]


def _same_roster(before, after, since: dt.date | None) -> bool:
    """Whether a solution holds the same shifts and team leaders as the stored roster, from `since` on
    (the days before a repair's are kept as they are, outside the solution)."""
    first = since or dt.date.min

    def shifts(solution):
        return {(a.employee, a.date, a.request) for a in solution.assignments if a.date >= first}

    def leads(solution):
        return {(s.supervisor, s.date, s.location, s.team) for s in solution.supervision if s.date >= first}

    return shifts(before) == shifts(after) and leads(before) == leads(after)


def _changed_meanwhile(job: SolveJob, problem, idmap, solution, locks: dict[int, int | None], teams: list[int],
                       by_hand: set[int]) -> dict[int, list[dict]]:
    """The teams (of `teams`) not to save, each with what changed since the solve started: its
    roster (by hand, by publishing), or facts its part of the solution relies on
    (planning.changed_meanwhile). A one-team job whose roster changed fails as it always did."""
    rosters = set(planning.rosters_changed(job.week, locks, teams)) | (by_hand & set(teams))
    if rosters and job.team_id is not None:
        raise planning.RosterChanged(sorted(rosters))
    changed = {t: [{"what": "roster"}] for t in sorted(rosters)}
    rest = [t for t in teams if t not in rosters]
    if rest:
        changed.update(planning.changed_meanwhile(problem, idmap, solution, rest, repair_from=job.repair_from))
    return changed


# What changed about an employee (planning.describe_changes): the name is theirs.
EMPLOYEE_CHANGES = ("gone", "absent", "hours", "skills", "contract")


def _left_out_for_changes(changed: dict[int, list[dict]], problem=None) -> list[dict]:
    """left_out entries (see left_out_messages) for teams not saved because of what changed. An
    employee's change names them by id where the team's people tell who it is (_named names
    them when shown)."""
    names = dict(db.session.execute(select(Team.id, Team.name).where(Team.id.in_(list(changed)))).all())
    people: dict[tuple[int, str], list[int]] = {}
    for employee in getattr(problem, "employees", None) or []:
        people.setdefault((planning.pk_of(employee.team), employee.name), []).append(planning.pk_of(employee.id))
    for team_id, changes in changed.items():
        for change in changes:
            ids = people.get((team_id, change.get("name", ""))) if change.get("what") in EMPLOYEE_CHANGES else None
            if ids and len(ids) == 1:  # two of one name in a team: the name stays (anonymising finds it by name)
                del change["name"]
                change["employee_id"] = ids[0]
    return [{"team_id": team_id, "team": names.get(team_id, ""), "changes": changes}
            for team_id, changes in sorted(changed.items(), key=lambda item: (names.get(item[0], ""), item[0]))]


def _result(problem, idmap, solution, teams: list[int], left_out: list[dict]) -> dict:
    """The job's result: the solution, the names the page shows (of requests and places), the pins
    that could not stay in the teams saved, and the teams left out. People by id, never by name:
    the page names them when shown (_named; an anonymised person reads as anonymised)."""
    from scheduling.io import solution_to_dict

    team_of = {planning.pk_of(e.id): planning.pk_of(e.team) for e in problem.employees}
    saved = set(teams)
    result = solution_to_dict(solution)
    result["names"] = {k: v for k, v in idmap.names.items() if k.startswith(("r-", "l-"))}
    # Each with why it could not stay (planning.DROPPED_PIN_REASONS); a job stored before that
    # has none, and its page says the general sentence (dropped_pin_lines).
    result["dropped_pins"] = [{"date": day.isoformat(), "employee_id": employee_id, "reason": reason}
                              for employee_id, day, reason in sorted(idmap.dropped_pins, key=lambda p: (p[1], p[0]))
                              if team_of.get(employee_id) in saved]
    result["dropped_leads"] = [{"name": idmap.names.get(planning.sid(supervisor_id), ""), "date": day.isoformat(),
                                "place": idmap.names.get(planning.lid(location_id), "")}
                               for supervisor_id, day, location_id, team_id in sorted(
                                   idmap.dropped_leads, key=lambda p: (p[1], p[0])) if team_id in saved]
    if left_out:
        result["left_out"] = left_out
    return result


def _run_solver(job: SolveJob, problem, cancel: threading.Event, started: float, time_limit: float):
    """Solve in a thread of its own, writing progress to the job and passing a stop on."""
    latest: dict = {}
    outcome: dict = {}

    def progress(p) -> None:
        latest["p"] = p  # called on the solver's threads: only hand it over

    options = dict(time_limit=time_limit, workers=int(current_config("SOLVE_WORKERS", 2)),
                   deterministic=bool(current_config("SOLVE_DETERMINISTIC", False)))

    def work() -> None:  # no app context here: only plain values go in
        try:
            outcome["solution"] = solve(problem, progress=progress, cancel=cancel, **options)
        except BaseException as exc:  # noqa: BLE001 - handed to the job thread
            outcome["error"] = exc

    solver_thread = threading.Thread(target=work, name=f"solver-{job.id}", daemon=True)
    solver_thread.start()
    while solver_thread.is_alive():
        solver_thread.join(PROGRESS_INTERVAL)
        try:
            _write_progress(job, latest.get("p"), time.monotonic() - started)
            if _cancel_requested(job.id):
                cancel.set()
        except OperationalError:
            # The database busy for a moment (SQLite locked by another write, a connection lost):
            # the next round writes the progress; the solve goes on (a QA pass saw a 7-second lock
            # end the run). A database gone for longer stops the heartbeat, and the job is reaped.
            db.session.rollback()
            log.warning("progress of job %s not written: the database was busy", job.id)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["solution"]


def _conflicting_teams(pins, idmap, problem=None) -> list[dict]:
    """The teams whose pins conflict, each with those pins as _described_pins tells them."""
    described = _described_pins(pins, idmap, problem)
    by_team: dict[int, list[dict]] = {}
    for pin in sorted(described, key=lambda p: (p.date, described[p]["sort"])):
        row = dict(described[pin])
        by_team.setdefault(row.pop("team_id"), []).append(row)
        del row["sort"]
    names = dict(db.session.execute(select(Team.id, Team.name).where(Team.id.in_(list(by_team)))).all())
    return [{"team_id": team_id, "team": names.get(team_id, ""), "pins": rows}
            for team_id, rows in sorted(by_team.items())]


def _described_pins(pins, idmap, problem=None) -> dict:
    """Each pin of the planned teams as the job page names it: the person (by id: _named names
    them, told apart from a namesake in the team, when the page is shown), the date, the place
    and hours; with `problem`, what of the pins alone explains why they cannot hold
    (_pin_causes). Kept as data so the page words it in its reader's language."""
    from .models import Employee

    employees = {e.id: e for e in db.session.scalars(
        select(Employee).where(Employee.id.in_({planning.pk_of(p.employee) for p in pins})))}
    causes = _pin_causes(problem, idmap, pins) if problem is not None else {}
    out = {}
    for pin in pins:
        person = employees.get(planning.pk_of(pin.employee))
        if person is None or person.team_id not in idmap.team_ids:
            continue
        request = idmap.requests.get(planning.pk_of(pin.request))
        # By id: the page names the person, told apart from a namesake, when it is shown (_named).
        out[pin] = {"employee_id": person.id, "date": pin.date.isoformat(),
                    "place": request.location.name if request is not None else "",
                    "start": request.start_minute if request is not None else None,
                    "end": request.end_minute if request is not None else None,
                    "team_id": person.team_id, "sort": (person.sort_name, person.id), **causes.get(pin, {})}
    return out


def _shown(row: dict | None, default: dict) -> dict:
    """A described pin without what only sorts and groups it."""
    if row is None:
        return default
    return {key: value for key, value in row.items() if key not in ("team_id", "sort")}


def _pin_causes(problem, idmap, pins) -> dict:
    """Per pin, what the pins alone tell of why they cannot all hold: nobody may lead it at all
    ("unled": no team leader or stand-in free for the team and the work that day), the pinned
    team leaders that keep everyone who may lead it away ("held": each leader, day, place, the
    team when it is another, and who is pinned there), more hours than the person's contract of
    the week ("hours") or too little rest between two of the person's pins ("rest")."""
    from scheduling.explain import (pins_at, pins_held_by_leader_pins, pins_over_contract, pins_without_leader,
                                    pins_without_rest)

    team_of = {e.id: e.team for e in problem.employees}
    causes: dict = {}
    # A region's solve words these as a one-team solve does (left_out_messages), not as a clash.
    for pin in pins_without_leader(problem, pins):
        causes.setdefault(pin, {})["unled"] = True
    for pin, leads in pins_held_by_leader_pins(problem, pins).items():
        causes.setdefault(pin, {})["held"] = [
            {"name": idmap.names.get(lead.supervisor, lead.supervisor), "date": lead.date.isoformat(),
             "place": idmap.names.get(lead.location, lead.location),
             "team": idmap.names.get(lead.team, "") if lead.team != team_of.get(pin.employee) else "",
             # the people pinned there, by id (_named names them)
             "with_ids": [planning.pk_of(other.employee) for other in pins_at(problem, lead)]}
            for lead in leads]
    for pin in pins_over_contract(problem, pins):
        causes.setdefault(pin, {})["hours"] = True
    for pin in pins_without_rest(problem, pins):
        causes.setdefault(pin, {})["rest"] = True
    return causes


def _marking() -> bool:
    """Whether the pin messages mark place names lang="nl": on a page in another language (WCAG
    3.1.2), as the templates' in_dutch does. In Dutch they stay plain text, so the message stored
    on the job (written in Dutch) and the command line's read as before."""
    return str(get_locale() or "nl") != "nl"


def _place(name: str) -> str | Markup:
    """A place's (Dutch) name in a pin message, marked lang="nl" when _marking."""
    return marked_dutch(name) if name else name


def _values(**values) -> dict:
    """What fills a pin message: when _marking, text escaped (a marked place, or a part built
    with one, stays markup), since the message becomes markup (_markup). Names are typed by
    people: never markup of their own."""
    if not _marking():
        return values
    return {key: escape(value) if isinstance(value, str) else value for key, value in values.items()}


def _markup(message: str) -> str | Markup:
    """A translated pin message filled with _values: markup when _marking (the translation
    trusted, as Jinja's own gettext trusts it), else the plain text."""
    return Markup(message) if _marking() else message


def _joined(separator: str, parts) -> str | Markup:
    """Parts of a pin message joined: when _marking as markup, with a plain part escaped."""
    return Markup(separator).join(parts) if _marking() else separator.join(parts)


def _pin_text(pin: dict) -> str | Markup:
    """One pin as part of a sentence: who, the day, the place and hours; a pin of a job stored
    before places were kept, who and the day."""
    from .formatting import minutes_to_hhmm

    day = dt.date.fromisoformat(pin["date"])
    if "place" not in pin:
        return f"{pin['name']} ({day_and_month(day)})"
    who = pin["name"]
    if pin.get("email"):
        who += f" ({pin['email']})"
    elif pin.get("nr"):
        who += " (" + _("nr. %(n)d", n=pin["nr"]) + ")"
    where = _place(pin.get("place") or "")
    if pin.get("start") is not None and pin.get("end") is not None:
        where += f" {minutes_to_hhmm(pin['start'])}–{minutes_to_hhmm(pin['end'])}"
    return _markup(_("%(person)s op %(day)s, %(place)s", **_values(person=who, day=full_date(day),
                                                                   place=where.strip())))


def _pins_text(pins: list[dict]) -> str | Markup:
    return _joined("; " if all("place" in pin for pin in pins) else ", ", (_pin_text(pin) for pin in pins))


def _days_text(pins: list[dict]) -> str:
    """The days of these pins, in order."""
    return ", ".join(full_date(day) for day in sorted({dt.date.fromisoformat(pin["date"]) for pin in pins}))


def _why_text(pins: list[dict]) -> str | Markup:
    """What the pins themselves say of why they cannot hold, as sentences ('' when nothing): the
    pinned team leaders that keep a leader away, a person's contract hours, too little rest."""
    leads: dict[tuple, dict] = {}
    for pin in pins:
        for lead in pin.get("held") or []:
            leads.setdefault((lead["name"], lead["date"], lead["place"], lead.get("team", "")), lead)
    said = []
    if leads:
        said.append(_markup(ngettext("Dat komt door een vastgezette teamleider: %(leads)s",
                                     "Dat komt door vastgezette teamleiders: %(leads)s", len(leads),
                                     **_values(leads=_joined(" ", (_lead_text(lead) for lead in leads.values()))))))
    for name in dict.fromkeys(pin["name"] for pin in pins if pin.get("hours")):
        said.append(_markup(_("%(name)s heeft deze week niet genoeg contracturen voor al deze diensten.",
                              **_values(name=name))))
    for name in dict.fromkeys(pin["name"] for pin in pins if pin.get("rest")):
        said.append(_markup(_("Tussen de diensten van %(name)s zit te weinig rust.", **_values(name=name))))
    return _joined(" ", said)


def _lead_text(lead: dict) -> str | Markup:
    """A pinned team leader that keeps a leader away, with the pinned shifts at that place."""
    place = _place(lead["place"]) + (f" ({lead['team']})" if lead.get("team") else "")
    day = full_date(dt.date.fromisoformat(lead["date"]))
    if not lead.get("with"):
        return _markup(_("%(leader)s staat op %(day)s vast bij %(place)s.",
                         **_values(leader=lead["name"], day=day, place=place)))
    return _markup(ngettext("%(leader)s staat op %(day)s vast bij %(place)s, waar ook %(pins)s vaststaat.",
                            "%(leader)s staat op %(day)s vast bij %(place)s, waar ook %(pins)s vaststaan.",
                            len(lead["with"]), **_values(leader=lead["name"], day=day, place=place,
                                                         pins=", ".join(lead["with"]))))


def _named(result: dict | None) -> dict | None:
    """The result with each person it holds by id named as they are now: a job's result holds
    no names (since QA round 18), so an anonymised person reads as anonymised and a person no
    longer stored as "onbekend". A pin gets "name" and what tells a namesake in the team apart
    ("email", else "nr", as the roster grid: formatting.telling_apart), a pinned team leader's
    "with_ids" become "with", a change and a dropped pin get "name". What holds a name already
    (a result stored before) keeps it. A copy: the stored result stays as it is."""
    from .models import Employee

    def people_in(found: dict):
        pins = [*(found.get("conflicting_pins") or []),
                *(pin for entry in found.get("left_out") or [] for pin in entry.get("pins") or [])]
        changes = [change for entry in found.get("left_out") or [] for change in entry.get("changes") or []]
        return pins, changes, found.get("dropped_pins") or []

    if not result:
        return result
    pins, changes, dropped = people_in(result)
    # (An id may be None: a person a data migration could no longer tell, "onbekend".)
    wanted = [row["employee_id"] for row in (*pins, *changes, *dropped) if "name" not in row and "employee_id" in row]
    wanted += [pk for pin in pins for lead in pin.get("held") or [] if "with" not in lead
               for pk in lead.get("with_ids") or []]
    if not wanted:
        return result
    result = copy.deepcopy(result)
    pins, changes, dropped = people_in(result)
    ids = sorted({pk for pk in wanted if isinstance(pk, int)})
    people = {e.id: e for e in db.session.scalars(select(Employee).where(Employee.id.in_(ids)))} if ids else {}
    apart: dict[int, tuple[str, int | None]] = {}
    for team_id in {people[pin["employee_id"]].team_id for pin in pins if pin.get("employee_id") in people}:
        mates = db.session.scalars(select(Employee).where(Employee.team_id == team_id, Employee.archived.is_(False))
                                   .order_by(Employee.sort_name, Employee.id)).all()
        others = [e for e in people.values() if e.team_id == team_id and e not in mates]
        apart.update(telling_apart([*mates, *others]))  # as the roster grid tells namesakes apart

    def name(pk) -> str:
        person = people.get(pk)
        return person.name if person is not None else _("onbekend")

    for pin in pins:
        if "name" not in pin and "employee_id" in pin:
            pin["name"] = name(pin["employee_id"])
            pin["email"], pin["nr"] = apart.get(pin["employee_id"], ("", None))
        for lead in pin.get("held") or []:
            if "with" not in lead and "with_ids" in lead:
                lead["with"] = [name(pk) for pk in lead["with_ids"]]
    for row in (*changes, *dropped):
        if "name" not in row and "employee_id" in row:
            row["name"] = name(row["employee_id"])
    return result


def pins_message(result: dict | None) -> str | Markup:
    """A one-team solve's conflicting pins, in the reader's language ('' when there were none);
    on a page not in Dutch, markup with the places marked (_marking)."""
    result = _named(result)
    pins = (result or {}).get("conflicting_pins")
    if pins is None:
        return ""

    # A shift under way is kept by a repair, not pinned by anyone: it cannot be let go, but a
    # repair from tomorrow leaves today as it is.
    under_way = [_("Diensten die al bezig zijn, kun je niet losmaken. Repareer vanaf morgen als dat genoeg is: "
                   "vandaag blijft dan zoals het is.")] if any(pin.get("begun") for pin in pins) else []
    unled = [pin for pin in pins if pin.get("unled")]
    held = [pin for pin in pins if pin.get("held") and not pin.get("unled")]
    short = [pin for pin in pins if pin.get("short")]
    if unled:
        said = _markup(ngettext(
            "Geen teamleider kan deze dienst leiden: %(pins)s. Er is op %(days)s geen teamleider of invaller "
            "vrij voor dit team en dit werk. Zorg eerst voor een teamleider (bijvoorbeeld een invaller uit de "
            "regio) en probeer het dan opnieuw. Het rooster is niet veranderd.",
            "Geen teamleider kan deze diensten leiden: %(pins)s. Er is op %(days)s geen teamleider of invaller "
            "vrij voor dit team en dit werk. Zorg eerst voor een teamleider (bijvoorbeeld een invaller uit de "
            "regio) en probeer het dan opnieuw. Het rooster is niet veranderd.",
            len(unled), **_values(pins=_pins_text(unled), days=_days_text(unled))))
    elif held:
        # Someone could lead it, but the planner's own leader pins keep them elsewhere: letting
        # one of those pins (or the pinned shifts there) go helps; no stand-in is missing.
        said = _markup(ngettext(
            "Geen teamleider kan deze dienst leiden: %(pins)s. %(why)s Maak een of meer hiervan los en "
            "probeer het opnieuw. Het rooster is niet veranderd.",
            "Geen teamleider kan deze diensten leiden: %(pins)s. %(why)s Maak een of meer hiervan los en "
            "probeer het opnieuw. Het rooster is niet veranderd.",
            len(held), **_values(pins=_pins_text(held), why=_why_text(held))))
    elif short:
        said = _markup(_("Er zijn op %(days)s te weinig teamleiders vrij voor alle plekken van deze diensten: "
                         "%(pins)s. Elke plek heeft een eigen teamleider nodig. Zorg eerst voor een invaller uit de "
                         "regio en probeer het dan opnieuw. Het rooster is niet veranderd.",
                         **_values(pins=_pins_text(short), days=_days_text(short))))
        if any(pin.get("loose") for pin in short):
            # Pinned by someone: letting one place's shifts go frees its leader for the others.
            said += " " + _("Is er geen invaller? Maak dan de vastgezette diensten op een van die plekken los en "
                            "probeer het opnieuw.")
    elif under_way:
        said = _markup(_("Deze diensten passen niet samen in een rooster: %(pins)s. Het rooster is niet veranderd.",
                         **_values(pins=_pins_text(pins))))
    elif why := _why_text(pins):
        # The pins' own cause (contract hours, rest), as the region's message names it.
        return _markup(_("De vastgezette diensten passen niet samen in een rooster: %(pins)s. %(why)s Maak een of "
                         "meer van die diensten los en probeer het opnieuw. Het rooster is niet veranderd.",
                         **_values(pins=_pins_text(pins), why=why)))
    else:
        return _markup(_("De vastgezette diensten passen niet samen in een rooster: %(pins)s. "
                         "Maak een of meer van die diensten los en probeer het opnieuw. Het rooster is niet "
                         "veranderd.", **_values(pins=_pins_text(pins) or _("onbekend"))))
    return _joined(" ", [said, *under_way])


def _causes_first(pins: list, causes: set) -> list:
    """The conflicting pins with the ones that point at the cause first (they are listed, five at most)."""
    return sorted(pins, key=lambda p: p not in causes)


# A line for teams left out for the same reason names this many of them, then "en N andere teams".
NAMES_IN_LINE = 3


def dropped_pin_lines(result: dict | None) -> tuple[list[dict], list[dict]]:
    """The pins a solve could not keep (its result's dropped_pins), for the job page: those of a
    job stored before the reasons were (no "reason"; the page names them after one general
    sentence), and the others as lines of one person and one reason each, with all their days
    ({"name", "reason", "days": [dates]}), in the order of their first day. People are named as
    they are now (_named)."""
    result = _named(result)
    old, lines = [], {}
    for pin in (result or {}).get("dropped_pins") or []:
        if pin.get("reason") not in planning.DROPPED_PIN_REASONS:
            old.append(pin)
            continue
        key = (pin.get("employee_id") or pin.get("name"), pin["reason"])
        line = lines.setdefault(key, {"name": pin.get("name", ""), "reason": pin["reason"], "days": []})
        line["days"].append(dt.date.fromisoformat(pin["date"]))
    return old, sorted(lines.values(), key=lambda line: (min(line["days"]), line["name"]))


def left_out_messages(result: dict | None) -> list[str | Markup]:
    """Per team a multi-team solve left out because its pins conflict, or a solve did not save
    because what it relied on changed meanwhile, what to tell, in the reader's language; on a
    page not in Dutch, markup with the places marked (_marking). Teams left out because the
    same thing changed share one line (left_out_lines)."""
    return [line for line, _teams in left_out_lines(result)]


def left_out_lines(result: dict | None) -> list[tuple[str | Markup, list[str]]]:
    """left_out_messages, each line with the names of all its teams when it names only some of
    them (the job page lists them all under it), else with [].

    Publishing the week during an all-teams solve leaves out every team it published for the
    same reason: a hundred identical lines, each saying "plan this team again", helped nobody."""
    result = _named(result)
    entries = (result or {}).get("left_out") or []
    total = (result or {}).get("planned_teams")  # how many teams the job planned; absent in older jobs
    groups: dict[str, list[dict]] = {}
    for entry in entries:
        if "changes" in entry:
            groups.setdefault(json.dumps(entry["changes"], sort_keys=True), []).append(entry)
    said: list[tuple[str | Markup, list[str]]] = []
    for entry in entries:
        if "changes" not in entry:
            said.append((_left_out_for_pins(entry["team"], entry["pins"]), []))
            continue
        group = groups.pop(json.dumps(entry["changes"], sort_keys=True), None)
        if group is None:  # told already, on its group's line
            continue
        changes = "; ".join(_change_text(c) for c in entry["changes"])
        if len(group) == 1:
            said.append((_markup(_("%(team)s is niet gepland: tijdens het plannen is er iets veranderd: %(changes)s. "
                                   "Plan dit team opnieuw. Het rooster van dit team is niet veranderd.",
                                   **_values(team=entry["team"], changes=changes))), []))
            continue
        names = [member["team"] for member in group]
        # All teams, or most of them: one plan of all teams is quicker than planning each again.
        advice = (_("Plan alle teams opnieuw.") if total and len(group) * 2 >= total
                  else _("Plan deze teams opnieuw."))
        said.append((_markup(ngettext(
            "%(num)d team is niet gepland: tijdens het plannen is er iets veranderd: %(changes)s. Het gaat om "
            "%(teams)s. %(advice)s Het rooster van dit team is niet veranderd.",
            "%(num)d teams zijn niet gepland: tijdens het plannen is er iets veranderd: %(changes)s. Het gaat om "
            "%(teams)s. %(advice)s De roosters van deze teams zijn niet veranderd.",
            len(group), **_values(changes=changes, teams=_some_names(names), advice=advice))),
            names if len(names) > NAMES_IN_LINE + 1 else []))
    return said


def _some_names(names: list[str]) -> str:
    """A few team names for a sentence: all of them when there are few, else the first few and
    how many others."""
    if len(names) <= NAMES_IN_LINE + 1:
        return _("%(first)s en %(last)s", first=", ".join(names[:-1]), last=names[-1])
    rest = len(names) - NAMES_IN_LINE
    return ngettext("%(first)s en %(num)d ander team", "%(first)s en %(num)d andere teams", rest,
                    first=", ".join(names[:NAMES_IN_LINE]))


def _left_out_for_pins(team: str, pins: list[dict]) -> str | Markup:
    """A team a multi-team solve left out because its pins conflict, worded as a one-team solve
    words the same cause (pins_message): a shift nobody may lead, or one the pinned team leaders
    keep every leader away from, is not a clash of the pins (and one shift is not "these")."""
    def listed(rows) -> str | Markup:
        return _joined("; ", (_pin_text({"place": "", **pin}) for pin in rows))

    unled = [pin for pin in pins if pin.get("unled")]
    held = [pin for pin in pins if pin.get("held") and not pin.get("unled")]
    if unled:
        return _markup(ngettext(
            "%(team)s is niet gepland: geen teamleider kan deze dienst leiden: %(pins)s. Er is op %(days)s geen "
            "teamleider of invaller vrij voor dit team en dit werk. Zorg eerst voor een teamleider (bijvoorbeeld "
            "een invaller uit de regio) en plan het team dan opnieuw. Het rooster van dit team is niet veranderd.",
            "%(team)s is niet gepland: geen teamleider kan deze diensten leiden: %(pins)s. Er is op %(days)s geen "
            "teamleider of invaller vrij voor dit team en dit werk. Zorg eerst voor een teamleider (bijvoorbeeld "
            "een invaller uit de regio) en plan het team dan opnieuw. Het rooster van dit team is niet veranderd.",
            len(unled), **_values(team=team, pins=listed(unled), days=_days_text(unled))))
    if held:
        # Someone could lead it but for the planner's own leader pins: letting one go helps.
        return _markup(ngettext(
            "%(team)s is niet gepland: geen teamleider kan deze dienst leiden: %(pins)s. %(why)s Maak een of meer "
            "hiervan los en plan het team opnieuw. Het rooster van dit team is niet veranderd.",
            "%(team)s is niet gepland: geen teamleider kan deze diensten leiden: %(pins)s. %(why)s Maak een of "
            "meer hiervan los en plan het team opnieuw. Het rooster van dit team is niet veranderd.",
            len(held), **_values(team=team, pins=listed(held), why=_why_text(held))))
    if why := _why_text(pins):
        # The pins' own cause (contract hours, rest): named, so the planner knows what to let go.
        return _markup(_("%(team)s is niet gepland: deze vastgezette diensten botsen: %(pins)s. %(why)s Maak een "
                         "of meer hiervan los en plan het team opnieuw. Het rooster van dit team is niet veranderd.",
                         **_values(team=team, pins=listed(pins), why=why)))
    return _markup(_("%(team)s is niet gepland: deze vastgezette diensten botsen: %(pins)s. Maak er een of meer "
                     "los en plan het team opnieuw. Het rooster van dit team is niet veranderd.",
                     **_values(team=team, pins=listed(pins))))


def _change_text(change: dict) -> str:
    """One thing that changed during a solve (planning.describe_changes), as part of a sentence."""
    from .formatting import full_date, minutes_to_hhmm

    what = change.get("what")
    name = change.get("name", "")
    days = ", ".join(full_date(dt.date.fromisoformat(day)) for day in change.get("days") or [])
    if what == "roster":
        return _("het rooster is met de hand veranderd of gepubliceerd")
    if what == "team":
        return _("het team is gearchiveerd")
    if what == "gone":
        return _("%(name)s zit niet meer in dit team", name=name)
    if what == "absent":
        return _("%(name)s is afwezig op %(days)s", name=name, days=days)
    if what == "hours":
        return _("%(name)s kan op %(days)s niet meer op de geplande tijden werken", name=name, days=days)
    if what == "contract":
        return _("de uren van %(name)s zijn veranderd", name=name)
    if what == "skills":
        return _("het werk of de locaties van %(name)s zijn veranderd", name=name)
    if what == "leader":
        return _("teamleider %(name)s kan niet meer op %(days)s", name=name, days=days)
    if what == "request":
        request = _("aanvraag %(nr)d (%(name)s)", nr=change.get("nr", 0), name=name)
        hows = {
            "cancelled": _("%(request)s is geannuleerd", request=request),
            "stopped": _("%(request)s gaat niet meer door", request=request),
            "days": _("%(request)s is nu op andere dagen", request=request),
            "times": _("%(request)s heeft nu andere tijden: %(start)s–%(end)s", request=request,
                       start=minutes_to_hhmm(change.get("start")), end=minutes_to_hhmm(change.get("end"))),
            "place": _("%(request)s is nu op een andere locatie", request=request),
            "work": _("%(request)s vraagt nu ander werk", request=request),
            "fewer": _("%(request)s vraagt nu minder mensen", request=request),
            "taken": _("op %(request)s staan nu mensen van een ander team", request=request),
        }
        return "; ".join(hows[how] for how in change.get("how") or [] if how in hows) or request
    return _("gegevens die dit team raken zijn veranderd")


def planning_error(message: str) -> ServiceError:
    return ServiceError(message)


def current_config(key: str, default):
    return current_app.config.get(key, default)


def _write_progress(job: SolveJob, p, elapsed: float) -> None:
    values = {"elapsed_seconds": round(elapsed, 2), "heartbeat_at": utcnow(),
              "progress": min(0.99, elapsed / job.time_limit) if job.time_limit else 0.0}
    if p is not None:
        values["progress"] = min(0.99, max(values["progress"], p.fraction))
        if p.best_objective is not None:
            values["best_objective"] = float(p.best_objective)
        if p.best_bound is not None:
            values["best_bound"] = float(p.best_bound)
        regions = getattr(p, "regions", 0)
        if regions > 1:
            # Until every region has a roster the objective counts the others as empty, so the page
            # tells regions done, not a percentage. The row has no column for it: the result holds it
            # while the job runs, and the run's outcome replaces it.
            values["result"] = {"regions": {"with_roster": int(p.regions_with_roster), "of": int(regions)}}
    db.session.execute(SolveJob.__table__.update().where(SolveJob.id == job.id).values(**values))
    db.session.commit()


def _cancel_requested(job_id: int) -> bool:
    value = db.session.scalar(select(SolveJob.cancel_requested).where(SolveJob.id == job_id))
    db.session.commit()
    return bool(value)


def team_name(job: SolveJob) -> str:
    if job.team_id is None and job.region is not None:
        return _("regio %(region)s", region=job.region)
    if job.team_id is None:
        return _("alle teams")
    team = db.session.get(Team, job.team_id)
    return team.name if team else ""
