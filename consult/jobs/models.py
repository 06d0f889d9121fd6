"""Job-status records: one row per piece of background work, keyed by its RQ job id."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from consult.core.models import StrEnumType, UTCDateTime, enum_validator, utcnow
from consult.extensions import db


class JobStatus(StrEnum):
    #: Recorded, not yet handed to Redis (Redis was down, or the request has not committed yet).
    PENDING = "pending"
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"

    @property
    def is_done(self) -> bool:
        """Finished or failed: nothing more will happen unless someone tries again."""
        return self in (JobStatus.FINISHED, JobStatus.FAILED)

    @property
    def is_failed(self) -> bool:
        return self is JobStatus.FAILED

    @property
    def is_running(self) -> bool:
        return self is JobStatus.RUNNING


class JobRecord(db.Model):
    __tablename__ = "job_records"

    #: Also the RQ job id, so a record is enqueued under one id however often it is dispatched.
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    kind: Mapped[str] = mapped_column(String(64))
    #: What the job is about, e.g. "planning_group:7", so pages can find its latest run.
    subject: Mapped[str | None] = mapped_column(String(64), index=True)
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[JobStatus] = mapped_column(StrEnumType(JobStatus), default=JobStatus.PENDING, index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Not before this moment (RQ's scheduler holds it until then); NULL means as soon as possible.
    run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'queued', 'running', 'finished', 'failed')", name="status_known"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
    )

    _status_is_enum = validates("status")(enum_validator(JobStatus))

    @property
    def done(self) -> bool:
        return self.status is not None and JobStatus(self.status).is_done
