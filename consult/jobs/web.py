"""The view helper for "start a job and say so"."""

from __future__ import annotations

from flask import flash, redirect, url_for
from werkzeug.wrappers import Response

from consult.jobs.models import JobRecord
from consult.jobs.queue import commit_and_dispatch


def started(record: JobRecord, *, started: str, waiting: str, then: str | None = None) -> Response:
    """Commit the request (with the job it submitted) and hand the job to Redis; say that it has started, or,
    with the job service away, that it will start when the service is back; then go to `then`, else to the
    job's own status page."""
    if commit_and_dispatch():
        flash(started, "success")
    else:
        flash(waiting, "warning")
    return redirect(then or url_for("jobs.status", job_id=record.id))
