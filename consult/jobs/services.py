"""The life of a job record: created, claimed once, progress, finished or failed."""

from __future__ import annotations

import traceback
from typing import Any

from sqlalchemy import select, update

from consult.core.models import utcnow
from consult.extensions import db
from consult.jobs.models import JobRecord, JobStatus


def create_job_record(kind: str, *, subject: str | None = None, args: dict[str, Any] | None = None,
                      actor=None, run_at=None) -> JobRecord:
    """Record a piece of work as pending; the queue hands it to Redis after the request commits."""
    record = JobRecord(kind=kind, subject=subject, args=args or {}, created_by_id=getattr(actor, "id", None),
                       run_at=run_at)
    db.session.add(record)
    db.session.flush()
    return record


def mark_queued(job_id: str) -> None:
    """Note that Redis holds the job, unless a worker has already picked it up."""
    db.session.execute(
        update(JobRecord)
        .where(JobRecord.id == job_id, JobRecord.status == JobStatus.PENDING)
        .values(status=JobStatus.QUEUED, enqueued_at=utcnow())
    )


def claim(job_id: str) -> bool:
    """Move a job to running; False if another run already took it, so no job runs twice."""
    result = db.session.execute(
        update(JobRecord)
        .where(JobRecord.id == job_id, JobRecord.status.in_((JobStatus.PENDING, JobStatus.QUEUED)))
        .values(status=JobStatus.RUNNING, started_at=utcnow(), attempts=JobRecord.attempts + 1,
                progress=0, error=None)
    )
    return result.rowcount == 1


def finish(job_id: str, result: dict[str, Any] | None) -> None:
    db.session.execute(
        update(JobRecord).where(JobRecord.id == job_id).values(
            status=JobStatus.FINISHED, progress=100, result=result, finished_at=utcnow(), message=None
        )
    )


def fail(job_id: str, error: BaseException) -> None:
    detail = "".join(traceback.format_exception_only(type(error), error)).strip()
    db.session.execute(
        update(JobRecord).where(JobRecord.id == job_id).values(
            status=JobStatus.FAILED, error=detail[:2000], finished_at=utcnow()
        )
    )


def retry(record: JobRecord) -> JobRecord:
    """Put a failed job back to pending so that the queue dispatches it again."""
    if not record.status.is_failed:
        raise ValueError("Only a failed job can be retried.")
    record.status = JobStatus.PENDING
    record.progress = 0
    record.finished_at = None
    return record


def pending(limit: int = 100) -> list[tuple[str, Any]]:
    """(id, run_at) of records not yet handed to Redis, oldest first."""
    return [tuple(row) for row in db.session.execute(
        select(JobRecord.id, JobRecord.run_at).where(JobRecord.status == JobStatus.PENDING)
        .order_by(JobRecord.created_at).limit(limit))]


def latest_for(subject: str) -> JobRecord | None:
    return db.session.scalar(
        select(JobRecord).where(JobRecord.subject == subject).order_by(JobRecord.created_at.desc()).limit(1)
    )
